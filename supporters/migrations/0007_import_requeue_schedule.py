"""Every ten minutes: queue again the supporters imports' checks and applies whose
task never reached a worker (the broker was down when the officer uploaded or
pressed Apply)."""

from django.db import migrations

NAME = "Supporters: queue stalled imports again"


def create_schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = interval_model.objects.get_or_create(every=600, period="seconds")
    task_model.objects.update_or_create(
        name=NAME,
        defaults={
            "task": "supporters.tasks.imports_requeue",
            "interval": every,
            "description": "Every 10 minutes: supporters imports waiting for a "
            "check or an apply that was never queued.",
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name=NAME
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("supporters", "0006_import_runs_in_the_background"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
