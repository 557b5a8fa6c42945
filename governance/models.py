"""Party democracy (issue 17): bodies, meetings, motions, minutes and elections.

Who may attend, speak and vote is never stored: it is computed from memberships,
offices and delegations (governance.selectors.entitlement). Ballot secrecy is by
design: `BallotCast` records that a person voted and `BallotTally` how many votes
each candidate has; no row links a voter to a vote, and neither has a time.
"""

from __future__ import annotations

import datetime
import math
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models.offices import ElectedRepresentative
from members.roles import Role
from partyhub.scoping import ScopedManager, ScopedQuerySet


class Rules(models.Model):
    """A CLP's own rules for its meetings (one row per constituency)."""

    constituency = models.OneToOneField(
        "members.Constituency",
        verbose_name=_("constituency"),
        on_delete=models.CASCADE,
        related_name="governance_rules",
    )
    notice_days = models.PositiveSmallIntegerField(
        _("notice period (days)"),
        default=7,
        help_text=_("Members must be told of a meeting at least this many days ahead."),
    )
    motion_deadline_days = models.PositiveSmallIntegerField(
        _("motions close (days before)"),
        default=5,
        help_text=_("Fewer days than the notice period, so members can send one."),
    )
    amendment_deadline_days = models.PositiveSmallIntegerField(
        _("amendments close (days before)"), default=2
    )
    good_standing_weeks = models.PositiveSmallIntegerField(
        _("weeks in good standing to vote"),
        default=8,
        help_text=_(
            "A member may vote once their membership has been current for this "
            "many weeks."
        ),
    )
    gender_balance = models.BooleanField(
        _("gender balance among the chair, secretary and treasurer"),
        default=False,
        help_text=_(
            "At least one of the three must be a woman: an election the rule "
            "reserves for women accepts only women candidates."
        ),
    )

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("meeting rules")
        verbose_name_plural = _("meeting rules")

    def __str__(self) -> str:
        return str(_("Meeting rules of %(clp)s") % {"clp": self.constituency})

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if self.motion_deadline_days >= self.notice_days:
            errors["motion_deadline_days"] = _(
                "Motions must close after notice goes out: fewer days than the "
                "notice period."
            )
        if self.amendment_deadline_days > self.motion_deadline_days:
            errors["amendment_deadline_days"] = _(
                "Amendments close on or after the day motions close."
            )
        if errors:
            raise ValidationError(errors)


