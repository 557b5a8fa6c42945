"""The officers' weekly digest on Monday morning, as a beat row officers can see."""

from django.db import migrations


def create_schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    monday, _ = crontab_model.objects.get_or_create(
        minute="0", hour="7", day_of_week="1", day_of_month="*", month_of_year="*",
        timezone="Europe/London",
    )  # fmt: skip
    task_model.objects.update_or_create(
        name="Officers: weekly digest",
        defaults={
            "task": "dashboard.tasks.weekly_digest",
            "crontab": monday,
            "description": "Monday 07:00: the weekly digest for each officer who "
            "asked for it in the portal (once per officer per week).",
        },
    )


def remove_schedule(apps, schema_editor):
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    task_model.objects.filter(task="dashboard.tasks.weekly_digest").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_digest_subscription"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
