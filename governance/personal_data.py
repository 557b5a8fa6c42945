"""What governance holds about a person (partyhub.personal_data)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from partyhub.personal_data import DELETE, KEEP, Repoint, register
from partyhub.personal_data.timeline import NO_TIMELINE, gettext, timeline_of

_RECORD = _(
    "The party's record of its meetings: kept, on a person record that no longer "
    "names anybody"
)


def register_all() -> None:
    register(
        "governance.Delegation",
        person_field="person",
        export=[("body", "body.name"), "starts", "ends"],
        select_related=("body",),
        erase=DELETE,
        repoint=Repoint(prefer=("earliest", "starts")),
        retention_category="membership",
        describe=_("Delegate to a General Committee"),
        timeline=timeline_of(
            "governance.Delegation",
            kind="governance",
            moments=lambda d: [(d.starts, gettext("Delegate to %s") % d.body.name)],
            constituencies="body.constituency_id",
            select_related=("body",),
        ),
    )
    register(
        "governance.Motion",
        person_fields=("mover", "seconder"),
        export=[("meeting", "meeting.event.title"), "title", "text", "status", "submitted"],
        select_related=("meeting__event",),
        erase=KEEP(_RECORD),
        repoint=Repoint(),
        retention_category="membership",
        describe=_("Motions moved or seconded"),
        timeline=timeline_of(
            "governance.Motion",
            kind="governance",
            moments=lambda m: [
                (m.submitted, gettext("Motion “%s” submitted") % m.title)
            ],
            constituencies="meeting.body.constituency_id",
            select_related=("meeting__body",),
        ),
    )  # fmt: skip
    register(
        "governance.Attendance",
        person_field="person",
        export=[("meeting", "meeting.event.title"), "how", "at"],
        select_related=("meeting__event",),
        erase=KEEP(_RECORD),
        repoint=Repoint(prefer=("earliest", "at")),
        retention_category="membership",
        describe=_("Meetings attended"),
        timeline=timeline_of(
            "governance.Attendance",
            kind="governance",
            moments=lambda a: [
                (a.at, gettext("Attended “%s”") % a.meeting.event.title)
            ],
            constituencies="meeting.body.constituency_id",
            select_related=("meeting__event", "meeting__body"),
        ),
    )
    register(
        "governance.ActionPoint",
        person_field="owner",
        export=[("meeting", "meeting.event.title"), "text", "due", "done_on"],
        select_related=("meeting__event",),
        erase=KEEP(_RECORD),
        repoint=Repoint(),
        retention_category="membership",
        describe=_("Action points from meetings"),
        timeline=NO_TIMELINE(_("A task from a meeting: its minutes say it")),
    )
    register(
        "governance.Nomination",
        person_field="person",
        export=[("election", "election"), "elected", "withdrawn"],
        select_related=("election__body",),
        erase=KEEP(_("An election's result stays on the record")),
        repoint=Repoint(prefer=("earliest", "pk")),
        retention_category="membership",
        describe=_("Nominations in party elections"),
        timeline=NO_TIMELINE(_("Elections are on the party's record")),
    )
    register(
        "governance.BallotCast",
        person_field="person",
        export=[("election", "election")],
        select_related=("election__body",),
        # That they voted keeps the count of ballots equal to the votes counted;
        # how they voted was never recorded against them.
        erase=KEEP(_("The count of ballots must stay equal to the votes")),
        repoint=Repoint(),
        retention_category="membership",
        describe=_("That you voted in a party ballot (never how)"),
        timeline=NO_TIMELINE(_("A secret ballot: only that they voted")),
    )
