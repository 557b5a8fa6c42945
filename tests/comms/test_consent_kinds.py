"""Which kinds of mail go without marketing consent, and why.

The table is the decision written down: a kind that skips consent is a service
message about something the person asked for or a duty they hold. Adding a kind,
or changing whether one needs consent, means changing this table and its reason.
Nothing promotional (a thank-you asking for feedback, a digest of news, a
newsletter, an invitation) skips consent.
"""

from partyhub.comms import reminders

BOOKED = "about an event they booked"
SESSION = "about a campaign session they signed up for"
OFFICER = "to an officer about a duty of their office"
MEMBERSHIP = "about their own membership"
REQUEST = "about a data-protection request they made (or must answer)"
ORGANISATION = "an organisation's agreement to be mailed is checked when sending"

# kind: (skips consent, reason)
SKIPS_CONSENT = {
    "campaigns.session_day_before": (True, SESSION),
    "campaigns.street_report_councillor": (
        True,
        "to an elected representative about their ward",
    ),
    "campaigns.street_report_status": (True, "about a street report they made"),
    "campaigns.team_invite": (True, "about a campaign team they were put on"),
    "comms.newsletter_missing": (True, OFFICER),
    "dashboard.weekly_digest": (False, "a digest of the week's news: promotional"),
    "events.consultation_report": (
        True,
        "reports back on a consultation they took part in",
    ),
    "events.booked": (True, BOOKED),
    "events.day_before": (True, BOOKED),
    "events.event_cancelled": (True, BOOKED),
    "events.invitation": (False, "an invitation is marketing"),
    "events.on_the_day": (True, BOOKED),
    "events.org_invitation": (True, ORGANISATION),
    "events.place_freed": (True, "about a waiting-list place they asked for"),
    "events.thank_you": (False, "asks for feedback: promotional"),
    "finance_thank_you": (
        True,
        "acknowledges a donation they made (a receipt) and asks for nothing",
    ),
    "forum_invitation": (False, "an invitation is marketing"),
    "governance.action_chase": (True, "an action point they were given at a meeting"),
    "governance.draft_minutes": (True, "draft minutes of a meeting they attended"),
    "governance.meeting_notice": (
        True,
        "notice of a meeting they are entitled to attend: their right under the rules",
    ),
    "members.arrears_renewal": (True, "their subscription is overdue: " + MEMBERSHIP),
    "members.desk.keep_in_touch": (False, "keeping in touch is marketing"),
    "members.desk.renew": (False, "asks a lapsed member to rejoin: marketing"),
    "members.desk.welcome_back": (False, "asks a former member back: marketing"),
    "members.mentor_ask": (True, "to a mentor about a mentee they took on"),
    "members.mentor_nudge": (True, "to a mentor about a mentee they took on"),
    "members.secretary_nudge": (True, OFFICER),
    "members.welcome": (True, "they have just joined: " + MEMBERSHIP),
    "network_digest": (False, "a digest of a network's news"),
    "network_invitation": (False, "an invitation is marketing"),
    "network_org_mailing": (True, ORGANISATION),
    "personal_data.request_due": (True, REQUEST),
    "personal_data.request_for_officers": (True, REQUEST),
    "personal_data.request_received": (True, REQUEST),
    "supporters.prize_draw_winner": (True, "about a draw they are entered in"),
}

PROMOTIONAL = {
    "dashboard.weekly_digest",
    "events.thank_you",
    "events.invitation",
    "forum_invitation",
    "network_digest",
    "network_invitation",
    "members.desk.keep_in_touch",
    "members.desk.renew",
    "members.desk.welcome_back",
}


def test_table_of_kinds_that_skip_consent_matches_the_code():
    actual = {
        kind: not registered.requires_consent
        for kind, registered in reminders._KINDS.items()
        # Kinds other tests register for themselves are not the project's.
        if not registered.subject.__module__.startswith("tests.")
    }
    assert actual == {kind: skips for kind, (skips, _r) in SKIPS_CONSENT.items()}
    assert all(reason for _skips, reason in SKIPS_CONSENT.values())


def test_nothing_promotional_skips_consent():
    assert PROMOTIONAL <= SKIPS_CONSENT.keys()
    assert [kind for kind in PROMOTIONAL if SKIPS_CONSENT[kind][0]] == []
    assert [k for k in PROMOTIONAL if not reminders.get(k).requires_consent] == []
