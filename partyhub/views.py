import sys

from django.db import InterfaceError, OperationalError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu.exceptions import OperationalError as BrokerUnavailable

from partyhub.health import check_broker, check_database
from partyhub.ratelimit import CACHE_UNAVAILABLE

# Errors that say a service we depend on is briefly away (Redis restarting, the
# database failing over), not that the request was wrong: try again in a minute.
SERVICE_UNAVAILABLE = (
    *CACHE_UNAVAILABLE,
    BrokerUnavailable,
    OperationalError,
    InterfaceError,
)
RETRY_AFTER_SECONDS = 60


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
    from django.conf import settings

    from members.models import Constituency

    return render(
        request,
        "home.html",
        {
            "constituencies": Constituency.objects.all(),
            "join_url": settings.NATIONAL_RENEWAL_URL,
        },
    )


def _error_page(template: str, status: int) -> HttpResponse:
    # Rendered without the request, as Django's own server_error: the context
    # processors read the user and the database, which may be what failed.
    response = HttpResponseServerError(loader.get_template(template).render())
    response.status_code = status
    return response


def service_unavailable(request: HttpRequest | None = None) -> HttpResponse:
    """503 with "try again in a minute" and a Retry-After header."""
    response = _error_page("503.html", 503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a 503 "try again in a minute" page when the error is a service
    that is briefly away (the cache, the broker, the database), else the 500 page;
    both say the request can be tried again. Django calls it from inside its
    `except` block, so the exception is still at hand."""
    if isinstance(sys.exc_info()[1], SERVICE_UNAVAILABLE):
        return service_unavailable(request)
    return _error_page("500.html", 500)
