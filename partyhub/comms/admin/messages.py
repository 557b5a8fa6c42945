"""Messages: compose, preview, test, send now, schedule, cancel.

The buttons call partyhub.comms.services, which check the message's state, do
the work in one transaction and write the audit entry; a domain error becomes an
admin error message and changes nothing.
"""

from __future__ import annotations

import smtplib

import nh3
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from partyhub.actors import actor_of
from partyhub.admin_base import (
    OwnConstituencyInitialMixin,
    ScopedAdmin,
    ServiceWrites,
)
from partyhub.comms import merge
from partyhub.comms import services as comms_services
from partyhub.comms.forms import (
    LONDON,
    MessageForm,
    RecipientChoiceForm,
    ScheduleForm,
)
from partyhub.comms.models import Delivery, Message
from partyhub.comms.rendering import ALLOWED_TAGS
from partyhub.comms.segments import SegmentPreview, segment_preview
from partyhub.comms.selectors import (
    delivery_count,
    messages_needing_attention,
    sending_pause,
)
from partyhub.comms.sending import BOUNCED, NO_EMAIL, render_message
from partyhub.comms.services import (
    message_cancel,
    message_retry_failed,
    message_schedule,
    message_test_send,
)
from partyhub.errors import message_of


class NeedsAttentionFilter(admin.SimpleListFilter):
    """The messages the officers' home counts as needing attention."""

    title = gettext_lazy("needs attention")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("yes", gettext_lazy("Paused, or with failed deliveries"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(
                pk__in=messages_needing_attention(request.user).values("pk")
            )
        return queryset


@admin.register(Message)
class MessageAdmin(ServiceWrites, OwnConstituencyInitialMixin, ScopedAdmin):
    create_service = staticmethod(comms_services.message_create)
    form = MessageForm
    list_display = (
        "subject",
        "constituency",
        "kind",
        "status",
        "send_at",
        "sent_count",
        "failed_count",
    )
    list_filter = (NeedsAttentionFilter, "status", "kind", "constituency")
    search_fields = ("subject", "quarter")
    list_select_related = ("constituency",)
    readonly_fields = (
        "status",
        "send_at",
        "dispatched_at",
        "finished_at",
        "progress",
        "created_by",
        "created",
        "updated",
    )
    fieldsets = (
        (None, {"fields": ("subject", "body")}),
        (
            gettext_lazy("Who it goes to"),
            {"fields": ("constituency", "segment", "topic")},
        ),
        (
            gettext_lazy("Kind"),
            {
                "fields": ("kind", "quarter"),
                "description": gettext_lazy(
                    "A quarterly newsletter names its quarter; each constituency "
                    "has one issue per quarter."
                ),
            },
        ),
        (gettext_lazy("Sender"), {"fields": ("sender_name", "reply_to")}),
    )
    sending_fieldset = (
        gettext_lazy("Sending"),
        {
            "fields": (
                "status",
                "send_at",
                "dispatched_at",
                "progress",
                "finished_at",
                "created_by",
                "created",
                "updated",
            )
        },
    )

    class Media:
        js = ("js/comms-admin.js",)
        css = {"all": ("css/comms-admin.css",)}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                sent_count=delivery_count(Delivery.Status.SENT),
                failed_count=delivery_count(Delivery.Status.FAILED),
            )
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            fieldsets = (*fieldsets, self.sending_fieldset)
        return fieldsets

    def has_change_permission(self, request, obj=None):
        # Once scheduled, what was approved is what goes out: the page turns
        # read-only (the admin's view mode) and a changed POST is refused.
        if obj is not None and obj.status != Message.Status.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Deleting a message that went out would delete its delivery records.
        if obj is not None and obj.status not in (
            Message.Status.DRAFT,
            Message.Status.CANCELLED,
        ):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # would skip the per-message check
        return actions

    def _can_send(self, request: HttpRequest) -> bool:
        # Model-level: has_change_permission(obj) is False for a message that is
        # no longer a draft, but its officers may still cancel or test it.
        return super().has_change_permission(request)

    @admin.display(description=gettext_lazy("sent"), ordering="sent_count")
    def sent_count(self, obj: Message) -> int:
        return obj.sent_count

    @admin.display(description=gettext_lazy("failed"), ordering="failed_count")
    def failed_count(self, obj: Message) -> int:
        return obj.failed_count

    @admin.display(description=gettext_lazy("progress"))
    def progress(self, obj: Message) -> str:
        return render_to_string(
            "admin/comms/message/_progress.html", self._progress_context(obj)
        )

    def _progress_context(self, obj: Message) -> dict:
        polling = obj.status in (
            Message.Status.SCHEDULED,
            Message.Status.SENDING,
            Message.Status.PAUSED,
        )
        return {
            "message": obj,
            "summary": self._summary(obj),
            "polling": polling,
            "url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_progress",
                args=[obj.pk],
            ),
        }

    def _summary(self, obj: Message) -> str:
        if obj.pk is None or obj.dispatched_at is None:
            return _("Not sent yet.")
        counts: dict[str, int] = {}
        rows = (
            obj.deliveries.order_by()
            .values("status", "error")
            .annotate(n=Count("pk"))
            .values_list("status", "error", "n")
        )
        for status, error, n in rows:
            if status == Delivery.Status.SKIPPED:
                key = {NO_EMAIL: "no_email", BOUNCED: "bounced"}.get(error, "consent")
            elif status in (Delivery.Status.QUEUED, Delivery.Status.SENDING):
                key = "waiting"
            else:
                key = status
            counts[key] = counts.get(key, 0) + n
        parts = [
            (_("sent"), counts.get(Delivery.Status.SENT, 0)),
            (_("waiting"), counts.get("waiting", 0)),
            (_("not sent: no consent to email"), counts.get("consent", 0)),
            (_("not sent: no email address"), counts.get("no_email", 0)),
            (_("not sent: address bounced before"), counts.get("bounced", 0)),
            (_("failed"), counts.get(Delivery.Status.FAILED, 0)),
        ]
        return format_html(
            "{} {}",
            ngettext(
                "%(n)d person in the segment when it was sent:",
                "%(n)d people in the segment when it was sent:",
                sum(counts.values()),
            )
            % {"n": sum(counts.values())},
            format_html_join(" · ", "{}: {}", parts),
        )

    def progress_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        message = self._message(request, object_id, act=False)
        return TemplateResponse(
            request,
            "admin/comms/message/_progress.html",
            self._progress_context(message),
        )

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if obj is not None:
            info = self.opts.app_label, self.opts.model_name
            counts = dict(
                obj.deliveries.filter(
                    status__in=[Delivery.Status.QUEUED, Delivery.Status.FAILED]
                )
                .order_by()
                .values("status")
                .annotate(n=Count("pk"))
                .values_list("status", "n")
            )
            context.update(
                {
                    "pause": sending_pause()
                    if obj.status == Message.Status.PAUSED
                    else None,
                    "waiting_count": counts.get(Delivery.Status.QUEUED, 0),
                    "failed_count": counts.get(Delivery.Status.FAILED, 0),
                    "can_retry": obj.status
                    in (
                        Message.Status.SENDING,
                        Message.Status.PAUSED,
                        Message.Status.SENT,
                    ),
                    "can_send": self._can_send(request),
                    "is_draft": obj.status == Message.Status.DRAFT,
                    "can_cancel": obj.status
                    in (Message.Status.DRAFT, Message.Status.SCHEDULED),
                    "message_urls": {
                        name: reverse(
                            f"admin:{info[0]}_{info[1]}_{name}", args=[obj.pk]
                        )
                        for name in (
                            "preview",
                            "test_send",
                            "send_now",
                            "schedule",
                            "retry_failed",
                        )
                    }
                    | {
                        "cancel": reverse(
                            "admin:{}_{}_cancel".format(*info), args=[obj.pk]
                        )
                    },
                }
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- preview, test, send, schedule, cancel ---------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        views = [
            ("preview", require_GET(self.preview_view)),
            ("progress", require_GET(self.progress_view)),
            ("test_send", require_POST(self.test_send_view)),
            ("send_now", self.send_now_view),
            ("schedule", self.schedule_view),
            ("cancel", self.cancel_view),
            ("retry_failed", require_POST(self.retry_failed_view)),
        ]
        return [
            *(
                path(
                    f"<path:object_id>/{name.replace('_', '-')}/",
                    wrap(view),
                    name=f"{info[0]}_{info[1]}_{name}",
                )
                for name, view in views
            ),
            *super().get_urls(),
        ]

    def _message(self, request: HttpRequest, object_id: str, *, act: bool) -> Message:
        """The message, through the scoped queryset (404 outside the officer's
        constituencies), and the permission the view needs."""
        message = self.get_object(request, unquote(object_id))
        allowed = (
            self._can_send(request)
            if act
            else self.has_view_or_change_permission(request, message)
        )
        if not allowed:
            raise PermissionDenied
        return message

    def _info(self) -> tuple[str, str]:
        return self.opts.app_label, self.opts.model_name or ""

    def _back(self, message: Message) -> HttpResponseRedirect:
        return HttpResponseRedirect(
            reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=[message.pk],
            )
        )

    def _context(self, request: HttpRequest, message: Message, title: str) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": message,
            "title": title,
            "subtitle": str(message),
            "change_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=[message.pk],
            ),
            "recipients": self._recipients(message),
            "media": self.media,
        }

    def _recipients(self, message: Message) -> SegmentPreview | None:
        if message.segment_id is None:
            return None
        return segment_preview(
            constituency=message.constituency,
            criteria_values=message.segment.criteria,
            topic=message.topic,
            limit=0,
        )

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        message = self._message(request, object_id, act=False)
        choice = RecipientChoiceForm(request.GET or None, message=message)
        if choice.is_bound and not choice.is_valid():
            recipient = None
        else:
            # Until one is chosen, the first recipient by name.
            recipient = (
                choice.cleaned_data.get("person") if choice.is_bound else None
            ) or choice.first_listed
        rendered = render_message(message)
        if recipient is not None:
            # The recipient's merge fields; the links stay the officer's own, so
            # the preview never holds a working unsubscribe link of theirs.
            own = rendered.personal

            def personal(person_id: int) -> dict[str, str]:
                values = own(person_id) if own is not None else {}
                values.update(merge.values_for(recipient))
                return values

            rendered.personal = personal
        # Filled in with the officer's own links, as the test email would be.
        person = getattr(request.user, "person", None)
        email = rendered.for_person(
            person_id=person.pk if person else 0,
            to=request.user.email,
            message_id="<preview@partyhub>",
        )
        html = email.alternatives[0][0]
        # The email is a whole document; the page shows its body, sanitised again
        # so nothing but the email's own safe tags reaches the admin page.
        body_html = nh3.clean(
            html,
            tags=ALLOWED_TAGS | {"div", "small"},
            clean_content_tags={"head", "title", "script", "style"},
            attributes={"a": {"href", "title"}, "abbr": {"title"}},
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer",
        )
        context = self._context(request, message, _("Preview"))
        context.update(
            {
                "email": email,
                "html": body_html,
                "text": email.body,
                "from_email": email.from_email,
                "reply_to": ", ".join(email.reply_to),
                "choice": choice,
                "recipient": recipient,
            }
        )
        return TemplateResponse(request, "admin/comms/message/preview.html", context)

    def test_send_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        message = self._message(request, object_id, act=True)
        try:
            to = message_test_send(message=message, actor=actor_of(request))
        except ValidationError as exc:
            self.message_user(request, message_of(exc), messages.ERROR)
        except (smtplib.SMTPException, OSError) as exc:
            self.message_user(
                request,
                _("The test could not be sent: %(error)s") % {"error": exc},
                messages.ERROR,
            )
        else:
            self.message_user(
                request, _("Test sent to %(to)s.") % {"to": to}, messages.SUCCESS
            )
        return self._back(message)

    def _confirm(
        self,
        request: HttpRequest,
        message: Message,
        *,
        title: str,
        question: str,
        explanation: str,
        button: str,
        button_class: str = "default",
        preview_url: str = "",
    ) -> HttpResponse:
        context = self._context(request, message, title)
        context.update(
            {
                "preview_url": preview_url,
                "question": question,
                "explanation": explanation,
                "button": button,
                "button_class": button_class,
            }
        )
        return TemplateResponse(request, "admin/comms/message/confirm.html", context)

    def send_now_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        message = self._message(request, object_id, act=True)
        if request.method == "GET":
            recipients = self._recipients(message)
            if message.status != Message.Status.DRAFT or recipients is None:
                return self._back(message)
            return self._confirm(
                request,
                message,
                title=_("Send now"),
                question=ngettext(
                    "Send “%(subject)s” to %(n)d person now?",
                    "Send “%(subject)s” to %(n)d people now?",
                    recipients.emailable,
                )
                % {"subject": message.subject, "n": recipients.emailable},
                explanation=_(
                    "Everyone in the segment who can be emailed about this topic "
                    "when their turn comes gets it once; the others are counted on "
                    "the message's page. Once started, sending cannot be stopped."
                ),
                button=ngettext(
                    "Send to %(n)d person now",
                    "Send to %(n)d people now",
                    recipients.emailable,
                )
                % {"n": recipients.emailable},
                preview_url=reverse(
                    "admin:{}_{}_preview".format(*self._info()), args=[message.pk]
                ),
            )
        if request.method != "POST":
            return HttpResponse(status=405)
        try:
            message_schedule(message=message, actor=actor_of(request))
        except ValidationError as exc:
            self.message_user(request, message_of(exc), messages.ERROR)
        else:
            self.message_user(
                request,
                _(
                    "“%(subject)s” is being sent now. This page shows its "
                    "progress as it goes."
                )
                % {"subject": message.subject},
                messages.SUCCESS,
            )
        return self._back(message)

    def schedule_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        message = self._message(request, object_id, act=True)
        if message.status != Message.Status.DRAFT:
            self.message_user(
                request,
                _("Only a draft can be scheduled; this one is %(s)s.")
                % {"s": message.get_status_display()},
                messages.ERROR,
            )
            return self._back(message)
        if request.method == "POST":
            form = ScheduleForm(request.POST)
            if form.is_valid():
                try:
                    message = message_schedule(
                        message=message,
                        actor=actor_of(request),
                        send_at=form.cleaned_data["send_at"],
                    )
                except ValidationError as exc:
                    form.add_error(None, message_of(exc))
                else:
                    when = timezone.localtime(message.send_at, LONDON)
                    self.message_user(
                        request,
                        _("“%(subject)s” will be sent at %(when)s.")
                        % {
                            "subject": message.subject,
                            "when": when.strftime("%d/%m/%Y %H:%M"),
                        },
                        messages.SUCCESS,
                    )
                    return self._back(message)
        elif request.method == "GET":
            form = ScheduleForm()
        else:
            return HttpResponse(status=405)
        context = self._context(request, message, _("Schedule"))
        context["form"] = form
        with timezone.override(LONDON):
            return TemplateResponse(
                request, "admin/comms/message/schedule.html", context
            ).render()

    def cancel_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        message = self._message(request, object_id, act=True)
        if request.method == "GET":
            if message.status not in (Message.Status.DRAFT, Message.Status.SCHEDULED):
                return self._back(message)
            return self._confirm(
                request,
                message,
                title=_("Cancel message"),
                question=_("Cancel “%(subject)s”?") % {"subject": message.subject},
                explanation=_(
                    "It will not be sent, and cannot be sent again. To send "
                    "something like it later, write a new message."
                ),
                button=_("Cancel the message"),
                button_class="comms-danger",
            )
        if request.method != "POST":
            return HttpResponse(status=405)
        try:
            message_cancel(message=message, actor=actor_of(request))
        except ValidationError as exc:
            self.message_user(request, message_of(exc), messages.ERROR)
        else:
            self.message_user(
                request,
                _("“%(subject)s” is cancelled and will not be sent.")
                % {"subject": message.subject},
                messages.SUCCESS,
            )
        return self._back(message)

    def retry_failed_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        message = self._message(request, object_id, act=True)
        try:
            retried = message_retry_failed(message=message, actor=actor_of(request))
        except ValidationError as exc:
            self.message_user(request, message_of(exc), messages.ERROR)
        else:
            self.message_user(
                request,
                ngettext(
                    "%(n)d failed delivery is queued to be sent again.",
                    "%(n)d failed deliveries are queued to be sent again.",
                    retried,
                )
                % {"n": retried},
                messages.SUCCESS,
            )
        return self._back(message)
