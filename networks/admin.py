"""Networks in the officers' admin.

A network spanning several CLPs shows to the officers of each; its membership
inline and list are scoped by the person's home constituency, so each CLP's
officers see only their own people's details. Saving a network keeps the
constituencies and co-ordinators the officer cannot see (another CLP's), which a
scoped form field would otherwise silently drop.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from networks import selectors, services
from networks.models import (
    CommunityOrganisation,
    Consultation,
    Network,
    NetworkCoordinator,
    NetworkInvitation,
    NetworkMembership,
    OrganisationMailing,
    OrganisationMailingRecipient,
    Post,
    ReadingItem,
    Section,
    StudyMeeting,
    Submission,
    SubmissionSection,
    Thread,
    UnionActivist,
    UnionBranchOfficer,
    UnionDelegate,
)
from partyhub.actors import actor_of
from partyhub.admin_base import (
    AppointmentInline,
    OwnConstituencyInitialMixin,
    ReadOnlyAdmin,
    ScopedAdmin,
    ScopedInline,
    ServiceWrites,
)
from partyhub.errors import message_of
from partyhub.forms import SingleLineMixin
from partyhub.scoping import ScopedAdminMixin, constituency_ids


class NetworkMembershipForm(SingleLineMixin, forms.ModelForm):
    """An officer adding someone to a network keeps the portal's rule: members,
    and supporters only where the network is open to supporters."""

    class Meta:
        model = NetworkMembership
        fields = ("network", "person", "status")

    def clean(self):
        data = super().clean()
        instance = self.instance
        network = data.get("network") or (
            instance.network if instance.network_id else None
        )
        person = data.get("person") or (instance.person if instance.person_id else None)
        changed = (
            not instance.pk
            or {"network", "person"} & set(self.changed_data)
            or (
                "status" in self.changed_data
                and data.get("status") != NetworkMembership.Status.LEFT
            )
        )
        if network and person and changed:
            if not services.is_eligible(network, person):
                self.add_error(
                    "person" if "person" in self.fields else None,
                    _("%(name)s cannot join %(network)s: it is open to %(open_to)s.")
                    % {
                        "name": person.full_name,
                        "network": network.name or _("this network"),
                        "open_to": network.get_open_to_display().lower(),
                    },
                )
        return data


class NetworkMembershipInline(ScopedAdminMixin, admin.TabularInline):
    """The network's members from the officer's CLPs: status can change here;
    people join in the portal (or are added under Network memberships). A
    read-only name keeps a big network's page to a fixed number of queries."""

    model = NetworkMembership
    form = NetworkMembershipForm
    extra = 0
    fields = ("person", "status", "joined")
    readonly_fields = ("person", "joined")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "network")

    def has_add_permission(self, request, obj=None):
        return False


class CoordinatorInline(AppointmentInline):
    """Co-ordinators from the officer's CLPs; each records who appointed them and
    for which constituency (whose people's details they may see)."""

    model = NetworkCoordinator
    fields = ("person", "appointed_for")
    autocomplete_fields = ("person",)
    verbose_name_plural = gettext_lazy("co-ordinators (from your constituencies)")


class ReadingItemInline(ScopedInline):
    model = ReadingItem
    extra = 0
    fields = ("order", "title", "author", "link", "notes")
    # Django 5.2 warns about its http default for links typed without a scheme.
    formfield_overrides = {
        models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}
    }
    verbose_name_plural = gettext_lazy("Reading list (study groups)")


class StudyMeetingInline(ScopedInline):
    model = StudyMeeting
    extra = 0
    fields = ("event", "topic")
    verbose_name_plural = gettext_lazy("Meetings (study groups): events")


@admin.register(Network)
class NetworkAdmin(ScopedAdmin):
    list_display = ("name", "kind", "topic", "open_to", "joining")
    list_filter = ("kind", "open_to", "joining", "constituencies")
    search_fields = ("name", "topic")
    filter_horizontal = ("constituencies", "interests")
    inlines = (
        CoordinatorInline,
        NetworkMembershipInline,
        ReadingItemInline,
        StudyMeetingInline,
    )
    fieldsets = (
        (None, {"fields": ("name", "kind", "topic", "description")}),
        (
            gettext_lazy("Who it is for"),
            {"fields": ("constituencies", "open_to", "joining")},
        ),
        (
            gettext_lazy("Suggesting people to invite"),
            {"fields": ("interests", "invite_suggestions")},
        ),
    )
    readonly_fields = ("invite_suggestions",)

    @admin.display(description=gettext_lazy("People you could invite"))
    def invite_suggestions(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("networks:invite", args=[obj.pk]),
            _("See who the register of interests suggests, and invite them"),
        )


