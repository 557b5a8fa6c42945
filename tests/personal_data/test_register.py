"""The register of personal data knows every model that holds data about a person:
a new model with a ForeignKey to Person (or to the login), or a personal field,
fails here until it is registered (partyhub.personal_data.register)."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from partyhub.personal_data import registered_models

# Field names that hold personal data wherever they appear.
PERSONAL_FIELDS = {
    "email", "phone", "mobile", "first_name", "last_name", "address_line_1",
    "contact_name", "contact_email", "contact_phone", "to_email", "postcode",
    "consent_given_by", "session_data",
}  # fmt: skip

# Models with such a field that hold nobody's personal data, and why.
NOT_PERSONAL = {
    "members.Constituency": "the CLP's own office address and email",
    "members.Postcode": "a lookup of postcodes to wards, about places",
    # Electors are not People: the electoral register is kept apart, for electoral
    # purposes only, and replaced or deleted whole on the CLP's schedule
    # (canvassing/retention.py), never merged into or erased through a Person.
    "canvassing.Elector": "the electoral register, kept apart from People",
    "canvassing.Household": "an address on the electoral register",
}


def _points_at_people(model: type[models.Model]) -> list[str]:
    person = apps.get_model("members", "Person")
    user = get_user_model()
    found = [
        f.name
        for f in model._meta.get_fields()
        if (f.concrete or f.many_to_many)
        and f.is_relation
        and not f.auto_created
        and f.related_model in (person, user)
    ]
    found += [f.name for f in model._meta.concrete_fields if f.name in PERSONAL_FIELDS]
    return found


def test_every_model_holding_personal_data_is_registered():
    registered = {entry.label for entry in registered_models()}
    missing = {
        model._meta.label: fields
        for model in apps.get_models()
        if not model._meta.proxy
        and model._meta.label not in NOT_PERSONAL
        and (fields := _points_at_people(model))
        and model._meta.label not in registered
    }
    assert missing == {}, (
        "Register these models in partyhub.personal_data (from the app's ready()): "
        f"{missing}"
    )


def test_the_person_and_login_are_registered():
    registered = {entry.label for entry in registered_models()}
    assert {"members.Person", "accounts.User", "audit.AuditEntry"} <= registered


def test_registered_fields_exist():
    """A typo in a registration fails here, not in a member's erasure."""
    for entry in registered_models():
        model = entry.model
        for name in (*entry.person_fields, *entry.user_fields, *entry.m2m_fields):
            model._meta.get_field(name)
        assert entry.describe, entry.label


def test_every_link_to_a_person_or_login_is_named_in_its_entry():
    """Erasure and merge follow the fields an entry names: a ForeignKey to Person
    (or to the login) left out would be cascaded away by a merge."""
    person = apps.get_model("members", "Person")
    user = get_user_model()
    unnamed = []
    for entry in registered_models():
        if callable(entry.repoint):
            continue
        named = {*entry.person_fields, *entry.m2m_fields, *entry.user_fields}
        for field in entry.model._meta.get_fields():
            if (
                (field.concrete or field.many_to_many)
                and field.is_relation
                and not field.auto_created
                and field.related_model in (person, user)
                and field.name not in named
                # A many-to-many through a model of its own: that model's entry.
                and not (
                    field.many_to_many
                    and not field.remote_field.through._meta.auto_created
                )
            ):
                unnamed.append(f"{entry.label}.{field.name}")
    assert unnamed == []
