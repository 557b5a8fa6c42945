"""Street watch: a member or supporter reports a problem, the ward is found from
the postcode, the report goes to the ward's councillors exactly once (a reminder
per councillor, keyed by report and councillor), and the reporter is told when it
is forwarded and when it is resolved."""

from __future__ import annotations

import io
import warnings
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from campaigns.models import StreetReport
from campaigns.services.common import CampaignsError
from members.models import ElectedRepresentative, Person
from members.services import postcode_lookup
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.comms.reminders import reminder_schedule
from partyhub.links import make_token, read_token
from partyhub.ratelimit import hourly_allowance_take

if TYPE_CHECKING:
    from partyhub.accounts.models import User


REMINDER_STREET_COUNCILLOR = "campaigns.street_report_councillor"
REMINDER_STREET_STATUS = "campaigns.street_report_status"
STREET_REPORT_PURPOSE = "campaigns-street-report"
STREET_PHOTO_PURPOSE = "campaigns-street-photo"
STREET_REPORT_LINK_MAX_AGE_SECONDS = 60 * 60 * 24 * 180
STREET_PHOTO_LINK_MAX_AGE_SECONDS = 60 * 60 * 24 * 90
STREET_REPORTS_PER_PERSON_PER_HOUR = 10
PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_MAX_SIDE = 2000
# Well below Pillow's own bomb limit (~89 MP); a phone's camera makes 12 to 50 MP,
# and a decoded 40 MP photo is about 120 MB in memory.
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}


def _setting(name: str, default: int) -> int:
    return getattr(settings, f"CAMPAIGNS_{name}", default)


# --- photos -------------------------------------------------------------------------


