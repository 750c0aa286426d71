"""A real Odoo server process on a test or benchmark database, driven over HTTP.

Shared by the benchmarks (a fresh process per export, so that its peak memory
measures one request) and the fault tests (a server killed in the middle of a
request, then started again).
"""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import requests


class OdooServer:
    """``with OdooServer(python, odoo_bin, conf, db) as server:`` an Odoo server
    on a free local port, logged in as ``login``; stopped (or killed) on exit."""

    def __init__(
        self, python, odoo_bin, conf, db, login="admin", password="admin", port=None, cron_threads=0
    ):
        self.command = [
            str(python),
            str(odoo_bin),
            "-c",
            str(conf),
            "-d",
            db,
            "--db-filter",
            f"^{db}$",
            "--workers",
            "0",
            "--max-cron-threads",
            str(cron_threads),
            "--log-level",
            "warn",
        ]
        self.db, self.login, self.password = db, login, password
        self.port, self.process = port, None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        """Start the process (on the same port when started again) and log in; returns self."""
        if not self.port:
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                self.port = sock.getsockname()[1]
        port = self.port
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(  # noqa: S603 - our own Odoo command line
            [*self.command, "--http-port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.session = requests.Session()
        for _ in range(240):
            try:
                self.session.get(f"{self.url}/web/login", timeout=5)
                break
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or still loading
                if self.process.poll() is not None:
                    raise RuntimeError(f"Odoo exited with {self.process.returncode}") from None
                time.sleep(0.5)
        self.session.post(
            f"{self.url}/web/session/authenticate",
            timeout=120,
            json={
                "jsonrpc": "2.0",
                "params": {"db": self.db, "login": self.login, "password": self.password},
            },
        ).raise_for_status()
        page = self.session.get(f"{self.url}/odoo", timeout=120).text
        self.csrf_token = re.search(r'csrf_token: "([^"]+)"', page).group(1)
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self):
        """SIGKILL: the process dies at once, in the middle of whatever it does."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=60)

    def memory_mib(self, field):
        """``VmRSS`` (now) or ``VmHWM`` (peak) of the server process, in MiB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(rf"{field}:\s+(\d+) kB", status).group(1)) / 1024

    def call(self, model, method, *args, timeout=600, **kwargs):
        """A JSON-RPC ``call_kw`` as the web client makes it; raises on an error."""
        response = self.session.post(
            f"{self.url}/web/dataset/call_kw",
            timeout=timeout,
            json={
                "jsonrpc": "2.0",
                "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
            },
        )
        payload = response.json()
        if "error" in payload:
            raise RuntimeError(payload["error"]["data"]["message"])
        return payload["result"]


def odoo_bin_of_running_python():
    """odoo-bin beside the ``odoo`` package imported by this Python."""
    return Path(sys.modules["odoo"].__file__).parents[1] / "odoo-bin"


def make_credited_account(server, shares, credit_basis="order", password=None):
    """Through ``server``: a business unit crediting on ``credit_basis``, a
    product of it, salespersons (logins with ``password`` when given) and a
    customer split between them by ``shares``; returns their ids."""
    tag = time.time_ns() % 10**9
    category = server.call("product.category", "create", {"name": f"Test {tag}"})
    server.call(
        "spm.business.unit",
        "create",
        {
            "name": f"Test unit {tag}",
            "code": f"T-{tag}",
            "credit_basis": credit_basis,
            "product_category_ids": [[6, 0, [category]]],
        },
    )
    group = server.call("ir.model.data", "check_object_reference", "spm_quota", "group_spm_salesperson")[1]
    users = [
        server.call(
            "res.users",
            "create",
            {
                "name": f"Test salesperson {tag} {i}",
                "login": f"test_{tag}_{i}",
                "groups_id": [[4, group]],
                **({"password": password} if password else {}),
            },
        )
        for i in range(len(shares))
    ]
    customer = server.call(
        "res.partner",
        "create",
        {
            "name": f"Test customer {tag}",
            "is_company": True,
            "spm_assignment_ids": [
                [0, 0, {"user_id": user, "share": share, "date_from": "2000-01-01"}]
                for user, share in zip(users, shares, strict=True)
            ],
        },
    )
    product = server.call("product.product", "create", {"name": f"Test product {tag}", "categ_id": category})
    return {
        "users": users,
        "customer": customer,
        "product": product,
        "logins": [f"test_{tag}_{i}" for i in range(len(shares))],
    }


def portal_session(server, login, password, page="/my"):
    """A second browser-like session on ``server``, logged in through the login
    form as ``login``; returns (session, csrf token of ``page``)."""
    session = requests.Session()
    form = session.get(f"{server.url}/web/login", timeout=60).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    session.post(
        f"{server.url}/web/login",
        timeout=60,
        data={"login": login, "password": password, "csrf_token": token, "redirect": page},
    )
    html = session.get(f"{server.url}{page}", timeout=60).text
    return session, re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def upload_file(server, session, token, files, submit=True, timeout=600, follow=True):
    """Upload a file through the portal as a distributor does: the dry run the
    upload leads to is confirmed. Returns the confirmation's answer (its
    redirection to the upload's page followed when ``follow``), or the upload's
    own answer when it leads to no dry run (a refused file, columns to map)."""
    data = {"csrf_token": token, **({"submit": "1"} if submit else {})}
    response = session.post(
        f"{server.url}/my/secondary-sales/upload",
        timeout=timeout,
        data=data,
        files=files,
        allow_redirects=False,
    )
    location = urlparse(response.headers.get("Location", "") if response.status_code == 303 else "").path
    if re.fullmatch(r"/my/secondary-sales/upload/\d+", location):
        # A file of more than one batch: its dry run is made by the background job.
        deadline = time.monotonic() + timeout
        while not session.get(f"{server.url}{location}/progress", timeout=timeout).json()["finished"]:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the dry run of {location} is not ready")
            time.sleep(0.5)
        location += "/review"
    if not location.endswith("/review"):
        return response
    upload = location.removesuffix("/review")
    return session.post(
        f"{server.url}{upload}/confirm", timeout=timeout, data={"csrf_token": token}, allow_redirects=follow
    )


def kill_while_blocked(server, request, pg_connect, db, blocker_sql, params=()):
    """Hold the locks ``blocker_sql`` takes in a transaction of the test, run
    ``request()`` in a thread, and SIGKILL the server once its transaction
    waits for those locks: the kill lands in the middle of that work, every
    time. Return the exception the request ended with (None if it finished)."""
    outcome = {}

    def run():
        try:
            outcome["result"] = request()
        except requests.RequestException as exc:
            outcome["error"] = exc

    with pg_connect(db) as blocker, pg_connect(db) as watcher:
        blocker.autocommit = False
        with blocker.cursor() as cr:
            cr.execute(blocker_sql, params)
        thread = threading.Thread(target=run)
        thread.start()
        deadline = time.monotonic() + 300
        with watcher.cursor() as cr:
            while thread.is_alive() and time.monotonic() < deadline:
                cr.execute(
                    """SELECT 1 FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'
                        AND pid != %s""",
                    [db, blocker.get_backend_pid()],
                )
                if cr.fetchone():
                    server.kill()
                    break
                time.sleep(0.05)
        blocker.rollback()
    thread.join(timeout=120)
    return outcome.get("error")


def scalar(pg_connect, db, sql, params=()):
    with pg_connect(db) as conn, conn.cursor() as cr:
        cr.execute(sql, params)
        return cr.fetchone()[0]
