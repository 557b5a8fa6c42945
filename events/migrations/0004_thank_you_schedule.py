"""Every hour: thank the attendees of events that have just ended (once each)."""

from django.db import migrations

NAME = "Events: thank-you and feedback link after an event"


def create_schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = interval_model.objects.get_or_create(every=3600, period="seconds")
    task_model.objects.update_or_create(
        name=NAME,
        defaults={
            "task": "events.tasks.schedule_thank_yous",
            "interval": every,
            "description": "Every hour: one thank-you email with a feedback link to "
            "each attendee of events that ended in the last three days.",
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name=NAME
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_feedback"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
