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
