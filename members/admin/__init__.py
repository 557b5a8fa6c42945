from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, Prefetch
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from members import services
from members.models import (
    Branch,
    Constituency,
    ElectedRepresentative,
    Membership,
    Office,
    Person,
    Postcode,
    Transfer,
    Ward,
)
from members.search import search_people
from partyhub.admin_base import (
    ScopedAdmin,
    ScopedInline,
    ServiceWrites,
    formset_through_services,
)
from partyhub.comms.models import ConsentState
from partyhub.exports import ExportPermissionMixin, csv_export_action
from partyhub.scoping import (
    constituency_ids,
    scope_queryset,
    selected_constituencies,
)


@admin.register(Constituency)
class ConstituencyAdmin(ScopedAdmin):
    list_display = ("name", "ons_code", "contact_email")
    search_fields = ("name", "ons_code")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "ons_code")}),
        (_("Contact"), {"fields": ("contact_email", "postal_address")}),
        (_("Public page"), {"fields": ("description",)}),
    )

    def has_add_permission(self, request):
        # New CLPs are set up by the regional organiser.
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Ward)
class WardAdmin(ScopedAdmin):
    list_display = ("name", "constituency", "ons_code")
    list_filter = ("constituency",)
    search_fields = ("name", "ons_code")
    list_select_related = ("constituency",)


