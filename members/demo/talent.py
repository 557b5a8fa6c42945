"""Demo interests and skills, forums and candidates (issue 6, parts 6-8).

Idempotent and deterministic like the rest of the demo: rows are found by natural
keys (person and interest, forum name, person and office sought), and people are
picked by their position in a stable order, never at random.
"""

from __future__ import annotations

import datetime

from members.models import (
    Candidate,
    Constituency,
    ElectedRepresentative,
    Forum,
    ForumMembership,
    ForumOfficer,
    Interest,
    Membership,
    Person,
    PersonInterest,
    ShadowingPlacement,
)

# (interest, its kind, detail): handed out in turn to one member in five. The
# migration seeds the list; get_or_create keeps the demo whole on a flushed database.
_ROLE, _SKILL, _LANGUAGE = (
    Interest.Kind.ROLE,
    Interest.Kind.SKILL,
    Interest.Kind.LANGUAGE,
)
DEMO_INTERESTS = [
    ("School governor", _ROLE, "Parent governor at the local primary"),
    ("Welsh", _LANGUAGE, "Fluent"),
    ("Urdu", _LANGUAGE, "Native speaker"),
    ("Union rep", _ROLE, "Workplace rep"),
    ("Tenants' and residents' association", _ROLE, "Secretary"),
    ("Design", _SKILL, "Leaflets and posters"),
    ("Social media", _SKILL, ""),
    ("Magistrate", _ROLE, ""),
    ("Punjabi", _LANGUAGE, ""),
    ("Public speaking", _SKILL, ""),
    ("Photography", _SKILL, ""),
    ("Polish", _LANGUAGE, "Conversational"),
]
SHARE = 5


def _members(people: list[Person]) -> list[Person]:
    ongoing = set(
        Membership.objects.filter(
            person__in=people,
            status__in=[Membership.Status.CURRENT, Membership.Status.ARREARS],
        ).values_list("person_id", flat=True)
    )
    ordered = sorted(people, key=lambda p: (p.last_name, p.first_name, p.postcode))
    return [p for p in ordered if p.pk in ongoing]


def seed_talent(
    *,
    constituencies: dict[str, Constituency],
    people: list[Person],
    today: datetime.date,
) -> None:
    interests = [
        Interest.objects.get_or_create(name=name, defaults={"kind": kind})[0]
        for name, kind, _detail in DEMO_INTERESTS
    ]
    members = _members(people)
    for index, person in enumerate(members[::SHARE]):
        n = index % len(DEMO_INTERESTS)
        PersonInterest.objects.get_or_create(
            person=person,
            interest=interests[n],
            defaults={"detail": DEMO_INTERESTS[n][2]},
        )

    by_clp: dict[int, list[Person]] = {}
    for person in members:
        by_clp.setdefault(person.constituency_id, []).append(person)
    logins = {p.constituency_id: p for p in people if p.email.startswith("member@")}
    agm = today - datetime.timedelta(days=200)

    european = _forum(
        "European Forum (Hodge Hill and Reading West)",
        Forum.Kind.EUROPEAN,
        list(constituencies.values()),
    )
    for number, constituency in enumerate(constituencies.values()):
        own = by_clp.get(constituency.pk, [])
        women = _forum(
            f"{constituency.name} Women's Forum", Forum.Kind.WOMEN, [constituency]
        )
        young = _forum(
            f"{constituency.name} Young Labour", Forum.Kind.YOUNG_LABOUR, [constituency]
        )
        for forum, offset in ((women, 1), (young, 4), (european, 7)):
            for person in own[offset::11]:
                ForumMembership.objects.get_or_create(forum=forum, person=person)
        login = logins.get(constituency.pk)
        if login is not None:
            # The demo member of each CLP holds a forum office: log in as them to
            # see the "My forums" page a forum officer gets.
            forum, role = ((women, "chair"), (european, "secretary"))[number % 2]
            ForumMembership.objects.get_or_create(forum=forum, person=login)
            # Appointed by their own CLP: they see its people's details only.
            ForumOfficer.objects.get_or_create(
                forum=forum,
                person=login,
                role=role,
                defaults={"starts": agm, "appointed_for": constituency},
            )
        _candidates(constituency, own, agm)


def _forum(name: str, kind: str, constituencies: list[Constituency]) -> Forum:
    forum, _created = Forum.objects.get_or_create(name=name, defaults={"kind": kind})
    forum.constituencies.add(*constituencies)
    return forum


def _candidates(
    constituency: Constituency, own: list[Person], agm: datetime.date
) -> None:
    if len(own) < 20:
        return
    councillor = (
        ElectedRepresentative.objects.filter(
            constituency=constituency, role=ElectedRepresentative.Role.WARD_COUNCILLOR
        )
        .select_related("person")
        .first()
    )
    for person, stage in (
        (own[3], Candidate.Stage.INTERESTED),
        (own[13], Candidate.Stage.SHADOWING),
    ):
        candidate, _created = Candidate.objects.get_or_create(
            person=person,
            office_sought=Candidate.Office.WARD_COUNCILLOR,
            defaults={
                "constituency": constituency,
                "ward": person.ward,
                "stage": stage,
            },
        )
        if stage == Candidate.Stage.SHADOWING and councillor is not None:
            ShadowingPlacement.objects.get_or_create(
                candidate=candidate,
                representative=councillor,
                defaults={"starts": agm + datetime.timedelta(days=60)},
            )
