"""Line numbers for CSV rows as a spreadsheet shows them.

`csv.reader.line_num` counts the lines read so far: after a row with a cell over
several lines it is that row's last line, and after an unbalanced quote it is
wherever the reader gave up (line 1183 for a stray quote on line 8). People need
the line where the row started, so every reader of an uploaded CSV goes through
`NumberedReader`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


class NumberedReader:
    """Wraps a csv.reader; `row_start` is the first line of the row last read (or
    being read when csv.Error was raised)."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self.row_start = 0

    def __iter__(self) -> Iterator[list[str]]:
        return self

    def __next__(self) -> list[str]:
        self.row_start = self._reader.line_num + 1
        return next(self._reader)
