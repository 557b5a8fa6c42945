"""Offices and the admin rights they carry.

Each office role is a permission group ("Office: Membership secretary") that the
regional organiser can inspect in the admin. Holding an office today grants that
group's permissions, for the office's constituency only (see partyhub.scoping).
Apps add the permissions their models need with `grant_to_roles()` from their
AppConfig.ready(); groups are brought up to date after every migrate.
"""

from collections.abc import Iterable

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CHAIR = "chair", _("Chair")
    SECRETARY = "secretary", _("Secretary")
    TREASURER = "treasurer", _("Treasurer")
    MEMBERSHIP_SECRETARY = "membership_secretary", _("Membership secretary")
    CAMPAIGN_COORDINATOR = "campaign_coordinator", _("Campaign co-ordinator")
    VOLUNTEER_MANAGER = "volunteer_manager", _("Volunteer manager")
    WOMENS_OFFICER = "womens_officer", _("Women's officer")
    YOUTH_OFFICER = "youth_officer", _("Youth officer")
    ETHNIC_MINORITY_OFFICER = "ethnic_minority_officer", _("Ethnic minority officer")
    TRADE_UNION_LIAISON = "trade_union_liaison", _("Trade union liaison officer")
    POLITICAL_EDUCATION = "political_education", _("Political education officer")
    SOCIAL_SECRETARY = "social_secretary", _("Social secretary")


# Every officer can read the organisation and its people, and the audit log.
_READ = [
    "members.view_constituency",
    "members.view_ward",
    "members.view_branch",
    "members.view_person",
    "members.view_membership",
    "members.view_office",
    "members.view_electedrepresentative",
    "members.view_postcode",
    "audit.view_auditentry",
]
_EDIT_PEOPLE = ["members.add_person", "members.change_person", "members.export_person"]
_EDIT_ORGANISATION = [
    "members.change_constituency",
    "members.add_ward",
    "members.change_ward",
    "members.add_branch",
    "members.change_branch",
    "members.add_office",
    "members.change_office",
    "members.add_electedrepresentative",
    "members.change_electedrepresentative",
]
_EDIT_MEMBERSHIP = [
    "members.add_membership",
    "members.change_membership",
    "members.add_postcode",
    "members.change_postcode",
]
# Communications: every officer can read what the CLP sends and to whom, and who has
# said yes or no (an officer taking a call must be able to check).
_READ_COMMS = [
    "comms.view_message",
    "comms.view_segment",
    "comms.view_consentevent",
    "comms.view_consentstate",
    "comms.view_delivery",
    "comms.view_reminder",
]
# Composing and sending mail in the CLP's name is for the officers whose job is to
# talk to members and supporters. The treasurer and the liaison/equalities officers
# ask one of these to send for them, so fewer logins can mail everybody.
_COMPOSE = [
    "comms.add_message",
    "comms.change_message",
    "comms.add_segment",
    "comms.change_segment",
]
# Recording a consent taken on the phone edits what we hold about a person.
_RECORD_CONSENT = ["comms.add_consentevent"]

ROLE_PERMISSIONS: dict[str, set[str]] = {
    role: {*_READ, *_READ_COMMS} for role in Role.values
}
for _role in (Role.CHAIR, Role.SECRETARY):
    ROLE_PERMISSIONS[_role] |= {*_EDIT_PEOPLE, *_EDIT_ORGANISATION}
ROLE_PERMISSIONS[Role.MEMBERSHIP_SECRETARY] |= {*_EDIT_PEOPLE, *_EDIT_MEMBERSHIP}
for _role in (Role.CAMPAIGN_COORDINATOR, Role.VOLUNTEER_MANAGER):
    ROLE_PERMISSIONS[_role] |= set(_EDIT_PEOPLE)
for _role in (
    Role.CHAIR,
    Role.SECRETARY,
    Role.MEMBERSHIP_SECRETARY,
    Role.CAMPAIGN_COORDINATOR,
    Role.VOLUNTEER_MANAGER,
    Role.SOCIAL_SECRETARY,
):
    ROLE_PERMISSIONS[_role] |= set(_COMPOSE)
# The supporters' club: every officer can see the club (to invite supporters to
# events, or check who offered help); the officers who talk to members and
# supporters keep the list, import it and send asks; the chair, secretary and
# social secretary (who run the social programme and its Christmas draw) open and
# make prize draws. Exporting supporters needs members.export_person, which the
# same editors hold: one export right for everyone the party knows.
_READ_SUPPORTERS = [
    "supporters.view_supporter",
    "supporters.view_helpoffer",
    "supporters.view_signuprequest",
    "supporters.view_ask",
    "supporters.view_askreply",
    "supporters.view_prizedraw",
]
_EDIT_SUPPORTERS = [
    "supporters.add_supporter",
    "supporters.change_supporter",
    "supporters.add_helpoffer",
    "supporters.change_helpoffer",
    "supporters.add_ask",
    "supporters.change_ask",
    "supporters.add_askreply",
    "supporters.change_askreply",
    "supporters.delete_askreply",
]
_RUN_DRAWS = ["supporters.add_prizedraw", "supporters.change_prizedraw"]
for _perms in ROLE_PERMISSIONS.values():
    _perms |= set(_READ_SUPPORTERS)
