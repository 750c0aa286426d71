"""The PostgreSQL server of the project: a cluster of the clone's own in
``.spm/pg`` on a free local port (installing the ``postgresql`` package only
when ``initdb`` is missing), or the server of ``SPM_DATABASE_URL``."""

import hashlib
import json
import os
import shutil
import subprocess
import urllib.parse
from pathlib import Path

from .common import ROOT, STATE, VENV_PYTHON, SpmError, apt_install, free_port, say, sh


def _pg_bindir():
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if versions:
        return versions[-1].parent
    return None


class Database:
    """Connection settings of the PostgreSQL server the project uses."""

    def __init__(self):
        url = os.environ.get("SPM_DATABASE_URL")
        if url:
            parts = urllib.parse.urlsplit(url)
            self.host = parts.hostname or "localhost"
            self.port = parts.port or 5432
            self.user = urllib.parse.unquote(parts.username or "odoo")
            self.password = urllib.parse.unquote(parts.password or "")
            self.embedded = False
        else:
            self.host, self.user, self.password, self.embedded = "127.0.0.1", "odoo", "", True
            self.port = None
        self.cluster = STATE / "pg"

    # The server refuses to run as root: as root the cluster belongs to the
    # 'postgres' system user, in a folder that user can reach.
    def _pg_user_cmd(self, cmd):
        if os.geteuid() != 0:
            return cmd
        return ["runuser", "-u", "postgres", "--", *cmd]

    # The postgres user may not be allowed in the current folder (a clone under /root).
    PG_CWD = "/"

    def _data_dir(self):
        if os.geteuid() != 0:
            return self.cluster / "data"
        probe = subprocess.run(
            ["runuser", "-u", "postgres", "--", "test", "-x", str(ROOT)], check=False, cwd=self.PG_CWD
        )
        if probe.returncode == 0:
            return self.cluster / "data"
        key = hashlib.sha1(str(ROOT).encode()).hexdigest()[:12]  # noqa: S324 (a folder name, not security)
        outside = Path("/var/tmp") / f"spm-pg-{key}"  # noqa: S108 (a folder the postgres user can reach)
        self.cluster.mkdir(parents=True, exist_ok=True)
        link = self.cluster / "data"
        if not link.is_symlink():
            link.symlink_to(outside)
        return outside

    def start(self):
        """Start the embedded cluster (creating it once); no-op for an external server."""
        if not self.embedded:
            return
        bindir = _pg_bindir()
        if not bindir:
            apt_install("postgresql")
            bindir = _pg_bindir()
            if not bindir:
                raise SpmError("PostgreSQL's initdb cannot be found, even after installing postgresql")
        data = self._data_dir()
        self.cluster.mkdir(parents=True, exist_ok=True)
        port_file = self.cluster / "port"
        if not (data / "PG_VERSION").is_file():
            say(f"creating the embedded PostgreSQL cluster in {data}")
            data.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(data, "postgres", "postgres")
            sh(
                self._pg_user_cmd(
                    [
                        str(bindir / "initdb"),
                        "-D",
                        str(data),
                        "-U",
                        self.user,
                        "--auth=trust",
                        "-E",
                        "UTF8",
                        "--locale=C.UTF-8",
                    ]
                ),
                stdout=subprocess.DEVNULL,
                cwd=self.PG_CWD,
            )
        status = subprocess.run(
            self._pg_user_cmd([str(bindir / "pg_ctl"), "-D", str(data), "status"]),
            capture_output=True,
            check=False,
            cwd=self.PG_CWD,
        )
        if status.returncode == 0 and port_file.is_file():
            self.port = int(port_file.read_text())
            return
        self.port = free_port()
        port_file.write_text(str(self.port))
        say(f"starting the embedded PostgreSQL on 127.0.0.1:{self.port}")
        self._pg_ctl_start(bindir, data)

    def _pg_ctl_start(self, bindir, data, *settings):
        """Start the cluster in ``data`` on ``self.port``, loopback only, with ``settings``
        (``-c name=value`` options) added to the embedded defaults."""
        options = [
            f"-p {self.port}",
            "-c listen_addresses=127.0.0.1",
            "-c unix_socket_directories=''",
            "-c fsync=off",
            "-c max_connections=200",
            *settings,
        ]
        sh(
            self._pg_user_cmd(
                [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(data / "server.log"), "-w"]
                + ["-o", " ".join(options), "start"]
            ),
            stdout=subprocess.DEVNULL,
            cwd=self.PG_CWD,
        )

    def stop(self):
        if not self.embedded:
            return
        bindir = _pg_bindir()
        data = self._data_dir()
        if bindir and (data / "PG_VERSION").is_file():
            subprocess.run(
                self._pg_user_cmd([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
                check=False,
                cwd=self.PG_CWD,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

    def env(self):
        return {
            "PGHOST": self.host,
            "PGPORT": str(self.port),
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
        }

    def query(self, sql, dbname="postgres"):
        """Run one SQL statement with the venv's psycopg2; return rows as JSON."""
        code = (
            "import json, os, sys, psycopg2\n"
            "conn = psycopg2.connect(dbname=sys.argv[2])\n"
            "conn.autocommit = True\n"
            "cur = conn.cursor()\n"
            "cur.execute(sys.argv[1])\n"
            "print(json.dumps(cur.fetchall() if cur.description else []))\n"
        )
        out = subprocess.run(
            [str(VENV_PYTHON), "-c", code, sql, dbname],
            env=dict(os.environ, **self.env()),
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode:
            raise SpmError(f"PostgreSQL at {self.host}:{self.port} refused: {out.stderr.strip()}")
        return json.loads(out.stdout)

    def exists(self, dbname):
        return bool(self.query(f"SELECT 1 FROM pg_database WHERE datname = '{dbname}'"))  # noqa: S608

    def drop(self, dbname):
        self.query(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        shutil.rmtree(STATE / "data" / "filestore" / dbname, ignore_errors=True)

