from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from partyhub.health import check_broker, check_database


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker answer, 503 otherwise (for load balancers)."""
    problems = {"database": check_database(), "broker": check_broker()}
    body = {
        name: ("ok" if problem is None else "unreachable")
        for name, problem in problems.items()
    }
    status = 200 if all(p is None for p in problems.values()) else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "unavailable", **body}, status=status
    )


def home(request: HttpRequest) -> HttpResponse:
    from members.models import Constituency

    return render(request, "home.html", {"constituencies": Constituency.objects.all()})
