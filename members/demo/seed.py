"""Build the demo data: `seed_demo()`, called by `manage.py seed_demo`.

Idempotent: every row is found by its natural key (slugs, ONS codes, membership
numbers, login emails, a person's name and address) and brought back to the demo
values, so a second run creates nothing and a run after a demo session puts the
data back. Deterministic: the people come from fixed name lists and a seeded
random.Random, never from Faker, so every run and every machine gets the same
demo.
"""

from __future__ import annotations

import datetime
import importlib
import importlib.util
import random
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from members.demo.comms import seed_comms
from members.demo.data import (
    CONSTITUENCIES,
    DEMO_PASSWORD,
    EMAIL_DOMAINS,
    NAME_GROUPS,
    ORGANISER_EMAIL,
    TRADE_UNIONS,
    ConstituencySpec,
    WardSpec,
)
from members.demo.history import seed_history
from members.demo.postcodes import POSTCODE_FILE, ward_postcodes
from members.demo.talent import seed_talent
from members.demo.transfers import seed_transfers
from members.desk.demo import seed_desk
from members.models import (
    Branch,
    Constituency,
    ElectedRepresentative,
    Membership,
    Office,
    Person,
    Postcode,
    Ward,
)
from members.roles import Role
from members.services import postcodes_load, read_text_upload
from partyhub.accounts.models import User
from partyhub.scoping import is_officer

# The demo officers' authenticator-app secret, published like the demo password:
# the admin asks officers for a two-factor code, and any authenticator app (add
# the key by hand, time-based) gives it from this. Demo data only.
DEMO_TOTP_SECRET = "DEMODEMODEMODEMODEMODEMODEMODEMO"  # noqa: S105

SEED = 2005  # the year of the report the demo follows
PEOPLE_PER_CONSTITUENCY = 180
# People whose postcode the lookup does not know: the officers' "unplaced" list.
UNPLACED_PER_CONSTITUENCY = 2
MEMBER_SHARE = 0.72
NO_EMAIL_SHARE = 0.12
UNION_SHARE = 0.35
NEW_MEMBERS_PER_CONSTITUENCY = 8  # joined in the last four weeks: welcome, mentor
STATUS_WEIGHTS = {
    Membership.Status.CURRENT: 62,
    Membership.Status.ARREARS: 12,
    Membership.Status.LAPSED: 16,
    Membership.Status.RESIGNED: 10,
}
# Days before today a member of each status joined (lapsed and resigned members
# joined long enough ago to have left).
JOINED_DAYS = {
    Membership.Status.CURRENT: (60, 15000),
    Membership.Status.ARREARS: (150, 6000),
    Membership.Status.LAPSED: (800, 14000),
    Membership.Status.RESIGNED: (500, 12000),
}
REPRESENTATIVE_SINCE = {
    "mp": datetime.date(2024, 7, 4),
    "birmingham-hodge-hill": datetime.date(2022, 5, 5),
    "reading-west": datetime.date(2024, 5, 2),
}
ORGANISER_NAME = ("Morgan", "Ellis")

PersonKey = tuple[str, str, str, str]
_PERSON_FIELDS = (
    "email",
    "phone",
    "mobile",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "constituency",
    "ward",
)


@dataclass
class MembershipSpec:
    number: str
    status: str
    joined: datetime.date
    trade_union: str = ""


@dataclass
class PersonSpec:
    first_name: str
    last_name: str
    email: str = ""
    phone: str = ""
    mobile: str = ""
    address_line_1: str = ""
    address_line_2: str = ""
    town: str = ""
    postcode: str = ""
    clp: ConstituencySpec | None = None
    placed: bool = True  # False: a postcode the lookup does not know
    membership: MembershipSpec | None = None

    @property
    def key(self) -> PersonKey:
        return (self.first_name, self.last_name, self.address_line_1, self.postcode)


@dataclass
class LoginSpec:
    email: str
    person: PersonKey
    name: str
    access: str
    superuser: bool = False


