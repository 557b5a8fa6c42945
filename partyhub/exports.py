"""CSV exports from the admin, each one written to the audit log with its row count."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partyhub.audit.services import audit_log
from partyhub.scoping import constituency_id_of


class _Echo:
    def write(self, value: str) -> str:
        return value


Column = tuple[str, Callable[[Any], Any]]


def csv_export_action(
    *,
    columns: Sequence[Column],
    name: str = "export_csv",
    description: str | None = None,
) -> Callable:
    """Build an admin action that exports the selected rows as CSV. The ModelAdmin
    names the permission it needs in `export_permission` (see ExportPermissionMixin).

    The queryset an action receives is already scoped to the officer's
    constituencies; the audit log gets one entry per constituency exported, so each
    CLP's officers can see who took their data away.
    """

    @admin.action(
        description=description or _("Export selected to CSV"),
        permissions=["export"],
    )
    def action(modeladmin, request: HttpRequest, queryset: models.QuerySet):
        rows = list(queryset)
        per_constituency = Counter(constituency_id_of(obj) for obj in rows)
        label = queryset.model._meta.model_name
        for constituency_id, count in per_constituency.items():
            audit_log(
                actor=request.user,
                action=f"{label}.export",
                constituency_id=constituency_id,
                row_count=count,
                detail={"columns": [heading for heading, _ in columns]},
            )
        writer = csv.writer(_Echo())

        def stream():
            yield writer.writerow([heading for heading, _ in columns])
            for obj in rows:
                yield writer.writerow([csv_cell(getter(obj)) for _, getter in columns])

        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(
            stream(), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{label}-{stamp}.csv"'
        return response

    action.__name__ = name
    return action


def csv_cell(value: Any) -> str:
    """A value as a CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    # A cell starting with = + - @ is a formula to a spreadsheet: neutralise it.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


class ExportPermissionMixin:
    """`has_export_permission` for actions built by csv_export_action."""

    export_permission: str = ""

    def has_export_permission(self, request: HttpRequest) -> bool:
        return bool(self.export_permission) and request.user.has_perm(
            self.export_permission
        )
