"""The living demo: after seed_demo every officer-facing list has rows and every
chart on the home page has data, for each demo constituency."""

from django.contrib import admin
from django.urls import reverse

from dashboard import charts
from members.models import Constituency
from partyhub.accounts.models import User

# The README walks a new officer through importing the demo national list
# themselves: a stored import run would spoil that first preview.
# The demo CLPs run all-member General Committees, as the report advises: a
# delegate GC's delegates have no place in them.
NOT_IN_DEMO = {"members.ImportRun", "governance.Delegation"}


def _empty_lists(client, email):
    user = User.objects.get(email=email)
    client.force_login(user)
    empty = []
    request = client.get(reverse("admin:index")).wsgi_request
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        if label in NOT_IN_DEMO or model._meta.app_label in (
            "django_celery_beat",
            "auth",
        ):
            continue
        if not model_admin.has_view_permission(request):
            continue
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        )
        response = client.get(url)
        if response.status_code != 200:
            continue
        if response.context_data["cl"].result_count == 0:
            empty.append(label)
    return empty


def test_after_seed_demo_every_officer_list_has_rows_and_every_chart_data(
    seeded_demo, db, client
):
    # A second run changes no count of any model:
    # tests/members/test_seed_demo.py::test_seed_demo_twice_changes_no_count.
    empty = {
        email: _empty_lists(client, email)
        for email in ("chair@hodgehill.example.org", "chair@readingwest.example.org")
    }
    assert empty == {email: [] for email in empty}
    for clp in Constituency.objects.all():
        for key in charts.CHARTS:
            chart = charts.chart(key, frozenset({clp.pk}))
            assert chart.has_data, (clp.slug, key)


def test_demo_shows_a_duplicate_pair_to_merge_and_a_finished_merge(seeded_demo, db):
    from partyhub.personal_data.duplicates import likely_duplicates
    from partyhub.personal_data.models import MergeRecord

    for email in ("chair@hodgehill.example.org", "chair@readingwest.example.org"):
        user = User.objects.get(email=email)
        reasons = [r for pair in likely_duplicates(user) for r in pair.reasons]
        assert "same name and postcode" in reasons, email
        assert MergeRecord.objects.in_constituencies(user).count() == 1, email
