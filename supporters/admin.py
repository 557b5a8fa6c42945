"""The supporters' club in the officers' admin: the list, its import and export,
kinds of help, unconfirmed signups, asks and their replies, prize draws, and the
conversion of supporters into members.

Every admin inherits the constituency scoping mixin; the buttons call
supporters.services, which check state, write in one transaction and audit.
"""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from members.models import Constituency, Person
from partyhub.exports import ExportPermissionMixin, csv_export_action
from partyhub.scoping import ScopedAdminMixin, constituency_ids
from supporters.models import (
    Ask,
    AskReply,
    HelpOffer,
    PrizeDraw,
    SignupRequest,
    Supporter,
)
from supporters.services import (
    IMPORT_MAX_BYTES,
    SupportersError,
    ask_counts,
    ask_print_list,
    ask_reply_record,
    ask_send,
    conversion_stats,
    help_offers_for,
    prize_draw_run,
    prize_draw_verify,
    supporters_import,
)


class ScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    pass


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


class OwnConstituencyInitialMixin:
    """An officer of one constituency finds it already chosen on a new record."""

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        ids = constituency_ids(request.user)
        if "constituency" not in initial and ids is not None and len(ids) == 1:
            initial["constituency"] = next(iter(ids))
        return initial


class OffersMixin:
    """Kinds of help on a form: the party-wide ones and the officer's CLPs' own (the
    scoping mixin alone would drop the party-wide ones, which have no CLP)."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model is HelpOffer:
            kwargs["queryset"] = help_offers_for(constituency_ids(request.user))
            kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is HelpOffer:
            kwargs["queryset"] = help_offers_for(constituency_ids(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OfferListFilter(admin.SimpleListFilter):
    title = gettext_lazy("help offered")
    parameter_name = "offer"

    def lookups(self, request, model_admin):
        return [
            (o.pk, o.label)
            for o in help_offers_for(constituency_ids(request.user)).order_by()
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(offers__pk=self.value())
        return queryset


def _offer_slugs(supporter: Supporter) -> str:
    return ";".join(o.slug for o in supporter.offers.all())


# --- supporters ----------------------------------------------------------------------


@admin.register(Supporter)
class SupporterAdmin(
    OffersMixin, OwnConstituencyInitialMixin, ExportPermissionMixin, ScopedAdmin
):
    # One export right for everyone the party knows (see members/roles.py).
    export_permission = "members.export_person"
    actions = [
        csv_export_action(
            columns=[
                ("first_name", lambda s: s.person.first_name),
                ("last_name", lambda s: s.person.last_name),
                ("email", lambda s: s.person.email),
                ("phone", lambda s: s.person.phone),
                ("postcode", lambda s: s.person.postcode),
                ("ward", lambda s: s.person.ward.name if s.person.ward else ""),
                ("status", lambda s: s.status),
                ("source", lambda s: s.source),
                ("offers", _offer_slugs),
                ("joined", lambda s: s.joined),
                ("left", lambda s: s.left),
            ],
            description=gettext_lazy("Export selected supporters to CSV"),
        )
    ]
    list_display = (
        "name",
        "email",
        "ward",
        "status",
        "source",
        "offer_list",
        "joined",
        "needs_review",
    )
    list_filter = (
        "status",
        "source",
        OfferListFilter,
        "person__ward",
        "needs_review",
        "joined",
    )
    search_fields = (
        "person__first_name",
        "person__last_name",
        "person__email",
        "person__postcode",
    )
    list_select_related = ("person", "person__ward")
    autocomplete_fields = ("person",)
    readonly_fields = ("created", "updated")
    list_per_page = 50
    date_hierarchy = "joined"
    fieldsets = (
        (None, {"fields": ("person", "constituency", "status", "source")}),
        (gettext_lazy("Help offered"), {"fields": ("offers",)}),
        (
            gettext_lazy("Record"),
            {"fields": ("joined", "left", "needs_review", "created", "updated")},
        ),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "offers", queryset=HelpOffer.objects.only("pk", "slug", "label")
                )
            )
        )

    @admin.display(description=gettext_lazy("name"), ordering="person__last_name")
    def name(self, obj: Supporter) -> str:
        return obj.person.full_name

    @admin.display(description=gettext_lazy("email"), ordering="person__email")
    def email(self, obj: Supporter) -> str:
        return obj.person.email

    @admin.display(description=gettext_lazy("ward"), ordering="person__ward__name")
    def ward(self, obj: Supporter) -> str:
        return obj.person.ward.name if obj.person.ward else "—"

    @admin.display(description=gettext_lazy("help offered"))
    def offer_list(self, obj: Supporter) -> str:
        return ", ".join(o.label for o in obj.offers.all()) or "—"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="{}_{}_import".format(*info)),
            path(
                "conversion/",
                wrap(require_GET(self.conversion_view)),
                name="{}_{}_conversion".format(*info),
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import": self.has_add_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def _page(self, request: HttpRequest, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            **extra,
        }

    def conversion_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        stats = conversion_stats(constituency_ids=constituency_ids(request.user))
        context = self._page(request, _("Supporters who became members"), stats=stats)
        return TemplateResponse(
            request, "admin/supporters/supporter/conversion.html", context
        )

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        report = None
        key = ""
        if request.method == "POST":
            form = SupporterImportForm(request.POST, request.FILES, user=request.user)
            if form.is_valid():
                data, key = self._import_data(request, form)
                if data is not None:
                    apply = request.POST.get("apply") == "1"
                    try:
                        report = supporters_import(
                            file=data,
                            constituency=form.cleaned_data["constituency"],
                            actor=request.user,
                            dry_run=not apply,
                            wording=form.cleaned_data["wording"],
                        )
                    except SupportersError as exc:
                        form.add_error("file", _error_text(exc))
                    else:
                        if report.applied:
                            cache.delete(self._cache_key(request, key))
                            self.message_user(
                                request,
                                _(
                                    "Imported %(n)s supporters: %(new)s new, "
                                    "%(updated)s already known."
                                )
                                % {
                                    "n": report.row_count,
                                    "new": len(report.new),
                                    "updated": len(report.updated),
                                },
                                messages.SUCCESS,
                            )
                            return HttpResponseRedirect(
                                reverse("admin:supporters_supporter_changelist")
                            )
                        if apply and report.errors:
                            form.add_error(
                                None,
                                _(
                                    "Nothing was imported: correct the rows below first."
                                ),
                            )
        else:
            form = SupporterImportForm(user=request.user)
        context = self._page(
            request,
            _("Import supporters"),
            form=form,
            report=report,
            key=key,
            max_mb=IMPORT_MAX_BYTES // (1024 * 1024),
        )
        return TemplateResponse(
            request, "admin/supporters/supporter/import.html", context
        )

    @staticmethod
    def _cache_key(request: HttpRequest, key: str) -> str:
        return f"supporters-import:{request.user.pk}:{key}"

    def _import_data(self, request, form) -> tuple[bytes | None, str]:
        """The uploaded file's bytes; an applied import reuses the previewed file,
        kept for an hour under a key only this officer's session knows."""
        upload = form.cleaned_data.get("file")
        if upload is not None:
            if upload.size > IMPORT_MAX_BYTES:
                form.add_error(
                    "file",
                    _("The file is too large (the limit is %(mb)s MB).")
                    % {"mb": IMPORT_MAX_BYTES // (1024 * 1024)},
                )
                return None, ""
            data = upload.read()
            key = secrets.token_urlsafe(16)
            cache.set(self._cache_key(request, key), data, 3600)
            return data, key
        key = form.cleaned_data.get("key") or ""
        data = cache.get(self._cache_key(request, key)) if key else None
        if data is None:
            form.add_error("file", _("Choose the CSV file to import."))
        return data, key


class SupporterImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        required=False,
        help_text=gettext_lazy(
            "Columns: first_name, last_name, email, postcode, phone, offers (short "
            "names separated by ;), email_consent, phone_consent, text_consent, "
            "post_consent (yes or no; blank means no consent) and, if it varies, "
            "consent_wording."
        ),
    )
    constituency = forms.ModelChoiceField(
        label=gettext_lazy("Constituency"), queryset=Constituency.objects.none()
    )
    wording = forms.CharField(
        label=gettext_lazy("Consent wording shown"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "The words people agreed to when their consent was collected, for rows "
            "without a consent_wording column."
        ),
    )
    key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = Constituency.objects.in_constituencies(user)
        self.fields["constituency"].queryset = queryset
        if queryset.count() == 1:
            self.fields["constituency"].initial = queryset.first()


