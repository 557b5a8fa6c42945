"""The prize draw: fair, reproducible from its recorded seed and entrants, made
once, winners emailed once, scoped to its constituency."""

import datetime
import random

import pytest
from django.urls import reverse
from django.utils import timezone

from partyhub.audit.models import AuditEntry
from supporters.models import PrizeDraw, Supporter
from supporters.services import (
    SupportersError,
    prize_draw_run,
    prize_draw_verify,
)
from tests import factories
from tests.helpers import send_all_mail

TODAY = timezone.localdate()
CLOSED = TODAY - datetime.timedelta(days=1)


def make_supporter(clp, status=Supporter.Status.CONFIRMED, joined=None, left=None):
    person = factories.PersonFactory(constituency=clp)
    Supporter.objects.create(
        person=person,
        constituency=clp,
        status=status,
        joined=joined or CLOSED - datetime.timedelta(days=30),
        left=left,
    )
    return person


@pytest.fixture
def draw(clp_a):
    return PrizeDraw.objects.create(
        constituency=clp_a,
        name="Christmas draw",
        prize="A meal in the House of Commons",
        closes_on=CLOSED,
        winners_wanted=2,
    )


@pytest.fixture
def entrants(clp_a, clp_b):
    confirmed = [make_supporter(clp_a) for _ in range(6)]
    # Left after the draw closed: they were a confirmed supporter on the day.
    left_late = make_supporter(clp_a, status=Supporter.Status.LEFT, left=TODAY)
    others = [
        make_supporter(clp_a, status=Supporter.Status.PENDING),
        make_supporter(clp_a, status=Supporter.Status.LEFT, left=CLOSED),
        make_supporter(clp_a, joined=TODAY),  # joined after it closed
        make_supporter(clp_b),
    ]
    return [*confirmed, left_late], others


def test_only_confirmed_supporters_on_the_closing_date_are_entered(
    draw, entrants, officer_a
):
    eligible, others = entrants
    draw = prize_draw_run(draw=draw, actor=officer_a)
    assert draw.entrants == sorted(p.pk for p in eligible)
    assert not {p.pk for p in others} & set(draw.entrants)
    assert len(draw.winners) == 2
    assert set(draw.winners) <= set(draw.entrants)
    assert len(draw.seed) == 32


def test_draw_is_reproducible_from_its_seed(draw, entrants, officer_a):
    draw = prize_draw_run(draw=draw, actor=officer_a)
    assert prize_draw_verify(draw)
    # Anyone can re-run it by hand from the record.
    rerun = random.Random(draw.seed).sample(draw.entrants, draw.winners_wanted)
    assert rerun == draw.winners
    # A record altered afterwards no longer matches.
    draw.winners = list(reversed(draw.winners))
    assert not prize_draw_verify(draw)


def test_given_seed_gives_the_same_winners(clp_a, entrants, officer_a):
    def run(seed):
        made = PrizeDraw.objects.create(
            constituency=clp_a, name="d", prize="p", closes_on=CLOSED, winners_wanted=3
        )
        return prize_draw_run(draw=made, actor=officer_a, seed=seed).winners

    first = run("fixed-seed")
    assert len(first) == 3
    # The seed decides the draw: the same seed, the same winners in the same
    # order; another seed, another draw (both fixed, so this cannot flake).
    assert run("fixed-seed") == first
    assert run("another-seed") != first


def test_draw_twice_is_refused(draw, entrants, officer_a):
    first = prize_draw_run(draw=draw, actor=officer_a)
    with pytest.raises(SupportersError):
        prize_draw_run(draw=draw, actor=officer_a)
    draw.refresh_from_db()
    assert (draw.seed, draw.winners) == (first.seed, first.winners)
    assert AuditEntry.objects.filter(action="prizedraw.draw").count() == 1


def test_draw_before_closing_is_refused(clp_a, entrants, officer_a):
    draw = PrizeDraw.objects.create(
        constituency=clp_a, name="d", prize="p", closes_on=TODAY
    )
    with pytest.raises(SupportersError):
        prize_draw_run(draw=draw, actor=officer_a)
    draw.refresh_from_db()
    assert draw.drawn_at is None and draw.seed == ""


def test_winners_are_emailed_once(draw, entrants, officer_a, mailoutbox):
    draw = prize_draw_run(draw=draw, actor=officer_a)
    send_all_mail()
    send_all_mail()
    winners = factories.Person.objects.filter(pk__in=draw.winners)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in winners)
    assert all("House of Commons" in m.body for m in mailoutbox)
    entry = AuditEntry.objects.get(action="prizedraw.draw")
    assert entry.row_count == len(draw.entrants)
    assert entry.detail["seed"] == draw.seed


def test_fewer_entrants_than_prizes(clp_a, officer_a):
    only = make_supporter(clp_a)
    draw = PrizeDraw.objects.create(
        constituency=clp_a, name="d", prize="p", closes_on=CLOSED, winners_wanted=5
    )
    draw = prize_draw_run(draw=draw, actor=officer_a)
    assert draw.winners == [only.pk]
    assert prize_draw_verify(draw)


def test_draw_now_from_the_admin(client, draw, entrants, officer_a):
    client.force_login(officer_a)
    page = client.get(reverse("admin:supporters_prizedraw_change", args=[draw.pk]))
    assert "Draw now" in page.text
    assert "small society lottery" in page.text
    client.post(reverse("admin:supporters_prizedraw_draw", args=[draw.pk]))
    draw.refresh_from_db()
    assert draw.drawn_by == officer_a
    page = client.get(reverse("admin:supporters_prizedraw_change", args=[draw.pk]))
    assert "Re-run check: matches" in page.text
    assert "Draw now" not in page.text
    # Drawn is final: the page is read-only and a second press changes nothing.
    seed = draw.seed
    client.post(reverse("admin:supporters_prizedraw_draw", args=[draw.pk]))
    draw.refresh_from_db()
    assert draw.seed == seed


def test_officer_without_draw_right_cannot_draw(client, clp_a, draw, entrants):
    treasurer = factories.officer(clp_a, role="treasurer")
    client.force_login(treasurer)
    response = client.post(reverse("admin:supporters_prizedraw_draw", args=[draw.pk]))
    assert response.status_code == 403
    draw.refresh_from_db()
    assert draw.drawn_at is None


def test_social_secretary_can_draw(client, clp_a, draw, entrants):
    social = factories.officer(clp_a, role="social_secretary")
    client.force_login(social)
    client.post(reverse("admin:supporters_prizedraw_draw", args=[draw.pk]))
    draw.refresh_from_db()
    assert draw.drawn_at is not None


def test_other_constituency_officer_sees_nothing_of_a_draw(
    client, draw, entrants, officer_b
):
    client.force_login(officer_b)
    listing = client.get(reverse("admin:supporters_prizedraw_changelist"))
    assert "Christmas draw" not in listing.text
    url = reverse("admin:supporters_prizedraw_change", args=[draw.pk])
    assert client.get(url).status_code == 404
    response = client.post(reverse("admin:supporters_prizedraw_draw", args=[draw.pk]))
    assert response.status_code == 404
    draw.refresh_from_db()
    assert draw.drawn_at is None
