from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from members.models import Constituency


def constituency_home(request: HttpRequest, slug: str) -> HttpResponse:
    """The public home page of a constituency party."""
    constituency = get_object_or_404(Constituency, slug=slug)
    return render(
        request, "members/constituency_home.html", {"constituency": constituency}
    )
