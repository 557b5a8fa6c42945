from partyhub.celery import app


@app.task(ignore_result=False)
def ping() -> str:
    """Round-trip check: proves a worker is consuming from the broker."""
    return "pong"