@dataclass
class Cast:
    people: list[PersonSpec] = field(default_factory=list)
    logins: list[LoginSpec] = field(default_factory=list)
    # (person, role, constituency slug, branch name or None)
    offices: list[tuple[PersonKey, str, str, str | None]] = field(default_factory=list)
    # (person, role, constituency slug, ward names)
    representatives: list[tuple[PersonKey, str, str, tuple[str, ...]]] = field(
        default_factory=list
    )


@dataclass
class Login:
    email: str
    name: str
    access: str


@dataclass
class DemoSummary:
    constituencies: int
    wards: int
    branches: int
    postcodes: int
    postcodes_loaded: int | None  # None: the demo lookup was already loaded
    people: int
    people_without_email: int
    people_unplaced: int
    memberships: dict[str, int]
    offices: int
    representatives: int
    logins: list[Login]
    password: str = DEMO_PASSWORD
    totp_secret: str = DEMO_TOTP_SECRET


# --- the cast, made in memory --------------------------------------------------------


def _ascii(name: str) -> str:
    name = name.replace("Ł", "L").replace("ł", "l")
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum())


class _Maker:
    """Makes the people of one constituency, deterministically."""

    def __init__(
        self,
        spec: ConstituencySpec,
        postcodes: dict[str, list[str]],
        all_postcodes: set[str],
        today: datetime.date,
        *,
        stream: str = "people",
        alongside: _Maker | None = None,
    ) -> None:
        self.spec = spec
        self.postcodes = postcodes
        self.all_postcodes = all_postcodes
        self.today = today
        # One random stream per purpose: adding an officer to data.py does not
        # reshuffle the few hundred people made after it.
        self.rng = random.Random(f"{SEED}:{spec.slug}:{stream}")  # noqa: S311
        # Makers of the same constituency share addresses and emails: one email
        # makes at most one person per CLP.
        self.keys: set[PersonKey] = alongside.keys if alongside else set()
        self.emails: set[str] = alongside.emails if alongside else set()
        self.numbers = 0
        self.groups = list(spec.name_mix)
        self.weights = [spec.name_mix[g] for g in self.groups]

    def ward(self, name: str) -> WardSpec:
        return next(w for w in self.spec.wards if w.name == name)

    def name(self) -> tuple[str, str]:
        (group,) = self.rng.choices(self.groups, self.weights)
        first_names, last_names = NAME_GROUPS[group]
        return self.rng.choice(first_names), self.rng.choice(last_names)

    def email(self, first: str, last: str) -> str:
        local = f"{_ascii(first)}.{_ascii(last)}"
        while True:
            email = f"{local}@{self.rng.choice(EMAIL_DOMAINS)}"
            if email not in self.emails:
                self.emails.add(email)
                return email
            local = f"{_ascii(first)}.{_ascii(last)}{self.rng.randint(2, 99)}"

    def person(
        self,
        first: str,
        last: str,
        ward: WardSpec,
        *,
        email: str | None = None,
        placed: bool = True,
    ) -> PersonSpec:
        rng = self.rng
        while True:
            street = rng.choice(ward.streets)
            line_1 = f"{rng.randint(1, 240)} {street}"
            if placed:
                postcode = rng.choice(self.postcodes[ward.ons_code])
            else:
                # A real-looking postcode of the ward's sector that the lookup
                # does not have (a new build, a typo the officer should check).
                postcode = (
                    f"{rng.choice(ward.sectors)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
                    f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
                )
                if postcode in self.all_postcodes:
                    continue
            key = (first, last, line_1, postcode)
            if key not in self.keys:
                self.keys.add(key)
                break
        if email is None:
            email = "" if rng.random() < NO_EMAIL_SHARE else self.email(first, last)
        else:
            self.emails.add(email)
        return PersonSpec(
            first_name=first,
            last_name=last,
            email=email,
            phone=(
                f"{self.spec.landline_prefix}{rng.randrange(1000):03d}"
                if rng.random() < 0.25
                else ""
            ),
            mobile=f"07700 900{rng.randrange(1000):03d}" if rng.random() < 0.7 else "",
            address_line_1=line_1,
            address_line_2=rng.choice(ward.localities) if rng.random() < 0.5 else "",
            town=self.spec.town,
            postcode=postcode,
            clp=self.spec,
            placed=placed,
        )

    def membership(
        self, status: str | None = None, *, new: bool = False, cast: bool = False
    ) -> MembershipSpec:
        rng = self.rng
        if status is None:
            (status,) = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))
        if new:
            days = rng.randint(3, 27)
        elif cast:
            days = rng.randint(2000, 12000)
        else:
            days = rng.randint(*JOINED_DAYS[status])
        self.numbers += 1
        # Numbers in a range of their own per constituency, the cast in another.
        number = (
            f"L{self.spec.membership_prefix}9{self.numbers:04d}"
            if cast
            else f"L{self.spec.membership_prefix}{self.numbers:05d}"
        )
        return MembershipSpec(
            number=number,
            status=status,
            joined=self.today - datetime.timedelta(days=days),
            trade_union=rng.choice(TRADE_UNIONS) if rng.random() < UNION_SHARE else "",
        )


