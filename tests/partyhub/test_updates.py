import pytest

from members.models import Constituency
from partyhub.errors import DomainError, message_of
from partyhub.updates import audit_detail, model_update

pytestmark = pytest.mark.django_db


def test_model_update_saves_only_real_changes_and_reports_old_and_new():
    clp = Constituency.objects.create(name="Old name", slug="old-name")
    changed = model_update(
        instance=clp,
        changes={"name": "New name", "slug": "old-name"},
        fields=["name", "slug"],
    )
    assert changed == {"name": ("Old name", "New name")}
    clp.refresh_from_db()
    assert clp.name == "New name"
    assert audit_detail(changed) == {
        "changes": {"name": {"old": "Old name", "new": "New name"}}
    }


def test_model_update_refuses_fields_the_service_does_not_allow():
    clp = Constituency.objects.create(name="Kept", slug="kept")
    with pytest.raises(DomainError) as caught:
        model_update(instance=clp, changes={"slug": "moved"}, fields=["name"])
    assert "slug" in message_of(caught.value)
    clp.refresh_from_db()
    assert clp.slug == "kept"


def test_model_update_with_nothing_changed_saves_nothing(django_assert_num_queries):
    clp = Constituency.objects.create(name="Same", slug="same")
    with django_assert_num_queries(0):
        assert (
            model_update(instance=clp, changes={"name": "Same"}, fields=["name"]) == {}
        )