# --- kinds of help and unconfirmed signups -----------------------------------------


@admin.register(HelpOffer)
class HelpOfferAdmin(ScopedAdmin):
    list_display = ("label", "slug", "where", "active", "order")
    list_filter = ("active",)
    search_fields = ("label", "slug")
    list_select_related = ("constituency",)
    prepopulated_fields = {"slug": ("label",)}
    fields = ("constituency", "label", "slug", "active", "order")

    def get_queryset(self, request):
        # The party-wide offers (no CLP) are visible to every officer; the
        # scoping mixin would hide them.
        queryset = admin.ModelAdmin.get_queryset(self, request)
        return queryset.filter(
            pk__in=help_offers_for(constituency_ids(request.user)).values("pk")
        )

    @admin.display(description=gettext_lazy("constituency"))
    def where(self, obj: HelpOffer) -> str:
        return obj.constituency.name if obj.constituency else _("Every constituency")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "constituency" and not request.user.is_superuser:
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _own(self, request, obj) -> bool:
        # Party-wide offers are on every CLP's form: only a regional organiser
        # edits them.
        return (
            obj is None or obj.constituency_id is not None or request.user.is_superuser
        )

    def has_change_permission(self, request, obj=None):
        return self._own(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._own(request, obj) and super().has_delete_permission(request, obj)


@admin.register(SignupRequest)
class SignupRequestAdmin(ScopedAdmin):
    """Signups waiting for their email to be confirmed: officers look, nobody edits."""

    list_display = (
        "email",
        "constituency",
        "created",
        "confirmation_sent_at",
        "confirmed_at",
    )
    list_filter = (("confirmed_at", admin.EmptyFieldListFilter), "created")
    search_fields = ("email",)
    list_select_related = ("constituency",)
    readonly_fields = (
        "email",
        "constituency",
        "data",
        "created",
        "confirmation_sent_at",
        "confirmed_at",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- asks --------------------------------------------------------------------------


class AskForm(forms.ModelForm):
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


@admin.register(Ask)
class AskAdmin(OffersMixin, OwnConstituencyInitialMixin, ScopedAdmin):
    form = AskForm
    list_display = ("subject", "offer", "constituency", "sent", "yes_count", "created")
    list_filter = ("constituency", "offer")
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
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not AskReply:
            return super().save_formset(request, form, formset, change)
        # Replies taken by hand go through the same service as link replies, so
        # each is recorded with who took it and audited.
        instances = formset.save(commit=False)
        for reply in formset.deleted_objects:
            reply.delete()
        for reply in instances:
            ask_reply_record(
                ask=form.instance,
                person=reply.person,
                answer=reply.answer,
                actor=request.user,
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
            ask_send(ask=ask, actor=request.user)
        except ValidationError as exc:
            self.message_user(request, _error_text(exc), messages.ERROR)
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
        by_ward = ask_print_list(ask=ask, actor=request.user)
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


# --- prize draws -------------------------------------------------------------------

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
            from django.utils import timezone

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
            draw = prize_draw_run(draw=draw, actor=request.user)
        except ValidationError as exc:
            self.message_user(request, _error_text(exc), messages.ERROR)
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