def _make_cast(today: datetime.date) -> Cast:
    postcodes = ward_postcodes()
    all_postcodes = {pc for pcs in postcodes.values() for pc in pcs}
    cast = Cast()
    organiser = PersonSpec(
        first_name=ORGANISER_NAME[0], last_name=ORGANISER_NAME[1], email=ORGANISER_EMAIL
    )
    cast.people.append(organiser)
    cast.logins.append(
        LoginSpec(
            ORGANISER_EMAIL,
            organiser.key,
            " ".join(ORGANISER_NAME),
            "Regional organiser (superuser): every constituency",
            superuser=True,
        )
    )
    for spec in CONSTITUENCIES:
        maker = _Maker(spec, postcodes, all_postcodes, today)
        cast_maker = _Maker(
            spec, postcodes, all_postcodes, today, stream="cast", alongside=maker
        )

        for officer in spec.officers:
            person = cast_maker.person(
                officer.first_name,
                officer.last_name,
                cast_maker.ward(officer.ward),
                email=officer.login,
            )
            person.membership = cast_maker.membership(
                Membership.Status.CURRENT, cast=True
            )
            cast.people.append(person)
            cast.offices.append((person.key, officer.role, spec.slug, officer.branch))
            if officer.login:
                where = officer.branch or spec.name
                cast.logins.append(
                    LoginSpec(
                        officer.login,
                        person.key,
                        f"{officer.first_name} {officer.last_name}",
                        f"{Role(officer.role).label}, {where}: admin",
                    )
                )
        for rep in spec.representatives:
            person = cast_maker.person(
                rep.first_name, rep.last_name, cast_maker.ward(rep.ward)
            )
            person.membership = cast_maker.membership(
                Membership.Status.CURRENT, cast=True
            )
            cast.people.append(person)
            cast.representatives.append((person.key, rep.role, spec.slug, rep.wards))

        first, last, ward = spec.member_login
        login = f"member@{spec.email_domain}"
        person = cast_maker.person(first, last, cast_maker.ward(ward), email=login)
        person.membership = cast_maker.membership(Membership.Status.CURRENT, cast=True)
        cast.people.append(person)
        cast.logins.append(
            LoginSpec(
                login,
                person.key,
                f"{first} {last}",
                f"Member, {spec.name}, forum officer: the member portal only",
            )
        )

        for n in range(PEOPLE_PER_CONSTITUENCY):
            first, last = maker.name()
            person = maker.person(first, last, maker.rng.choice(spec.wards))
            if n < NEW_MEMBERS_PER_CONSTITUENCY:
                person.membership = maker.membership(
                    Membership.Status.CURRENT, new=True
                )
            elif maker.rng.random() < MEMBER_SHARE:
                person.membership = maker.membership()
            cast.people.append(person)
        for _n in range(UNPLACED_PER_CONSTITUENCY):
            first, last = maker.name()
            person = maker.person(
                first, last, maker.rng.choice(spec.wards), placed=False
            )
            person.membership = maker.membership(Membership.Status.CURRENT)
            cast.people.append(person)
    return cast


