"""Every admin form chooses related records by scoped autocomplete (issue 13.4,
16.9, 16.10, 21.4): never an id box, never a <select> of a large table, never a
name from another CLP, never "… object (1)"."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteMixin, RelatedFieldWidgetWrapper
from django.db import models
from django.forms import CheckboxSelectMultiple, ModelChoiceField
from django.test import RequestFactory
from django.urls import reverse

from partyhub.scoping import SMALL_CHOICE_MODELS
from tests import factories

# Admins that come with Django and its add-ons, and that only a regional organiser
# opens (logins, schedules): not officers' forms.
THIRD_PARTY_APPS = {"account", "mfa", "auth", "accounts", "django_celery_beat"}


def _admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label not in THIRD_PARTY_APPS
    ]


def _forms(model_admin, request):
    """(label, form) for the admin's own add form and each of its inlines."""
    yield model_admin.model._meta.label, model_admin.get_form(request, None)()
    for inline in model_admin.get_inline_instances(request, None):
        formset = inline.get_formset(request, None)
        yield inline.model._meta.label, formset.form()


def _offenders(request, officer: bool) -> list[str]:
    bad = []
    for _model, model_admin in _admins():
        for label, form in _forms(model_admin, request):
            for name, field in form.fields.items():
                if not isinstance(field, ModelChoiceField):
                    continue
                related = field.queryset.model
                widget = field.widget
                if isinstance(widget, RelatedFieldWidgetWrapper):
                    widget = widget.widget
                if isinstance(widget, AutocompleteMixin):
                    continue
                if related._meta.label in SMALL_CHOICE_MODELS:
                    continue
                if related._meta.label == "members.Constituency" and officer:
                    if not isinstance(widget, CheckboxSelectMultiple) and getattr(
                        field, "many_to_many", False
                    ):
                        bad.append(f"{label}.{name}: two-box constituency picker")
                    continue
                bad.append(f"{label}.{name} ({related._meta.label}): {type(widget)}")
    return bad


def test_every_admin_form_uses_autocomplete_for_large_tables(superuser, clp_a):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    offenders = _offenders(request, officer=False)
    assert offenders == [], "\n".join(offenders)


def test_an_officer_gets_tick_boxes_for_constituencies_and_autocomplete_elsewhere(
    officer_a,
):
    request = RequestFactory().get("/admin/")
    request.user = officer_a
    offenders = _offenders(request, officer=True)
    assert offenders == [], "\n".join(offenders)


def test_no_admin_declares_raw_id_fields():
    raw = [
        f"{m._meta.label}: {ma.raw_id_fields}"
        for m, ma in _admins()
        if ma.raw_id_fields
    ] + [
        f"{i.model._meta.label}: {i.raw_id_fields}"
        for _m, ma in _admins()
        for i in ma.inlines
        if i.raw_id_fields
    ]
    assert raw == []


def test_every_model_an_officer_meets_has_a_readable_name():
    seen: set[type[models.Model]] = set()
    for model, model_admin in _admins():
        seen.add(model)
        seen.update(inline.model for inline in model_admin.inlines)
        for field in model._meta.get_fields():
            if field.is_relation and field.related_model and field.concrete:
                seen.add(field.related_model)
    nameless = sorted(
        m._meta.label
        for m in seen
        if m.__str__ is models.Model.__str__
        and m._meta.app_label not in THIRD_PARTY_APPS
    )
    assert nameless == []


# --- a posted id of another CLP's record: an error, never its name -------------------


@pytest.fixture
def bob(clp_b):
    return factories.PersonFactory(
        first_name="Bob", last_name="Bandicoot", constituency=clp_b
    )


def test_posting_another_clps_person_shows_an_error_not_their_name(
    client, officer_a, clp_a, bob
):
    client.force_login(officer_a)
    response = client.post(
        reverse("admin:members_office_add"),
        {"person": bob.pk, "role": "chair", "constituency": clp_a.pk},
    )
    assert response.status_code == 200
    assert "Bandicoot" not in response.text
    assert "That person is not one of yours: choose one from the list." in (
        response.text
    )


def test_posting_another_clps_team_shows_an_error_not_its_name(
    client, officer_a, clp_a, clp_b
):
    from campaigns.models import Team

    team = Team.objects.create(name="Reading doorknockers")
    team.constituencies.set([clp_b])
    client.force_login(officer_a)
    response = client.post(reverse("admin:campaigns_session_add"), {"team": team.pk})
    assert response.status_code == 200
    assert "Reading doorknockers" not in response.text
    assert "That team is not one of yours" in response.text


def test_autocomplete_search_finds_only_own_people(client, officer_a, clp_a, bob):
    factories.PersonFactory(first_name="Bea", last_name="Bandicoot", constituency=clp_a)
    client.force_login(officer_a)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Bandicoot",
            "app_label": "members",
            "model_name": "office",
            "field_name": "person",
        },
    )
    assert response.status_code == 200
    names = [r["text"] for r in response.json()["results"]]
    assert names == ["Bea Bandicoot"]


def test_a_new_record_starts_in_the_officers_only_constituency(
    client, officer_a, clp_a
):
    client.force_login(officer_a)
    response = client.get(reverse("admin:campaigns_team_add"))
    form = response.context["adminform"].form
    assert form.initial["constituencies"] == [clp_a.pk]
    assert 'type="checkbox" name="constituencies"' in response.text
    assert "selectfilter" not in response.text
    response = client.get(reverse("admin:members_ward_add"))
    assert response.context["adminform"].form.initial["constituency"] == clp_a.pk


def test_every_add_page_renders_with_its_widgets(client, superuser, clp_a):
    """The autocomplete widgets (including those on fields a form adds itself,
    such as a segment's criteria) render on every admin add page."""
    client.force_login(superuser)
    broken = []
    for model, model_admin in _admins():
        opts = model._meta
        request = RequestFactory().get("/admin/")
        request.user = superuser
        if not model_admin.has_add_permission(request):
            continue
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        response = client.get(url)
        if response.status_code != 200:
            broken.append(f"{url}: {response.status_code}")
        elif " object (" in response.text:
            broken.append(f"{url}: a label reads '… object (n)'")
    assert broken == []
    page = client.get(reverse("admin:comms_segment_add")).text
    assert 'name="criterion_wards"' in page
    assert "admin-autocomplete" in page
