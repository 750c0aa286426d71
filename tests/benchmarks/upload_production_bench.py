"""9. The 100,000-line upload in production: a background job, through nginx.

A distributor's XLSX of the portal's template (``--lines``, 100,000 by
default: the most a file may hold, ``MAX_ROWS``) is sent through nginx to the
portal's upload route of the topology of ``./spm run --production``
(``spm_tool.production``: prefork HTTP workers, a cron worker, Odoo's
``limit_time_real`` of 120 s, without the read replica: the upload writes).
The request only reads the file; the upload's background job checks it in
full (its dry run), the distributor confirms it, and the job creates,
submits, validates and credits the billings in batches. Measured: the seconds
of the request, to the dry run ready, and from the POST to the last credit
line; the memory of the Odoo processes (the sum of their RSS sampled every
half second: before, peak and growth, and the largest process). Checked: no
worker killed or stopped by a limit (Odoo's log), and every line validated
(or held) and credited to both salespersons of the distributor's 60/40 split.

The distributor, his retailers, products and stock are made as benchmark 3
makes them (``tests/benchmarks/upload.py``), on a small generated company
(``--scale``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from spm_tool.common import STATE
from spm_tool.production import Production
from tests.benchmarks.report import write_section
from tests.benchmarks.upload import (
    SPLIT,
    XLSX_MIMETYPE,
    _bills,
    _counts,
    _prepare,
    _stock_documents,
    _write_portal_file,
)
from tests.odoo_server import portal_session

SECTION = "## 9. Upload of 100,000 lines in production"
LINES = 100_000
WORKERS = 2
POLL_SECONDS = 1.0
# Odoo's log lines of a worker killed or stopped by a limit, and of an upload's job failing.
KILLED = re.compile(
    r"timeout after \d+s|CPU time limit|memory limit \(\d+\) reached|Exception occurred, exiting|"
    r"Upload \d+ failed"
)


def odoo_rss_mib(group):
    """{pid: RSS in MiB} of the processes of the process group ``group`` (Odoo and its workers)."""
    rss = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            # The fields after the command's name (in parentheses): state, ppid, pgrp, ...
            if int(stat.rsplit(")", 1)[1].split()[2]) != group:
                continue
            found = re.search(r"VmRSS:\s+(\d+) kB", (entry / "status").read_text())
        except (OSError, ValueError, IndexError):
            continue  # a process that ended meanwhile
        if found:
            rss[int(entry.name)] = int(found.group(1)) / 1024
    return rss


class MemorySampler(threading.Thread):
    """The sum of the RSS of a process group every ``interval`` seconds: its peak,
    and the peak of its largest process, until ``stop()``."""

    def __init__(self, group, interval=0.5):
        super().__init__(daemon=True)
        self.group, self.interval = group, interval
        self.peak_total = self.peak_process = 0.0
        self._stopped = threading.Event()

    def run(self):
        while not self._stopped.is_set():
            rss = odoo_rss_mib(self.group)
            self.peak_total = max(self.peak_total, sum(rss.values()))
            self.peak_process = max(self.peak_process, max(rss.values(), default=0.0))
            self._stopped.wait(self.interval)

    def stop(self):
        self._stopped.set()
        self.join()


def prepare(conf, db, scale, lines):
    """A small company, the distributor of benchmark 3, his bills of ``lines`` lines and his stock
    (committed); returns (env, prepared, bills); ``env`` stays open for the counts."""
    import odoo  # noqa: PLC0415 - the venv's Odoo, only to make the data and count it
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from tests.benchmarks.generate import generate  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", str(conf), "--max-cron-threads", "0", "--log-level", "warn"])
    cr = Registry(db).cursor()
    env = api.Environment(cr, SUPERUSER_ID, {})
    info = generate(env, scale=scale)
    cr.commit()
    prepared = _prepare(env, info, smoke=False)
    bills = _bills(prepared, lines)
    _stock_documents(env, prepared, bills)
    return env, prepared, bills


def _wait_finished(session, url, upload, deadline):
    """Poll the upload's progress (as its page does) until it is over or ``deadline``
    (a ``time.monotonic()``) has passed; its last answer."""
    while True:
        progress = session.get(f"{url}{upload}/progress", timeout=60).json()
        if progress["finished"] or time.monotonic() > deadline:
            return progress
        time.sleep(POLL_SECONDS)


def upload_through(topology, prepared, path, timeout):
    """The distributor's upload through nginx, confirmed once its dry run is ready:
    seconds of the request, to the dry run, to the end of the job (or ``timeout`` seconds
    after the POST: a job killed again and again never ends), and the last progress."""
    session, token = portal_session(
        topology, prepared["login"], prepared["password"], "/my/secondary-sales/upload"
    )
    start = time.monotonic()
    response = session.post(
        f"{topology.url}/my/secondary-sales/upload",
        timeout=300,
        data={"csrf_token": token, "submit": "1"},
        files={"file": (path.name, path.read_bytes(), XLSX_MIMETYPE)},
        allow_redirects=False,
    )
    request_s, deadline = time.monotonic() - start, start + timeout
    location = urlparse(response.headers.get("Location", "")).path if response.status_code == 303 else ""
    if not re.fullmatch(r"/my/secondary-sales/upload/\d+(/review)?", location):
        raise RuntimeError(f"the upload answered {response.status_code}: {response.text[-2000:]}")
    upload = location.removesuffix("/review")
    if not location.endswith("/review"):
        progress = _wait_finished(session, topology.url, upload, deadline)
        if progress["state"] != "draft":
            return request_s, None, time.monotonic() - start, progress
    dry_run_s = time.monotonic() - start
    session.post(
        f"{topology.url}{upload}/confirm", timeout=300, data={"csrf_token": token}
    ).raise_for_status()
    progress = _wait_finished(session, topology.url, upload, deadline)
    return request_s, dry_run_s, time.monotonic() - start, progress


def section(rows, when, workers):
    lines = [
        SECTION,
        "",
        f"Run on {when} by `python -m tests.benchmarks.upload_production_bench` (`./spm bench --only "
        f"upload100k`): the portal's upload route through nginx to Odoo's prefork server of `./spm run "
        f"--production` ({workers} HTTP workers, one cron worker, `limit_time_real` 120 s, no replica), "
        f"on the same machine as the client ({os.cpu_count()} cores; load average "
        f"{os.getloadavg()[0]:.1f} at the end). No figure is edited by hand.",
        "",
        "| Figure | Value |",
        "|---|---|",
        *(f"| {figure} | {value} |" for figure, value in rows),
    ]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conf", required=True, help="the Odoo configuration file")
    parser.add_argument("--db", required=True, help="a database with the SPM addons")
    parser.add_argument("--lines", type=int, default=LINES, help=f"lines of the file (default {LINES:,})")
    parser.add_argument("--workers", type=int, default=WORKERS, help=f"HTTP workers (default {WORKERS})")
    parser.add_argument(
        "--scale", type=float, default=0.001, help="the company generated for the distributor"
    )
    parser.add_argument(
        "--timeout", type=int, default=3600, help="seconds after which the upload is given up (default 3600)"
    )
    parser.add_argument("--output", help="the Markdown file whose section 9 to write")
    args = parser.parse_args(argv)
    env, prepared, bills = prepare(args.conf, args.db, args.scale, args.lines)
    prefix = f"P{prepared['tag']}-"
    folder = STATE / "upload-production-bench"
    # Without the replica, the topology uses no cluster of its own: Odoo's configuration says where.
    topology = Production(
        None,
        args.conf,
        args.db,
        workers=args.workers,
        with_replica=False,
        folder=folder,
        listen="127.0.0.1",
        log_level="info",
    )
    log = folder / "odoo.log"
    with tempfile.TemporaryDirectory(prefix="spm_bench_upload_") as tmp:
        path = Path(tmp, "secondary_sales.xlsx")
        _write_portal_file(path, bills, prefix)
        size = path.stat().st_size
        with topology:
            offset = log.stat().st_size if log.exists() else 0
            before = sum(odoo_rss_mib(topology.odoo.pid).values())
            sampler = MemorySampler(topology.odoo.pid)
            sampler.start()
            try:
                request_s, dry_run_s, total_s, progress = upload_through(
                    topology, prepared, path, args.timeout
                )
            finally:
                sampler.stop()
            with log.open(errors="replace") as text:
                text.seek(offset)
                killed = [line.rstrip() for line in text if KILLED.search(line)]
    env.cr.rollback()
    lines, validated, credited = _counts(env, prepared["distributor"], prefix)
    env.cr.close()
    expected = (args.lines, args.lines, args.lines * len(SPLIT))
    problem = ""
    if progress["state"] != "done" or (lines, validated, credited) != expected or killed:
        # Written with the figures, so that a run that missed says so in its section.
        problem = (
            f"the upload ended {progress['state']} with {lines} lines ({validated} validated or held) "
            f"and {credited} credit lines, not {expected[0]} lines and {expected[2]} credit lines; "
            f"Odoo's log: {' / '.join(killed[:3]) or 'nothing'}"
        )
    rows = [
        ("lines uploaded (bills), file MiB", f"{args.lines} ({len(bills)}), {size / 2**20:.1f}"),
        ("seconds of the request (reading the file, before the job)", f"{request_s:.1f}"),
        (
            "seconds from the POST to the dry run ready (checked in full by the job)",
            f"{dry_run_s:.1f}" if dry_run_s else "never",
        ),
        ("seconds from the POST to the last credit line", f"{total_s:.1f}"),
        ("credit lines (both salespersons of each line)", f"{credited}"),
        (
            "memory of the Odoo processes MiB (RSS summed): before / peak / growth",
            f"{before:.0f} / {sampler.peak_total:.0f} / {sampler.peak_total - before:.0f}",
        ),
        ("largest Odoo process MiB (peak RSS)", f"{sampler.peak_process:.0f}"),
        ("workers killed or stopped by a limit (Odoo's log)", f"{len(killed)}"),
        (
            "every line validated (or held) and credited to the split, no worker killed",
            f"MISSED: {problem}" if problem else "met",
        ),
    ]
    for figure, value in rows:
        print(f"  {figure}: {value}", flush=True)
    print(json.dumps({"lines": args.lines, "seconds": round(total_s, 1), "killed": len(killed)}))
    if args.output:
        write_section(args.output, SECTION, section(rows, time.strftime("%Y-%m-%d %H:%M"), args.workers))
        print(f"written to {args.output}")
    if problem:
        raise SystemExit(problem)
    return 0


if __name__ == "__main__":
    sys.exit(main())
