import datetime
import threading
import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from campaigns.models import Measure, Session, Signature, Target
from campaigns.services import (
    CONSENT_WORDING,
    CampaignsError,
    campaign_progress,
    petition_export,
    petition_sign,
    session_output_record,
    sessions_generate,
)
from members.models import Person
from partyhub.audit.models import AuditEntry
from partyhub.comms.models import Channel, ConsentEvent, Method
from tests import factories
from tests.pending import confirm_pending, sign_confirmed


@pytest.fixture
def sessions(team):
    sessions_generate(
        team=team, since=datetime.date(2026, 10, 1), until=datetime.date(2026, 10, 31)
    )
    return list(Session.objects.filter(team=team))


def test_lead_records_300_leaflets_and_the_leaflet_target_moves(
    campaign, lead, sessions, clp_a
):
    target = Target.objects.create(
        campaign=campaign,
        measure=Measure.LEAFLETS,
        number=1500,
        by=datetime.date(2026, 12, 31),
    )
    assert campaign_progress(campaign)[0].done == 0
    came = factories.PersonFactory(constituency=clp_a)

    session_output_record(
        session=sessions[0], actor=lead, attended=[lead.person, came], leaflets=300
    )

    progress = campaign_progress(campaign)
    assert [(p.target, p.done, p.percent) for p in progress] == [(target, 300, 20)]
    sessions[0].refresh_from_db()
    assert sessions[0].status == Session.Status.DONE
    assert set(
        sessions[0].signups.filter(attended=True).values_list("person", flat=True)
    ) == {lead.person.pk, came.pk}
    entries = AuditEntry.objects.filter(action="session.output_record")
    # The team crosses two CLPs: each one's officers can read the entry.
    assert entries.count() == 2
    assert all(e.actor == lead for e in entries)


def test_recording_again_corrects_rather_than_adds(campaign, lead, sessions):
    Target.objects.create(
        campaign=campaign,
        measure=Measure.DOORS,
        number=100,
        by=datetime.date(2027, 1, 1),
    )
    session_output_record(session=sessions[0], actor=lead, attended=[], doors=40)
    session_output_record(session=sessions[0], actor=lead, attended=[], doors=30)
    assert campaign_progress(campaign)[0].done == 30


def test_only_a_lead_records_outputs(sessions, member_a):
    with pytest.raises(CampaignsError):
        session_output_record(
            session=sessions[0], actor=member_a, attended=[], leaflets=10
        )
    assert not hasattr(Session.objects.get(pk=sessions[0].pk), "output")


def test_progress_is_one_query_per_target_not_per_session(campaign, lead, sessions):
    for session in sessions:
        session_output_record(session=session, actor=lead, attended=[], leaflets=100)
    Target.objects.create(
        campaign=campaign,
        measure=Measure.LEAFLETS,
        number=10,
        by=datetime.date(2027, 1, 1),
    )
    Target.objects.create(
        campaign=campaign,
        measure=Measure.CALLS,
        number=10,
        by=datetime.date(2027, 1, 1),
    )
    with CaptureQueriesContext(connection) as queries:
        progress = campaign_progress(campaign)
    assert len(queries) == 3  # the targets, then one aggregate each
    done = {p.target.measure: p.done for p in progress}
    assert done == {Measure.LEAFLETS: 100 * len(sessions), Measure.CALLS: 0}


def _signer(**extra):
    return {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.org",
        "postcode": "B8 1AA",
        **extra,
    }


def test_petition_signers_are_not_duplicated(petition, clp_a):
    existing = factories.PersonFactory(constituency=clp_a, email="Ada@Example.org")

    sign_confirmed(petition=petition, data=_signer(email="ADA@example.ORG"))
    sign_confirmed(petition=petition, data=_signer())

    assert Person.objects.filter(email__iexact="ada@example.org").count() == 1
    assert list(Signature.objects.values_list("person", flat=True)) == [existing.pk]


