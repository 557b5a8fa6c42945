"""The supporters import in the background (issue 20, finding 6).

The upload page checks the file's first 64 KB, streams the file to
SUPPORTER_IMPORT_DIR and creates a SupporterImport "being checked"; a task reads it
row by row and makes the preview. Apply is a task too: every row or none, in one
transaction, with the same audit entry as before. Both tasks are idempotent
(compare-and-sets on the run's status) and a beat job queues again the ones whose
task never reached a worker. The run's page polls the progress with htmx.
"""

from __future__ import annotations

import contextlib
import datetime
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Constituency
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.queueing import enqueue_on_commit
from partyhub.ratelimit import CACHE_UNAVAILABLE
from partyhub.uploads import (
    file_sha256,
    forget_old_files,
    progress_read,
    progress_recorder,
    stored_upload,
    upload_dir,
)
from supporters.models import SupporterImport
from supporters.services.common import SupportersError
from supporters.services.importing import (
    ImportReport,
    _apply,
    _plan,
    _read_rows,
    check_upload_start,
)

if TYPE_CHECKING:
    from partyhub.accounts.models import User


STALLED_AFTER = datetime.timedelta(minutes=15)
_KEEP = 24 * 3600
PREVIEW_ROWS = 200


def _dir() -> Path:
    return upload_dir(settings.SUPPORTER_IMPORT_DIR, "partyhub-supporter-imports")


def stored_file_path(run: SupporterImport) -> Path:
    return _dir() / f"supporters-{run.pk}.csv"


def _progress_key(run: SupporterImport | int) -> str:
    return f"supporters:import-progress:{getattr(run, 'pk', run)}"


def _details_key(run: SupporterImport | int) -> str:
    return f"supporters:import-details:{getattr(run, 'pk', run)}"


def import_progress(run: SupporterImport) -> int | None:
    return progress_read(_progress_key(run))


def import_details(run: SupporterImport) -> dict[str, Any] | None:
    """The preview's rows and errors (kept in the cache for a day: they name
    people); None when no longer known."""
    try:
        return cache.get(_details_key(run))
    except CACHE_UNAVAILABLE:
        return None


def supporters_import_upload(
    *, upload: Any, constituency: Constituency, actor: User | None, wording: str = ""
) -> SupporterImport:
    """Check the upload's start, store it without reading it into memory and queue
    its check. SupportersError (nothing stored) for a file refused at once."""
    check_upload_start(upload)
    forget_old_files(_dir(), "supporters-*.csv", _KEEP)
    with stored_upload(upload, _dir()) as stored, transaction.atomic():
        run = SupporterImport.objects.create(
            constituency=constituency,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            file_name=(getattr(upload, "name", "") or "supporters.csv")[:255],
            file_sha256=stored.sha256,
            file_size=stored.size,
            wording=wording,
        )
        os.replace(stored.path, stored_file_path(run))
        from supporters import tasks

        enqueue_on_commit(tasks.import_check, run.pk)
    return run


def _read_and_plan(run: SupporterImport) -> ImportReport:
    path = stored_file_path(run)
    if not path.exists():
        raise SupportersError(
            _("The uploaded file is no longer on the server: upload it again.")
        )
    with path.open("rb") as source:
        _keys, rows = _read_rows(source, progress=progress_recorder(_progress_key(run)))
    if not rows:
        raise SupportersError(_("The file has a header row but no supporters."))
    return _plan(rows, constituency=run.constituency, wording=run.wording)


def _counts(report: ImportReport) -> dict[str, int]:
    return {
        "new": len(report.new),
        "updated": len(report.updated),
        "errors": len(report.errors),
    }


def supporters_import_check(*, run_id: int) -> SupporterImport | None:
    """The check task's work: read the stored file row by row and make the preview.
    A run no longer being checked is left alone."""
    run = (
        SupporterImport.objects.select_related("constituency")
        .filter(pk=run_id, status=SupporterImport.Status.CHECKING)
        .first()
    )
    if run is None:
        return None
    try:
        report = _read_and_plan(run)
    except SupportersError as exc:
        if SupporterImport.objects.filter(
            pk=run.pk, status=SupporterImport.Status.CHECKING
        ).update(status=SupporterImport.Status.FAILED, problem=str(exc)):
            stored_file_path(run).unlink(missing_ok=True)
        run.refresh_from_db()
        return run
    _keep_details(run, report)
    SupporterImport.objects.filter(
        pk=run.pk, status=SupporterImport.Status.CHECKING
    ).update(status=SupporterImport.Status.PREVIEW, counts=_counts(report))
    run.refresh_from_db()
    return run


