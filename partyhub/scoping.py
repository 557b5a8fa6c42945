"""Who may see which constituency.

An officer's constituencies come from the offices they hold today; a superuser (a
regional organiser) sees every constituency; anyone else sees none. Every model that
belongs to a CLP names the path to its constituency in `scope_lookup` ("constituency",
"person__constituency", "pk" for Constituency itself), and uses `ScopedManager`, so
one rule filters admin lists, object pages, choices, filters and actions alike.

This module knows only the app label and model name of `members.Office`; it never
imports an app's models at module level.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.core.exceptions import (
    EmptyResultSet,
    FieldDoesNotExist,
    ImproperlyConfigured,
)
from django.db import models
from django.forms.models import ModelChoiceIterator
from django.http import Http404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from partyhub.actors import actor_of

if TYPE_CHECKING:
    pass


if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.http import HttpRequest
    from django.utils.functional import _StrPromise

    AnyUser = AbstractBaseUser | AnonymousUser

_OFFICES_CACHE = "_partyhub_current_offices"


def current_offices(user: AnyUser | None) -> list[tuple[str, int]]:
    """(role, constituency id) for every office the user's Person holds today.

    Cached on the user object, which lives for one request: ending an office takes
    effect on the next request.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, _OFFICES_CACHE, None)
    if cached is None:
        office_model = apps.get_model("members", "Office")
        cached = list(
            office_model.objects.current()
            .filter(person__user=user)
            .values_list("role", "constituency_id")
        )
        setattr(user, _OFFICES_CACHE, cached)
    return cached


def constituency_ids(user: AnyUser | None) -> frozenset[int] | None:
    """The constituencies a user may see; None means all of them (superuser)."""
    if user is not None and user.is_active and user.is_superuser:
        return None
    return frozenset(cid for _role, cid in current_offices(user))


def is_officer(user: AnyUser | None) -> bool:
    if user is None or not user.is_active:
        return False
    return user.is_superuser or bool(current_offices(user))


def scope_lookup(model: type[models.Model]) -> str | None:
    return getattr(model, "scope_lookup", None)


def scope_queryset(
    queryset: models.QuerySet, ids: frozenset[int] | None
) -> models.QuerySet:
    """Filter a queryset to the given constituencies (None: no filter)."""
    if ids is None:
        return queryset
    lookup = scope_lookup(queryset.model)
    if lookup is None:
        raise ImproperlyConfigured(
            f"{queryset.model.__name__} has no scope_lookup; it cannot be scoped."
        )
    condition = {f"{lookup}__in": ids}
    also = getattr(queryset.model, "scope_also_lookup", None)
    if also is not None:
        # A row with one constituency of its own and, when it concerns a shared
        # record, the others it spans (an audit entry): either makes it visible.
        inner = queryset.model._base_manager.filter(**{f"{also}__in": ids})
        return queryset.filter(
            models.Q(**condition) | models.Q(pk__in=inner.values("pk"))
        )
    if getattr(queryset.model, "scope_spans_many", False):
        # A record in several constituencies (a network, a cross-CLP team): a
        # subquery keeps one row per record without .distinct(), which would stop
        # bulk deletes and some admin features from working.
        inner = queryset.model._base_manager.filter(**condition).values("pk")
        return queryset.filter(pk__in=inner)
    return queryset.filter(**condition)


def constituency_id_of(obj: models.Model) -> int | None:
    """The constituency an object belongs to, following its scope_lookup."""
    lookup = scope_lookup(type(obj))
    if lookup is None or getattr(type(obj), "scope_spans_many", False):
        return None
    *path, last = lookup.split("__")
    target: Any = obj
    for part in path:
        target = getattr(target, part, None)
        if target is None:
            return None
    if last == "pk":
        return target.pk
    return getattr(target, f"{last}_id", None)


def constituency_ids_of(obj: models.Model) -> list[int]:
    """Every constituency an object belongs to: one, or for a shared record (a
    team, an event) all it spans, in id order."""
    model = type(obj)
    lookup = scope_lookup(model)
    if lookup is None or obj.pk is None:
        return []
    if not getattr(model, "scope_spans_many", False):
        cid = constituency_id_of(obj)
        return [cid] if cid is not None else []
    return sorted(
        {
            cid
            for cid in model._base_manager.filter(pk=obj.pk).values_list(
                lookup, flat=True
            )
            if cid is not None
        }
    )


