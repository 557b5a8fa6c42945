"""Requests about a person's data, erasure and merging: the workflows.

A request is logged with its one-month deadline (in the portal, or by an officer for
one made by letter, email or phone); the person is told it arrived and the officers
responsible are told to act. A subject access request is answered with the export
built from the register. An erasure is reviewed by an officer (recording why
anything is kept), then carried out by a Celery task through the register.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.errors import DomainError
from partyhub.personal_data.models import (
    DataRequest,
    Suppression,
    add_months,
    email_hash,
    membership_number_hash,
    normalise_email,
)
from partyhub.personal_data.operations import erase_person
from partyhub.updates import adopt

if TYPE_CHECKING:
    from partyhub.accounts.models import User


# Officers who look after requests about people's data.
RESPONSIBLE_ROLES = ("secretary", "membership_secretary")
REMINDER_RECEIVED = "personal_data.request_received"
REMINDER_OFFICERS = "personal_data.request_for_officers"
REMINDER_DUE = "personal_data.request_due"
# Officers are reminded this many days before a request is due.
REMIND_DAYS_BEFORE = 7


class DataRequestError(DomainError):
    """Something an officer can read and put right."""


def _constituency_id(person: Any) -> int | None:
    if person.constituency_id is not None:
        return person.constituency_id
    membership = person.memberships.order_by("-joined").first()
    return membership.constituency_id if membership else None


def responsible_officers(constituency_id: int | None) -> list[Any]:
    """The people holding an office responsible for data requests in the CLP."""
    if constituency_id is None:
        return []
    office_model = apps.get_model("members", "Office")
    offices = (
        office_model.objects.current()
        .filter(constituency_id=constituency_id, role__in=RESPONSIBLE_ROLES)
        .select_related("person")
    )
    seen: dict[int, Any] = {}
    for office in offices:
        seen.setdefault(office.person_id, office.person)
    return list(seen.values())


def _notify(request: DataRequest) -> None:
    """Tell the person it arrived, and the officers responsible to act on it."""
    from partyhub.comms.reminders import reminder_schedule

    now = timezone.now()
    if request.person.email:
        reminder_schedule(
            kind=REMINDER_RECEIVED,
            person=request.person,
            due_at=now,
            about=request,
            key=f"data-request:{request.pk}:received",
        )
    for officer in responsible_officers(request.constituency_id):
        reminder_schedule(
            kind=REMINDER_OFFICERS,
            person=officer,
            due_at=now,
            about=request,
            key=f"data-request:{request.pk}:officers:{officer.pk}",
        )


@transaction.atomic
def data_request_create(
    *,
    person: Any,
    kind: str,
    actor: User | None,
    reason: str = "",
    received_on: datetime.date | None = None,
    received_how: str = DataRequest.Received.PORTAL,
) -> DataRequest:
    """Log a request; asking twice while one of the kind is open is one request."""
    existing = DataRequest.objects.filter(
        person=person, kind=kind, status__in=DataRequest.OPEN_STATUSES
    ).first()
    if existing is not None:
        return existing
    received_on = received_on or timezone.localdate()
    request = DataRequest.objects.create(
        person=person,
        kind=kind,
        constituency_id=_constituency_id(person),
        reason=reason.strip(),
        received_on=received_on,
        received_how=received_how,
        deadline=add_months(received_on, 1),
    )
    audit_log(
        actor=actor,
        action=f"person.{kind}_requested",
        obj=request,
        detail={"received_how": received_how},
    )
    _notify(request)
    return request


@transaction.atomic
def data_request_extend(
    *, request: DataRequest, until: datetime.date, reason: str, actor: User | None
) -> DataRequest:
    """UK GDPR art. 12(3): up to two further months, with the reason told."""
    if not reason.strip():
        raise DataRequestError(_("Say why the request needs longer."))
    if until <= request.deadline:
        raise DataRequestError(_("The new date must be after the first deadline."))
    if until > add_months(request.deadline, 2):
        raise DataRequestError(
            _("A request can be extended by two months at most (to %(day)s).")
            % {"day": add_months(request.deadline, 2).strftime("%d/%m/%Y")}
        )
    request.extended_to = until
    request.extension_reason = reason.strip()
    request.reminded_on = None  # remind again before the new date
    request.save(update_fields=["extended_to", "extension_reason", "reminded_on"])
    audit_log(
        actor=actor,
        action=AuditAction.PERSON_DATA_REQUEST_EXTENDED,
        obj=request,
        detail={"until": until.isoformat()},
    )
    return request


@transaction.atomic
def data_request_handle(
    *, request: DataRequest, status: str, actor: User | None, note: str = ""
) -> DataRequest:
    """Close a request by hand: an access request answered, or one refused."""
    if status == DataRequest.Status.APPROVED:
        raise DataRequestError(_("Approve an erasure with its review form."))
    if (
        request.kind == DataRequest.Kind.ERASURE
        and status == DataRequest.Status.DONE
        and not request.outcome
    ):
        # The fault this replaces: "done" ticked while nothing was erased.
        raise DataRequestError(
            _("An erasure is done when it has been carried out: approve it instead.")
        )
    request.status = status
    open_again = status == DataRequest.Status.OPEN
    request.handled_by = None if open_again else actor
    request.handled_at = None if open_again else timezone.now()
    request.completed_at = timezone.now() if status == DataRequest.Status.DONE else None
    if note:
        request.notes = "\n".join(filter(None, [request.notes, note]))
    request.save()
    audit_log(
        actor=actor,
        action=AuditAction.PERSON_DATA_REQUEST_HANDLED,
        obj=request,
        detail={"status": status},
    )
    return request


def data_request_add(*, instance: DataRequest, actor: Any) -> DataRequest:
    """A request an officer logs in the admin (`instance` from its form)."""
    created = data_request_create(
        person=instance.person,
        kind=instance.kind,
        reason=instance.reason,
        received_on=instance.received_on,
        received_how=instance.received_how,
        actor=actor,
    )
    # The admin logs and links to the object it saved: the one created here.
    return adopt(instance, created)


@transaction.atomic
def data_request_update(
    *, instance: DataRequest, changes: dict[str, Any], actor: Any
) -> DataRequest:
    """An officer's edit of a request: notes, an extension, a new status, each
    through its rule (and audited)."""
    from partyhub.updates import model_update

    # The notes' words stay out of the log: which field changed is enough.
    if "notes" in changes:
        changed = model_update(
            instance=instance, changes={"notes": changes["notes"]}, fields=["notes"]
        )
        if changed:
            audit_log(
                actor=actor,
                action=AuditAction.PERSON_DATA_REQUEST_NOTED,
                obj=instance,
                detail={"fields": ["notes"]},
            )
    if {"extended_to", "extension_reason"} & set(changes):
        until = changes.get("extended_to", instance.extended_to)
        if until:
            data_request_extend(
                request=instance,
                until=until,
                reason=changes.get("extension_reason", instance.extension_reason),
                actor=actor,
            )
    if "status" in changes:
        data_request_handle(request=instance, status=changes["status"], actor=actor)
    return instance


@transaction.atomic
def suppression_remove(*, instance: Any, actor: Any) -> None:
    """A superuser lifts a suppression: the person may be imported again."""
    audit_log(actor=actor, action=AuditAction.PERSON_SUPPRESSION_REMOVED, obj=instance)
    instance.delete()


def subject_access_export(*, request: DataRequest, actor: Any) -> bytes:
    """The zip of everything held about the person, for an officer to send them."""
    from partyhub import privacy

    if request.kind != DataRequest.Kind.ACCESS:
        raise DataRequestError(_("This is not a request for a copy of their data."))
    content = privacy.export_zip(request.person)
    audit_log(
        actor=actor,
        action=AuditAction.PERSON_DATA_EXPORT,
        obj=request.person,
        row_count=privacy.export_row_count(request.person),
        detail={"how": "officer", "request": request.pk},
    )
    with transaction.atomic():
        locked = DataRequest.objects.select_for_update().get(pk=request.pk)
        locked.outcome = [
            *locked.outcome,
            {"action": "exported", "at": timezone.now().isoformat()},
        ]
        locked.save(update_fields=["outcome"])
    return content


# --- erasure ----------------------------------------------------------------------------


def erasure_preview(person: Any) -> list[dict[str, Any]]:
    """What an erasure would do, model by model, for the officer's review."""
    from partyhub.personal_data.registry import (
        Anonymise,
        Delete,
        Keep,
        registered_models,
    )

    rows = []
    for entry in sorted(registered_models(), key=lambda e: e.order):
        count = entry.own_queryset(person).count()
        if not count:
            continue
        action = entry.erase
        if isinstance(action, Delete):
            what = _("deleted")
        elif isinstance(action, Anonymise):
            what = _("kept without what identifies them")
        elif isinstance(action, Keep):
            what = _("kept: %(reason)s") % {"reason": action.reason}
        else:
            what = _("erased")
        rows.append(
            {
                "model": entry.label,
                "describe": entry.describe,
                "rows": count,
                "what": what,
                "keepable": not isinstance(action, Keep),
            }
        )
    return rows


