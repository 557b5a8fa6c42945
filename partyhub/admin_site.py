from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partyhub.scoping import is_officer


class PartyAdminSite(admin.AdminSite):
    """The officers' admin. Officers reach it through an office they hold today
    (never a hand-set is_staff); superusers are regional organisers."""

    site_header = _("partyhub — officers")
    site_title = _("partyhub admin")
    index_title = _("Your constituency")

    def has_permission(self, request: HttpRequest) -> bool:
        return is_officer(request.user)

    def login(self, request: HttpRequest, extra_context=None):
        # One way in for everyone: the account login (allauth), with its rate
        # limits and, for officers, two-factor authentication.
        next_url = request.GET.get("next") or reverse("admin:index")
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied(
                _("The admin is for officers holding an office today.")
            )
        return HttpResponseRedirect(
            reverse("account_login") + "?" + urlencode({"next": next_url})
        )
