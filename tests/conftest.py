import io
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction

from tests import factories

# Data migrations that add rows (beat schedules, the party-wide help offers, the
# default interests), each get_or_create / update_or_create, so safe to run again.
REPLAYED_MIGRATIONS = re.compile(r"schedule|beat_|talent_data|help_offers")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """A transactional test (worker, browser, fault) ends by flushing the database,
    which removes the rows data migrations made; with --reuse-db the next run's
    database would lack them (no beat schedules, no help offers). Put them back."""
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    with django_db_blocker.unblock():
        graph = MigrationLoader(connection).graph
        plan = dict.fromkeys(
            key for leaf in graph.leaf_nodes() for key in graph.forwards_plan(leaf)
        )
        with connection.schema_editor() as schema_editor:
            for app_label, name in plan:
                if not REPLAYED_MIGRATIONS.search(name):
                    continue
                for operation in graph.nodes[app_label, name].operations:
                    if isinstance(operation, RunPython):
                        operation.code(apps, schema_editor)


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate limits and other cached state must not leak between tests.
    cache.clear()
    yield


@pytest.fixture
def clp_a(db):
    return factories.ConstituencyFactory(name="Hodge Hill", slug="hodge-hill")


@pytest.fixture
def clp_b(db):
    return factories.ConstituencyFactory(name="Reading West", slug="reading-west")


@pytest.fixture
def officer_a(clp_a):
    return factories.officer(clp_a, role="secretary")


@pytest.fixture
def officer_b(clp_b):
    return factories.officer(clp_b, role="secretary")


@pytest.fixture
def member_a(clp_a):
    return factories.member_user(clp_a)


@pytest.fixture
def superuser(db):
    user = factories.UserFactory(is_superuser=True, is_staff=True)
    return user


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup, django_db_blocker) -> str:
    """`seed_demo` run once for a module whose tests read the demo (it fills every
    app, so one run takes a minute or more). Each test still runs in its own
    transaction, a savepoint inside this one, so what a test changes is undone;
    the demo itself is rolled back after the module. Returns what it printed.
    The demo stays until the module ends, so every later db test of the module sees
    it: use it only where they all expect the demo (never with transactional_db)."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("seed_demo", force=True, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def eager_tasks():
    """Run Celery tasks in the test, as a worker would, when they are sent."""
    from partyhub.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False
