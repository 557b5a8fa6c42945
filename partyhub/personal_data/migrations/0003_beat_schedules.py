"""Daily: remind officers of data requests due within a week; run any approved
erasure whose task was lost."""

from django.db import migrations

SCHEDULES = {
    "Personal data: remind officers of requests due soon": (
        "partyhub.personal_data.tasks.remind_data_requests",
        "8",
        "Daily: email the secretary and membership secretary about subject access "
        "and erasure requests due within a week (once per request).",
    ),
    "Personal data: carry out approved erasures": (
        "partyhub.personal_data.tasks.erasures_sweep",
        "3",
        "Daily: carry out approved erasures whose background task was lost.",
    ),
}


def create_schedules(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (task, hour, description) in SCHEDULES.items():
        crontab, _ = crontab_model.objects.get_or_create(
            minute="5", hour=hour, day_of_week="*", day_of_month="*",
            month_of_year="*", timezone="Europe/London",
        )  # fmt: skip
        task_model.objects.update_or_create(
            name=name,
            defaults={"task": task, "crontab": crontab, "description": description},
        )


def remove_schedules(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=list(SCHEDULES)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("personal_data", "0002_from_erasure_requests"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
