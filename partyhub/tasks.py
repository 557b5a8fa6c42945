from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.celery import app


@app.task(ignore_result=False)
def ping() -> str:
    """Round-trip check: proves a worker is consuming from the broker."""
    return "pong"


@app.task(ignore_result=False)
def worker_check(note: str = "") -> int:
    """Writes one audit entry and returns its id: proves a worker reaches the database."""
    return audit_log(
        actor=None, action=AuditAction.WORKER_CHECK, detail={"note": note}
    ).pk
