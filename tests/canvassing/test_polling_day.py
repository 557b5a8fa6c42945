"""Polling day: tellers' numbers and the marked postal register update who has
voted; the knock-up list is our supporters who have not, street by street."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from canvassing.models import Elector
from canvassing.selectors import knock_up
from canvassing.services import mark_voted, numbers_from_text


def _left(district) -> list[str]:
    return [e.number for _street, electors in knock_up([district.pk]) for e in electors]


def test_tellers_numbers_shrink_the_knock_up_list(client, district_a, lead_a):
    Elector.objects.filter(number__in=["1", "3", "6", "8"]).update(intention="ours")
    Elector.objects.filter(number="4").update(intention="other")
    assert _left(district_a) == ["1", "3", "6", "8"]
    streets = [street for street, _e in knock_up([district_a.pk])]
    assert streets == ["High Street", "Mill Lane"]
    client.force_login(lead_a)
    url = reverse("canvassing:polling_day", args=[district_a.constituency.slug])
    response = client.post(
        url, {"district": district_a.pk, "numbers": "HA1-1, 3\n4  99"}, follow=True
    )
    assert b"3 marked as voted" in response.content
    assert b"Not on the register: 99" in response.content
    assert _left(district_a) == ["6", "8"]
    assert b"2 supporters have not voted yet" in response.content


def test_marking_twice_is_harmless(district_a, officer_a):
    assert mark_voted(district=district_a, numbers=["1"], actor=officer_a) == (1, [])
    assert mark_voted(district=district_a, numbers=["1"], actor=officer_a) == (0, [])


def test_the_marked_postal_register_file(client, district_a, officer_a):
    Elector.objects.filter(number__in=["2", "5"]).update(intention="ours")
    client.force_login(officer_a)
    url = reverse("canvassing:polling_day", args=[district_a.constituency.slug])
    upload = SimpleUploadedFile("marked.csv", b"Elector Number,Name\n2,Bob Adams\n")
    client.post(url, {"district": district_a.pk, "file": upload})
    assert _left(district_a) == ["5"]


def test_numbers_from_text():
    assert numbers_from_text("1, 2/1\nHA1-3 x") == (["1", "2/1", "3"], ["x"])
