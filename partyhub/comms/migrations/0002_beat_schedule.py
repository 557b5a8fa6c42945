"""The communications schedules, as rows officers can see in the admin."""

from django.db import migrations


def create_schedules(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = interval_model.objects.get_or_create(every=60, period="seconds")
    morning, _ = crontab_model.objects.get_or_create(
        minute="0", hour="8", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Europe/London",
    )
    task_model.objects.update_or_create(
        name="Communications: send what is due",
        defaults={
            "task": "partyhub.comms.tasks.tick",
            "interval": every_minute,
            "description": "Every minute: dispatch scheduled messages and due reminders, "
            "resume interrupted sends.",
        },
    )
    task_model.objects.update_or_create(
        name="Communications: newsletter reminder",
        defaults={
            "task": "partyhub.comms.tasks.newsletter_check",
            "crontab": morning,
            "description": "Daily: remind officers when next quarter has no newsletter "
            "three weeks before it starts.",
        },
    )


def remove_schedules(apps, schema_editor):
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    task_model.objects.filter(task__startswith="partyhub.comms.tasks.").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comms", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
