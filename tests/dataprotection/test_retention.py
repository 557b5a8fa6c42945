"""The retention schedule: each CLP's periods, the nightly run through the register
of personal data, and a preview that says exactly what the run removes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import CallList, CallListEntry, Petition, Signature
from members.models import ContactLog, Membership, Person
from partyhub.audit.models import AuditEntry
from partyhub.comms.consent import consent_record
from partyhub.comms.models import Channel, ConsentEvent, Method
from partyhub.dataprotection import tasks
from partyhub.dataprotection.models import (
    KeepAsFormerMember,
    RetentionItem,
    RetentionPeriod,
    RetentionRun,
)
from partyhub.dataprotection.retention import retention_preview, retention_run
from supporters.models import SignupRequest, Supporter
from tests import factories

DAY = datetime.timedelta(days=1)
YEAR = 365 * DAY


def _ago(delta):
    return timezone.now() - delta


def _supporter(clp, *, created_ago, **person):
    person = factories.PersonFactory(constituency=clp, **person)
    supporter = Supporter.objects.create(
        person=person, constituency=clp, status=Supporter.Status.CONFIRMED
    )
    Supporter.objects.filter(pk=supporter.pk).update(created=_ago(created_ago))
    return person


def _former_member(clp, *, lapsed_ago, **person):
    person = factories.PersonFactory(constituency=clp, phone="0121 496 0000", **person)
    factories.MembershipFactory(
        person=person,
        status=Membership.Status.LAPSED,
        joined=(timezone.now() - 12 * YEAR).date(),
        status_since=(timezone.now() - lapsed_ago).date(),
    )
    return person


def _signer(clp, petition, **person):
    person = factories.PersonFactory(constituency=clp, **person)
    signature = Signature.objects.create(petition=petition, person=person)
    Signature.objects.filter(pk=signature.pk).update(created=_ago(4 * YEAR))
    return person


def _signup(clp, email, ago):
    request = SignupRequest.objects.create(email=email, data={}, constituency=clp)
    SignupRequest.objects.filter(pk=request.pk).update(created=_ago(ago))
    return request


def _world(clp):
    """One of everything, due and not due, in one CLP."""
    w = {}
    w["old_signup"] = _signup(clp, f"old@{clp.slug}.example", 40 * DAY)
    w["new_signup"] = _signup(clp, f"new@{clp.slug}.example", 10 * DAY)
    w["lapsed_supporter"] = _supporter(clp, created_ago=4 * YEAR, last_name="Gone")
    w["consented_supporter"] = _supporter(clp, created_ago=4 * YEAR, last_name="Said")
    consent_record(
        person=w["consented_supporter"],
        channel=Channel.EMAIL,
        granted=True,
        method=Method.PREFERENCES,
        at=_ago(200 * DAY),
    )
    w["old_member"] = _former_member(clp, lapsed_ago=7 * YEAR, last_name="Oldmember")
    w["kept_member"] = _former_member(clp, lapsed_ago=7 * YEAR, last_name="Keptname")
    KeepAsFormerMember.objects.create(person=w["kept_member"], how="On the phone")
    w["recent_member"] = _former_member(clp, lapsed_ago=2 * YEAR, last_name="Recent")
    closed = Petition.objects.create(
        constituency=clp,
        slug=f"closed-{clp.slug}",
        title="Closed",
        text=".",
        status=Petition.Status.CLOSED,
        closed_on=(timezone.now() - 3 * YEAR).date(),
    )
    still_open = Petition.objects.create(
        constituency=clp,
        slug=f"open-{clp.slug}",
        title="Open",
        text=".",
        status=Petition.Status.OPEN,
    )
    w["closed_petition"] = closed
    w["signer"] = _signer(clp, closed, last_name="Signer")
    w["joined_signer"] = _signer(clp, closed, last_name="Joiner")
    Supporter.objects.create(person=w["joined_signer"], constituency=clp)
    w["open_signer"] = _signer(clp, still_open, last_name="Opensigner")
    call_list = CallList.objects.create(constituency=clp, name="Calls")
    caller = factories.PersonFactory(constituency=clp)
    w["old_call"] = CallListEntry.objects.create(
        call_list=call_list,
        person=caller,
        phone="0121 496 0001",
        outcome="answered",
        notes="Worried about the library",
        called_at=_ago(3 * YEAR),
    )
    w["new_call"] = CallListEntry.objects.create(
        call_list=call_list,
        person=w["recent_member"],
        phone="0121 496 0002",
        outcome="answered",
        notes="Call back in May",
        called_at=_ago(100 * DAY),
    )
    w["old_contact"] = ContactLog.objects.create(
        person=w["recent_member"],
        how="called",
        outcome="spoke",
        note="Moving house",
        at=_ago(3 * YEAR),
    )
    return w


def _due(preview):
    return {(row.category.key, row.model, pk) for row in preview for pk in row.ids}


def test_nightly_task_removes_exactly_what_the_preview_said(
    clp_a, clp_b, officer_a, mailoutbox, django_capture_on_commit_callbacks
):
    a = _world(clp_a)
    b = _world(clp_b)
    people_before = Person.objects.count()
    signatures_before = a["closed_petition"].signatures.count()

    preview = retention_preview(constituency=clp_a, as_of=timezone.now())
    assert _due(preview) == {
        ("unconfirmed_signups", "supporters.SignupRequest", a["old_signup"].pk),
        ("supporters", "members.Person", a["lapsed_supporter"].pk),
        ("membership", "members.Person", a["old_member"].pk),
        ("membership", "members.Person", a["kept_member"].pk),
        ("petitions", "members.Person", a["signer"].pk),
        ("call_notes", "campaigns.CallListEntry", a["old_call"].pk),
        ("call_notes", "members.ContactLog", a["old_contact"].pk),
    }

    with django_capture_on_commit_callbacks(execute=True):
        tasks.retention_run_for(clp_a.pk)
        # A second delivery of the task changes nothing and reports nothing.
        tasks.retention_run_for(clp_a.pk)

    run = RetentionRun.objects.get(constituency=clp_a)
    assert run.status == RetentionRun.Status.DONE
    done = {
        (i.category, i.model, i.object_id)
        for i in run.items.filter(status=RetentionItem.Status.DONE)
    }
    assert done == _due(preview)
    assert not run.items.exclude(status=RetentionItem.Status.DONE).exists()

    # What went, and what stayed.
    assert not SignupRequest.objects.filter(pk=a["old_signup"].pk).exists()
    assert SignupRequest.objects.filter(pk=a["new_signup"].pk).exists()
    gone = Person.objects.get(pk=a["lapsed_supporter"].pk)
    assert (gone.last_name, gone.email) == ("person", "")
    erased_member = Person.objects.get(pk=a["old_member"].pk)
    assert erased_member.last_name == "person" and erased_member.phone == ""
    kept = Person.objects.get(pk=a["kept_member"].pk)
    assert (kept.last_name, kept.email, kept.phone) == ("Keptname", "", "")
    assert kept.memberships.exists()
    for key in ("consented_supporter", "recent_member", "joined_signer", "open_signer"):
        person = Person.objects.get(pk=a[key].pk)
        assert person.email == a[key].email, key
    assert Person.objects.get(pk=a["signer"].pk).email == ""
    assert a["closed_petition"].signatures.count() == signatures_before
    assert Person.objects.count() == people_before
    assert CallListEntry.objects.get(pk=a["old_call"].pk).notes == ""
    assert CallListEntry.objects.get(pk=a["old_call"].pk).outcome == "answered"
    assert CallListEntry.objects.get(pk=a["new_call"].pk).notes == "Call back in May"
    assert ContactLog.objects.get(pk=a["old_contact"].pk).note == ""

    # The other CLP's records wait for its own run.
    assert SignupRequest.objects.filter(pk=b["old_signup"].pk).exists()
    assert Person.objects.get(pk=b["lapsed_supporter"].pk).email

    # The officers hear once, in counts and kinds, without names.
    assert len(mailoutbox) == 1
    report = mailoutbox[0]
    assert report.to == [officer_a.email]
    assert "Supporters' club signups never confirmed: 1" in report.body
    assert "Former members' contact details: 2" in report.body
    assert "Gone" not in report.body and "Oldmember" not in report.body
    entry = AuditEntry.objects.get(action="retention.run", constituency=clp_a)
    assert entry.row_count == 7

    # Nothing is due any more: the next preview is empty.
    assert _due(retention_preview(constituency=clp_a, as_of=timezone.now())) == set()


def test_a_crash_halfway_finishes_on_retry_without_doing_anything_twice(
    clp_a, monkeypatch
):
    people = [_supporter(clp_a, created_ago=4 * YEAR) for _ in range(3)]
    import partyhub.personal_data as register

    real = register.erase_person
    calls = []

    def flaky(person, **kwargs):
        calls.append(person.pk)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(person, **kwargs)

    monkeypatch.setattr(register, "erase_person", flaky)
    with pytest.raises(RuntimeError):
        retention_run(constituency=clp_a)
    run = RetentionRun.objects.get(constituency=clp_a)
    assert run.status == RetentionRun.Status.APPLYING
    assert run.items.filter(status=RetentionItem.Status.DONE).count() == 1

    retention_run(constituency=clp_a)
    run.refresh_from_db()
    assert run.status == RetentionRun.Status.DONE
    assert sorted(calls) == sorted([p.pk for p in people] + [calls[1]])
    assert all(Person.objects.get(pk=p.pk).email == "" for p in people)


def test_someone_back_in_touch_after_the_plan_is_kept(clp_a):
    person = _supporter(clp_a, created_ago=4 * YEAR)
    run = RetentionRun.objects.create(
        constituency=clp_a, run_on=timezone.localdate(), as_of=timezone.now()
    )
    from partyhub.dataprotection.retention import _plan

    _plan(run.pk)
    consent_record(
        person=person, channel=Channel.EMAIL, granted=True, method=Method.PORTAL
    )
    retention_run(constituency=clp_a)
    assert Person.objects.get(pk=person.pk).email
    assert run.items.get().status == RetentionItem.Status.SKIPPED


def test_a_clp_changes_its_schedule_and_the_run_follows_it(clp_a, officer_a, client):
    old = _signup(clp_a, "x@example.org", 40 * DAY)
    client.force_login(officer_a)
    url = reverse("admin:dataprotection_schedule", args=[clp_a.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Supporters&#x27; club signups never confirmed" in page.text

    form = {
        "unconfirmed_signups": "0",
        "supporters": "1095",
        "membership": "2190",
        "call_notes": "730",
        "petitions": "730",
        "electoral_register": "400",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    assert "Keep it for at least one day." in response.text
    assert not RetentionPeriod.objects.exists()

    response = client.post(url, {**form, "unconfirmed_signups": "60"})
    assert response.status_code == 302
    assert RetentionPeriod.objects.get().days == 60
    entry = AuditEntry.objects.get(action="retention.schedule_change")
    assert entry.detail == {"unconfirmed_signups": {"old": 30, "new": 60}}

    assert _due(retention_preview(constituency=clp_a, as_of=timezone.now())) == set()
    retention_run(constituency=clp_a)
    assert SignupRequest.objects.filter(pk=old.pk).exists()

    notice = client.get(reverse("privacy:notice", args=[clp_a.slug]))
    assert "2 months after the form was sent" in notice.text


def test_schedule_and_preview_are_scoped(client, clp_a, clp_b, officer_a, member_a):
    for name in ("admin:dataprotection_schedule", "admin:dataprotection_preview"):
        assert client.get(reverse(name, args=[clp_a.pk])).status_code == 302
        client.force_login(officer_a)
        assert client.get(reverse(name, args=[clp_b.pk])).status_code == 404
        assert client.get(reverse(name, args=[clp_a.pk])).status_code == 200
        client.force_login(member_a)
        assert client.get(reverse(name, args=[clp_a.pk])).status_code == 302
        client.logout()
    no_2fa = factories.officer(clp_a, two_factor=False)
    client.force_login(no_2fa)
    url = reverse("admin:dataprotection_schedule", args=[clp_a.pk])
    response = client.get(url)
    assert response.status_code == 302 and response.url != url


def test_social_secretary_sees_the_schedule_but_cannot_change_it(client, clp_a):
    social = factories.officer(clp_a, role="social_secretary")
    client.force_login(social)
    url = reverse("admin:dataprotection_schedule", args=[clp_a.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Save the schedule" not in page.text
    assert client.post(url, {"unconfirmed_signups": "60"}).status_code == 403
    assert not RetentionPeriod.objects.exists()


def test_preview_page_names_the_people_to_the_clps_officers(client, clp_a, officer_a):
    person = _supporter(clp_a, created_ago=4 * YEAR, last_name="Lapsedsupporter")
    client.force_login(officer_a)
    page = client.get(reverse("admin:dataprotection_preview", args=[clp_a.pk]))
    assert "Lapsedsupporter" in page.text
    assert reverse("admin:members_person_change", args=[person.pk]) in page.text


def test_nightly_task_queues_a_run_per_clp(clp_a, clp_b, monkeypatch):
    queued = []
    monkeypatch.setattr(
        tasks, "enqueue_on_commit", lambda task, *args: queued.append(args)
    )
    assert tasks.retention_nightly() == 3
    assert sorted(queued, key=str) == sorted(
        [(None,), (clp_a.pk,), (clp_b.pk,)], key=str
    )


def test_consent_counts_as_activity(clp_a):
    person = _supporter(clp_a, created_ago=4 * YEAR)
    ConsentEvent.objects.create(
        person=person, channel="email", granted=False, method="unsubscribe",
        at=_ago(YEAR),
    )  # fmt: skip
    assert _due(retention_preview(constituency=clp_a, as_of=timezone.now())) == set()


def test_the_supporters_purge_follows_the_clps_own_period(clp_a, clp_b):
    from supporters import tasks as supporter_tasks

    RetentionPeriod.objects.create(
        constituency=clp_a, category="unconfirmed_signups", days=60
    )
    kept = _signup(clp_a, "a@example.org", 40 * DAY)
    gone_a = _signup(clp_a, "b@example.org", 61 * DAY)
    gone_b = _signup(clp_b, "c@example.org", 40 * DAY)
    assert supporter_tasks.purge_unconfirmed() == 2
    assert list(SignupRequest.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not SignupRequest.objects.filter(pk__in=[gone_a.pk, gone_b.pk]).exists()


def test_retention_runs_nightly_from_beat(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(
        task="partyhub.dataprotection.tasks.retention_nightly"
    )
    assert task.enabled and task.crontab is not None
    assert (task.crontab.hour, task.crontab.minute) == ("3", "45")


def test_admin_pages_show_runs_and_links_for_the_officers_clps_only(
    client, clp_a, clp_b, officer_a
):
    _supporter(clp_a, created_ago=4 * YEAR)
    retention_run(constituency=clp_a)
    retention_run(constituency=clp_b)
    client.force_login(officer_a)
    page = client.get(reverse("admin:dataprotection_retentionrun_changelist"))
    assert page.status_code == 200
    assert reverse("admin:dataprotection_schedule", args=[clp_a.pk]) in page.text
    assert reverse("admin:dataprotection_schedule", args=[clp_b.pk]) not in page.text
    run_a = RetentionRun.objects.get(constituency=clp_a)
    run_b = RetentionRun.objects.get(constituency=clp_b)
    detail = client.get(
        reverse("admin:dataprotection_retentionrun_change", args=[run_a.pk])
    )
    assert detail.status_code == 200
    assert "Supporters with no activity or consent: 1" in detail.text
    other = client.get(
        reverse("admin:dataprotection_retentionrun_change", args=[run_b.pk])
    )
    assert other.status_code in (302, 404)
    assert client.get(reverse("admin:dataprotection_tpsupload_add")).status_code == 200
    assert (
        client.get(reverse("admin:dataprotection_keepasformermember_add")).status_code
        == 200
    )
