"""The treasurer's admin: donors, donations (check, accept, return), reports, the
books, budgets, delegates. Donors and donations open only to the treasurer and
chair of the CLP and those they delegate to (finance.access); every other page is
scoped to the officer's constituencies as usual. Save hooks only call services."""

from __future__ import annotations

import csv
import datetime
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from finance import selectors, services
from finance.access import finance_constituencies, has_any, may_delegate, may_handle
from finance.audit import FinanceAction
from finance.models import (
    BankLine,
    BookingPayment,
    Budget,
    Donation,
    Donor,
    Entry,
    FinanceDelegate,
    Lottery,
    LotteryTicket,
    StandingOrder,
)
from partyhub.admin_base import ScopedAdmin, ServiceWrites
from partyhub.audit.services import audit_log
from partyhub.errors import DomainError, message_of
from partyhub.forms import SingleLineMixin

ZERO = selectors.ZERO


class FinanceOnlyMixin:
    """Opens only to the treasurer, chair and their delegates, for their CLPs."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_any(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None:
            return may_handle(request.user, obj.constituency_id)
        return has_any(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return has_any(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_view_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        ids = finance_constituencies(request.user)
        return cast(
            QuerySet[Any], qs if ids is None else qs.filter(constituency_id__in=ids)
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
        ids = finance_constituencies(request.user)
        if db_field.name == "constituency" and ids is not None and field is not None:
            field.queryset = field.queryset.filter(pk__in=ids)
        return field


# --- donors ------------------------------------------------------------------------


class DonorForm(SingleLineMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Donor
        fields = ("constituency", "kind", "person", "name", "company_number", "address")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            services.donor_check(
                kind=data.get("kind", ""),
                person=data.get("person"),
                name=data.get("name", ""),
                company_number=data.get("company_number", ""),
            )
        except DomainError as exc:
            raise ValidationError(exc.message_dict) from exc
        return data


@admin.register(Donor)
class DonorAdmin(ServiceWrites, FinanceOnlyMixin, ScopedAdmin):
    form = DonorForm
    list_display = ("__str__", "kind", "company_number", "constituency")
    list_select_related = ("person", "constituency")
    list_filter = ("kind",)
    search_fields = (
        "name",
        "company_number",
        "person__first_name",
        "person__last_name",
    )
    autocomplete_fields = ("person",)

    create_service = services.donor_admin_create
    update_service = services.donor_admin_update

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return ("constituency",) if obj is not None else ()


# --- donations ---------------------------------------------------------------------


class DonationForm(SingleLineMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Donation
        fields = ("donor", "form", "value", "nature", "method", "received_on", "notes")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        donor = data.get("donor")
        if donor is not None and self.instance.pk is None:
            try:
                services.donor_check(
                    kind=donor.kind,
                    person=donor.person,
                    name=donor.name,
                    company_number=donor.company_number,
                )
            except DomainError as exc:
                raise ValidationError(
                    {
                        "donor": _("This donor's record is incomplete: ")
                        + message_of(exc)
                    }
                ) from exc
        if data.get("form") == Donation.Form.NON_CASH and not data.get("nature"):
            self.add_error(
                "nature", _("Say what a non-cash donation is (hall hire, printing…).")
            )
        return data


class DecisionFilter(admin.SimpleListFilter):
    title = gettext_lazy("decision")
    parameter_name = "decision"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return (
            ("waiting", _("Waiting to be accepted or returned")),
            ("overdue", _("Not decided within 30 days")),
            ("accepted", _("Accepted")),
            ("returned", _("Returned")),
            ("impermissible", _("Found impermissible")),
        )

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        today = timezone.localdate()
        value = self.value()
        waiting = Q(accepted_on__isnull=True, returned_on__isnull=True)
        if value == "waiting":
            return queryset.filter(waiting)
        if value == "overdue":
            ids = selectors.overdue(None, today).values("pk")
            return queryset.filter(pk__in=ids)
        if value == "accepted":
            return queryset.filter(accepted_on__isnull=False)
        if value == "returned":
            return queryset.filter(returned_on__isnull=False)
        if value == "impermissible":
            return queryset.filter(permissible=False)
        return queryset


class CheckForm(SingleLineMixin, forms.Form):
    permissible = forms.TypedChoiceField(
        label=gettext_lazy("Outcome of the check"),
        choices=(
            ("yes", gettext_lazy("Permissible")),
            ("no", gettext_lazy("Not permissible: it must be returned")),
        ),
        widget=forms.RadioSelect,
    )
    evidence = forms.CharField(
        label=gettext_lazy("Where and how you checked"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "For a person: the electoral register you checked (the council and the "
            "register's date). For a company: Companies House shows it registered "
            "in the UK and carrying on business here."
        ),
    )
    checked_on = forms.DateField(
        label=gettext_lazy("Checked on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class AcceptForm(SingleLineMixin, forms.Form):
    accepted_on = forms.DateField(
        label=gettext_lazy("Accepted on"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ReturnForm(SingleLineMixin, forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why it was returned"), max_length=300)
    returned_on = forms.DateField(
        label=gettext_lazy("Returned on"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class YearForm(SingleLineMixin, forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000)
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("Quarter"),
        coerce=int,
        choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)],
        required=False,
    )


@admin.register(Donation)
class DonationAdmin(ServiceWrites, FinanceOnlyMixin, ScopedAdmin):
    form = DonationForm
    list_display = (
        "received_on",
        "donor",
        "value",
        "form",
        "decision",
        "decide_by",
    )
    list_filter = (DecisionFilter, "form", "method")
    search_fields = ("donor__name", "donor__person__last_name", "donor__company_number")
    date_hierarchy = "received_on"
    autocomplete_fields = ("donor",)
    list_select_related = ("donor", "donor__person")
    actions = ("thank_by_email", "thank_you_letters")

    @admin.action(description=gettext_lazy("Email a thank-you to the donors"))
    def thank_by_email(self, request, queryset):  # type: ignore[no-untyped-def]
        sent = sum(
            services.donation_thank(actor=request.user, donation=d)
            for d in queryset.select_related("donor__person")
        )
        self.message_user(
            request,
            _(
                "%(sent)d thank-you emails on their way (once per donation); the "
                "others have no email address: use the letters."
            )
            % {"sent": sent},
        )

    @admin.action(description=gettext_lazy("Thank-you letters (mail merge CSV)"))
    def thank_you_letters(self, request, queryset):  # type: ignore[no-untyped-def]
        text = services.thank_you_letters_csv(actor=request.user, donations=queryset)
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="thank-you-letters.csv"'
        return response

    def get_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        if obj is None:
            return DonationForm.Meta.fields
        return (
            "donor",
            "form",
            "value",
            "nature",
            "method",
            "received_on",
            "decision",
            "decide_by",
            "checked_on",
            "check_evidence",
            "permissible",
            "accepted_on",
            "returned_on",
            "return_reason",
            "notes",
        )

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        if obj is None:
            return ()
        fields = self.get_fields(request, obj)  # type: ignore[no-untyped-call]
        return [f for f in fields if f != "notes"]

    @admin.display(description=gettext_lazy("decision"))
    def decision(self, obj: Donation) -> str:
        return obj.status

    @admin.display(description=gettext_lazy("accept or return by"))
    def decide_by(self, obj: Donation) -> Any:
        if obj.accepted_on or obj.returned_on:
            return "—"
        return obj.decide_by

    create_service = services.donation_admin_create
    update_service = services.donation_admin_update

    def get_urls(self):  # type: ignore[no-untyped-def]
        wrap = self.admin_site.admin_view
        return [
            path("reports/", wrap(self.reports_view), name="finance_donation_reports"),
            path(
                "reports/quarter.csv",
                wrap(self.quarter_csv_view),
                name="finance_donation_quarter_csv",
            ),
            path(
                "<path:object_id>/check/",
                wrap(self.check_view),
                name="finance_donation_check",
            ),
            path(
                "<path:object_id>/accept/",
                wrap(self.accept_view),
                name="finance_donation_accept",
            ),
            path(
                "<path:object_id>/return/",
                wrap(self.return_view),
                name="finance_donation_return",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):  # type: ignore[no-untyped-def]
        obj = self.get_object(request, unquote(object_id))  # type: ignore[no-untyped-call]
        context = dict(extra_context or {})
        if obj is not None and not (obj.accepted_on or obj.returned_on):
            context["decision_urls"] = {
                "check": reverse("admin:finance_donation_check", args=[obj.pk]),
                "accept": reverse("admin:finance_donation_accept", args=[obj.pk]),
                "return": reverse("admin:finance_donation_return", args=[obj.pk]),
            }
        return super().change_view(request, object_id, form_url, context)

    def changelist_view(self, request, extra_context=None):  # type: ignore[no-untyped-def]
        context = {
            "reports_url": reverse("admin:finance_donation_reports"),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def _donation(self, request: HttpRequest, object_id: str) -> Donation:
        obj = self.get_object(request, unquote(object_id))  # type: ignore[no-untyped-call]
        if obj is None or not self.has_change_permission(request, obj):
            raise Http404
        return cast(Donation, obj)

    def _action_page(
        self,
        request: HttpRequest,
        object_id: str,
        *,
        form_class: type[forms.Form],
        initial: dict[str, Any],
        title: str,
        button: str,
        run: Any,
        done: str,
    ) -> HttpResponse:
        donation = self._donation(request, object_id)
        form = form_class(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                run(donation, form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, message_of(exc))
            else:
                self.message_user(request, done, messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:finance_donation_change", args=[donation.pk])
                )
        return TemplateResponse(
            request,
            "admin/finance/action.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": donation,
                "title": title,
                "form": form,
                "button": button,
                "change_url": reverse(
                    "admin:finance_donation_change", args=[donation.pk]
                ),
            },
        )

    def check_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        def run(donation: Donation, data: dict[str, Any]) -> None:
            services.donation_check(
                actor=request.user,
                donation=donation,
                permissible=data["permissible"] == "yes",
                evidence=data["evidence"],
                checked_on=data["checked_on"],
            )

        return self._action_page(
            request,
            object_id,
            form_class=CheckForm,
            initial={"checked_on": timezone.localdate()},
            title=_("Record the permissibility check"),
            button=_("Record the check"),
            run=run,
            done=_("The permissibility check is recorded."),
        )

    def accept_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        def run(donation: Donation, data: dict[str, Any]) -> None:
            services.donation_accept(
                actor=request.user,
                donation=donation,
                accepted_on=data["accepted_on"],
            )

        return self._action_page(
            request,
            object_id,
            form_class=AcceptForm,
            initial={"accepted_on": timezone.localdate()},
            title=_("Accept the donation"),
            button=_("Accept the donation"),
            run=run,
            done=_("The donation is accepted and entered in the books."),
        )

    def return_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        def run(donation: Donation, data: dict[str, Any]) -> None:
            services.donation_return(
                actor=request.user,
                donation=donation,
                reason=data["reason"],
                returned_on=data["returned_on"],
            )

        return self._action_page(
            request,
            object_id,
            form_class=ReturnForm,
            initial={"returned_on": timezone.localdate()},
            title=_("Return the donation"),
            button=_("Record the return"),
            run=run,
            done=_("The donation is recorded as returned."),
        )

    # --- reports (issue 18.2) -------------------------------------------------------

    def _year_and_quarter(self, request: HttpRequest) -> tuple[int, int]:
        today = timezone.localdate()
        form = YearForm(request.GET or None)
        if request.GET and form.is_valid():
            return form.cleaned_data["year"], form.cleaned_data["quarter"] or 1
        return today.year, selectors.quarter_of(today)

    def reports_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        year, quarter = self._year_and_quarter(request)
        ids = finance_constituencies(request.user)
        sources = selectors.sources_in_year(ids, year)
        return TemplateResponse(
            request,
            "admin/finance/reports.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Donation reports"),
                "year": year,
                "quarter": quarter,
                "form": YearForm(initial={"year": year, "quarter": quarter}),
                "sources": sources,
                "quarter_rows": selectors.quarter_rows(ids, year, quarter),
                "returned": selectors.impermissible_or_returned(ids, year),
                "reporting_threshold": settings.FINANCE_REPORTING_THRESHOLD,
                "csv_url": reverse("admin:finance_donation_quarter_csv")
                + f"?year={year}&quarter={quarter}",
            },
        )

    def quarter_csv_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        year, quarter = self._year_and_quarter(request)
        ids = finance_constituencies(request.user)
        rows = selectors.quarter_rows(ids, year, quarter)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="donations-{year}-Q{quarter}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow(selectors.REPORT_HEADER)
        for row in rows:
            writer.writerow(selectors.report_line(row))
        audit_log(
            actor=request.user,
            action=FinanceAction.QUARTERLY_REPORT_DOWNLOADED,
            constituency_ids=sorted(ids) if ids is not None else None,
            row_count=len(rows),
            detail={"year": year, "quarter": quarter},
        )
        return response


# --- the books -----------------------------------------------------------------------


class EntryForm(SingleLineMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Entry
        fields = (
            "constituency",
            "date",
            "direction",
            "category",
            "fund",
            "amount",
            "description",
            "event",
            "campaign",
            "receipt",
        )
        # No "currently: <link>": uploads are not served publicly; the receipt
        # is downloaded through the scoped admin (receipt_download).
        widgets = {"receipt": forms.FileInput}


class BooksMixin:
    """Every officer reads the books of their CLP; only the finance people write."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or has_any(request.user)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or (  # type: ignore[misc]
            has_any(request.user)
            if obj is None
            else may_handle(request.user, obj.constituency_id)
        )

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return has_any(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return has_any(request.user)
        return may_handle(request.user, obj.constituency_id)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
        ids = finance_constituencies(request.user)
        if db_field.name == "constituency" and ids is not None and field is not None:
            field.queryset = field.queryset.filter(pk__in=ids)
        return field


@admin.register(Entry)
class EntryAdmin(ServiceWrites, BooksMixin, ScopedAdmin):
    form = EntryForm
    list_display = (
        "date",
        "description",
        "direction",
        "category",
        "fund",
        "amount",
        "event",
    )
    list_filter = ("direction", "fund", "category")
    search_fields = ("description",)
    date_hierarchy = "date"
    autocomplete_fields = ("event", "campaign")
    list_select_related = ("event",)

    @admin.display(description=gettext_lazy("receipt or invoice"))
    def receipt_download(self, obj: Entry) -> str:
        from django.utils.html import format_html

        if obj.pk is None or not obj.receipt:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:finance_entry_receipt", args=[obj.pk]),
            _("Download the receipt"),
        )

    create_service = services.entry_admin_create
    update_service = services.entry_admin_update

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return ("constituency", "receipt_download") if obj is not None else ()

    def get_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        fields = list(EntryForm.Meta.fields)
        if obj is not None:
            fields.insert(fields.index("receipt"), "receipt_download")
        return fields

    def get_urls(self):  # type: ignore[no-untyped-def]
        wrap = self.admin_site.admin_view
        return [
            path("summary/", wrap(self.summary_view), name="finance_entry_summary"),
            path(
                "<path:object_id>/receipt/",
                wrap(self.receipt_view),
                name="finance_entry_receipt",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):  # type: ignore[no-untyped-def]
        context = {
            "summary_url": reverse("admin:finance_entry_summary"),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def summary_view(self, request: HttpRequest) -> HttpResponse:
        """The year-end summary for the AGM: by fund and category, adding up."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        try:
            year = int(request.GET.get("year", today.year))
        except ValueError:
            year = today.year
        from partyhub.scoping import constituency_ids

        summary = selectors.year_summary(
            constituency_ids(request.user),
            datetime.date(year, 1, 1),
            datetime.date(year, 12, 31),
        )
        return TemplateResponse(
            request,
            "admin/finance/summary.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Year-end summary %(year)s") % {"year": year},
                "year": year,
                "summary": summary,
            },
        )

    def receipt_view(self, request: HttpRequest, object_id: str) -> Any:
        from django.http import FileResponse

        entry = self.get_object(request, unquote(object_id))  # type: ignore[no-untyped-call]
        if entry is None or not entry.receipt:
            raise Http404
        return FileResponse(entry.receipt.open("rb"), as_attachment=True)


class BudgetForm(SingleLineMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Budget
        fields = (
            "constituency",
            "title",
            "event",
            "campaign",
            "planned_income",
            "planned_costs",
        )


_MONEY: Any = DecimalField(max_digits=14, decimal_places=2)


def _actual(direction: str, scope: str) -> Coalesce:
    return Coalesce(
        Sum(
            f"{scope}__finance_entries__amount",
            filter=Q(
                **{
                    f"{scope}__finance_entries__direction": direction,
                }
            ),
        ),
        Value(ZERO),
        output_field=_MONEY,
    )


@admin.register(Budget)
class BudgetAdmin(ServiceWrites, BooksMixin, ScopedAdmin):
    form = BudgetForm
    list_display = (
        "title",
        "planned_income",
        "planned_costs",
        "actual_income",
        "actual_costs",
        "profit",
    )
    autocomplete_fields = ("event", "campaign")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # Actuals in the list query (no query per row): the entries of the budget's
        # event and of its campaign, of the budget's own CLP.
        from django.db.models import OuterRef, Subquery

        qs = super().get_queryset(request)

        def total(direction: str) -> Coalesce:
            entries = (
                Entry.objects.filter(
                    constituency_id=OuterRef("constituency_id"),
                    direction=direction,
                )
                .filter(
                    Q(event_id=OuterRef("event_id"), event_id__isnull=False)
                    | Q(campaign_id=OuterRef("campaign_id"), campaign_id__isnull=False)
                )
                .order_by()
                .values("constituency_id")
                .annotate(t=Sum("amount"))
                .values("t")
            )
            return Coalesce(Subquery(entries), Value(ZERO), output_field=_MONEY)

        return qs.annotate(  # type: ignore[no-any-return]
            income_actual=total(Entry.Direction.INCOME),
            costs_actual=total(Entry.Direction.EXPENDITURE),
        )

    @admin.display(description=gettext_lazy("actual income"))
    def actual_income(self, obj: Budget) -> Any:
        return obj.income_actual  # type: ignore[attr-defined]

    @admin.display(description=gettext_lazy("actual costs"))
    def actual_costs(self, obj: Budget) -> Any:
        return obj.costs_actual  # type: ignore[attr-defined]

    @admin.display(description=gettext_lazy("profit or loss"))
    def profit(self, obj: Budget) -> Any:
        return obj.income_actual - obj.costs_actual  # type: ignore[attr-defined]

    create_service = services.budget_admin_create
    update_service = services.budget_admin_update

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return ("constituency",) if obj is not None else ()


# --- delegates and payments ----------------------------------------------------------


class DelegateForm(SingleLineMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = FinanceDelegate
        fields = ("constituency", "person", "ends")


@admin.register(FinanceDelegate)
class FinanceDelegateAdmin(ServiceWrites, FinanceOnlyMixin, ScopedAdmin):
    form = DelegateForm
    list_display = ("person", "constituency", "starts", "ends", "granted_by")
    autocomplete_fields = ("person",)
    list_select_related = ("person", "constituency", "granted_by")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        ids = finance_constituencies(request.user)
        return ids is None or any(may_delegate(request.user, c) for c in ids)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return self.has_add_permission(request)
        return may_delegate(request.user, obj.constituency_id)

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return ("constituency", "person") if obj is not None else ()

    create_service = services.delegate_admin_create
    update_service = services.delegate_admin_update


@admin.register(BookingPayment)
class BookingPaymentAdmin(FinanceOnlyMixin, ScopedAdmin):
    list_display = ("paid_at", "booking", "amount", "method", "concession")
    list_filter = ("method", "concession")
    list_select_related = ("booking__person", "booking__event")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- bank reconciliation ---------------------------------------------------------------


class StatementForm(SingleLineMixin, forms.Form):
    constituency: Any = forms.ModelChoiceField(
        label=gettext_lazy("Constituency"), queryset=None, empty_label=None
    )
    file = forms.FileField(
        label=gettext_lazy("Bank statement (CSV)"),
        help_text=gettext_lazy(
            "As your bank exports it: columns Date, Description and Amount (or "
            "Paid in and Paid out). Importing the same statement twice adds nothing."
        ),
    )

    def __init__(self, *args: Any, queryset: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["constituency"].queryset = queryset  # type: ignore[attr-defined]


class MatchedFilter(admin.SimpleListFilter):
    title = gettext_lazy("matched")
    parameter_name = "matched"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return (
            ("no", _("Not matched to the books")),
            ("yes", _("Matched")),
        )

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        if self.value() in ("yes", "no"):
            return queryset.filter(entry__isnull=self.value() == "no")
        return queryset


@admin.register(BankLine)
class BankLineAdmin(ServiceWrites, FinanceOnlyMixin, ScopedAdmin):
    list_display = ("date", "description", "amount", "entry")
    list_filter = (MatchedFilter,)
    search_fields = ("description",)
    date_hierarchy = "date"
    list_select_related = ("entry",)
    fields = ("date", "description", "amount", "entry")
    readonly_fields = ("date", "description", "amount")
    autocomplete_fields = ("entry",)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    update_service = services.bank_line_admin_update

    def get_urls(self):  # type: ignore[no-untyped-def]
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="finance_bankline_import"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):  # type: ignore[no-untyped-def]
        context = {
            "import_url": reverse("admin:finance_bankline_import"),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not has_any(request.user):
            raise PermissionDenied
        from members.models import Constituency

        ids = finance_constituencies(request.user)
        clps = Constituency.objects.all()
        if ids is not None:
            clps = clps.filter(pk__in=ids)
        form = StatementForm(request.POST or None, request.FILES or None, queryset=clps)
        if request.method == "POST" and form.is_valid():
            raw = form.cleaned_data["file"].read()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("latin-1")
            try:
                result = services.statement_import(
                    actor=request.user,
                    constituency=form.cleaned_data["constituency"],
                    text=text,
                )
            except DomainError as exc:
                form.add_error("file", message_of(exc))
            else:
                self.message_user(
                    request,
                    _(
                        "%(added)d new lines (%(already)d already imported); "
                        "%(matched)d matched to the books."
                    )
                    % {
                        "added": result.added,
                        "already": result.already,
                        "matched": result.matched,
                    },
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:finance_bankline_changelist") + "?matched=no"
                )
        return TemplateResponse(
            request,
            "admin/finance/statement_import.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Import a bank statement"),
                "form": form,
            },
        )


# --- regular giving ---------------------------------------------------------------------


class StandingOrderForm(SingleLineMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = StandingOrder
        fields = ("donor", "amount", "frequency", "first_payment", "reference", "ends")


class MissedFilter(admin.SimpleListFilter):
    title = gettext_lazy("payments")
    parameter_name = "missed"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return (("yes", _("A payment is missing")),)

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        if self.value() == "yes":
            ids = finance_constituencies(request.user)
            missing = [m.order.pk for m in selectors.missed_payments(ids)]
            return queryset.filter(pk__in=missing)
        return queryset


@admin.register(StandingOrder)
class StandingOrderAdmin(ServiceWrites, FinanceOnlyMixin, ScopedAdmin):
    form = StandingOrderForm
    list_display = ("donor", "amount", "frequency", "first_payment", "ends")
    list_filter = (MissedFilter, "frequency")
    autocomplete_fields = ("donor",)
    list_select_related = ("donor", "donor__person")
    search_fields = ("donor__name", "donor__person__last_name", "reference")

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        if obj is None:
            return ()
        return ("donor", "amount", "frequency", "first_payment", "reference")

    create_service = services.standing_order_admin_create
    update_service = services.standing_order_admin_update


# --- lotteries ------------------------------------------------------------------------------


class LotteryForm(SingleLineMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Lottery
        fields = services.LOTTERY_FIELDS

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk is None and not self.errors:
            probe = Lottery(**{k: v for k, v in data.items() if k != "return_sent_on"})
            try:
                services.lottery_rules(probe, proceeds=ZERO, at_draw=False)
            except DomainError as exc:
                raise ValidationError(message_of(exc)) from exc
        return data


@admin.register(Lottery)
class LotteryAdmin(ServiceWrites, FinanceOnlyMixin, ScopedAdmin):
    form = LotteryForm
    list_display = ("name", "draw_date", "ticket_price", "drawn_at", "return_due")
    search_fields = ("name",)
    readonly_fields = ("seed", "entrants", "winners", "drawn_at", "return_due")

    @admin.display(description=gettext_lazy("return due by"))
    def return_due(self, obj: Lottery) -> Any:
        if obj.pk is None:
            return "—"
        if obj.return_sent_on:
            return _("Sent %(day)s") % {"day": obj.return_sent_on.strftime("%d/%m/%Y")}
        return services.return_due(obj)

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        if obj is None:
            return ("return_due",)
        fixed = [f for f in LotteryForm.Meta.fields if f != "return_sent_on"]
        return (*fixed, *self.readonly_fields)

    create_service = services.lottery_admin_create
    update_service = services.lottery_admin_update

    def get_urls(self):  # type: ignore[no-untyped-def]
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/draw/",
                wrap(self.draw_view),
                name="finance_lottery_draw",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):  # type: ignore[no-untyped-def]
        obj = self.get_object(request, unquote(object_id))  # type: ignore[no-untyped-call]
        context = dict(extra_context or {})
        if obj is not None:
            context["proceeds"] = services.lottery_proceeds(obj)
            if obj.drawn_at is None:
                context["draw_url"] = reverse(
                    "admin:finance_lottery_draw", args=[obj.pk]
                )
        return super().change_view(request, object_id, form_url, context)

    def draw_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            raise PermissionDenied
        lottery = self.get_object(request, unquote(object_id))  # type: ignore[no-untyped-call]
        if lottery is None or not self.has_change_permission(request, lottery):
            raise Http404
        try:
            services.lottery_draw(actor=request.user, lottery=lottery)
        except DomainError as exc:
            self.message_user(request, message_of(exc), messages.ERROR)
        else:
            lottery.refresh_from_db()
            self.message_user(
                request,
                _("Drawn. Winning tickets: %(w)s.")
                % {"w": ", ".join(str(n) for n in lottery.winners)},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse("admin:finance_lottery_change", args=[lottery.pk])
        )


class TicketForm(SingleLineMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = LotteryTicket
        fields = ("lottery", "person", "date_of_birth", "sold_on")
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lottery = data.get("lottery")
        if lottery is not None and data.get("date_of_birth") and data.get("sold_on"):
            try:
                services.ticket_check(
                    lottery=lottery,
                    date_of_birth=data["date_of_birth"],
                    sold_on=data["sold_on"],
                )
            except DomainError as exc:
                raise ValidationError(message_of(exc)) from exc
        return data


@admin.register(LotteryTicket)
class LotteryTicketAdmin(ServiceWrites, ScopedAdmin):
    form = TicketForm
    list_display = ("number", "lottery", "person", "price", "sold_on")
    list_filter = ("lottery",)
    autocomplete_fields = ("lottery", "person")
    list_select_related = ("lottery", "person")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_any(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None:
            return may_handle(request.user, obj.lottery.constituency_id)
        return has_any(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return has_any(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and has_any(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        ids = finance_constituencies(request.user)
        return qs if ids is None else qs.filter(lottery__constituency_id__in=ids)

    def get_changeform_initial_data(self, request):  # type: ignore[no-untyped-def]
        return {
            "sold_on": timezone.localdate(),
            **super().get_changeform_initial_data(request),  # type: ignore[no-untyped-call]
        }

    create_service = services.ticket_admin_create
