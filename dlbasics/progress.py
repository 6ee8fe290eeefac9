"""A small Keras-style progress bar on stderr (no third-party dependency)."""

from __future__ import annotations

import sys
import time


class ProgressBar:
    """``bar.update(n_done, **metrics)`` redraws one line; ``bar.close(**metrics)`` ends it.

    Redraws at most every 0.1 s, and only when ``enabled``; on a stream that is not a terminal
    (a log file, a notebook) only the final line is written.
    """

    def __init__(
        self,
        total: int,
        *,
        description: str = "",
        enabled: bool = True,
        stream=None,
        width: int = 30,
    ):
        self.total = max(int(total), 1)
        self.description = description
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.start = time.perf_counter()
        self._last_draw = 0.0
        self._interactive = bool(getattr(self.stream, "isatty", lambda: False)())

    def _line(self, done: int, metrics: dict) -> str:
        filled = int(self.width * done / self.total)
        bar = "━" * filled + "─" * (self.width - filled)
        elapsed = time.perf_counter() - self.start
        shown = " ".join(f"{k}: {v:.4f}" for k, v in metrics.items())
        prefix = f"{self.description} " if self.description else ""
        return f"{prefix}{done}/{self.total} {bar} {elapsed:.1f}s {shown}".rstrip()

    def update(self, done: int, **metrics) -> None:
        if not (self.enabled and self._interactive):
            return
        now = time.perf_counter()
        if now - self._last_draw < 0.1 and done < self.total:
            return
        self._last_draw = now
        self.stream.write("\r" + self._line(done, metrics))
        self.stream.flush()

    def close(self, **metrics) -> None:
        if not self.enabled:
            return
        self.stream.write(
            ("\r" if self._interactive else "") + self._line(self.total, metrics) + "\n"
        )
        self.stream.flush()
