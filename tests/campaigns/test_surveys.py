"""Surveys: public and personal-link forms, responses tied to a person and a ward,
results per question with counts, an SVG chart (no inline style) and free text,
filterable by ward, scoped; responses move a survey-responses target."""

import datetime
import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Measure, Question, Response, Survey, Target
from campaigns.services import (
    survey_respond,
    survey_url,
    target_progress,
)
from members.models import Postcode
from partyhub.forms import started_token
from partyhub.links import make_token
from tests import factories


@pytest.fixture
def wards(clp_a):
    washwood = factories.WardFactory(constituency=clp_a, name="Washwood Heath")
    hodge = factories.WardFactory(constituency=clp_a, name="Hodge Hill ward")
    Postcode.objects.create(postcode="B8 1AA", ward=washwood, constituency=clp_a)
    Postcode.objects.create(postcode="B36 8AA", ward=hodge, constituency=clp_a)
    return {"washwood": washwood, "hodge": hodge}


@pytest.fixture
def survey(clp_a, campaign):
    survey = Survey.objects.create(
        constituency=clp_a,
        campaign=campaign,
        title="Our streets 2026",
        slug="our-streets-2026",
        intro="Tell us what matters where you live.",
        status=Survey.Status.OPEN,
    )
    Question.objects.create(
        survey=survey,
        order=1,
        text="What matters most?",
        kind="choice",
        options="Potholes\nCrime\nBins",
        required=True,
    )
    Question.objects.create(
        survey=survey,
        order=2,
        text="Which services do you use?",
        kind="choices",
        options="Library\nPool\nPark",
    )
    Question.objects.create(
        survey=survey, order=3, text="How safe do you feel?", kind="scale"
    )
    Question.objects.create(survey=survey, order=4, text="Anything else?", kind="text")
    return survey


def _q(survey, order):
    return survey.questions.get(order=order)


def _post(survey, **extra):
    return {
        f"q{_q(survey, 1).pk}": "Crime",
        f"q{_q(survey, 2).pk}": ["Library", "Park"],
        f"q{_q(survey, 3).pk}": "2",
        f"q{_q(survey, 4).pk}": "More buses please",
        "website": "",
        "started": started_token(time.time() - 10),
        **extra,
    }


def test_visitor_answers_the_public_survey_and_ward_comes_from_postcode(
    client, survey, wards
):
    url = reverse("campaigns:survey", args=[survey.slug])
    page = client.get(url)
    assert "What matters most?" in page.text and "Your postcode" in page.text
    assert " style=" not in page.text
    response = client.post(url, _post(survey, postcode="b8 1aa"))
    assert response.status_code == 302
    saved = Response.objects.get()
    assert saved.ward == wards["washwood"] and saved.person is None
    assert sorted(saved.answers.values_list("value", flat=True)) == [
        "2",
        "Crime",
        "Library",
        "More buses please",
        "Park",
    ]


def test_required_question_and_bad_choice_show_errors_and_store_nothing(client, survey):
    url = reverse("campaigns:survey", args=[survey.slug])
    data = _post(survey)
    del data[f"q{_q(survey, 1).pk}"]
    data[f"q{_q(survey, 3).pk}"] = "9"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "This field is required" in response.text
    assert "That choice is not on the list" in response.text
    assert not Response.objects.exists()


def test_personal_link_ties_the_response_to_its_person_once(
    client, survey, clp_a, wards
):
    survey.access = Survey.Access.LINK
    survey.save()
    person = factories.PersonFactory(constituency=clp_a, ward=wards["hodge"])
    assert (
        client.get(reverse("campaigns:survey", args=[survey.slug])).status_code == 404
    )
    path = survey_url(survey=survey, person_id=person.pk).split("testserver")[-1]
    path = path[path.index("/campaigns/") :]
    page = client.get(path)
    assert "Your postcode" not in page.text
    client.post(path, _post(survey))
    saved = Response.objects.get()
    assert saved.person == person and saved.ward == wards["hodge"]
    again = client.post(path, _post(survey), follow=True)
    assert again.status_code == 410  # a used personal link is gone
    assert "This link has been used" in again.text
    assert "already answered" in again.text
    assert client.get(path).status_code == 410
    assert Response.objects.count() == 1


def test_link_for_another_survey_or_expired_does_not_work(
    client, survey, clp_a, settings
):
    person = factories.PersonFactory(constituency=clp_a)
    other = make_token("campaigns-survey", person.pk, s=survey.pk + 1000)
    url = reverse("campaigns:survey_link", args=[survey.slug, other])
    assert client.post(url, _post(survey)).status_code == 400
    good = make_token("campaigns-survey", person.pk, s=survey.pk)
    settings.CAMPAIGNS_SURVEY_LINK_MAX_AGE_SECONDS = -1
    url = reverse("campaigns:survey_link", args=[survey.slug, good])
    expired = client.post(url, _post(survey))
    assert expired.status_code == 410
    assert "This link has expired" in expired.text
    assert "team lead" not in expired.text  # a survey link is not a team's
    assert not Response.objects.exists()


