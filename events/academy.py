"""The academy (report 3.7, the Bristol academy): courses of monthly seminars.

A graduate attended every seminar of the course (ticked at the seminar's door)
and has a portfolio the political education officer marked complete. Graduation
is recorded on the Person (`academy_graduated_on`), which candidate-panel
eligibility reads.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Booking, Course, Enrolment, Seminar
from events.services import EventsError
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.scoping import current_offices

if TYPE_CHECKING:
    from partyhub.accounts.models import User


# A seminar counts when the person was ticked in at the door on the day: from two
# hours before it starts (people arrive early), not weeks ahead.
DOOR_OPENS = datetime.timedelta(hours=2)


def _attended() -> Q:
    return Q(attended_at__isnull=False) & Q(
        attended_at__gte=F("event__starts") - DOOR_OPENS
    )


POLITICAL_EDUCATION = "political_education"


def _count(queryset, group: str) -> Subquery:
    return Coalesce(
        Subquery(
            queryset.values(group).annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def with_progress(enrolments: Any) -> Any:
    """Annotate `seminars_total` and `seminars_attended` (two subqueries: no
    N+1 on a list of enrolments)."""
    return enrolments.annotate(
        seminars_total=_count(Seminar.objects.filter(course=OuterRef("course")),
                              "course"),
        seminars_attended=_count(
            Booking.objects.filter(
                _attended(),
                person=OuterRef("person"),
                event__seminars__course=OuterRef("course"),
            ),
            "person",
        ),
    )  # fmt: skip


@dataclass(frozen=True)
class SeminarProgress:
    seminar: Seminar
    attended: bool


def course_progress(enrolment: Enrolment) -> list[SeminarProgress]:
    attended = set(
        Booking.objects.filter(
            _attended(),
            person=enrolment.person_id,
            event__seminars__course=enrolment.course_id,
        ).values_list("event_id", flat=True)
    )
    return [
        SeminarProgress(seminar=s, attended=s.event_id in attended)
        for s in enrolment.course.seminars.select_related("event")
    ]


def _missing(enrolment: Enrolment) -> list[str]:
    progress = course_progress(enrolment)
    missing = []
    if not progress:
        missing.append(_("the course has no seminars yet"))
    missing += [
        _("not at “%(seminar)s”") % {"seminar": p.seminar.event.title}
        for p in progress
        if not p.attended
    ]
    if not enrolment.portfolio_complete:
        missing.append(_("the portfolio is not marked complete"))
    return missing


def _is_political_education_officer(user: Any, course: Course) -> bool:
    if user is not None and user.is_active and user.is_superuser:
        return True
    return (POLITICAL_EDUCATION, course.constituency_id) in current_offices(user)


@transaction.atomic
def enrolment_graduate(*, enrolment: Enrolment, actor: User | None) -> Enrolment:
    """Make a graduate — only with every seminar attended and the portfolio
    complete; raises EventsError saying what is missing otherwise."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("course", "person")
        .get(pk=enrolment.pk)
    )
    if enrolment.graduated_on is not None:
        return enrolment
    missing = _missing(enrolment)
    if missing:
        raise EventsError(
            _("%(person)s cannot graduate yet: %(missing)s.")
            % {"person": enrolment.person, "missing": "; ".join(missing)}
        )
    today = timezone.localdate()
    enrolment.graduated_on = today
    enrolment.save(update_fields=["graduated_on"])
    person = enrolment.person
    if person.academy_graduated_on is None:
        person.academy_graduated_on = today
        person.save(update_fields=["academy_graduated_on", "updated"])
    audit_log(
        actor=actor,
        action=AuditAction.ACADEMY_GRADUATED,
        obj=enrolment,
        detail={"course": enrolment.course_id, "person": person.pk},
    )
    return enrolment


@transaction.atomic
def portfolio_mark_complete(*, enrolment: Enrolment, actor: User | None) -> Enrolment:
    """The political education officer of the course's CLP marks the portfolio
    complete; with every seminar attended that makes a graduate."""
    enrolment = Enrolment.objects.select_related("course").get(pk=enrolment.pk)
    if not _is_political_education_officer(actor, enrolment.course):
        raise EventsError(
            _("Only the political education officer can mark a portfolio complete.")
        )
    if not enrolment.portfolio_complete:
        Enrolment.objects.filter(pk=enrolment.pk).update(
            portfolio_complete=True, completed_by=actor
        )
        audit_log(
            actor=actor, action=AuditAction.ACADEMY_PORTFOLIO_COMPLETE, obj=enrolment
        )
    enrolment.refresh_from_db()
    try:
        return enrolment_graduate(enrolment=enrolment, actor=actor)
    except EventsError:
        return enrolment  # seminars still to attend: they graduate later
