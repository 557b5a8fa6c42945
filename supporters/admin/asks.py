"""Asks: send once, replies by link or by hand, counts, the printable yes-list."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from partyhub.actors import actor_of
from partyhub.admin_base import (
    OwnConstituencyInitialMixin,
    ScopedAdmin,
    formset_through_services,
)
from partyhub.errors import message_of
from partyhub.forms import SingleLineMixin
from partyhub.scoping import ScopedAdminMixin
from supporters import services
from supporters.admin.base import AskOfferListFilter, OffersMixin
from supporters.models import (
    Ask,
    AskReply,
)
from supporters.selectors import asks_with_replies_to_act_on
from supporters.services import (
    ask_counts,
    ask_print_list,
    ask_send,
)


class AskForm(SingleLineMixin, forms.ModelForm):
    class Meta:
        model = Ask
        fields = ("constituency", "offer", "wards", "subject", "body")

    def clean(self):
        data = super().clean()
        constituency = data.get("constituency")
        if constituency is not None:
            offer = data.get("offer")
            if offer is not None and offer.constituency_id not in (
                None,
                constituency.pk,
            ):
                self.add_error(
                    "offer", _("This kind of help belongs to another constituency.")
                )
            wards = data.get("wards") or []
            if any(w.constituency_id != constituency.pk for w in wards):
                self.add_error("wards", _("Choose wards of the ask's constituency."))
        return data


class AskReplyInline(ScopedAdminMixin, admin.TabularInline):
    model = AskReply
    extra = 0
    fields = ("person", "answer", "at", "recorded_by")
    readonly_fields = ("at", "recorded_by")
    autocomplete_fields = ("person",)
    verbose_name_plural = gettext_lazy(
        "replies (record one taken on the phone or at the door)"
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "recorded_by")


class AskRepliesListFilter(admin.SimpleListFilter):
    """Asks somebody said yes to lately: the officers' home page links here."""

    title = gettext_lazy("replies")
    parameter_name = "replies"

    def lookups(self, request, model_admin):
        return [("act_on", gettext_lazy("Offers of help in the last 30 days"))]

    def queryset(self, request, queryset):
        if self.value() == "act_on":
            return queryset.filter(asks_with_replies_to_act_on())
        return queryset


@admin.register(Ask)
class AskAdmin(OffersMixin, OwnConstituencyInitialMixin, ScopedAdmin):
    form = AskForm
    list_display = ("subject", "offer", "constituency", "sent", "yes_count", "created")
    list_filter = ("constituency", AskOfferListFilter, AskRepliesListFilter)
    search_fields = ("subject",)
    list_select_related = ("offer", "constituency", "message")
    filter_horizontal = ("wards",)
    inlines = (AskReplyInline,)

    class Media:
        css = {"all": ("css/print.css",)}

    readonly_fields = ("message_link", "reply_counts", "created_by", "created")
    _content = ("constituency", "offer", "wards", "subject", "body")
    fieldsets = (
        (None, {"fields": ("constituency", "offer", "wards")}),
        (gettext_lazy("The ask"), {"fields": ("subject", "body")}),
        (
            gettext_lazy("Sending and replies"),
            {"fields": ("message_link", "reply_counts", "created_by", "created")},
        ),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                yes_total=Count(
                    "replies", filter=Q(replies__answer=AskReply.Answer.YES)
                )
            )
        )

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.message_id:
            # What was sent is what was asked; replies can still be recorded.
            fields = (*self._content, *fields)
        return fields

    @admin.display(description=gettext_lazy("sent"), boolean=True)
    def sent(self, obj: Ask) -> bool:
        return obj.message_id is not None

    @admin.display(description=gettext_lazy("yes"), ordering="yes_total")
    def yes_count(self, obj: Ask) -> int:
        return obj.yes_total

    @admin.display(description=gettext_lazy("message"))
    def message_link(self, obj: Ask) -> str:
        if obj.message_id is None:
            return _("Not sent yet.")
        url = reverse("admin:comms_message_change", args=[obj.message_id])
        return format_html(
            '<a href="{}">{}</a> ({})',
            url,
            obj.message,
            obj.message.get_status_display(),
        )

    @admin.display(description=gettext_lazy("replies"))
    def reply_counts(self, obj: Ask) -> str:
        if obj.pk is None:
            return "—"
        counts = ask_counts(obj)
        labels = [*AskReply.Answer.choices, ("none", _("No reply yet"))]
        return format_html_join(
            " · ", "{}: {}", ((label, counts[value]) for value, label in labels)
        )

    def save_model(self, request, obj: Ask, form, change: bool) -> None:
        if not change:
            services.ask_create(instance=obj, actor=request.user)
            return
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not AskReply:
            return super().save_formset(request, form, formset, change)
        # Replies taken by hand go through the same service as link replies, so
        # each is recorded with who took it and audited.
        return formset_through_services(
            model_admin=self,
            request=request,
            formset=formset,
            create=services.ask_reply_create,
            update=services.ask_reply_update,
            delete=services.ask_reply_delete,
        )

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if obj is not None:
            context.update(
                {
                    "can_send": obj.message_id is None
                    and super().has_change_permission(request),
                    "send_url": reverse("admin:supporters_ask_send", args=[obj.pk]),
                    "print_url": reverse("admin:supporters_ask_print", args=[obj.pk]),
                }
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/send/",
                wrap(require_POST(self.send_view)),
                name="supporters_ask_send",
            ),
            path(
                "<path:object_id>/print/",
                wrap(require_GET(self.print_view)),
                name="supporters_ask_print",
            ),
            *super().get_urls(),
        ]

    def _back(self, ask: Ask) -> HttpResponseRedirect:
        return HttpResponseRedirect(
            reverse("admin:supporters_ask_change", args=[ask.pk])
        )

    def send_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        ask = self.get_object(request, unquote(object_id))
        if not super().has_change_permission(request, ask):
            raise PermissionDenied
        try:
            ask_send(ask=ask, actor=actor_of(request))
        except ValidationError as exc:
            self.message_user(request, message_of(exc), messages.ERROR)
        else:
            self.message_user(
                request,
                _("The ask is being sent to the supporters who offered this help."),
                messages.SUCCESS,
            )
        return self._back(ask)

    def print_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        ask = self.get_object(request, unquote(object_id))
        if not self.has_view_or_change_permission(request, ask):
            raise PermissionDenied
        by_ward = ask_print_list(ask=ask, actor=actor_of(request))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Yes to “%(subject)s”") % {"subject": ask.subject},
            "ask": ask,
            "by_ward": sorted(
                by_ward.items(), key=lambda item: item[0].name if item[0] else "~"
            ),
            "total": sum(len(people) for people in by_ward.values()),
        }
        return TemplateResponse(request, "admin/supporters/ask/print.html", context)
