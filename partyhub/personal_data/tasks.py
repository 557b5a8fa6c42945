"""Background work for requests about people's data."""

from __future__ import annotations

from partyhub.celery import app


@app.task(
    acks_late=True,
    time_limit=600,
    soft_time_limit=540,
    autoretry_for=(Exception,),
    retry_backoff=30,
    max_retries=5,
)
def carry_out_erasure(request_id: int) -> bool:
    """All or nothing in one transaction: a crash rolls it back and the retry (or
    the next beat sweep) does it again."""
    from partyhub.personal_data.services import erasure_carry_out

    return erasure_carry_out(request_id=request_id)


@app.task(acks_late=True)
def erasures_sweep() -> int:
    """Approved erasures whose task was lost (a worker restart): run them now."""
    from partyhub.personal_data.models import DataRequest
    from partyhub.personal_data.services import erasure_carry_out

    ids = DataRequest.objects.filter(status=DataRequest.Status.APPROVED).values_list(
        "pk", flat=True
    )
    return sum(erasure_carry_out(request_id=pk) for pk in list(ids))


@app.task(acks_late=True)
def remind_data_requests() -> int:
    from partyhub.personal_data.services import data_requests_remind

    return data_requests_remind()
