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
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.http import Http404
from django.utils import timezone

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.http import HttpRequest

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


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A related-field filter that offers only the officer's own constituencies' rows."""

    def field_choices(self, field, request, model_admin):
        queryset = field.related_model._default_manager.all()
        if scope_lookup(field.related_model) is not None:
            queryset = scope_queryset(queryset, constituency_ids(request.user))
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in queryset]


class ScopedAdminMixin:
    """Every ModelAdmin inherits this: lists, object pages, choices, filters and
    actions stop at the officer's constituencies; other records answer 404.

    Admin writes go to the audit log as well as Django's LogEntry.
    """

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        queryset = super().get_queryset(request)
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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            queryset = self._scoped_related_queryset(request, db_field)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            queryset = self._scoped_related_queryset(request, db_field)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)

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

    # --- audit ------------------------------------------------------------------
    def log_addition(self, request, obj, message):
        self._audit(request, obj, "create", message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit(request, obj, "change", message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        from partyhub.audit.services import audit_log

        per_constituency: dict[int | None, int] = {}
        for obj in queryset:
            audit_log(actor=request.user, action=f"{_label(obj)}.delete", obj=obj)
            cid = constituency_id_of(obj)
            per_constituency[cid] = per_constituency.get(cid, 0) + 1
        if len(queryset) > 1:
            # A bulk action: one entry per constituency with its row count.
            for cid, count in per_constituency.items():
                audit_log(
                    actor=request.user,
                    action=f"{queryset.model._meta.model_name}.bulk_delete",
                    constituency_id=cid,
                    row_count=count,
                )
        return super().log_deletions(request, queryset)

    def _audit(self, request, obj, verb: str, message) -> None:
        from partyhub.audit.services import audit_log

        audit_log(
            actor=request.user,
            action=f"{_label(obj)}.{verb}",
            obj=obj,
            detail={"admin_message": message} if message else None,
        )


def _label(obj: models.Model) -> str:
    return obj._meta.model_name


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
