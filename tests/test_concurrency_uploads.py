"""Distributors uploading at the same moment, against a real server process.

Two distributors upload their files at once: both are imported whole. One
distributor uploads the same file twice at the same moment: exactly one copy
is kept. A server killed in the middle of an upload imports nothing, and the
same upload then succeeds. The demo distributors' portal users upload, as they
would, through the portal's upload form.
"""

from __future__ import annotations

import threading
import time

import pytest

from tests.odoo_server import OdooServer, kill_while_blocked, portal_session, scalar, upload_file

BILLINGS_PER_FILE = 40
DISTRIBUTORS = (("spm_distributor", "spm_distributor"), ("spm_distributor_2", "spm_distributor_2"))


@pytest.fixture
def server(odoo_env):
    with OdooServer(odoo_env.python, odoo_env.odoo_bin, odoo_env.conf, odoo_env.db) as server:
        yield server


def _csv(prefix):
    yesterday = time.strftime("%Y-%m-%d", time.localtime(time.time() - 86400))
    rows = ["bill_number,bill_date,retailer,product,quantity,price_unit"]
    for n in range(BILLINGS_PER_FILE):
        rows += [
            f"{prefix}-{n},{yesterday},Concurrent Corner {n % 3},AMX-500,{1 + n % 5},11.5",
            f"{prefix}-{n},{yesterday},Concurrent Corner {n % 3},PCM-1000,2,3.9",
        ]
    return ("\n".join(rows) + "\n").encode()


def _upload(server, session, token, content):
    return upload_file(server, session, token, {"file": ("billings.csv", content, "text/csv")})


def _count(pg_connect, db, prefix):
    return scalar(
        pg_connect,
        db,
        "SELECT COUNT(*) FROM spm_secondary_billing WHERE bill_number LIKE %s",
        [f"{prefix}-%"],
    )


def _in_parallel(*calls):
    results = [None] * len(calls)

    def run(index, call):
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return results


def test_two_distributors_upload_at_once(server, odoo_env, pg_connect):
    tag = time.time_ns() % 10**9
    sessions = [
        portal_session(server, login, password, "/my/secondary-sales/upload")
        for login, password in DISTRIBUTORS
    ]
    prefixes = [f"CU{tag}A", f"CU{tag}B"]
    responses = _in_parallel(
        *[
            lambda s=session, p=prefix: _upload(server, s[0], s[1], _csv(p))
            for session, prefix in zip(sessions, prefixes, strict=True)
        ]
    )
    assert [r.status_code for r in responses] == [200, 200], [r.text[:300] for r in responses]
    for prefix in prefixes:
        assert _count(pg_connect, odoo_env.db, prefix) == BILLINGS_PER_FILE
    # Every validated billing line is credited once per share, no more.
    assert (
        scalar(
            pg_connect,
            odoo_env.db,
            """
        SELECT COUNT(*) FROM (
            SELECT c.secondary_line_id, c.user_id, COUNT(*) FROM spm_credit_line c
              JOIN spm_secondary_billing b ON b.id = c.secondary_billing_id
             WHERE b.bill_number LIKE %s GROUP BY 1, 2 HAVING COUNT(*) > 1) twice
    """,
            [f"CU{tag}%"],
        )
        == 0
    )


def test_same_file_twice_at_the_same_moment_is_kept_once(server, odoo_env, pg_connect):
    prefix = f"CS{time.time_ns() % 10**9}"
    content = _csv(prefix)
    login, password = DISTRIBUTORS[0]
    first, second = (portal_session(server, login, password, "/my/secondary-sales/upload") for _ in range(2))
    responses = _in_parallel(
        lambda: _upload(server, *first, content), lambda: _upload(server, *second, content)
    )
    # The later upload waits for the first, then finds the same billings: "already imported".
    assert [r.status_code for r in responses] == [200, 200], [r.text[:300] for r in responses]
    assert _count(pg_connect, odoo_env.db, prefix) == BILLINGS_PER_FILE


def test_killed_upload_imports_nothing_then_again_once(server, odoo_env, pg_connect):
    prefix = f"CK{time.time_ns() % 10**9}"
    login, password = DISTRIBUTORS[0]
    session = portal_session(server, login, password, "/my/secondary-sales/upload")
    distributor = scalar(
        pg_connect,
        odoo_env.db,
        """
        SELECT p.commercial_partner_id FROM res_users u JOIN res_partner p ON p.id = u.partner_id
         WHERE u.login = %s""",
        [login],
    )
    # Killed inside the upload: the test holds the lock the distributor's billing check takes.
    error = kill_while_blocked(
        server,
        lambda: _upload(server, *session, _csv(prefix)),
        pg_connect,
        odoo_env.db,
        "INSERT INTO spm_credit_source_lock AS l (source_ref) VALUES (%s)"
        " ON CONFLICT (source_ref) DO UPDATE SET version = l.version + 1",
        [f"res.partner,{distributor}"],
    )
    assert error is not None, "the upload finished before the kill"
    assert _count(pg_connect, odoo_env.db, prefix) == 0
    server.start()
    session = portal_session(server, login, password, "/my/secondary-sales/upload")
    assert _upload(server, *session, _csv(prefix)).status_code == 200
    assert _count(pg_connect, odoo_env.db, prefix) == BILLINGS_PER_FILE
