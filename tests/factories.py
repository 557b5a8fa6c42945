"""Factories for the fixed cast of every access test."""

import datetime

import factory
from allauth.account.models import EmailAddress
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
    constituency: Constituency, role: str = "secretary", **person_kwargs
) -> User:
    """A login whose Person holds `role` in `constituency` today."""
    user = UserFactory()
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
