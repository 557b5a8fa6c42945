"""The register's entries for what no app of ours owns: the login and its email
addresses, two-factor devices, sessions, the admin's history and the audit log.

The audit trail about a person is found through the register itself: entries about
any row the person owns. It is shredded first in an erasure (before the rows go).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partyhub.personal_data.registry import (
    DELETE,
    STAYS,
    Anonymise,
    Repoint,
    Row,
    register,
    registered_models,
)
from partyhub.personal_data.timeline import NO_TIMELINE, gettext, label_of, timeline_of

# What the audit trail and the admin history keep where a name was.
ERASED = "[erased]"
AUDIT_ORDER = -100
LOGIN_ORDER = 90
PERSON_ORDER = 100
_LOGIN = gettext_lazy("Login secrets and sessions: nothing done together")
TRAIL_LABELS = {"audit.AuditEntry", "admin.LogEntry", "sessions.Session"}


def who(field: str):
    """A column naming who did something without naming anybody else."""

    def label(obj: Any, person: Any) -> str:
        user_id = getattr(obj, f"{field}_id", None)
        if user_id is None:
            return ""
        if person.user_id is not None and user_id == person.user_id:
            return _("you")
        return _("an officer")

    return label


def about_q(person: Any, *, object_id: str = "object_id") -> models.Q:
    """Rows of the audit trail (or admin history) about anything the person owns."""
    keys: dict[int, set[str]] = defaultdict(set)
    for entry in registered_models():
        if entry.label in TRAIL_LABELS:
            continue
        pks = list(entry.own_queryset(person).values_list("pk", flat=True))
        if pks:
            ct = ContentType.objects.get_for_model(
                entry.model, for_concrete_model=False
            )
            keys[ct.pk].update(str(pk) for pk in pks)
            concrete = ContentType.objects.get_for_model(entry.model)
            keys[concrete.pk].update(str(pk) for pk in pks)
    condition = models.Q(pk__in=[])
    for ct_id, ids in keys.items():
        condition |= models.Q(content_type_id=ct_id, **{f"{object_id}__in": ids})
    return condition


def _audit_rows(person: Any) -> models.QuerySet:
    """Entries about anything the person owns, and entries naming them in their
    detail (a team left: {"person": pk})."""
    entry_model = apps.get_model("audit", "AuditEntry")
    return entry_model._base_manager.filter(
        about_q(person) | models.Q(detail__person=person.pk)
    )


def _changed_fields(detail: dict[str, Any]) -> list[str]:
    return list(detail.get("fields", [])) or list(detail.get("changes", {}))


def _audit_export(person: Any) -> list[Row]:
    label = who("actor")
    return [
        {
            "when": entry.at,
            "what": entry.action,
            "who": label(entry, person) or _("the system"),
            "rows": entry.row_count,
            "fields": ", ".join(_changed_fields(entry.detail or {})),
        }
        for entry in _audit_rows(person).order_by("at", "pk")
    ]


def shred_detail(detail: dict[str, Any] | None) -> dict[str, Any]:
    """An entry's detail with the person's values gone: which fields changed
    stays (accountability), their old and new values do not."""
    detail = detail or {}
    shredded: dict[str, Any] = {"erased": True}
    if detail.get("changes"):
        shredded["changes"] = {
            name: {"old": ERASED, "new": ERASED} for name in detail["changes"]
        }
    if detail.get("fields"):
        shredded["fields"] = list(detail["fields"])
    return shredded


def _audit_erase(qs: models.QuerySet, person: Any) -> int:
    """Keep what was done and when (accountability); drop what named the person:
    the record's name, and every value in the entry's detail (old and new values
    of an edit are shredded, the names of the fields changed stay)."""
    entries = list(qs.only("pk", "detail"))
    for entry in entries:
        entry.object_repr = ERASED
        entry.detail = shred_detail(entry.detail)
    qs.model._base_manager.bulk_update(
        entries, ["object_repr", "detail"], batch_size=500
    )
    n = len(entries)
    if person.user_id:
        entry_model = apps.get_model("audit", "AuditEntry")
        n += entry_model._base_manager.filter(actor_id=person.user_id).update(
            actor_repr=ERASED
        )
    return n


def _trail_repoint(label: str):
    """Entries about the merged-away record now tell the survivor's history."""

    def repoint(source: Any, target: Any, log: list[Row]) -> int:
        model = apps.get_model(label)
        person_ct = ContentType.objects.get_for_model(type(source))
        return model._base_manager.filter(
            content_type=person_ct, object_id=str(source.pk)
        ).update(object_id=str(target.pk))

    return repoint


def _logentry_rows(person: Any) -> models.QuerySet:
    log_model = apps.get_model("admin", "LogEntry")
    return log_model._base_manager.filter(about_q(person))


def _logentry_erase(qs: models.QuerySet, person: Any) -> int:
    return qs.update(object_repr=ERASED, change_message="")


def _user_rows(person: Any) -> models.QuerySet:
    return get_user_model()._base_manager.filter(pk=person.user_id)


def _login_rows(label: str):
    def rows(person: Any) -> models.QuerySet:
        return apps.get_model(label)._base_manager.filter(user_id=person.user_id)

    return rows