@transaction.atomic
def erasure_approve(
    *, request: DataRequest, actor: User | None, keep: dict[str, str] | None = None
) -> DataRequest:
    """An officer has reviewed the erasure: carry it out in the background, keeping
    only what they said must be kept, each with its reason."""
    from partyhub.personal_data.registry import entry_for

    request = DataRequest.objects.select_for_update().get(pk=request.pk)
    if request.kind != DataRequest.Kind.ERASURE:
        raise DataRequestError(_("This is not an erasure request."))
    if request.status != DataRequest.Status.OPEN:
        raise DataRequestError(_("This request has already been handled."))
    keep = {label: reason.strip() for label, reason in (keep or {}).items()}
    for label, reason in keep.items():
        if entry_for(label) is None:
            raise DataRequestError(_("Unknown kind of record: %(l)s") % {"l": label})
        if not reason:
            raise DataRequestError(
                _("Give the reason for keeping each kind of record.")
            )
    request.keep = keep
    request.status = DataRequest.Status.APPROVED
    request.handled_by = actor
    request.handled_at = timezone.now()
    request.save(update_fields=["keep", "status", "handled_by", "handled_at"])
    audit_log(
        actor=actor,
        action=AuditAction.PERSON_ERASURE_APPROVED,
        obj=request,
        detail={"kept": sorted(keep)},
    )
    from partyhub.personal_data.tasks import carry_out_erasure

    transaction.on_commit(lambda: carry_out_erasure.delay(request.pk))
    return request


