"""What members' records keep, and for how long (see partyhub.dataprotection)."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partyhub.dataprotection.erasure import (
    has_personal_details,
    person_erase_for_retention,
    person_keep_name_only,
)
from partyhub.dataprotection.notice import register_purpose
from partyhub.dataprotection.retention import (
    active_since,
    register_activity,
    register_category,
    register_rule,
)

register_category(
    "membership",
    label=_("Former members' contact details"),
    default_days=6 * 365,
    counted_from=_("after their membership lapsed or they resigned"),
    then=_(
        "their details are erased; if they agreed, their name and membership record "
        "are kept so that we know they were a member"
    ),
    order=30,
)

# Kept, with the name, for a former member who agreed to stay on record.
KEEP_WITH_NAME = (
    "members.Membership",
    "members.Office",
    "dataprotection.KeepAsFormerMember",
)


def _former_members(constituency, cutoff):
    person = apps.get_model("members", "Person")
    membership = apps.get_model("members", "Membership")
    status = membership.Status
    cutoff_day = timezone.localtime(cutoff).date()
    # A membership that is current, or that ended after the cutoff (a membership
    # with no date of its last change counts from when the record last changed).
    still_counting = membership._base_manager.filter(person=OuterRef("pk")).filter(
        Q(status__in=[status.CURRENT, status.ARREARS])
        | Q(status_since__gte=cutoff_day)
        | Q(status_since__isnull=True, updated__gte=cutoff)
    )
    return (
        person._base_manager.filter(constituency=constituency)
        .filter(Exists(membership._base_manager.filter(person=OuterRef("pk"))))
        .filter(has_personal_details())
        .exclude(Exists(still_counting))
        .exclude(active_since(cutoff))
    )


def _erase_former_member(person, reason: str) -> None:
    agreement = apps.get_model("dataprotection", "KeepAsFormerMember")
    if agreement._base_manager.filter(person=person).exists():
        person_keep_name_only(person, reason, kept=KEEP_WITH_NAME)
    else:
        person_erase_for_retention(person, reason)


def _contact_notes(constituency, cutoff):
    log = apps.get_model("members", "ContactLog")
    return log._base_manager.filter(
        person__constituency=constituency, at__lt=cutoff
    ).exclude(note="")


def _blank_contact_note(row, reason: str) -> None:
    row.note = ""
    row.save(update_fields=["note"])


register_rule(
    "membership",
    "members.Person",
    candidates=_former_members,
    apply=_erase_former_member,
)
register_rule(
    "call_notes",
    "members.ContactLog",
    candidates=_contact_notes,
    apply=_blank_contact_note,
)
register_activity("members.ContactLog", date_field="at")
register_activity("members.Membership", date_field="joined")
register_activity("members.Membership", date_field="rejoined_on")


register_purpose(
    "membership",
    title=_("Membership of the local party"),
    why=_(
        "To run the local party with its members: renewals and welcomes, meetings "
        "and elections, mentoring, offices, the candidates' pipeline, and keeping in "
        "touch with former members."
    ),
    data=_(
        "Name, contact details, address and ward, membership number and status, "
        "branch, trade union, offices held, interests and skills, notes of contact, "
        "accessibility needs you tell us"
    ),
    people=_("Members and former members"),
    basis=_("Legitimate interests of a membership organisation (art. 6(1)(f))"),
    special=_(
        "Political opinions of members and former members: art. 9(2)(d), a "
        "not-for-profit body with a political aim; accessibility needs: your "
        "explicit consent (art. 9(2)(a))"
    ),
    models=(
        "members.Person",
        "members.Membership",
        "members.ContactLog",
        "members.Office",
    ),
    retention=("membership", "call_notes"),
    kept=_("While you are a member"),
    order=10,
)
