"""What networks hold about a person (partyhub.personal_data)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from partyhub.personal_data import DELETE, KEEP, Anonymise, Repoint, register
from partyhub.personal_data.timeline import (
    NO_TIMELINE,
    gettext,
    m2m_ids,
    register_roles,
    timeline_of,
)

REMOVED = "[removed at the author's request]"


def _branch_officers(person: Any):
    from networks.models import UnionBranchOfficer

    if not person.email:
        return UnionBranchOfficer.objects.none()
    return UnionBranchOfficer.objects.filter(email__iexact=person.email)


def _organisations(person: Any):
    from networks.models import CommunityOrganisation

    qs = CommunityOrganisation.objects.filter(owner=person)
    if person.email:
        qs = qs | CommunityOrganisation.objects.filter(
            contact_email__iexact=person.email
        )
    return qs


def _organisations_erase(qs, person: Any) -> int:
    n = qs.filter(owner=person).update(owner=None)
    if person.email:
        n += qs.filter(contact_email__iexact=person.email).update(
            contact_name="", contact_email="", contact_phone=""
        )
    return n


def _roles_rows(person: Any) -> list[Any]:
    """The rows "roles now" reads: networks belonged to, networks co-ordinated."""
    from networks.models import Network, NetworkMembership

    return [
        NetworkMembership.objects.filter(
            person=person, status=NetworkMembership.Status.ACTIVE
        ),
        Network.objects.filter(coordinators=person),
    ]


def _roles_now(person: Any) -> list[tuple[Any, list[str]]]:
    memberships, coordinated = _roles_rows(person)
    networks = [m.network.name for m in memberships.select_related("network")]
    coordinates = [n.name for n in coordinated]
    return [(gettext("Networks"), networks), (gettext("Co-ordinator of"), coordinates)]


def register_all() -> None:
    register(
        "networks.NetworkMembership",
        person_field="person",
        export=[("network", "network.name"), "status", "joined"],
        section="network_memberships",
        select_related=("network",),
        erase=DELETE,
        repoint=Repoint(prefer=("earliest", "joined")),
        retention_category="networks",
        describe=_("Policy networks"),
        timeline=timeline_of(
            "networks.NetworkMembership",
            kind="networks",
            moments=lambda m: [
                (m.joined, gettext("Joined the %s network") % m.network.name)
            ],
            constituencies=m2m_ids("network.constituencies"),
            select_related=("network",),
            prefetch=("network__constituencies",),
        ),
    )
    register(
        "networks.Network",
        m2m_fields=("coordinators",),
        export=["name"],
        section="networks_coordinated",
        erase=KEEP(_("The network stays; the person is removed as coordinator")),
        retention_category="networks",
        describe=_("Networks the person coordinates"),
        timeline=NO_TIMELINE(_("Co-ordinators keep no date; the summary shows them")),
    )
    register(
        "networks.NetworkCoordinator",
        person_field="person",
        user_fields=("appointed_by",),
        export=[("network", "network.name"), ("appointed_for", "appointed_for.name")],
        section="network_coordinator_appointments",
        select_related=("network", "appointed_for"),
        erase=DELETE,
        repoint=Repoint(prefer=("earliest", "id")),
        retention_category="networks",
        describe=_("Appointments as a network co-ordinator"),
        timeline=NO_TIMELINE(_("No date is kept; the summary shows co-ordinators")),
    )
    register(
        "networks.Thread",
        person_field="author",
        export=["title", "created"],
        section="network_threads",
        erase=Anonymise({"author": None}),
        retention_category="networks",
        describe=_("Discussion threads started"),
        timeline=timeline_of(
            "networks.Thread",
            kind="networks",
            moments=lambda t: [
                (
                    t.created,
                    gettext("Started “%(title)s” in %(network)s")
                    % {"title": t.title, "network": t.network.name},
                )
            ],
            constituencies=m2m_ids("network.constituencies"),
            select_related=("network",),
            prefetch=("network__constituencies",),
        ),
    )
    register(
        "networks.Post",
        person_field="author",
        export=[("thread", "thread.title"), "body", "created", "edited"],
        section="network_posts",
        select_related=("thread",),
        erase=Anonymise({"author": None, "body": REMOVED}),
        retention_category="networks",
        describe=_("Posts in network discussions"),
        timeline=timeline_of(
            "networks.Post",
            kind="networks",
            moments=lambda p: [
                (
                    p.created,
                    gettext("Posted in “%(title)s” (%(network)s)")
                    % {"title": p.thread.title, "network": p.thread.network.name},
                )
            ],
            constituencies=m2m_ids("thread.network.constituencies"),
            select_related=("thread__network",),
            prefetch=("thread__network__constituencies",),
        ),
    )
    register(
        "networks.Comment",
        person_field="person",
        export=[
            ("consultation", "section.consultation.title"),
            ("section", "section.title"),
            "body",
            "created",
        ],
        section="consultation_comments",
        select_related=("section__consultation",),
        erase=Anonymise({"person": None, "body": REMOVED}),
        retention_category="networks",
        describe=_("Comments on consultations"),
        timeline=timeline_of(
            "networks.Comment",
            kind="networks",
            moments=lambda c: [
                (
                    c.created,
                    gettext("Commented on “%s”") % c.section.consultation.title,
                )
            ],
            constituencies=m2m_ids("section.consultation.network.constituencies"),
            select_related=("section__consultation__network",),
            prefetch=("section__consultation__network__constituencies",),
        ),
    )
    register(
        "networks.Submission",
        person_field="drafted_by",
        export=[("consultation", "consultation.title"), "status"],
        section="submissions_drafted",
        erase=Anonymise({"drafted_by": None}),
        retention_category="networks",
        describe=_("Consultation submissions drafted"),
        timeline=timeline_of(
            "networks.Submission",
            kind="networks",
            moments=lambda s: [
                (
                    s.submitted_on,
                    gettext("Submission sent: “%s”") % s.consultation.title,
                )
            ],
            constituencies=m2m_ids("consultation.network.constituencies"),
            select_related=("consultation__network",),
            prefetch=("consultation__network__constituencies",),
        ),
    )
    register(
        "networks.NetworkInvitation",
        person_fields=("person", "invited_by"),
        export=[("network", "network.name"), "created"],
        section="network_invitations",
        select_related=("network",),
        erase=DELETE,
        repoint=Repoint(prefer=("earliest", "created")),
        retention_category="networks",
        describe=_("Invitations to networks"),
        timeline=timeline_of(
            "networks.NetworkInvitation",
            kind="networks",
            moments=lambda i: [
                (i.created, gettext("Invited to the %s network") % i.network.name)
            ],
            constituencies=m2m_ids("network.constituencies"),
            select_related=("network",),
            prefetch=("network__constituencies",),
        ),
    )
    # Union membership is special category data: a person sees what we record.
    register(
        "networks.UnionActivist",
        person_field="person",
        export=["union", "role", ("branch", "branch.name"), ("officers_notes", "notes")],
        section="union_roles",
        select_related=("branch",),
        erase=DELETE,
        retention_category="unions",
        describe=_("Trade union roles (special category data)"),
        timeline=NO_TIMELINE(_("No date is kept (special category data)")),
    )  # fmt: skip
    register(
        "networks.UnionDelegate",
        person_field="person",
        export=[("branch", "branch.name"), "starts", "ends"],
        section="union_delegations",
        select_related=("branch",),
        erase=DELETE,
        retention_category="unions",
        describe=_("Union delegations"),
        timeline=timeline_of(
            "networks.UnionDelegate",
            kind="roles",
            moments=lambda d: [
                (d.starts, gettext("Delegate to %s") % d.branch.name),
                (d.ends, gettext("No longer a delegate to %s") % d.branch.name),
            ],
            constituencies="branch.constituency_id",
            select_related=("branch",),
        ),
    )
    register(
        "networks.UnionBranchOfficer",
        rows=_branch_officers,
        export=["name", "role", "email", "phone"],
        section="union_branch_contacts",
        erase=DELETE,
        retention_category="unions",
        describe=_("Contacts at union branches"),
        timeline=NO_TIMELINE(_("A contact's details, not a dated activity")),
    )
    register(
        "networks.CommunityOrganisation",
        person_field="owner",
        rows=_organisations,
        export=["name", "contact_name", "contact_email", "contact_phone"],
        section="community_organisations",
        erase=_organisations_erase,
        retention_category="networks",
        describe=_("Community organisations looked after, or whose contact is you"),
        timeline=NO_TIMELINE(_("An organisation looked after, not a dated activity")),
    )
    # A contact of a community organisation sees the mailings sent to them.
    register(
        "networks.OrganisationMailingRecipient",
        person_field="person",
        export=[
            ("organisation", "organisation.name"),
            ("mailing", "mailing.subject"),
            "status",
            ("sent", "mailing.sent_at"),
        ],
        section="organisation_mailings",
        select_related=("organisation", "mailing"),
        erase=Anonymise({"person": None}),
        retention_category="networks",
        describe=_("Mailings to organisations the person is the contact of"),
        timeline=timeline_of(
            "networks.OrganisationMailingRecipient",
            kind="messages",
            moments=lambda r: [
                (r.mailing.sent_at, gettext("Received “%s”") % r.mailing.subject)
            ],
            constituencies="mailing.constituency_id",
            select_related=("mailing",),
        ),
    )
    register(
        "networks.OrganisationMailing",
        user_fields=("created_by", "sent_by"),
        erase=KEEP(_("Who sent it; the login itself is closed and anonymised")),
        retention_category="officers_work",
        describe=_("Mailings an officer sent"),
        timeline=NO_TIMELINE(_("An officer's work, not the person's history")),
    )
    register_roles(_roles_now, order=30, rows=_roles_rows)
