"""What the members app holds about a person, in the register of personal data
(`partyhub.personal_data`). Registered from MembersConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partyhub.personal_data import DELETE, KEEP, STAYS, Anonymise, Repoint, register
from partyhub.personal_data.core import AUDIT_ORDER, PERSON_ORDER, who
from partyhub.personal_data.timeline import (
    NO_TIMELINE,
    gettext,
    label_of,
    register_roles,
    timeline_of,
)


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


def _membership_moments(m: Any):
    yield m.joined, gettext("Joined the party"), _constituency_name(m)
    if m.rejoined_on:
        yield m.rejoined_on, gettext("Rejoined the party"), _constituency_name(m)
    if m.status_since and m.status != m.Status.CURRENT:
        changes = {
            m.Status.ARREARS: gettext("Fell into arrears"),
            m.Status.LAPSED: gettext("Membership lapsed"),
            m.Status.RESIGNED: gettext("Resigned from the party"),
        }
        yield m.status_since, changes.get(m.status, label_of(m, "status"))


def _constituency_name(obj: Any) -> str:
    return obj.constituency.name if obj.constituency_id else ""


def _span(start_title: Any, end_title: Any, name: Any):
    def moments(obj: Any):
        what = name(obj)
        yield obj.starts, start_title % {"what": what}
        if getattr(obj, "ends", None):
            yield obj.ends, end_title % {"what": what}

    return moments


def _contact_moments(log: Any):
    by = ""
    if log.by_user_id:
        by = log.by_user.get_full_name() or log.by_user.email
    elif log.by_person_id:
        by = str(log.by_person)
    title = gettext("%(how)s: %(outcome)s") % {
        "how": label_of(log, "how"),
        "outcome": label_of(log, "outcome"),
    }
    detail = " — ".join(
        part for part in (by and gettext("by %s") % by, log.note) if part
    )
    yield log.at, title, detail, "contact"


def _mentorship_moments(m: Any):
    mentor = str(m.mentor.person) if m.mentor_id else ""
    if m.assigned_at:
        yield m.assigned_at, gettext("Mentor assigned: %s") % mentor
    if m.first_contact_at:
        yield m.first_contact_at, gettext("Mentor made first contact"), mentor


def _roles_rows(person: Any) -> list[Any]:
    """The rows "roles now" reads (offices, forum offices, forums, mentoring)."""
    from django.db.models import Q

    from members.models import ForumMembership, ForumOfficer, Mentorship, Office

    return [
        Office.objects.current().filter(person=person),
        ForumOfficer.objects.current().filter(person=person),
        ForumMembership.objects.filter(person=person),
        Mentorship.objects.filter(
            Q(mentee=person) | Q(mentor__person=person),
            status=Mentorship.Status.ACTIVE,
        ),
    ]


def _roles_now(person: Any) -> list[tuple[Any, list[str]]]:
    office_rows, forum_officer_rows, forum_rows, mentorship_rows = _roles_rows(person)
    offices = [
        f"{label_of(o, 'role')}, {o.constituency.name}"
        for o in office_rows.select_related("constituency")
    ]
    offices += [
        f"{label_of(o, 'role')}, {o.forum.name}"
        for o in forum_officer_rows.select_related("forum")
    ]
    forums = [f.forum.name for f in forum_rows.select_related("forum")]
    mentoring = []
    for m in mentorship_rows.select_related("mentee", "mentor__person"):
        if m.mentee_id == person.pk:
            mentoring.append(
                gettext("Mentored by %s") % (m.mentor.person if m.mentor_id else "—")
            )
        else:
            mentoring.append(gettext("Mentor to %s") % m.mentee)
    return [
        (gettext("Offices"), offices),
        (gettext("Forums"), forums),
        (gettext("Mentoring"), mentoring),
    ]


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
        timeline=timeline_of(
            "members.Person",
            kind="membership",
            moments=lambda p: [(p.created, gettext("Record created"))],
        ),
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
        timeline=timeline_of(
            "members.Membership",
            kind="membership",
            moments=_membership_moments,
            select_related=("constituency",),
        ),
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
        timeline=timeline_of(
            "members.Office",
            kind="roles",
            moments=_span(
                _("Became %(what)s"),
                _("Stood down as %(what)s"),
                lambda o: label_of(o, "role"),
            ),
        ),
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
        timeline=timeline_of(
            "members.ElectedRepresentative",
            kind="roles",
            moments=_span(
                _("Elected: %(what)s"),
                _("No longer %(what)s"),
                lambda o: label_of(o, "role"),
            ),
        ),
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
        timeline=timeline_of(
            "members.Candidate",
            kind="roles",
            moments=lambda c: [
                (c.created, gettext("Candidate: %s") % label_of(c, "office_sought"))
            ],
            constituencies="constituency_id",
            officers_only=True,
        ),
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
        timeline=timeline_of(
            "members.ShadowingPlacement",
            kind="roles",
            moments=_span(
                _("Shadowing placement with %(what)s began"),
                _("Shadowing placement with %(what)s ended"),
                lambda s: label_of(s.representative, "role"),
            ),
            select_related=("representative",),
        ),
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
        timeline=timeline_of(
            "members.ContactLog",
            kind="contacts",
            moments=_contact_moments,
            select_related=("by_user", "by_person"),
            officers_only=True,
            newest="at",
            only=("at", "how", "outcome", "note", "by_user__first_name", "by_user__last_name", "by_user__email", "by_person__first_name", "by_person__last_name"),
        ),
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
        timeline=timeline_of(
            "members.Mentor",
            kind="mentoring",
            moments=lambda m: [(m.created, gettext("Volunteered as a mentor"))],
        ),
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
        timeline=timeline_of(
            "members.Mentorship",
            kind="mentoring",
            moments=_mentorship_moments,
            select_related=("mentor__person",),
        ),
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
        timeline=timeline_of(
            "members.ForumMembership",
            kind="networks",
            moments=lambda f: [(f.joined, gettext("Joined the %s") % f.forum.name)],
            select_related=("forum",),
        ),
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
        timeline=timeline_of(
            "members.ForumOfficer",
            kind="roles",
            moments=_span(
                _("Became %(what)s"),
                _("Stood down as %(what)s"),
                lambda o: f"{label_of(o, 'role')}, {o.forum.name}",
            ),
            select_related=("forum",),
        ),
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
        timeline=timeline_of(
            "members.ForumInvitation",
            kind="networks",
            moments=lambda i: [
                (i.created, gettext("Invited to the %s") % i.forum.name),
                (
                    i.accepted,
                    gettext("Accepted the invitation to the %s") % i.forum.name,
                ),
            ],
            select_related=("forum",),
        ),
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
        timeline=timeline_of(
            "members.Transfer",
            kind="membership",
            moments=lambda t: [
                (
                    t.requested,
                    gettext("Move asked for: %(from)s to %(to)s")
                    % {"from": t.from_constituency, "to": t.to_constituency},
                ),
                (t.decided, gettext("Move %s") % label_of(t, "status").lower()),
            ],
            select_related=("from_constituency", "to_constituency"),
        ),
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
        timeline=timeline_of(
            "members.PersonInterest",
            kind="other",
            moments=lambda i: [
                (i.created, gettext("Interest or skill: %s") % i.interest.name)
            ],
            select_related=("interest",),
        ),
    )
    register(
        "members.ImportRun",
        user_fields=("actor",),
        rows=_import_runs,
        erase=_import_runs_erase,
        retention_category="imports",
        describe=_("Reports of the national list's imports naming the person"),
        order=AUDIT_ORDER + 1,  # before the memberships (found by their numbers) go
        timeline=NO_TIMELINE(_("An import report: the memberships tell the story")),
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
        timeline=NO_TIMELINE(_("The national file's last values, not an event")),
    )
    register_roles(_roles_now, order=10, rows=_roles_rows)