def _answer(survey, postcode, choice, services=(), scale="3", text=""):
    survey_respond(
        survey=survey,
        answers={
            _q(survey, 1).pk: choice,
            _q(survey, 2).pk: list(services),
            _q(survey, 3).pk: scale,
            _q(survey, 4).pk: text,
        },
        postcode=postcode,
    )


def test_results_show_counts_chart_and_free_text_by_ward(
    client, officer_a, survey, wards
):
    _answer(survey, "B8 1AA", "Crime", ["Library"], "2", "Too many burglaries")
    _answer(survey, "B8 1AA", "Crime", ["Library", "Park"], "4")
    _answer(survey, "B36 8AA", "Bins", ["Pool"], "5", "Bins missed weekly")
    client.force_login(officer_a)
    url = reverse("admin:campaigns_survey_results", args=[survey.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "3 responses" in page.text
    assert "<td>Crime</td><td>2</td><td>67</td>" in page.text
    assert "<td>Potholes</td><td>0</td><td>0</td>" in page.text
    assert "Too many burglaries" in page.text and "Bins missed weekly" in page.text
    # The chart is SVG with sizes as attributes: nothing for the CSP to block.
    assert '<rect x="0"' in page.text and " style=" not in page.text
    widths = re.findall(r'<rect x="0" y="\d+" width="(\d+)"', page.text)
    assert widths[:3] == ["0", "340", "170"]  # potholes, crime (most), bins

    washwood = client.get(url, {"ward": wards["washwood"].pk})
    assert "2 responses" in washwood.text
    assert "Too many burglaries" in washwood.text
    assert "Bins missed weekly" not in washwood.text
    assert "<td>Bins</td><td>0</td>" in washwood.text


def test_results_are_scoped_and_take_fixed_queries(
    client, officer_a, officer_b, survey, wards
):
    client.force_login(officer_b)
    url = reverse("admin:campaigns_survey_results", args=[survey.pk])
    assert client.get(url).status_code == 404
    client.force_login(officer_a)
    _answer(survey, "B8 1AA", "Crime", ["Library"], text="One")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(6):
        _answer(survey, "B36 8AA", "Bins", ["Pool", "Park"], text=f"More {n}")
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few)


def test_other_constituencys_ward_cannot_be_chosen(client, officer_a, survey, clp_b):
    elsewhere = factories.WardFactory(constituency=clp_b, name="Tilehurst")
    client.force_login(officer_a)
    url = reverse("admin:campaigns_survey_results", args=[survey.pk])
    assert client.get(url, {"ward": elsewhere.pk}).status_code == 404


def test_responses_move_the_survey_target(survey, campaign, wards):
    target = Target.objects.create(
        campaign=campaign,
        measure=Measure.SURVEY_RESPONSES,
        number=4,
        by=datetime.date(2099, 1, 1),
    )
    ward_target = Target.objects.create(
        campaign=campaign,
        measure=Measure.SURVEY_RESPONSES,
        ward=wards["hodge"],
        number=2,
        by=datetime.date(2099, 1, 1),
    )
    _answer(survey, "B8 1AA", "Crime")
    _answer(survey, "B36 8AA", "Bins")
    assert target_progress(target).done == 2
    assert target_progress(ward_target).done == 1


def test_newsletter_placeholder_becomes_each_readers_survey_link(survey):
    from campaigns.services import survey_personaliser
    from partyhub.comms.models import Message

    links = survey_personaliser(
        Message(body="Have your say: %%SURVEY:our-streets-2026%%")
    )
    url = links(7)["%%SURVEY:our-streets-2026%%"]
    assert f"/campaigns/surveys/{survey.slug}/you/" in url
    assert survey_personaliser(Message(body="%%SURVEY:no-such-survey%%")) is None


def test_public_survey_has_the_bot_traps_and_a_stamp_works_once(client, survey):
    url = reverse("campaigns:survey", args=[survey.slug])
    assert 'name="started"' in client.get(url).text
    bot = client.post(url, _post(survey, website="http://spam.example"))
    assert bot.status_code == 302
    assert not Response.objects.exists()
    once = started_token(time.time() - 10)
    client.post(url, _post(survey, started=once))
    client.post(url, _post(survey, started=once))
    assert Response.objects.count() == 1
