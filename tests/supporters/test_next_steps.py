"""Issue 16 item 3: each thank-you page offers a next step — another event of the
constituency, sharing the petition, becoming a member."""

import time

import pytest
from django.urls import reverse

from campaigns.models import Petition
from events.models import Event
from partyhub.forms import started_token
from supporters.models import SignupRequest
from supporters.signup import signup_confirmation_send
from tests.events.conftest import make_event
from tests.pending import confirm_link
from tests.supporters.conftest import confirm_path

pytestmark = pytest.mark.usefixtures("eager_tasks")


def _visitor(**extra):
    return {
        "first_name": "Vera",
        "last_name": "Visitor",
        "email": "vera@example.org",
        "postcode": "b8 1aa",
        "guests": "0",
        "website": "",
        "started": started_token(time.time() - 10),
        **extra,
    }


def _confirm_by_email(client, mailoutbox):
    signup_confirmation_send(signup_request_id=SignupRequest.objects.latest("pk").pk)
    return client.post(confirm_link(mailoutbox[-1])).text


def test_booked_page_offers_another_event_and_membership(
    client, clp_a, clp_b, mailoutbox, settings
):
    event = make_event(clp_a, title="Meet your MP", audience=Event.Audience.PUBLIC)
    make_event(clp_b, title="Reading quiz", audience=Event.Audience.PUBLIC)
    make_event(clp_a, title="Members' AGM", audience=Event.Audience.MEMBERS)
    client.post(reverse("events:detail", args=[event.pk]), _visitor())
    page = _confirm_by_email(client, mailoutbox)
    assert "We have your booking" in page
    assert "What next?" in page
    assert "Reading quiz" not in page and "Members&#x27; AGM" not in page
    assert "Meet your MP</a>" not in page  # not the one just booked
    assert 'href="/events/clp/hodge-hill/">See all our events' in page
    assert f'href="{settings.NATIONAL_RENEWAL_URL}">Become a member' in page

    later = make_event(clp_a, title="Summer fair", audience=Event.Audience.PUBLIC)
    page = client.post(confirm_link(mailoutbox[-1])).text  # pressed again
    assert f'href="/events/{later.pk}/">Summer fair</a>' in page


def test_signed_page_offers_the_petition_to_share(client, clp_a, mailoutbox, settings):
    petition = Petition.objects.create(
        constituency=clp_a, slug="save-the-library", title="Save the library",
        text="Keep it open.", status=Petition.Status.OPEN,
    )  # fmt: skip
    client.post(reverse("campaigns:petition", args=[petition.slug]), _visitor())
    page = _confirm_by_email(client, mailoutbox)
    assert "Your name is on “Save the library”" in page
    url = f"{settings.SITE_URL.rstrip('/')}/campaigns/petitions/save-the-library/"
    assert f'readonly value="{url}"' in page
    assert "Share by email" in page and "mailto:?subject=Save%20the%20library" in page
    assert "Become a member of the Labour Party" in page


def test_supporter_welcome_offers_an_event_and_membership(
    client,
    clp_a,
    sign_up,  # noqa: F811
    places,  # noqa: F811
    mailoutbox,
):
    make_event(clp_a, title="Meet your MP", audience=Event.Audience.PUBLIC)
    sign_up()
    page = client.post(confirm_path(mailoutbox[0])).text
    assert "Thank you for joining" in page
    assert "What next?" in page and "Meet your MP</a>" in page
    assert "Become a member of the Labour Party" in page