def _keep_details(run: SupporterImport, report: ImportReport) -> None:
    details = {
        "errors": report.errors[: PREVIEW_ROWS * 10],
        "rows": [
            (r.line, r.email, f"{r.first_name} {r.last_name}", r.person is None)
            for r in [*report.new, *report.updated][:PREVIEW_ROWS]
        ],
    }
    with contextlib.suppress(*CACHE_UNAVAILABLE):
        cache.set(_details_key(run), details, _KEEP)


def supporters_import_apply_request(
    *, run: SupporterImport, actor: User | None
) -> bool:
    """Queue the apply of a previewed run without errors; False if it is already
    queued, applied, or cannot be applied (a double click queues it once)."""
    queued = (
        SupporterImport.objects.filter(
            pk=run.pk, status=SupporterImport.Status.PREVIEW, apply_requested_at=None
        )
        .filter(counts__errors=0)
        .update(apply_requested_at=timezone.now(), problem="")
    )
    if queued:
        from supporters import tasks

        enqueue_on_commit(tasks.import_apply, run.pk, getattr(actor, "pk", None))
    return queued == 1


def supporters_import_apply_queued(
    *, run_id: int, actor: User | None
) -> SupporterImport | None:
    """The apply task's work: every row or none, in one transaction, against the
    data as it is now. An applied run is left alone; when the file cannot be
    applied the reason is kept on the run and nothing changes."""
    with transaction.atomic():
        run = (
            SupporterImport.objects.select_for_update()
            .select_related("constituency")
            .filter(pk=run_id, status=SupporterImport.Status.PREVIEW)
            .exclude(apply_requested_at=None)
            .first()
        )
        if run is None:
            return None
        try:
            path = stored_file_path(run)
            if path.exists() and file_sha256(path) != run.file_sha256:
                raise SupportersError(
                    _("The file is not the one that was previewed: upload it again.")
                )
            report = _read_and_plan(run)
            if report.errors:
                # The data changed since the preview (someone erased, say).
                _keep_details(run, report)
                SupporterImport.objects.filter(pk=run.pk).update(counts=_counts(report))
                raise SupportersError(
                    _("Nothing was imported: correct the rows shown first.")
                )
        except SupportersError as exc:
            SupporterImport.objects.filter(pk=run.pk).update(
                apply_requested_at=None, problem=str(exc)
            )
            run.refresh_from_db()
            return run
        with transaction.atomic():
            _apply(report, constituency=run.constituency, actor=actor)
            audit_log(
                actor=actor,
                action=AuditAction.SUPPORTER_IMPORT,
                constituency_id=run.constituency_id,
                row_count=report.row_count,
                detail={"new": len(report.new), "updated": len(report.updated)},
            )
            run.status = SupporterImport.Status.APPLIED
            run.counts = _counts(report)
            run.save(update_fields=["status", "counts"])
    stored_file_path(run).unlink(missing_ok=True)
    with contextlib.suppress(*CACHE_UNAVAILABLE):
        cache.delete(_details_key(run))
    return run


def supporters_imports_requeue(*, now: datetime.datetime | None = None) -> int:
    """Queue again the checks and applies waiting longer than STALLED_AFTER (their
    task never reached a worker); both tasks are idempotent. Returns how many."""
    from supporters import tasks

    cutoff = (now or timezone.now()) - STALLED_AFTER
    queued = 0
    for pk in SupporterImport.objects.filter(
        status=SupporterImport.Status.CHECKING, created__lt=cutoff
    ).values_list("pk", flat=True):
        tasks.import_check.delay(pk)
        queued += 1
    for pk, actor_id in SupporterImport.objects.filter(
        status=SupporterImport.Status.PREVIEW, apply_requested_at__lt=cutoff
    ).values_list("pk", "actor_id"):
        tasks.import_apply.delay(pk, actor_id)
        queued += 1
    return queued
