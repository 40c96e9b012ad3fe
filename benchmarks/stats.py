"""Small helpers shared by the benchmarks: percentiles, rows, a memory sampler."""

from __future__ import annotations

import contextlib
import statistics
import threading
import time
from dataclasses import dataclass, field


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0–100) by linear interpolation; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "mean": statistics.fmean(values) if values else float("nan"),
        "max": max(values) if values else float("nan"),
    }


@dataclass
class Row:
    """One line of the results table."""

    name: str
    value: float
    unit: str
    target: str | None = None  # a key of benchmarks.TARGETS
    note: str = ""


@dataclass
class RssSampler:
    """Samples the resident memory of some processes and their children in a thread."""

    interval: float = 0.05
    pids: set[int] = field(default_factory=set)
    peak_bytes: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def watch(self, pid: int) -> None:
        self.pids.add(pid)

    def unwatch(self, pid: int) -> None:
        self.pids.discard(pid)

    def sample(self) -> int:
        import psutil

        total = 0
        for pid in list(self.pids):
            try:
                proc = psutil.Process(pid)
                total += proc.memory_info().rss
                for child in proc.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        total += child.memory_info().rss
            except psutil.Error:
                continue
        self.peak_bytes = max(self.peak_bytes, total)
        return total

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def start(self) -> RssSampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    @property
    def peak_mb(self) -> float:
        return self.peak_bytes / 2**20


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) of a process and its living children, in seconds."""
    import psutil

    total = 0.0
    try:
        proc = psutil.Process(pid)
        for one in [proc, *proc.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                times = one.cpu_times()
                total += times.user + times.system
    except psutil.Error:
        return float("nan")
    return total


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    """(milliseconds, result) of one call."""
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return (time.perf_counter() - start) * 1000, result
