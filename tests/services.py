"""Real services for the tests: PostgreSQL and Mosquitto started from Debian's packages, on free loopback ports.

A service that cannot be found is skipped on a developer's machine and fails the run in CI (CI=true), so that
CI never passes by skipping what it was meant to test.

PostgreSQL is started by hand rather than with pytest-postgresql because CI runs as root and PostgreSQL refuses
to run as root: here the cluster is made and run as the ``postgres`` user through ``runuser``.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import closing
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Skip when a service is missing, except in CI where a missing service is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: required, not skipped)", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with closing(socket.socket()) as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def postgres_bindir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


class PostgresServer:
    """A throw-away PostgreSQL cluster; ``url(db)`` names a database on it (``create_database`` makes one)."""

    def __init__(self, bindir: Path, root: Path | None = None, initdb_args: tuple[str, ...] = ()):
        """``root`` is an empty folder for the cluster (default: a new temporary one)."""
        self.bindir = bindir
        self.port = free_port()
        self.root = root or Path(tempfile.mkdtemp(prefix="ioc-pg-"))
        self.initdb_args = initdb_args
        self.datadir = self.root / "data"
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
            self.root.chmod(0o700)

    def _run(self, *args: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        subprocess.run([*prefix, *args], check=True, capture_output=True, text=True)

    def start(self) -> None:
        self._run(str(self.bindir / "initdb"), "-D", str(self.datadir), "-U", "ioc", "--auth=trust",
                  "--encoding=UTF8", "--locale=C.UTF-8", *self.initdb_args)
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-o", options,
                  "-l", str(self.root / "log"), "-w", "start")

    def restart(self) -> None:
        """Stop the server, cutting every client's connection, and start it again on the same port."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-l", str(self.root / "log"),
                  "-m", "fast", "-w", "restart")

    def stop(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://ioc@127.0.0.1:{self.port}/{database}"


class MosquittoServer:
    """A Mosquitto broker on a free port, anonymous, that can be stopped and restarted mid-test."""

    def __init__(self, binary: str):
        self.binary = binary
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="ioc-mosquitto-"))
        self.process: subprocess.Popen | None = None
        user = "root" if os.geteuid() == 0 else os.environ.get("USER", "nobody")
        (self.root / "mosquitto.conf").write_text(
            f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
            f"persistence_location {self.root}/\nuser {user}\nmax_queued_messages 1000000\n"
        )

    def start(self) -> None:
        self.process = subprocess.Popen([self.binary, "-c", str(self.root / "mosquitto.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
