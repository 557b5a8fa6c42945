"""Governance in the officers' admin: the CLP's rules, bodies, affiliates and
delegates; calling meetings, the secretary's phone page at the meeting, minutes;
motions; elections. Every write goes through governance.services; every page
finds its record through the scoped get_object, so another CLP's answers 404."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance import selectors, services
from governance.forms import ActionForm, ItemDecisionForm, MinutesForm
from governance.models import (
    Affiliate,
    AgendaItem,
    Body,
    Delegation,
    Election,
    Meeting,
    Minutes,
    Motion,
    Paper,
    Rules,
)
from members.models import Membership, Person
from partyhub.admin_base import (
    ScopedAdmin,
    ScopedInline,
    ServiceWrites,
    formset_through_services,
)
from partyhub.errors import DomainError, message_of
from partyhub.forms import SingleLineMixin
from partyhub.scoping import constituency_ids, scope_queryset


@admin.register(Rules)
class RulesAdmin(ServiceWrites, ScopedAdmin):
    create_service = services.rules_create
    update_service = services.rules_update
    list_display = (
        "constituency",
        "notice_days",
        "motion_deadline_days",
        "amendment_deadline_days",
        "good_standing_weeks",
        "gender_balance",
    )


@admin.register(Affiliate)
class AffiliateAdmin(ServiceWrites, ScopedAdmin):
    create_service = services.affiliate_create
    update_service = services.affiliate_update
    list_display = ("name", "kind", "affiliated_members", "constituency")
    search_fields = ("name",)


@admin.register(Body)
class BodyAdmin(ServiceWrites, ScopedAdmin):
    create_service = services.body_create
    update_service = services.body_update
    list_display = ("name", "kind", "constituency", "quorum_number", "quorum_percent")
    list_filter = ("kind",)
    search_fields = ("name",)
    readonly_fields = ("delegate_places",)

    @admin.display(description=gettext_lazy("delegates each may send"))
    def delegate_places(self, obj: Body) -> str:
        if obj.pk is None or obj.kind != Body.Kind.GC_DELEGATE:
            return "—"
        return "; ".join(
            f"{r['source']}: {r['delegates']} of {r['entitled']} ({r['members']} members)"
            for r in selectors.delegate_places(obj)
        )


@admin.register(Delegation)
class DelegationAdmin(ServiceWrites, ScopedAdmin):
    create_service = services.delegation_create
    update_service = services.delegation_update
    list_display = ("person", "body", "branch", "affiliate", "starts", "ends")
    list_filter = ("body",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("person", "body", "branch", "affiliate", "starts") if obj else ()

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            return super().add_view(request, form_url, extra_context)
        except DomainError as exc:
            self.message_user(request, message_of(exc), messages.ERROR)
            return HttpResponseRedirect(request.path)


# --- Meetings -----------------------------------------------------------------------


class CallMeetingForm(SingleLineMixin, forms.Form):
    body = forms.ModelChoiceField(
        label=gettext_lazy("Body"), queryset=Body.objects.none()
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    starts = forms.DateTimeField(
        label=gettext_lazy("Starts"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    ends = forms.DateTimeField(
        label=gettext_lazy("Ends"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    venue = forms.CharField(label=gettext_lazy("Venue"), max_length=200, required=False)
    address = forms.CharField(
        label=gettext_lazy("Address"), max_length=300, required=False
    )
    online_link = forms.URLField(
        assume_scheme="https",
        label=gettext_lazy("Online link"),
        required=False,
        help_text=gettext_lazy(
            "For members who join from home (rural members, carers)."
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        body = cast(forms.ModelChoiceField, self.fields["body"])  # type: ignore[type-arg]
        body.queryset = scope_queryset(Body.objects.all(), constituency_ids(user))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts") and data.get("ends") and data["ends"] < data["starts"]:
            self.add_error("ends", _("A meeting cannot end before it starts."))
        return data


class ReportForm(SingleLineMixin, forms.Form):
    title = forms.CharField(label=gettext_lazy("Report or item"), max_length=200)


class PaperInline(ScopedInline):
    model = Paper
    fields = ("title", "file")
    extra = 1


class AgendaItemInline(ScopedInline):
    model = AgendaItem
    fk_name = "meeting"
    fields = ("position", "title", "kind", "outcome")
    readonly_fields = ("position", "title", "kind", "outcome")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Meeting)
class MeetingAdmin(ScopedAdmin):
    list_display = ("__str__", "body", "starts_at", "status")
    list_filter = ("status", "body")
    search_fields = ("event__title",)
    readonly_fields = (
        "body",
        "event",
        "status",
        "starts_at",
        "deadlines",
        "online_link",
        "quorum_now",
    )
    fields = readonly_fields
    inlines = (AgendaItemInline, PaperInline)

    @admin.display(description=gettext_lazy("starts"), ordering="event__starts")
    def starts_at(self, obj: Meeting) -> str:
        return timezone.localtime(obj.starts).strftime("%-d %B %Y, %H:%M")

    @admin.display(description=gettext_lazy("deadlines"))
    def deadlines(self, obj: Meeting) -> str:
        return _("Motions by %(m)s; amendments by %(a)s") % {
            "m": timezone.localtime(obj.motion_deadline).strftime("%-d %B %Y, %H:%M"),
            "a": timezone.localtime(obj.amendment_deadline).strftime(
                "%-d %B %Y, %H:%M"
            ),
        }

    @admin.display(description=gettext_lazy("quorum"))
    def quorum_now(self, obj: Meeting) -> str:
        q = selectors.quorum(obj)
        return _("%(v)d of %(n)d needed present (%(e)d entitled to vote)") % {
            "v": q.present_voting,
            "n": q.needed,
            "e": q.entitled_voting,
        }

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("event", "body")

    def save_model(
        self, request: HttpRequest, obj: Any, form: Any, change: bool
    ) -> None:
        # Nothing of the meeting itself is edited here (its event holds the date
        # and place); only its papers are added, through the service.
        return None

    def save_formset(
        self, request: HttpRequest, form: Any, formset: Any, change: bool
    ) -> None:
        if formset.model is not Paper:
            return super().save_formset(request, form, formset, change)
        return formset_through_services(
            model_admin=self,
            request=request,
            formset=formset,
            create=services.paper_create,
            update=services.paper_update,
            delete=services.paper_delete,
        )

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/run/",
                wrap(self.run_view),
                name="governance_meeting_run",
            ),
            path(
                "<path:object_id>/minutes/",
                wrap(self.minutes_view),
                name="governance_meeting_minutes",
            ),
            path(
                "<path:object_id>/post/",
                wrap(self.post_view),
                name="governance_meeting_post",
            ),
            *super().get_urls(),
        ]

    def _meeting(
        self, request: HttpRequest, object_id: str, *, change: bool = True
    ) -> Meeting:
        meeting: Meeting = self.get_object(request, unquote(object_id))  # type: ignore[no-untyped-call]
        allowed = (
            self.has_change_permission(request, meeting)
            if change
            else self.has_view_permission(request, meeting)
        )
        if not allowed:
            raise PermissionDenied
        return meeting

    def _page(
        self, request: HttpRequest, template: str, title: str, **context: Any
    ) -> TemplateResponse:
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": title,
                **context,
            },
        )

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CallMeetingForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                meeting = services.meeting_call(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, message_of(exc))
            else:
                self.message_user(
                    request,
                    _(
                        "The meeting is called: notice goes to everyone entitled to attend."
                    ),
                )
                return HttpResponseRedirect(
                    reverse("admin:governance_meeting_change", args=[meeting.pk])
                )
        return self._page(
            request,
            "admin/governance/form_page.html",
            _("Call a meeting"),
            form=form,
            button=_("Call the meeting and send notice"),
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: Any = None,
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "run_url": reverse("admin:governance_meeting_run", args=[object_id]),
            "minutes_url": reverse(
                "admin:governance_meeting_minutes", args=[object_id]
            ),
            "post_url": reverse("admin:governance_meeting_post", args=[object_id]),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def post_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        meeting = self._meeting(request, object_id, change=False)
        return self._page(
            request,
            "admin/governance/post.html",
            _("Notice by post"),
            meeting=meeting,
            people=services.notice_by_post(meeting),
        )

    def run_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The secretary's phone page at the meeting: attendance against the
        entitled list, quorum live, votes and decisions per item, actions."""
        meeting = self._meeting(request, object_id, change=request.method == "POST")
        if request.method == "POST":
            try:
                self._run_post(request, meeting)
            except DomainError as exc:
                messages.error(request, message_of(exc))
            return HttpResponseRedirect(request.path + request.POST.get("anchor", ""))
        entitled = selectors.meeting_entitlement(meeting)
        here = set(meeting.attendances.values_list("person_id", flat=True))
        query = request.GET.get("q", "").strip()
        people = Person.objects.filter(pk__in=entitled.attend).order_by(
            "last_name", "first_name"
        )
        if query:
            people = people.filter(last_name__icontains=query) | people.filter(
                first_name__icontains=query
            )
        rows = [
            {"person": p, "here": p.pk in here, "right": entitled.of(p.pk)}
            for p in people
        ]
        items = list(meeting.items.select_related("motion").order_by("position", "pk"))
        return TemplateResponse(
            request,
            "governance/run.html",
            {
                "meeting": meeting,
                "rows": rows,
                "query": query,
                "quorum": selectors.quorum(meeting, entitled),
                "items": [
                    (item, ItemDecisionForm(prefix=f"i{item.pk}")) for item in items
                ],
                "action_form": ActionForm(
                    people=Person.objects.filter(pk__in=entitled.attend).order_by(
                        "last_name", "first_name"
                    )
                ),
                "actions": meeting.actions.select_related("owner"),
                "minutes_url": reverse(
                    "admin:governance_meeting_minutes", args=[meeting.pk]
                ),
            },
        )

    def _run_post(self, request: HttpRequest, meeting: Meeting) -> None:
        op = request.POST.get("op")
        if op in ("here", "away"):
            person = get_object_or_404(Person, pk=request.POST.get("person"))
            services.attendance_mark(
                meeting=meeting, person=person, present=op == "here", actor=request.user
            )
        elif op == "decide":
            item = get_object_or_404(
                AgendaItem, pk=request.POST.get("item"), meeting=meeting
            )
            decision = ItemDecisionForm(request.POST, prefix=f"i{item.pk}")
            if not decision.is_valid():
                raise DomainError(_("Check the counts: whole numbers only."))
            services.item_decide(item=item, actor=request.user, **decision.cleaned_data)
            messages.success(request, _("Recorded: %(t)s") % {"t": item.title})
        elif op == "action":
            entitled = selectors.meeting_entitlement(meeting)
            form = ActionForm(
                request.POST, people=Person.objects.filter(pk__in=entitled.attend)
            )
            if not form.is_valid():
                raise DomainError(_("An action needs what, who and by when."))
            services.action_add(
                meeting=meeting, actor=request.user, **form.cleaned_data
            )
        elif op == "report":
            services.report_add(
                meeting=meeting, title=request.POST.get("title", ""), actor=request.user
            )

    def minutes_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        meeting = self._meeting(request, object_id, change=request.method == "POST")
        minutes = Minutes.objects.filter(meeting=meeting).first()
        form = MinutesForm(
            request.POST if request.POST.get("op") == "save" else None,
            initial={"text": minutes.text if minutes else ""},
        )
        if request.method == "POST":
            op = request.POST.get("op")
            try:
                if op == "draft":
                    services.minutes_draft(meeting=meeting, actor=request.user)
                    messages.success(
                        request, _("Minutes drafted from the meeting's record.")
                    )
                elif op == "save" and minutes is not None and form.is_valid():
                    services.minutes_edit(
                        minutes=minutes,
                        text=form.cleaned_data["text"],
                        actor=request.user,
                    )
                    messages.success(request, _("Minutes saved."))
                elif op == "circulate" and minutes is not None:
                    services.minutes_circulate(minutes=minutes, actor=request.user)
                    messages.success(
                        request,
                        _(
                            "The draft is circulated to those who attended, and its "
                            "approval is on the next meeting's agenda."
                        ),
                    )
            except DomainError as exc:
                messages.error(request, message_of(exc))
            return HttpResponseRedirect(request.path)
        return self._page(
            request,
            "admin/governance/minutes.html",
            _("Minutes"),
            meeting=meeting,
            minutes=minutes,
            form=form,
        )