for _role in (
    Role.CHAIR,
    Role.SECRETARY,
    Role.MEMBERSHIP_SECRETARY,
    Role.CAMPAIGN_COORDINATOR,
    Role.VOLUNTEER_MANAGER,
):
    ROLE_PERMISSIONS[_role] |= set(_EDIT_SUPPORTERS)
for _role in (Role.CHAIR, Role.SECRETARY, Role.SOCIAL_SECRETARY):
    ROLE_PERMISSIONS[_role] |= set(_RUN_DRAWS)
# Whoever may edit people may record their consent.
for _role, _perms in ROLE_PERMISSIONS.items():
    if set(_EDIT_PEOPLE) <= _perms:
        _perms |= set(_RECORD_CONSENT)


# Requests about people's data (a copy, erasure) go to the secretary and the
# membership secretary; the chair covers. The same officers merge duplicates.
for _role in (Role.MEMBERSHIP_SECRETARY, Role.SECRETARY, Role.CHAIR):
    ROLE_PERMISSIONS[_role] |= {
        "personal_data.view_datarequest",
        "personal_data.add_datarequest",
        "personal_data.change_datarequest",
        "personal_data.view_mergerecord",
        "personal_data.add_mergerecord",
        "personal_data.view_suppression",
        "personal_data.delete_suppression",
    }


def grant_to_roles(roles: Iterable[str], permissions: Iterable[str]) -> None:
    """Let an app give office roles the permissions its models need."""
    for role in roles:
        ROLE_PERMISSIONS[role] |= set(permissions)


def group_name(role: str) -> str:
    # Group names are stored, so they are always built in English.
    with translation.override("en"):
        return f"Office: {Role(role).label}"


# Networks (issue 9): every officer can see the networks their CLP takes part in and
# the directory of community organisations; the officers who talk to members and
# the community keep them up to date and moderate.
_READ_NETWORKS = [
    "networks.view_network",
    "networks.view_networkmembership",
    "networks.view_thread",
    "networks.view_post",
    "networks.view_consultation",
    "networks.view_section",
    "networks.view_comment",
    "networks.view_communityorganisation",
]
_EDIT_NETWORKS = [
    "networks.add_network",
    "networks.change_network",
    "networks.change_networkmembership",
    "networks.change_thread",
    "networks.change_post",
    "networks.add_consultation",
    "networks.change_consultation",
    "networks.add_section",
    "networks.change_section",
    "networks.add_communityorganisation",
    "networks.change_communityorganisation",
]
grant_to_roles(Role.values, _READ_NETWORKS)
grant_to_roles(
    (
        Role.CHAIR,
        Role.SECRETARY,
        Role.CAMPAIGN_COORDINATOR,
        Role.TRADE_UNION_LIAISON,
        Role.POLITICAL_EDUCATION,
    ),
    _EDIT_NETWORKS,
)


# Campaigns (issue 8): every officer follows the campaigns, teams and petitions of
# their CLP; those who organise campaigning and volunteers run them.
_READ_CAMPAIGNS = [
    "campaigns.view_campaign",
    "campaigns.view_target",
    "campaigns.view_team",
    "campaigns.view_teammembership",
    "campaigns.view_session",
    "campaigns.view_sessionsignup",
    "campaigns.view_sessionoutput",
    "campaigns.view_petition",
]
_EDIT_CAMPAIGNS = [
    f"campaigns.{verb}_{model}"
    for verb in ("add", "change", "delete")
    for model in (
        "campaign",
        "target",
        "team",
        "teammembership",
        "session",
        "sessionsignup",
        "sessionoutput",
        "petition",
    )
]
grant_to_roles(Role.values, _READ_CAMPAIGNS)
grant_to_roles(
    (
        Role.CHAIR,
        Role.SECRETARY,
        Role.CAMPAIGN_COORDINATOR,
        Role.VOLUNTEER_MANAGER,
    ),
    _EDIT_CAMPAIGNS,
)


# Events (issue 7): every officer sees their CLP's events and their own people's
# bookings; those who organise socials, meetings and training run them.
grant_to_roles(Role.values, ["events.view_event", "events.view_booking"])
grant_to_roles(
    (
        Role.CHAIR,
        Role.SECRETARY,
        Role.SOCIAL_SECRETARY,
        Role.POLITICAL_EDUCATION,
    ),
    [
        "events.add_event",
        "events.change_event",
        "events.delete_event",
        "events.change_booking",
    ],
)


