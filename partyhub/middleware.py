import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse

log = logging.getLogger(__name__)


class ContentSecurityPolicyMiddleware:
    """Send the strict Content-Security-Policy on every response.

    Templates carry no inline scripts or styles, so the policy allows only our
    own origin: no CDN, no third-party requests.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class RetryDroppedConnectionMiddleware:
    """Run a read-only view once more when its database connection was cut.

    A PostgreSQL restart or failover, or a proxy closing a connection, breaks the
    request that was using it. A GET or HEAD changes nothing, so it is safe to run
    again on a fresh connection; once, and only when no transaction is open (the
    view's own atomic blocks have unwound by the time the exception reaches
    here). A POST is never retried: its page says it can be sent again (500.html).
    Listed last in MIDDLEWARE, so it sees the exception first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if request.method not in ("GET", "HEAD") or not isinstance(
            exception, OperationalError | InterfaceError
        ):
            return None
        if getattr(request, "_partyhub_db_retried", False):
            return None
        opened = connections.all(initialized_only=True)
        if any(conn.in_atomic_block for conn in opened):
            return None
        dropped = [
            conn
            for conn in opened
            if conn.connection is not None and not conn.is_usable()
        ]
        if not dropped:
            return None  # a live connection: the error is not a cut one
        for conn in dropped:
            conn.close()
        match = request.resolver_match
        if match is None:
            return None
        request._partyhub_db_retried = True  # type: ignore[attr-defined]
        log.warning("Database connection dropped: retrying %s once", request.path)
        response = match.func(request, *match.args, **match.kwargs)
        if callable(getattr(response, "render", None)):
            # The handler does not render a response that replaces a failed render.
            response = response.render()
        return response
