"""The public supporters' club signup: double opt-in, placement, bot traps, limits."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Person
from partyhub.audit.models import AuditEntry
from partyhub.comms import sending
from partyhub.comms.consent import contactable
from partyhub.comms.models import Channel, ConsentEvent, Message, Method, Segment
from supporters import signup, tasks
from supporters.forms import CONSENT_WORDING, started_token
from supporters.models import SignupRequest, Supporter
from tests import factories
from tests.helpers import run_at_once
from tests.supporters.conftest import confirm_path, form_data

pytestmark = pytest.mark.usefixtures("eager_tasks")

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"')


# --- the form ------------------------------------------------------------------------


def test_form_shows_unticked_consent_with_exact_wording_and_offers(
    client, clp_a, offers
):
    response = client.get(reverse("supporters:join_constituency", args=["hodge-hill"]))
    html = response.content.decode()
    assert response.status_code == 200
    for channel in ("email", "phone", "text", "post"):
        assert str(CONSENT_WORDING[channel]).replace("'", "&#x27;") in html
        box = re.search(rf'<input[^>]*name="consent_{channel}"[^>]*>', html).group(0)
        assert "checked" not in box
    assert "checked" not in re.search(r'<form method="post".*</form>', html, re.S)[0]
    assert "Display a poster" in html
    assert "Cook the Sunday team brunch" in html  # the CLP's own
    assert "Punt on the Kennet" not in html  # another CLP's
    assert 'aria-hidden="true"' in html and "Leave this empty" in html
    assert "<style" not in html and "style=" not in html


def test_constituency_page_invites_people_to_join(client, clp_a):
    response = client.get(reverse("members:constituency", args=["hodge-hill"]))
    assert "Join our supporters' club" in response.content.decode()
    assert reverse("supporters:join_constituency", args=["hodge-hill"]).encode() in (
        response.content
    )


def test_invalid_form_shows_errors_next_to_fields(sign_up, clp_a):
    response = sign_up(postcode="not a postcode", email="nope", first_name="")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a full UK postcode" in html
    assert 'aria-invalid="true"' in html
    assert SignupRequest.objects.count() == 0


def test_phone_consent_needs_a_phone_number(sign_up, clp_a):
    response = sign_up(consent_phone="on")
    assert "Give a phone number" in response.content.decode()
    assert SignupRequest.objects.count() == 0


# --- double opt-in ---------------------------------------------------------------------


def test_valid_signup_stores_request_and_mails_a_link_but_creates_nobody(
    sign_up, places, offers, mailoutbox
):
    response = sign_up(offers=[offers["poster"].pk, offers["brunch"].pk])
    assert response.status_code == 302
    assert response["Location"] == reverse("supporters:check_email")
    request = SignupRequest.objects.get()
    assert request.email == "ada@example.org"
    assert request.constituency.slug == "hodge-hill"
    assert request.data["postcode"] == "B8 1AA"
    assert request.data["consents"] == {"email": str(CONSENT_WORDING["email"])}
    assert sorted(request.data["offers"]) == sorted(
        [offers["poster"].pk, offers["brunch"].pk]
    )
    assert request.confirmation_sent_at is not None
    assert not Person.objects.filter(email__iexact="ada@example.org").exists()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["ada@example.org"]
    assert "/supporters/confirm/" in message.body
    assert "Hodge Hill" in message.body and "1 High Street" in message.body
    assert "If it wasn't you" in message.body
    assert "List-Unsubscribe" not in message.extra_headers


def test_check_email_page(client, sign_up, places):
    response = client.get(reverse("supporters:check_email"))
    assert "Check your email" in response.content.decode()


def test_confirm_get_changes_nothing(client, sign_up, places, mailoutbox):
    sign_up()
    response = client.get(confirm_path(mailoutbox[0]))
    assert response.status_code == 200
    assert "Confirm" in response.content.decode()
    assert (
        not Person.objects.exists()
        or not Person.objects.filter(email="ada@example.org").exists()
    )
    assert SignupRequest.objects.get().confirmed_at is None
    assert not Supporter.objects.exists()


def test_confirm_post_places_person_and_records_only_ticked_consents(
    client, sign_up, places, offers, mailoutbox
):
    sign_up(
        phone="0121 496 0000",
        consent_text="on",
        offers=[offers["poster"].pk],
    )
    response = client.post(confirm_path(mailoutbox[0]))
    assert response.status_code == 200
    assert "Thank you for joining" in response.content.decode()
    person = Person.objects.get(email="ada@example.org")
    assert (person.first_name, person.last_name) == ("Ada", "Lovelace")
    assert person.postcode == "B8 1AA"
    assert person.constituency.slug == "hodge-hill"
    assert person.ward == places["a"]
    supporter = person.supporter
    assert supporter.status == Supporter.Status.CONFIRMED
    assert supporter.source == Supporter.Source.FORM
    assert supporter.joined == timezone.localdate()
    assert supporter.constituency.slug == "hodge-hill"
    assert not supporter.needs_review
    assert list(supporter.offers.all()) == [offers["poster"]]
    events = {e.channel: e for e in ConsentEvent.objects.filter(person=person)}
    assert set(events) == {Channel.EMAIL, Channel.TEXT}
    assert events["email"].wording == str(CONSENT_WORDING["email"])
    assert events["text"].wording == str(CONSENT_WORDING["text"])
    assert all(e.granted and e.method == Method.SIGNUP_FORM for e in events.values())
    assert SignupRequest.objects.get().confirmed_at is not None
    entry = AuditEntry.objects.get(action="supporter.confirm")
    assert entry.actor is None and entry.constituency_id == person.constituency_id
    assert contactable(Person.objects.filter(pk=person.pk)).exists()


def test_confirming_twice_is_harmless(client, sign_up, places, mailoutbox):
    sign_up()
    path = confirm_path(mailoutbox[0])
    client.post(path)
    response = client.post(path)
    assert response.status_code == 200
    assert Person.objects.filter(email="ada@example.org").count() == 1
    assert Supporter.objects.count() == 1
    assert ConsentEvent.objects.count() == 1
    assert AuditEntry.objects.filter(action="supporter.confirm").count() == 1


def test_expired_link_changes_nothing(client, sign_up, places, mailoutbox, settings):
    sign_up()
    settings.SUPPORTERS_CONFIRM_MAX_AGE_SECONDS = -1
    path = confirm_path(mailoutbox[0])
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 410
        assert "expired" in response.content.decode()
    assert not Supporter.objects.exists()
    assert SignupRequest.objects.get().confirmed_at is None


def test_tampered_link_changes_nothing(client, sign_up, places, mailoutbox):
    sign_up()
    path = confirm_path(mailoutbox[0])
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    for method in (client.get, client.post):
        assert method(tampered).status_code == 400
    other_purpose = signup.make_token("unsubscribe", SignupRequest.objects.get().pk)
    assert client.post(f"/supporters/confirm/{other_purpose}/").status_code == 400
    assert not Supporter.objects.exists()


def test_link_to_a_purged_signup_says_so(client, sign_up, places, mailoutbox):
    sign_up()
    SignupRequest.objects.all().delete()
    assert client.post(confirm_path(mailoutbox[0])).status_code == 410


def test_confirmation_task_twice_sends_one_email(sign_up, places, mailoutbox):
    sign_up()
    request = SignupRequest.objects.get()
    assert len(mailoutbox) == 1
    assert tasks.send_confirmation(request.pk) is False
    assert tasks.send_confirmation.delay(request.pk).get() is False
    assert len(mailoutbox) == 1


def test_failed_send_frees_the_claim_for_a_retry(
    sign_up, places, mailoutbox, monkeypatch
):
    def broken(self, *args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    assert sign_up().status_code == 302  # the visitor never sees the mail server
    # Stored, and the claim was freed for the task's retries.
    request = SignupRequest.objects.get()
    assert request.confirmation_sent_at is None
    assert mailoutbox == []
    monkeypatch.undo()
    assert tasks.send_confirmation(request.pk) is True
    assert len(mailoutbox) == 1


# --- one Person per human ---------------------------------------------------------------


def test_duplicate_signups_make_one_person(client, sign_up, places, mailoutbox):
    sign_up()
    client.post(confirm_path(mailoutbox[0]))
    SignupRequest.objects.update(
        confirmation_sent_at=timezone.now() - timedelta(hours=2)
    )
    sign_up(email="ADA@Example.org", first_name="Augusta")
    assert len(mailoutbox) == 2
    client.post(confirm_path(mailoutbox[1]))
    assert Person.objects.filter(email__iexact="ada@example.org").count() == 1
    assert Supporter.objects.count() == 1
    # A signup cannot rename a record: names only fill blanks.
    assert Person.objects.get().first_name == "Ada"


def test_two_unconfirmed_signups_then_both_confirmed_make_one_person(
    client, sign_up, places, mailoutbox, settings
):
    settings.SUPPORTERS_CONFIRMATION_INTERVAL_SECONDS = 0
    sign_up()
    sign_up(email="Ada@example.org")
    assert len(mailoutbox) == 2
    client.post(confirm_path(mailoutbox[0]))
    client.post(confirm_path(mailoutbox[1]))
    assert Person.objects.filter(email__iexact="ada@example.org").count() == 1
    assert Supporter.objects.count() == 1


def test_existing_member_becomes_a_supporter_without_losing_officer_edits(
    client, sign_up, places, clp_a, mailoutbox
):
    member = factories.PersonFactory(
        first_name="Augusta Ada",
        last_name="King",
        email="ada@example.org",
        phone="",
        constituency=clp_a,
        ward=None,
        postcode="",
    )
    factories.MembershipFactory(person=member)
    sign_up(first_name="Ada", last_name="Lovelace", phone="0121 496 0000")
    client.post(confirm_path(mailoutbox[0]))
    member.refresh_from_db()
    assert Person.objects.filter(email__iexact="ada@example.org").count() == 1
    assert (member.first_name, member.last_name) == ("Augusta Ada", "King")
    assert member.phone == "0121 496 0000"  # a blank was filled
    assert member.postcode == "B8 1AA" and member.ward == places["a"]
    assert member.supporter.status == Supporter.Status.CONFIRMED
    assert member.memberships.count() == 1


def test_prefers_the_person_in_the_same_constituency(
    client, sign_up, places, clp_a, clp_b, mailoutbox
):
    elsewhere = factories.PersonFactory(email="ada@example.org", constituency=clp_b)
    here = factories.PersonFactory(email="Ada@Example.org", constituency=clp_a)
    sign_up()
    client.post(confirm_path(mailoutbox[0]))
    assert Supporter.objects.get().person == here
    assert not Supporter.objects.filter(person=elsewhere).exists()


def test_returning_supporter_who_left_rejoins_with_a_new_date(
    client, sign_up, places, clp_a, mailoutbox
):
    person = factories.PersonFactory(email="ada@example.org", constituency=clp_a)
    old = Supporter.objects.create(
        person=person,
        constituency=clp_a,
        status=Supporter.Status.LEFT,
        source=Supporter.Source.PETITION,
        joined=timezone.localdate() - timedelta(days=900),
        left=timezone.localdate() - timedelta(days=100),
    )
    sign_up()
    client.post(confirm_path(mailoutbox[0]))
    old.refresh_from_db()
    assert old.status == Supporter.Status.CONFIRMED
    assert old.joined == timezone.localdate() and old.left is None
    assert old.source == Supporter.Source.PETITION  # how they first came to us


def test_unknown_postcode_still_signs_up_and_is_flagged(
    client, sign_up, places, mailoutbox
):
    sign_up(postcode="SW1A 1AA")
    request = SignupRequest.objects.get()
    assert request.constituency.slug == "hodge-hill"
    client.post(confirm_path(mailoutbox[0]))
    supporter = Supporter.objects.get()
    assert supporter.needs_review
    assert supporter.constituency.slug == "hodge-hill"
    assert supporter.person.postcode == "SW1A 1AA"
    assert supporter.person.ward is None


def test_national_form_routes_by_postcode(client, sign_up, places, offers, mailoutbox):
    page = client.get(reverse("supporters:join")).content.decode()
    assert "Display a poster" in page and "Cook the Sunday team brunch" not in page
    sign_up(slug=None, postcode="rg30 4ab")
    request = SignupRequest.objects.get()
    assert request.constituency.slug == "reading-west"
    assert "Reading West" in mailoutbox[0].body
    client.post(confirm_path(mailoutbox[0]))
    supporter = Supporter.objects.get()
    assert supporter.constituency.slug == "reading-west"
    assert supporter.person.ward == places["b"]


def test_national_form_unknown_postcode_has_no_constituency_and_is_flagged(
    client, sign_up, places, mailoutbox
):
    sign_up(slug=None, postcode="SW1A 1AA")
    assert SignupRequest.objects.get().constituency is None
    client.post(confirm_path(mailoutbox[0]))
    supporter = Supporter.objects.get()
    assert supporter.constituency is None and supporter.needs_review


def test_unconfirmed_signups_get_no_newsletter(
    client, sign_up, places, clp_a, mailoutbox, officer_a
):
    sign_up(email="confirmed@example.org")
    client.post(confirm_path(mailoutbox[0]))
    sign_up(email="unconfirmed@example.org")
    segment = Segment.objects.create(constituency=clp_a, name="Everyone", criteria={})
    message = Message.objects.create(
        constituency=clp_a,
        segment=segment,
        subject="The quarterly newsletter",
        body="News.",
        status=Message.Status.SCHEDULED,
    )
    mailoutbox.clear()
    sending.message_dispatch(message_id=message.pk)
    while ids := sending.deliveries_claim():
        sending.deliveries_send(ids=ids)
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert "unconfirmed@example.org" not in recipients
    assert recipients == ["confirmed@example.org"]


# --- the same answer for everyone -------------------------------------------------------


def _page(response, client) -> tuple[int, bytes]:
    followed = client.get(response["Location"])
    return response.status_code, CSRF.sub(b"", followed.content)


def test_known_and_unknown_addresses_get_identical_responses(
    client, sign_up, places, clp_a
):
    factories.PersonFactory(email="known@example.org", constituency=clp_a)
    known = sign_up(email="known@example.org")
    unknown = sign_up(email="stranger@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert known.content == unknown.content
    assert _page(known, client) == _page(unknown, client)


# --- bots and limits ---------------------------------------------------------------------


def test_honeypot_filled_stores_and_sends_nothing(sign_up, places, mailoutbox):
    real = sign_up(email="real@example.org")
    bot = sign_up(email="bot@example.org", website="http://spam.example")
    assert bot.status_code == real.status_code == 302
    assert bot["Location"] == real["Location"]
    assert list(SignupRequest.objects.values_list("email", flat=True)) == [
        "real@example.org"
    ]
    assert [m.to for m in mailoutbox] == [["real@example.org"]]


@pytest.mark.parametrize(
    "started",
    [
        pytest.param(lambda: started_token(), id="too-fast"),
        pytest.param(lambda: None, id="missing"),
        pytest.param(lambda: "1700000000", id="unsigned"),
        pytest.param(lambda: started_token()[:-2] + "xx", id="forged"),
    ],
)
def test_too_fast_or_forged_timestamp_is_quietly_dropped(
    sign_up, places, mailoutbox, started
):
    response = sign_up(started=started())
    assert response.status_code == 302
    assert response["Location"] == reverse("supporters:check_email")
    assert not SignupRequest.objects.exists()
    assert mailoutbox == []


def test_a_form_time_can_be_posted_once_only(sign_up, places, mailoutbox):
    """A bot that fetched the form once cannot post its time stamp over and over
    to mail confirmation links to a list of third parties."""
    once = started_token(time.time() - 10)
    statuses = [
        sign_up(email=f"victim{n}@example.org", started=once).status_code
        for n in range(5)
    ]
    assert statuses == [302] * 5  # every post looks the same to the bot
    assert list(SignupRequest.objects.values_list("email", flat=True)) == [
        "victim0@example.org"
    ]
    assert [m.to for m in mailoutbox] == [["victim0@example.org"]]


def test_a_form_shown_again_with_errors_can_still_be_sent(client, places):
    """The person who mistyped is not taken for a bot on the second try: the page
    with the errors carries a fresh one-use stamp with the original time."""
    url = reverse("supporters:join_constituency", args=["hodge-hill"])
    first = client.post(url, form_data(email="not-an-address"))
    assert first.status_code == 200
    stamp = re.search(r'name="started" value="([^"]+)"', first.text).group(1)
    again = client.post(url, form_data(started=stamp))
    assert again.status_code == 302
    assert SignupRequest.objects.filter(email="ada@example.org").exists()


def test_one_confirmation_email_per_address_per_hour(sign_up, places, mailoutbox):
    sign_up()
    second = sign_up(email="Ada@Example.org")
    assert second["Location"] == reverse("supporters:check_email")
    assert SignupRequest.objects.count() == 2  # stored, not mailed
    assert len(mailoutbox) == 1
    # An hour later a real person trying again gets a new email.
    SignupRequest.objects.update(
        created=timezone.now() - timedelta(minutes=61),
        confirmation_sent_at=timezone.now() - timedelta(minutes=61),
    )
    sign_up()
    assert len(mailoutbox) == 2


def test_per_address_limit_holds_in_the_task_too(sign_up, places, mailoutbox):
    """Two requests whose tasks both got queued (a race at the form) mail once."""
    sign_up()
    second = SignupRequest.objects.create(email="ada@example.org", data=form_data())
    assert tasks.send_confirmation(second.pk) is False
    assert len(mailoutbox) == 1


def test_per_ip_limit_answers_429_and_spares_other_people(
    sign_up, places, mailoutbox, settings
):
    settings.SUPPORTERS_SIGNUPS_PER_IP_PER_HOUR = 3
    for n in range(3):
        assert sign_up(email=f"p{n}@example.org", ip="198.51.100.7").status_code == 302
    blocked = sign_up(email="p3@example.org", ip="198.51.100.7")
    assert blocked.status_code == 429
    assert "try again" in blocked.content.decode()
    assert not SignupRequest.objects.filter(email="p3@example.org").exists()
    other = sign_up(email="neighbour@example.org", ip="203.0.113.9")
    assert other.status_code == 302
    assert SignupRequest.objects.filter(email="neighbour@example.org").exists()


def test_a_flood_of_bot_posts_confirms_nobody_and_sends_almost_nothing(
    sign_up, places, mailoutbox, settings
):
    settings.SUPPORTERS_SIGNUPS_PER_IP_PER_HOUR = 10
    statuses = []
    for n in range(40):
        kind = n % 4
        trap = {"website": "x"} if kind == 0 else {}
        if kind == 1:
            trap["started"] = started_token()  # posted at once
        email = "victim@example.org" if kind == 3 else f"bot{n}@example.org"
        statuses.append(
            sign_up(email=email, ip=f"198.51.100.{n % 2}", **trap).status_code
        )
    assert statuses.count(429) == 20
    # Only the posts with a plausible form time and empty honeypot were kept, and
    # the one address they all aimed at got one email.
    assert len(mailoutbox) <= 6
    assert [m.to for m in mailoutbox].count(["victim@example.org"]) == 1
    assert not Supporter.objects.exists()
    assert not Person.objects.filter(email__endswith="@example.org").exists()


def test_csrf_is_required(places, clp_a):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("supporters:join_constituency", args=["hodge-hill"]), form_data()
    )
    assert response.status_code == 403
    assert not SignupRequest.objects.exists()


# --- retention ----------------------------------------------------------------------------


def test_purge_removes_old_unconfirmed_signups_only(db, clp_a):
    now = timezone.now()
    old = SignupRequest.objects.create(
        email="old@example.org", data={}, created=now - timedelta(days=31)
    )
    recent = SignupRequest.objects.create(
        email="recent@example.org", data={}, created=now - timedelta(days=29)
    )
    confirmed = SignupRequest.objects.create(
        email="confirmed@example.org",
        data={},
        created=now - timedelta(days=90),
        confirmed_at=now - timedelta(days=89),
    )
    assert tasks.purge_unconfirmed() == 1
    assert tasks.purge_unconfirmed() == 0
    remaining = set(SignupRequest.objects.values_list("pk", flat=True))
    assert remaining == {recent.pk, confirmed.pk}
    assert old.pk not in remaining
    entry = AuditEntry.objects.get(action="supporters.signup_requests_purge")
    assert entry.row_count == 1 and entry.actor is None


def test_purge_is_scheduled_daily(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="supporters.tasks.purge_unconfirmed")
    assert task.enabled and task.crontab is not None
    assert task.crontab.hour == "3" and task.crontab.day_of_week == "*"


def test_signup_has_no_pre_ticked_box_even_after_errors(sign_up, clp_a):
    response = sign_up(first_name="", consent_email=None)
    html = response.content.decode()
    for channel in ("email", "phone", "text", "post"):
        box = re.search(rf'<input[^>]*name="consent_{channel}"[^>]*>', html).group(0)
        assert "checked" not in box


def test_old_link_does_not_bring_back_an_erased_person(
    client, sign_up, places, mailoutbox
):
    sign_up()
    path = confirm_path(mailoutbox[0])
    client.post(path)
    Person.objects.filter(email="ada@example.org").delete()
    assert client.post(path).status_code == 410
    assert not Person.objects.filter(email="ada@example.org").exists()


def test_per_ip_limit_counts_the_visitor_behind_a_trusted_proxy(
    client, places, settings, django_capture_on_commit_callbacks
):
    settings.SUPPORTERS_SIGNUPS_PER_IP_PER_HOUR = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    url = reverse("supporters:join_constituency", args=["hodge-hill"])

    def post(visitor: str, email: str):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                url,
                form_data(email=email),
                REMOTE_ADDR="10.0.0.1",  # the proxy, the same for everyone
                HTTP_X_FORWARDED_FOR=visitor,
            )

    assert post("198.51.100.1", "a@example.org").status_code == 302
    assert post("198.51.100.1", "b@example.org").status_code == 429
    assert post("203.0.113.5", "c@example.org").status_code == 302


def test_signup_with_the_broker_down_still_thanks_the_visitor(
    sign_up, places, mailoutbox, monkeypatch
):
    from kombu.exceptions import OperationalError

    from supporters import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(tasks.send_confirmation, "apply_async", broker_down)
    response = sign_up()
    assert response.status_code == 302
    assert response.url == reverse("supporters:check_email")
    request = SignupRequest.objects.get()
    assert request.confirmation_sent_at is None
    assert mailoutbox == []


def test_missed_confirmation_is_sent_by_the_sweep_once(
    sign_up, places, mailoutbox, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone
    from kombu.exceptions import OperationalError

    from supporters import tasks
    from supporters.signup import signup_confirmations_send_missed

    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(tasks.send_confirmation, "apply_async", broker_down)
    sign_up()
    request = SignupRequest.objects.get()
    assert signup_confirmations_send_missed() == 0  # too recent: the queue may have it
    later = timezone.now() + timedelta(minutes=5)
    assert signup_confirmations_send_missed(now=later) == 1
    assert signup_confirmations_send_missed(now=later) == 0
    assert [m.to for m in mailoutbox] == [[request.email]]


def test_sweep_never_mails_a_request_held_back_by_the_hourly_limit(
    sign_up, places, mailoutbox
):
    from datetime import timedelta

    from django.utils import timezone

    from supporters.signup import signup_confirmations_send_missed

    sign_up()
    sign_up()  # within the hour: stored, not mailed
    assert len(mailoutbox) == 1
    assert SignupRequest.objects.filter(confirmation_sent_at__isnull=True).count() == 1
    later = timezone.now() + timedelta(minutes=90)
    assert signup_confirmations_send_missed(now=later) == 0
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_make_one_person(
    sign_up, places, mailoutbox, settings
):
    """Two requests for one new address confirmed at the same moment (two tabs,
    two workers): they queue on the address (partyhub.locks), so one Person and
    one supporter, whichever confirms first."""
    settings.SUPPORTERS_CONFIRMATION_INTERVAL_SECONDS = 0
    sign_up()
    sign_up(email="Ada@example.org")
    requests = list(SignupRequest.objects.order_by("pk"))
    assert len(requests) == 2
    raised = run_at_once(
        *(
            lambda r=request: signup.supporter_confirm(signup_request=r)
            for request in requests
        )
    )
    assert raised == []
    assert Person.objects.filter(email__iexact="ada@example.org").count() == 1
    assert Supporter.objects.count() == 1
