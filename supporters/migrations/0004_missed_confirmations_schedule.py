"""Every ten minutes: send signup confirmations that were never queued."""

from django.db import migrations

NAME = "Supporters: send missed signup confirmations"


def create_schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = interval_model.objects.get_or_create(every=600, period="seconds")
    task_model.objects.update_or_create(
        name=NAME,
        defaults={
            "task": "supporters.tasks.send_missed_confirmations",
            "interval": every,
            "description": "Every 10 minutes: confirmation emails for signups made "
            "while the broker was unreachable.",
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name=NAME
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("supporters", "0003_signup_purge_schedule")]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
