"""The live dashboard's transport works in production: Odoo with prefork
workers and its gevent worker, run by the project's own virtual environment.

Odoo is started with ``--workers 2 --gevent-port P``, as in production. Its
gevent worker must start once and stay up (with an old setuptools in the venv
it died at start, unable to find zope.interface, and was restarted about six
times a second); a salesperson's session then opens a websocket on it, as the
web client does, subscribes, and receives the ``spm_credit_updated``
notification the credit engine sends when another connection confirms an
order that credits the salesperson.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import time
from pathlib import Path

import pytest
import requests
import websocket

from tests.odoo_server import OdooServer, make_credited_account

# Odoo 18.0's WebsocketConnectionHandler._VERSION: a browser announcing
# another version is disconnected as an outdated worker.
WEBSOCKET_VERSION = "18.0-4"
EVENTED_STARTED = "Evented Service (longpolling) running on"


class PreforkServer(OdooServer):
    """An :class:`OdooServer` with two HTTP workers and the gevent worker on
    ``gevent_port``, logging to ``logfile``."""

    def __init__(self, python, odoo_bin, conf, db, gevent_port, logfile):
        super().__init__(python, odoo_bin, conf, db)
        self.command[self.command.index("--workers") + 1] = "2"
        self.command += ["--gevent-port", str(gevent_port), "--logfile", str(logfile), "--log-level", "info"]
        self.gevent_port = gevent_port

    def children(self):
        """{pid: command line} of the processes the server started."""
        found = {}
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
                if ppid == self.process.pid:
                    found[int(proc.name)] = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except (OSError, IndexError, ValueError):  # gone meanwhile
                continue
        return found

    def gevent_pid(self):
        return next((pid for pid, cmd in self.children().items() if " gevent " in f"{cmd} "), None)


@pytest.fixture
def server(odoo_env, free_port, tmp_path):
    server = PreforkServer(
        odoo_env.python, odoo_env.odoo_bin, odoo_env.conf, odoo_env.db, free_port(), tmp_path / "odoo.log"
    )
    children = {}
    try:
        server.start()
        yield server
    finally:
        if server.process:
            children = server.children()
        server.stop()
        # A main process killed on a timeout leaves its workers behind.
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def wait_gevent_worker(server, timeout):
    """Wait until the gevent worker listens; return the pids of the gevent
    workers seen meanwhile (more than one: it died and was restarted)."""
    pids, deadline = set(), time.monotonic() + timeout
    while time.monotonic() < deadline and len(pids - {None}) < 3:
        pids.add(server.gevent_pid())
        try:
            with socket.create_connection(("127.0.0.1", server.gevent_port), timeout=2):
                break
        except OSError:
            time.sleep(0.1)
    return pids - {None}


def test_gevent_worker_serves_bus_notifications(server, tmp_path):
    log = tmp_path / "odoo.log"
    pids = wait_gevent_worker(server, 120)
    assert len(pids) == 1, (
        f"the gevent worker did not start once and listen on {server.gevent_port}: "
        f"{len(pids)} processes seen, {log.read_text().count(EVENTED_STARTED)} started"
    )
    first = pids.pop()
    # A worker that dies at start is restarted within the second by the main loop.
    time.sleep(3)
    assert server.gevent_pid() == first, "the gevent worker was restarted"

    account = make_credited_account(server, [100], password="Gevent-ws-2026")
    session = requests.Session()
    session.post(
        f"{server.url}/web/session/authenticate",
        timeout=60,
        json={
            "jsonrpc": "2.0",
            "params": {"db": server.db, "login": account["logins"][0], "password": "Gevent-ws-2026"},
        },
    ).raise_for_status()
    sock = websocket.create_connection(
        f"ws://127.0.0.1:{server.gevent_port}/websocket?version={WEBSOCKET_VERSION}",
        timeout=30,
        cookie=f"session_id={session.cookies['session_id']}",
        origin=server.url,
        header=["User-Agent: Mozilla/5.0 (spm test)"],
    )
    try:
        # As the web client's first subscription: the channels of the user's
        # groups and partner are added by the server.
        sock.send(json.dumps({"event_name": "subscribe", "data": {"channels": [], "last": 0}}))
        order = server.call(
            "sale.order",
            "create",
            {
                "partner_id": account["customer"],
                "order_line": [
                    [0, 0, {"product_id": account["product"], "product_uom_qty": 1, "price_unit": 25}]
                ],
            },
        )
        server.call("sale.order", "action_confirm", [order])
        committed = time.monotonic()
        deadline = committed + 30
        received = None
        while received is None and time.monotonic() < deadline:
            for notification in json.loads(sock.recv()):
                message = notification["message"]
                if (
                    message["type"] == "spm_credit_updated"
                    and account["users"][0] in message["payload"]["user_ids"]
                ):
                    received = time.monotonic()
    finally:
        sock.close()
    assert received is not None, "no spm_credit_updated notification within 30 s"
    print(f"commit to websocket notification: {(received - committed) * 1000:.0f} ms")
    assert server.gevent_pid() == first, "the gevent worker was restarted"
    assert log.read_text().count(EVENTED_STARTED) == 1