def _session_rows(person: Any) -> models.QuerySet:
    session_model = apps.get_model("sessions", "Session")
    if not person.user_id:
        return session_model._base_manager.none()
    keys = [
        s.session_key
        for s in session_model._base_manager.filter(expire_date__gt=timezone.now())
        if str(s.get_decoded().get("_auth_user_id")) == str(person.user_id)
    ]
    return session_model._base_manager.filter(session_key__in=keys)


def login_close(qs: models.QuerySet, person: Any) -> int:
    """Close the login: no password, no address, no name; the row stays so the
    records of what the login did (as an officer) still hold together."""
    n = 0
    for user in qs:
        user.email = f"erased-{user.pk}@erased.invalid"
        user.first_name = user.last_name = ""
        user.is_active = user.is_staff = user.is_superuser = False
        user.set_unusable_password()
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        n += 1
    return n


def register_core() -> None:
    register(
        "audit.AuditEntry",
        user_fields=("actor",),
        rows=_audit_rows,
        export=_audit_export,
        section="audit",
        erase=_audit_erase,
        repoint=_trail_repoint("audit.AuditEntry"),
        retention_category="audit",
        describe=gettext_lazy("What was done to the person's records, and by whom"),
        order=AUDIT_ORDER,
        timeline=NO_TIMELINE(gettext_lazy("Changes to records, not things done")),
    )
    register(
        "admin.LogEntry",
        user_fields=("user",),
        rows=_logentry_rows,
        export=[("when", "action_time"), ("record", "object_repr")],
        section="admin_history",
        erase=_logentry_erase,
        repoint=_trail_repoint("admin.LogEntry"),
        retention_category="audit",
        describe=gettext_lazy("The admin's history of changes to the records"),
        order=AUDIT_ORDER,
        timeline=NO_TIMELINE(gettext_lazy("The admin's own history of edits")),
    )
    register(
        "accounts.User",
        rows=_user_rows,
        export=[("login_email", "email"), "date_joined", "last_login"],
        section="login",
        erase=login_close,
        retention_category="login",
        describe=gettext_lazy("The login"),
        order=LOGIN_ORDER,
        timeline=NO_TIMELINE(_LOGIN),
    )
    register(
        "account.EmailAddress",
        user_fields=("user",),
        rows=_login_rows("account.EmailAddress"),
        export=["email", "verified", "primary"],
        section="login_addresses",
        erase=DELETE,
        repoint=STAYS,
        retention_category="login",
        describe=gettext_lazy("The login's email addresses"),
        order=LOGIN_ORDER - 1,
        timeline=NO_TIMELINE(_LOGIN),
    )
    register(
        "account.EmailConfirmation",
        rows=lambda person: apps.get_model(
            "account", "EmailConfirmation"
        )._base_manager.filter(email_address__user_id=person.user_id),
        erase=DELETE,
        repoint=STAYS,
        retention_category="login",
        describe=gettext_lazy("Email confirmations sent for the login"),
        order=LOGIN_ORDER - 2,
        timeline=NO_TIMELINE(_LOGIN),
    )
    register(
        "mfa.Authenticator",
        user_fields=("user",),
        rows=_login_rows("mfa.Authenticator"),
        export=[("kind", "type"), "created_at", "last_used_at"],
        section="two_factor",
        erase=DELETE,
        repoint=STAYS,
        retention_category="login",
        describe=gettext_lazy("Two-factor devices of the login"),
        order=LOGIN_ORDER - 1,
        timeline=NO_TIMELINE(_LOGIN),
    )
    register(
        "sessions.Session",
        rows=_session_rows,
        erase=DELETE,
        repoint=STAYS,
        retention_category="login",
        describe=gettext_lazy("Signed-in sessions of the login"),
        order=LOGIN_ORDER - 1,
        timeline=NO_TIMELINE(_LOGIN),
    )


def register_own() -> None:
    """The requests and merge records: about a person too."""
    register(
        "personal_data.DataRequest",
        person_field="person",
        user_fields=("handled_by",),
        export=[
            ("what", "kind"),
            "received_on",
            "due_by",
            "status",
            "completed_at",
        ],
        section="data_requests",
        # The request stays, to show what was done; the words go.
        erase=Anonymise({"reason": "", "notes": "", "extension_reason": ""}),
        repoint=Repoint(),
        retention_category="requests",
        describe=gettext_lazy("Requests about the person's data"),
        timeline=timeline_of(
            "personal_data.DataRequest",
            kind="data",
            moments=lambda r: [
                (r.received_on, gettext("Asked: %s") % label_of(r, "kind")),
                (r.completed_at, gettext("Request completed")),
            ],
        ),
    )
    register(
        "personal_data.MergeRecord",
        person_field="survivor",
        user_fields=("actor",),
        export=["at", ("records_merged", lambda r, p: 1)],
        section="merges",
        erase=Anonymise({"merged": {}, "chosen": [], "conflicts": []}),
        retention_category="requests",
        describe=gettext_lazy("Merges of duplicate records of the person"),
        timeline=timeline_of(
            "personal_data.MergeRecord",
            kind="data",
            moments=lambda r: [(r.at, gettext("A duplicate record was merged in"))],
            officers_only=True,
        ),
    )
