"""Background work for members: large personal data exports and their clean-up."""

from __future__ import annotations

from partyhub.celery import app


@app.task(acks_late=True, time_limit=600, soft_time_limit=540)
def build_data_export(person_id: int) -> str:
    from members.portal.services import data_export_to_file

    return data_export_to_file(person_id=person_id)


@app.task(acks_late=True)
def cleanup_data_exports() -> int:
    from members.portal.services import data_exports_cleanup

    return data_exports_cleanup()


@app.task(acks_late=True)
def welcome_new_members_sweep() -> int:
    from members.desk.services import new_joiners_sweep

    return new_joiners_sweep()


# A 100,000-row national export takes a minute or two to check and to apply on a
# busy machine: room to spare, and the run's compare-and-sets make a retry safe.
@app.task(acks_late=True, time_limit=1800, soft_time_limit=1740)
def import_check(run_id: int) -> None:
    from members.imports.services import membership_import_check

    membership_import_check(run_id=run_id)


@app.task(acks_late=True, time_limit=1800, soft_time_limit=1740)
def import_apply(run_id: int, actor_id: int | None) -> None:
    from django.contrib.auth import get_user_model

    from members.imports.services import membership_import_apply_queued

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    membership_import_apply_queued(run_id=run_id, actor=actor)


@app.task(acks_late=True)
def imports_requeue() -> int:
    from members.imports.services import membership_imports_requeue

    return membership_imports_requeue()
