"""Surveys: answering (a public form, or a personal link that ties the response to
a Person), and results per question — counts, a bar chart, free text — by ward."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from campaigns.models import Answer, Question, Response, Survey
from campaigns.services.common import CampaignsError
from members.models import Person
from members.services import postcode_lookup
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.links import make_token, read_token
from partyhub.ratelimit import hourly_allowance_take

SURVEY_LINK_PURPOSE = "campaigns-survey"
SURVEY_LINK_MAX_AGE_SECONDS = 60 * 60 * 24 * 90
SURVEY_RESPONSES_PER_IP_PER_HOUR = 30
SURVEY_PLACEHOLDER = re.compile(r"%%SURVEY:([-a-zA-Z0-9_]+)%%")
FREE_TEXT_SHOWN = 500

# The bar chart's geometry, in SVG user units (the chart scales to its box).
CHART_WIDTH = 400
CHART_LABEL_HEIGHT = 18
CHART_BAR_HEIGHT = 16
CHART_ROW = CHART_LABEL_HEIGHT + CHART_BAR_HEIGHT + 8
CHART_BAR_MAX = 340


def _setting(name: str, default: int) -> int:
    return getattr(settings, f"CAMPAIGNS_{name}", default)


# --- links --------------------------------------------------------------------------


def survey_url(*, survey: Survey, person_id: int) -> str:
    token = make_token(SURVEY_LINK_PURPOSE, person_id, s=survey.pk)
    return settings.SITE_URL.rstrip("/") + reverse(
        "campaigns:survey_link", args=[survey.slug, token]
    )


def survey_person_from_token(*, survey: Survey, token: str) -> Person:
    """Raises LinkExpired, LinkInvalid (also for another survey's link) or
    Person.DoesNotExist."""
    from partyhub.links import LinkInvalid

    payload = read_token(
        token,
        SURVEY_LINK_PURPOSE,
        max_age=_setting("SURVEY_LINK_MAX_AGE_SECONDS", SURVEY_LINK_MAX_AGE_SECONDS),
    )
    if payload.get("s") != survey.pk:
        raise LinkInvalid
    return Person.objects.get(pk=payload["p"])


def survey_personaliser(message: Any) -> Any:
    """%%SURVEY:<web address>%% in a message becomes each reader's own link."""
    slugs = set(SURVEY_PLACEHOLDER.findall(getattr(message, "body", "") or ""))
    surveys = list(Survey.objects.filter(slug__in=slugs)) if slugs else []
    if not surveys:
        return None

    def links(person_id: int) -> dict[str, str]:
        return {
            f"%%SURVEY:{survey.slug}%%": survey_url(survey=survey, person_id=person_id)
            for survey in surveys
        }

    return links


def survey_ip_allowance_take(*, ip: str) -> bool:
    return hourly_allowance_take(
        "campaigns:survey-ip",
        ip,
        _setting("SURVEY_RESPONSES_PER_IP_PER_HOUR", SURVEY_RESPONSES_PER_IP_PER_HOUR),
    )


# --- answering ----------------------------------------------------------------------


def survey_already_answered(*, survey: Survey, person: Person | None) -> bool:
    return person is not None and survey.responses.filter(person=person).exists()


@transaction.atomic
def survey_respond(
    *,
    survey: Survey,
    answers: dict[int, Any],
    postcode: str = "",
    person: Person | None = None,
) -> Response:
    """Store one response. `answers` maps question ids to a string, or a list of
    strings for "several choices"; empty answers are left out. The ward comes from
    the postcode given, else from the person's record."""
    if survey.status != Survey.Status.OPEN:
        raise CampaignsError(_("This survey is not open."))
    if survey.access == Survey.Access.LINK and person is None:
        raise CampaignsError(_("This survey is answered from a personal link."))
    found = postcode_lookup(postcode) if postcode else None
    ward_id = found.ward_id if found else getattr(person, "ward_id", None)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey, person=person, ward_id=ward_id, postcode=postcode
            )
    except IntegrityError as exc:
        raise CampaignsError(
            _("You have already answered this survey. Thank you!")
        ) from exc
    rows = []
    questions = {q.pk: q for q in survey.questions.all()}
    for question_id, value in answers.items():
        question = questions.get(question_id)
        if question is None:
            continue
        values = value if isinstance(value, list | tuple) else [value]
        rows += [
            Answer(response=response, question=question, value=str(v).strip())
            for v in values
            if str(v).strip()
        ]
    Answer.objects.bulk_create(rows)
    audit_log(
        actor=None,
        action=AuditAction.SURVEY_RESPOND,
        obj=response,
        constituency_id=survey.constituency_id,
        detail={"survey": survey.pk, "known_person": person is not None},
    )
    return response


# --- results ------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    count: int
    percent: int
    width: int
    label_y: int
    bar_y: int
    count_x: int


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    bars: list[Bar] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    chart_height: int = 0


def survey_results(*, survey: Survey, ward_id: int | None = None) -> dict[str, Any]:
    """Counts per option, a chart's geometry and the free-text answers, for all
    responses or one ward's; a fixed number of queries whatever the size."""
    responses = survey.responses.all()
    if ward_id is not None:
        responses = responses.filter(ward_id=ward_id)
    answers = Answer.objects.filter(response__in=responses)
    counts: dict[tuple[int, str], int] = {
        (row["question_id"], row["value"]): row["n"]
        for row in answers.exclude(question__kind=Question.Kind.TEXT)
        .values("question_id", "value")
        .annotate(n=Count("pk"))
    }
    answered = dict(
        answers.values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("question_id", "n")
    )
    texts: dict[int, list[str]] = {}
    for question_id, value in (
        answers.filter(question__kind=Question.Kind.TEXT)
        .order_by("-response__created")
        .values_list("question_id", "value")[:FREE_TEXT_SHOWN]
    ):
        texts.setdefault(question_id, []).append(value)

    results = []
    for question in survey.questions.all():
        result = QuestionResult(
            question=question, answered=answered.get(question.pk, 0)
        )
        if question.kind == Question.Kind.TEXT:
            result.texts = texts.get(question.pk, [])
        else:
            options = question.option_list
            # An option renamed after answers came in still shows its answers.
            options += sorted(
                {v for (q, v) in counts if q == question.pk} - set(options)
            )
            most = max([counts.get((question.pk, o), 0) for o in options] or [0])
            for i, option in enumerate(options):
                count = counts.get((question.pk, option), 0)
                width = round(CHART_BAR_MAX * count / most) if most else 0
                result.bars.append(
                    Bar(
                        label=option,
                        count=count,
                        percent=round(100 * count / result.answered)
                        if result.answered
                        else 0,
                        width=width,
                        label_y=i * CHART_ROW + CHART_LABEL_HEIGHT - 4,
                        bar_y=i * CHART_ROW + CHART_LABEL_HEIGHT,
                        count_x=width + 6,
                    )
                )
            result.chart_height = max(1, len(options) * CHART_ROW)
        results.append(result)
    return {"total": responses.count(), "questions": results}