# --- the database ----------------------------------------------------------------------


def _save_organisation(
    spec: ConstituencySpec,
) -> tuple[Constituency, dict[str, Ward], dict[str, Branch]]:
    constituency, _created = Constituency.objects.update_or_create(
        slug=spec.slug,
        defaults={
            "name": spec.name,
            "ons_code": spec.ons_code,
            "postal_address": spec.postal_address,
            "contact_email": f"hello@{spec.email_domain}",
            "description": spec.description,
        },
    )
    wards: dict[str, Ward] = {}
    for ward_spec in spec.wards:
        ward = (
            Ward.objects.filter(ons_code=ward_spec.ons_code).first()
            or Ward.objects.filter(
                constituency=constituency, name=ward_spec.name
            ).first()
            or Ward()
        )
        if (ward.constituency_id, ward.name, ward.ons_code) != (
            constituency.pk,
            ward_spec.name,
            ward_spec.ons_code,
        ):
            ward.constituency = constituency
            ward.name = ward_spec.name
            ward.ons_code = ward_spec.ons_code
            ward.save()
        wards[ward_spec.name] = ward
    branches: dict[str, Branch] = {}
    for name, ward_names in spec.branches:
        branch, _created = Branch.objects.get_or_create(
            constituency=constituency, name=name
        )
        branch.wards.set([wards[w] for w in ward_names])
        branches[name] = branch
    return constituency, wards, branches


def _load_postcodes(ward_codes: set[str]) -> int | None:
    """Load the demo file through the same service as an officer's upload, unless
    every row for the demo wards is already in the lookup as the file has it (so a
    second run writes no second audit entry)."""
    expected = {
        postcode: code
        for code, postcodes in ward_postcodes().items()
        if code in ward_codes
        for postcode in postcodes
    }
    current = dict(
        Postcode.objects.filter(postcode__in=list(expected)).values_list(
            "postcode", "ward__ons_code"
        )
    )
    if current == expected:
        return None
    with POSTCODE_FILE.open("rb") as raw, read_text_upload(raw) as text:
        report = postcodes_load(file=text, actor=None)
    return report.loaded


def _people_by_key(last_names: set[str]) -> dict[PersonKey, Person]:
    found: dict[PersonKey, Person] = {}
    for person in Person.objects.filter(last_name__in=last_names).order_by("pk"):
        key = (
            person.first_name,
            person.last_name,
            person.address_line_1,
            person.postcode,
        )
        found.setdefault(key, person)
    return found