def street_photo_clean(upload: Any) -> ContentFile:
    """A photo fit to keep: JPEG, PNG or WebP, not too large, turned upright and
    saved again without its metadata — a phone's photo carries the GPS position
    of wherever it was taken, often the reporter's home.

    The size in pixels is read from the file's header (Pillow's open() decodes
    nothing) and checked before anything is decoded: a small file can claim a
    huge picture (a 419 KB PNG of 12,000 × 12,000 took 11 s and 1.2 GB)."""
    max_bytes = _setting("STREET_PHOTO_MAX_BYTES", PHOTO_MAX_BYTES)
    max_pixels = _setting("STREET_PHOTO_MAX_PIXELS", PHOTO_MAX_PIXELS)
    if upload.size > max_bytes:
        raise CampaignsError(
            _("The photo is too large: at most %(mb)s MB.") % {"mb": max_bytes // 2**20}
        )
    too_many_pixels = CampaignsError(
        _(
            "The photo has too many pixels: at most %(mp)s megapixels. Send a "
            "smaller copy (phones offer one when sharing)."
        )
        % {"mp": max_pixels // 1_000_000}
    )
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
        image_format = image.format
        if image_format not in PHOTO_FORMATS:
            raise CampaignsError(_("Send a JPEG, PNG or WebP photo."))
        width, height = image.size
        if width * height > max_pixels:
            raise too_many_pixels
        image.load()
    except CampaignsError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_many_pixels from exc
    except Exception as exc:  # Pillow raises many kinds for a file it cannot read
        raise CampaignsError(_("That file is not a photo we can read.")) from exc
    image = ImageOps.exif_transpose(image)
    image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format=image_format)
    return ContentFile(out.getvalue(), name=f"photo{PHOTO_FORMATS[image_format]}")


# --- reporting ----------------------------------------------------------------------


def street_report_allowance_take(*, person: Person) -> bool:
    return hourly_allowance_take(
        "campaigns:street-report",
        str(person.pk),
        _setting(
            "STREET_REPORTS_PER_PERSON_PER_HOUR", STREET_REPORTS_PER_PERSON_PER_HOUR
        ),
    )


@transaction.atomic
def street_report_create(
    *,
    reporter: Person,
    category: str,
    description: str,
    location: str,
    postcode: str,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    photo: Any = None,
    actor: User | None = None,
) -> StreetReport:
    """Store the report in the constituency and ward of its postcode (else the
    reporter's constituency, for an officer to place) and forward it."""
    found = postcode_lookup(postcode)
    constituency_id = found.constituency_id if found else reporter.constituency_id
    if constituency_id is None:
        raise CampaignsError(
            _("We could not tell which local party covers that postcode.")
        )
    report = StreetReport(
        reporter=reporter,
        constituency_id=constituency_id,
        ward_id=found.ward_id if found else None,
        category=category,
        description=description,
        location=location,
        postcode=postcode,
        latitude=latitude,
        longitude=longitude,
    )
    if photo:
        cleaned = street_photo_clean(photo)
        report.photo.save(cleaned.name, cleaned, save=False)
    report.save()
    audit_log(
        actor=actor,
        action=AuditAction.STREET_REPORT_CREATE,
        obj=report,
        detail={"ward": report.ward_id, "category": category},
    )
    if report.ward_id:
        street_report_forward(report=report, actor=actor)
    return report


def ward_councillors(ward_id: int) -> QuerySet:
    """The ward's councillors serving today."""
    today = timezone.localdate()
    return (
        ElectedRepresentative.objects.filter(
            role=ElectedRepresentative.Role.WARD_COUNCILLOR,
            wards=ward_id,
            starts__lte=today,
        )
        .filter(Q(ends__isnull=True) | Q(ends__gte=today))
        .select_related("person")
    )


@transaction.atomic
def street_report_forward(*, report: StreetReport, actor: User | None) -> int:
    """Email the report to each of the ward's councillors — once each, however
    often this runs (the reminder key is the report and the councillor). Returns
    how many councillors it goes to; with none, the report stays "reported"."""
    report = StreetReport.objects.select_for_update().get(pk=report.pk)
    if report.ward_id is None:
        raise CampaignsError(_("Set the ward first: it says who the councillors are."))
    councillors = [rep.person for rep in ward_councillors(report.ward_id)]
    for councillor in councillors:
        reminder_schedule(
            kind=REMINDER_STREET_COUNCILLOR,
            person=councillor,
            due_at=timezone.now(),
            about=report,
            key=f"{REMINDER_STREET_COUNCILLOR}:{report.pk}:{councillor.pk}",
        )
    if not councillors:
        return 0
    report.forwarded_to.add(*councillors)
    if report.status == StreetReport.Status.REPORTED:
        report.status = StreetReport.Status.FORWARDED
        report.forwarded_at = timezone.now()
        report.save(update_fields=["status", "forwarded_at", "updated"])
        _tell_reporter(report)
    audit_log(
        actor=actor,
        action=AuditAction.STREET_REPORT_FORWARD,
        obj=report,
        detail={"councillors": [c.pk for c in councillors]},
    )
    return len(councillors)


@transaction.atomic
def street_report_resolve(
    *, report: StreetReport, actor: User | None, action_taken: str = ""
) -> StreetReport:
    report = StreetReport.objects.select_for_update().get(pk=report.pk)
    if report.status == StreetReport.Status.RESOLVED:
        return report
    report.status = StreetReport.Status.RESOLVED
    report.resolved_at = timezone.now()
    if action_taken:
        report.action_taken = action_taken
    report.save(update_fields=["status", "resolved_at", "action_taken", "updated"])
    _tell_reporter(report)
    audit_log(actor=actor, action=AuditAction.STREET_REPORT_RESOLVE, obj=report)
    return report


def _tell_reporter(report: StreetReport) -> None:
    if report.reporter_id is None:
        return
    reminder_schedule(
        kind=REMINDER_STREET_STATUS,
        person=report.reporter,
        due_at=timezone.now(),
        about=report,
        key=f"{REMINDER_STREET_STATUS}:{report.pk}:{report.status}",
    )


def street_reports_by_ward(reports: QuerySet) -> list[dict[str, Any]]:
    """The record of action per ward: counts by status, one query."""
    return list(
        reports.values("ward_id", "ward__name")
        .annotate(
            total=Count("pk"),
            reported=Count("pk", filter=Q(status=StreetReport.Status.REPORTED)),
            forwarded=Count("pk", filter=Q(status=StreetReport.Status.FORWARDED)),
            resolved=Count("pk", filter=Q(status=StreetReport.Status.RESOLVED)),
        )
        .order_by("ward__name")
    )


# --- signed links -------------------------------------------------------------------


def street_report_url(*, person_id: int) -> str:
    """A person's own link to report a problem without logging in."""
    token = make_token(STREET_REPORT_PURPOSE, person_id)
    return settings.SITE_URL.rstrip("/") + reverse(
        "campaigns:street_report_link", args=[token]
    )


def street_reporter_from_token(token: str) -> Person:
    """Raises LinkExpired, LinkInvalid or Person.DoesNotExist."""
    payload = read_token(
        token,
        STREET_REPORT_PURPOSE,
        max_age=_setting(
            "STREET_REPORT_LINK_MAX_AGE_SECONDS", STREET_REPORT_LINK_MAX_AGE_SECONDS
        ),
    )
    return Person.objects.get(pk=payload["p"])


def street_photo_url(*, report: StreetReport, person_id: int) -> str:
    """A councillor's link to the report's photo (the photo is not public)."""
    token = make_token(STREET_PHOTO_PURPOSE, person_id, r=report.pk)
    return settings.SITE_URL.rstrip("/") + reverse(
        "campaigns:street_photo", args=[token]
    )


def street_report_for_photo_token(token: str) -> StreetReport:
    """Raises LinkExpired, LinkInvalid or StreetReport.DoesNotExist (also when the
    link's person is not one the report was sent to)."""
    payload = read_token(
        token,
        STREET_PHOTO_PURPOSE,
        max_age=_setting(
            "STREET_PHOTO_LINK_MAX_AGE_SECONDS", STREET_PHOTO_LINK_MAX_AGE_SECONDS
        ),
    )
    return StreetReport.objects.exclude(photo="").get(
        pk=payload.get("r"), forwarded_to=payload["p"]
    )


def street_report_personaliser(message: Any) -> Any:
    """%%STREET_REPORT_URL%% in a message becomes each recipient's own link."""
    if "%%STREET_REPORT_URL%%" not in (getattr(message, "body", "") or ""):
        return None

    def links(person_id: int) -> dict[str, str]:
        return {"%%STREET_REPORT_URL%%": street_report_url(person_id=person_id)}

    return links


@transaction.atomic
def street_report_update(*, instance: Any, changes: dict[str, Any], actor: Any) -> Any:
    """An officer's edit of a report. The ward says where the problem is: the
    report belongs to its constituency (the ward's councillors get it, that CLP's
    officers see it). Audited with old and new values."""
    from partyhub.updates import Written, audit_detail, model_update

    ward = changes.get("ward")
    if ward is not None:
        changes = {**changes, "constituency": ward.constituency_id}
    fields = [f.name for f in instance._meta.concrete_fields if f.editable]
    written = Written(instance)
    written.changed = model_update(instance=instance, changes=changes, fields=fields)
    if written.changed:
        audit_log(
            actor=actor,
            action=AuditAction.STREETREPORT_UPDATED,
            obj=instance,
            detail=audit_detail(written.changed),
        )
    return written
