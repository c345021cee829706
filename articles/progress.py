"""A progress bar on stderr, for the long commands (``generate_corpus``, ``load_gazetteer``)."""

from __future__ import annotations

import sys
import time
from typing import IO

from django.core.management.base import OutputWrapper


class Progress:
    """A progress bar on stderr: redrawn in place on a terminal, a line per 10% elsewhere.

    ``unit`` follows the counts (``"kB"``: the caller counts kilobytes)."""

    def __init__(
        self,
        total: int,
        label: str,
        stream: IO[str] | OutputWrapper | None = None,
        width: int = 30,
        unit: str = "",
    ):
        self.total, self.label, self.width = max(total, 1), label, width
        self.unit = f" {unit}" if unit else ""
        self.stream = stream or sys.stderr  # a file, or a command's OutputWrapper
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.started = time.perf_counter()
        self.last_tenth = -1

    def update(self, done: int) -> None:
        fraction = min(done / self.total, 1.0)
        elapsed = time.perf_counter() - self.started
        rate = done / elapsed if elapsed else 0.0
        left = (self.total - done) / rate if rate else 0.0
        filled = int(fraction * self.width)
        line = (
            f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{done:,}/{self.total:,}{self.unit} {fraction:4.0%} "
            f"{rate:,.0f}{self.unit}/s ETA {left:,.0f}s"
        )
        if self.tty:
            self._write("\r" + line)
        elif int(fraction * 10) > self.last_tenth:
            self.last_tenth = int(fraction * 10)
            self._write(line + "\n")

    def close(self) -> None:
        if self.tty:
            self._write("\n")

    def _write(self, text: str) -> None:
        if isinstance(self.stream, OutputWrapper):
            self.stream.write(text, ending="")
        else:
            self.stream.write(text)
        self.stream.flush()
