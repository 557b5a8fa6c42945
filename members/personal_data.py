"""What the members app holds about a person, in the register of personal data
(`partyhub.personal_data`). Registered from MembersConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partyhub.personal_data import DELETE, KEEP, STAYS, Anonymise, Repoint, register
from partyhub.personal_data.core import AUDIT_ORDER, PERSON_ORDER, who


def person_rows(person: Any) -> list[dict[str, Any]]:
    return [
        {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "phone": person.phone,
            "mobile": person.mobile,
            "address_line_1": person.address_line_1,
            "address_line_2": person.address_line_2,
            "town": person.town,
            "postcode": person.postcode,
            "constituency": str(person.constituency or ""),
            "ward": str(person.ward or ""),
            "accessibility_needs": person.accessibility_needs,
            "availability": person.availability,
            # The law gives the person a right to what officers wrote about them.
            "officers_notes": person.notes,
            "login_email": person.user.email if person.user_id else "",
            "created": person.created,
            "updated": person.updated,
        }
    ]


ERASED_FIRST_NAME = "Erased"


def person_erase(qs: QuerySet, person: Any) -> int:
    """Blank everything that identifies the person; the row stays (as "Erased
    person") so counts of bookings and signatures stay right."""
    fields = {
        "first_name": ERASED_FIRST_NAME,
        "last_name": "person",
        "email": "",
        "phone": "",
        "mobile": "",
        "address_line_1": "",
        "address_line_2": "",
        "town": "",
        "postcode": "",
        "notes": "",
        "accessibility_needs": "",
        "availability": "",
        "academy_graduated_on": None,
        "ward": None,
        "user": None,
    }
    model = qs.model
    if any(f.name == "erased_at" for f in model._meta.concrete_fields):
        fields["erased_at"] = timezone.now()
    n = qs.update(**fields)
    for attr, value in fields.items():
        setattr(person, attr, value)
    return n


def _import_runs(person: Any) -> QuerySet:
    from members.models import ImportRun

    numbers = list(person.memberships.values_list("membership_number", flat=True))
    if not numbers:
        return ImportRun.objects.none()
    ids = [
        run.pk
        for run in ImportRun.objects.exclude(report={}).only("pk", "report")
        if _mentions(run.report, set(numbers))
    ]
    return ImportRun.objects.filter(pk__in=ids)


def _mentions(report: Any, numbers: set[str]) -> bool:
    return any(
        isinstance(item, dict) and item.get("number") in numbers
        for items in (report or {}).values()
        if isinstance(items, list)
        for item in items
    )


def _import_runs_erase(qs: QuerySet, person: Any) -> int:
    """Take the person's lines out of the import reports (a name, old values)."""
    numbers = set(person.memberships.values_list("membership_number", flat=True))
    n = 0
    for run in qs:
        run.report = {
            key: [
                item
                for item in items
                if not (isinstance(item, dict) and item.get("number") in numbers)
            ]
            if isinstance(items, list)
            else items
            for key, items in run.report.items()
        }
        run.save(update_fields=["report"])
        n += 1
    return n


def register_all() -> None:
    from members.models import MembershipImportState, Person, ShadowingPlacement

    register(
        "members.Person",
        rows=lambda person: Person._base_manager.filter(pk=person.pk),
        user_fields=("user",),
        export=person_rows,
        section="person",
        erase=person_erase,
        repoint=STAYS,  # the merge itself chooses the surviving record's fields
        retention_category="contact_details",
        describe=_("Name, contact details, address, officers' notes"),
        order=PERSON_ORDER,
    )
    register(
        "members.Membership",
        person_field="person",
        export=[
            "membership_number",
            ("constituency", "constituency.name"),
            ("branch", "branch.name"),
            "status",
            "joined",
            "trade_union",
        ],
        section="memberships",
        select_related=("constituency", "branch"),
        # An officer may keep it ("the national party holds it"), with the reason.
        erase=DELETE,
        retention_category="membership",
        describe=_("Memberships"),
    )
    register(
        "members.Office",
        person_field="person",
        export=[
            "role",
            ("constituency", "constituency.name"),
            ("branch", "branch.name"),
            "starts",
            "ends",
        ],
        section="offices",
        select_related=("constituency", "branch"),
        erase=DELETE,
        retention_category="membership",
        describe=_("Party offices held"),
    )
    register(
        "members.ElectedRepresentative",
        person_field="person",
        export=["role", ("constituency", "constituency.name"), "starts", "ends"],
        section="elected_roles",
        select_related=("constituency",),
        erase=KEEP(_("A public record of who held elected office")),
        retention_category="membership",
        describe=_("Elected roles (councillor, MP)"),
    )
    register(
        "members.Candidate",
        person_field="person",
        export=[
            "office_sought",
            ("constituency", "constituency.name"),
            "stage",
            ("officers_notes", "notes"),
            "created",
        ],
        section="candidacies",
        select_related=("constituency",),
        erase=DELETE,
        retention_category="candidates",
        describe=_("Candidacies and officers' notes on them"),
    )
    register(
        "members.ShadowingPlacement",
        person_field="with_person",  # moved by a merge
        rows=lambda person: (
            ShadowingPlacement.objects.filter(candidate__person=person)
            | ShadowingPlacement.objects.filter(with_person=person)
        ),
        export=[
            ("with", "representative.role"),
            "starts",
            "ends",
            ("officers_notes", "notes"),
        ],
        section="shadowing",
        select_related=("representative",),
        erase=lambda qs, person: (
            qs.filter(with_person=person).update(with_person=None)
            + qs.filter(candidate__person=person).update(notes="")
        ),
        retention_category="candidates",
        describe=_("Shadowing placements"),
    )
    register(
        "members.ContactLog",
        person_fields=("person", "by_person"),
        user_fields=("by_user",),
        export=["at", "how", "outcome", ("officers_note", "note"), ("by", who("by_user"))],
        section="contact_log",
        erase=DELETE,
        retention_category="call_notes",
        describe=_("The renewal desk's log of calls and notes"),
    )  # fmt: skip
    register(
        "members.Mentor",
        person_field="person",
        export=[("constituency", "constituency.name"), "capacity", "active"],
        section="mentoring_others",
        select_related=("constituency",),
        erase=DELETE,
        retention_category="membership",
        describe=_("Volunteering as a mentor"),
    )
    register(
        "members.Mentorship",
        person_field="mentee",
        export=["status", "started_at", "assigned_at", "first_contact_at"],
        section="mentorships",
        erase=DELETE,
        repoint=Repoint(prefer=("earliest", "started_at")),
        retention_category="membership",
        describe=_("Mentoring received as a new member"),
    )
    register(
        "members.ForumMembership",
        person_field="person",
        export=[("forum", "forum.name"), "joined"],
        section="forums",
        select_related=("forum",),
        erase=DELETE,
        retention_category="membership",
        describe=_("Forums"),
    )
    register(
        "members.ForumOfficer",
        person_field="person",
        export=[("forum", "forum.name"), "role", "starts", "ends"],
        user_fields=("appointed_by",),
        section="forum_offices",
        select_related=("forum",),
        erase=DELETE,
        retention_category="membership",
        describe=_("Forum offices"),
    )
    register(
        "members.ForumInvitation",
        person_fields=("person", "invited_by"),
        export=[("forum", "forum.name"), "created", "accepted"],
        section="forum_invitations",
        select_related=("forum",),
        erase=DELETE,
        repoint=Repoint(prefer=("earliest", "created")),
        retention_category="membership",
        describe=_("Invitations to join a forum"),
    )
    register(
        "members.Transfer",
        person_field="person",
        user_fields=("requested_by", "decided_by"),
        export=[
            ("from", "from_constituency.name"),
            ("to", "to_constituency.name"),
            "postcode",
            "status",
            "requested",
            "decided",
        ],
        section="transfers",
        select_related=("from_constituency", "to_constituency"),
        erase=DELETE,
        repoint=Repoint(prefer=("earliest", "requested")),
        retention_category="membership",
        describe=_("Moves between constituencies"),
    )
    register(
        "members.PersonInterest",
        person_field="person",
        export=[("interest", "interest.name"), "detail", "source", "created"],
        section="interests_and_skills",
        select_related=("interest",),
        erase=DELETE,
        repoint=Repoint(prefer=("earliest", "created")),
        retention_category="contact_details",
        describe=_("Interests and skills"),
    )
    register(
        "members.ImportRun",
        user_fields=("actor",),
        rows=_import_runs,
        erase=_import_runs_erase,
        retention_category="imports",
        describe=_("Reports of the national list's imports naming the person"),
        order=AUDIT_ORDER + 1,  # before the memberships (found by their numbers) go
    )
    register(
        "members.MembershipImportState",
        rows=lambda person: MembershipImportState.objects.filter(
            membership__person=person
        ),
        # The national file's last values for the membership: needed only while
        # the membership is; blanked if an officer keeps the membership.
        erase=Anonymise({"values": {}}),
        retention_category="imports",
        describe=_("The national list's last values for each membership"),
    )
