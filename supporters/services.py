"""Writes, workflows and reads for the officers' side of the supporters' club:
importing an existing list, asks and their replies, the prize draw, conversion.

The public signup lives in supporters/signup.py.
"""

from __future__ import annotations

import csv
import datetime
import random
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce, Lower, TruncDate, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Constituency, Membership, Person
from members.postcodes import normalise_postcode
from members.services import PostcodeFileError, postcode_lookup, read_text_upload
from partyhub.audit.services import audit_log
from partyhub.comms.consent import consent_record
from partyhub.comms.models import (
    Channel,
    ConsentState,
    Delivery,
    Message,
    Method,
    Segment,
    Topic,
)
from partyhub.comms.reminders import reminder_schedule
from partyhub.comms.services import message_schedule
from partyhub.links import make_token
from supporters.models import Ask, AskReply, HelpOffer, PrizeDraw, Supporter


class SupportersError(ValidationError):
    """A domain error an officer can read: nothing was changed."""


def help_offers_for(constituency_ids: Any) -> Any:
    """Offers an officer may use: party-wide ones and their own CLPs' (None: all)."""
    offers = HelpOffer.objects.all()
    if constituency_ids is None:
        return offers
    return offers.filter(
        Q(constituency__isnull=True) | Q(constituency__in=constituency_ids)
    )


# --- importing an existing supporters list ------------------------------------------

IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_ROWS = 50_000
_REQUIRED = ("first_name", "last_name", "email")
_CONSENT_COLUMNS = {
    "email_consent": Channel.EMAIL,
    "phone_consent": Channel.PHONE,
    "text_consent": Channel.TEXT,
    "post_consent": Channel.POST,
}
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


@dataclass
class ImportRow:
    line: int
    email: str
    first_name: str
    last_name: str
    postcode: str
    phone: str
    offers: list[HelpOffer]
    consents: dict[str, bool]  # channel -> granted; a channel not stated is absent
    wording: str
    person: Person | None = None  # the existing Person, when the email is known


