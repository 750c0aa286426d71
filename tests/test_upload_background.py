"""A large upload as a background job, against a multi-worker server.

Odoo runs as in production: two HTTP workers and one cron worker, with a
``limit_time_real`` far below the time the upload takes. The request checks
the file and answers at once; the cron worker creates, submits and credits
the billings in batches while the distributor watches the progress. A cron
worker killed with SIGKILL in the middle of the job: the job resumes where
its last committed batch ended, and every line is credited once.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import time
from pathlib import Path

import pytest

from tests.odoo_server import OdooServer, portal_session, scalar, upload_file

# HTTP workers are killed past this (seconds): the job takes longer.
LIMIT_TIME_REAL = 15
BATCH_LINES = 100
BILLINGS = 1000  # of two lines each: twenty batches
LOGIN = "spm_distributor"


@pytest.fixture
def server(odoo_env):
    # The web client's assets built first, by a single process without limits: building
    # them is no part of what the workers' limit is about.
    with OdooServer(odoo_env.python, odoo_env.odoo_bin, odoo_env.conf, odoo_env.db):
        pass
    server = OdooServer(odoo_env.python, odoo_env.odoo_bin, odoo_env.conf, odoo_env.db)
    workers = {"--workers": "2", "--max-cron-threads": "1"}
    command = server.command
    for option, value in workers.items():
        command[command.index(option) + 1] = value
    with socket.socket() as sock:  # the gevent worker's port, away from any other server's
        sock.bind(("127.0.0.1", 0))
        gevent_port = sock.getsockname()[1]
    command += [
        "--limit-time-real",
        str(LIMIT_TIME_REAL),
        "--limit-time-real-cron",
        "120",
        "--gevent-port",
        str(gevent_port),
    ]
    with server:
        server.call("ir.config_parameter", "set_param", "spm_portal.upload_batch_lines", str(BATCH_LINES))
        yield server
        server.call("ir.config_parameter", "set_param", "spm_portal.upload_batch_lines", "")


def _csv(prefix, count):
    yesterday = time.strftime("%Y-%m-%d", time.localtime(time.time() - 86400))
    rows = ["bill_number,bill_date,retailer,product,quantity,price_unit"]
    for n in range(count):
        rows += [
            f"{prefix}-{n},{yesterday},Background Corner {n % 3},AMX-500,2,11.5",
            f"{prefix}-{n},{yesterday},Background Corner {n % 3},PCM-1000,1,3.9",
        ]
    return ("\n".join(rows) + "\n").encode()


def _upload(server, session, token, content, follow=False):
    return upload_file(
        server, session, token, {"file": ("big.csv", content, "text/csv")}, timeout=60, follow=follow
    )


def _credit(pg_connect, db, prefix):
    """(billings, credit lines, total credit) of the billings numbered ``prefix-*``."""
    with pg_connect(db) as conn, conn.cursor() as cr:
        cr.execute(
            """SELECT COUNT(DISTINCT b.id), COUNT(c.id), COALESCE(SUM(c.amount), 0)
                 FROM spm_secondary_billing b LEFT JOIN spm_credit_line c ON c.secondary_billing_id = b.id
                WHERE b.bill_number LIKE %s""",
            [f"{prefix}-%"],
        )
        return cr.fetchone()


def _twice_credited(pg_connect, db, prefix):
    return scalar(
        pg_connect,
        db,
        """SELECT COUNT(*) FROM (
               SELECT c.secondary_line_id, c.user_id, c.kind FROM spm_credit_line c
                 JOIN spm_secondary_billing b ON b.id = c.secondary_billing_id
                WHERE b.bill_number LIKE %s GROUP BY 1, 2, 3 HAVING COUNT(*) > 1) twice""",
        [f"{prefix}-%"],
    )


def _reference(server, session, token, pg_connect, db, prefix):
    """The credit of one billing of the same two lines, uploaded alone (in the request)."""
    response = _upload(server, session, token, _csv(f"{prefix}R", 1), follow=True)
    assert response.status_code == 200, response.text[:500]
    billings, lines, amount = _credit(pg_connect, db, f"{prefix}R")
    assert billings == 1 and lines and amount
    return lines, amount


def _wait(page_session, url, until, timeout=900):
    """Poll the progress JSON as the page does; return every answer until ``until(answer)``."""
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = page_session.get(f"{url}/progress", timeout=30).json()
        seen.append(answer)
        if until(answer):
            return seen
        time.sleep(0.5)
    raise AssertionError(f"not reached in {timeout} s: {seen[-1]}")


def _cron_worker_pids(server, pg_connect):
    """The pids of the server's cron workers: the forked children of its master process
    connected to the ``postgres`` database (to listen for cron triggers; the gevent
    worker, which listens there for the bus, is a process of its own command line)."""
    with pg_connect("postgres") as conn, conn.cursor() as cr:
        cr.execute("SELECT application_name FROM pg_stat_activity WHERE datname = 'postgres'")
        names = [name for (name,) in cr.fetchall()]
    pids = set()
    for name in names:
        match = re.fullmatch(r"odoo-(\d+)", name or "")
        if not match:
            continue
        proc = Path(f"/proc/{match.group(1)}")
        try:
            status, command = (proc / "status").read_text(), (proc / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(re.search(r"PPid:\s+(\d+)", status).group(1))
        if parent == server.process.pid and b"\0gevent\0" not in command:
            pids.add(int(match.group(1)))
    return sorted(pids)


def _job(server, pg_connect, db, prefix, count):
    session, token = portal_session(server, LOGIN, LOGIN, "/my/secondary-sales/upload")
    reference = _reference(server, session, token, pg_connect, db, prefix)
    started = time.monotonic()
    # Each request of the upload (the file, the polls of its background check, the
    # confirmation) answers within the workers' limit; the work goes on in the job.
    answers = []
    session.hooks["response"].append(lambda response, *args, **kwargs: answers.append(response))
    try:
        response = _upload(server, session, token, _csv(prefix, count))
    finally:
        session.hooks["response"].clear()
    assert response.status_code == 303, response.text[:500]
    slowest = max(answers, key=lambda answer: answer.elapsed)
    assert slowest.elapsed.total_seconds() < LIMIT_TIME_REAL, (
        f"{slowest.request.method} {slowest.url} took {slowest.elapsed.total_seconds():.1f} s"
    )
    url = response.headers["Location"]
    url = url if url.startswith("http") else server.url + url
    page = session.get(url, timeout=30)
    assert page.status_code == 200
    assert "o_spm_upload_running" in page.text or "o_spm_upload_done" in page.text
    return session, url, reference, started


def _check_exact(pg_connect, db, prefix, count, reference):
    ref_lines, ref_amount = reference
    billings, lines, amount = _credit(pg_connect, db, prefix)
    assert billings == count
    assert lines == count * ref_lines, "every line credited once"
    assert round(float(amount), 2) == round(float(ref_amount) * count, 2)
    assert _twice_credited(pg_connect, db, prefix) == 0


def test_large_upload_runs_in_the_background(server, odoo_env, pg_connect):
    db, prefix = odoo_env.db, f"BG{time.time_ns() % 10**8}"
    session, url, reference, started = _job(server, pg_connect, db, prefix, BILLINGS)
    seen = _wait(session, url, lambda answer: answer["finished"])
    took = time.monotonic() - started
    assert seen[-1]["state"] == "done", seen[-1]
    assert seen[-1]["created"] == BILLINGS
    assert any(0 < answer["done"] < BILLINGS for answer in seen), "progress seen on the way"
    assert took > LIMIT_TIME_REAL, f"the job took {took:.1f} s: make the file larger"
    assert f"{BILLINGS} billing(s) imported" in session.get(url, timeout=30).text
    _check_exact(pg_connect, db, prefix, BILLINGS, reference)


def test_killed_cron_worker_resumes_and_credits_once(server, odoo_env, pg_connect):
    db, prefix = odoo_env.db, f"BK{time.time_ns() % 10**8}"
    session, url, reference, _started = _job(server, pg_connect, db, prefix, BILLINGS)
    # Once a batch is committed, in the middle of the next one: SIGKILL the cron worker.
    _wait(session, url, lambda answer: answer["done"] >= BATCH_LINES // 2 or answer["finished"])
    pids = _cron_worker_pids(server, pg_connect)
    assert len(pids) == 1, pids
    os.kill(pids[0], signal.SIGKILL)
    killed_at = _wait(session, url, lambda answer: True)[-1]
    assert not killed_at["finished"], "the job was over before the kill: make the file larger"
    # Odoo's master starts another cron worker, which resumes the job.
    seen = _wait(session, url, lambda answer: answer["finished"])
    assert _cron_worker_pids(server, pg_connect) not in ([], pids)
    assert seen[-1]["state"] == "done", seen[-1]
    assert seen[-1]["created"] + seen[-1]["existing"] == BILLINGS
    _check_exact(pg_connect, db, prefix, BILLINGS, reference)
