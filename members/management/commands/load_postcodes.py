"""Load the postcode-to-ward lookup from an ONS Postcode Directory or NSPL CSV.

    manage.py load_postcodes ONSPD_NOV_2025_UK.csv
    manage.py load_postcodes west-midlands.csv --constituency birmingham-hodge-hill

Only the rows for wards and constituencies partyhub knows (by their ONS codes) are
kept. The file is streamed, so the whole-UK file (~2.7 million rows) loads in one
pass without being held in memory.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from members.models import Constituency, Ward
from members.services import (
    PostcodeFileError,
    PostcodeLoadReport,
    postcodes_load,
    read_text_upload,
)

# Enough to find and fix a handful of bad lines; a file that is bad throughout is
# the wrong file, and its first lines say so.
_SHOW_INVALID = 20


class Command(BaseCommand):
    help = (
        "Load a postcode-to-ward lookup CSV in the ONS layout (ONS Postcode "
        "Directory or NSPL: pcds/pcd2/pcd, osward or wdYYcd, pcon or pconYYcd). "
        "Applies whole or not at all."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The CSV file (UTF-8 or Windows-1252).")
        parser.add_argument(
            "--constituency",
            metavar="SLUG",
            help="Load only the rows for this constituency (its short name).",
        )

    def handle(self, *args, file: str, constituency: str | None, **options) -> None:
        constituency_ids = None
        if constituency:
            found = Constituency.objects.filter(slug=constituency).first()
            if found is None:
                known = ", ".join(
                    Constituency.objects.values_list("slug", flat=True)[:20]
                )
                raise CommandError(
                    f"No constituency with the short name {constituency!r}. "
                    f"Known: {known or 'none yet'}."
                )
            constituency_ids = frozenset({found.pk})

        path = Path(file)
        if not path.exists():
            raise CommandError(f"{file}: no such file.")
        if not path.is_file():
            raise CommandError(f"{file}: not a file.")

        if (
            not Constituency.objects.exclude(ons_code=None).exists()
            and not Ward.objects.exclude(ons_code=None).exists()
        ):
            self.stderr.write(
                self.style.WARNING(
                    "No constituency or ward has an ONS code yet, so no row can "
                    "match: set them in the admin first."
                )
            )

        self.stdout.write(f"Reading {path} …")
        started = time.monotonic()
        try:
            with path.open("rb") as raw, read_text_upload(raw) as text:
                report = postcodes_load(
                    file=text, actor=None, constituency_ids=constituency_ids
                )
        except PostcodeFileError as exc:
            raise CommandError(f"{file}: {exc} Nothing was loaded.") from exc
        except OSError as exc:
            raise CommandError(f"{file}: cannot read it ({exc.strerror}).") from exc
        self._print_report(report, path, time.monotonic() - started)

    def _print_report(
        self, report: PostcodeLoadReport, path: Path, seconds: float
    ) -> None:
        out = self.stdout
        out.write(
            self.style.SUCCESS(f"Postcode lookup loaded from {path} in {seconds:.1f}s")
        )
        lines = [
            ("rows read", report.rows),
            ("loaded: in partyhub's areas", report.loaded),
            ("  of which new or changed", report.changed),
            ("skipped: not an area partyhub knows", report.skipped_other_areas),
            ("invalid postcodes", len(report.invalid)),
            ("refused: another constituency's", report.refused_count),
            ("people placed in their ward", report.people_placed),
        ]
        for label, value in lines:
            out.write(f"  {label:<38}{value:>12,}")
        if report.invalid:
            out.write(self.style.WARNING("Invalid postcodes (not loaded):"))
            for line_no, value in report.invalid[:_SHOW_INVALID]:
                out.write(f"  line {line_no}: {value!r}")
            more = len(report.invalid) - _SHOW_INVALID
            if more > 0:
                out.write(f"  … and {more:,} more")
        if report.refused:
            out.write(
                self.style.WARNING(
                    "Refused (another constituency's postcode or ward; not loaded):"
                )
            )
            for line_no, value, whose in report.refused[:_SHOW_INVALID]:
                out.write(f"  line {line_no}: {value!r} is {whose}'s")
            more = report.refused_count - min(len(report.refused), _SHOW_INVALID)
            if more > 0:
                out.write(f"  … and {more:,} more")
        if report.loaded == 0:
            self.stderr.write(
                self.style.WARNING(
                    "No row matched a ward or constituency partyhub knows: check "
                    "that their ONS codes match this edition of the file."
                )
            )
