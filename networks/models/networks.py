"""Networks and study groups: who is in them, invitations, digests, reading lists
and meetings, and the discussion board."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models.appointments import Appointed
from partyhub.comms.rendering import markdown_to_html
from partyhub.scoping import ScopedManager


class Network(models.Model):
    class Kind(models.TextChoices):
        NETWORK = "network", _("Policy network")
        STUDY_GROUP = "study_group", _("Study group")

    class OpenTo(models.TextChoices):
        MEMBERS = "members", _("Members only")
        MEMBERS_AND_SUPPORTERS = "members_and_supporters", _("Members and supporters")

    class Joining(models.TextChoices):
        OPEN = "open", _("Anyone it is open to may join")
        APPROVAL = "approval", _("A co-ordinator approves each request")

    name = models.CharField(_("name"), max_length=150)
    topic = models.CharField(_("topic"), max_length=150, blank=True)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.NETWORK
    )
    constituencies = models.ManyToManyField(
        "members.Constituency",
        verbose_name=_("constituencies it spans"),
        related_name="networks",
    )
    coordinators = models.ManyToManyField(
        "members.Person",
        verbose_name=_("co-ordinators"),
        through="NetworkCoordinator",
        blank=True,
        related_name="coordinated_networks",
    )
    open_to = models.CharField(
        _("open to"), max_length=30, choices=OpenTo.choices, default=OpenTo.MEMBERS
    )
    joining = models.CharField(
        _("joining"), max_length=10, choices=Joining.choices, default=Joining.OPEN
    )
    interests = models.ManyToManyField(
        "members.Interest",
        verbose_name=_("interests it suggests inviting"),
        blank=True,
        related_name="networks",
        help_text=_(
            "People with these interests in the register are suggested to the "
            "co-ordinators as people to invite."
        ),
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    scope_lookup = "constituencies"
    scope_spans_many = True
    objects = ScopedManager()

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ("name", "pk")

    def __str__(self) -> str:
        return self.name

    @property
    def open_to_supporters(self) -> bool:
        return self.open_to == self.OpenTo.MEMBERS_AND_SUPPORTERS


class NetworkCoordinator(Appointed):
    """A network's co-ordinator, with who appointed them for which constituency."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE)
    person = models.ForeignKey("members.Person", on_delete=models.CASCADE)

    scope_lookup = "person__constituency"

    class Meta:
        # The table Django made for the plain many-to-many field, kept as it was.
        db_table = "networks_network_coordinators"
        unique_together = (("network", "person"),)
        verbose_name = _("co-ordinator")
        verbose_name_plural = _("co-ordinators")

    def __str__(self) -> str:
        return f"{self.person} co-ordinates {self.network}"


class NetworkMembership(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PENDING = "pending", _("Waiting for approval")
        LEFT = "left", _("Left")

    network = models.ForeignKey(
        Network,
        verbose_name=_("network"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="network_memberships",
    )

    class Digest(models.TextChoices):
        NONE = "none", _("No digest")
        DAILY = "daily", _("A daily digest of new posts")
        WEEKLY = "weekly", _("A weekly digest of new posts")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    joined = models.DateTimeField(_("joined"), auto_now_add=True)
    digest = models.CharField(
        _("email digest"), max_length=10, choices=Digest.choices, default=Digest.NONE
    )
    # Posts up to this moment have been in a digest (or were there when the person
    # asked for one): the next digest starts here.
    digest_sent_until = models.DateTimeField(
        _("digest sent up to"), null=True, blank=True
    )

    # Officers see the people of their own CLPs only, whatever network they are in.
    scope_lookup = "person__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")
        ordering = ("network", "person")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "person"], name="network_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.network}"


class NetworkDigest(models.Model):
    """One digest for one membership and one period ("2026-11-25", "2026-W48"): the
    unique period makes a second run in the same day or week send nothing."""

    membership = models.ForeignKey(
        NetworkMembership,
        verbose_name=_("membership"),
        on_delete=models.CASCADE,
        related_name="digests",
    )
    period = models.CharField(_("period"), max_length=12)
    since = models.DateTimeField(_("posts after"))
    until = models.DateTimeField(_("posts up to"))
    created = models.DateTimeField(auto_now_add=True)
    # Deleting the digest (with its membership or network) takes its unsent
    # reminder with it, rather than leaving one about nothing.
    reminders = GenericRelation("comms.Reminder")

    scope_lookup = "membership__person__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("network digest")
        verbose_name_plural = _("network digests")
        ordering = ("-created", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "period"], name="network_digest_once_a_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership} · {self.period}"


class NetworkInvitation(models.Model):
    """One person invited to join one network: sent once, whoever asks again."""

    network = models.ForeignKey(
        Network,
        verbose_name=_("network"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="network_invitations",
    )
    invited_by = models.ForeignKey(
        "members.Person",
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("invited"), auto_now_add=True)
    reminders = GenericRelation("comms.Reminder")

    scope_lookup = "person__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("network invitation")
        verbose_name_plural = _("network invitations")
        ordering = ("-created", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "person"], name="network_invitation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.network}"


class ReadingItem(models.Model):
    """One entry on a study group's reading list."""

    network = models.ForeignKey(
        Network,
        verbose_name=_("study group"),
        on_delete=models.CASCADE,
        related_name="reading_list",
    )
    title = models.CharField(_("title"), max_length=200)
    author = models.CharField(_("author"), max_length=200, blank=True)
    link = models.URLField(_("link"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    scope_lookup = "network__constituencies"
    scope_spans_many = True
    objects = ScopedManager()

    class Meta:
        verbose_name = _("reading list item")
        verbose_name_plural = _("reading list")
        ordering = ("network", "order", "pk")

    def __str__(self) -> str:
        return self.title


class StudyMeeting(models.Model):
    """A study group meets at an event of the events app (bookings, calendar and
    reminders come from there)."""

    network = models.ForeignKey(
        Network,
        verbose_name=_("study group"),
        on_delete=models.CASCADE,
        related_name="meetings",
    )
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="study_meetings",
    )
    topic = models.CharField(_("what we will discuss"), max_length=200, blank=True)

    scope_lookup = "network__constituencies"
    scope_spans_many = True
    objects = ScopedManager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ("event__starts", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "event"], name="study_meeting_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.event)


class Thread(models.Model):
    network = models.ForeignKey(
        Network,
        verbose_name=_("network"),
        on_delete=models.CASCADE,
        related_name="threads",
    )
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        "members.Person",
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    scope_lookup = "network__constituencies"
    scope_spans_many = True
    objects = ScopedManager()

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        ordering = ("-created", "-pk")

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    thread = models.ForeignKey(
        Thread,
        verbose_name=_("thread"),
        on_delete=models.CASCADE,
        related_name="posts",
    )
    author = models.ForeignKey(
        "members.Person",
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="network_posts",
    )
    body = models.TextField(_("message (Markdown)"))
    created = models.DateTimeField(_("posted"), auto_now_add=True)
    edited = models.DateTimeField(_("edited"), null=True, blank=True)
    hidden_by_moderator = models.BooleanField(
        _("hidden by a co-ordinator"), default=False
    )

    scope_lookup = "thread__network__constituencies"
    scope_spans_many = True
    objects = ScopedManager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ("created", "pk")

    def __str__(self) -> str:
        return f"{self.author} · {self.created:%Y-%m-%d %H:%M}"

    @property
    def html(self) -> str:
        return markdown_to_html(self.body)
