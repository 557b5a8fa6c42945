from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from members.models import Constituency
from members.public_page import listings


def constituency_home(request: HttpRequest, slug: str) -> HttpResponse:
    """The public home page of a constituency party."""
    constituency = get_object_or_404(Constituency, slug=slug)
    return render(
        request,
        "members/constituency_home.html",
        {
            "constituency": constituency,
            "listings": listings(constituency),
            "join_url": settings.NATIONAL_RENEWAL_URL,
        },
    )
