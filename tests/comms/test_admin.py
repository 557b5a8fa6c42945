"""The officers' communications admin: scoped, validated, and sending only through
the services."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Membership
from partyhub.audit.models import AuditEntry
from partyhub.comms import sending
from partyhub.comms.forms import LONDON
from partyhub.comms.models import (
    BouncedAddress,
    Channel,
    ConsentEvent,
    ConsentState,
    Delivery,
    Message,
    Method,
    Reminder,
    Segment,
)
from tests import factories
from tests.comms.conftest import admin_url, message_form
from tests.helpers import deliveries_send_all, grant_email

MESSAGE_VIEWS = [
    "preview",
    "test_send",
    "send_now",
    "schedule",
    "cancel",
    "retry_failed",
]


@pytest.fixture
def b_records(clp_b):
    """A segment, a draft message, a consent record, a delivery and a reminder of
    constituency B."""
    person = factories.PersonFactory(
        constituency=clp_b, first_name="Bob", last_name="Bandicoot"
    )
    factories.MembershipFactory(person=person)
    event = grant_email(person)
    segment = Segment.objects.create(
        constituency=clp_b, name="Reading members", criteria={"everyone": True}
    )
    message = Message.objects.create(
        constituency=clp_b, segment=segment, subject="Reading news", body="Hello"
    )
    sent = Message.objects.create(
        constituency=clp_b,
        segment=segment,
        subject="Reading sent",
        body="Hi",
        status=Message.Status.SENT,
    )
    delivery = Delivery.objects.create(
        message=sent, person=person, to_email=person.email
    )
    reminder = Reminder.objects.create(
        key="b-reminder",
        kind="comms.newsletter_missing",
        person=person,
        due_at=timezone.now(),
    )
    return {
        "person": person,
        "event": event,
        "segment": segment,
        "message": message,
        "delivery": delivery,
        "reminder": reminder,
    }


def _segment_data(constituency, **extra):
    data = {
        "name": "Current members",
        "constituency": constituency.pk,
        "reason": "",
        "criterion_member_status": [Membership.Status.CURRENT],
    }
    data.update(extra)
    return data


# --- scoping ------------------------------------------------------------------------


def test_officer_lists_show_own_constituency_only(
    client, officer_a, clp_a, members_segment, make_message, member_factory, b_records
):
    person = member_factory(first_name="Alice", last_name="Aardvark")
    make_message(subject="Hodge Hill news")
    client.force_login(officer_a)
    segments = client.get(admin_url("segment_changelist")).text
    assert "Current members" in segments and "Reading members" not in segments
    msgs = client.get(admin_url("message_changelist")).text
    assert "Hodge Hill news" in msgs and "Reading news" not in msgs
    ledger = client.get(admin_url("consentevent_changelist")).text
    assert "Aardvark" in ledger and "Bandicoot" not in ledger
    assert person.email not in client.get(admin_url("delivery_changelist")).text
    assert "Bandicoot" not in client.get(admin_url("reminder_changelist")).text
    assert "Bandicoot" not in client.get(admin_url("delivery_changelist")).text


@pytest.mark.parametrize(
    "name,key",
    [
        ("segment_change", "segment"),
        ("segment_preview", "segment"),
        ("message_change", "message"),
        ("consentevent_change", "event"),
        ("delivery_change", "delivery"),
        ("reminder_change", "reminder"),
    ],
)
def test_other_constituency_pages_are_404(client, officer_a, b_records, name, key):
    client.force_login(officer_a)
    assert client.get(admin_url(name, b_records[key].pk)).status_code == 404


@pytest.mark.parametrize("view", MESSAGE_VIEWS)
def test_other_constituency_message_buttons_are_404(
    client, officer_a, b_records, view, mailoutbox
):
    message = b_records["message"]
    client.force_login(officer_a)
    method = client.get if view == "preview" else client.post
    assert method(admin_url(f"message_{view}", message.pk)).status_code == 404
    message.refresh_from_db()
    assert message.status == Message.Status.DRAFT
    assert mailoutbox == []
    assert not AuditEntry.objects.filter(action__startswith="message.").exists()


def test_other_constituency_segment_live_preview_is_404(client, officer_a, b_records):
    client.force_login(officer_a)
    response = client.post(
        admin_url("segment_preview", b_records["segment"].pk),
        _segment_data(b_records["segment"].constituency),
    )
    assert response.status_code == 404


def test_live_preview_refuses_other_constituency(client, officer_a, clp_b, b_records):
    client.force_login(officer_a)
    response = client.post(admin_url("segment_preview_new"), _segment_data(clp_b))
    assert response.status_code == 200
    assert "is not one of yours" in response.text
    assert "Bandicoot" not in response.text


def test_person_autocomplete_offers_only_own_people(
    client, officer_a, member_factory, b_records
):
    member_factory(first_name="Betty", last_name="Aardvark")
    client.force_login(officer_a)
    params = {
        "app_label": "comms",
        "model_name": "consentevent",
        "field_name": "person",
    }
    found = client.get(reverse("admin:autocomplete"), {**params, "term": "B"}).json()
    names = [r["text"] for r in found["results"]]
    assert "Betty Aardvark" in names
    assert "Bob Bandicoot" not in names


def test_superuser_sees_every_constituency(
    client, superuser, members_segment, b_records
):
    client.force_login(superuser)
    text = client.get(admin_url("segment_changelist")).text
    assert "Current members" in text and "Reading members" in text


# --- segments -----------------------------------------------------------------------


@pytest.fixture
def three_members(member_factory):
    """Three current members, two of whom agreed to email, and a lapsed one."""
    people = [
        member_factory(consent=True, first_name="Ann", last_name="Archer"),
        member_factory(consent=True, first_name="Ben", last_name="Baker"),
        member_factory(consent=False, first_name="Cat", last_name="Cooper"),
    ]
    member_factory(
        consent=True, status=Membership.Status.LAPSED, last_name="Lapsedperson"
    )
    return people


def test_creating_a_segment_stores_its_criteria(
    client, officer_a, clp_a, three_members
):
    ward = three_members[0].ward
    client.force_login(officer_a)
    response = client.post(
        admin_url("segment_add"),
        _segment_data(clp_a, criterion_wards=[ward.pk], criterion_everyone="on"),
    )
    assert response.status_code == 302, response.text
    segment = Segment.objects.get(name="Current members")
    assert segment.criteria == {
        "everyone": True,
        "member_status": [Membership.Status.CURRENT],
        "wards": [ward.pk],
    }
    assert segment.created_by == officer_a
    assert AuditEntry.objects.filter(
        action="segment.create", actor=officer_a, constituency=clp_a
    ).exists()


def test_segment_form_shows_its_saved_criteria(client, officer_a, members_segment):
    client.force_login(officer_a)
    text = client.get(admin_url("segment_change", members_segment.pk)).text
    assert re.search(r'value="current"[^>]*checked', text)
    assert "combined with OR" in text and "combined with AND" in text


def test_live_preview_counts_members_and_those_who_can_be_emailed(
    client, officer_a, clp_a, three_members
):
    client.force_login(officer_a)
    response = client.post(admin_url("segment_preview_new"), _segment_data(clp_a))
    text = response.text
    assert response.status_code == 200
    assert "<strong>3</strong> people are in this segment" in text
    assert "<strong>2</strong> of them can be emailed now" in text
    assert "Ann Archer" in text and three_members[0].ward.name in text
    assert "Lapsedperson" not in text
    assert not Segment.objects.exists()


def test_change_page_shows_the_count_as_a_panel(
    client, officer_a, members_segment, three_members
):
    client.force_login(officer_a)
    text = client.get(admin_url("segment_change", members_segment.pk)).text
    assert "<strong>3</strong> people are in this segment" in text
    assert "<strong>2</strong> of them can be emailed now" in text
    assert "hx-post" in text
    assert (
        client.get(admin_url("segment_preview", members_segment.pk)).status_code == 200
    )


def test_preview_button_without_javascript_saves_nothing(
    client, officer_a, clp_a, three_members
):
    client.force_login(officer_a)
    response = client.post(
        admin_url("segment_add"), {**_segment_data(clp_a), "_preview": "1"}
    )
    assert response.status_code == 200
    assert "<strong>3</strong> people are in this segment" in response.text
    assert "Please correct" not in response.text
    assert not Segment.objects.exists()


def test_preview_button_on_change_page_keeps_the_saved_segment(
    client, officer_a, clp_a, members_segment, three_members
):
    client.force_login(officer_a)
    response = client.post(
        admin_url("segment_change", members_segment.pk),
        {
            **_segment_data(clp_a, name="Renamed"),
            "criterion_member_status": [Membership.Status.LAPSED],
            "_preview": "1",
        },
    )
    assert "<strong>1</strong> person is in this segment" in response.text
    members_segment.refresh_from_db()
    assert members_segment.name == "Current members"
    assert members_segment.criteria == {"member_status": ["current"]}


@pytest.mark.parametrize(
    "bad,message",
    [
        ({"criterion_joined_after": "last Tuesday"}, "Enter a valid date"),
        ({"criterion_member_status": ["nonsense"]}, "That choice is not on the list"),
        ({"criterion_member_status": []}, "tick at least one reason or filter"),
    ],
)
def test_malformed_criteria_are_refused_and_nothing_changes(
    client, officer_a, clp_a, members_segment, bad, message
):
    client.force_login(officer_a)
    response = client.post(
        admin_url("segment_change", members_segment.pk), {**_segment_data(clp_a), **bad}
    )
    assert response.status_code == 200
    assert message in response.text
    members_segment.refresh_from_db()
    assert members_segment.criteria == {"member_status": ["current"]}
    if "tick" not in message:
        preview = client.post(
            admin_url("segment_preview", members_segment.pk),
            {**_segment_data(clp_a), **bad},
        )
        assert message in preview.text
        assert "people are in this segment" not in preview.text


def test_ward_of_another_constituency_is_refused(client, clp_a, clp_b, officer_a):
    # An officer of two CLPs is offered both CLPs' wards.
    factories.OfficeFactory(
        person=officer_a.person, constituency=clp_b, role="secretary"
    )
    ward_b = factories.WardFactory(constituency=clp_b)
    client.force_login(officer_a)
    response = client.post(
        admin_url("segment_add"), _segment_data(clp_a, criterion_wards=[ward_b.pk])
    )
    assert f"{ward_b.name} is not in {clp_a.name}" in response.text
    assert not Segment.objects.exists()


def test_view_only_officer_sees_criteria_in_words(
    client, clp_a, members_segment, three_members
):
    treasurer = factories.officer(clp_a, role="treasurer")
    client.force_login(treasurer)
    text = client.get(admin_url("segment_change", members_segment.pk)).text
    assert "Members in these statuses" in text and "Current" in text
    assert "<strong>3</strong> people are in this segment" in text
    assert 'name="_preview"' not in text
    assert (
        client.post(admin_url("segment_preview", members_segment.pk), {}).status_code
        == 403
    )


# --- messages -----------------------------------------------------------------------


def test_officer_composes_a_message(client, officer_a, clp_a, members_segment):
    client.force_login(officer_a)
    response = client.post(
        admin_url("message_add"), message_form(clp_a, members_segment)
    )
    assert response.status_code == 302, response.text
    message = Message.objects.get()
    assert message.status == Message.Status.DRAFT
    assert message.created_by == officer_a
    assert AuditEntry.objects.filter(action="message.create", actor=officer_a).exists()


def test_message_cannot_go_to_another_constituency_segment(
    client, officer_a, clp_a, b_records
):
    client.force_login(officer_a)
    response = client.post(
        admin_url("message_add"), message_form(clp_a, b_records["segment"])
    )
    assert response.status_code == 200
    assert "is not one of yours" in response.text
    assert not Message.objects.filter(constituency=clp_a).exists()


@pytest.mark.parametrize(
    "quarter,error",
    [
        ("", "Say which quarter"),
        ("2027-Q5", "Write the quarter"),
        ("2027-q1", "already has a newsletter for 2027-Q1"),
    ],
)
def test_newsletter_needs_a_free_quarter(
    client, officer_a, clp_a, members_segment, make_message, quarter, error
):
    make_message(kind=Message.Kind.NEWSLETTER, quarter="2027-Q1")
    client.force_login(officer_a)
    response = client.post(
        admin_url("message_add"),
        message_form(clp_a, members_segment, kind="newsletter", quarter=quarter),
    )
    assert error in response.text
    assert Message.objects.count() == 1


def test_newsletter_for_a_new_quarter_is_saved(
    client, officer_a, clp_a, members_segment
):
    client.force_login(officer_a)
    client.post(
        admin_url("message_add"),
        message_form(clp_a, members_segment, kind="newsletter", quarter="2027-q2"),
    )
    assert Message.objects.get().quarter == "2027-Q2"


def test_preview_shows_rendered_html_text_and_unsubscribe(
    client, officer_a, clp_a, make_message, three_members
):
    message = make_message()
    client.force_login(officer_a)
    response = client.get(admin_url("message_preview", message.pk))
    text = response.text
    assert response.status_code == 200
    assert "<strong>quiz</strong>" in text
    assert "Unsubscribe or change how we contact you" in text
    assert re.search(r"<pre[^>]*>[^<]*Come to the \*\*quiz\*\*", text)
    assert clp_a.postal_address in text
    assert "3 people, of whom <strong>2</strong> can be emailed" in text
    assert "<html" not in text.split("comms-email-html", 1)[1].split("</section>")[0]


def test_preview_strips_script(client, officer_a, make_message):
    message = make_message(body="Hi <script>alert(1)</script>")
    client.force_login(officer_a)
    text = client.get(admin_url("message_preview", message.pk)).text
    assert "alert(1)</script>" not in text


def test_test_send_mails_only_the_officer(
    client, officer_a, make_message, three_members, mailoutbox
):
    message = make_message()
    client.force_login(officer_a)
    response = client.post(admin_url("message_test_send", message.pk), follow=True)
    assert f"Test sent to {officer_a.email}" in response.text
    (email,) = mailoutbox
    assert email.to == [officer_a.email]
    assert email.subject.startswith("[TEST]")
    assert email.extra_headers["List-Unsubscribe"].startswith("<")
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not Delivery.objects.exists()
    message.refresh_from_db()
    assert message.status == Message.Status.DRAFT
    assert AuditEntry.objects.filter(action="message.test_send").count() == 1


def test_buttons_refuse_get(client, officer_a, make_message, mailoutbox):
    message = make_message()
    client.force_login(officer_a)
    for view in ("test_send", "retry_failed"):
        assert client.get(admin_url(f"message_{view}", message.pk)).status_code == 405
    # Send now and cancel answer a GET with their confirm page, and do nothing.
    for view in ("send_now", "cancel"):
        assert client.get(admin_url(f"message_{view}", message.pk)).status_code == 200
    assert mailoutbox == []
    message.refresh_from_db()
    assert message.status == Message.Status.DRAFT
    assert not AuditEntry.objects.filter(action__startswith="message.").exists()


def test_send_now_is_confirmed_in_the_page_with_the_count(
    client, officer_a, officer_b, make_message, member_factory
):
    member_factory(consent=True)
    member_factory(consent=True)
    member_factory(consent=False)
    message = make_message()
    client.force_login(officer_a)
    page = client.get(admin_url("message_change", message.pk)).text
    assert "data-confirm" not in page
    assert admin_url("message_send_now", message.pk) in page
    confirm = client.get(admin_url("message_send_now", message.pk)).text
    assert "Send “Quiz night on Friday” to 2 people now?" in confirm
    assert "Send to 2 people now" in confirm
    cancel = client.get(admin_url("message_cancel", message.pk)).text
    assert "Cancel “Quiz night on Friday”?" in cancel
    client.force_login(officer_b)
    assert client.get(admin_url("message_send_now", message.pk)).status_code == 404
    assert client.get(admin_url("message_progress", message.pk)).status_code == 404
    message.refresh_from_db()
    assert message.status == Message.Status.DRAFT


def test_buttons_need_the_csrf_token(officer_a, make_message, mailoutbox):
    from django.test import Client

    message = make_message()
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_a)
    assert client.post(admin_url("message_send_now", message.pk)).status_code == 403
    message.refresh_from_db()
    assert message.status == Message.Status.DRAFT


def test_send_now_schedules_and_workers_deliver(
    client,
    officer_a,
    make_message,
    three_members,
    member_factory,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    message = make_message()
    client.force_login(officer_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(admin_url("message_send_now", message.pk), follow=True)
    assert "is being sent now" in response.text
    assert len(callbacks) == 1  # the dispatch task, enqueued after commit
    message.refresh_from_db()
    assert message.status == Message.Status.SCHEDULED
    # Its progress refreshes itself while it goes out (htmx, no reload).
    progress_url = admin_url("message_progress", message.pk)
    assert f'hx-get="{progress_url}"' in response.text
    assert AuditEntry.objects.filter(
        action="message.schedule", actor=officer_a, object_id=str(message.pk)
    ).exists()

    # A member the party has no email address for is in the segment too.
    member_factory(consent=True, email="")
    assert sending.message_dispatch(message_id=message.pk) == 4
    deliveries_send_all()
    sending.messages_finish()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        p.email for p in three_members[:2]
    )

    # The summary accounts for everyone in the segment.
    page = client.get(admin_url("message_change", message.pk)).text
    assert "4 people in the segment when it was sent:" in page
    assert "sent: 2 · waiting: 0 · not sent: no consent to email: 1" in page
    assert "not sent: no email address: 1" in page and "failed: 0" in page
    progress = client.get(progress_url).text
    assert "Sent" in progress and "sent: 2 · waiting: 0" in progress
    assert "hx-get" not in progress  # finished: it stops asking
    assert 'name="_save"' not in page  # no longer editable
    listing = client.get(admin_url("message_changelist")).text
    assert re.search(r'field-sent_count">2<', listing)


def test_send_now_without_a_segment_changes_nothing(
    client, officer_a, make_message, django_capture_on_commit_callbacks
):
    message = make_message(segment=None)
    client.force_login(officer_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(admin_url("message_send_now", message.pk), follow=True)
    assert "Choose who the message goes to before sending it." in response.text
    assert callbacks == []
    message.refresh_from_db()
    assert message.status == Message.Status.DRAFT
    assert not AuditEntry.objects.filter(action="message.schedule").exists()


def test_schedule_for_a_later_time_in_uk_time(
    client, officer_a, make_message, django_capture_on_commit_callbacks
):
    message = make_message()
    when = timezone.localtime(timezone.now(), LONDON) + datetime.timedelta(days=3)
    when = when.replace(hour=18, minute=30, second=0, microsecond=0)
    client.force_login(officer_a)
    assert client.get(admin_url("message_schedule", message.pk)).status_code == 200
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            admin_url("message_schedule", message.pk),
            {"send_at": when.strftime("%Y-%m-%dT%H:%M")},
        )
    assert response.status_code == 302
    assert callbacks == []  # not due: the beat tick dispatches it later
    message.refresh_from_db()
    assert message.status == Message.Status.SCHEDULED
    assert message.send_at == when
    assert AuditEntry.objects.filter(action="message.schedule").exists()


@pytest.mark.parametrize(
    "value,error",
    [("2001-01-01T09:00", "already passed"), ("soon", "Enter a valid date/time")],
)
def test_schedule_refuses_bad_times(client, officer_a, make_message, value, error):
    message = make_message()
    client.force_login(officer_a)
    response = client.post(
        admin_url("message_schedule", message.pk), {"send_at": value}
    )
    assert response.status_code == 200
    assert error in response.text
    message.refresh_from_db()
    assert message.status == Message.Status.DRAFT
    assert message.send_at is None


def test_cancel_a_scheduled_message(
    client, officer_a, make_message, django_capture_on_commit_callbacks
):
    message = make_message()
    client.force_login(officer_a)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            admin_url("message_schedule", message.pk),
            {
                "send_at": (timezone.now() + datetime.timedelta(days=1)).strftime(
                    "%Y-%m-%dT%H:%M"
                )
            },
        )
    response = client.post(admin_url("message_cancel", message.pk), follow=True)
    assert "is cancelled" in response.text
    message.refresh_from_db()
    assert message.status == Message.Status.CANCELLED
    assert AuditEntry.objects.filter(action="message.cancel").exists()


def test_cancel_after_sending_started_is_refused(client, officer_a, make_message):
    message = make_message(status=Message.Status.SENDING)
    client.force_login(officer_a)
    response = client.post(admin_url("message_cancel", message.pk), follow=True)
    assert "cannot be cancelled" in response.text
    message.refresh_from_db()
    assert message.status == Message.Status.SENDING


def test_scheduled_message_is_read_only(client, officer_a, clp_a, make_message):
    message = make_message(status=Message.Status.SCHEDULED)
    client.force_login(officer_a)
    page = client.get(admin_url("message_change", message.pk)).text
    assert 'name="subject"' not in page
    assert "Send now" not in page and "Cancel message" in page
    response = client.post(
        admin_url("message_change", message.pk),
        message_form(clp_a, message.segment, subject="Changed"),
    )
    assert response.status_code == 403
    message.refresh_from_db()
    assert message.subject == "Quiz night on Friday"


def test_second_send_now_is_refused(
    client, officer_a, make_message, django_capture_on_commit_callbacks
):
    message = make_message()
    client.force_login(officer_a)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(admin_url("message_send_now", message.pk))
        response = client.post(admin_url("message_send_now", message.pk), follow=True)
    assert "Only a draft can be scheduled" in response.text
    assert AuditEntry.objects.filter(action="message.schedule").count() == 1


def test_message_list_queries_stay_flat(client, officer_a, make_message, clp_a):
    client.force_login(officer_a)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(admin_url("message_changelist")).status_code == 200
        return len(ctx.captured_queries)

    make_message()
    few = queries()
    for n in range(5):
        message = make_message(subject=f"Message {n}", status=Message.Status.SENT)
        for status in (Delivery.Status.SENT, Delivery.Status.FAILED):
            person = factories.PersonFactory(constituency=clp_a)
            Delivery.objects.create(
                message=message, person=person, to_email=person.email, status=status
            )
    assert queries() == few


# --- who may compose ----------------------------------------------------------------


def test_social_secretary_can_compose(client, clp_a, members_segment):
    social = factories.officer(clp_a, role="social_secretary")
    client.force_login(social)
    assert client.get(admin_url("message_add")).status_code == 200
    response = client.post(
        admin_url("message_add"), message_form(clp_a, members_segment)
    )
    assert response.status_code == 302
    assert client.get(admin_url("segment_add")).status_code == 200


def test_treasurer_reads_but_cannot_compose_or_send(
    client, clp_a, make_message, mailoutbox
):
    message = make_message()
    treasurer = factories.officer(clp_a, role="treasurer")
    client.force_login(treasurer)
    assert client.get(admin_url("message_changelist")).status_code == 200
    assert client.get(admin_url("message_preview", message.pk)).status_code == 200
    assert client.get(admin_url("message_add")).status_code == 403
    assert client.get(admin_url("segment_add")).status_code == 403
    for view in ("test_send", "send_now", "cancel"):
        assert client.post(admin_url(f"message_{view}", message.pk)).status_code == 403
    assert client.get(admin_url("message_schedule", message.pk)).status_code == 403
    page = client.get(admin_url("message_change", message.pk)).text
    assert "Send now" not in page
    message.refresh_from_db()
    assert message.status == Message.Status.DRAFT
    assert mailoutbox == []


# --- the consent ledger -------------------------------------------------------------


def _consent_data(person, **extra):
    data = {
        "person": person.pk,
        "channel": Channel.EMAIL,
        "topic": "",
        "granted": "yes",
        "method": Method.OFFICER_PHONE,
        "wording": "Can we email you about local news and events? — Yes.",
    }
    data.update(extra)
    return data


def test_officer_records_a_phone_consent(client, officer_a, clp_a, member_factory):
    person = member_factory(consent=False)
    client.force_login(officer_a)
    response = client.post(admin_url("consentevent_add"), _consent_data(person))
    assert response.status_code == 302, response.text
    event = ConsentEvent.objects.get(person=person)
    assert event.recorded_by == officer_a
    assert event.method == Method.OFFICER_PHONE
    assert event.granted is True
    assert "local news" in event.wording
    state = ConsentState.objects.get(person=person, channel=Channel.EMAIL, topic="")
    assert state.granted is True
    assert AuditEntry.objects.filter(
        action="consentevent.create", actor=officer_a, constituency=clp_a
    ).exists()

    client.post(admin_url("consentevent_add"), _consent_data(person, granted="no"))
    state.refresh_from_db()
    assert state.granted is False
    assert ConsentEvent.objects.filter(person=person).count() == 2


@pytest.mark.parametrize(
    "extra,error",
    [
        ({"wording": ""}, "This field is required"),
        ({"method": Method.IMPORT}, "That choice is not on the list"),
        ({"granted": ""}, "This field is required"),
        ({"channel": Channel.ANY, "topic": "events"}, "leave the topic blank"),
    ],
)
def test_bad_consent_record_changes_nothing(
    client, officer_a, member_factory, extra, error
):
    person = member_factory(consent=False)
    client.force_login(officer_a)
    response = client.post(
        admin_url("consentevent_add"), _consent_data(person, **extra)
    )
    assert response.status_code == 200
    assert error in response.text
    assert not ConsentEvent.objects.filter(person=person).exists()
    assert not ConsentState.objects.filter(person=person).exists()


def test_cannot_record_consent_for_another_constituency(client, officer_a, b_records):
    person = b_records["person"]
    client.force_login(officer_a)
    response = client.post(
        admin_url("consentevent_add"), _consent_data(person, granted="no")
    )
    assert "is not one of yours" in response.text
    assert ConsentEvent.objects.filter(person=person).count() == 1


def test_consent_ledger_cannot_be_changed_or_deleted(
    client, officer_a, superuser, member_factory
):
    person = member_factory(consent=True)
    event = person.consent_events.get()
    for user in (officer_a, superuser):
        client.force_login(user)
        page = client.get(admin_url("consentevent_change", event.pk))
        assert page.status_code == 200
        assert 'name="_save"' not in page.text
        assert (
            client.post(
                admin_url("consentevent_change", event.pk),
                _consent_data(person, granted="no"),
            ).status_code
            == 403
        )
        assert client.get(admin_url("consentevent_delete", event.pk)).status_code == 403
        assert (
            client.post(admin_url("consentevent_delete", event.pk)).status_code == 403
        )
        changelist = client.post(
            admin_url("consentevent_changelist"),
            {"action": "delete_selected", "_selected_action": [event.pk]},
        )
        assert changelist.status_code in (200, 302)
    event.refresh_from_db()
    assert event.granted is True
    assert ConsentEvent.objects.count() == 1


def test_who_may_record_consent(client, clp_a, member_factory):
    person = member_factory(consent=False)
    treasurer = factories.officer(clp_a, role="treasurer")
    client.force_login(treasurer)
    assert client.get(admin_url("consentevent_changelist")).status_code == 200
    assert client.get(admin_url("consentevent_add")).status_code == 403
    assert (
        client.post(admin_url("consentevent_add"), _consent_data(person)).status_code
        == 403
    )
    client.force_login(factories.officer(clp_a, role="membership_secretary"))
    assert (
        client.post(admin_url("consentevent_add"), _consent_data(person)).status_code
        == 302
    )


# --- deliveries, reminders, bounces -------------------------------------------------


def test_deliveries_and_reminders_are_read_only(client, officer_a, b_records, clp_a):
    person = factories.PersonFactory(constituency=clp_a)
    message = Message.objects.create(constituency=clp_a, subject="S", body="B")
    delivery = Delivery.objects.create(
        message=message, person=person, to_email=person.email
    )
    client.force_login(officer_a)
    assert client.get(admin_url("delivery_change", delivery.pk)).status_code == 200
    assert (
        client.get(admin_url("delivery_changelist"), {"q": person.email}).status_code
        == 200
    )
    assert client.get(admin_url("delivery_add")).status_code == 403
    assert client.post(admin_url("delivery_delete", delivery.pk)).status_code == 403
    assert client.get(admin_url("reminder_add")).status_code == 403


def test_bounced_addresses_are_for_superusers_only(client, officer_a, superuser):
    bounced = BouncedAddress.objects.create(email="gone@example.org", reason="550")
    client.force_login(officer_a)
    assert client.get(admin_url("bouncedaddress_changelist")).status_code == 403
    assert client.get(admin_url("bouncedaddress_change", bounced.pk)).status_code == 404
    assert "gone@example.org" not in client.get(reverse("admin:index")).text
    client.force_login(superuser)
    assert "gone@example.org" in client.get(admin_url("bouncedaddress_changelist")).text
    response = client.post(
        admin_url("bouncedaddress_delete", bounced.pk), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not BouncedAddress.objects.exists()


def test_pages_have_no_inline_script_or_style(
    client, officer_a, members_segment, make_message, three_members
):
    message = make_message()
    client.force_login(officer_a)
    for page in (
        admin_url("segment_add"),
        admin_url("segment_change", members_segment.pk),
        admin_url("message_change", message.pk),
        admin_url("message_preview", message.pk),
        admin_url("message_schedule", message.pk),
        admin_url("consentevent_add"),
    ):
        text = client.get(page).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), page
        assert not re.search(r"<style|\sstyle=", text), page
    assert "vendor/htmx/htmx.min.js" in client.get(admin_url("segment_add")).text


def test_new_records_start_in_the_officers_constituency(client, officer_a, clp_a):
    client.force_login(officer_a)
    for page in (admin_url("segment_add"), admin_url("message_add")):
        text = client.get(page).text
        assert re.search(rf'<option value="{clp_a.pk}" selected>', text), page


def test_a_reminder_names_what_it_is_about_not_a_bare_id(client, officer_a, clp_a):
    person = factories.PersonFactory(constituency=clp_a)
    message = Message.objects.create(
        constituency=clp_a, subject="Autumn news", body="B"
    )
    reminder = Reminder.objects.create(
        key="a-reminder",
        kind="comms.newsletter_missing",
        person=person,
        due_at=timezone.now(),
        about=message,
    )
    client.force_login(officer_a)
    page = client.get(admin_url("reminder_change", reminder.pk)).text
    assert "Autumn news" in page
    assert "Object id" not in page and "Content type" not in page
