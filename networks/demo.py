"""Networks in the demo: a policy network across both constituencies with
discussion threads and an open consultation with comments, and a request to join
waiting for its co-ordinator. Called by `manage.py seed_demo`; idempotent."""

from __future__ import annotations

import datetime

from members.demo.helpers import members_of
from networks.models import (
    Comment,
    CommunityOrganisation,
    Consultation,
    Network,
    NetworkInvitation,
    NetworkMembership,
    OrganisationMailing,
    Post,
    Section,
    Submission,
    Thread,
    UnionActivist,
    UnionDelegate,
)

ORGANISATIONS = (
    ("Tenants' association", CommunityOrganisation.Kind.RESIDENTS, True),
    ("St Mary's church", CommunityOrganisation.Kind.FAITH, False),
    ("UNISON health branch", CommunityOrganisation.Kind.UNION_BRANCH, True),
)

THREADS = (
    ("Waiting times at the walk-in centre", (
        "Has anyone else waited four hours at the walk-in centre this month?",
        "Yes: Tuesday evening. The staff were brilliant but there were two of them.",
        "Let's raise it at the all-member meeting and ask our MP to visit.",
    )),
    ("GP surgery opening hours", (
        "Our surgery is consulting on Saturday mornings. Shall we respond together?",
        "Good idea: shift workers need it most.",
    )),
)  # fmt: skip


def seed_demo_app(*, constituencies: list, today: datetime.date) -> None:
    if len(constituencies) < 2:
        return
    network, created = Network.objects.get_or_create(
        name="Health and care network",
        defaults={
            "topic": "Health",
            "description": "Members who work in or care about local health "
            "services, across both constituencies.",
            "open_to": Network.OpenTo.MEMBERS_AND_SUPPORTERS,
            "joining": Network.Joining.APPROVAL,
        },
    )
    network.constituencies.set(constituencies)
    people: list = []
    for constituency in constituencies:
        members = members_of(constituency)[12:20]
        if not members:
            continue
        network.coordinators.add(members[0])
        for person in members[:-1]:
            NetworkMembership.objects.get_or_create(
                network=network,
                person=person,
                defaults={"status": NetworkMembership.Status.ACTIVE},
            )
        NetworkMembership.objects.get_or_create(
            network=network,
            person=members[-1],
            defaults={"status": NetworkMembership.Status.PENDING},
        )
        people += members[:-1]
    if not people:
        return
    _consultation_seed(network, people, today)
    for title, posts in THREADS:
        thread, made = Thread.objects.get_or_create(
            network=network, title=title, defaults={"author": people[0]}
        )
        if made:
            for n, body in enumerate(posts):
                Post.objects.create(
                    thread=thread, author=people[(n * 3) % len(people)], body=body
                )
    Submission.objects.get_or_create(
        consultation=_consultation(network, today),
        defaults={
            "introduction": "The network's members work in and use local health "
            "services; this is what they told us.",
            "status": Submission.Status.DRAFT,
        },
    )
    for constituency in constituencies:
        _community(constituency, network, today)


def _community(constituency, network, today) -> None:
    """The community directory, union links and a mailing to organisations."""
    people = members_of(constituency)
    if len(people) < 30:
        return
    for name, kind, consent in ORGANISATIONS:
        organisation, _ = CommunityOrganisation.objects.get_or_create(
            constituency=constituency,
            name=f"{constituency.name} {name}",
            defaults={
                "kind": kind,
                "contact_name": "Pat Jones",
                "contact_email": f"contact.{kind}@{constituency.slug}.example.org",
                "consent_to_mail": consent,
                "consent_wording": "Agreed at our meeting to hear from the party."
                if consent
                else "",
                "relationship_notes": "Met at the Big Conversation last year.",
                "last_contact": today - datetime.timedelta(days=40),
                "union": "UNISON" if kind == "union_branch" else "",
            },
        )
        if kind == CommunityOrganisation.Kind.UNION_BRANCH:
            UnionActivist.objects.get_or_create(
                person=people[25],
                branch=organisation,
                defaults={"union": "UNISON", "role": "Shop steward"},
            )
            UnionDelegate.objects.get_or_create(
                branch=organisation,
                person=people[26],
                defaults={"starts": today - datetime.timedelta(days=200)},
            )
    OrganisationMailing.objects.get_or_create(
        constituency=constituency,
        subject="Join our Big Conversation on safer streets",
        defaults={
            "body": "We would like to hear from your members at our Big "
            "Conversation. Everyone is welcome.",
            "kinds": [],
        },
    )
    for person in people[28:30]:
        NetworkInvitation.objects.get_or_create(
            network=network, person=person, defaults={"invited_by": people[12]}
        )


def _consultation(network, today) -> Consultation:
    return Consultation.objects.get(
        network=network, title="Integrated care strategy: draft for consultation"
    )


def _consultation_seed(network, people, today) -> None:
    consultation, _ = Consultation.objects.get_or_create(
        network=network,
        title="Integrated care strategy: draft for consultation",
        defaults={
            "document": "Draft integrated care strategy (the local health board)",
            "summary": "How health and social care will work together.",
            "deadline": today + datetime.timedelta(days=21),
        },
    )
    Consultation.objects.filter(pk=consultation.pk).update(
        deadline=today + datetime.timedelta(days=21), submitted_at=None
    )
    for number, (title, comments) in enumerate(
        (
            ("Care closer to home", ("More community nurses, not fewer.",
                                     "Carers need respite, not leaflets.")),
            ("Hospital discharge", ("Discharge delays are about social care staff.",
                                    "Pay care workers properly.")),
        ),
        start=1,
    ):  # fmt: skip
        section, _ = Section.objects.get_or_create(
            consultation=consultation, number=number, defaults={"title": title}
        )
        for n, body in enumerate(comments):
            Comment.objects.get_or_create(
                section=section,
                body=body,
                defaults={"person": people[(n * 5 + number) % len(people)]},
            )
