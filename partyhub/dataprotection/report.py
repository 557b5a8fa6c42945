"""The officers' report after a retention run: what was removed, what the next run
would remove. Counts and kinds of record only: no names (an email may be kept
longer than the data it would describe)."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _

from partyhub.dataprotection.models import RetentionRun

# The officers who answer for the CLP's data (see roles.py).
REPORT_ROLES = ("chair", "secretary", "membership_secretary")


def officer_emails(constituency_id: int) -> list[str]:
    office = apps.get_model("members", "Office")
    return sorted(
        set(
            office.objects.current()
            .filter(constituency_id=constituency_id, role__in=REPORT_ROLES)
            .exclude(person__email="")
            .values_list("person__email", flat=True)
        )
    )


def report_text(run: RetentionRun) -> str:
    from partyhub.dataprotection.retention import categories, retention_preview

    labels = {c.key: str(c.label) for c in categories()}
    lines = [
        _("Retention run for %(clp)s, night of %(day)s.")
        % {"clp": run.constituency, "day": run.run_on.isoformat()},
        "",
        _("Removed or anonymised, as the retention schedule says:"),
    ]
    if run.counts:
        lines += [
            f"- {labels.get(key, key)}: {count}" for key, count in run.counts.items()
        ]
    else:
        lines.append(_("- nothing was due."))
    lines += ["", _("The next run would remove:")]
    upcoming = [
        row for row in retention_preview(constituency=run.constituency) if row.ids
    ]
    if upcoming:
        lines += [
            f"- {row.category.label} ({row.record_label}): {row.count}"
            for row in upcoming
        ]
    else:
        lines.append(_("- nothing, as things stand."))
    url = settings.SITE_URL.rstrip("/") + reverse(
        "admin:dataprotection_retentionrun_change", args=[run.pk]
    )
    lines += [
        "",
        _("The full list, the preview and the schedule: %(url)s") % {"url": url},
    ]
    return "\n".join(str(line) for line in lines)


def send_report(run: RetentionRun) -> bool:
    if run.constituency_id is None:
        return False
    to = officer_emails(run.constituency_id)
    if not to:
        return False
    send_mail(
        subject=_("Retention run for %(clp)s: %(n)s records removed")
        % {"clp": run.constituency, "n": run.total},
        message=report_text(run),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=to,
    )
    return True