class Affiliate(models.Model):
    """An affiliated organisation (a union branch, a socialist society)."""

    class Kind(models.TextChoices):
        UNION_BRANCH = "union_branch", _("Trade union branch")
        SOCIALIST_SOCIETY = "socialist_society", _("Socialist society")
        OTHER = "other", _("Other affiliate")

    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        on_delete=models.PROTECT,
        related_name="affiliates",
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    affiliated_members = models.PositiveIntegerField(
        _("members affiliated"),
        default=0,
        help_text=_("Members it pays affiliation for: its delegates follow from it."),
    )

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("affiliated organisation")
        verbose_name_plural = _("affiliated organisations")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Body(models.Model):
    """A meeting body: the General Committee, the Executive, a branch, a forum,
    the AGM."""

    class Kind(models.TextChoices):
        GC_ALL_MEMBER = "gc_all", _("General Committee (all-member)")
        GC_DELEGATE = "gc_delegate", _("General Committee (delegates)")
        EXECUTIVE = "executive", _("Executive Committee")
        BRANCH = "branch", _("Branch meeting")
        FORUM = "forum", _("Forum meeting")
        AGM = "agm", _("Annual general meeting")

    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        on_delete=models.PROTECT,
        related_name="bodies",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=150)
    branch = models.ForeignKey(
        "members.Branch",
        verbose_name=_("branch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bodies",
    )
    forum = models.ForeignKey(
        "members.Forum",
        verbose_name=_("forum"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bodies",
    )
    quorum_number = models.PositiveIntegerField(
        _("quorum (people)"),
        default=0,
        help_text=_("At least this many voting members present."),
    )
    quorum_percent = models.DecimalField(
        _("quorum (% of those entitled to vote)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    members_per_delegate = models.PositiveIntegerField(
        _("members per delegate"),
        default=20,
        help_text=_(
            "Delegate GC: a branch or affiliate sends one delegate for each this "
            "many members, or part of it."
        ),
    )
    max_delegates = models.PositiveIntegerField(
        _("most delegates from one branch or affiliate"), default=5
    )

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ("constituency", "name")

    def __str__(self) -> str:
        return self.name

    def quorum_for(self, voters: int) -> int:
        by_share = math.ceil(Decimal(voters) * self.quorum_percent / 100)
        return max(self.quorum_number, by_share, 1)

    def delegates_for(self, members: int) -> int:
        """Delegates a branch or affiliate of `members` members may send."""
        if members <= 0:
            return 0
        per = max(1, self.members_per_delegate)
        return min(self.max_delegates, math.ceil(members / per))


class DelegationQuerySet(ScopedQuerySet):
    def current(self, on: datetime.date | None = None) -> DelegationQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(ends__isnull=True) | Q(ends__gt=day), starts__lte=day)


class Delegation(models.Model):
    """A delegate to a delegate-based GC, from a branch or an affiliate."""

    body = models.ForeignKey(
        Body,
        verbose_name=_("body"),
        on_delete=models.CASCADE,
        related_name="delegations",
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("delegate"),
        on_delete=models.CASCADE,
        related_name="delegations",
    )
    branch = models.ForeignKey(
        "members.Branch",
        verbose_name=_("from branch"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="delegations",
    )
    affiliate = models.ForeignKey(
        Affiliate,
        verbose_name=_("from affiliate"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="delegations",
    )
    starts = models.DateField(_("from"), default=timezone.localdate)
    ends = models.DateField(_("until"), null=True, blank=True)

    scope_lookup = "body__constituency"
    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")
        constraints = [
            models.CheckConstraint(
                condition=Q(branch__isnull=True) | Q(affiliate__isnull=True),
                name="delegation_not_from_two_sources",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.branch or self.affiliate})"


class Meeting(models.Model):
    class Status(models.TextChoices):
        CALLED = "called", _("Called")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="meetings"
    )
    event = models.OneToOneField(
        "events.Event",
        verbose_name=_("event"),
        on_delete=models.PROTECT,
        related_name="meeting",
    )
    online_link = models.URLField(_("online link"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CALLED
    )
    called_at = models.DateTimeField(_("called"), auto_now_add=True)

    scope_lookup = "body__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ("-event__starts",)

    def __str__(self) -> str:
        return self.event.title

    @property
    def starts(self) -> datetime.datetime:
        return self.event.starts

    def _rules(self) -> Rules:
        from governance.selectors import rules_for

        return rules_for(self.body.constituency)

    @property
    def motion_deadline(self) -> datetime.datetime:
        return self.starts - datetime.timedelta(days=self._rules().motion_deadline_days)

    @property
    def amendment_deadline(self) -> datetime.datetime:
        return self.starts - datetime.timedelta(
            days=self._rules().amendment_deadline_days
        )


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        STANDING = "standing", _("Standing item")
        MINUTES = "minutes", _("Minutes of the last meeting")
        MOTION = "motion", _("Motion")
        REPORT = "report", _("Report")
        ELECTION = "election", _("Election")

    class Outcome(models.TextChoices):
        NONE = "", _("Not decided")
        CARRIED = "carried", _("Carried")
        LOST = "lost", _("Lost")
        NOTED = "noted", _("Noted")
        APPROVED = "approved", _("Approved")
        REMITTED = "remitted", _("Remitted")
        REFERRED = "referred", _("Referred")

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    motion = models.ForeignKey(
        "Motion",
        verbose_name=_("motion"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="agenda_items",
    )
    minutes_of = models.ForeignKey(
        Meeting,
        verbose_name=_("minutes of"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="approval_items",
    )
    votes_for = models.PositiveIntegerField(_("for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("against"), null=True, blank=True)
    abstentions = models.PositiveIntegerField(_("abstentions"), null=True, blank=True)
    nem_con = models.BooleanField(_("carried nem. con."), default=False)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, blank=True, default=""
    )
    decision = models.TextField(_("decision"), blank=True)

    scope_lookup = "meeting__body__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ("meeting", "position", "pk")

    def __str__(self) -> str:
        return self.title


class Paper(models.Model):
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="papers",
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="governance/papers/%Y/")
    added = models.DateTimeField(_("added"), auto_now_add=True)

    scope_lookup = "meeting__body__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("paper")
        verbose_name_plural = _("papers")
        ordering = ("meeting", "title")

    def __str__(self) -> str:
        return self.title


class Motion(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ON_AGENDA = "on_agenda", _("On the agenda")
        OUT_OF_ORDER = "out_of_order", _("Ruled out of order")
        COMPOSITED = "composited", _("Composited")
        CARRIED = "carried", _("Carried")
        LOST = "lost", _("Lost")
        FELL = "fell", _("Fell")
        REMITTED = "remitted", _("Remitted")
        REFERRED = "referred", _("Referred")
        SENT_ON = "sent_on", _("Sent on")

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="motions",
    )
    amends = models.ForeignKey(
        "self",
        verbose_name=_("amends"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="amendments",
    )
    composited_into = models.ForeignKey(
        "self",
        verbose_name=_("composited into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="composited_from",
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    mover = models.ForeignKey(
        "members.Person",
        verbose_name=_("mover"),
        on_delete=models.PROTECT,
        related_name="motions_moved",
    )
    seconder = models.ForeignKey(
        "members.Person",
        verbose_name=_("seconder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="motions_seconded",
    )
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.SUBMITTED
    )
    reason = models.TextField(_("reason"), blank=True)
    sent_to = models.CharField(
        _("sent on to"),
        max_length=200,
        blank=True,
        help_text=_("Annual conference, the council group, the regional board…"),
    )
    submitted = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    scope_lookup = "meeting__body__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("motion")
        verbose_name_plural = _("motions")
        ordering = ("meeting", "submitted", "pk")

    def __str__(self) -> str:
        return self.title

    @property
    def is_amendment(self) -> bool:
        return self.amends_id is not None


class Attendance(models.Model):
    class How(models.TextChoices):
        TICKED = "ticked", _("Ticked by the secretary")
        SELF = "self", _("Checked in themselves")

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="meeting_attendances",
    )
    how = models.CharField(_("how"), max_length=10, choices=How.choices)
    at = models.DateTimeField(_("arrived"), default=timezone.now)

    scope_lookup = "meeting__body__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"], name="attendance_once_per_meeting"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.meeting}"


class ActionPoint(models.Model):
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="actions",
    )
    item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    text = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        "members.Person",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="action_points",
    )
    due = models.DateField(_("due by"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    last_chased = models.DateField(_("last chased"), null=True, blank=True)

    scope_lookup = "meeting__body__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("action point")
        verbose_name_plural = _("action points")
        ordering = ("due", "pk")

    def __str__(self) -> str:
        return self.text


class Minutes(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CIRCULATED = "circulated", _("Circulated as a draft")
        APPROVED = "approved", _("Approved")

    meeting = models.OneToOneField(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="minutes",
    )
    text = models.TextField(_("minutes"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    circulated_at = models.DateTimeField(_("circulated"), null=True, blank=True)
    approved_at = models.ForeignKey(
        Meeting,
        verbose_name=_("approved at"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="minutes_approved",
    )

    scope_lookup = "meeting__body__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return str(_("Minutes of %(meeting)s") % {"meeting": self.meeting})


class Election(models.Model):
    class Method(models.TextChoices):
        AT_MEETING = "meeting", _("Counted at the meeting")
        ONLINE = "online", _("Secret online ballot")

    class Status(models.TextChoices):
        NOMINATIONS = "nominations", _("Nominations open")
        BALLOT = "ballot", _("Ballot open")
        CLOSED = "closed", _("Ballot closed")
        DECLARED = "declared", _("Result declared")

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="elections"
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="elections",
    )
    role = models.CharField(
        _("party office"),
        max_length=32,
        choices=Role.choices,
        blank=True,
        help_text=_("An officer election: the winners hold this office."),
    )
    office_sought = models.CharField(
        _("candidate selection for"),
        max_length=16,
        choices=ElectedRepresentative.Role.choices,
        blank=True,
        help_text=_(
            "A candidate selection: only members on the panel for this office may "
            "stand, and the winners are recorded as selected candidates."
        ),
    )
    ward = models.ForeignKey(
        "members.Ward",
        verbose_name=_("ward"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="selections",
        help_text=_("For a council selection."),
    )
    seats = models.PositiveSmallIntegerField(_("places to fill"), default=1)
    term_starts = models.DateField(_("term starts"))
    nominations_close = models.DateTimeField(_("nominations close"))
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    min_membership_weeks = models.PositiveIntegerField(
        _("weeks of membership to stand"), default=52
    )
    reserved_for_women = models.BooleanField(
        _("reserved for women"),
        default=False,
        help_text=_("Set when the CLP's gender-balance rule needs it."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOMINATIONS
    )

    scope_lookup = "body__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("election")
        verbose_name_plural = _("elections")
        ordering = ("-term_starts", "role")

    def __str__(self) -> str:
        if self.office_sought:
            return str(
                _("Selection of %(office)s candidate%(ward)s, %(body)s")
                % {
                    "office": self.get_office_sought_display(),
                    "ward": f" ({self.ward})" if self.ward_id else "",
                    "body": self.body,
                }
            )
        return str(
            _("Election of %(role)s, %(body)s")
            % {"role": self.get_role_display(), "body": self.body}
        )

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if bool(self.role) == bool(self.office_sought):
            raise ValidationError(
                _("Choose a party office, or the public office a selection is for.")
            )


class Nomination(models.Model):
    election = models.ForeignKey(
        Election,
        verbose_name=_("election"),
        on_delete=models.CASCADE,
        related_name="nominations",
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("candidate"),
        on_delete=models.CASCADE,
        related_name="nominations",
    )
    declares_woman = models.BooleanField(_("self-identifies as a woman"), default=False)
    counted_votes = models.PositiveIntegerField(
        _("votes counted at the meeting"), null=True, blank=True
    )
    elected = models.BooleanField(_("elected"), default=False)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)

    scope_lookup = "election__body__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ("election", "person__last_name", "person__first_name")
        constraints = [
            models.UniqueConstraint(
                fields=["election", "person"], name="nomination_once"
            )
        ]

    def __str__(self) -> str:
        return str(self.person)


class BallotCast(models.Model):
    """That a person voted in an election: nothing about how, and no time."""

    election = models.ForeignKey(
        Election,
        verbose_name=_("election"),
        on_delete=models.CASCADE,
        related_name="casts",
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("voter"),
        on_delete=models.CASCADE,
        related_name="ballots_cast",
    )

    scope_lookup = "election__body__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("ballot cast")
        verbose_name_plural = _("ballots cast")
        constraints = [
            models.UniqueConstraint(
                fields=["election", "person"], name="one_person_one_vote"
            )
        ]

    def __str__(self) -> str:
        return str(self.person)


class BallotTally(models.Model):
    """How many secret votes a candidate has: a running count, with no row per
    vote, so nothing (not even the order rows were written) ties a vote to a
    voter."""

    election = models.ForeignKey(
        Election,
        verbose_name=_("election"),
        on_delete=models.CASCADE,
        related_name="tallies",
    )
    nomination = models.OneToOneField(
        Nomination,
        verbose_name=_("candidate"),
        on_delete=models.CASCADE,
        related_name="tally",
    )
    votes = models.PositiveIntegerField(_("votes"), default=0)

    scope_lookup = "election__body__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("ballot tally")
        verbose_name_plural = _("ballot tallies")

    def __str__(self) -> str:
        return f"{self.nomination}: {self.votes}"
