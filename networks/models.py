"""Policy networks and study groups, their discussion boards and consultations, and
the directory of community organisations (report 3.3, 3.4, 3.9).

A network may span several constituencies (`scope_spans_many`): an officer sees a
network when it touches one of their CLPs, but among its members only their own
CLPs' people (the membership rows are scoped by the person's home constituency).
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

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


class Consultation(models.Model):
    network = models.ForeignKey(
        Network,
        verbose_name=_("network"),
        on_delete=models.CASCADE,
        related_name="consultations",
    )
    title = models.CharField(_("title"), max_length=200)
    document = models.CharField(
        _("document"),
        max_length=200,
        blank=True,
        help_text=_("A White or Green paper, a Partnership in Power document…"),
    )
    summary = models.TextField(_("summary (Markdown)"), blank=True)
    deadline = models.DateField(_("deadline"))
    submitted_at = models.DateTimeField(_("submission sent"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    scope_lookup = "network__constituencies"
    scope_spans_many = True
    objects = ScopedManager()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ("deadline", "pk")

    def __str__(self) -> str:
        return self.title


class Section(models.Model):
    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="sections",
    )
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("what it says (Markdown)"), blank=True)

    scope_lookup = "consultation__network__constituencies"
    scope_spans_many = True
    objects = ScopedManager()

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ("consultation", "number", "pk")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Comment(models.Model):
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("person"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="consultation_comments",
    )
    body = models.TextField(_("comment (Markdown)"))
    created = models.DateTimeField(_("created"), auto_now_add=True)

    scope_lookup = "person__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ("section", "created", "pk")

    def __str__(self) -> str:
        return f"{self.person} · {self.section}"

    @property
    def html(self) -> str:
        return markdown_to_html(self.body)


class Submission(models.Model):
    """The network's formal answer to a consultation, drafted by a co-ordinator from
    the members' comments; recorded with the date it was sent."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    consultation = models.OneToOneField(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="submission",
    )
    introduction = models.TextField(_("introduction"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    submitted_on = models.DateField(_("date submitted"), null=True, blank=True)
    drafted_by = models.ForeignKey(
        "members.Person",
        verbose_name=_("drafted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated = models.DateTimeField(_("last saved"), auto_now=True)

    scope_lookup = "consultation__network__constituencies"
    scope_spans_many = True
    objects = ScopedManager()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ("-updated", "pk")

    def __str__(self) -> str:
        return str(self.consultation)


class SubmissionSection(models.Model):
    submission = models.ForeignKey(
        Submission,
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="texts",
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        on_delete=models.CASCADE,
        related_name="submission_texts",
    )
    text = models.TextField(_("the network's response"), blank=True)

    scope_lookup = "submission__consultation__network__constituencies"
    scope_spans_many = True
    objects = ScopedManager()

    class Meta:
        verbose_name = _("submission section")
        verbose_name_plural = _("submission sections")
        ordering = ("section__number", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "section"], name="submission_section_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.section)


class CommunityOrganisation(models.Model):
    class Kind(models.TextChoices):
        RESIDENTS = "residents", _("Residents' or tenants' association")
        FAITH = "faith", _("Church or faith group")
        NEIGHBOURHOOD_WATCH = "neighbourhood_watch", _("Neighbourhood watch")
        SCHOOL = "school", _("School")
        VOLUNTARY = "voluntary", _("Voluntary group")
        BUSINESS = "business", _("Local business")
        UNION_BRANCH = "union_branch", _("Union branch")

    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        on_delete=models.PROTECT,
        related_name="community_organisations",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    consent_to_mail = models.BooleanField(_("agreed to be mailed"), default=False)
    consent_wording = models.CharField(
        _("what they agreed to"),
        max_length=300,
        blank=True,
        help_text=_("The words they were asked, so the consent can be shown later."),
    )
    ward = models.ForeignKey(
        "members.Ward",
        verbose_name=_("ward"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_organisations",
    )
    relationship_notes = models.TextField(_("the party's relationship"), blank=True)
    last_contact = models.DateField(_("last contact"), null=True, blank=True)
    owner = models.ForeignKey(
        "members.Person",
        verbose_name=_("who owns the relationship"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_relationships",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("community organisation")
        verbose_name_plural = _("community organisations")
        ordering = ("name", "pk")
        indexes = [
            models.Index(fields=["constituency", "kind"], name="communityorg_kind_idx")
        ]

    def __str__(self) -> str:
        return self.name
