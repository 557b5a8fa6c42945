"""The contact log: added by officers in the admin, shown on the Person page, audited."""

from django.urls import reverse
from django.utils import timezone

from members.models import ContactLog
from partyhub.audit.models import AuditEntry
from tests import factories

ADD = reverse("admin:members_contactlog_add")


def _person_page(person):
    return reverse("admin:members_person_change", args=[person.pk])


def test_officer_logs_a_contact_shown_on_person_page(client, clp_a, secretary_a):
    person = factories.PersonFactory(constituency=clp_a, last_name="Called")
    client.force_login(secretary_a)
    page = client.get(_person_page(person))
    assert f"{ADD}?person={person.pk}" in page.text
    now = timezone.localtime()
    response = client.post(
        f"{ADD}?person={person.pk}",
        {
            "person": person.pk,
            "at_0": now.strftime("%Y-%m-%d"),
            "at_1": now.strftime("%H:%M:%S"),
            "how": ContactLog.How.VISIT,
            "outcome": ContactLog.Outcome.WONT_RENEW,
            "by_person": secretary_a.person.pk,
            "note": "Moving to Leeds next month",
        },
    )
    assert response.status_code == 302, response.text[:3000]
    entry = ContactLog.objects.get()
    assert entry.by_user == secretary_a and entry.outcome == "wont_renew"
    assert (
        AuditEntry.objects.filter(
            action="contactlog.create", object_id=str(entry.pk)
        ).count()
        == 1
    )
    page = client.get(_person_page(person))
    assert "Moving to Leeds next month" in page.text
    assert "Won&#x27;t renew" in page.text or "Won't renew" in page.text


def test_bad_contact_is_rejected_next_to_the_field(client, clp_a, secretary_a):
    person = factories.PersonFactory(constituency=clp_a)
    client.force_login(secretary_a)
    response = client.post(ADD, {"person": person.pk, "how": "smoke-signal"})
    assert response.status_code == 200
    assert "That choice is not on the list" in response.text
    assert "This field is required" in response.text
    assert not ContactLog.objects.exists()


def test_contact_log_is_scoped(client, clp_a, clp_b, secretary_a, secretary_b):
    theirs = factories.PersonFactory(constituency=clp_b, last_name="Elsewhere")
    ContactLog.objects.create(
        person=theirs, how="call", outcome="spoke", note="Private to Reading West"
    )
    client.force_login(secretary_a)
    listing = client.get(reverse("admin:members_contactlog_changelist"))
    assert "Elsewhere" not in listing.text
    entry = ContactLog.objects.get()
    assert (
        client.get(
            reverse("admin:members_contactlog_change", args=[entry.pk])
        ).status_code
        == 404
    )
    # Nor can they log a contact against another CLP's person.
    response = client.post(
        ADD, {"person": theirs.pk, "how": "call", "outcome": "spoke"}
    )
    assert response.status_code == 200
    assert ContactLog.objects.count() == 1
    client.force_login(secretary_b)
    assert "Private to Reading West" in client.get(_person_page(theirs)).text


def test_contact_log_cannot_be_edited(client, clp_a, secretary_a):
    person = factories.PersonFactory(constituency=clp_a)
    entry = ContactLog.objects.create(person=person, how="call", outcome="spoke")
    client.force_login(secretary_a)
    client.post(
        reverse("admin:members_contactlog_change", args=[entry.pk]),
        {"person": person.pk, "how": "visit", "outcome": "no_answer"},
    )
    entry.refresh_from_db()
    assert entry.how == "call"
