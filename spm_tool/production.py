"""``./spm run --production``: the embedded setup started as in production.

nginx (Debian's package, installed when missing) listens on the public port
and sends ``/websocket`` to Odoo's gevent worker and everything else to its
prefork HTTP workers, which listen on 127.0.0.1 only. Odoo runs with
``--workers``, ``--gevent-port``, ``--proxy-mode``, ``--limit-time-real`` and
cron workers, and reads what is marked read-only (``@api.readonly`` methods,
``readonly=True`` routes) from a streaming replica of the embedded cluster:
a second cluster made by ``pg_basebackup -R`` from a physical replication
slot of the primary, on another local port. Everything is a child of the
command and stops with it; the replica's cluster is kept for the next run.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import runpy
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from .common import ROOT, STATE, SpmError, apt_install, free_port, say, sh
from .database import Database, _pg_bindir
from .instance import odoo_cmd

TEMPLATE = Path(__file__).with_name("nginx.conf.template")
LIMITS = ROOT / "addons" / "spm_portal" / "tools" / "limits.py"
# Room for the multipart envelope and the form's other fields around a file.
BODY_MARGIN = 2 * 1024 * 1024
LIMIT_TIME_REAL = 120
# A replica that is not streaming this long after its start is made again.
STREAMING_TIMEOUT = 60
# WAL the primary keeps for a stopped replica; past it the slot is
# invalidated and the replica is made again at its next start.
MAX_SLOT_WAL_KEEP = "2GB"
# The replica of ./spm run --production, kept between runs.
REPLICA, REPLICA_SLOT = STATE / "pg-replica", "spm_replica"


def max_body_size():
    """nginx's ``client_max_body_size`` in bytes: the portal's largest
    accepted request (file or API body) plus the multipart margin."""
    limits = runpy.run_path(str(LIMITS))
    return max(limits["MAX_FILE_SIZE"], limits["MAX_BODY"]) + BODY_MARGIN


def nginx_config(prefix, port, http_port, gevent_port, listen="0.0.0.0", limit_time_real=LIMIT_TIME_REAL):  # noqa: S104 - the public side of the proxy
    """The text of the nginx configuration for these ports (from TEMPLATE)."""
    values = {
        "PREFIX": str(prefix),
        "MIME_TYPES": "/etc/nginx/mime.types",
        "LISTEN": listen,
        "PORT": str(port),
        "HTTP_PORT": str(http_port),
        "GEVENT_PORT": str(gevent_port),
        "MAX_BODY": str(max_body_size()),
        "TIMEOUT": str(limit_time_real + 30),
    }
    text = TEMPLATE.read_text()
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    return text


def nginx_binary():
    """Debian's nginx, installed when missing."""
    for candidate in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    apt_install("nginx")
    if not os.access("/usr/sbin/nginx", os.X_OK):
        raise SpmError("nginx cannot be found, even after installing it")
    return "/usr/sbin/nginx"


