"""The co-ordinator drafts the network's submission from the comments, records it
as sent, and exports it as PDF and Word: both CLPs' comments are in it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from networks.models import Submission
from networks.services import (
    comment_create,
    network_join,
)
from partyhub.audit.models import AuditEntry
from tests.networks.conftest import pdf_text


@pytest.fixture
def commented(member_a, member_b, governors, consultation):
    admissions, funding = consultation.sections.order_by("number")
    for user in (member_a, member_b):
        network_join(network=governors, person=user.person, actor=user)
    comment_create(
        section=admissions,
        person=member_a.person,
        body="Admissions should stay local.",
        actor=member_a,
    )
    comment_create(
        section=funding,
        person=member_b.person,
        body="Funding must follow need.",
        actor=member_b,
    )
    return admissions, funding


def test_coordinators_exported_submission_contains_both_clps_comments(
    client, coordinator, consultation, commented
):
    client.force_login(coordinator.user)
    page = client.get(reverse("networks:submission", args=[consultation.pk]))
    assert page.status_code == 200
    # The draft starts from the comments, shown beside each box.
    assert "Admissions should stay local." in page.text
    assert "Funding must follow need." in page.text

    pdf = client.get(reverse("networks:consultation_pdf", args=[consultation.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    text = pdf_text(pdf.content)
    assert "Admissions should stay local." in text
    assert "Funding must follow need." in text

    word = client.get(reverse("networks:consultation_export", args=[consultation.pk]))
    assert "Admissions should stay local." in word.content.decode()
    assert "Funding must follow need." in word.content.decode()
    # Two exports, each logged for both CLPs the network spans.
    assert AuditEntry.objects.filter(action="consultation.export").count() == 4


def test_draft_is_saved_then_submitted_with_its_date_and_then_locked(
    client, coordinator, consultation, commented
):
    admissions, funding = commented
    url = reverse("networks:submission", args=[consultation.pk])
    client.force_login(coordinator.user)
    form = {
        "introduction": "The school governors network responds.",
        f"section_{admissions.pk}": "We want local admissions <script>x</script>.",
        f"section_{funding.pk}": "Fund schools by need.",
        "action": "save",
    }
    response = client.post(url, form)
    assert response.status_code == 302
    submission = Submission.objects.get(consultation=consultation)
    assert submission.status == Submission.Status.DRAFT
    assert submission.submitted_on is None
    assert submission.drafted_by == coordinator
    page = client.get(url)
    assert "Fund schools by need." in page.text
    pdf_words = pdf_text(
        client.get(reverse("networks:consultation_pdf", args=[consultation.pk])).content
    )
    assert "Fund schools by need." in pdf_words
    word = client.get(
        reverse("networks:consultation_export", args=[consultation.pk])
    ).content.decode()
    assert "Fund schools by need." in word
    assert "<script>x" not in word  # escaped in the Word document

    client.post(url, {**form, "action": "submit"})
    submission.refresh_from_db()
    consultation.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.submitted_on == timezone.localdate()
    assert consultation.submitted_at is not None
    assert AuditEntry.objects.filter(action="submission.submit").count() == 1
    # Sent: no more changes.
    client.post(url, {**form, f"section_{funding.pk}": "changed", "action": "save"})
    assert submission.texts.get(section=funding).text == "Fund schools by need."
    assert "can no longer be changed" in client.get(url).text


def test_plain_member_and_other_clp_officer_cannot_draft_or_export(
    client, member_a, consultation, commented
):
    from tests import factories

    client.force_login(member_a)
    for name in ("networks:submission", "networks:consultation_pdf"):
        assert client.get(reverse(name, args=[consultation.pk])).status_code == 403
    elsewhere = factories.ConstituencyFactory(name="Elsewhere", slug="elsewhere")
    client.force_login(factories.officer(elsewhere))
    for name in ("networks:submission", "networks:consultation_pdf"):
        assert client.get(reverse(name, args=[consultation.pk])).status_code == 403
    assert not Submission.objects.exists()


def test_officer_of_a_spanned_clp_drafts_in_the_portal(
    client, officer_b, consultation, commented
):
    client.force_login(officer_b)
    page = client.get(reverse("networks:submission", args=[consultation.pk]))
    assert page.status_code == 200


def test_admin_mark_submitted_records_the_submission_date(
    client, officer_a, coordinator, consultation, commented
):
    client.force_login(coordinator.user)
    client.post(
        reverse("networks:submission", args=[consultation.pk]),
        {"introduction": "", "action": "save"},
    )
    client.force_login(officer_a)
    client.post(
        reverse("admin:networks_consultation_changelist"),
        {"action": "mark_submitted", "_selected_action": [consultation.pk]},
    )
    submission = Submission.objects.get()
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.submitted_on == timezone.localdate()
    listing = client.get(reverse("admin:networks_submission_changelist"))
    assert "Schools White Paper" in listing.text


def test_an_overlong_response_is_refused_next_to_its_box_and_nothing_saved(
    client, coordinator, consultation, commented
):
    admissions, _funding = commented
    client.force_login(coordinator.user)
    response = client.post(
        reverse("networks:submission", args=[consultation.pk]),
        {
            "introduction": "Intro",
            f"section_{admissions.pk}": "x" * 20001,
            "action": "submit",
        },
    )
    assert response.status_code == 200
    assert "Ensure this value has at most 20000 characters" in response.text
    assert not Submission.objects.exists()
    consultation.refresh_from_db()
    assert consultation.submitted_at is None


def test_a_submission_is_recorded_as_sent_once_and_then_locked(
    client, officer_a, coordinator, governors, consultation
):
    url = reverse("admin:networks_consultation_changelist")
    client.force_login(officer_a)
    page = client.post(
        url,
        {"action": "mark_submitted", "_selected_action": [consultation.pk]},
        follow=True,
    )
    assert "1 submissions recorded as sent today." in page.text
    consultation.refresh_from_db()
    first = consultation.submitted_at
    submission = Submission.objects.get(consultation=consultation)
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.submitted_on == timezone.localdate(first)
    page = client.post(
        url,
        {"action": "mark_submitted", "_selected_action": [consultation.pk]},
        follow=True,
    )
    assert "already recorded as submitted" in page.text
    consultation.refresh_from_db()
    assert consultation.submitted_at == first
    assert AuditEntry.objects.filter(action="consultation.submit").count() == 1
    # The co-ordinator's drafting page now shows it sent and saves nothing.
    client.force_login(coordinator.user)
    section = consultation.sections.first()
    drafting = reverse("networks:submission", args=[consultation.pk])
    assert "It can no longer be changed." in client.get(drafting).text
    page = client.post(
        drafting,
        {"introduction": "Changed", f"section_{section.pk}": "x", "action": "save"},
        follow=True,
    )
    assert "cannot be changed" in page.text
    submission.refresh_from_db()
    assert submission.introduction == ""


def test_a_sent_submission_cannot_be_rewritten_in_the_admin(
    client, officer_a, coordinator, consultation
):
    from networks.services import submission_save

    section = consultation.sections.get(number=1)
    submission = submission_save(
        consultation=consultation,
        introduction="As sent.",
        texts={section.pk: "Our answer."},
        drafter=coordinator,
        actor=None,
        submit=True,
    )
    text = submission.texts.get()
    client.force_login(officer_a)
    url = reverse("admin:networks_submission_change", args=[submission.pk])
    client.post(
        url,
        {
            "introduction": "Rewritten later.",
            "texts-TOTAL_FORMS": "1",
            "texts-INITIAL_FORMS": "1",
            "texts-MIN_NUM_FORMS": "0",
            "texts-MAX_NUM_FORMS": "1000",
            "texts-0-id": text.pk,
            "texts-0-submission": submission.pk,
            "texts-0-text": "A different answer.",
        },
    )
    submission.refresh_from_db()
    text.refresh_from_db()
    assert submission.introduction == "As sent."
    assert text.text == "Our answer."
    assert "As sent." in client.get(url).text


def test_each_clps_officers_can_read_that_the_submission_was_exported(
    client, clp_a, clp_b, member_a, member_b, coordinator, governors, consultation
):
    from networks.services import comment_create

    section = consultation.sections.first()
    for user in (member_a, member_b):
        network_join(network=governors, person=user.person, actor=user)
        comment_create(section=section, person=user.person, body="x", actor=user)
    comment_create(section=section, person=member_a.person, body="y", actor=member_a)
    client.force_login(coordinator.user)
    client.get(reverse("networks:consultation_export", args=[consultation.pk]))
    client.get(reverse("networks:consultation_pdf", args=[consultation.pk]))
    entries = AuditEntry.objects.filter(action="consultation.export")
    assert sorted(
        (e.constituency_id, e.row_count, e.detail["format"]) for e in entries
    ) == sorted(
        [
            (clp_a.pk, 2, "doc"),
            (clp_b.pk, 1, "doc"),
            (clp_a.pk, 2, "pdf"),
            (clp_b.pk, 1, "pdf"),
        ]
    )