@pytest.mark.django_db(transaction=True)
def test_a_double_tap_on_sign_makes_one_person_and_one_signature(petition):
    """Two submissions of the same new address at the same moment: the second
    waits for the first and finds its Person (before, it failed with a server
    error on the unique email)."""
    first_signed = threading.Event()
    errors: list[Exception] = []

    def first_tap():
        try:
            with transaction.atomic():
                sign_confirmed(petition=petition, data=_signer())
                first_signed.set()
                time.sleep(0.5)  # still uncommitted while the second tap arrives
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            first_signed.set()
            connection.close()

    thread = threading.Thread(target=first_tap)
    thread.start()
    assert first_signed.wait(timeout=10)
    sign_confirmed(petition=petition, data=_signer())
    thread.join(timeout=10)

    assert errors == []
    assert Person.objects.filter(email__iexact="ada@example.org").count() == 1
    assert Signature.objects.filter(petition=petition).count() == 1


def test_same_email_in_another_constituency_is_a_different_person(petition, clp_b):
    other = factories.PersonFactory(constituency=clp_b, email="ada@example.org")
    signature = sign_confirmed(petition=petition, data=_signer())
    assert signature.person != other
    assert signature.person.constituency == petition.constituency


def test_consent_only_for_ticked_boxes_with_exact_wording(petition):
    signature = sign_confirmed(
        petition=petition, data=_signer(consent_email=False, consent_post=True)
    )
    events = ConsentEvent.objects.filter(person=signature.person)
    assert [(e.channel, e.granted, e.method, e.wording) for e in events] == [
        (Channel.POST, True, Method.PETITION, CONSENT_WORDING[Channel.POST])
    ]


def test_ticked_boxes_wait_for_confirmation_with_the_exact_wording(petition):
    request = petition_sign(
        petition=petition, data=_signer(consent_email=True, consent_post=False)
    )
    assert not ConsentEvent.objects.exists()
    assert not Person.objects.filter(email="ada@example.org").exists()
    assert request.data["consents"] == {"email": str(CONSENT_WORDING[Channel.EMAIL])}
    confirm_pending(request)
    person = Person.objects.get(email="ada@example.org")
    events = ConsentEvent.objects.filter(person=person)
    assert [(e.channel, e.granted, e.method, e.wording) for e in events] == [
        (Channel.EMAIL, True, Method.PETITION, CONSENT_WORDING[Channel.EMAIL])
    ]
    assert Signature.objects.filter(person=person).exists()


def test_no_boxes_ticked_records_no_consent(petition):
    signature = sign_confirmed(petition=petition, data=_signer())
    assert not ConsentEvent.objects.filter(person=signature.person).exists()


def test_closed_petition_takes_no_signatures(petition):
    petition.status = petition.Status.CLOSED
    petition.save()
    with pytest.raises(CampaignsError):
        petition_sign(petition=petition, data=_signer())
    assert not Person.objects.filter(email="ada@example.org").exists()


def test_signatures_move_the_signature_target(campaign, petition):
    Target.objects.create(
        campaign=campaign,
        measure=Measure.SIGNATURES,
        number=4,
        by=datetime.date(2099, 1, 1),
    )
    sign_confirmed(petition=petition, data=_signer())
    sign_confirmed(petition=petition, data=_signer(email="bo@example.org"))
    assert campaign_progress(campaign)[0].percent == 50


def test_export_has_names_and_postcodes_only_and_is_audited(petition, officer_a):
    sign_confirmed(petition=petition, data=_signer(consent_email=True))
    rows = petition_export(petition=petition, actor=officer_a)
    assert rows == [("Ada Lovelace", "B8 1AA")]
    entry = AuditEntry.objects.get(action="petition.export")
    assert entry.actor == officer_a
    assert entry.row_count == 1
    assert entry.constituency_id == petition.constituency_id
