"""Every admin on the project's site is either scoped to the officer's
constituencies or open to superusers (regional organisers) only.

The list of admins is read from the site itself, so a new admin is checked the
day it is registered: an officer of CLP B, holding every office there, gets a
404 on CLP A's record and does not find it in their list; on a superuser-only
admin the same officer is refused outright.
"""

import datetime
import itertools
import uuid

import pytest
from django.contrib import admin
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from members.models import Constituency, Person
from members.roles import Role
from partyhub.accounts.models import User
from partyhub.scoping import ScopedAdminMixin, scope_lookup, scope_queryset
from tests import factories

# Admins no officer may open, whatever offices they hold.
SUPERUSER_ONLY = {
    "accounts.User",
    "auth.Group",
    "account.EmailAddress",
    "mfa.Authenticator",
    "django_celery_beat.PeriodicTask",
    "django_celery_beat.ClockedSchedule",
    "django_celery_beat.CrontabSchedule",
    "django_celery_beat.SolarSchedule",
    "django_celery_beat.IntervalSchedule",
    "comms.BouncedAddress",
}

# Scoped admins whose records the generic builder below cannot make, each with
# the reason. Keep this short: every entry is an admin this test cannot vouch for.
NOT_BUILT: dict[str, str] = {}

# Admins neither scoped nor superuser-only, each with the reason.
SHARED = {
    "members.Interest": "one list of interests shared by every constituency; "
    "who holds which is scoped (members.PersonInterest)",
}


def _label(model) -> str:
    return model._meta.label


REGISTRY = sorted(admin.site._registry.items(), key=lambda item: _label(item[0]))
SCOPED = [
    model
    for model, model_admin in REGISTRY
    if _label(model) not in SUPERUSER_ONLY | SHARED.keys()
]


def test_every_admin_is_scoped_or_superuser_only():
    unclassified = [
        _label(model)
        for model, model_admin in REGISTRY
        if _label(model) not in SUPERUSER_ONLY | SHARED.keys()
        and not (
            isinstance(model_admin, ScopedAdminMixin)
            and scope_lookup(model) is not None
        )
    ]
    assert unclassified == []
    registered = {_label(model) for model, _admin in REGISTRY}
    assert SUPERUSER_ONLY <= registered
    assert NOT_BUILT.keys() <= registered


def _every_office(constituency: Constituency) -> User:
    user = factories.officer(constituency)
    person = Person.objects.get(user=user)
    for role in Role.values:
        if role != "secretary":
            factories.OfficeFactory(person=person, role=role, constituency=constituency)
    return user


# Optional fields the builder fills for a model's checks to pass.
EXTRA = {
    "comms.Delivery": ("message",),
    "members.ShadowingPlacement": ("with_person",),
    "finance.Donor": ("person",),
}

# --- a generic builder: one record "in" a constituency ----------------------

_seq = itertools.count(1)


def _value(field: models.Field, clp: Constituency):
    n = next(_seq)
    if field.choices:
        return field.choices[0][0]
    if field.name == "postcode":
        return "B8 1AA"
    if isinstance(field, models.EmailField):
        return f"registry{n}@example.org"
    if isinstance(field, models.SlugField):
        return f"registry-{n}"
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.CharField | models.TextField):
        text = f"Registry {n}"
        return text[: field.max_length] if field.max_length else text
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DecimalField | models.FloatField):
        return 1
    if isinstance(field, models.IntegerField):
        return n
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return timezone.localdate()
    if isinstance(field, models.DurationField):
        return datetime.timedelta(hours=1)
    if isinstance(field, models.TimeField):
        return datetime.time(19)
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.FileField):
        return f"registry/{n}.csv"
    if isinstance(field, models.GenericIPAddressField):
        return "127.0.0.1"
    raise LookupError(f"no value for {field!r}")


def _make(model, clp: Constituency, depth: int = 0):
    if model is Constituency:
        return clp
    if model is Person:
        return factories.PersonFactory(constituency=clp)
    if model is User:
        return factories.UserFactory()
    if model._meta.label == "members.Membership":
        return factories.MembershipFactory(
            person=factories.PersonFactory(constituency=clp)
        )
    if model._meta.label in {"members.Ward", "members.Branch"}:
        factory = getattr(factories, f"{model.__name__}Factory")
        return factory(constituency=clp)
    if depth > 4:
        raise LookupError(f"{model} nests too deep")
    kwargs = {}
    for field in model._meta.concrete_fields:
        wanted = field.name in EXTRA.get(model._meta.label, ()) or (
            field.is_relation and field.related_model is Constituency
        )
        if field.primary_key or ((field.has_default() or field.null) and not wanted):
            continue
        if isinstance(field, models.DateTimeField | models.DateField) and (
            field.auto_now or field.auto_now_add
        ):
            continue
        if field.is_relation:
            kwargs[field.name] = _make(field.related_model, clp, depth + 1)
        else:
            kwargs[field.name] = _value(field, clp)
    obj = model.objects.create(**kwargs)
    for field in model._meta.many_to_many:
        if field.related_model is Constituency:
            getattr(obj, field.name).add(clp)
    return obj


@pytest.fixture
def officers(clp_a, clp_b):
    return _every_office(clp_a), _every_office(clp_b)


def _url(model, view: str, *args) -> str:
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", SCOPED, ids=_label)
def test_officer_of_another_constituency_cannot_open_a_record(
    client, clp_a, clp_b, officers, model
):
    if _label(model) in NOT_BUILT:
        pytest.skip(NOT_BUILT[_label(model)])
    officer_a, officer_b = officers
    obj = _make(model, clp_a)
    # The record really is CLP A's and not CLP B's.
    assert scope_queryset(model.objects.filter(pk=obj.pk), {clp_a.pk}).exists()
    assert not scope_queryset(model.objects.filter(pk=obj.pk), {clp_b.pk}).exists()
    change = _url(model, "change", obj.pk)

    client.force_login(officer_b)
    response = client.get(change)
    assert response.status_code in (403, 404), response.status_code
    try:
        changelist = _url(model, "changelist")
    except NoReverseMatch:
        return
    response = client.get(changelist)
    assert response.status_code in (200, 403), response.status_code
    if response.status_code == 200:
        assert change not in response.text
        assert "<table" in response.text or "0 " in response.text


@pytest.mark.parametrize(
    "model",
    [model for model, _admin in REGISTRY if _label(model) in SUPERUSER_ONLY],
    ids=_label,
)
def test_superuser_only_admins_refuse_officers(client, superuser, officers, model):
    officer_a, officer_b = officers
    changelist = _url(model, "changelist")
    client.force_login(officer_a)
    response = client.get(changelist)
    assert response.status_code in (302, 403), response.status_code
    if response.status_code == 302:
        assert not response["Location"].startswith(changelist)
    assert client.get(_url(model, "add")).status_code in (302, 403)

    client.force_login(superuser)
    assert client.get(changelist).status_code == 200
