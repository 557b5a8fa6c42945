"""Nightly: every team's sessions from its rota, eight weeks ahead."""

from django.db import migrations

NAME = "Campaigns: generate team sessions from their rotas"


def create_schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = crontab_model.objects.get_or_create(
        minute="20",
        hour="2",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/London",
    )
    task_model.objects.update_or_create(
        name=NAME,
        defaults={
            "task": "campaigns.tasks.generate_sessions",
            "crontab": nightly,
            "description": "Every night at 02:20: sessions from each team's rota, "
            "eight weeks ahead; running it twice adds nothing.",
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name=NAME
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
