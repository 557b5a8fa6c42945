"""Prize draws: open, draw once, show the record and its re-run check."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from members.models import Person
from partyhub.actors import actor_of
from partyhub.admin_base import (
    OwnConstituencyInitialMixin,
    ScopedAdmin,
)
from partyhub.errors import message_of
from supporters.models import (
    PrizeDraw,
)
from supporters.services import (
    prize_draw_run,
    prize_draw_verify,
)

LOTTERY_NOTE = gettext_lazy(
    "A free prize draw (nobody pays to enter; every confirmed supporter is entered) is "
    "not a lottery. A draw people pay to enter is a lottery: a small society lottery "
    "must be registered with the local authority (or, above the limits, licensed by "
    "the Gambling Commission) before any ticket is sold. Winners are drawn at random "
    "from the supporters confirmed on the closing date; the seed and the entrants are "
    "recorded so anyone can re-run the draw and get the same winners."
)


@admin.register(PrizeDraw)
class PrizeDrawAdmin(OwnConstituencyInitialMixin, ScopedAdmin):
    list_display = (
        "name",
        "prize",
        "constituency",
        "closes_on",
        "winners_wanted",
        "drawn_at",
    )
    list_filter = ("constituency",)
    search_fields = ("name", "prize")
    list_select_related = ("constituency",)

    class Media:
        css = {"all": ("css/print.css",)}

    readonly_fields = (
        "entrant_count",
        "winner_list",
        "seed",
        "drawn_at",
        "drawn_by",
        "rerun_check",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "constituency",
                    "name",
                    "prize",
                    "closes_on",
                    "winners_wanted",
                ),
                "description": LOTTERY_NOTE,
            },
        ),
    )
    result_fieldset = (
        gettext_lazy("Result"),
        {
            "fields": (
                "winner_list",
                "entrant_count",
                "seed",
                "drawn_at",
                "drawn_by",
                "rerun_check",
            )
        },
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.drawn_at is not None:
            fieldsets = (*fieldsets, self.result_fieldset)
        return fieldsets

    def has_change_permission(self, request, obj=None):
        # A draw once made is the record: it stays as drawn.
        if obj is not None and obj.drawn_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.drawn_at is not None:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=gettext_lazy("entrants"))
    def entrant_count(self, obj: PrizeDraw) -> str:
        return _("%(n)s confirmed supporters (person ids: %(ids)s)") % {
            "n": len(obj.entrants),
            "ids": ", ".join(str(i) for i in obj.entrants),
        }

    @admin.display(description=gettext_lazy("winners, in the order drawn"))
    def winner_list(self, obj: PrizeDraw) -> str:
        people = Person._base_manager.in_bulk(obj.winners)
        return format_html_join(
            ", ",
            "{} ({})",
            (
                (people[pk].full_name if pk in people else _("erased"), pk)
                for pk in obj.winners
            ),
        )

    @admin.display(description=gettext_lazy("re-run check"))
    def rerun_check(self, obj: PrizeDraw) -> str:
        if prize_draw_verify(obj):
            return _("Re-run check: matches")
        return _("Re-run check: DOES NOT MATCH")

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if obj is not None:
            context.update(
                {
                    "can_draw": obj.drawn_at is None
                    and obj.closes_on < timezone.localdate()
                    and super().has_change_permission(request),
                    "draw_url": reverse(
                        "admin:supporters_prizedraw_draw", args=[obj.pk]
                    ),
                    "draw_open": obj.drawn_at is None
                    and obj.closes_on >= timezone.localdate(),
                }
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/draw/",
                self.admin_site.admin_view(require_POST(self.draw_view)),
                name="supporters_prizedraw_draw",
            ),
            *super().get_urls(),
        ]

    def draw_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        draw = self.get_object(request, unquote(object_id))
        # Model-level: the draw's own page turns read-only once drawn.
        if not super().has_change_permission(request):
            raise PermissionDenied
        try:
            draw = prize_draw_run(draw=draw, actor=actor_of(request))
        except ValidationError as exc:
            self.message_user(request, message_of(exc), messages.ERROR)
        else:
            self.message_user(
                request,
                _(
                    "Drawn: %(n)s winner(s) from %(m)s entrants. The winners are being emailed."
                )
                % {"n": len(draw.winners), "m": len(draw.entrants)},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse("admin:supporters_prizedraw_change", args=[draw.pk])
        )
