"""What a member does to their own record from the portal: every write audited."""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from members.models import Membership, Person, Transfer
from members.services import membership_branches_follow, person_place
from members.transfers import transfers_after_placement
from partyhub import privacy
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.comms.consent import consent_record, current_consents
from partyhub.comms.models import Channel, Method
from partyhub.links import make_token
from partyhub.personal_data.models import DataRequest
from partyhub.personal_data.services import data_request_create, data_request_handle

if TYPE_CHECKING:
    from partyhub.accounts.models import User


# The fields a member may change themselves (email is their login: the account
# pages change it, with re-verification).
OWN_FIELDS = (
    "first_name",
    "last_name",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "phone",
    "mobile",
    "accessibility_needs",
    "availability",
)

# An export with more rows than this is built by a Celery worker and mailed as a
# link, so a long-standing member's years of deliveries never tie up a web process.
EXPORT_SYNC_MAX_ROWS = 5000
EXPORT_LINK_PURPOSE = "data_export"
EXPORT_LINK_MAX_AGE = 7 * 24 * 3600  # a week


def export_dir() -> Path:
    # Under MEDIA_ROOT but never served by URL: downloads go through a view that
    # checks the signed link and the logged-in person.
    return Path(settings.MEDIA_ROOT) / "private" / "exports"


@transaction.atomic
def person_update_own(
    *, person: Person, data: dict[str, Any], actor: User | None
) -> list[str]:
    """Save what a member changed on "My details"; returns the changed field names.

    A new postcode re-places the person in a ward through the lookup; one the lookup
    does not know clears the ward, so an officer sees it as unplaced.
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    changed = []
    for name in OWN_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name == "availability" and isinstance(value, list | tuple):
            value = ",".join(value)
        value = value if value is not None else ""
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed.append(name)
    if not changed:
        return []
    update_fields = [*changed, "updated"]
    old_ward_id = person.ward_id
    placement = None
    if "postcode" in changed:
        placement = person_place(person=person)
        if not placement:
            person.ward_id = None
        update_fields += ["constituency", "ward"]
    person.save(update_fields=update_fields)
    membership_branches_follow(moved=[(person, old_ward_id)])
    if placement is not None:
        # A postcode in another CLP asks that CLP's officers to take them.
        transfers_after_placement(
            person=person,
            elsewhere=placement.elsewhere,
            source=Transfer.Source.PORTAL,
            actor=actor,
        )
    # Which fields, never their values: the audit log is read by officers.
    audit_log(
        actor=actor,
        action=AuditAction.PERSON_UPDATE_OWN,
        obj=person,
        detail={"fields": changed},
    )
    return changed


@transaction.atomic
def person_contact_preferences(
    *,
    person: Person,
    wanted: dict[tuple[str, str], tuple[bool, str]],
    actor: User | None,
) -> int:
    """Record in the consent ledger the (channel, topic) choices that changed.

    `wanted` maps (channel, topic) to (granted, the exact wording shown). A choice
    the ledger has never seen is compared with its default: not granted for a
    channel, not opted out (granted) for a topic or for "any contact at all".
    """
    current = current_consents(person)
    recorded = 0
    for (channel, topic), (granted, wording) in wanted.items():
        default = bool(topic) or channel == Channel.ANY
        if current.get((channel, topic), default) == granted:
            continue
        consent_record(
            person=person,
            channel=channel,
            topic=topic,
            granted=granted,
            method=Method.PORTAL,
            wording=wording,
            actor=actor,
        )
        recorded += 1
    return recorded


def membership_status(person: Person) -> Membership | None:
    """The membership that says most: current before arrears, lapsed, resigned."""
    order = [s.value for s in Membership.Status]
    memberships = list(person.memberships.all())
    memberships.sort(key=lambda m: (order.index(m.status), -m.joined.toordinal()))
    return memberships[0] if memberships else None


# --- my data ---------------------------------------------------------------------------


def data_export_is_large(person: Person) -> bool:
    return privacy.export_row_count(person) > EXPORT_SYNC_MAX_ROWS


def data_export_build(*, person: Person, actor: User | None) -> bytes:
    """The zip of everything held about the person, built now."""
    content = privacy.export_zip(person)
    audit_log(
        actor=actor,
        action=AuditAction.PERSON_DATA_EXPORT,
        obj=person,
        row_count=privacy.export_row_count(person),
        detail={"how": "download"},
    )
    return content


def data_export_request(*, person: Person, actor: User | None) -> None:
    """Build a large export in the background; the person is emailed a link."""
    from members.tasks import build_data_export

    audit_log(
        actor=actor,
        action=AuditAction.PERSON_DATA_EXPORT_REQUESTED,
        obj=person,
        row_count=privacy.export_row_count(person),
    )
    transaction.on_commit(lambda: build_data_export.delay(person.pk))


def data_export_to_file(*, person_id: int) -> str:
    """Write the person's export to a private file and email them a signed link.

    Returns the link's token. The file name is random and only in the signed token.
    """
    person = Person.objects.get(pk=person_id)
    content = privacy.export_zip(person)
    folder = export_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{person.pk}-{secrets.token_hex(16)}.zip"
    (folder / name).write_bytes(content)
    token = make_token(EXPORT_LINK_PURPOSE, person.pk, f=name)
    audit_log(
        actor=None,
        action=AuditAction.PERSON_DATA_EXPORT,
        obj=person,
        row_count=privacy.export_row_count(person),
        detail={"how": "background"},
    )
    if person.email:
        link = settings.SITE_URL.rstrip("/") + reverse("portal:data_file", args=[token])
        send_mail(
            subject=_("Your data from the party is ready"),
            message=_(
                "Hello %(name)s,\n\nThe copy of everything the party holds about you "
                "is ready. Log in and download it here within a week:\n\n%(link)s\n"
            )
            % {"name": person.first_name, "link": link},
            from_email=None,
            recipient_list=[person.email],
        )
    return token


def data_exports_cleanup(*, now: float | None = None) -> int:
    """Delete export files whose links have expired; returns how many. Personal
    data is kept no longer than the link that gives it out."""
    folder = export_dir()
    if not folder.is_dir():
        return 0
    cutoff = (now if now is not None else time.time()) - EXPORT_LINK_MAX_AGE
    removed = 0
    for path in folder.glob("*.zip"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def export_path_for(name: str) -> Path | None:
    path = export_dir() / name
    if "/" in name or "\\" in name or not path.is_file():
        return None
    return path


# --- erasure ----------------------------------------------------------------------------


def erasure_request_create(
    *, person: Person, reason: str, actor: User | None
) -> DataRequest:
    """An erasure request from the portal: logged with its deadline, the person
    told it arrived, the officers responsible told to review it."""
    return data_request_create(
        person=person,
        kind=DataRequest.Kind.ERASURE,
        reason=reason,
        actor=actor,
        received_how=DataRequest.Received.PORTAL,
    )


def erasure_request_handle(
    *, request: DataRequest, status: str, actor: User | None
) -> DataRequest:
    return data_request_handle(request=request, status=status, actor=actor)


def erasure_requests_of(person: Person):
    return person.data_requests.filter(kind=DataRequest.Kind.ERASURE)
