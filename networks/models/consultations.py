"""Consultations: documents with sections, members' comments, and the network's
submission drafted from them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from networks.models.networks import Network
from partyhub.comms.rendering import markdown_to_html
from partyhub.scoping import ScopedManager


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

    @property
    def summary_html(self) -> str:
        return markdown_to_html(self.summary)


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

    @property
    def html(self) -> str:
        return markdown_to_html(self.text)


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