@admin.register(Branch)
class BranchAdmin(ScopedAdmin):
    list_display = ("name", "constituency", "ward_names")
    list_filter = ("constituency",)
    search_fields = ("name",)
    list_select_related = ("constituency",)
    filter_horizontal = ("wards",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("wards")

    @admin.display(description=_("wards"))
    def ward_names(self, obj: Branch) -> str:
        return ", ".join(w.name for w in obj.wards.all())


@admin.register(Postcode)
class PostcodeAdmin(ScopedAdmin):
    list_display = ("postcode", "ward", "constituency")
    list_filter = ("constituency",)
    search_fields = ("postcode",)
    list_select_related = ("ward", "constituency")
    autocomplete_fields = ("ward",)


class MembershipInline(ScopedInline):
    model = Membership
    fields = (
        "membership_number",
        "constituency",
        "branch",
        "status",
        "joined",
        "trade_union",
    )

    def get_queryset(self, request):
        # Each row's widgets label its constituency and branch: loaded with the
        # rows, not two queries per membership (issue 21.5).
        return super().get_queryset(request).select_related("constituency", "branch")


class OfficeInline(ScopedInline):
    model = Office
    fk_name = "person"
    fields = ("role", "constituency", "branch", "starts", "ends")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("constituency", "branch")


def _membership_numbers(person: Person) -> str:
    return " ".join(m.membership_number for m in person.memberships.all())


def _membership_statuses(person: Person) -> str:
    return " ".join(m.status for m in person.memberships.all())


class ConsentStateInline(ScopedInline):
    """How this person may be contacted now; the history is in the consent ledger."""

    model = ConsentState
    fields = ("channel", "topic", "granted", "method", "at")
    readonly_fields = fields
    verbose_name_plural = _("current consent (record a change in the consent ledger)")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MembershipStatusFilter(admin.SimpleListFilter):
    """People with a membership of this status: an EXISTS subquery, never a join
    to memberships with a DISTINCT over the region (issue 21.4)."""

    title = _("membership status")
    parameter_name = "membership_status"

    def lookups(self, request, model_admin):
        return Membership.Status.choices

    def queryset(self, request, queryset):
        if self.value() not in Membership.Status.values:
            return queryset
        return queryset.filter(
            Exists(
                Membership.objects.filter(person=OuterRef("pk"), status=self.value())
            )
        )


class MembershipBranchFilter(admin.SimpleListFilter):
    """People with a membership in this branch (EXISTS); the officer's own
    branches, or a regional organiser's in the constituency they chose."""

    title = _("branch")
    parameter_name = "membership_branch"

    def lookups(self, request, model_admin):
        ids = constituency_ids(request.user)
        if ids is None:
            ids = selected_constituencies(request)
        branches = scope_queryset(Branch.objects.all(), ids).only("pk", "name")
        return [(str(b.pk), b.name) for b in branches.order_by("name")]

    def queryset(self, request, queryset):
        value = self.value()
        if not value or not value.isdigit():
            return queryset
        return queryset.filter(
            Exists(
                Membership.objects.filter(person=OuterRef("pk"), branch_id=int(value))
            )
        )


@admin.register(Person)
class PersonAdmin(ServiceWrites, ExportPermissionMixin, ScopedAdmin):
    create_service = staticmethod(services.person_create)
    update_service = staticmethod(services.person_update)
    export_permission = "members.export_person"
    actions = [
        csv_export_action(
            columns=[
                ("first_name", lambda p: p.first_name),
                ("last_name", lambda p: p.last_name),
                ("email", lambda p: p.email),
                ("phone", lambda p: p.phone),
                ("mobile", lambda p: p.mobile),
                ("address_line_1", lambda p: p.address_line_1),
                ("address_line_2", lambda p: p.address_line_2),
                ("town", lambda p: p.town),
                ("postcode", lambda p: p.postcode),
                ("ward", lambda p: p.ward.name if p.ward else ""),
                (
                    "constituency",
                    lambda p: p.constituency.name if p.constituency else "",
                ),
                ("membership_numbers", _membership_numbers),
                ("membership_status", _membership_statuses),
            ],
            description=_("Export selected people to CSV"),
            tps_person=lambda p: p,
        )
    ]
    list_display = (
        "last_name",
        "first_name",
        "email",
        "postcode",
        "ward",
        "constituency",
        "membership_status",
    )
    list_display_links = ("last_name", "first_name")
    list_filter = (
        "constituency",
        "ward",
        MembershipStatusFilter,
        MembershipBranchFilter,
    )
    search_fields = (
        "first_name",
        "last_name",
        "email",
        "postcode",
        "phone",
        "mobile",
    )
    list_select_related = ("constituency", "ward")
    autocomplete_fields = ("ward",)
    readonly_fields = ("created", "updated", "telephone_preference")
    inlines = (MembershipInline, OfficeInline, ConsentStateInline)
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("first_name", "last_name")}),
        (
            _("Contact"),
            {"fields": ("email", "phone", "mobile", "telephone_preference")},
        ),
        (
            _("Address"),
            {"fields": ("address_line_1", "address_line_2", "town", "postcode")},
        ),
        (_("Constituency"), {"fields": ("constituency", "ward")}),
        (
            _("Taking part"),
            {"fields": ("accessibility_needs", "availability")},
        ),
        (_("Record"), {"fields": ("created", "updated")}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "memberships",
                    queryset=Membership.objects.only(
                        "person_id", "status", "membership_number"
                    ),
                )
            )
        )

    @admin.display(description=_("Telephone Preference Service"))
    def telephone_preference(self, obj: Person) -> str:
        from partyhub.dataprotection.tps import TpsCheck

        numbers = [n for n in (obj.phone, obj.mobile) if n]
        if obj.pk is None or not numbers:
            return "—"
        check = TpsCheck((obj.constituency_id, obj.pk, n) for n in numbers)
        listed = [n for n in numbers if check.blocked(obj.constituency_id, obj.pk, n)]
        if not listed:
            return _("Not on the CLP's TPS list, or they said yes to calls.")
        return _("On the TPS list, do not ring: %(numbers)s") % {
            "numbers": ", ".join(listed)
        }

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            # Linking a login to a person is the regional organiser's job.
            fieldsets = (*fieldsets, (_("Login"), {"fields": ("user",)}))
        return fieldsets

    def get_autocomplete_fields(self, request):
        fields = super().get_autocomplete_fields(request)
        return (*fields, "user") if request.user.is_superuser else fields

    def get_search_results(self, request, queryset, search_term):
        # Indexes answer it, no join with DISTINCT; a membership number is a
        # subquery (members.search, issue 21.3).
        return search_people(queryset, search_term), False

    def get_ordering(self, request):
        if request.GET.get("q", "").strip() and "o" not in request.GET:
            # Searched, the matches are sorted by name without the name index:
            # walking that index for the first 100 matches reads every name
            # before "Okafour" (18 s over 1.5 million people), where sorting
            # the few thousand matches the trigram indexes find takes
            # milliseconds (bench/EXPLAIN.md).
            return (Lower("last_name"), Lower("first_name"), "pk")
        return super().get_ordering(request)

    @admin.display(description=_("membership"))
    def membership_status(self, obj: Person) -> str:
        return ", ".join(m.get_status_display() for m in obj.memberships.all()) or "—"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and str(object_id).isdigit():
            # Their own CLP's officers learn why the person has no ward.
            pending = (
                Transfer.objects.filter(
                    person__in=self.get_queryset(request).filter(pk=object_id),
                    status=Transfer.Status.PENDING,
                )
                .select_related("to_constituency")
                .first()
            )
            if pending is not None:
                self.message_user(
                    request,
                    _(
                        "Their postcode %(postcode)s is in %(clp)s: a transfer waits "
                        "for an officer of %(clp)s to accept it. Until then they "
                        "stay here, with no ward."
                    )
                    % {"postcode": pending.postcode, "clp": pending.to_constituency},
                    messages.INFO,
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            # Status dates and the membership signals, as the import gives them.
            return formset_through_services(
                model_admin=self,
                request=request,
                formset=formset,
                create=services.membership_create,
                update=services.membership_update,
                delete=services.membership_delete,
            )
        return super().save_formset(request, form, formset, change)


@admin.register(Membership)
class MembershipAdmin(ServiceWrites, ScopedAdmin):
    create_service = staticmethod(services.membership_create)
    update_service = staticmethod(services.membership_update)
    delete_service = staticmethod(services.membership_delete)
    list_display = (
        "membership_number",
        "person",
        "status",
        "joined",
        "branch",
        "constituency",
    )
    list_filter = ("status", "constituency", "branch")
    search_fields = (
        "membership_number",
        "person__first_name",
        "person__last_name",
        "person__email",
    )
    list_select_related = ("person", "branch", "constituency")
    autocomplete_fields = ("person", "branch")
    # Set by the status rule (members.services.membership_update), as the
    # national import sets them: shown, never typed.
    readonly_fields = ("status_since", "rejoined_on")


@admin.register(Office)
class OfficeAdmin(ScopedAdmin):
    list_display = ("person", "role", "constituency", "branch", "starts", "ends")
    list_filter = ("role", "constituency")
    search_fields = ("person__first_name", "person__last_name", "person__email")
    list_select_related = ("person", "constituency", "branch")
    autocomplete_fields = ("person", "branch")


@admin.register(ElectedRepresentative)
class ElectedRepresentativeAdmin(ScopedAdmin):
    list_display = ("person", "role", "constituency", "starts", "ends")
    list_filter = ("role", "constituency")
    search_fields = ("person__first_name", "person__last_name")
    list_select_related = ("person", "constituency")
    autocomplete_fields = ("person",)
    filter_horizontal = ("wards",)


# Issue 6 (they extend PersonAdmin): the national list import and postcode upload;
# the renewal desk, contact log and mentors; interests and skills, candidates,
# forums; address labels and mail merge.
from members.admin import (  # noqa: E402, F401
    desk,
    forums,
    history,
    imports,
    post,
    talent,
    transfers,
)