class ScopedQuerySet(models.QuerySet):
    def in_constituencies(self, user: AnyUser | None) -> ScopedQuerySet:
        """What this user may see: their constituencies, or everything for a superuser."""
        return scope_queryset(self, constituency_ids(user))

    def for_constituency_ids(self, ids: frozenset[int] | None) -> ScopedQuerySet:
        return scope_queryset(self, ids)


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


def get_scoped_object_or_404(
    queryset: models.QuerySet, user: AnyUser | None, **lookup: Any
) -> models.Model:
    """One object the user may see, or 404 — never another CLP's record."""
    try:
        return scope_queryset(queryset, constituency_ids(user)).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def today() -> datetime.date:
    return timezone.localdate()


def selected_constituencies(request: HttpRequest) -> frozenset[int]:
    """The constituencies a changelist is filtered to by its constituency filter
    (`constituency__id__exact`, `person__constituency__id__exact`, ...)."""
    chosen = set()
    for key, values in request.GET.lists():
        if key == "constituency__id__exact" or key.endswith(
            "__constituency__id__exact"
        ):
            chosen.update(int(v) for v in values if v.isdigit())
    return frozenset(chosen)


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A related-field filter that offers only the officer's own constituencies' rows."""

    def field_choices(
        self, field: Any, request: HttpRequest, model_admin: Any
    ) -> list[tuple[str, str | _StrPromise]]:
        queryset = field.related_model._default_manager.all()
        if scope_lookup(field.related_model) is not None:
            ids = constituency_ids(request.user)
            if ids is None and not _is_constituency(field.related_model):
                # A regional organiser's sidebar would list every ward or branch
                # in the region (thousands of links, issue 21.4): it offers those
                # of the constituency chosen in the constituency filter, or none.
                ids = selected_constituencies(request)
            queryset = scope_queryset(queryset, ids)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in queryset]


def _name_split_date_and_time(formfield: Any) -> None:
    """The admin's date-and-time field is two boxes under one label that names
    neither (a screen reader hears two unnamed boxes): name each, "Starts: date"
    and "Starts: time"."""
    from django.contrib.admin.widgets import AdminSplitDateTime

    widget = getattr(formfield, "widget", None)
    widget = getattr(widget, "widget", widget)  # inside a related-field wrapper
    if not isinstance(widget, AdminSplitDateTime):
        return
    label = capfirst(str(formfield.label or ""))
    date, time = widget.widgets
    date.attrs["aria-label"] = _("%(field)s: date") % {"field": label}
    time.attrs["aria-label"] = _("%(field)s: time") % {"field": label}


class ScopedAdminMixin:
    """Every ModelAdmin inherits this: lists, object pages, choices, filters and
    actions stop at the officer's constituencies; other records answer 404.

    Admin writes go to the audit log as well as Django's LogEntry.
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # One-line text refuses line breaks here as on every other form
        # (partyhub.forms): names end up in the text part of emails.
        from partyhub.forms import single_line_field

        formfield = single_line_field(
            super().formfield_for_dbfield(db_field, request, **kwargs)
        )
        _name_split_date_and_time(formfield)
        return formfield

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        queryset = super().get_queryset(request)
        if not queryset.query.order_by:
            # The autocomplete search pages through this queryset: a stable order
            # that survives an admin's own annotations (GROUP BY drops the default).
            queryset = queryset.order_by(*(self.model._meta.ordering or ("-pk",)))
        return scope_queryset(queryset, constituency_ids(request.user))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Django's admin redirects with "does not exist"; outside the scope we
            # answer 404 and say nothing about the record.
            raise Http404
        return obj

    def _scoped_related_queryset(self, request, db_field) -> models.QuerySet | None:
        related = db_field.related_model
        if scope_lookup(related) is None:
            return None
        return scope_queryset(
            related._default_manager.all(), constituency_ids(request.user)
        )

    # --- related-object widgets (issue 13.4, 16.9, 16.10, 21.4) --------------------
    # Every related record is chosen by search-as-you-type over the officer's own
    # records (the related admin's scoped get_queryset answers the search), never
    # by an id box (whose label was looked up unscoped) or a <select> of thousands.
    # A posted id outside the scope is a form error, never a name.

    def get_autocomplete_fields(self, request):
        fields = list(super().get_autocomplete_fields(request))
        for field in _relation_fields(self.model):
            if field.name not in fields and autocompletes(
                field.related_model, request.user, self.admin_site
            ):
                fields.append(field.name)
        return fields

    def _related_kwargs(
        self, request: HttpRequest, db_field: Any, kwargs: dict[str, Any]
    ) -> dict[str, Any]:
        if "queryset" not in kwargs:
            queryset = self._scoped_related_queryset(request, db_field)
            if queryset is not None:
                kwargs["queryset"] = queryset
        if _is_constituency(db_field.related_model):
            ids = constituency_ids(request.user)
            if ids is not None:
                # An officer's record is always in one of their constituencies:
                # one without any would vanish from their lists on saving.
                if not db_field.many_to_many:
                    kwargs.setdefault("required", True)
        name = db_field.related_model._meta.verbose_name
        mine = _("That %(thing)s is not one of yours: choose one from the list.") % {
            "thing": name
        }
        kwargs["error_messages"] = {
            "invalid_choice": mine,
            "invalid_pk_value": mine,
            **kwargs.get("error_messages", {}),
        }
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._related_kwargs(request, db_field, kwargs)
        return read_choices_once(
            super().formfield_for_foreignkey(db_field, request, **kwargs), request
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = self._related_kwargs(request, db_field, kwargs)
        if (
            _is_constituency(db_field.related_model)
            and "widget" not in kwargs
            and constituency_ids(request.user) is not None
        ):
            # An officer picks among their own one or two: tick boxes, not the
            # two-box mover.
            from django import forms

            kwargs["widget"] = forms.CheckboxSelectMultiple
        return read_choices_once(
            super().formfield_for_manytomany(db_field, request, **kwargs), request
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        site, user = self.admin_site, request.user

        class AutocompleteForm(form):
            # Fields a form adds itself (a segment's criteria, say) get the same
            # widgets as the model's own relations.
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                autocomplete_form_fields(self, site, user)

        AutocompleteForm.__name__ = form.__name__
        AutocompleteForm.__qualname__ = form.__qualname__
        AutocompleteForm.__module__ = form.__module__
        return AutocompleteForm

    def get_changeform_initial_data(self, request):
        # A new record starts in the officer's only constituency (issue 16.9).
        initial = super().get_changeform_initial_data(request)
        ids = constituency_ids(request.user)
        if ids is None or len(ids) != 1:
            return initial
        (only,) = ids
        for field in _relation_fields(self.model):
            if _is_constituency(field.related_model) and field.name not in initial:
                initial[field.name] = [only] if field.many_to_many else only
        return initial

    def get_list_filter(self, request):
        filters = []
        for item in super().get_list_filter(request):
            if isinstance(item, str):
                try:
                    field = get_fields_from_path(self.model, item)[-1]
                except (FieldDoesNotExist, NotRelationField):
                    field = None
                if field is not None and field.is_relation and field.related_model:
                    if scope_lookup(field.related_model) is not None:
                        item = (item, ScopedRelatedFieldListFilter)
            filters.append(item)
        return filters

    def save_related(self, request, form, formsets, change):
        # A record shared by several CLPs (a network, a cross-CLP team) shows an
        # officer only their own rows in its many-to-many fields; saving must not
        # drop the rows the form never offered them.
        hidden = self._out_of_scope_m2m(request, form) if change else {}
        super().save_related(request, form, formsets, change)
        for name, pks in hidden.items():
            getattr(form.instance, name).add(*pks)

    def _out_of_scope_m2m(self, request, form) -> dict[str, list]:
        ids = constituency_ids(request.user)
        if ids is None:
            return {}
        hidden = {}
        for field in form.instance._meta.many_to_many:
            if (
                field.name not in form.fields
                or scope_lookup(field.related_model) is None
            ):
                continue
            visible = scope_queryset(field.related_model._default_manager.all(), ids)
            pks = list(
                getattr(form.instance, field.name)
                .exclude(pk__in=visible.values("pk"))
                .values_list("pk", flat=True)
            )
            if pks:
                hidden[field.name] = pks
        return hidden

    # --- deleting (issue 13.3) --------------------------------------------------
    # A record shared with another CLP (a team, a campaign, an event, a network),
    # or one holding another CLP's rows or people, is not the officer's alone to
    # delete: they end their own CLP's part instead. The confirmation page lists
    # the record itself and counts, never the people deleted with it.

    def other_constituencies_held(self, request, objs) -> list[str]:
        """Names of the other CLPs whose records deleting `objs` would delete."""
        ids = constituency_ids(request.user)
        if ids is None:
            return []
        return _other_constituencies_held(objs, ids)

    def _shared_message(self, obj, others: list[str]) -> str:
        return _(
            "“%(obj)s” is shared with %(others)s: deleting it would delete their "
            "records too, so it cannot be deleted here. To end your constituency's "
            "part, remove your constituency from it on this page and save."
        ) % {"obj": obj, "others": ", ".join(others)}

    def delete_view(self, request, object_id, extra_context=None):
        from django.contrib import messages
        from django.contrib.admin.utils import unquote
        from django.shortcuts import redirect

        obj = self.get_object(request, unquote(object_id))
        allowed = obj is not None and self.has_delete_permission(request, obj)
        others = self.other_constituencies_held(request, [obj]) if allowed else []
        if others:
            self.message_user(
                request, self._shared_message(obj, others), messages.ERROR
            )
            opts = self.model._meta
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", obj.pk)
        return super().delete_view(request, object_id, extra_context)

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        if constituency_ids(request.user) is None:
            return deleted, model_count, perms_needed, protected
        others = self.other_constituencies_held(request, objs)
        if others:
            # The bulk "delete selected" action refuses too, saying why.
            perms_needed = {
                *perms_needed,
                _("records of %(others)s (remove your constituency instead)")
                % {"others": ", ".join(others)},
            }
        # Name only what the officer chose to delete; the rest as counts.
        return [str(obj) for obj in objs], model_count, perms_needed, protected

    # --- audit ------------------------------------------------------------------
    def log_addition(self, request, obj, message):
        self._audit(request, obj, "create", message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit(request, obj, "change", message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        from partyhub.audit.services import audit_log

        # Keyed by every constituency a row spans: a shared record's entries are
        # read by each CLP's officers, never left with no constituency.
        per_constituency: dict[tuple[int, ...], int] = {}
        for obj in queryset:
            audit_log(actor=actor_of(request), action=f"{_label(obj)}.delete", obj=obj)
            key = tuple(constituency_ids_of(obj))
            per_constituency[key] = per_constituency.get(key, 0) + 1
        if len(queryset) > 1:
            # A bulk action: one entry per constituency with its row count.
            for key, count in per_constituency.items():
                audit_log(
                    actor=actor_of(request),
                    action=f"{queryset.model._meta.model_name}.bulk_delete",
                    constituency_ids=key,
                    row_count=count,
                )
        return super().log_deletions(request, queryset)

    def _audit(self, request, obj, verb: str, message) -> None:
        from partyhub.audit.services import audit_log

        audit_log(
            actor=actor_of(request),
            action=f"{_label(obj)}.{verb}",
            obj=obj,
            detail={"admin_message": message} if message else None,
        )


def _label(obj: models.Model) -> str:
    return obj._meta.model_name


# Related models whose choices stay few per constituency (or are party-wide
# lists an officer picks from): a plain select or tick boxes is right for them.
# Every other related model is chosen by autocomplete; tests walk every admin
# form to hold that.
SMALL_CHOICE_MODELS = frozenset(
    {
        "members.Interest",
        "members.Mentor",
        "supporters.HelpOffer",
        "comms.Segment",
        "events.Course",
        "contenttypes.ContentType",
        "auth.Group",
        "auth.Permission",
        # A login is linked to a person by the regional organiser only.
        "accounts.User",
    }
)


def _is_constituency(model: type[models.Model]) -> bool:
    return model._meta.label == "members.Constituency"


def _relation_fields(model: type[models.Model]) -> list:
    return [
        f
        for f in model._meta.get_fields()
        if (f.many_to_one or f.many_to_many or f.one_to_one)
        and f.concrete
        and not f.auto_created
        and f.related_model is not None
    ]


def autocompletes(related: type[models.Model], user: AnyUser | None, site) -> bool:
    """Whether a field pointing at `related` is chosen by autocomplete: yes unless
    its choices are few (SMALL_CHOICE_MODELS; a constituency for an officer, who
    has one or two), and its admin can answer a search."""
    if related._meta.label in SMALL_CHOICE_MODELS:
        return False
    if _is_constituency(related) and constituency_ids(user) is not None:
        return False
    related_admin = site._registry.get(related)
    return bool(related_admin is not None and related_admin.search_fields)


def _stand_in_field(related: type[models.Model]) -> models.Field | None:
    """A model field pointing at `related`, for an autocomplete widget on a form
    field that has none of its own: the JSON view only needs it to find the
    related admin, whose scoped queryset and search answer."""
    candidates = sorted(
        (
            rel.field
            for rel in related._meta.related_objects
            if rel.field.concrete
            and not rel.field.remote_field.limit_choices_to
            and getattr(rel.field.remote_field, "field_name", None)
            in (None, related._meta.pk.name)
        ),
        key=lambda f: (f.model._meta.label, f.name),
    )
    return candidates[0] if candidates else None


def autocomplete_form_fields(form, site, user: AnyUser | None) -> None:
    """Give every model-choice field of a form that is not autocomplete yet (and
    is over a large table) the admin's autocomplete widget, keeping its queryset:
    the labels of posted ids come from that scoped queryset only."""
    from django import forms
    from django.contrib.admin.widgets import (
        AutocompleteMixin,
        AutocompleteSelect,
        AutocompleteSelectMultiple,
        RelatedFieldWidgetWrapper,
    )

    for field in form.fields.values():
        if not isinstance(field, forms.ModelChoiceField):
            continue
        widget = field.widget
        if isinstance(widget, RelatedFieldWidgetWrapper):
            widget = widget.widget
        if isinstance(widget, AutocompleteMixin | forms.HiddenInput):
            continue
        related = field.queryset.model
        if not autocompletes(related, user, site):
            continue
        stand_in = _stand_in_field(related)
        if stand_in is None:
            continue
        multiple = isinstance(field, forms.ModelMultipleChoiceField)
        cls = AutocompleteSelectMultiple if multiple else AutocompleteSelect
        queryset = field.queryset
        field.widget = cls(stand_in, site, attrs={"data-allow-clear": "true"})
        field.widget.is_required = field.required
        # Set after the widget: the queryset hands its choices to the widget.
        field.queryset = queryset


_CHOICES_READ = "_partyhub_choices_read"


def read_choices_once(formfield: Any, request: HttpRequest | None = None) -> Any:
    """A plain select or tick boxes over a few rows (an officer's constituencies,
    the interests) reads its choices once for the request, not once for every
    form: a person's page has the person's form, membership and office rows and
    the empty row each inline copies for "add another", every one of which would
    otherwise run the same query (a server-side cursor on PostgreSQL). Nothing is
    kept past the request. Validation still checks a posted id against the
    field's scoped queryset."""
    from django import forms
    from django.contrib.admin.widgets import AutocompleteMixin

    if not isinstance(formfield, forms.ModelChoiceField):
        return formfield
    widget: Any = getattr(formfield.widget, "widget", formfield.widget)
    if isinstance(widget, AutocompleteMixin | forms.HiddenInput):
        return formfield
    if formfield.get_limit_choices_to():
        # The form applies limit_choices_to to the queryset later, per form.
        return formfield
    # Shared by the copies of the field each form makes, and by the fields of
    # this request with the same query, looked up by the query as it is when
    # the widget renders: a form that narrows a field's queryset in its
    # __init__ gets its own list.
    shared: dict[Any, list[Any]] = (
        {} if request is None else request.__dict__.setdefault(_CHOICES_READ, {})
    )

    own = formfield.iterator
    # Already reading once (a field passed here twice): wrapped again, as before.
    bases = (own,) if issubclass(own, _ReadOnceIterator) else (_ReadOnceIterator, own)
    read_once = type("ReadOnce", bases, {"shared": shared})
    formfield.iterator = read_once
    # Behind the admin's related-widget wrapper the select keeps its own choices.
    formfield.widget.choices = widget.choices = formfield.choices
    return formfield


class _ReadOnceIterator(ModelChoiceIterator):
    """Mixed in before a field's own choice iterator (read_choices_once), with
    `shared` the request's lists of choices by query."""

    shared: dict[Any, list[Any]]

    def __iter__(self) -> Iterator[Any]:
        field = self.field
        try:
            sql = str(self.queryset.query)
        except EmptyResultSet:
            return super().__iter__()
        key = (
            type(field),
            field.to_field_name,
            str(field.empty_label),
            field.__dict__.get("label_from_instance"),
            sql,
        )
        found = self.shared.get(key)
        if found is None:
            found = self.shared[key] = list(super().__iter__())
        return iter(found)


def _other_constituencies_held(objs, ids: frozenset[int]) -> list[str]:
    from django.contrib.admin.utils import NestedObjects
    from django.db import router

    objs = [o for o in objs if o is not None]
    if not objs:
        return []
    collector = NestedObjects(using=router.db_for_write(type(objs[0])))
    collector.collect(objs)
    found: set[int] = set()
    for model, instances in collector.data.items():
        pks = [o.pk for o in instances if o.pk is not None]
        lookups = []
        if scope_lookup(model) is not None:
            lookups.append(scope_lookup(model))
        # A row about a person of another CLP (their booking, their place in a
        # team) is theirs too.
        lookups += [
            f"{f.name}__constituency"
            for f in model._meta.fields
            if f.many_to_one and f.related_model._meta.label == "members.Person"
        ]
        for start in range(0, len(pks), 1000):
            chunk = pks[start : start + 1000]
            for lookup in lookups:
                found.update(
                    model._base_manager.filter(pk__in=chunk)
                    .exclude(**{f"{lookup}__isnull": True})
                    .order_by()
                    .values_list(lookup, flat=True)
                    .distinct()
                )
    others = found - ids
    if not others:
        return []
    constituency = apps.get_model("members", "Constituency")
    return sorted(
        constituency._base_manager.filter(pk__in=others).values_list("name", flat=True)
    )


# --- contact details in shared roles ---------------------------------------------
# A forum officer, team lead or network co-ordinator sees the contact details
# (email, phone, ward) of a person only when officers of that person's own CLP
# appointed them. On a forum or team shared by two CLPs, an officer of one who
# appoints themselves sees the other CLP's people by name only. The role rows
# record `appointed_by` and `appointed_for` (members.models.Appointed).


def appointing_constituency(
    actor: AnyUser | None,
    *,
    spans: Any,
    holder_constituency_id: int | None,
) -> int | None:
    """The constituency an appointment is made for: one the actor is an officer of
    and the object spans — the holder's own when it is one of those, else the only
    one. None when the actor acts for none of them, or it is ambiguous."""
    spans = frozenset(spans)
    ids = constituency_ids(actor)
    allowed = spans if ids is None else spans & ids
    if holder_constituency_id in allowed:
        return holder_constituency_id
    if len(allowed) == 1:
        return next(iter(allowed))
    return None


def stamp_appointment(row: models.Model, *, actor: AnyUser | None, spans: Any) -> None:
    """Record on a new (or re-assigned) role row who appointed the holder and for
    which constituency. The caller saves the row."""
    person = row.person
    row.appointed_by = actor if actor is not None and actor.is_authenticated else None
    row.appointed_for_id = appointing_constituency(
        actor, spans=spans, holder_constituency_id=person.constituency_id
    )


def contact_constituencies(role_rows: models.QuerySet) -> frozenset[int]:
    """The constituencies whose people's contact details the holder of these role
    rows (one person's rows on one forum, team or network) may see."""
    return frozenset(
        role_rows.exclude(appointed_for=None).values_list("appointed_for", flat=True)
    )


def with_contact_visible(
    queryset: models.QuerySet, constituencies: frozenset[int], *, person_path: str = ""
) -> models.QuerySet:
    """Annotate `contact_visible` on every row in one query (no per-row lookup):
    True where the row's person belongs to one of `constituencies`."""
    lookup = f"{person_path}__constituency__in" if person_path else "constituency__in"
    return queryset.annotate(
        contact_visible=models.Case(
            models.When(models.Q(**{lookup: list(constituencies)}), then=True),
            default=False,
            output_field=models.BooleanField(),
        )
    )