def _addresses(person: Any) -> set[str]:
    found = {normalise_email(person.email)}
    if person.user_id:
        found.add(normalise_email(person.user.email))
        address_model = apps.get_model("account", "EmailAddress")
        found.update(
            normalise_email(e)
            for e in address_model.objects.filter(user_id=person.user_id).values_list(
                "email", flat=True
            )
        )
    found.discard("")
    return found


def erasure_carry_out(*, request_id: int) -> bool:
    """The worker's part: erase through the register, all or nothing.

    Idempotent: a request already done is left alone; one that crashed halfway was
    rolled back whole, so the retry does it all again. Returns whether it ran.
    """
    with transaction.atomic():
        request = (
            DataRequest.objects.select_for_update()
            .select_related("person")
            .filter(pk=request_id, status=DataRequest.Status.APPROVED)
            .first()
        )
        if request is None:
            return False
        person = request.person
        addresses = _addresses(person)
        first_name = person.first_name
        numbers = list(person.memberships.values_list("membership_number", flat=True))
        outcome = erase_person(person, reason=request.reason, keep=request.keep)
        hashes = [email_hash(a) for a in sorted(addresses)]
        hashes += [membership_number_hash(n) for n in numbers]
        for value in hashes:
            Suppression.objects.get_or_create(
                email_hash=value,
                constituency_id=request.constituency_id,
                defaults={"request": request},
            )
        request.outcome = outcome
        request.status = DataRequest.Status.DONE
        request.completed_at = timezone.now()
        request.reason = ""
        request.save(update_fields=["outcome", "status", "completed_at", "reason"])
        audit_log(
            actor=None,
            action=AuditAction.PERSON_ERASED,
            obj=request,
            row_count=sum(item["rows"] for item in outcome),
            detail={"models": [item["model"] for item in outcome]},
        )
        transaction.on_commit(
            lambda: _tell_erased(addresses, first_name, request, outcome)
        )
    return True


def _tell_erased(
    addresses: set[str], first_name: str, request: DataRequest, outcome: list
) -> None:
    """The last message to the address: what was erased, and what was kept and why."""
    kept = [item for item in outcome if item["action"] == "kept" and item["reason"]]
    lines = [
        _("Hello %(name)s,") % {"name": first_name},
        "",
        _(
            "As you asked on %(day)s, we have erased your details: your name, contact "
            "details, address, login and the records that were about you alone."
        )
        % {"day": request.received_on.strftime("%d/%m/%Y")},
    ]
    if kept:
        lines += ["", _("We have kept, without your name:")]
        lines += [f"- {item['describe']}: {item['reason']}" for item in kept]
    lines += [
        "",
        _(
            "We keep a scrambled form of your email address so that a list from the "
            "national party does not add you again without asking you."
        ),
    ]
    for address in sorted(addresses)[:1]:
        send_mail(
            subject=_("Your details have been erased"),
            message="\n".join(str(line) for line in lines),
            from_email=None,
            recipient_list=[address],
        )