@dataclass
class ImportReport:
    dry_run: bool
    new: list[ImportRow] = field(default_factory=list)
    updated: list[ImportRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    applied: bool = False

    @property
    def row_count(self) -> int:
        return len(self.new) + len(self.updated)


def _header_key(name: str) -> str:
    return "_".join((name or "").strip().lower().replace("-", " ").split())


def _read_rows(file: Any) -> tuple[list[str], list[dict[str, str]]]:
    """The file's (normalised) headers and rows; SupportersError for a bad file."""
    if hasattr(file, "size") and file.size is not None:
        size = file.size
    else:
        size = len(file) if isinstance(file, bytes | bytearray) else None
    if size is not None and size > IMPORT_MAX_BYTES:
        raise SupportersError(
            _(
                "The file is too large (the limit is %(mb)s MB): split it and import each part."
            )
            % {"mb": IMPORT_MAX_BYTES // (1024 * 1024)}
        )
    data = file if isinstance(file, bytes | bytearray) else file.read()
    if len(data) > IMPORT_MAX_BYTES:
        raise SupportersError(
            _(
                "The file is too large (the limit is %(mb)s MB): split it and import each part."
            )
            % {"mb": IMPORT_MAX_BYTES // (1024 * 1024)}
        )
    if not data.strip():
        raise SupportersError(_("The file is empty."))
    try:
        text: IO[str] = read_text_upload(bytes(data))
    except PostcodeFileError as exc:
        raise SupportersError(str(exc)) from exc
    try:
        reader = csv.reader(text)
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            raise SupportersError(_("The file has no header row."))
        keys = [_header_key(h) for h in header]
        missing = [c for c in _REQUIRED if c not in keys]
        if missing:
            raise SupportersError(
                _(
                    "The file needs the columns %(missing)s (found: %(found)s). Is it "
                    "a CSV file with a header row?"
                )
                % {"missing": ", ".join(missing), "found": ", ".join(keys)[:200]}
            )
        rows = []
        for values in reader:
            if len(rows) >= IMPORT_MAX_ROWS:
                raise SupportersError(
                    _("The file has more than %(n)s rows: split it.")
                    % {"n": IMPORT_MAX_ROWS}
                )
            rows.append(dict(zip(keys, (v.strip() for v in values), strict=False)))
    except csv.Error as exc:
        raise SupportersError(
            _("The file could not be read as CSV: %(error)s") % {"error": exc}
        ) from exc
    return keys, rows


def _plan(
    rows: list[dict[str, str]], *, constituency: Constituency, wording: str
) -> ImportReport:
    report = ImportReport(dry_run=True)
    offers = {
        o.slug: o for o in help_offers_for(frozenset({constituency.pk})).order_by()
    }
    emails = {(r.get("email") or "").lower() for r in rows}
    existing = {
        p.email.lower(): p
        for p in Person.objects.annotate(email_lower=Lower("email")).filter(
            constituency=constituency, email_lower__in=emails - {""}
        )
    }
    seen: dict[str, int] = {}
    for line, raw in enumerate(rows, start=2):
        if not any(raw.values()):
            continue  # a blank line in a spreadsheet export
        problems: list[str] = []
        email = (raw.get("email") or "").strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("“%(v)s” is not an email address") % {"v": email})
        if email in seen:
            problems.append(_("the same email is on line %(n)s") % {"n": seen[email]})
        seen.setdefault(email, line)
        first, last = raw.get("first_name", ""), raw.get("last_name", "")
        if not first or not last:
            problems.append(_("first and last name are needed"))
        postcode = raw.get("postcode", "")
        if postcode:
            try:
                postcode = normalise_postcode(postcode)
            except ValidationError:
                problems.append(_("“%(v)s” is not a UK postcode") % {"v": postcode})
        chosen = []
        for slug in filter(None, (s.strip() for s in raw.get("offers", "").split(";"))):
            if slug in offers:
                chosen.append(offers[slug])
            else:
                problems.append(
                    _("unknown kind of help “%(v)s” (known: %(known)s)")
                    % {"v": slug, "known": ", ".join(sorted(offers))}
                )
        consents: dict[str, bool] = {}
        for column, channel in _CONSENT_COLUMNS.items():
            value = raw.get(column, "").lower()
            if value in _YES:
                consents[channel] = True
            elif value in _NO:
                consents[channel] = False
            elif value:
                problems.append(
                    _("%(col)s must be yes or no, not “%(v)s”")
                    % {"col": column, "v": value}
                )
        row_wording = raw.get("consent_wording", "") or wording
        if any(consents.values()) and not row_wording:
            # Consent without the words the person agreed to is no record at all.
            problems.append(
                _("consent is given but not the wording shown when it was collected")
            )
        if problems:
            report.errors.append((line, "; ".join(problems)))
            continue
        row = ImportRow(
            line=line,
            email=email,
            first_name=first[:100],
            last_name=last[:100],
            postcode=postcode,
            phone=raw.get("phone", "")[:30],
            offers=chosen,
            consents=consents,
            wording=row_wording,
            person=existing.get(email),
        )
        (report.updated if row.person else report.new).append(row)
    return report


def supporters_import(
    *,
    file: Any,
    constituency: Constituency,
    actor: Any,
    dry_run: bool,
    wording: str = "",
) -> ImportReport:
    """Import an existing supporters list (CSV) into one constituency.

    The same rules as the signup form: consent is taken per row and channel with
    its wording, and a channel not stated is recorded as no consent at all. A dry
    run reports new, updated and rejected rows (with line numbers) and changes
    nothing; applying refuses a file with any error and otherwise writes every row
    or none. Raises SupportersError for a file that cannot be read.
    """
    _keys, rows = _read_rows(file)
    if not rows:
        raise SupportersError(_("The file has a header row but no supporters."))
    report = _plan(rows, constituency=constituency, wording=wording)
    report.dry_run = dry_run
    if dry_run or report.errors:
        return report
    with transaction.atomic():
        _apply(report, constituency=constituency, actor=actor)
        audit_log(
            actor=actor,
            action="supporter.import",
            constituency_id=constituency.pk,
            row_count=report.row_count,
            detail={"new": len(report.new), "updated": len(report.updated)},
        )
    report.applied = True
    return report


def _apply(report: ImportReport, *, constituency: Constituency, actor: Any) -> None:
    today = timezone.localdate()
    for row in [*report.new, *report.updated]:
        person = row.person
        if person is None:
            person = Person(
                first_name=row.first_name,
                last_name=row.last_name,
                email=row.email,
                constituency=constituency,
            )
        # An import fills gaps; it never overwrites what the party already holds.
        if not person.phone and row.phone:
            person.phone = row.phone
        if not person.postcode and row.postcode:
            person.postcode = row.postcode
        placed = False
        if person.postcode and person.ward_id is None:
            found = postcode_lookup(person.postcode)
            if found is not None and found.constituency_id == constituency.pk:
                person.ward_id = found.ward_id
                placed = found.ward_id is not None
        elif person.ward_id:
            placed = True
        person.save()
        # An officer vouches for an imported list (they collected it, with the
        # consent stated per row), so its supporters start confirmed: there is no
        # email to click for people who signed up on paper or on the phone.
        supporter, created = Supporter.objects.get_or_create(
            person=person,
            defaults={
                "constituency": constituency,
                "status": Supporter.Status.CONFIRMED,
                "source": Supporter.Source.IMPORT,
                "joined": today,
                "needs_review": not placed,
            },
        )
        if not created and supporter.status == Supporter.Status.PENDING:
            supporter.status = Supporter.Status.CONFIRMED
            supporter.joined = supporter.joined or today
            supporter.save(update_fields=["status", "joined", "updated"])
        # Somebody who left stays left: an old list must not sign them up again.
        if row.offers:
            supporter.offers.add(*row.offers)
        _import_consents(person=person, row=row, actor=actor)


def _import_consents(*, person: Person, row: ImportRow, actor: Any) -> None:
    current = {
        s.channel: s
        for s in ConsentState.objects.filter(person=person, topic="").only(
            "channel", "granted", "method"
        )
    }
    for channel, granted in row.consents.items():
        state = current.get(channel)
        if state is not None and state.granted == granted:
            continue  # re-importing the same list appends nothing
        # consent_record refuses an import over consent recorded locally.
        consent_record(
            person=person,
            channel=channel,
            granted=granted,
            method=Method.IMPORT,
            wording=row.wording,
            actor=actor,
        )


# --- asks ----------------------------------------------------------------------------

ASK_REPLY_PURPOSE = "ask-reply"
ASK_PLACEHOLDERS = {
    AskReply.Answer.YES: "%%ASK_YES%%",
    AskReply.Answer.NO: "%%ASK_NO%%",
    AskReply.Answer.DONE: "%%ASK_DONE%%",
}


def ask_reply_url(*, ask_id: int, person_id: int, answer: str) -> str:
    token = make_token(ASK_REPLY_PURPOSE, person_id, a=ask_id, r=answer)
    return settings.SITE_URL.rstrip("/") + reverse("asks:reply", args=[token])


def ask_personaliser(message: Any) -> Any:
    """For a Message that carries an ask: each recipient's own reply links."""
    ask_id = (
        Ask.objects.filter(message_id=message.pk).values_list("pk", flat=True).first()
        if message.pk
        else None
    )
    if ask_id is None:
        return None

    def links(person_id: int) -> dict[str, str]:
        return {
            placeholder: ask_reply_url(
                ask_id=ask_id, person_id=person_id, answer=answer
            )
            for answer, placeholder in ASK_PLACEHOLDERS.items()
        }

    return links


def ask_segment_criteria(ask: Ask) -> dict[str, Any]:
    from supporters.segments import OFFERS_KEY

    criteria: dict[str, Any] = {OFFERS_KEY: [ask.offer_id]}
    wards = sorted(ask.wards.values_list("pk", flat=True))
    if wards:
        criteria["wards"] = wards
    return criteria


@transaction.atomic
def ask_send(*, ask: Ask, actor: Any) -> Message:
    """Send an ask through communications: a segment of the confirmed supporters who
    offered this help (in its wards), a campaigns message with the reply links, sent
    now. Sending twice is refused."""
    ask = Ask.objects.select_for_update().get(pk=ask.pk)
    if ask.message_id is not None:
        raise SupportersError(_("This ask has already been sent."))
    segment = Segment.objects.create(
        constituency=ask.constituency,
        name=_("Ask %(pk)s: %(subject)s") % {"pk": ask.pk, "subject": ask.subject[:90]},
        reason=_(
            "You are in the supporters' club of %(clp)s and said you could help: "
            "%(offer)s."
        )
        % {"clp": ask.constituency.name, "offer": ask.offer.label},
        criteria=ask_segment_criteria(ask),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    links = " · ".join(
        f"[{label}]({ASK_PLACEHOLDERS[answer]})"
        for answer, label in AskReply.Answer.choices
    )
    message = Message.objects.create(
        constituency=ask.constituency,
        topic=Topic.CAMPAIGNS,
        segment=segment,
        subject=ask.subject,
        body=f"{ask.body.rstrip()}\n\n{links}\n",
        created_by=segment.created_by,
    )
    ask.message = message
    ask.save(update_fields=["message"])
    audit_log(actor=actor, action="ask.send", obj=ask)
    message_schedule(message=message, actor=actor)
    return message


@transaction.atomic
def ask_reply_record(
    *, ask: Ask, person: Person, answer: str, actor: Any = None
) -> AskReply:
    """Record (or change) a person's reply to an ask, from their link or by an officer."""
    if answer not in AskReply.Answer.values:
        raise SupportersError(_("That is not an answer to an ask."))
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    reply, _created = AskReply.objects.update_or_create(
        ask=ask,
        person=person,
        defaults={"answer": answer, "at": timezone.now(), "recorded_by": actor},
    )
    audit_log(
        actor=actor,
        action="askreply.record",
        obj=reply,
        detail={"answer": answer, "by": "officer" if actor else "link"},
    )
    return reply


def ask_counts(ask: Ask) -> dict[str, int]:
    """Replies by answer, and how many of the people mailed have not replied."""
    counts = dict.fromkeys(AskReply.Answer.values, 0)
    counts.update(
        ask.replies.order_by()
        .values("answer")
        .annotate(n=Count("pk"))
        .values_list("answer", "n")
    )
    no_reply = 0
    if ask.message_id:
        no_reply = (
            Delivery.objects.filter(
                message_id=ask.message_id, status=Delivery.Status.SENT
            )
            .exclude(person_id__in=ask.replies.values("person_id"))
            .count()
        )
    counts["none"] = no_reply
    return counts


def ask_print_list(*, ask: Ask, actor: Any) -> dict[Any, list[Person]]:
    """The people who said yes, with their addresses, grouped by ward (for whoever
    delivers the posters). Audited: it is a list of names and home addresses."""
    people = list(
        Person.objects.filter(
            ask_replies__ask=ask, ask_replies__answer=AskReply.Answer.YES
        )
        .select_related("ward")
        .order_by("ward__name", "postcode", "last_name", "first_name", "pk")
    )
    by_ward: dict[Any, list[Person]] = defaultdict(list)
    for person in people:
        by_ward[person.ward].append(person)
    audit_log(
        actor=actor,
        action="ask.print_list",
        obj=ask,
        row_count=len(people),
    )
    return dict(by_ward)


# --- the prize draw -----------------------------------------------------------------

PRIZE_WINNER_REMINDER = "supporters.prize_draw_winner"


def prize_draw_entrants(draw: PrizeDraw) -> list[int]:
    """Person ids of the CLP's confirmed supporters on the closing date, sorted.

    Confirmed then means: joined by the closing date and not left before it (a
    supporter who left after the draw closed was in it).
    """
    day = draw.closes_on
    joined_on = Coalesce(F("joined"), TruncDate("created"))
    supporters = (
        Supporter.objects.filter(constituency=draw.constituency)
        .annotate(joined_on=joined_on)
        .filter(joined_on__lte=day)
        .filter(
            Q(status=Supporter.Status.CONFIRMED)
            | Q(status=Supporter.Status.LEFT, left__gt=day)
        )
    )
    return sorted(supporters.values_list("person_id", flat=True))


def _draw(seed: str, entrants: list[int], wanted: int) -> list[int]:
    # A seeded Mersenne Twister is what makes the draw reproducible by anyone; the
    # fairness comes from the seed, which is drawn from `secrets`.
    return random.Random(seed).sample(entrants, min(wanted, len(entrants)))  # noqa: S311


@transaction.atomic
def prize_draw_run(
    *, draw: PrizeDraw, actor: Any, seed: str | None = None
) -> PrizeDraw:
    """Draw the winners once, after the draw has closed; record seed, entrants and
    winners so anyone can re-run it; notify each winner once by email."""
    draw = PrizeDraw.objects.select_for_update().get(pk=draw.pk)
    if draw.drawn_at is not None:
        raise SupportersError(_("This draw has already been made."))
    if timezone.localdate() <= draw.closes_on:
        raise SupportersError(
            _("The draw closes on %(day)s: it can be made from the day after.")
            % {"day": draw.closes_on.strftime("%d/%m/%Y")}
        )
    entrants = prize_draw_entrants(draw)
    if not entrants:
        raise SupportersError(
            _("Nobody is eligible: the constituency had no confirmed supporters then.")
        )
    draw.seed = seed or secrets.token_hex(16)
    draw.entrants = entrants
    draw.winners = _draw(draw.seed, entrants, draw.winners_wanted)
    draw.drawn_at = timezone.now()
    draw.drawn_by = actor if getattr(actor, "is_authenticated", False) else None
    draw.save(update_fields=["seed", "entrants", "winners", "drawn_at", "drawn_by"])
    audit_log(
        actor=actor,
        action="prizedraw.draw",
        obj=draw,
        row_count=len(entrants),
        detail={"seed": draw.seed, "winners": draw.winners},
    )
    for person in Person.objects.filter(pk__in=draw.winners):
        # One reminder row per (draw, winner): asking twice sends one email.
        reminder_schedule(
            kind=PRIZE_WINNER_REMINDER,
            person=person,
            due_at=draw.drawn_at,
            about=draw,
            key=f"{PRIZE_WINNER_REMINDER}:{draw.pk}:{person.pk}",
        )
    return draw


def prize_draw_verify(draw: PrizeDraw) -> bool:
    """Re-run the draw from its recorded seed and entrants: same winners?"""
    if draw.drawn_at is None or not draw.seed:
        return False
    return _draw(draw.seed, list(draw.entrants), draw.winners_wanted) == list(
        draw.winners
    )


# --- conversion -----------------------------------------------------------------------


@dataclass(frozen=True)
class ConversionRow:
    label: str
    supporters: int
    converted: int

    @property
    def rate(self) -> float:
        return self.converted / self.supporters if self.supporters else 0.0


@dataclass(frozen=True)
class ConversionStats:
    by_month: list[ConversionRow]
    by_source: list[ConversionRow]
    total: ConversionRow


def conversion_stats(*, constituency_ids: frozenset[int] | None) -> ConversionStats:
    """Supporters who became members, by the month they joined the club and by how
    they came to it. Converted: their Person has a membership that began on or after
    the day they became a supporter — counted once however many memberships."""
    became_member = Exists(
        Membership.objects.filter(
            person_id=OuterRef("person_id"), joined__gte=OuterRef("since")
        )
    )
    supporters = (
        Supporter.objects.for_constituency_ids(constituency_ids)
        .annotate(since=Coalesce(F("joined"), TruncDate("created")))
        .annotate(converted=became_member)
        .order_by()
    )
    counts = {"n": Count("pk"), "c": Count("pk", filter=Q(converted=True))}
    months = (
        supporters.annotate(month=TruncMonth("since"))
        .values("month")
        .annotate(**counts)
        .order_by("month")
    )
    sources = dict(Supporter.Source.choices)
    by_source = supporters.values("source").annotate(**counts).order_by("source")
    total = supporters.aggregate(**counts)
    return ConversionStats(
        by_month=[
            ConversionRow(_month_label(r["month"]), r["n"], r["c"]) for r in months
        ],
        by_source=[
            ConversionRow(str(sources.get(r["source"], r["source"])), r["n"], r["c"])
            for r in by_source
        ],
        total=ConversionRow(_("All supporters"), total["n"], total["c"]),
    )


def _month_label(month: datetime.date | None) -> str:
    return month.strftime("%Y-%m") if month else "—"