def _save_people(
    specs: list[PersonSpec], constituencies: dict[str, Constituency]
) -> dict[PersonKey, Person]:
    lookup = {
        p.postcode: p
        for p in Postcode.objects.filter(
            postcode__in=[s.postcode for s in specs if s.postcode]
        )
    }
    last_names = {s.last_name for s in specs}
    existing = _people_by_key(last_names)
    now = timezone.now()
    to_create: list[Person] = []
    to_update: list[Person] = []
    for spec in specs:
        found = lookup.get(spec.postcode) if spec.placed else None
        if found is not None:
            constituency_id, ward_id = found.constituency_id, found.ward_id
        else:
            constituency_id = constituencies[spec.clp.slug].pk if spec.clp else None
            ward_id = None
        values = {
            "email": spec.email,
            "phone": spec.phone,
            "mobile": spec.mobile,
            "address_line_1": spec.address_line_1,
            "address_line_2": spec.address_line_2,
            "town": spec.town,
            "postcode": spec.postcode,
            "constituency_id": constituency_id,
            "ward_id": ward_id,
        }
        person = existing.get(spec.key)
        if person is None:
            to_create.append(
                Person(first_name=spec.first_name, last_name=spec.last_name, **values)
            )
        elif any(getattr(person, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(person, k, v)
            person.updated = now
            to_update.append(person)
    Person.objects.bulk_create(to_create, batch_size=500)
    Person.objects.bulk_update(to_update, [*_PERSON_FIELDS, "updated"], batch_size=500)
    return _people_by_key(last_names)


def _save_logins(logins: list[LoginSpec], people: dict[PersonKey, Person]) -> None:
    # One hash for every demo login: hashing is deliberately slow, and these share
    # a published password anyway.
    password = make_password(DEMO_PASSWORD)
    for login in logins:
        user = User.objects.filter(email__iexact=login.email).first() or User(
            email=login.email
        )
        first, _space, last = login.name.partition(" ")
        user.password = password
        user.first_name, user.last_name = first, last
        user.is_active = True
        user.is_superuser = user.is_staff = login.superuser
        user.save()
        # allauth's mandatory verification: a verified primary address logs in.
        EmailAddress.objects.filter(user=user).exclude(
            email__iexact=login.email
        ).update(primary=False)
        address = EmailAddress.objects.filter(
            user=user, email__iexact=login.email
        ).first() or EmailAddress(user=user, email=login.email)
        if not (address.pk and address.verified and address.primary):
            address.verified = address.primary = True
            address.save()
        person = people[login.person]
        if person.user_id != user.pk:
            Person.objects.filter(user=user).exclude(pk=person.pk).update(user=None)
            person.user = user
            person.save(update_fields=["user", "updated"])


def _save_two_factor(logins: list[LoginSpec]) -> None:
    """Officers and the organiser reach the admin only with two-factor set up."""
    for login in logins:
        user = User.objects.get(email__iexact=login.email)
        if (
            is_officer(user)
            and not Authenticator.objects.filter(
                user=user, type=Authenticator.Type.TOTP
            ).exists()
        ):
            Authenticator.objects.create(
                user=user,
                type=Authenticator.Type.TOTP,
                data={"secret": encrypt(DEMO_TOTP_SECRET)},
            )


def _save_memberships(
    specs: list[PersonSpec],
    people: dict[PersonKey, Person],
    constituencies: dict[str, Constituency],
    branch_of_ward: dict[int, Branch],
) -> None:
    members = [s for s in specs if s.membership]
    existing = {
        m.membership_number: m
        for m in Membership.objects.filter(
            membership_number__in=[s.membership.number for s in members]
        )
    }
    now = timezone.now()
    to_create: list[Membership] = []
    to_update: list[Membership] = []
    for spec in members:
        person = people[spec.key]
        branch = branch_of_ward.get(person.ward_id) if person.ward_id else None
        values = {
            "person_id": person.pk,
            "constituency_id": person.constituency_id
            or constituencies[spec.clp.slug].pk,
            "branch_id": branch.pk if branch else None,
            "status": spec.membership.status,
            "joined": spec.membership.joined,
            "trade_union": spec.membership.trade_union,
        }
        membership = existing.get(spec.membership.number)
        if membership is None:
            to_create.append(
                Membership(membership_number=spec.membership.number, **values)
            )
        elif any(getattr(membership, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(membership, k, v)
            membership.updated = now
            to_update.append(membership)
    Membership.objects.bulk_create(to_create, batch_size=500)
    Membership.objects.bulk_update(
        to_update,
        [
            "person",
            "constituency",
            "branch",
            "status",
            "joined",
            "trade_union",
            "updated",
        ],
        batch_size=500,
    )


def _save_offices(
    cast: Cast,
    people: dict[PersonKey, Person],
    constituencies: dict[str, Constituency],
    branches: dict[str, Branch],
    today: datetime.date,
) -> None:
    # Elected at the last AGM, held today: holding an office opens the admin.
    agm = today - datetime.timedelta(days=200)
    for key, role, slug, branch_name in cast.offices:
        office, _created = Office.objects.get_or_create(
            person=people[key],
            role=role,
            constituency=constituencies[slug],
            branch=branches[branch_name] if branch_name else None,
            defaults={"starts": agm},
        )
        if office.ends is not None or office.starts > today:
            office.ends = None
            office.starts = min(office.starts, agm)
            office.save()
    for key, role, slug, ward_names in cast.representatives:
        representative, _created = ElectedRepresentative.objects.get_or_create(
            person=people[key],
            role=role,
            constituency=constituencies[slug],
            defaults={
                "starts": REPRESENTATIVE_SINCE.get(role, REPRESENTATIVE_SINCE[slug])
            },
        )
        if representative.ends is not None:
            representative.ends = None
            representative.save()
        wards = Ward.objects.filter(constituency__slug=slug, name__in=ward_names)
        representative.wards.set(wards)


def _seed_apps(constituencies: list[Constituency], today: datetime.date) -> None:
    """Each app that has a `demo` module with `seed_demo_app()` fills itself in
    (events, teams, petitions, networks…), in INSTALLED_APPS order: members knows
    none of them by name."""
    for config in apps.get_app_configs():
        name = f"{config.name}.demo"
        if config.name == "members" or importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        seed = getattr(module, "seed_demo_app", None)
        if seed is not None:
            seed(constituencies=constituencies, today=today)


@transaction.atomic
def seed_demo() -> DemoSummary:
    """Build (or put back) the demo: two constituencies with their wards, branches,
    postcode lookup, a few hundred people, members in every status, officers with
    logins, elected representatives, a regional organiser and two plain members."""
    today = timezone.localdate()
    constituencies: dict[str, Constituency] = {}
    ward_codes: set[str] = set()
    branches: dict[str, Branch] = {}
    branch_of_ward: dict[int, Branch] = {}
    for spec in CONSTITUENCIES:
        constituency, wards, clp_branches = _save_organisation(spec)
        constituencies[spec.slug] = constituency
        ward_codes |= {w.ons_code for w in wards.values()}
        branches.update(clp_branches)
        for name, ward_names in spec.branches:
            for ward_name in ward_names:
                branch_of_ward[wards[ward_name].pk] = clp_branches[name]

    postcodes_loaded = _load_postcodes(ward_codes)
    cast = _make_cast(today)
    people = _save_people(cast.people, constituencies)
    _save_logins(cast.logins, people)
    _save_memberships(cast.people, people, constituencies, branch_of_ward)
    _save_offices(cast, people, constituencies, branches, today)
    _save_two_factor(cast.logins)
    seed_comms(
        constituencies=list(constituencies.values()),
        people=[people[s.key] for s in cast.people],
    )
    seed_talent(
        constituencies=constituencies,
        people=[people[s.key] for s in cast.people],
        today=today,
    )
    seed_desk(constituencies=list(constituencies.values()))
    seed_history(constituencies=list(constituencies.values()), today=today)
    _seed_apps(list(constituencies.values()), today)
    seed_transfers(constituencies=list(constituencies.values()), today=today)

    ids = [c.pk for c in constituencies.values()]
    demo_people = [people[s.key] for s in cast.people]
    statuses = Counter(
        Membership.objects.filter(constituency__in=ids).values_list("status", flat=True)
    )
    return DemoSummary(
        constituencies=len(constituencies),
        wards=Ward.objects.filter(constituency__in=ids).count(),
        branches=Branch.objects.filter(constituency__in=ids).count(),
        postcodes=Postcode.objects.filter(constituency__in=ids).count(),
        postcodes_loaded=postcodes_loaded,
        people=len(demo_people),
        people_without_email=sum(1 for p in demo_people if not p.email),
        people_unplaced=sum(1 for p in demo_people if p.postcode_unplaced),
        memberships={s: statuses.get(s, 0) for s in Membership.Status.values},
        offices=Office.objects.filter(constituency__in=ids).current().count(),
        representatives=ElectedRepresentative.objects.filter(
            constituency__in=ids
        ).count(),
        logins=[Login(x.email, x.name, x.access) for x in cast.logins],
    )