# Networks, later additions (issue 9): invitations from the register of interests
# and drafted submissions are visible to every officer; the network editors revise
# a submission's text.
grant_to_roles(
    Role.values,
    [
        "networks.view_networkinvitation",
        "networks.view_submission",
        "networks.view_submissionsection",
    ],
)
grant_to_roles(
    (
        Role.CHAIR,
        Role.SECRETARY,
        Role.CAMPAIGN_COORDINATOR,
        Role.TRADE_UNION_LIAISON,
        Role.POLITICAL_EDUCATION,
    ),
    ["networks.change_submission", "networks.change_submissionsection"],
)
# Study groups' reading lists and meetings, kept by the same network editors.
grant_to_roles(Role.values, ["networks.view_readingitem", "networks.view_studymeeting"])
grant_to_roles(
    (
        Role.CHAIR,
        Role.SECRETARY,
        Role.CAMPAIGN_COORDINATOR,
        Role.TRADE_UNION_LIAISON,
        Role.POLITICAL_EDUCATION,
    ),
    [
        f"networks.{verb}_{model}"
        for verb in ("add", "change", "delete")
        for model in ("readingitem", "studymeeting")
    ],
)
# Trade union links: every officer sees them; the liaison officer and the network
# editors keep union branch officers, activists and GC delegates.
grant_to_roles(
    Role.values,
    [
        f"networks.view_{model}"
        for model in ("unionbranchofficer", "unionactivist", "uniondelegate")
    ],
)
grant_to_roles(
    (
        Role.CHAIR,
        Role.SECRETARY,
        Role.CAMPAIGN_COORDINATOR,
        Role.TRADE_UNION_LIAISON,
        Role.POLITICAL_EDUCATION,
    ),
    [
        f"networks.{verb}_{model}"
        for verb in ("add", "change", "delete")
        for model in ("unionbranchofficer", "unionactivist", "uniondelegate")
    ],
)


# The renewal desk and mentoring (issue 6): every officer sees the desk, the contact
# log and the mentors; the officers who talk to members log contacts; the membership
# secretary (with the chair and secretary covering) keeps mentors and assigns them.
grant_to_roles(
    Role.values,
    [
        "members.view_contactlog",
        "members.view_mentor",
        "members.view_mentorship",
        "members.view_deskmembership",
    ],
)
grant_to_roles(
    (
        Role.CHAIR,
        Role.SECRETARY,
        Role.MEMBERSHIP_SECRETARY,
        Role.CAMPAIGN_COORDINATOR,
        Role.VOLUNTEER_MANAGER,
    ),
    ["members.add_contactlog"],
)
grant_to_roles(
    (Role.CHAIR, Role.SECRETARY, Role.MEMBERSHIP_SECRETARY),
    [
        "members.add_mentor",
        "members.change_mentor",
        "members.add_mentorship",
        "members.change_mentorship",
    ],
)


# Campaigns (issue 8, continued): phone banking, street watch, surveys and local
# case studies follow the same split as the campaigns above.
_CAMPAIGNS_MORE = (
    "calllist",
    "calllistentry",
    "streetreport",
    "survey",
    "question",
    "response",
    "answer",
    "casestudy",
)
grant_to_roles(Role.values, [f"campaigns.view_{m}" for m in _CAMPAIGNS_MORE])
grant_to_roles(
    (
        Role.CHAIR,
        Role.SECRETARY,
        Role.CAMPAIGN_COORDINATOR,
        Role.VOLUNTEER_MANAGER,
    ),
    [
        f"campaigns.{verb}_{m}"
        for verb in ("add", "change", "delete")
        for m in _CAMPAIGNS_MORE
    ],
)


# The national list import (issue 6): the membership secretary keeps the list true
# to the national register; the chair and secretary can stand in.
grant_to_roles(
    (Role.MEMBERSHIP_SECRETARY, Role.CHAIR, Role.SECRETARY),
    ["members.import_members", "members.view_importrun"],
)
# ... and so can they upload the postcode-to-ward lookup after a boundary change.
grant_to_roles(
    (Role.CHAIR, Role.SECRETARY), ["members.add_postcode", "members.change_postcode"]
)


# Mailings to community organisations (issue 9): every officer reads them; the
# chair, secretary, campaign co-ordinator and union liaison officer write and send.
grant_to_roles(
    Role.values,
    ["networks.view_organisationmailing", "networks.view_organisationmailingrecipient"],
)
grant_to_roles(
    (
        Role.CHAIR,
        Role.SECRETARY,
        Role.CAMPAIGN_COORDINATOR,
        Role.TRADE_UNION_LIAISON,
    ),
    ["networks.add_organisationmailing", "networks.change_organisationmailing"],
)