@admin.register(NetworkMembership)
class NetworkMembershipAdmin(ScopedAdmin):
    form = NetworkMembershipForm
    list_display = ("person", "network", "status", "joined")
    list_filter = ("status", "network")
    search_fields = ("person__first_name", "person__last_name", "network__name")
    list_select_related = ("person", "network")
    autocomplete_fields = ("person", "network")
    actions = ("approve",)

    @admin.action(description=gettext_lazy("Approve the selected requests"))
    def approve(self, request, queryset):
        done = 0
        for membership in queryset.filter(
            status=NetworkMembership.Status.PENDING
        ).select_related("network", "person"):
            try:
                services.network_membership_approve(
                    membership=membership, actor=actor_of(request)
                )
            except services.NetworkError as exc:
                self.message_user(request, message_of(exc), messages.ERROR)
            else:
                done += 1
        self.message_user(request, _("%(n)d requests approved.") % {"n": done})


class PostInline(ScopedAdminMixin, admin.TabularInline):
    model = Post
    extra = 0
    fields = ("author", "body", "created", "edited", "hidden_by_moderator")
    readonly_fields = ("author", "body", "created", "edited")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


@admin.register(Thread)
class ThreadAdmin(ScopedAdmin):
    list_display = ("title", "network", "author", "created")
    list_filter = ("network",)
    search_fields = ("title",)
    list_select_related = ("network", "author")
    readonly_fields = ("author",)
    inlines = (PostInline,)


class SectionInline(ScopedAdminMixin, admin.StackedInline):
    model = Section
    extra = 1


@admin.register(Consultation)
class ConsultationAdmin(ScopedAdmin):
    list_display = ("title", "network", "deadline", "submitted_at")
    list_filter = ("network",)
    search_fields = ("title", "document")
    list_select_related = ("network",)
    inlines = (SectionInline,)
    actions = ("export_submission", "mark_submitted")

    @admin.action(description=gettext_lazy("Download the submission (Word)"))
    def export_submission(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, _("Choose one consultation to export."), messages.ERROR
            )
            return None
        consultation = queryset.get()
        document = services.consultation_submission_export(
            consultation=consultation, actor=actor_of(request)
        )
        response = HttpResponse(document, content_type="application/msword")
        response["Content-Disposition"] = (
            f'attachment; filename="submission-{consultation.pk}.doc"'
        )
        return response

    @admin.action(description=gettext_lazy("Record the submission as sent today"))
    def mark_submitted(self, request, queryset):
        done = 0
        for consultation in queryset:
            try:
                services.consultation_mark_submitted(
                    consultation=consultation, actor=actor_of(request)
                )
            except services.NetworkError as exc:
                self.message_user(request, message_of(exc), messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                _("%(n)d submissions recorded as sent today.") % {"n": done},
                messages.SUCCESS,
            )


class UnionBranchOfficerInline(ScopedInline):
    model = UnionBranchOfficer
    extra = 0
    fields = ("name", "role", "email", "phone", "consent_to_mail")


class UnionDelegateInline(ScopedInline):
    model = UnionDelegate
    extra = 0
    fields = ("person", "starts", "ends")
    autocomplete_fields = ("person",)
    verbose_name_plural = gettext_lazy("Delegates nominated to the General Committee")


@admin.register(CommunityOrganisation)
class CommunityOrganisationAdmin(OwnConstituencyInitialMixin, ScopedAdmin):
    list_display = ("name", "kind", "ward", "contact_name", "last_contact", "owner")
    list_filter = ("kind", "ward", "consent_to_mail")
    search_fields = (
        "name",
        "union",
        "contact_name",
        "contact_email",
        "relationship_notes",
    )
    list_select_related = ("ward", "owner")
    autocomplete_fields = ("owner",)
    filter_horizontal = ("joint_campaigns", "joint_events")
    fieldsets = (
        (None, {"fields": ("constituency", "name", "kind", "union", "ward")}),
        (
            gettext_lazy("Contact"),
            {
                "fields": (
                    "contact_name",
                    "contact_email",
                    "contact_phone",
                    "consent_to_mail",
                    "consent_wording",
                )
            },
        ),
        (
            gettext_lazy("The party's relationship"),
            {"fields": ("owner", "last_contact", "relationship_notes")},
        ),
        (
            gettext_lazy("Joint campaigns and events"),
            {"fields": ("joint_campaigns", "joint_events")},
        ),
    )

    def get_inlines(self, request, obj):
        # Officers and GC delegates belong to union branches only.
        if obj is not None and obj.kind == CommunityOrganisation.Kind.UNION_BRANCH:
            return (UnionBranchOfficerInline, UnionDelegateInline)
        return ()

    def get_urls(self):
        return [
            path(
                "union-links/",
                self.admin_site.admin_view(self.union_links_view),
                name="networks_union_links",
            ),
            *super().get_urls(),
        ]

    def union_links_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Trade union links"),
            "clps": selectors.union_links(constituency_ids(request.user)),
        }
        return TemplateResponse(request, "admin/networks/union_links.html", context)


@admin.register(UnionActivist)
class UnionActivistAdmin(ScopedAdmin):
    list_display = ("person", "union", "role", "branch")
    list_filter = ("union", "branch")
    search_fields = ("person__first_name", "person__last_name", "union", "role")
    list_select_related = ("person", "branch")
    autocomplete_fields = ("person",)


@admin.register(UnionDelegate)
class UnionDelegateAdmin(ScopedAdmin):
    list_display = ("person", "branch", "starts", "ends")
    list_filter = ("branch",)
    search_fields = ("person__first_name", "person__last_name", "branch__name")
    list_select_related = ("person", "branch")
    autocomplete_fields = ("person",)


