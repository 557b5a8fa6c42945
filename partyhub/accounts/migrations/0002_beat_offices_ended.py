"""The daily check that logs out people whose last office ended."""

from django.db import migrations


def create_schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    early, _ = crontab_model.objects.get_or_create(
        minute="5", hour="0", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Europe/London",
    )
    task_model.objects.update_or_create(
        name="Accounts: log out people whose office ended",
        defaults={
            "task": "partyhub.accounts.tasks.offices_ended_logout",
            "crontab": early,
            "description": "Daily, just after midnight: people whose last office ended "
            "are logged out everywhere (the admin already closes on their next page).",
        },
    )


def remove_schedule(apps, schema_editor):
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    task_model.objects.filter(task__startswith="partyhub.accounts.tasks.").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
