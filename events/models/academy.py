"""The academy (report 3.7, the Bristol academy): courses, seminars, enrolments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models.events import Event
from partyhub.scoping import ScopedManager


class Course(models.Model):
    """A course of political education, e.g. September to June with monthly
    seminars. Attending every seminar and a portfolio marked complete by the
    political education officer make a graduate."""

    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        on_delete=models.CASCADE,
        related_name="courses",
    )
    title = models.CharField(_("title"), max_length=200)
    starts = models.DateField(_("starts"))
    ends = models.DateField(_("ends"))
    officer = models.ForeignKey(
        "members.Person",
        verbose_name=_("course officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="courses_run",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("academy course")
        verbose_name_plural = _("academy courses")
        ordering = ("-starts", "title")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gte=models.F("starts")), name="course_ends_after"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Seminar(models.Model):
    course = models.ForeignKey(
        Course,
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="seminars",
    )
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.PROTECT,
        related_name="seminars",
        help_text=_("Attendance is what is ticked at this event's door."),
    )

    scope_lookup = "course__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("seminar")
        verbose_name_plural = _("seminars")
        ordering = ("event__starts", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "event"], name="seminar_once_per_course"
            )
        ]

    def __str__(self) -> str:
        return str(self.event)


class Enrolment(models.Model):
    course = models.ForeignKey(
        Course,
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    portfolio_complete = models.BooleanField(_("portfolio complete"), default=False)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portfolio marked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    graduated_on = models.DateField(_("graduated on"), null=True, blank=True)
    created = models.DateTimeField(_("enrolled"), auto_now_add=True)

    scope_lookup = "course__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ("course", "person__last_name", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "person"], name="enrolment_once_per_course"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.course}"
