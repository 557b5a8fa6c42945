"""The supporters' club (report, section 3.2: Reading West).

People who share the party's values but are not ready to join: they get the
quarterly newsletter, invitations and the Christmas prize draw, and can be asked
gently to help. A supporter is a role of a Person, never a copy of one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partyhub.scoping import ScopedManager


class HelpOffer(models.Model):
    """A kind of light help a supporter can offer (display a poster, deliver leaflets…).

    Party-wide offers (no constituency) appear on every form; a CLP may add its own.
    """

    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="help_offers",
        help_text=_("Leave blank for an offer shown on every constituency's form."),
    )
    slug = models.SlugField(_("short name"), max_length=40)
    label = models.CharField(_("what the form says"), max_length=120)
    active = models.BooleanField(_("shown on the form"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("kind of help")
        verbose_name_plural = _("kinds of help")
        ordering = ("order", "label")
        constraints = [
            models.UniqueConstraint(
                fields=["constituency", "slug"], name="help_offer_unique_slug"
            ),
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(constituency__isnull=True),
                name="help_offer_unique_party_wide_slug",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class SignupRequest(models.Model):
    """Anything a public form asks in the name of an email address, waiting for
    that address to be confirmed (double opt-in): joining the supporters' club, a
    petition signature, a booking from a public event page.

    What was typed is kept here, not on the Person, until the confirmation link
    proves the address belongs to whoever typed it: an unconfirmed form can never
    change an existing record (names, postcode, consent, bookings) nor create a
    Person. Purged after 30 days.
    """

    class Kind(models.TextChoices):
        SUPPORTER = "supporter", _("Join the supporters' club")
        PETITION = "petition", _("Petition signature")
        BOOKING = "booking", _("Event booking")

    kind = models.CharField(
        _("asking for"), max_length=20, choices=Kind.choices, default=Kind.SUPPORTER
    )
    # The petition or event asked about; with the kind, what the one-email-an-hour
    # rule counts per address (a person may book two events in an hour).
    about_id = models.PositiveIntegerField(default=0)
    email = models.EmailField(_("email"), db_index=True)
    data = models.JSONField(_("what was submitted"))
    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("unconfirmed signup")
        verbose_name_plural = _("unconfirmed signups")
        ordering = ("-created",)

    def __str__(self) -> str:
        return self.email


class Supporter(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CONFIRMED = "confirmed", _("Confirmed")
        LEFT = "left", _("Left")

    class Source(models.TextChoices):
        FORM = "form", _("Signup form")
        EVENT = "event", _("Event")
        PETITION = "petition", _("Petition")
        PHONE = "phone", _("Phone call")
        IMPORT = "import", _("Import")

    person = models.OneToOneField(
        "members.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="supporter",
    )
    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supporters",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.FORM
    )
    offers = models.ManyToManyField(
        HelpOffer, verbose_name=_("help offered"), blank=True, related_name="supporters"
    )
    joined = models.DateField(_("joined"), null=True, blank=True)
    left = models.DateField(_("left"), null=True, blank=True)
    needs_review = models.BooleanField(
        _("needs an officer"),
        default=False,
        help_text=_(
            "The postcode was not in the lookup: check the constituency and ward."
        ),
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("supporter")
        verbose_name_plural = _("supporters")
        ordering = ("-joined", "-pk")
        indexes = [
            models.Index(
                fields=["constituency", "status"], name="supporter_status_idx"
            ),
            models.Index(fields=["joined"], name="supporter_joined_idx"),
        ]

    def __str__(self) -> str:
        return str(self.person)


class Ask(models.Model):
    """A gentle request for help to supporters who offered it (poster sites when an
    election is called), sent through communications; replies are tracked."""

    constituency = models.ForeignKey(
        "members.Constituency", verbose_name=_("constituency"), on_delete=models.PROTECT
    )
    offer = models.ForeignKey(
        HelpOffer, verbose_name=_("kind of help"), on_delete=models.PROTECT
    )
    wards = models.ManyToManyField(
        "members.Ward",
        verbose_name=_("wards"),
        blank=True,
        help_text=_("Leave empty to ask in every ward."),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), help_text=_("Markdown."))
    message = models.OneToOneField(
        "comms.Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ask",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("ask")
        verbose_name_plural = _("asks")
        ordering = ("-created",)

    def __str__(self) -> str:
        return self.subject


class AskReply(models.Model):
    class Answer(models.TextChoices):
        YES = "yes", _("Yes, I can")
        NO = "no", _("Not this time")
        DONE = "done", _("Done")

    ask = models.ForeignKey(Ask, on_delete=models.CASCADE, related_name="replies")
    person = models.ForeignKey(
        "members.Person", on_delete=models.CASCADE, related_name="ask_replies"
    )
    answer = models.CharField(_("answer"), max_length=4, choices=Answer.choices)
    at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_lookup = "ask__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        constraints = [
            models.UniqueConstraint(fields=["ask", "person"], name="one_reply_per_ask")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.answer}"


class PrizeDraw(models.Model):
    """A free prize draw for confirmed supporters of a CLP, reproducible from its
    recorded seed and entrant list (anyone can re-run it and get the same winners)."""

    constituency = models.ForeignKey(
        "members.Constituency", verbose_name=_("constituency"), on_delete=models.PROTECT
    )
    name = models.CharField(_("name"), max_length=120)
    prize = models.CharField(_("prize"), max_length=200)
    closes_on = models.DateField(_("closes on"))
    winners_wanted = models.PositiveSmallIntegerField(_("number of winners"), default=1)
    seed = models.CharField(_("seed"), max_length=64, blank=True)
    entrants = models.JSONField(_("entrants (person ids)"), default=list, blank=True)
    winners = models.JSONField(
        _("winners (person ids, in order)"), default=list, blank=True
    )
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("prize draw")
        verbose_name_plural = _("prize draws")
        ordering = ("-closes_on",)
        constraints = [
            models.CheckConstraint(
                condition=Q(winners_wanted__gte=1), name="prize_draw_has_winners"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SupporterImport(models.Model):
    """One upload of a supporters list (CSV): checked, then applied, by tasks.

    The file waits in SUPPORTER_IMPORT_DIR; the run holds only counts and the
    reason a file could not be imported. The rows shown in the preview (names and
    addresses) are kept in the cache for a day, never in this table."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        PREVIEW = "preview", _("Previewed")
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Could not be imported")

    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        on_delete=models.CASCADE,
        related_name="supporter_imports",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("uploaded"), default=timezone.now)
    file_name = models.CharField(_("file"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    file_size = models.PositiveBigIntegerField(default=0)
    # The consent wording for rows without a consent_wording column.
    wording = models.TextField(_("consent wording shown"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CHECKING
    )
    apply_requested_at = models.DateTimeField(
        _("apply requested"), null=True, blank=True
    )
    # {"new": n, "updated": n, "errors": n}
    counts = models.JSONField(_("counts"), default=dict)
    problem = models.TextField(_("problem"), blank=True)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("supporters import")
        verbose_name_plural = _("supporters imports")
        ordering = ("-created",)

    def __str__(self) -> str:
        return self.file_name
