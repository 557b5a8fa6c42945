"""Post for members without email, from the people list: address labels (PDF) and
a mail-merge CSV. Whatever is selected, members.post keeps only members with no
email and an address, and audits each run with its counts."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members import post
from members.admin import PersonAdmin
from partyhub.actors import actor_of
from partyhub.forms import SingleLineMixin


class LabelSheetForm(SingleLineMixin, forms.Form):
    sheet = forms.ChoiceField(
        label=_("Label sheet"),
        choices=[(s.code, s.label) for s in post.SHEETS.values()],
        initial=post.DEFAULT_SHEET,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the label sheet you will print on.")},
    )


class EmailFilter(admin.SimpleListFilter):
    """ "No email": the people to reach by post, before choosing labels."""

    title = _("email")
    parameter_name = "has_email"

    def lookups(self, request, model_admin):
        return (("no", _("No email")), ("yes", _("Has an email")))

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(email="")
        if self.value() == "yes":
            return queryset.exclude(email="")
        return queryset


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


@admin.action(
    description=_("Address labels (PDF) for the selected members without email"),
    permissions=["export"],
)
def labels_pdf(modeladmin, request, queryset):
    form = LabelSheetForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        content = post.labels_pdf(
            people=queryset,
            sheet_code=form.cleaned_data["sheet"],
            actor=actor_of(request),
        )
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="labels-{form.cleaned_data["sheet"]}-{_stamp()}.pdf"'
        )
        return response
    recipients = post.postal_recipients(queryset).count()
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Address labels for members without email"),
        "opts": modeladmin.model._meta,
        "form": form,
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "selected_count": queryset.count(),
        "recipients": recipients,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/members/person/labels.html", context)


@admin.action(
    description=_("Mail-merge CSV for the selected members without email"),
    permissions=["export"],
)
def mail_merge_csv(modeladmin, request, queryset):
    content = post.mail_merge_csv(people=queryset, actor=actor_of(request))
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="mail-merge-{_stamp()}.csv"'
    )
    return response


PersonAdmin.actions = [*PersonAdmin.actions, labels_pdf, mail_merge_csv]
PersonAdmin.list_filter = (*PersonAdmin.list_filter, EmailFilter)
