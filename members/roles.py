"""Offices and the admin rights they carry.

Each office role is a permission group ("Office: Membership secretary") that the
regional organiser can inspect in the admin. Holding an office today grants that
group's permissions, for the office's constituency only (see partyhub.scoping).
Each app grants the permissions its own models need, in its own roles.py, with
`grant_to_roles()` called from its AppConfig.ready() (this module holds only the
roles and the members app's grants); groups are brought up to date after every
migrate, when every app is ready.
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


# role -> permissions ("app_label.codename"); filled by each app's roles.register().
ROLE_PERMISSIONS: dict[str, set[str]] = {role: set() for role in Role.values}


def grant_to_roles(roles: Iterable[str], permissions: Iterable[str]) -> None:
    """Let an app give office roles the permissions its models need."""
    for role in roles:
        ROLE_PERMISSIONS[role] |= set(permissions)


def group_name(role: str) -> str:
    # Group names are stored, so they are always built in English.
    with translation.override("en"):
        return f"Office: {Role(role).label}"


# Every officer can read the organisation and its people.
_READ = [
    "members.view_constituency",
    "members.view_ward",
    "members.view_branch",
    "members.view_person",
    "members.view_membership",
    "members.view_office",
    "members.view_electedrepresentative",
    "members.view_postcode",
]
# Who edits people (and, in partyhub.comms, records their consent: EDIT_PEOPLE_ROLES).
EDIT_PEOPLE_ROLES = (
    Role.CHAIR,
    Role.SECRETARY,
    Role.MEMBERSHIP_SECRETARY,
    Role.CAMPAIGN_COORDINATOR,
    Role.VOLUNTEER_MANAGER,
)
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
# The officers who keep the membership list: requests about people's data,
# transfers in, the national import.
MEMBERSHIP_KEEPERS = (Role.MEMBERSHIP_SECRETARY, Role.SECRETARY, Role.CHAIR)


def register() -> None:
    """The members app's grants (MembersConfig.ready())."""
    grant_to_roles(Role.values, _READ)
    grant_to_roles(EDIT_PEOPLE_ROLES, _EDIT_PEOPLE)
    grant_to_roles((Role.CHAIR, Role.SECRETARY), _EDIT_ORGANISATION)
    grant_to_roles((Role.MEMBERSHIP_SECRETARY,), _EDIT_MEMBERSHIP)
    # Transfers in from another CLP (issue 13.1): every officer sees them; the
    # officers who keep the membership list accept or decline.
    grant_to_roles(Role.values, ["members.view_transfer"])
    grant_to_roles(MEMBERSHIP_KEEPERS, ["members.change_transfer"])
    # The renewal desk and mentoring (issue 6): every officer sees the desk, the
    # contact log and the mentors; the officers who talk to members log contacts;
    # the membership secretary (with the chair and secretary covering) keeps
    # mentors and assigns them.
    grant_to_roles(
        Role.values,
        [
            "members.view_contactlog",
            "members.view_mentor",
            "members.view_mentorship",
            "members.view_deskmembership",
        ],
    )
    grant_to_roles(EDIT_PEOPLE_ROLES, ["members.add_contactlog"])
    grant_to_roles(
        (Role.CHAIR, Role.SECRETARY, Role.MEMBERSHIP_SECRETARY),
        [
            "members.add_mentor",
            "members.change_mentor",
            "members.add_mentorship",
            "members.change_mentorship",
        ],
    )
    # The national list import (issue 6): the membership secretary keeps the list
    # true to the national register; the chair and secretary can stand in, and
    # upload the postcode-to-ward lookup after a boundary change.
    grant_to_roles(
        MEMBERSHIP_KEEPERS, ["members.import_members", "members.view_importrun"]
    )
    grant_to_roles(
        (Role.CHAIR, Role.SECRETARY),
        ["members.add_postcode", "members.change_postcode"],
    )
