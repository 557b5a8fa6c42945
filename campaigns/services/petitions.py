"""Petitions: signing online (with the supporters' double opt-in for email),
paper signatures entered in bulk, and the hand-in export."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import (
    Petition,
    Signature,
)
from campaigns.services.common import CampaignsError
from members.models import Person
from members.postcodes import normalise_postcode
from members.services import person_for_public_form, postcode_lookup
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.comms.consent import consent_record
from partyhub.comms.models import Channel, Method
from partyhub.csvrows import NumberedReader
from partyhub.locks import hold
from partyhub.ratelimit import hourly_allowance_take
from supporters.models import SignupRequest, Supporter
from supporters.next_steps import next_steps
from supporters.signup import (
    PendingKind,
    SignupGone,
    lock_address,
    pending_request_create,
    register_pending,
    supporter_confirm,
)

if TYPE_CHECKING:
    from partyhub.accounts.models import User


# --- petitions ------------------------------------------------------------------

# The exact words beside each box on the petition form; the consent ledger keeps
# them, as the ICO expects a record of what the person agreed to.
CONSENT_WORDING = {
    Channel.EMAIL: gettext_lazy(
        "Yes, email me about this campaign and other news from the local party."
    ),
    Channel.POST: gettext_lazy(
        "Yes, write to me about this campaign and other news from the local party."
    ),
}


PETITION_SIGNATURES_PER_IP_PER_HOUR = 30


def petition_ip_allowance_take(*, ip: str) -> bool:
    """Count a petition POST from `ip`; False once the hourly allowance is used up.
    A street stall shares one phone hotspot, so the allowance is generous."""
    limit = getattr(
        settings,
        "CAMPAIGNS_PETITION_SIGNATURES_PER_IP_PER_HOUR",
        PETITION_SIGNATURES_PER_IP_PER_HOUR,
    )
    return hourly_allowance_take("campaigns:petition-ip", ip, limit)


@transaction.atomic
def petition_sign(*, petition: Petition, data: dict[str, Any]) -> SignupRequest:
    """A signature from the public page, held until the signer confirms the link
    mailed to them: a form anyone can fill in with anyone's address must not put a
    name on a petition, create a Person, or record consent (a ticked post box, a
    ticked email box) in that address's name. Nothing here says whether the address
    is known. The signature counts once confirmed (petition_signature_confirm)."""
    if petition.status != Petition.Status.OPEN:
        raise CampaignsError(_("This petition is not open for signatures."))
    consents = {
        str(channel): str(CONSENT_WORDING[channel])
        for channel in (Channel.EMAIL, Channel.POST)
        if data.get(f"consent_{channel}")
    }
    return pending_request_create(
        kind=SignupRequest.Kind.PETITION,
        about_id=petition.pk,
        data={
            "first_name": data["first_name"].strip(),
            "last_name": data["last_name"].strip(),
            "email": data["email"].strip(),
            "postcode": data.get("postcode", ""),
            "phone": "",
            "offers": [],
            "consents": consents,
            "form_constituency": petition.constituency_id,
            "source": Supporter.Source.PETITION.value,
            "petition": petition.pk,
        },
        constituency=petition.constituency,
    )


def _petition_asked(request: SignupRequest) -> str:
    petition = Petition.objects.filter(pk=request.about_id).first()
    title = petition.title if petition else _("a petition")
    return _("sign the petition “%(title)s”") % {"title": title}


@transaction.atomic
def petition_signature_confirm(
    request: SignupRequest,
) -> tuple[str, dict[str, Any]]:
    """The signer proved their address: sign, and keep in touch as they asked
    (the email box makes them a supporter, as the supporters' club signup does).
    Idempotent: a second press finds the signature made by the first."""
    lock_address(request.email)
    request = SignupRequest.objects.select_for_update().get(pk=request.pk)
    petition = Petition.objects.filter(pk=request.about_id).first()
    if petition is None:
        raise SignupGone
    data = request.data
    context: dict[str, Any] = {
        "heading": _("Thank you for signing"),
        "back_url": reverse("campaigns:petition", args=[petition.slug]),
        "back_label": _("Back to the petition"),
        "steps": next_steps(
            constituency=petition.constituency,
            share_path=reverse("campaigns:petition", args=[petition.slug]),
            share_title=petition.title,
        ),
    }
    if request.confirmed_at is None and petition.status != Petition.Status.OPEN:
        context["heading"] = _("This petition has closed")
        context["steps"] = next_steps(constituency=petition.constituency)
        context["lines"] = [
            _("It closed before you confirmed, so your name could not be added.")
        ]
        return "supporters/pending_done.html", context
    consents = data.get("consents") or {}
    if request.confirmed_at is None:
        if Channel.EMAIL in consents:
            # Joins the supporters' club and records every box ticked, with the
            # petition as the method; marks the request confirmed.
            person = supporter_confirm(signup_request=request).supporter.person
        else:
            person = person_for_public_form(
                email=data["email"],
                constituency_ids=[petition.constituency_id],
                first_name=data["first_name"],
                last_name=data["last_name"],
                postcode=data.get("postcode", ""),
            )
            for channel, wording in consents.items():
                consent_record(
                    person=person,
                    channel=channel,
                    granted=True,
                    method=Method.PETITION,
                    wording=wording,
                )
            request.confirmed_at = timezone.now()
            request.save(update_fields=["confirmed_at"])
        _signer_ward_place(person)
        signature, created = Signature.objects.get_or_create(
            petition=petition, person=person
        )
        if created:
            audit_log(
                actor=None,
                action=AuditAction.PETITION_SIGN,
                obj=signature,
                detail={"signup_request": request.pk},
            )
    context["lines"] = [
        _("Your name is on “%(title)s”.") % {"title": petition.title},
    ]
    if Channel.EMAIL in consents:
        context["lines"].append(
            _("You are in the supporters' club: we will keep you informed by email.")
        )
    return "supporters/pending_done.html", context


def register_petition_confirmation() -> None:
    """Call from CampaignsConfig.ready()."""
    register_pending(
        SignupRequest.Kind.PETITION,
        PendingKind(
            subject=gettext_lazy("Please confirm your signature"),
            asked=_petition_asked,
            confirm=petition_signature_confirm,
        ),
    )


def _signer_ward_place(person: Person) -> None:
    """Put a signer without a ward in the ward of their postcode, so the signature
    counts towards that ward's target. Only within their own constituency: a public
    form never moves a person to another CLP."""
    if person.ward_id is not None or not person.postcode:
        return
    found = postcode_lookup(person.postcode)
    if found is None or found.constituency_id != person.constituency_id:
        return
    person.ward_id = found.ward_id
    person.save(update_fields=["ward", "updated"])


def petition_export(*, petition: Petition, actor: User | None) -> list[tuple[str, str]]:
    """Names and postcodes for handing the petition in — nothing else leaves."""
    rows = [
        (f"{first} {last}".strip(), postcode)
        for first, last, postcode in petition.signatures.order_by(
            "created"
        ).values_list("person__first_name", "person__last_name", "person__postcode")
    ]
    audit_log(
        actor=actor,
        action=AuditAction.PETITION_EXPORT,
        obj=petition,
        row_count=len(rows),
    )
    return rows


# --- paper signatures, entered in bulk ----------------------------------------------

PAPER_MAX_ROWS = 1000
_TICKED = {"y", "yes", "x", "1", "true", "ticked", "✓", "✔"}
_PAPER_CHANNELS = (Channel.EMAIL, Channel.POST)


@dataclass
class PaperRow:
    line: int
    first_name: str
    last_name: str
    postcode: str
    email: str = ""
    consents: tuple[str, ...] = ()


@dataclass
class PaperReport:
    rows: list[PaperRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    added: int = 0
    already: int = 0
    applied: bool = False


def _paper_row(line: int, cells: list[str]) -> PaperRow | str:
    """One pasted line as a row, or the message saying what is wrong with it."""
    cells = [c.strip() for c in cells] + [""] * 5
    name, postcode, email, email_box, post_box = cells[:5]
    words = name.split()
    if len(words) < 2:
        return _("Give a first name and a last name.")
    try:
        postcode = normalise_postcode(postcode)
    except ValidationError:
        return _("“%(postcode)s” is not a full UK postcode.") % {"postcode": postcode}
    if email:
        try:
            validate_email(email)
        except ValidationError:
            return _("“%(email)s” is not an email address.") % {"email": email}
    consents = tuple(
        channel
        for channel, box in zip(_PAPER_CHANNELS, (email_box, post_box), strict=True)
        if box.lower() in _TICKED
    )
    if Channel.EMAIL in consents and not email:
        return _("The email box is ticked but there is no email address.")
    return PaperRow(
        line=line,
        first_name=" ".join(words[:-1]),
        last_name=words[-1],
        postcode=postcode,
        email=email,
        consents=consents,
    )


def paper_signatures_read(text: str) -> PaperReport:
    """Check pasted lines — name, postcode, email (optional), email box, post box
    (ticked: y, yes, x or 1) — without changing anything."""
    report = PaperReport()
    seen: dict[Any, int] = {}
    reader = NumberedReader(csv.reader(io.StringIO(text.strip())))
    lines = [(reader.row_start, cells) for cells in reader]
    if lines and lines[0][1] and lines[0][1][0].strip().lower() == "name":
        lines[0] = (lines[0][0], [])  # a header row copied from the spreadsheet
    for number, cells in lines:
        if not any(c.strip() for c in cells):
            continue
        row = _paper_row(number, cells)
        if isinstance(row, str):
            report.errors.append((number, row))
            continue
        key = row.email.lower() or (
            row.first_name.lower(),
            row.last_name.lower(),
            row.postcode,
        )
        if key in seen:
            report.errors.append(
                (number, _("The same signer as line %(line)s.") % {"line": seen[key]})
            )
            continue
        seen[key] = number
        report.rows.append(row)
    if not report.rows and not report.errors:
        report.errors.append((0, _("Paste at least one line.")))
    if len(report.rows) > PAPER_MAX_ROWS:
        report.errors.append(
            (0, _("At most %(n)s lines at a time.") % {"n": PAPER_MAX_ROWS})
        )
    return report


def _paper_person(petition: Petition, row: PaperRow) -> Person:
    person = _paper_person_find(petition, row)
    _signer_ward_place(person)
    return person


def _paper_person_find(petition: Petition, row: PaperRow) -> Person:
    if row.email:
        return person_for_public_form(
            email=row.email,
            constituency_ids=[petition.constituency_id],
            first_name=row.first_name,
            last_name=row.last_name,
            postcode=row.postcode,
        )
    # No email on the paper form: the same name at the same postcode is the same
    # person (a stall visited twice), so they are not counted twice.
    hold(
        f"campaigns-paper-person:{petition.constituency_id}:"
        f"{row.first_name.lower()}:{row.last_name.lower()}:{row.postcode}"
    )
    person = (
        Person.objects.select_for_update()
        .filter(
            constituency_id=petition.constituency_id,
            first_name__iexact=row.first_name,
            last_name__iexact=row.last_name,
            postcode=row.postcode,
        )
        .order_by("pk")
        .first()
    )
    if person is None:
        person = Person.objects.create(
            first_name=row.first_name,
            last_name=row.last_name,
            postcode=row.postcode,
            constituency_id=petition.constituency_id,
        )
    return person


@transaction.atomic
def petition_paper_signatures_add(
    *, petition: Petition, text: str, actor: User | None
) -> PaperReport:
    """Add signatures collected on paper: every line or none. A line with a problem
    stops the whole batch and is reported; a signer already on the petition counts
    once. Consent is recorded only for the boxes ticked on the paper form."""
    if petition.status != Petition.Status.OPEN:
        raise CampaignsError(_("This petition is not open for signatures."))
    report = paper_signatures_read(text)
    if report.errors:
        return report
    for row in report.rows:
        person = _paper_person(petition, row)
        _signature, created = Signature.objects.get_or_create(
            petition=petition,
            person=person,
            defaults={"source": Signature.Source.PAPER, "entered_by": actor},
        )
        if created:
            report.added += 1
        else:
            report.already += 1
        for channel in row.consents:
            consent_record(
                person=person,
                channel=channel,
                granted=True,
                method=Method.PETITION,
                wording=_("Ticked on a paper petition form: %(wording)s")
                % {"wording": CONSENT_WORDING[channel]},
                actor=actor,
            )
    report.applied = True
    audit_log(
        actor=actor,
        action=AuditAction.PETITION_PAPER_SIGNATURES_ADD,
        obj=petition,
        row_count=report.added,
        detail={"lines": len(report.rows), "already_signed": report.already},
    )
    return report