@admin.register(NetworkInvitation)
class NetworkInvitationAdmin(ReadOnlyAdmin):
    list_display = ("person", "network", "invited_by", "created")
    list_filter = ("network",)
    search_fields = ("person__first_name", "person__last_name", "network__name")
    list_select_related = ("person", "network", "invited_by")


class SubmissionSectionInline(ScopedAdminMixin, admin.StackedInline):
    model = SubmissionSection
    extra = 0
    fields = ("section", "text")
    readonly_fields = ("section",)
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status == Submission.Status.SUBMITTED:
            return ("section", "text")  # as sent: the record does not change
        return super().get_readonly_fields(request, obj)


@admin.register(Submission)
class SubmissionAdmin(ScopedAdmin):
    list_display = ("consultation", "status", "submitted_on", "drafted_by", "updated")
    list_filter = ("status",)
    search_fields = ("consultation__title",)
    list_select_related = ("consultation", "drafted_by")
    readonly_fields = ("consultation", "drafted_by", "status", "submitted_on")
    fields = ("consultation", "status", "submitted_on", "drafted_by", "introduction")
    inlines = (SubmissionSectionInline,)

    def has_add_permission(self, request):
        return False  # drafted from the comments in the co-ordinator's page

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status == Submission.Status.SUBMITTED:
            return (*super().get_readonly_fields(request, obj), "introduction")
        return super().get_readonly_fields(request, obj)


class OrganisationMailingForm(SingleLineMixin, forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Only these kinds"),
        choices=CommunityOrganisation.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Leave empty to mail every kind of organisation."),
    )

    class Meta:
        model = OrganisationMailing
        fields = ("constituency", "subject", "body", "kinds", "ward")


class OrganisationMailingRecipientInline(ScopedAdminMixin, admin.TabularInline):
    model = OrganisationMailingRecipient
    extra = 0
    fields = ("organisation", "person", "status", "reason", "phone")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = gettext_lazy("Who it went to")

    @admin.display(description=gettext_lazy("contact phone"))
    def phone(self, obj):
        # For the organisations to contact by hand.
        return obj.organisation.contact_phone or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation", "person")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OrganisationMailing)
class OrganisationMailingAdmin(ServiceWrites, OwnConstituencyInitialMixin, ScopedAdmin):
    create_service = staticmethod(services.organisation_mailing_create)
    """A mailing is written, previewed (how many organisations it would email) and
    sent once; a sent mailing is read-only and lists who got it."""

    form = OrganisationMailingForm
    list_display = ("subject", "constituency", "created", "sent_at", "sent_by")
    list_filter = ("constituency",)
    list_select_related = ("constituency", "sent_by")
    search_fields = ("subject",)
    readonly_fields = ("sending", "created_by", "created", "sent_at", "sent_by")
    inlines = (OrganisationMailingRecipientInline,)

    def get_fieldsets(self, request, obj=None):
        fields = ["constituency", "subject", "body", "kinds", "ward"]
        if obj is not None:
            # The send button only for those who may send (or to say it was sent).
            if obj.sent_at or self.has_change_permission(request, obj):
                fields.append("sending")
            fields += ["created_by", "created", "sent_at", "sent_by"]
        return ((None, {"fields": fields}),)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None and obj.sent_at else ()

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.sent_at is not None:
            return False  # what was sent stays as it was sent
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.sent_at is not None:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=gettext_lazy("Sending"))
    def sending(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        if obj.sent_at:
            return _("Sent. The list below shows who got it.")
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:networks_organisationmailing_send", args=[obj.pk]),
            _("Send to organisations that agreed to be mailed…"),
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/send/",
                self.admin_site.admin_view(self.send_view),
                name="networks_organisationmailing_send",
            ),
            *super().get_urls(),
        ]

    def send_view(self, request, object_id):
        from networks import mailings

        mailing = self.get_object(request, object_id)  # 404 outside the scope
        if not self.has_change_permission(request, mailing):
            if mailing.sent_at is not None:
                self.message_user(
                    request, _("This mailing has already been sent."), messages.ERROR
                )
                return HttpResponseRedirect(
                    reverse(
                        "admin:networks_organisationmailing_change", args=[mailing.pk]
                    )
                )
            raise PermissionDenied
        if request.method == "POST":
            try:
                result = mailings.organisation_mailing_send(
                    mailing=mailing, actor=actor_of(request)
                )
            except services.NetworkError as exc:
                self.message_user(request, message_of(exc), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _(
                        "Sent: %(emailed)d organisations emailed, %(by_hand)d to "
                        "contact by hand."
                    )
                    % {
                        "emailed": result.emailed,
                        "by_hand": result.to_contact_by_hand,
                    },
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(
                reverse("admin:networks_organisationmailing_change", args=[mailing.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Send “%(subject)s”") % {"subject": mailing.subject},
            "mailing": mailing,
            "preview": mailings.mailing_preview(mailing),
        }
        return TemplateResponse(
            request, "admin/networks/organisationmailing/send.html", context
        )
