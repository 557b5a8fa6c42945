"""What the supporters' club holds about a person (partyhub.personal_data)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from partyhub.personal_data import DELETE, KEEP, Repoint, register
from partyhub.personal_data.timeline import NO_TIMELINE, gettext, label_of, timeline_of


def _signup_requests(person: Any):
    from supporters.models import SignupRequest

    if not person.email:
        return SignupRequest.objects.none()
    return SignupRequest.objects.filter(email__iexact=person.email)


def _supporter_moments(s: Any):
    offers = ", ".join(o.label for o in s.offers.all())
    yield (
        s.joined,
        gettext("Signed up as a supporter"),
        offers and gettext("Offered: %s") % offers,
    )
    if s.left:
        yield s.left, gettext("Left the supporters' club")


def register_all() -> None:
    register(
        "supporters.Supporter",
        person_field="person",
        export=[
            "status", "source", "joined", "left",
            ("constituency", "constituency.name"),
            ("help_offered", lambda s, p: [o.label for o in s.offers.all()]),
        ],
        section="supporter",
        erase=DELETE,
        repoint=Repoint(prefer=("earliest", "joined")),
        retention_category="supporters",
        describe=_("Supporters' club membership and the help offered"),
        timeline=timeline_of(
            "supporters.Supporter",
            kind="supporter",
            moments=_supporter_moments,
            constituencies="constituency_id",
            prefetch=("offers",),
        ),
    )  # fmt: skip
    register(
        "supporters.AskReply",
        person_field="person",
        user_fields=("recorded_by",),
        export=[("ask", "ask.subject"), "answer", "at"],
        section="ask_replies",
        select_related=("ask",),
        erase=DELETE,
        repoint=Repoint(prefer=("latest", "at")),
        retention_category="supporters",
        describe=_("Replies to the club's asks"),
        timeline=timeline_of(
            "supporters.AskReply",
            kind="supporter",
            moments=lambda r: [
                (
                    r.at,
                    gettext("Answered “%(ask)s”: %(answer)s")
                    % {"ask": r.ask.subject, "answer": label_of(r, "answer")},
                )
            ],
            constituencies="ask.constituency_id",
            select_related=("ask",),
            newest="at",
        ),
    )
    register(
        "supporters.SignupRequest",
        rows=_signup_requests,
        export=["email", "created", "confirmed_at"],
        section="signup_requests",
        erase=DELETE,
        retention_category="unconfirmed_signups",
        describe=_("Signups waiting for (or past) email confirmation"),
        timeline=timeline_of(
            "supporters.SignupRequest",
            kind="supporter",
            rows=_signup_requests,
            moments=lambda r: [
                (
                    r.created,
                    gettext("Signed up on the website (%s)") % label_of(r, "kind"),
                ),
                (r.confirmed_at, gettext("Confirmed their email address")),
            ],
            constituencies="constituency_id",
        ),
    )
    for label in ("supporters.Ask", "supporters.PrizeDraw"):
        register(
            label,
            user_fields=("created_by",) if label.endswith("Ask") else ("drawn_by",),
            erase=KEEP(_("Who prepared it; the login itself is closed and anonymised")),
            retention_category="officers_work",
            describe=_("Asks and prize draws an officer prepared"),
            timeline=NO_TIMELINE(_("An officer's work, not the person's history")),
        )
    # A supporters import run keeps counts and the file's name; the rows it read
    # (names, addresses) wait only in the cache for a day, and the file is removed
    # once applied.
    register(
        "supporters.SupporterImport",
        user_fields=("actor",),
        erase=KEEP(_("Who uploaded it; the login itself is closed and anonymised")),
        retention_category="officers_work",
        describe=_("Supporters lists an officer imported"),
        timeline=NO_TIMELINE(_("An officer's work, not the person's history")),
    )