# --- Motions ------------------------------------------------------------------------


class ReasonForm(SingleLineMixin, forms.Form):
    text = forms.CharField(label=gettext_lazy("Reason"), max_length=500)


class SendOnForm(SingleLineMixin, forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Sent on to"),
        max_length=200,
        help_text=gettext_lazy(
            "Annual conference, the council group, the regional board…"
        ),
    )


class CompositeForm(SingleLineMixin, forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title of the composite"), max_length=200
    )
    text = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea)


@admin.register(Motion)
class MotionAdmin(ScopedAdmin):
    list_display = ("title", "kind", "meeting", "mover", "seconder", "status")
    list_filter = ("status",)
    search_fields = ("title", "text")
    readonly_fields = (
        "meeting",
        "amends",
        "title",
        "text",
        "mover",
        "seconder",
        "status",
        "reason",
        "composited_into",
        "sent_to",
        "submitted",
    )
    fields = readonly_fields
    actions = ("accept", "composite")

    @admin.display(description=gettext_lazy("kind"))
    def kind(self, obj: Motion) -> str:
        return _("Amendment") if obj.amends_id else _("Motion")

    def get_queryset(self, request: HttpRequest) -> Any:
        return (
            super()
            .get_queryset(request)
            .select_related("meeting__event", "mover", "seconder")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=gettext_lazy("Accept and put on the agenda"))
    def accept(self, request: HttpRequest, queryset: Any) -> None:
        done = 0
        # Motions before their amendments.
        for motion in queryset.order_by(
            F("amends_id").asc(nulls_first=True), "submitted"
        ):
            try:
                services.motion_accept(motion=motion, actor=request.user)
                done += 1
            except DomainError as exc:
                self.message_user(
                    request, f"{motion}: {message_of(exc)}", messages.ERROR
                )
        if done:
            self.message_user(request, _("%(n)d put on the agenda.") % {"n": done})

    @admin.action(description=gettext_lazy("Composite the selected motions"))
    def composite(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        form = CompositeForm(request.POST if "title" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                services.motion_composite(
                    motions=list(queryset), actor=request.user, **form.cleaned_data
                )
            except DomainError as exc:
                self.message_user(request, message_of(exc), messages.ERROR)
            else:
                self.message_user(request, _("Composited and put on the agenda."))
            return None
        return self._page(
            request,
            "admin/governance/composite.html",
            _("Composite motions"),
            form=form,
            motions=queryset,
        )

    def _page(
        self, request: HttpRequest, template: str, title: str, **context: Any
    ) -> TemplateResponse:
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": title,
                **context,
            },
        )

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/rule-out/",
                wrap(self.rule_out_view),
                name="governance_motion_rule_out",
            ),
            path(
                "<path:object_id>/send-on/",
                wrap(self.send_on_view),
                name="governance_motion_send_on",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: Any = None,
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "rule_out_url": reverse(
                "admin:governance_motion_rule_out", args=[object_id]
            ),
            "send_on_url": reverse("admin:governance_motion_send_on", args=[object_id]),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _decision_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_class: Any,
        title: str,
        button: str,
        do: Any,
    ) -> HttpResponse:
        motion = self.get_object(request, unquote(object_id))  # type: ignore[no-untyped-call]
        if not self.has_change_permission(request, motion):
            raise PermissionDenied
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                do(motion, form.cleaned_data["text"])
            except DomainError as exc:
                form.add_error(None, message_of(exc))
            else:
                return HttpResponseRedirect(
                    reverse("admin:governance_motion_change", args=[motion.pk])
                )
        return self._page(
            request,
            "admin/governance/form_page.html",
            title,
            form=form,
            button=button,
            original=motion,
        )

    def rule_out_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._decision_view(
            request,
            object_id,
            ReasonForm,
            _("Rule out of order"),
            _("Rule out of order"),
            lambda m, t: services.motion_rule_out(
                motion=m, reason=t, actor=request.user
            ),
        )

    def send_on_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._decision_view(
            request,
            object_id,
            SendOnForm,
            _("Send on"),
            _("Record as sent on"),
            lambda m, t: services.motion_send_on(
                motion=m, sent_to=t, actor=request.user
            ),
        )


