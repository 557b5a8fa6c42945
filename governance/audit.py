"""Governance's audit event types, registered from GovernanceConfig.ready().

Every write of meetings, motions, minutes, elections and the settings an officer
keeps (rules, bodies, affiliates, delegates) is one of these. The office and
candidacy entries an election writes are members' (AuditAction.MEMBERS_*).
"""

from django.db import models


class GovernanceAction(models.TextChoices):
    ACTION_ADDED = "governance.action_added", "Governance: action added"
    ACTION_DONE = "governance.action_done", "Governance: action done"
    AFFILIATE_CHANGED = "governance.affiliate_changed", "Governance: affiliate changed"
    AFFILIATE_CREATED = "governance.affiliate_created", "Governance: affiliate added"
    ATTENDANCE_MARKED = "governance.attendance_marked", "Governance: attendance marked"
    ATTENDANCE_UNMARKED = (
        "governance.attendance_unmarked",
        "Governance: attendance unmarked",
    )
    BALLOT_CLOSED = "governance.ballot_closed", "Governance: ballot closed"
    BALLOT_OPENED = "governance.ballot_opened", "Governance: ballot opened"
    BODY_CHANGED = "governance.body_changed", "Governance: body changed"
    BODY_CREATED = "governance.body_created", "Governance: body added"
    COUNTS_RECORDED = "governance.counts_recorded", "Governance: counts recorded"
    DELEGATE_APPOINTED = (
        "governance.delegate_appointed",
        "Governance: delegate appointed",
    )
    DELEGATION_CHANGED = (
        "governance.delegation_changed",
        "Governance: delegation changed",
    )
    ELECTION_CREATED = "governance.election_created", "Governance: election created"
    ITEM_DECIDED = "governance.item_decided", "Governance: agenda item decided"
    MEETING_CALLED = "governance.meeting_called", "Governance: meeting called"
    MINUTES_APPROVED = "governance.minutes_approved", "Governance: minutes approved"
    MINUTES_CIRCULATED = (
        "governance.minutes_circulated",
        "Governance: minutes circulated",
    )
    MINUTES_DRAFTED = "governance.minutes_drafted", "Governance: minutes drafted"
    MINUTES_EDITED = "governance.minutes_edited", "Governance: minutes edited"
    MOTION_ACCEPTED = "governance.motion_accepted", "Governance: motion accepted"
    MOTION_RULED_OUT = (
        "governance.motion_ruled_out",
        "Governance: motion ruled out of order",
    )
    MOTION_SENT_ON = "governance.motion_sent_on", "Governance: motion sent on"
    MOTION_SUBMITTED = "governance.motion_submitted", "Governance: motion submitted"
    MOTIONS_COMPOSITED = (
        "governance.motions_composited",
        "Governance: motions composited",
    )
    NOMINATED = "governance.nominated", "Governance: nomination added"
    PAPER_ADDED = "governance.paper_added", "Governance: paper added"
    PAPER_CHANGED = "governance.paper_changed", "Governance: paper changed"
    PAPER_REMOVED = "governance.paper_removed", "Governance: paper removed"
    REPORT_ADDED = "governance.report_added", "Governance: report added"
    RESULT_DECLARED = "governance.result_declared", "Governance: result declared"
    RULES_CHANGED = "governance.rules_changed", "Governance: rules changed"
    RULES_CREATED = "governance.rules_created", "Governance: rules set"


def register() -> None:
    from partyhub.audit.actions import register_actions

    register_actions(GovernanceAction)
