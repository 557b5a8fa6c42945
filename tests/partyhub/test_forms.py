"""One-line fields refuse line breaks and control characters on every kind of
form: public, portal and admin (names are printed into the text part of emails,
where a line break would start a line of the sender's choosing)."""

import time

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from members.models import Person
from partyhub.forms import started_token
from supporters.models import SignupRequest
from supporters.signup import signup_confirmation_send
from tests import factories

INJECTED = [
    "Ada\r\nClick https://phish.example/ to keep your membership",
    "Ada\nP.S. https://phish.example/",
    "Ada\u2028https://phish.example/",
    "Ada\x00",
    "Ada\u202eelpmaxe.hsihp",  # a right-to-left override
]


@pytest.fixture
def places(clp_a):
    from members.models import Postcode

    ward = factories.WardFactory(constituency=clp_a)
    Postcode.objects.create(postcode="B8 1AA", ward=ward, constituency=clp_a)


def _signup(client, first_name):
    return client.post(
        reverse("supporters:join"),
        {
            "first_name": first_name,
            "last_name": "Lovelace",
            "email": "ada@example.org",
            "postcode": "B8 1AA",
            "consent_email": "on",
            "website": "",
            "started": started_token(time.time() - 10),
        },
    )


@pytest.mark.parametrize("name", INJECTED)
def test_public_form_refuses_a_name_with_a_line_break(client, places, name):
    response = _signup(client, name)
    assert response.status_code == 200
    assert "without line breaks" in response.text
    assert not SignupRequest.objects.exists()


def test_confirmation_email_text_has_no_line_the_visitor_wrote(
    client, places, mailoutbox
):
    assert _signup(client, "Ada").status_code == 302
    signup_confirmation_send(signup_request_id=SignupRequest.objects.get().pk)
    lines = mailoutbox[0].body.splitlines()
    assert lines[0] == "Hello Ada,"
    assert not any("phish" in line for line in lines)


@pytest.mark.parametrize("name", INJECTED[:2])
def test_portal_details_refuse_a_name_with_a_line_break(client, member_a, name):
    client.force_login(member_a)
    before = Person.objects.get(pk=member_a.person.pk).first_name
    response = client.post(
        reverse("portal:details"),
        {"first_name": name, "last_name": "Lovelace", "postcode": "B8 1AA"},
    )
    assert response.status_code == 200
    assert "without line breaks" in response.text
    assert Person.objects.get(pk=member_a.person.pk).first_name == before


@pytest.mark.parametrize("name", INJECTED[:2])
def test_admin_person_form_refuses_a_name_with_a_line_break(officer_a, name):
    model_admin = admin.site._registry[Person]
    request = RequestFactory().get("/")
    request.user = officer_a
    form_class = model_admin.get_form(request, obj=None)
    form = form_class(data={"first_name": name, "last_name": "Lovelace"})
    assert not form.is_valid()
    assert "without line breaks" in " ".join(form.errors["first_name"])
    # A multi-line field (notes) is not one-line text, and keeps its line breaks.
    assert not any(
        "without line breaks" in " ".join(errors)
        for field, errors in form.errors.items()
        if field != "first_name"
    )


def _project_forms():
    from django import forms
    from django.urls import get_resolver

    assert get_resolver().url_patterns  # imports every view module and its forms
    apps = ("members", "supporters", "campaigns", "events", "networks", "partyhub")
    seen, stack = set(), [forms.BaseForm]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    return sorted(
        (c for c in seen if c.__module__.split(".")[0] in apps),
        key=lambda c: f"{c.__module__}.{c.__qualname__}",
    )


def test_every_form_of_the_project_refuses_line_breaks_in_one_line_fields():
    """A new form cannot forget it: every form class in the project's own code is
    a SingleLineMixin (admin forms Django builds get it from ScopedAdminMixin)."""
    from partyhub.forms import SingleLineMixin

    forms_found = _project_forms()
    assert len(forms_found) > 30
    missing = [
        f"{c.__module__}.{c.__qualname__}"
        for c in forms_found
        if not issubclass(c, SingleLineMixin)
    ]
    assert missing == []


def test_number_fields_speak_plain_english(rf, officer_a):
    # A public or portal form, and an officer's admin form (a model's positive
    # number): "Enter 5 or less.", never "Ensure this value is …".
    from events.forms import InvitationRsvpForm
    from events.models import Event

    form = InvitationRsvpForm({"answer": "yes", "guests": "9"})
    assert not form.is_valid()
    assert form.errors["guests"] == ["Enter 5 or less."]
    request = rf.get("/")
    request.user = officer_a
    model_admin = admin.site._registry[Event]
    field = model_admin.formfield_for_dbfield(
        Event._meta.get_field("capacity"), request
    )
    with pytest.raises(Exception) as error:
        field.clean(-1)
    assert error.value.messages == ["Enter 0 or more."]


def test_choice_fields_speak_plain_english(rf, officer_a):
    # Every form: "That choice is not on the list", never Django's "Select a valid
    # choice. … is not one of the available choices."; a form's own words stay.
    from django import forms

    from events.forms import InvitationRsvpForm
    from events.models import Event
    from partyhub.forms import SingleLineMixin

    form = InvitationRsvpForm({"answer": "perhaps", "guests": "0"})
    assert not form.is_valid()
    assert form.errors["answer"] == [
        "That choice is not on the list: choose one from the list."
    ]

    class OwnWords(SingleLineMixin, forms.Form):
        colour = forms.ChoiceField(
            choices=[("red", "Red")],
            error_messages={"invalid_choice": "Pick red."},
        )

    assert OwnWords({"colour": "blue"}).errors["colour"] == ["Pick red."]
    request = rf.get("/")
    request.user = officer_a
    field = admin.site._registry[Event].formfield_for_dbfield(
        Event._meta.get_field("kind"), request
    )
    with pytest.raises(Exception) as error:
        field.clean("nonsense")
    assert "That choice is not on the list" in error.value.messages[0]
