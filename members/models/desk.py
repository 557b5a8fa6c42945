"""The renewal desk and mentoring: who contacted whom, and who looks after new members.

The report (sections 3.2 and 3.7) says first-time and regular contact keep members:
every call, email or doorstep visit an officer or mentor makes is one ContactLog
row, and the desk's lists show the last one. A Mentor is an experienced member who
has agreed to welcome a few new members; a Mentorship is one new member's welcome,
from the moment they joined until somebody first spoke to them and beyond.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models.organisation import Branch, Constituency
from members.models.people import Membership, Person
from partyhub.scoping import ScopedManager


class ContactLog(models.Model):
    class How(models.TextChoices):
        CALL = "call", _("Phone call")
        EMAIL = "email", _("Email")
        VISIT = "visit", _("Visit")
        EVENT = "event", _("At an event")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        SPOKE = "spoke", _("Spoke to them")
        LEFT_MESSAGE = "left_message", _("Left a message")
        NO_ANSWER = "no_answer", _("No answer")
        WRONG_NUMBER = "wrong_number", _("Wrong number or address")
        WILL_RENEW = "will_renew", _("Will renew")
        WONT_RENEW = "wont_renew", _("Won't renew")
        DO_NOT_CONTACT = "do_not_contact", _("Asked not to be contacted")
        OTHER = "other", _("Other")

    person = models.ForeignKey(
        Person,
        verbose_name=_("person contacted"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    by_person = models.ForeignKey(
        Person,
        verbose_name=_("contacted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts_made",
        help_text=_("The officer or mentor who made the contact."),
    )
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    how = models.CharField(_("how"), max_length=10, choices=How.choices)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(_("recorded"), auto_now_add=True)

    scope_lookup = "person__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contact log")
        ordering = ("-at", "-pk")
        indexes = [models.Index(fields=["person", "-at"], name="contactlog_person_at")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_how_display()} · {self.at:%Y-%m-%d}"


class Mentor(models.Model):
    """An experienced member who welcomes new members of their branch."""

    person = models.ForeignKey(
        Person,
        verbose_name=_("mentor"),
        on_delete=models.CASCADE,
        related_name="mentor_roles",
    )
    constituency = models.ForeignKey(
        Constituency,
        verbose_name=_("constituency"),
        on_delete=models.CASCADE,
        related_name="mentors",
    )
    branch = models.ForeignKey(
        Branch,
        verbose_name=_("branch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentors",
        help_text=_("New members of this branch are offered this mentor first."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        default=3,
        help_text=_("The most new members they look after at once."),
    )
    active = models.BooleanField(
        _("taking new members"),
        default=True,
        help_text=_("Untick to stop new assignments; current mentees stay."),
    )
    created = models.DateTimeField(auto_now_add=True)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        ordering = ("person__last_name", "person__first_name", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "constituency"], name="mentor_once_per_constituency"
            )
        ]

    def __str__(self) -> str:
        return str(self.person)


class Mentorship(models.Model):
    """One new member's welcome: who mentors them and when somebody first called."""

    class Status(models.TextChoices):
        UNASSIGNED = "unassigned", _("Needs a mentor")
        ACTIVE = "active", _("Mentored")
        ENDED = "ended", _("Ended")

    mentee = models.ForeignKey(
        Person,
        verbose_name=_("new member"),
        on_delete=models.CASCADE,
        related_name="mentorships",
    )
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("membership"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    constituency = models.ForeignKey(
        Constituency,
        verbose_name=_("constituency"),
        on_delete=models.CASCADE,
        related_name="mentorships",
    )
    mentor = models.ForeignKey(
        Mentor,
        verbose_name=_("mentor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentorships",
    )
    started_at = models.DateTimeField(
        _("welcomed"),
        default=timezone.now,
        help_text=_("When the new member was welcomed (joined or rejoined)."),
    )
    assigned_at = models.DateTimeField(_("mentor assigned"), null=True, blank=True)
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.UNASSIGNED,
    )

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")
        ordering = ("-started_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["mentee"],
                condition=~Q(status="ended"),
                name="mentorship_one_open_per_mentee",
            )
        ]
        indexes = [
            models.Index(fields=["mentor", "status"], name="mentorship_mentor_idx"),
        ]

    def __str__(self) -> str:
        return str(self.mentee)


class DeskMembership(Membership):
    """The renewal desk's view of memberships (a proxy: no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = _("renewal desk")
        verbose_name_plural = _("renewal desk")
