"""Reminders framework and the quarterly newsletter's beat jobs."""

import datetime

import pytest
from django.utils import timezone

from partyhub.comms.models import Delivery, Message, Reminder
from partyhub.comms.newsletter import (
    newsletter_reminders_schedule,
    next_quarter,
    quarter_label,
)
from partyhub.comms.reminders import reminder_schedule
from tests.helpers import send_all_mail


def test_quarters():
    assert quarter_label(datetime.date(2026, 11, 25)) == "2026-Q4"
    assert next_quarter(datetime.date(2026, 11, 25)) == (
        "2027-Q1",
        datetime.date(2027, 1, 1),
    )
    assert next_quarter(datetime.date(2027, 2, 1)) == (
        "2027-Q2",
        datetime.date(2027, 4, 1),
    )


def test_newsletter_reminder_three_weeks_before_quarter_exactly_once(
    clp_a, clp_b, officer_a, officer_b, mailoutbox
):
    too_early = datetime.date(2026, 12, 10)  # 22 days before 1 January
    assert newsletter_reminders_schedule(today=too_early) == 0
    Message.objects.create(
        constituency=clp_b,
        kind=Message.Kind.NEWSLETTER,
        quarter="2027-Q1",
        subject="Winter news",
        body="News",
    )
    due = datetime.date(2026, 12, 11)
    assert newsletter_reminders_schedule(today=due) == 1  # A has none; B has one
    newsletter_reminders_schedule(today=due)  # the beat runs twice
    newsletter_reminders_schedule(
        today=due + datetime.timedelta(days=1)
    )  # and tomorrow
    send_all_mail()
    send_all_mail()
    assert [m.to for m in mailoutbox] == [[officer_a.email]]
    assert "2027-Q1" in mailoutbox[0].subject
    assert clp_a.name in mailoutbox[0].body


def test_one_newsletter_per_quarter_per_constituency(clp_a):
    from django.db import IntegrityError, transaction

    Message.objects.create(
        constituency=clp_a, kind="newsletter", quarter="2027-Q1", subject="a", body="a"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(
            constituency=clp_a,
            kind="newsletter",
            quarter="2027-Q1",
            subject="b",
            body="b",
        )


def test_reminder_scheduled_twice_is_one_row_and_one_email(
    clp_a, officer_a, mailoutbox
):
    person = officer_a.person
    due = timezone.now() - datetime.timedelta(minutes=1)
    first = reminder_schedule(
        kind="comms.newsletter_missing",
        person=person,
        due_at=due,
        about=clp_a,
        key="k:1:2027-Q1:x",
    )
    second = reminder_schedule(
        kind="comms.newsletter_missing",
        person=person,
        due_at=due,
        about=clp_a,
        key="k:1:2027-Q1:x",
    )
    assert first.pk == second.pk
    send_all_mail()
    send_all_mail()
    assert len(mailoutbox) == 1
    assert Delivery.objects.get(reminder=first).status == Delivery.Status.SENT


def test_future_reminder_waits(clp_a, officer_a, mailoutbox):
    reminder_schedule(
        kind="comms.newsletter_missing",
        person=officer_a.person,
        due_at=timezone.now() + datetime.timedelta(hours=1),
        about=clp_a,
        key="k:1:2027-Q1:y",
    )
    send_all_mail()
    assert mailoutbox == []
    assert Reminder.objects.get().status == Reminder.Status.PENDING


def test_beat_schedule_is_in_the_database(db):
    from django_celery_beat.models import PeriodicTask

    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {
        "partyhub.comms.tasks.tick",
        "partyhub.comms.tasks.newsletter_check",
    } <= tasks


def test_a_reminder_that_cannot_be_written_fails_alone(
    clp_a, officer_a, mailoutbox, monkeypatch
):
    from partyhub.comms import reminders
    from tests import factories

    def about_title(reminder):
        return reminder.about.title  # the record was deleted: about is None

    monkeypatch.setitem(
        reminders._KINDS,
        "test.about_deleted",
        reminders.ReminderKind(
            kind="test.about_deleted",
            subject=about_title,
            body=about_title,
            reason=lambda r: "test",
            requires_consent=False,
        ),
    )
    due = timezone.now() - datetime.timedelta(minutes=1)
    broken = reminder_schedule(
        kind="test.about_deleted", person=officer_a.person, due_at=due, key="b"
    )
    other = factories.PersonFactory(constituency=clp_a, email="fine@example.org")
    fine = reminder_schedule(
        kind="comms.newsletter_missing", person=other, due_at=due, about=clp_a
    )
    send_all_mail()
    assert Delivery.objects.get(reminder=broken).status == Delivery.Status.FAILED
    assert Delivery.objects.get(reminder=fine).status == Delivery.Status.SENT
    assert [m.to for m in mailoutbox] == [["fine@example.org"]]


def test_a_reminder_about_a_deleted_record_is_cancelled_not_sent(
    clp_a, officer_a, mailoutbox, monkeypatch
):
    from partyhub.comms import reminders
    from tests import factories

    monkeypatch.setitem(
        reminders._KINDS,
        "test.about_branch",
        reminders.ReminderKind(
            kind="test.about_branch",
            subject=lambda r: f"About {r.about}",
            body=lambda r: "Hello",
            reason=lambda r: "test",
            requires_consent=False,
        ),
    )
    branch = factories.BranchFactory(constituency=clp_a)
    kept = factories.BranchFactory(constituency=clp_a, name="Kept branch")
    due = timezone.now() - datetime.timedelta(minutes=1)
    gone = reminder_schedule(
        kind="test.about_branch", person=officer_a.person, due_at=due, about=branch
    )
    stays = reminder_schedule(
        kind="test.about_branch", person=officer_a.person, due_at=due, about=kept
    )
    branch.delete()
    send_all_mail()
    gone.refresh_from_db()
    assert gone.status == Reminder.Status.CANCELLED
    assert not Delivery.objects.filter(reminder=gone).exists()
    assert Delivery.objects.get(reminder=stays).status == Delivery.Status.SENT
    assert [m.subject for m in mailoutbox] == ["About Kept branch"]