def wait_port(port, process, what, timeout=180):
    """Wait until 127.0.0.1:``port`` accepts connections; fail if ``process`` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SpmError(f"{what} exited with code {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.2)
    raise SpmError(f"{what} does not listen on port {port} after {timeout} s")


# Loaded in the command itself, so that the child only calls into it before exec.
_LIBC = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1


def _child_setup():
    """In the child before exec: a session of its own (stopping signals the
    server and all its workers), and SIGTERM when the command dies, even killed."""
    os.setsid()
    _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Replica(Database):
    """A hot standby of the embedded cluster, streaming from the replication
    slot ``slot``, in ``folder``; queried like the primary (``query``)."""

    def __init__(self, primary, folder, slot):
        super().__init__()
        self.primary, self.cluster, self.slot = primary, Path(folder), slot

    def _data_dir(self):
        # The postgres user must reach the folder (as root the server runs as postgres).
        if os.geteuid() != 0:
            return self.cluster / "data"
        self.cluster.mkdir(parents=True, exist_ok=True)
        probe = subprocess.run(
            ["runuser", "-u", "postgres", "--", "test", "-x", str(self.cluster)], check=False, cwd=self.PG_CWD
        )
        if probe.returncode == 0:
            return self.cluster / "data"
        key = hashlib.sha1(str(self.cluster).encode()).hexdigest()[:12]  # noqa: S324 (a folder name)
        outside = Path("/var/tmp") / f"spm-pg-replica-{key}"  # noqa: S108 (a folder postgres can reach)
        link = self.cluster / "data"
        if not link.is_symlink():
            link.symlink_to(outside)
        return outside

    def _create(self, bindir, data):
        say(f"making the PostgreSQL replica in {data} (pg_basebackup of the embedded cluster)")
        if self.primary.query("SHOW max_slot_wal_keep_size") == [["-1"]]:
            # A stopped replica must not make the primary keep its WAL without end.
            self.primary.query(f"ALTER SYSTEM SET max_slot_wal_keep_size = '{MAX_SLOT_WAL_KEEP}'")
            self.primary.query("SELECT pg_reload_conf()")
        self.drop_slot()
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(data, "postgres", "postgres")
        data.chmod(0o700)
        sh(
            self._pg_user_cmd(
                [
                    str(bindir / "pg_basebackup"),
                    "-h",
                    self.primary.host,
                    "-p",
                    str(self.primary.port),
                    "-U",
                    self.primary.user,
                    "-D",
                    str(data),
                    "-R",
                    "-X",
                    "stream",
                    "-C",
                    "-S",
                    self.slot,
                    "-c",
                    "fast",
                ]
            ),
            cwd=self.PG_CWD,
            env=dict(os.environ, PGPASSWORD=self.primary.password or ""),
        )

    def drop_slot(self):
        """Drop the primary's slot of this replica (the replica stopped)."""
        sql = "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '%s'"
        self.primary.query(sql % self.slot + " AND NOT active")

    def start(self):
        """Start the replica (making it first if needed) and wait until it streams."""
        if not self.primary.embedded:
            raise SpmError("the replica is made of the embedded cluster only (SPM_DATABASE_URL is set)")
        bindir = _pg_bindir()
        data = self._data_dir()
        for attempt in (1, 2):
            if not (data / "standby.signal").is_file():
                self._create(bindir, data)
            self.port = free_port()
            (self.cluster / "port").write_text(str(self.port))
            say(f"starting the PostgreSQL replica on 127.0.0.1:{self.port}")
            self._pg_ctl_start(bindir, data, "-c hot_standby=on", "-c hot_standby_feedback=on")
            if self.wait_streaming():
                return
            # Its slot was invalidated (stopped too long) or its files are stale: make it again.
            self.stop()
            if attempt == 1:
                (data / "standby.signal").unlink(missing_ok=True)
        raise SpmError(f"the replica does not stream from the primary; see {data / 'server.log'}")

    def wait_streaming(self, timeout=STREAMING_TIMEOUT):
        """Whether the replica's WAL receiver streams from the primary within ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(SpmError):
                if self.query("SELECT status FROM pg_stat_wal_receiver") == [["streaming"]]:
                    return True
            time.sleep(0.5)
        return False

    def stop(self):
        if not self.cluster.exists():
            return
        bindir = _pg_bindir()
        data = self._data_dir()
        if bindir and (data / "PG_VERSION").is_file():
            subprocess.run(
                self._pg_user_cmd([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                check=False,
                cwd=self.PG_CWD,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

    def remove(self):
        """Stop the replica, drop its slot and delete its cluster."""
        self.stop()
        self.drop_slot()
        data = self._data_dir()
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(self.cluster, ignore_errors=True)


class Production:
    """nginx, Odoo's prefork server and the replica, started by ``start()``
    and stopped by ``stop()`` (``with Production(...) as prod:``).

    ``url`` is nginx's; ``odoo_port``, ``gevent_port`` Odoo's own ports
    (127.0.0.1); ``replica`` is None with ``with_replica=False``.
    """

    def __init__(
        self,
        db,
        base_conf,
        dbname,
        port=None,
        workers=2,
        cron_workers=1,
        with_replica=True,
        folder=None,
        replica_folder=None,
        slot=REPLICA_SLOT,
        listen="0.0.0.0",  # noqa: S104 - the public side of the proxy
        limit_time_real=LIMIT_TIME_REAL,
        log_level="info",
    ):
        self.base_conf = Path(base_conf)
        self.db, self.dbname, self.workers, self.cron_workers = db, dbname, workers, cron_workers
        self.folder = Path(folder or STATE / "production")
        self.port = port or free_port()
        self.listen, self.limit_time_real, self.log_level = listen, limit_time_real, log_level
        self.url = f"http://127.0.0.1:{self.port}"
        self.replica = Replica(db, replica_folder or REPLICA, slot) if with_replica else None
        self.odoo = self.nginx = None
        self.odoo_port = self.gevent_port = None

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()

    def odoo_conf(self):
        """Odoo's configuration: the clone's (``base_conf``), with the replica and proxy mode."""
        lines = [line for line in self.base_conf.read_text().splitlines() if not line.startswith("http_port")]
        text = "\n".join(lines) + "\nproxy_mode = True\n"
        if self.replica:
            text += f"db_replica_host = {self.replica.host}\ndb_replica_port = {self.replica.port}\n"
        path = self.folder / "odoo.conf"
        path.write_text(text)
        return path

    def start(self):
        """Start the replica, Odoo and nginx, and wait until nginx answers for Odoo."""
        self.folder.mkdir(parents=True, exist_ok=True)
        binary = nginx_binary()
        if self.replica:
            self.replica.start()
        self.odoo_port, self.gevent_port = free_port(), free_port()
        command = odoo_cmd(
            self.odoo_conf(),
            "-d",
            self.dbname,
            "--db-filter",
            f"^{self.dbname}$",
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(self.odoo_port),
            "--gevent-port",
            str(self.gevent_port),
            "--workers",
            str(self.workers),
            "--max-cron-threads",
            str(self.cron_workers),
            "--limit-time-real",
            str(self.limit_time_real),
            "--proxy-mode",
            "--logfile",
            str(self.folder / "odoo.log"),
            "--log-level",
            self.log_level,
        )
        say(f"starting Odoo with {self.workers} workers (log: {self.folder / 'odoo.log'})")
        self.odoo = subprocess.Popen(  # noqa: S603 - our own Odoo command line
            command,
            preexec_fn=_child_setup,  # noqa: PLW1509 - setsid and prctl only
            stdout=subprocess.DEVNULL,
        )
        prefix = self.folder / "nginx"
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (prefix / "tmp" / sub).mkdir(parents=True, exist_ok=True)
        conf = prefix / "nginx.conf"
        conf.write_text(
            nginx_config(
                prefix, self.port, self.odoo_port, self.gevent_port, self.listen, self.limit_time_real
            )
        )
        say(f"starting nginx on port {self.port}")
        self.nginx = subprocess.Popen(  # noqa: S603 - Debian's nginx on our own configuration
            [
                binary,
                "-p",
                str(prefix),
                "-c",
                str(conf),
                "-e",
                str(prefix / "error.log"),
                "-g",
                "daemon off;",
            ],
            preexec_fn=_child_setup,  # noqa: PLW1509 - setsid and prctl only
        )
        wait_port(self.odoo_port, self.odoo, "Odoo")
        wait_port(self.gevent_port, self.odoo, "Odoo's gevent worker")
        wait_port(self.port, self.nginx, "nginx")
        self._wait_health()
        return self

    def _wait_health(self, timeout=180):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            health = f"{self.url}/web/health"  # our own proxy
            with contextlib.suppress(OSError), urllib.request.urlopen(health, timeout=10) as answer:  # noqa: S310
                if answer.status == 200:
                    return
            time.sleep(0.5)
        raise SpmError(f"Odoo does not answer through nginx at {self.url} after {timeout} s")

    def wait(self):
        """Block until Odoo or nginx exits; return the name of the one that did."""
        while True:
            for name, process in (("Odoo", self.odoo), ("nginx", self.nginx)):
                if process.poll() is not None:
                    return name
            time.sleep(0.5)

    @staticmethod
    def _end(process, timeout=60):
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=timeout)
        # Odoo's workers, or nginx's, left behind by a main process that did not end them.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)

    def stop(self):
        """Stop nginx, Odoo and the replica (each only if started)."""
        self._end(self.nginx)
        self._end(self.odoo)
        if self.replica:
            self.replica.stop()


def run_production(db, base_conf, dbname, port, workers, cron_workers, with_replica, print_banner):
    """``./spm run --production``: start everything, call ``print_banner(url)`` (nginx's),
    serve until Ctrl+C (or SIGTERM, or one of the processes exits), stop all."""

    def terminate(_signum, _frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, terminate)
    production = Production(
        db,
        base_conf,
        dbname,
        port=port,
        workers=workers,
        cron_workers=cron_workers,
        with_replica=with_replica,
    )
    try:
        with production:
            print_banner(f"http://localhost:{production.port}")
            ended = production.wait()
            say(f"{ended} exited; stopping everything")
            return 1
    except KeyboardInterrupt:
        say("stopping nginx, Odoo and the replica")
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
