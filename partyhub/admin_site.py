import time
from collections.abc import Callable
from functools import update_wrapper, wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from partyhub.scoping import is_officer

TWO_FACTOR_NEEDED = _(
    "The admin holds members' personal details, so everyone who holds an office "
    "must protect their login with an authenticator app before it opens. Set it up "
    "below; it takes a minute."
)


def has_two_factor(user: Any) -> bool:
    """An authenticator app is set up: allauth then asks for its code at every
    login, so having one is what the admin requires."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user_id=user.pk, type=Authenticator.Type.TOTP
    ).exists()


def needs_two_factor_setup(user) -> bool:
    """An officer (or regional organiser) who has not set up two-factor yet."""
    return is_officer(user) and not has_two_factor(user)


def two_factor_setup_redirect(request: HttpRequest) -> HttpResponseRedirect:
    messages.warning(request, TWO_FACTOR_NEEDED)
    response = HttpResponseRedirect(reverse("mfa_activate_totp"))
    add_never_cache_headers(response)
    return response


def officer_powers(user) -> bool:
    """Whether an office may be used on this request: officers are officers
    everywhere, so outside the admin too an office unlocks nothing until
    two-factor is set up."""
    return is_officer(user) and has_two_factor(user)


def officer_two_factor_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """For every page outside /admin/ that an office unlocks (network invitations,
    consultation exports and drafts …): an officer without two-factor is sent to set
    it up, exactly as the admin sends them, before the page runs."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if needs_two_factor_setup(request.user):
            return two_factor_setup_redirect(request)
        return view(request, *args, **kwargs)

    guarded.officer_two_factor_required = True  # type: ignore[attr-defined]
    return guarded


# The sidebar's list of models by permissions (PartyAdminSite.get_app_list).
_APP_LISTS: dict[tuple[Any, ...], tuple[float, list[Any]]] = {}
# What else an app's admin permission checks read beyond Django permissions (the
# finance app: the CLPs a person handles money for, delegations included): each
# callable takes the user and returns something hashable, part of the key.
SIDEBAR_KEYS: list[Callable[[Any], Any]] = []


class PartyAdminSite(admin.AdminSite):
    """The officers' admin. Officers reach it through an office they hold today
    (never a hand-set is_staff); superusers are regional organisers. Either way it
    opens only once two-factor authentication is set up."""

    site_header = _("partyhub — officers")
    site_title = _("partyhub admin")
    index_title = _("Your constituency")

    def has_permission(self, request: HttpRequest) -> bool:
        return is_officer(request.user)

    def needs_two_factor_setup(self, request: HttpRequest) -> bool:
        return needs_two_factor_setup(request.user)

    def two_factor_setup_redirect(self, request: HttpRequest) -> HttpResponseRedirect:
        return two_factor_setup_redirect(request)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)
        if getattr(view, "__name__", "") == "logout":
            return inner

        def guarded(request, *args, **kwargs):
            # Before any admin page runs: an officer without two-factor sees
            # no admin data at all, only the way to set it up.
            if self.needs_two_factor_setup(request):
                return self.two_factor_setup_redirect(request)
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, inner)

    def each_context(self, request: HttpRequest) -> dict:
        # Django's own, except that the list of apps is built only when a page
        # shows it: the home page does not, and building it (every model's
        # permissions and names) costs more than the home page's queries.
        script_name = request.META["SCRIPT_NAME"]
        site_url = (
            script_name if self.site_url == "/" and script_name else self.site_url
        )
        return {
            "site_title": self.site_title,
            "site_header": self.site_header,
            "site_url": site_url,
            "has_permission": self.has_permission(request),
            "available_apps": SimpleLazyObject(lambda: self.get_app_list(request)),
            "is_popup": False,
            "is_nav_sidebar_enabled": self.enable_nav_sidebar,
            "log_entries": self.get_log_entries(request),
        }

    def get_app_list(
        self, request: HttpRequest, app_label: str | None = None
    ) -> list[Any]:
        # Every admin page's sidebar lists the models the officer may use: built
        # from some hundred admins' permission checks and URLs, the same for the
        # same permissions. Kept for a minute in this process, keyed by what the
        # checks read (the login, superuser or not, its permissions, which the
        # offices held today give); a changed office changes the key.
        user = request.user
        if app_label is not None or not user.is_authenticated:
            return super().get_app_list(request, app_label)
        key = (
            user.pk,
            user.is_superuser,
            user.is_active,
            # A superuser passes every check; anyone else by their permissions.
            frozenset() if user.is_superuser else frozenset(user.get_all_permissions()),
            get_language(),
            request.META.get("SCRIPT_NAME", ""),
            tuple(part(user) for part in SIDEBAR_KEYS),
        )
        now = time.monotonic()
        found = _APP_LISTS.get(key)
        if found is None or found[0] < now:
            if len(_APP_LISTS) > 500:
                _APP_LISTS.clear()
            found = _APP_LISTS[key] = (now + 60, super().get_app_list(request))
        return [{**app, "models": [dict(m) for m in app["models"]]} for app in found[1]]

    def index(self, request: HttpRequest, extra_context=None):
        # The officers' home page (dashboard/) instead of Django's list of models;
        # that list, grouped by task, is one click away at admin:apps.
        from dashboard.views import home

        return home(self, request, extra_context)

    def get_urls(self):
        from dashboard.admin_urls import urls

        return [*urls(self), *super().get_urls()]

    def login(self, request: HttpRequest, extra_context=None):
        # One way in for everyone: the account login (allauth), with its rate
        # limits and, for officers, two-factor authentication.
        next_url = request.GET.get("next") or reverse("admin:index")
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied(
                _("The admin is for officers holding an office today.")
            )
        if self.needs_two_factor_setup(request):
            return self.two_factor_setup_redirect(request)
        return HttpResponseRedirect(
            reverse("account_login") + "?" + urlencode({"next": next_url})
        )
