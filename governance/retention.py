"""Governance in the privacy notice: why meetings and ballots are recorded."""

from django.utils.translation import gettext_lazy as _

from partyhub.dataprotection.notice import register_purpose
from partyhub.dataprotection.retention import register_activity

register_activity("governance.Attendance", date_field="at")

register_purpose(
    "governance",
    title=_("Meetings and elections"),
    why=_(
        "Notices of meetings you may attend, motions you move or second, "
        "attendance and quorum, minutes, delegates and party elections."
    ),
    data=_(
        "Name, contact details, attendance, motions, nominations, and that you "
        "voted in a ballot (never how)"
    ),
    people=_("Members"),
    basis=_("Legitimate interests in running the party's democracy (art. 6(1)(f))"),
    special=_("Political opinions of members: art. 9(2)(d)"),
    models=(
        "governance.Motion",
        "governance.Attendance",
        "governance.Nomination",
        "governance.BallotCast",
    ),
    kept=_("For as long as the party keeps the minutes of its meetings"),
    order=45,
)
