"""The Celery app: Redis when REDIS_URL is set, a local folder broker otherwise.

Schedules live in the database (django-celery-beat) so officers can see them.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partyhub.settings")

app = Celery("partyhub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
