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

from partyhub.actors import actor_of
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
    tps_person: Callable[[Any], Any] | None = None,
) -> Callable:
    """Build an admin action that exports the selected rows as CSV. The ModelAdmin
    names the permission it needs in `export_permission` (see ExportPermissionMixin).

    An export with phone numbers names the row's Person in `tps_person`: a number on
    the CLP's Telephone Preference Service list is left out (unless the person said
    yes to calls) and a last column says why.

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
                actor=actor_of(request),
                action=f"{label}.export",
                constituency_id=constituency_id,
                row_count=count,
                detail={"columns": [heading for heading, _ in columns]},
            )
        writer = csv.writer(_Echo())
        headings = [heading for heading, _ in columns]
        values = [[getter(obj) for _, getter in columns] for obj in rows]
        if tps_person is not None:
            headings, values = _without_tps(rows, headings, values, tps_person)

        def stream():
            yield writer.writerow(headings)
            for row in values:
                yield writer.writerow([csv_cell(v) for v in row])

        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(
            stream(), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{label}-{stamp}.csv"'
        return response

    action.__name__ = name
    return action


PHONE_COLUMNS = ("phone", "mobile")


def _without_tps(
    rows: list[Any],
    headings: list[str],
    values: list[list[Any]],
    tps_person: Callable[[Any], Any],
) -> tuple[list[str], list[list[Any]]]:
    from partyhub.dataprotection.tps import TpsCheck

    phones = [i for i, heading in enumerate(headings) if heading in PHONE_COLUMNS]
    people = [tps_person(obj) for obj in rows]
    clps = [constituency_id_of(obj) for obj in rows]
    check = TpsCheck(
        (clp, getattr(person, "pk", None), str(row[i] or ""))
        for clp, person, row in zip(clps, people, values, strict=True)
        for i in phones
    )
    note = str(_("on the TPS list: not to be called"))
    for clp, person, row in zip(clps, people, values, strict=True):
        listed = False
        for i in phones:
            if check.blocked(clp, getattr(person, "pk", None), str(row[i] or "")):
                row[i] = ""
                listed = True
        row.append(note if listed else "")
    return [*headings, "tps"], values


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
