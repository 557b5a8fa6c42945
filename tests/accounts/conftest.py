import pytest

from partyhub.celery import app


@pytest.fixture
def eager_tasks():
    """Run tasks in the test, as a worker would, after the request commits."""
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False
