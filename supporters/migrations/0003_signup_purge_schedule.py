"""The nightly purge of unconfirmed supporter signups, as a row officers can see."""

from django.db import migrations

NAME = "Supporters: purge unconfirmed signups"


def create_schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    night, _ = crontab_model.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Europe/London",
    )
    task_model.objects.update_or_create(
        name=NAME,
        defaults={
            "task": "supporters.tasks.purge_unconfirmed",
            "crontab": night,
            "description": "Daily: delete supporters' club signups never confirmed "
            "within 30 days (retention policy).",
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name=NAME
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("supporters", "0002_party_wide_help_offers"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
