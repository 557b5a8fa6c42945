"""Every morning: email digests of new network posts to those who asked for one."""

from django.db import migrations

NAME = "Networks: email digests of new posts"


def create_schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    mornings, _ = crontab_model.objects.get_or_create(
        minute="0",
        hour="7",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/London",
    )
    task_model.objects.update_or_create(
        name=NAME,
        defaults={
            "task": "networks.tasks.send_digests",
            "crontab": mornings,
            "description": "Every morning at 07:00: daily digests, and weekly ones "
            "once a week; running it twice in a day or week mails nobody twice.",
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name=NAME
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("networks", "0003_digests"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
