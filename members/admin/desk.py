"""The renewal desk, the contact log and mentors in the admin.

The desk is a changelist of memberships (a proxy model) with ready-made lists and
bulk actions; each action writes through members.desk.services, which audits.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members.admin import PersonAdmin
from members.desk import selectors, services
from members.desk.forms import (
    AssignMentorForm,
    ContactForm,
    DeskEmailForm,
    MentorAdminForm,
    MentorshipAdminForm,
)
from members.models import ContactLog, DeskMembership, Mentor, Mentorship, Person
from partyhub.actors import actor_of
from partyhub.admin_base import (
    OwnConstituencyInitialMixin,
    ScopedAdmin,
)
from partyhub.errors import message_of
from partyhub.exports import ExportPermissionMixin, csv_export_action
from partyhub.updates import form_changes, stored


def _own_person(user):
    try:
        return user.person
    except (ObjectDoesNotExist, AttributeError):
        return None


# --- the contact log ------------------------------------------------------------


@admin.register(ContactLog)
class ContactLogAdmin(ScopedAdmin):
    """Officers add contacts; the log is never edited (it is what happened)."""

    list_display = ("person", "at", "how", "outcome", "by_person", "by_user")
    list_filter = ("how", "outcome")
    search_fields = ("person__first_name", "person__last_name", "note")
    list_select_related = ("person", "by_person", "by_user")
    autocomplete_fields = ("person", "by_person")
    fields = ("person", "at", "how", "outcome", "by_person", "note")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        me = _own_person(request.user)
        if me is not None:
            initial.setdefault("by_person", me.pk)
        return initial

    def save_model(self, request, obj: ContactLog, form, change: bool) -> None:
        services.contact_log_add(instance=obj, actor=actor_of(request))

    def log_addition(self, request, obj, message):
        # The service wrote the audit entry; only Django's own history here.
        return admin.ModelAdmin.log_addition(self, request, obj, message)


# On the Person page: read-only summaries rather than inlines, so the Person form
# posts exactly what it did before (no extra formsets to manage).


@admin.display(description=_("contacts"))
def contact_history(person: Person) -> str:
    if person.pk is None:
        return "—"
    contacts = ContactLog.objects.filter(person=person).select_related("by_person")
    return render_to_string(
        "admin/members/desk/person_contacts.html",
        {
            "contacts": contacts[:50],
            "more": max(contacts.count() - 50, 0),
            "person": person,
            "add_url": reverse("admin:members_contactlog_add") + f"?person={person.pk}",
            "all_url": reverse("admin:members_contactlog_changelist")
            + f"?person__id__exact={person.pk}",
        },
    )


@admin.display(description=_("mentoring"))
def mentoring_summary(person: Person) -> str:
    if person.pk is None:
        return "—"
    rows = Mentorship.objects.filter(
        Q(mentee=person) | Q(mentor__person=person)
    ).select_related("mentee", "mentor__person")
    return render_to_string(
        "admin/members/desk/person_mentoring.html",
        {"rows": rows, "person": person},
    )


PersonAdmin.readonly_fields = (
    *PersonAdmin.readonly_fields,
    contact_history,
    mentoring_summary,
)
PersonAdmin.fieldsets = (
    *PersonAdmin.fieldsets,
    (_("Contact log and mentoring"), {"fields": (contact_history, mentoring_summary)}),
)


# --- mentors --------------------------------------------------------------------


@admin.register(Mentor)
class MentorAdmin(OwnConstituencyInitialMixin, ScopedAdmin):
    form = MentorAdminForm
    list_display = ("person", "constituency", "branch", "mentees", "capacity", "active")
    list_filter = ("active", "constituency", "branch")
    search_fields = ("person__first_name", "person__last_name")
    list_select_related = ("person", "constituency", "branch")
    autocomplete_fields = ("person",)
    fields = ("person", "constituency", "branch", "capacity", "active")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_mentees=Count(
                    "mentorships",
                    filter=Q(mentorships__status=Mentorship.Status.ACTIVE),
                )
            )
        )

    @admin.display(description=_("new members now"), ordering="active_mentees")
    def mentees(self, obj: Mentor) -> int:
        return obj.active_mentees


@admin.register(Mentorship)
class MentorshipAdmin(ScopedAdmin):
    """New members and their mentors; choosing a mentor goes through the service."""

    form = MentorshipAdminForm

    list_display = (
        "mentee",
        "mentor",
        "status",
        "started_at",
        "assigned_at",
        "first_contact_at",
    )
    list_filter = ("status", "constituency")
    search_fields = ("mentee__first_name", "mentee__last_name")
    list_select_related = ("mentee", "mentor__person", "constituency")
    date_hierarchy = "started_at"
    fields = (
        "mentee",
        "constituency",
        "mentor",
        "status",
        "started_at",
        "assigned_at",
        "first_contact_at",
    )
    readonly_fields = (
        "mentee",
        "constituency",
        "status",
        "started_at",
        "assigned_at",
        "first_contact_at",
    )

    def has_add_permission(self, request):
        return False  # made when a member joins, or from the desk

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "mentor":
            kwargs["queryset"] = (
                Mentor.objects.in_constituencies(request.user)
                .filter(active=True)
                .select_related("person")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj: Mentorship, form, change: bool) -> None:
        try:
            services.mentorship_update(
                instance=stored(obj),
                changes=form_changes(form),
                actor=actor_of(request),
            )
        except services.MentorFull as exc:
            self.message_user(request, message_of(exc), messages.ERROR)

    def log_change(self, request, obj, message):
        return admin.ModelAdmin.log_change(self, request, obj, message)


# --- the renewal desk -----------------------------------------------------------


class DeskListFilter(admin.SimpleListFilter):
    """The desk's ready-made lists; the new members' list when none is chosen."""

    title = _("list")
    parameter_name = "list"
    default = "new"

    def lookups(self, request, model_admin):
        counts = selectors.desk_counts(model_admin.get_queryset(request))
        return [
            (key, f"{label} ({counts[key]})")
            for key, label in selectors.DESK_LISTS.items()
        ]

    def value(self):
        value = super().value()
        return value if value in selectors.DESK_LISTS else self.default

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string(
                    {self.parameter_name: lookup}
                ),
                "display": title,
            }

    def queryset(self, request, queryset):
        return queryset.filter(selectors.desk_conditions()[self.value()])


def _mentor_name(m) -> str:
    return m.mentor_name or ""


def _phone(m, number: str) -> str:
    # Someone who told us not to phone them (or not to contact them at all) is
    # not on a phoning list, whatever was selected.
    return "" if m.phone_refused else number


def _last_contact(m) -> str:
    return m.last_contact_at.date().isoformat() if m.last_contact_at else ""


@admin.register(DeskMembership)
class DeskAdmin(ExportPermissionMixin, ScopedAdmin):
    """Renewal desk: new members, rejoiners, arrears, lapsing, lapsed, former members."""

    change_list_template = "admin/members/desk/change_list.html"
    count_one = _("member")
    count_many = _("members")

    def changelist_view(self, request, extra_context=None):
        from django.conf import settings

        extra_context = {
            "new_member_days": settings.NEW_MEMBER_DAYS,
            **(extra_context or {}),
        }
        response = super().changelist_view(request, extra_context)
        # The lists as a row of links above the results (the side filter alone
        # is easy to miss, and off screen on a phone).
        context = getattr(response, "context_data", None)
        changelist = (context or {}).get("cl")
        if changelist is not None:
            for spec in changelist.filter_specs:
                if isinstance(spec, DeskListFilter):
                    context["desk_lists"] = list(spec.choices(changelist))
        return response

    export_permission = "members.export_person"
    # Short enough for a laptop without sideways scrolling: the membership
    # number and branch are searched and filtered on instead.
    list_display = (
        "member",
        "status",
        "joined",
        "expires",
        "last_contact",
        "mentor",
        "reach",
    )
    list_display_links = None
    list_filter = (DeskListFilter, "branch")
    search_fields = (
        "person__first_name",
        "person__last_name",
        "membership_number",
    )
    list_select_related = ("person", "branch")
    list_per_page = 100
    ordering = ("person__last_name", "person__first_name", "pk")
    # The lists' own labels carry their counts; Django's facets would count them
    # wrongly (the list filter always applies one list).
    show_facets = admin.ShowFacets.NEVER
    actions = [
        "log_contact",
        "send_email",
        "assign_mentor",
        csv_export_action(
            columns=[
                ("first_name", lambda m: m.person.first_name),
                ("last_name", lambda m: m.person.last_name),
                ("membership_number", lambda m: m.membership_number),
                ("status", lambda m: m.get_status_display()),
                ("phone", lambda m: _phone(m, m.person.phone)),
                ("mobile", lambda m: _phone(m, m.person.mobile)),
                ("email", lambda m: m.person.email),
                ("branch", lambda m: m.branch.name if m.branch else ""),
                ("joined", lambda m: m.joined),
                ("paid_up_until", lambda m: m.expires or ""),
                ("last_contact", _last_contact),
                ("mentor", _mentor_name),
                ("asked_not_to_be_phoned", lambda m: "yes" if m.phone_refused else ""),
            ],
            name="export_for_phoning",
            description=_("Export selected for phoning (CSV)"),
            tps_person=lambda m: m.person,
        ),
    ]

    def get_queryset(self, request):
        return selectors.desk_annotate(super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_contact_permission(self, request) -> bool:
        return request.user.has_perm("members.add_contactlog")

    def has_email_permission(self, request) -> bool:
        return request.user.has_perm("comms.add_message")

    def has_mentor_permission(self, request) -> bool:
        return request.user.has_perm("members.change_mentorship")

    # columns
    @admin.display(description=_("member"), ordering="person__last_name")
    def member(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:members_person_change", args=[obj.person_id]),
            obj.person.full_name,
        )

    @admin.display(description=_("last contact"), ordering="last_contact_at")
    def last_contact(self, obj):
        return obj.last_contact_at.date() if obj.last_contact_at else "—"

    @admin.display(description=_("mentor"))
    def mentor(self, obj):
        return obj.mentor_name or "—"

    @admin.display(description=_("how to reach them"))
    def reach(self, obj):
        # In words, not icons: "phone, email"; the numbers themselves are on the
        # person's page and in the phoning export. "not by phone" for someone
        # who asked not to be phoned.
        ways = []
        if obj.person.phone or obj.person.mobile:
            ways.append(_("not by phone") if obj.phone_refused else _("phone"))
        if obj.person.email:
            ways.append(_("email"))
        return ", ".join(str(w) for w in ways) or _("no phone or email")

    # the bulk actions: a form first, then the service
    def _form_page(self, request, queryset, *, form, title, action, button, samples=()):
        context = {
            "samples": samples,
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "opts": self.model._meta,
            "people": [m.person for m in queryset[:50]],
            "count": queryset.count(),
            "action": action,
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "button": button,
        }
        return TemplateResponse(request, "admin/members/desk/action_form.html", context)

    @admin.action(
        description=_("Log a contact with the selected"), permissions=["contact"]
    )
    def log_contact(self, request, queryset):
        queryset = queryset.select_related("person")
        form = ContactForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            count = services.contacts_log_bulk(
                people=[m.person for m in queryset],
                how=form.cleaned_data["how"],
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                by_person=_own_person(request.user),
                actor=actor_of(request),
            )
            self.message_user(
                request,
                ngettext(
                    "Contact logged for %d person.",
                    "Contact logged for %d people.",
                    count,
                )
                % count,
                messages.SUCCESS,
            )
            return None
        return self._form_page(
            request,
            queryset,
            form=form,
            title=_("Log a contact"),
            action="log_contact",
            button=_("Log the contact"),
        )

    @admin.action(
        description=_("Send a templated email to the selected"), permissions=["email"]
    )
    def send_email(self, request, queryset):
        queryset = queryset.select_related("person")
        form = DeskEmailForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            count = services.desk_email_schedule(
                memberships=queryset,
                template=form.cleaned_data["template"],
                actor=actor_of(request),
            )
            self.message_user(
                request,
                ngettext(
                    "%d email queued (people who have not agreed to email are skipped).",
                    "%d emails queued (people who have not agreed to email are skipped).",
                    count,
                )
                % count,
                messages.SUCCESS,
            )
            return None
        return self._form_page(
            request,
            queryset,
            form=form,
            title=_("Send a templated email"),
            action="send_email",
            button=_("Send"),
            samples=self._email_samples(queryset),
        )

    def _email_samples(self, queryset) -> list[tuple[str, Any]]:
        """Each template as the first selected member will get it (written here,
        nothing saved or sent), so the officer reads it before choosing."""
        from partyhub.comms.reminders import reminder_preview

        first = queryset.select_related("person__constituency").first()
        if first is None:
            return []
        return [
            (
                template.label,
                reminder_preview(
                    kind=services.desk_email_kind(key),
                    person=first.person,
                    about=first,
                ),
            )
            for key, template in services.DESK_TEMPLATES.items()
        ]

    @admin.action(
        description=_("Assign a mentor to the selected"), permissions=["mentor"]
    )
    def assign_mentor(self, request, queryset):
        queryset = queryset.select_related("person")
        mentors = (
            Mentor.objects.in_constituencies(request.user)
            .filter(active=True)
            .select_related("person", "branch")
        )
        form = AssignMentorForm(
            request.POST if "apply" in request.POST else None, mentors=mentors
        )
        if form.is_bound and form.is_valid():
            count, problems = services.mentees_assign_bulk(
                memberships=queryset,
                mentor=form.cleaned_data["mentor"],
                actor=actor_of(request),
            )
            self.message_user(
                request,
                ngettext("%d new member assigned.", "%d new members assigned.", count)
                % count,
                messages.SUCCESS if not problems else messages.WARNING,
            )
            for problem in problems:
                self.message_user(request, problem, messages.ERROR)
            return None
        return self._form_page(
            request,
            queryset,
            form=form,
            title=_("Assign a mentor"),
            action="assign_mentor",
            button=_("Assign"),
        )

    # the mentoring report
    def get_urls(self):
        return [
            path(
                "mentoring-report/",
                self.admin_site.admin_view(self.report_view),
                name="members_deskmembership_report",
            ),
            *super().get_urls(),
        ]

    def report_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = selectors.first_contact_report(
            Mentorship.objects.in_constituencies(request.user)
        )
        return TemplateResponse(
            request,
            "admin/members/desk/report.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Time to first contact with new members"),
                "opts": self.model._meta,
                "rows": rows,
            },
        )
