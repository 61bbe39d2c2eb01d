"""Resident memory and open file descriptors of the rig's processes, sampled every few seconds.

Each process of the rig is sampled with its children (gunicorn's workers, the MQTT link process of each
``ioc collect``), each under its own name: ``web`` is gunicorn's master, ``web:1234`` its worker 1234. The
samples go to a CSV file as they are taken, so a run that fails still leaves them for inspection.
"""

import csv
import statistics
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil


@dataclass(frozen=True)
class Growth:
    process: str
    rss_mb: float
    """Median resident memory of the second half minus that of the first half (MB)."""
    fds: int
    """Most descriptors open in the second half minus most in the first half."""


class Sampler:
    def __init__(self, processes: dict, path: Path, interval: float):
        self.processes = processes
        self.path = path
        self.interval = interval
        self.samples: list[tuple[float, str, float, int]] = []
        """(seconds since the start, process, resident MB, open descriptors)."""
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._sample_forever, name="resource-sampler", daemon=True)

    def start(self) -> None:
        self.started = time.monotonic()
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join()

    def _sample_forever(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("w", newline="", encoding="utf-8") as output:
            writer = csv.writer(output)
            writer.writerow(["seconds", "process", "rss_mb", "fds"])
            while True:
                for sample in self.sample():
                    self.samples.append(sample)
                    writer.writerow([f"{sample[0]:.1f}", sample[1], f"{sample[2]:.1f}", sample[3]])
                output.flush()
                if self._stopping.wait(self.interval):
                    return

    def sample(self) -> list[tuple[float, str, float, int]]:
        """One sample of every process, all marked with the time the sweep began."""
        taken, at = [], time.monotonic() - self.started
        for name, popen in self.processes.items():
            try:
                root = psutil.Process(popen.pid)
                family = [(name, root), *((f"{name}:{child.pid}", child) for child in root.children(recursive=True))]
            except psutil.NoSuchProcess:
                continue  # a process that ended is noticed by the test, not here
            for label, process in family:
                try:
                    taken.append((at, label, process.memory_info().rss / 2**20, process.num_fds()))
                except psutil.NoSuchProcess:
                    continue
        return taken

    def growth(self, warm_up: float) -> list[Growth]:
        """Each process's growth between the two halves of what followed ``warm_up`` seconds, for the
        processes sampled at least twice in each half."""
        after = [sample for sample in self.samples if sample[0] >= warm_up]
        if not after:
            return []
        middle = (warm_up + after[-1][0]) / 2
        found = []
        for name in sorted({sample[1] for sample in after}):
            first = [sample for sample in after if sample[1] == name and sample[0] < middle]
            second = [sample for sample in after if sample[1] == name and sample[0] >= middle]
            if len(first) >= 2 and len(second) >= 2:
                found.append(Growth(name, statistics.median(s[2] for s in second) - statistics.median(
                    s[2] for s in first), max(s[3] for s in second) - max(s[3] for s in first)))
        return found

    def names(self, since: float = 0.0) -> set[str]:
        """The processes sampled from ``since`` seconds on."""
        return {sample[1] for sample in self.samples if sample[0] >= since}
