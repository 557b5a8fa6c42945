"""Factories for the fixed cast of every access test."""

import base64
import datetime
import hashlib
import hmac
import struct
import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.utils import timezone

from members.models import (
    Branch,
    Constituency,
    Membership,
    Office,
    Person,
    Ward,
)
from partyhub.accounts.models import User

PASSWORD = "correct-horse-battery-staple"
# The authenticator-app secret of every factory officer (base32, RFC 6238).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = TOTP_SECRET, at: float | None = None) -> str:
    """The 6-digit code an authenticator app shows now (RFC 6238, SHA-1, 30 s)."""
    counter = int((time.time() if at is None else at) // 30)
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def give_totp(user: User, secret: str = TOTP_SECRET) -> Authenticator:
    """Set up an authenticator app for `user`, as allauth's activation does."""
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(secret)}
    )


class ConstituencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Constituency
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Constituency {n}")
    slug = factory.Sequence(lambda n: f"constituency-{n}")
    ons_code = factory.Sequence(lambda n: f"E14{n:06d}")
    postal_address = "1 High Street, Anytown"


class WardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ward

    constituency = factory.SubFactory(ConstituencyFactory)
    name = factory.Sequence(lambda n: f"Ward {n}")
    ons_code = factory.Sequence(lambda n: f"E05{n:06d}")


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch

    constituency = factory.SubFactory(ConstituencyFactory)
    name = factory.Sequence(lambda n: f"Branch {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.create(
                user=obj, email=obj.email, verified=True, primary=True
            )

    @factory.post_generation
    def totp(obj, create, extracted, **kwargs):
        # Regional organisers reach the admin only with two-factor set up, as
        # officers do; UserFactory(is_superuser=True, totp=False) leaves it out.
        if create and (extracted if extracted is not None else obj.is_superuser):
            give_totp(obj)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    constituency = factory.SubFactory(ConstituencyFactory)
    ward = factory.LazyAttribute(
        lambda o: WardFactory(constituency=o.constituency) if o.constituency else None
    )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    membership_number = factory.Sequence(lambda n: f"L{n:07d}")
    constituency = factory.LazyAttribute(lambda o: o.person.constituency)
    status = Membership.Status.CURRENT
    joined = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=400)
    )


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    person = factory.SubFactory(PersonFactory)
    role = "secretary"
    constituency = factory.LazyAttribute(lambda o: o.person.constituency)
    starts = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=30)
    )


def officer(
    constituency: Constituency,
    role: str = "secretary",
    *,
    two_factor: bool = True,
    **person_kwargs,
) -> User:
    """A login whose Person holds `role` in `constituency` today, with two-factor
    set up (TOTP_SECRET) unless `two_factor=False`: the admin needs it."""
    user = UserFactory(totp=two_factor)
    person = PersonFactory(
        constituency=constituency, user=user, email=user.email, **person_kwargs
    )
    OfficeFactory(person=person, role=role, constituency=constituency)
    return user


def member_user(constituency: Constituency) -> User:
    """A login whose Person is a current member with no office."""
    user = UserFactory()
    person = PersonFactory(constituency=constituency, user=user, email=user.email)
    MembershipFactory(person=person)
    return user