# --- deadlines --------------------------------------------------------------------------


def data_requests_remind(*, today: datetime.date | None = None) -> int:
    """Remind the officers responsible of open requests due within a week.

    Idempotent: a request is claimed with a compare-and-set on `reminded_on`, so
    however often beat runs it, officers hear once (again after an extension).
    """
    from partyhub.comms.reminders import reminder_schedule

    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=REMIND_DAYS_BEFORE)
    due = DataRequest.objects.filter(
        status__in=DataRequest.OPEN_STATUSES, reminded_on__isnull=True
    ).select_related("person")
    reminded = 0
    for request in due:
        if request.due_by > horizon:
            continue
        claimed = DataRequest.objects.filter(
            pk=request.pk, reminded_on__isnull=True
        ).update(reminded_on=today)
        if claimed != 1:
            continue
        for officer in responsible_officers(request.constituency_id):
            reminder_schedule(
                kind=REMINDER_DUE,
                person=officer,
                due_at=timezone.now(),
                about=request,
                key=f"data-request:{request.pk}:due:{request.due_by}:{officer.pk}",
            )
        reminded += 1
    return reminded


def site_url() -> str:
    return settings.SITE_URL.rstrip("/")


# --- merging duplicates -----------------------------------------------------------------


@transaction.atomic
def person_merge(*, survivor: Any, merged: Any, take: list[str], actor: User | None):
    """Merge `merged` into `survivor`: every registered row moves (bookings,
    signatures, consent history with its own dates…), clashes are resolved and
    written into the merge record, `take` names the fields whose value comes from
    `merged`. Officers' notes of both are kept. All or nothing; audited."""
    from partyhub.personal_data.duplicates import MERGE_FIELDS
    from partyhub.personal_data.models import MergeRecord
    from partyhub.personal_data.operations import _snapshot, repoint_person

    person_model = type(survivor)
    if survivor.pk == merged.pk:
        raise DataRequestError(_("Choose two different records."))
    first, second = sorted([survivor.pk, merged.pk])
    locked = {
        p.pk: p
        for p in person_model.objects.select_for_update().filter(pk__in=[first, second])
    }
    if len(locked) != 2:
        raise DataRequestError(_("One of the records no longer exists."))
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    if survivor.erased_at or merged.erased_at:
        raise DataRequestError(_("An erased record cannot be merged."))
    allowed = {name for name, _label in MERGE_FIELDS}
    take = [name for name in take if name in allowed]
    snapshot = _snapshot(merged)
    values = {name: getattr(merged, name) for name in take}
    if "postcode" in take:
        values["constituency_id"] = merged.constituency_id
        values["ward_id"] = merged.ward_id
    if merged.notes.strip() and merged.notes.strip() not in survivor.notes:
        values["notes"] = "\n\n".join(filter(None, [survivor.notes, merged.notes]))
    other_login = None
    if merged.user_id and not survivor.user_id:
        values["user_id"] = merged.user_id
    elif merged.user_id:
        other_login = merged.user_id

    log: list[dict[str, Any]] = []
    moved = repoint_person(merged, survivor, log=log)
    # The merged record's email and login go first: both are unique.
    person_model.objects.filter(pk=merged.pk).update(email="", user=None)
    merged_pk = merged.pk
    merged.delete()
    for name, value in values.items():
        setattr(survivor, name, value)
    survivor.save()
    if other_login is not None:
        # Two logins of one human: the survivor's stays; the other is closed (its
        # actions as an officer now read as the survivor's, moved above).
        get_user = apps.get_model(settings.AUTH_USER_MODEL)
        get_user.objects.filter(pk=other_login).update(is_active=False)
        log.append({"model": "accounts.User", "resolved": "login closed",
                    "removed": {"id": other_login}})  # fmt: skip
    record = MergeRecord.objects.create(
        survivor=survivor,
        constituency_id=survivor.constituency_id,
        merged_person_id=merged_pk,
        merged=snapshot,
        chosen=take,
        moved=moved,
        conflicts=log,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_log(
        actor=actor,
        action=AuditAction.PERSON_MERGED,
        obj=survivor,
        row_count=sum(item["rows"] for item in moved),
        detail={"merged": merged_pk, "fields": take, "record": record.pk},
    )
    return record
