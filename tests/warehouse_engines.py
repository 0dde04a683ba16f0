"""Throwaway database engines for the warehouse tests and benchmark: a PostgreSQL cluster.

:func:`postgres_server` runs Debian's ``postgresql`` binaries (``initdb``,
``pg_ctl``) on a free port in a temporary folder, as the ``postgres`` user
when run as root (PostgreSQL refuses to run as root), with password
authentication over TCP so that wrong credentials can be tested. Missing
binaries skip the tests locally and fail them in CI (``CI`` set), where
``.ci/run`` installs them.
"""

from __future__ import annotations

import contextlib
import glob
import io
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass

import pytest

PASSWORD = "s3cret-test-only"


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    user: str
    password: str
    database: str

    @property
    def url(self) -> str:
        return f"postgres://{self.user}:{self.password}@{self.host}:{self.port}/{self.database}"


def missing(what: str) -> None:
    """Skip locally, fail in CI: an engine CI must have is not there."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing in CI: .ci/run should have installed it")
    pytest.skip(f"{what} not installed here (apt-get install postgresql default-jre-headless)")


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@contextlib.contextmanager
def postgres_server():
    """A running PostgreSQL cluster on a free port; stopped and deleted afterwards."""
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if not initdb or not pg_ctl:
        missing("PostgreSQL (initdb, pg_ctl)")
    root = tempfile.mkdtemp(prefix="calc-pg-")
    data, pwfile = os.path.join(root, "data"), os.path.join(root, "pw")
    with open(pwfile, "w", encoding="utf-8") as handle:
        handle.write(PASSWORD)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(pwfile, "postgres")
    port = _free_port()
    run = dict(check=True, capture_output=True, timeout=120)
    subprocess.run(
        _as_postgres(
            [initdb, "-D", data, "-U", "postgres", "--pwfile", pwfile, "--auth=scram-sha-256"]
        ),
        **run,
    )
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        _as_postgres([pg_ctl, "-D", data, "-o", options, "-l", f"{root}/log", "-w", "start"]),
        **run,
    )
    try:
        yield Server("127.0.0.1", port, "postgres", PASSWORD, "postgres")
    finally:
        subprocess.run(_as_postgres([pg_ctl, "-D", data, "-m", "immediate", "stop"]), timeout=60)
        shutil.rmtree(root, ignore_errors=True)


def copy_frame(server: Server, name: str, frame, types: dict[str, str]) -> None:
    """Create table ``name`` with ``types`` and COPY ``frame`` into it (text CSV, fast)."""
    import psycopg

    columns = ", ".join(f"{column} {kind}" for column, kind in types.items())
    buffer = io.StringIO()
    frame[list(types)].to_csv(buffer, index=False, header=False, date_format="%Y-%m-%d %H:%M:%S")
    with psycopg.connect(
        host=server.host,
        port=server.port,
        user=server.user,
        password=server.password,
        dbname=server.database,
    ) as con:
        con.execute(f"DROP TABLE IF EXISTS {name}")
        con.execute(f"CREATE TABLE {name} ({columns})")
        with con.cursor().copy(f"COPY {name} FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(buffer.getvalue())
