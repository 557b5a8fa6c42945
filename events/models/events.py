"""Events and bookings (issue 7): what the party organises, who is coming,
who was invited, and what they thought."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partyhub.scoping import ScopedManager, ScopedQuerySet


class EventQuerySet(ScopedQuerySet):
    def published(self) -> EventQuerySet:
        return self.filter(status=Event.Status.PUBLISHED)

    def upcoming(self) -> EventQuerySet:
        return self.filter(ends__gte=timezone.now())


class Event(models.Model):
    class Kind(models.TextChoices):
        SOCIAL = "social", _("Social")
        FUNDRAISER = "fundraiser", _("Fundraiser")
        MEET_REPRESENTATIVE = "meet_rep", _("Meet your MP / councillor")
        ALL_MEMBER_MEETING = "all_member", _("All-member meeting")
        BRANCH_MEETING = "branch", _("Branch meeting")
        POLICY_FORUM = "policy_forum", _("Policy forum")
        BIG_CONVERSATION = "big_conversation", _("Big Conversation consultation")
        TRAINING = "training", _("Training seminar")
        CAMPAIGN_SOCIAL = "campaign_social", _("Campaign social")

    class Audience(models.TextChoices):
        MEMBERS = "members", _("Members")
        MEMBERS_AND_SUPPORTERS = "members_supporters", _("Members and supporters")
        PUBLIC = "public", _("Public")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    accessibility = models.TextField(_("accessibility notes"), blank=True)
    starts = models.DateTimeField(_("starts"))
    ends = models.DateTimeField(_("ends"))
    constituencies = models.ManyToManyField(
        "members.Constituency",
        verbose_name=_("constituencies"),
        related_name="events",
    )
    audience = models.CharField(
        _("audience"),
        max_length=20,
        choices=Audience.choices,
        default=Audience.MEMBERS,
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Places including guests; empty for no limit."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    organiser = models.ForeignKey(
        "members.Person",
        verbose_name=_("organiser"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events_organised",
    )
    price = models.DecimalField(
        _("price"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    concession_price = models.DecimalField(
        _("concession price"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    scope_lookup = "constituencies"
    scope_spans_many = True
    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ("starts",)
        indexes = [models.Index(fields=["status", "starts"], name="event_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gte=models.F("starts")),
                name="event_ends_after_starts",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_over(self) -> bool:
        return self.ends < timezone.now()

    def places_left(self) -> int | None:
        """Places still free (None: no limit), for the event's pages."""
        if self.capacity is None:
            return None
        return max(0, self.capacity - self.places_taken())

    def places_taken(self) -> int:
        """Confirmed places, guests included (callers lock the event row first)."""
        return self.bookings.filter(status=Booking.Status.YES).aggregate(
            n=Coalesce(Sum(models.F("guests") + 1), 0)
        )["n"]


class Booking(models.Model):
    class Status(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        MAYBE = "maybe", _("Maybe")
        WAITING = "waiting", _("Waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        PORTAL = "portal", _("Member portal")
        LINK = "link", _("Invitation link")
        PUBLIC = "public", _("Public event page")
        OFFICER = "officer", _("Entered by an officer")

    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="bookings",
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="bookings",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    guests = models.PositiveSmallIntegerField(_("guests"), default=0)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    attended_at = models.DateTimeField(_("attended at"), null=True, blank=True)
    host = models.ForeignKey(
        "members.Person",
        verbose_name=_("host"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bookings_hosted",
        help_text=_("A member who looks after this person at the event."),
    )
    waiting_since = models.DateTimeField(
        _("on the waiting list since"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The waiting list is first come, first served by this time."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    # An event may span CLPs; each CLP's officers see their own people's bookings.
    scope_lookup = "person__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ("created", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"], name="booking_one_per_person"
            )
        ]
        indexes = [models.Index(fields=["event", "status"], name="booking_status_idx")]

    def __str__(self) -> str:
        return f"{self.person} – {self.event}"

    @property
    def places(self) -> int:
        return 1 + self.guests


class Invitation(models.Model):
    """An officer invited this person to this event: their email carries a signed
    personal link to answer without logging in (supporters, community contacts)."""

    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="event_invitations",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("invited"), auto_now_add=True)

    scope_lookup = "person__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ("-created", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"], name="invitation_one_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.event}"


class Feedback(models.Model):
    """What an attendee thought of an event, from the link in the thank-you."""

    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="feedback",
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="event_feedback",
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), choices=[(n, str(n)) for n in range(1, 6)]
    )
    comment = models.TextField(_("comment"), blank=True)
    created = models.DateTimeField(_("given"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    scope_lookup = "person__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ("-created", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"], name="feedback_one_per_person"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.event}: {self.rating}"


class FeedKey(models.Model):
    """The secret in a person's private calendar address. Asking for a new
    address replaces it, and the old address stops working."""

    person = models.OneToOneField(
        "members.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="event_feed_key",
    )
    key = models.CharField(_("key"), max_length=64)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    scope_lookup = "person__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("calendar feed key")
        verbose_name_plural = _("calendar feed keys")

    def __str__(self) -> str:
        return str(self.person)
