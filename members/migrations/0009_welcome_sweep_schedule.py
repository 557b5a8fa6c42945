"""Daily: welcome recent joiners the members_joined signal missed, and retry
finding a mentor for new members still waiting for one."""

from django.db import migrations

NAME = "Members: welcome new members and find them mentors"


def create_schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    morning, _ = crontab_model.objects.get_or_create(
        minute="30", hour="8", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Europe/London",
    )
    task_model.objects.update_or_create(
        name=NAME,
        defaults={
            "task": "members.tasks.welcome_new_members_sweep",
            "crontab": morning,
            "description": "Daily: welcome anyone who joined in the last 30 days and "
            "was not welcomed yet, and look again for a mentor for those waiting.",
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name=NAME
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0008_merge_0006_desk_0007_talent_data"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
