"""Import the national membership export.

    manage.py import_members export.csv                       # preview only
    manage.py import_members export.csv --apply               # preview, then apply
    manage.py import_members export.csv --constituency reading-west --apply

The constituency may be left out when partyhub holds only one. A preview changes
nothing but the run record; --apply applies every row or none.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from members.imports.services import (
    ImportApplyError,
    ImportFileError,
    membership_import_apply,
    membership_import_preview,
)
from members.models import Constituency, ImportRun

_SHOW = 20


class Command(BaseCommand):
    help = (
        "Preview (and with --apply, apply) the national membership export for one "
        "constituency. All or nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The CSV file (UTF-8 or Windows-1252).")
        parser.add_argument("--apply", action="store_true", help="Apply the import.")
        parser.add_argument(
            "--constituency", metavar="SLUG", help="The constituency's short name."
        )

    def handle(self, *args, file: str, apply: bool, constituency: str | None, **o):
        target = self._constituency(constituency)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        data = path.read_bytes()
        started = time.monotonic()
        try:
            run = membership_import_preview(
                data=data,
                file_name=path.name,
                constituency=target,
                actor=None,
                keep_file=False,
            )
        except ImportFileError as exc:
            raise CommandError(f"{file}: {exc} Nothing was changed.") from exc
        self._print(run)
        if not apply:
            self.stdout.write("Preview only: run again with --apply to apply it.")
            return
        try:
            run = membership_import_apply(run=run, actor=None, data=data)
        except ImportApplyError as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Applied (run {run.pk}) in {seconds:.1f}s: {run.count('new')} new, "
                f"{run.count('changed')} changed, {run.count('unchanged')} unchanged."
            )
        )

    def _constituency(self, slug: str | None) -> Constituency:
        if slug:
            found = Constituency.objects.filter(slug=slug).first()
            if found is None:
                raise CommandError(f"No constituency with the short name {slug!r}.")
            return found
        found = list(Constituency.objects.all()[:2])
        if len(found) != 1:
            raise CommandError("Say which constituency: --constituency SLUG.")
        return found[0]

    def _print(self, run: ImportRun) -> None:
        out = self.stdout
        out.write(f"{run.file_name} for {run.constituency.name}:")
        for key, label in (
            ("rows", "rows read"),
            ("new", "new members"),
            ("changed", "changed"),
            ("unchanged", "unchanged"),
            ("arrears", "newly in arrears"),
            ("lapsed", "newly lapsed"),
            ("rejoined", "rejoined"),
            ("errors", "rows with errors"),
        ):
            out.write(f"  {label:<20}{run.count(key):>10,}")
        for row in run.report.get("changed", [])[:_SHOW]:
            fields = ", ".join(
                f"{k}: {v[0] or '-'} -> {v[1] or '-'}" for k, v in row["fields"].items()
            )
            out.write(f"  changed line {row['line']} {row['number']}: {fields}")
        errors = run.report.get("errors", [])
        for line, problem in errors[:_SHOW]:
            out.write(self.style.ERROR(f"  line {line}: {problem}"))
        if len(errors) > _SHOW:
            out.write(f"  … and {len(errors) - _SHOW} more")
