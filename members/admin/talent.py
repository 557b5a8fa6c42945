"""The interests and skills register and the candidate pipeline in the admin."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from members.admin import PersonAdmin
from members.models import (
    Candidate,
    Interest,
    Person,
    PersonInterest,
    ShadowingPlacement,
)
from members.selectors import candidates_with_eligibility, person_eligibility
from members.talent import services as talent_services
from members.talent.search import parse_interest_query, singular
from partyhub.admin_base import ScopedAdmin, ScopedInline, ServiceWrites
from partyhub.exports import ExportPermissionMixin, csv_export_action
from partyhub.forms import SingleLineMixin
from partyhub.scoping import constituency_ids


@admin.register(Interest)
class InterestAdmin(ScopedAdmin):
    """One list shared by every constituency (so a network spanning two CLPs finds
    the same "School governor"); retire an entry instead of deleting it."""

    list_display = ("name", "kind", "description", "active", "holder_count")
    list_editable = ("kind", "description", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "description")

    def get_queryset(self, request):
        # The list itself belongs to no constituency; who holds what is scoped
        # (PersonInterestAdmin), and the count below counts only the officer's
        # own people.
        queryset = admin.ModelAdmin.get_queryset(self, request)
        ids = constituency_ids(request.user)
        condition = Q() if ids is None else Q(holders__person__constituency__in=ids)
        return queryset.annotate(
            _holders=Count("holders", filter=condition, distinct=True)
        )

    @admin.display(description=_("people (yours)"), ordering="_holders")
    def holder_count(self, obj: Interest) -> int:
        return obj._holders

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_search_results(self, request, queryset, search_term):
        # "governors" finds "School governor".
        words = " ".join(singular(word) for word in search_term.split())
        return super().get_search_results(request, queryset, words)


def _ward(held: PersonInterest) -> str:
    return held.person.ward.name if held.person.ward_id else ""


@admin.register(PersonInterest)
class PersonInterestAdmin(ServiceWrites, ExportPermissionMixin, ScopedAdmin):
    create_service = staticmethod(talent_services.person_interest_create)
    """Who has which interest or skill: filter by interest and constituency or
    ward ("school governors in Hodge Hill"), search by name or detail."""

    export_permission = "members.export_person"
    list_display = (
        "person",
        "interest",
        "detail",
        "ward",
        "constituency",
        "source",
        "created",
    )
    list_filter = ("interest", "person__constituency", "person__ward", "source")
    search_fields = (
        "person__first_name",
        "person__last_name",
        "detail",
        "interest__name",
    )
    list_select_related = (
        "person",
        "person__ward",
        "person__constituency",
        "interest",
    )
    autocomplete_fields = ("person",)
    fields = ("person", "interest", "detail", "source")
    readonly_fields = ("source",)
    list_per_page = 100
    actions = [
        csv_export_action(
            columns=[
                ("first_name", lambda h: h.person.first_name),
                ("last_name", lambda h: h.person.last_name),
                ("email", lambda h: h.person.email),
                ("phone", lambda h: h.person.mobile or h.person.phone),
                ("ward", _ward),
                ("interest", lambda h: h.interest.name),
                ("detail", lambda h: h.detail),
            ],
            description=_("Export selected to CSV"),
            tps_person=lambda h: h.person,
        )
    ]

    @admin.display(description=_("ward"), ordering="person__ward__name")
    def ward(self, obj: PersonInterest) -> str:
        return _ward(obj)

    @admin.display(description=_("constituency"), ordering="person__constituency__name")
    def constituency(self, obj: PersonInterest) -> str:
        return obj.person.constituency.name if obj.person.constituency_id else ""

    def get_search_results(self, request, queryset, search_term):
        # "school governors in Hodge Hill": singular words, and the place narrows
        # the list instead of being searched for as text.
        query = parse_interest_query(search_term, constituency_ids(request.user))
        place = Q()
        if query.constituency_ids:
            place |= Q(person__constituency__in=query.constituency_ids)
        if query.ward_ids:
            place |= Q(person__ward__in=query.ward_ids)
        if place:
            queryset = queryset.filter(place)
        return super().get_search_results(request, queryset, query.text)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "interest":
            kwargs["queryset"] = Interest.objects.filter(active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class _OfficerAddedForm(SingleLineMixin, forms.ModelForm):
    def save(self, commit=True):
        if self.instance._state.adding:
            self.instance.source = PersonInterest.Source.OFFICER
        return super().save(commit)


class PersonInterestInline(ScopedInline):
    model = PersonInterest
    form = _OfficerAddedForm
    fields = ("interest", "detail", "source")
    readonly_fields = ("source",)
    verbose_name_plural = _("interests and skills")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("interest")


PersonAdmin.inlines = (*PersonAdmin.inlines, PersonInterestInline)


class ShadowingPlacementInline(ScopedInline):
    model = ShadowingPlacement
    fields = ("representative", "with_person", "starts", "ends", "notes")
    autocomplete_fields = ("with_person",)


@admin.register(Candidate)
class CandidateAdmin(ScopedAdmin):
    """Members who want to stand. Only the chair, secretary and political education
    officer hold these permissions (members.talent.roles)."""

    list_display = (
        "person",
        "office_sought",
        "ward",
        "constituency",
        "stage",
        "good_standing",
        "member_since",
        "academy_graduate",
    )
    list_filter = ("stage", "office_sought", "constituency")
    search_fields = ("person__first_name", "person__last_name", "notes")
    autocomplete_fields = ("person", "ward")
    readonly_fields = ("eligibility", "created", "updated")
    inlines = (ShadowingPlacementInline,)
    fieldsets = (
        (None, {"fields": ("person", "office_sought", "constituency", "ward")}),
        (_("Progress"), {"fields": ("stage", "notes")}),
        (_("Eligibility"), {"fields": ("eligibility",)}),
        (_("Record"), {"fields": ("created", "updated")}),
    )

    def get_queryset(self, request):
        return candidates_with_eligibility(super().get_queryset(request))

    @admin.display(description=_("good standing"), boolean=True)
    def good_standing(self, obj: Candidate) -> bool:
        return obj.good_standing

    @admin.display(description=_("member since"), ordering="member_since")
    def member_since(self, obj: Candidate):
        return obj.member_since

    @admin.display(description=_("academy graduate"), boolean=True)
    def academy_graduate(self, obj: Candidate) -> bool:
        return obj.person.academy_graduated_on is not None

    @admin.display(description=_("eligibility"))
    def eligibility(self, obj: Candidate | None) -> str:
        if obj is None or obj.pk is None:
            return "—"
        facts = person_eligibility(Person.objects.get(pk=obj.person_id))
        yes, no = _("yes"), _("no")
        rows = [
            (
                _("Good standing (current membership)"),
                yes if facts.good_standing else no,
            ),
            (
                _("Member since"),
                _("%(date)s (%(years)s years)")
                % {"date": facts.member_since, "years": facts.years_of_membership}
                if facts.member_since
                else _("not a member"),
            ),
            (
                _("Academy graduate"),
                facts.academy_graduated_on or no,
            ),
            (
                _("Interests and skills"),
                ", ".join(facts.interests) or "—",
            ),
        ]
        return format_html(
            "<dl>{}</dl>",
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows),
        )


@admin.register(ShadowingPlacement)
class ShadowingPlacementAdmin(ScopedAdmin):
    list_display = ("candidate", "representative", "with_person", "starts", "ends")
    list_filter = ("candidate__constituency",)
    search_fields = (
        "candidate__person__first_name",
        "candidate__person__last_name",
    )
    list_select_related = (
        "candidate__person",
        "representative__person",
        "with_person",
    )
    autocomplete_fields = ("candidate", "with_person")