# --- Elections ----------------------------------------------------------------------


class NominateForm(SingleLineMixin, forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Candidate's membership number"), max_length=20
    )
    declares_woman = forms.BooleanField(
        label=gettext_lazy("The candidate self-identifies as a woman"), required=False
    )


@admin.register(Election)
class ElectionAdmin(ServiceWrites, ScopedAdmin):
    create_service = services.election_add
    update_service = services.election_update
    list_display = ("__str__", "term_starts", "method", "status")
    list_filter = ("status", "method")
    fields = (
        "body",
        "meeting",
        "role",
        "office_sought",
        "ward",
        "seats",
        "term_starts",
        "nominations_close",
        "method",
        "min_membership_weeks",
        "reserved_for_women",
        "status",
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields if obj else ("status",)

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            return super().add_view(request, form_url, extra_context)
        except DomainError as exc:
            self.message_user(request, message_of(exc), messages.ERROR)
            return HttpResponseRedirect(request.path)

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/manage/",
                wrap(self.manage_view),
                name="governance_election_manage",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: Any = None,
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "manage_url": reverse("admin:governance_election_manage", args=[object_id]),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def manage_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        election = self.get_object(request, unquote(object_id))  # type: ignore[no-untyped-call]
        if request.method == "POST":
            if not self.has_change_permission(request, election):
                raise PermissionDenied
            op = request.POST.get("op")
            try:
                if op == "nominate":
                    form = NominateForm(request.POST)
                    if not form.is_valid():
                        raise DomainError(_("Give the candidate's membership number."))
                    membership = Membership.objects.filter(
                        membership_number__iexact=form.cleaned_data["number"].strip(),
                        constituency_id=election.body.constituency_id,
                    ).first()
                    if membership is None:
                        raise DomainError(
                            _("No member of this constituency has that number.")
                        )
                    services.nomination_add(
                        election=election,
                        person=membership.person,
                        declares_woman=form.cleaned_data["declares_woman"],
                        actor=request.user,
                    )
                elif op == "open":
                    services.ballot_open(election=election, actor=request.user)
                elif op == "close":
                    services.ballot_close(election=election, actor=request.user)
                elif op == "counts":
                    counts = {
                        n.pk: int(request.POST.get(f"n{n.pk}") or 0)
                        for n in election.nominations.all()
                    }
                    services.counts_record(
                        election=election, counts=counts, actor=request.user
                    )
                elif op == "declare":
                    winners = services.election_declare(
                        election=election, actor=request.user
                    )
                    messages.success(
                        request,
                        _("Elected: %(names)s, from %(date)s.")
                        % {
                            "names": ", ".join(str(w.person) for w in winners),
                            "date": election.term_starts.strftime("%-d %B %Y"),
                        },
                    )
            except (DomainError, ValueError) as exc:
                messages.error(
                    request,
                    message_of(exc) if isinstance(exc, DomainError) else str(exc),
                )
            return HttpResponseRedirect(request.path)
        election.refresh_from_db()
        return TemplateResponse(
            request,
            "admin/governance/election.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": str(election),
                "election": election,
                "nominations": election.nominations.select_related("person"),
                "results": services.results(election),
                "ballots": election.casts.count(),
                "form": NominateForm(),
            },
        )
