"""8. Production topology: dashboard requests per second through nginx.

The topology of ``./spm run --production`` (``spm_tool.production``) is
started on the benchmark database with 1, 2 and 4 HTTP workers, each with
and without the read replica. Client threads, each a salesperson's session
through nginx, call the dashboard's data (``get_dashboard_data``, read-only,
so served from the replica when there is one) back to back for a fixed time;
the figure is completed calls per second. The clients run on the same
machine as the servers: on a machine with few cores they take a share of it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import threading
import time

import requests

from spm_tool.common import STATE
from spm_tool.database import Database
from spm_tool.production import Production
from tests.benchmarks.report import write_section

SECTION = "## 8. Production topology"
PASSWORD = "Bench-production-2026"  # noqa: S105 - a salesperson of the benchmark database only
WORKERS = (1, 2, 4)


def _rpc(session, url, model, method, *args, **kwargs):
    answer = session.post(
        f"{url}/web/dataset/call_kw",
        timeout=120,
        json={
            "jsonrpc": "2.0",
            "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        },
    ).json()
    if "error" in answer:
        raise RuntimeError(answer["error"]["data"]["message"])
    return answer["result"]


def _login(url, db, login, password):
    session = requests.Session()
    session.post(
        f"{url}/web/session/authenticate",
        timeout=120,
        json={"jsonrpc": "2.0", "params": {"db": db, "login": login, "password": password}},
    ).raise_for_status()
    return session


def salespersons(url, db, count):
    """Logins of ``count`` salespersons with credit, their password set to PASSWORD (as admin)."""
    admin = _login(url, db, "admin", "admin")
    group = _rpc(admin, url, "ir.model.data", "check_object_reference", "spm_quota", "group_spm_salesperson")[
        1
    ]
    groups = _rpc(admin, url, "spm.credit.line", "read_group", [], ["user_id"], ["user_id"], limit=count)
    ids = [g["user_id"][0] for g in groups if g["user_id"]]
    users = _rpc(
        admin, url, "res.users", "search_read", [("id", "in", ids), ("groups_id", "in", [group])], ["login"]
    )
    _rpc(admin, url, "res.users", "write", [u["id"] for u in users], {"password": PASSWORD})
    return [u["login"] for u in users]


def ensure_credit(conf, db, scale):
    """Generate a company at ``scale`` (tests/benchmarks/generate.py) and commit it
    when the database has no credit yet (``./spm bench --only production``)."""
    import odoo  # noqa: PLC0415 - the venv's Odoo, only to generate data
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from tests.benchmarks.generate import generate  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", str(conf), "--max-cron-threads", "0", "--log-level", "warn"])
    with Registry(db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if not env["spm.credit.line"].search_count([], limit=1):
            generate(env, scale=scale)
            cr.commit()


def measure(url, db, logins, clients, seconds):
    """Completed dashboard calls per second of ``clients`` threads during ``seconds``."""
    sessions = [_login(url, db, logins[i % len(logins)], PASSWORD) for i in range(clients)]
    for session in sessions:  # warm: each worker's registry and caches
        _rpc(session, url, "spm.credit.dashboard", "get_dashboard_data", period="month")
    counts, errors = [0] * clients, []
    start = time.monotonic()
    deadline = start + seconds

    def run(index):
        while time.monotonic() < deadline:
            try:
                _rpc(sessions[index], url, "spm.credit.dashboard", "get_dashboard_data", period="month")
                counts[index] += 1
            except (requests.RequestException, RuntimeError) as exc:
                errors.append(str(exc))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - start), len(errors)


def replica_lag(primary, replica, samples=50):
    """Milliseconds from a commit on the primary to its replay on the replica: (median, max)."""
    import psycopg2  # noqa: PLC0415 - in the venv that runs the benchmarks

    def connect(server):
        conn = psycopg2.connect(
            host=server.host,
            port=server.port,
            user=server.user,
            password=server.password or None,
            dbname="postgres",
        )
        conn.autocommit = True
        return conn

    lags = []
    with contextlib.closing(connect(primary)) as writer, contextlib.closing(connect(replica)) as reader:
        wcr, rcr = writer.cursor(), reader.cursor()
        for _ in range(samples):
            # A transaction with an id: its commit is a WAL record the replica must replay.
            wcr.execute("BEGIN; SELECT txid_current(); COMMIT; SELECT pg_current_wal_lsn()")
            lsn, committed = wcr.fetchone()[0], time.perf_counter()
            while True:
                rcr.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
                if rcr.fetchone()[0]:
                    break
            lags.append((time.perf_counter() - committed) * 1000)
            time.sleep(0.02)
    return statistics.median(lags), max(lags)


def section(rows, clients, seconds, when):
    lines = [
        SECTION,
        "",
        f"Run on {when} by `python -m tests.benchmarks.production_bench` (`./spm bench --only production`): "
        f"nginx, Odoo's prefork workers and the read replica of `./spm run --production`, {clients} client "
        f"threads calling the dashboard's data through nginx for {seconds} s per row, on the same machine "
        f"({os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the end). "
        "No figure is edited by hand.",
        "",
        "| HTTP workers | Replica | Dashboard calls per second | Errors | Replica lag ms, median / max |",
        "|---|---|---|---|---|",
        *(
            f"| {workers} | {'yes' if replica else 'no'} | {rps:.1f} | {errors} | "
            + (f"{lag[0]:.1f} / {lag[1]:.1f}" if lag else "")
            + " |"
            for workers, replica, rps, errors, lag in rows
        ),
    ]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conf", required=True, help="the Odoo configuration file")
    parser.add_argument("--db", required=True, help="a database with the SPM addons and credit")
    parser.add_argument("--clients", type=int, default=8, help="client threads (default 8)")
    parser.add_argument("--seconds", type=int, default=20, help="seconds measured per row (default 20)")
    parser.add_argument("--workers", type=int, nargs="*", default=WORKERS)
    parser.add_argument(
        "--scale", type=float, default=0.05, help="the company generated when the database has no credit"
    )
    parser.add_argument("--output", help="the Markdown file whose section 8 to write")
    args = parser.parse_args(argv)
    db = Database()
    db.start()
    ensure_credit(args.conf, args.db, args.scale)
    rows, logins = [], None
    for workers in args.workers:
        for replica in (False, True):
            topology = Production(
                db,
                args.conf,
                args.db,
                workers=workers,
                with_replica=replica,
                folder=STATE / "production-bench",
                replica_folder=STATE / "pg-replica-test",
                slot="spm_replica_test",
                listen="127.0.0.1",
                log_level="warn",
            )
            with topology:
                logins = logins or salespersons(topology.url, args.db, args.clients)
                if not logins:
                    raise SystemExit("no salesperson with credit in the database")
                rps, errors = measure(topology.url, args.db, logins, args.clients, args.seconds)
                lag = replica_lag(db, topology.replica) if replica else None
            rows.append((workers, replica, rps, errors, lag))
            print(json.dumps({"workers": workers, "replica": replica, "rps": round(rps, 1), "lag_ms": lag}))
    if args.output:
        when = time.strftime("%Y-%m-%d %H:%M")
        write_section(args.output, SECTION, section(rows, args.clients, args.seconds, when))
        print(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
