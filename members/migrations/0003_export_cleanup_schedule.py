"""Nightly: delete personal data export files whose links have expired."""

from django.db import migrations

NAME = "Members: delete expired data export files"


def create_schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    night, _ = crontab_model.objects.get_or_create(
        minute="15", hour="4", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Europe/London",
    )
    task_model.objects.update_or_create(
        name=NAME,
        defaults={
            "task": "members.tasks.cleanup_data_exports",
            "crontab": night,
            "description": "Daily: delete 'download my data' files older than their "
            "one-week link.",
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name=NAME
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_portal_fields_erasure"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
