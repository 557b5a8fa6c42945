"""Erasure requests made in the portal become data requests (kind "erasure")."""

import calendar

from django.db import migrations


def _month_later(day):
    years, index = divmod(day.month, 12)
    year, month = day.year + years, index + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def forwards(apps, schema_editor):
    old = apps.get_model("members", "ErasureRequest")
    new = apps.get_model("personal_data", "DataRequest")
    for request in old.objects.all():
        received = request.requested_at.date()
        new.objects.create(
            kind="erasure",
            person_id=request.person_id,
            constituency_id=request.constituency_id,
            received_on=received,
            received_how="portal",
            reason=request.reason,
            deadline=_month_later(received),
            status=request.status,
            notes=request.notes,
            handled_by_id=request.handled_by_id,
            handled_at=request.handled_at,
            completed_at=request.handled_at if request.status == "done" else None,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("personal_data", "0001_data_requests"),
        ("members", "0011_person_erased_at"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
