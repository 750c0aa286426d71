"""8. The credit engine's insert of credit lines against the ORM's ``create``.

The engine writes its lines with one ``INSERT ... SELECT unnest(...)``
(``spm.credit.engine._create_engine_lines``) instead of the ORM's
``create``. This measures that choice on its own: the same lines (complete
values, as the engine allocates them) inserted both ways, in the same
transaction, each followed by the same side effects
(``spm.credit.line._credit_created``: monthly aggregate, notification), for
the lines of an order confirmation (40) and of a secondary billing upload
(20,000 lines of a file credit about 40,000; 20,000 here):

    python -m tests.benchmarks.engine_insert --conf .spm/odoo.conf --db DB   # any database
    ./spm bench --only insert                                               # within the benchmarks

The database needs the SPM addons installed; a business unit and a
salesperson are created for the run, and everything is rolled back.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

TITLE = "8. Credit line insert"


def _vals_list(user, unit, count):
    """``count`` credit lines as the engine allocates them: team splits of a
    confirmed invoice basis, spread over the days of a month."""
    today = date.today().replace(day=1)
    return [
        {
            "user_id": user.id,
            "business_unit_id": unit.id,
            "company_id": unit.company_id.id,
            "date": today.replace(day=1 + index % 28),
            "original_date": False,
            "is_adjustment": False,
            "amount": round(10 + index % 997 * 0.37, 2),
            "share": 50.0,
            "kind": "split",
            "basis": "invoice",
            "state": "confirmed",
            "origin": f"BENCH/{index // 10:05d}",
        }
        for index in range(count)
    ]


def _orm_create(Line, vals_list):
    """The same lines through the ORM's create, under the engine's context, then
    the same side effects (``create`` of spm.credit.line itself accepts only
    adjustments: its parent's is called, as the engine would have)."""
    from odoo.addons.spm_credit.models.spm_credit_line import SpmCreditLine  # noqa: PLC0415

    lines = super(SpmCreditLine, Line).create(vals_list)
    lines._credit_created()
    return lines


def bench_engine_insert(env, info, results, smoke, conf, db):
    """Time and queries of the engine's insert against the ORM's create, for
    an order's lines and an upload's."""
    from odoo.addons.spm_credit.models.spm_credit_engine import ENGINE_CONTEXT, ENGINE_FLAG  # noqa: PLC0415
    from odoo.addons.spm_quota.tools import trusted  # noqa: PLC0415

    print(f"{TITLE}: engine insert against ORM create", flush=True)
    user = env["res.users"].create({"name": "Bench Salesperson", "login": "spm_bench_insert_salesperson"})
    unit = env["spm.business.unit"].create(
        {"name": "Bench Unit", "code": "BENCH-INSERT", "manager_id": user.id}
    )
    Engine = env["spm.credit.engine"]
    Line = env["spm.credit.line"].with_context(**ENGINE_CONTEXT)
    repeat = 1 if smoke else 5
    ratios = []
    for label, count in (("order", 4 if smoke else 40), ("upload", 200 if smoke else 20_000)):
        timings = {"engine": [], "orm": []}
        queries = {"engine": [], "orm": []}
        # Alternated, the first round of each left out (it warms the caches up).
        for _round in range(repeat + 1):
            for way, insert in (
                ("engine", Engine._create_engine_lines),
                ("orm", lambda vals_list: _orm_create(Line, vals_list)),
            ):
                vals_list = _vals_list(user, unit, count)
                env.flush_all()
                env.invalidate_all()
                before = env.cr.sql_log_count
                start = time.perf_counter()
                with trusted(env, ENGINE_FLAG):
                    lines = insert(vals_list)
                env.flush_all()
                timings[way].append(time.perf_counter() - start)
                queries[way].append(env.cr.sql_log_count - before)
                assert len(lines) == count, (way, len(lines))
        for measures in (*timings.values(), *queries.values()):
            del measures[0]
        engine_ms, orm_ms = (statistics.median(timings[way]) * 1000 for way in ("engine", "orm"))
        ratios.append(orm_ms / engine_ms)
        results.add(
            TITLE,
            f"{label}: ms for {count} lines, engine insert / ORM create",
            f"{engine_ms:.1f} / {orm_ms:.1f}",
        )
        results.add(
            TITLE,
            f"{label}: queries, engine insert / ORM create",
            f"{statistics.median(queries['engine']):.0f} / {statistics.median(queries['orm']):.0f}",
        )
    env.cr.rollback()
    results.check(
        TITLE, "times faster than ORM create (upload)", ratios[-1], ">=", 2, shown=f"{ratios[-1]:.1f}"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conf", required=True, help="the Odoo configuration file")
    parser.add_argument("--db", required=True, help="a database with the SPM addons installed")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one round")
    args = parser.parse_args(argv)

    import odoo  # noqa: PLC0415
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from tests.benchmarks.run import Results  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", args.conf, "--max-cron-threads", "0", "--log-level", "warn"])
    with Registry(args.db).cursor() as cr:
        bench_engine_insert(
            api.Environment(cr, SUPERUSER_ID, {}), {}, Results(), args.smoke, args.conf, args.db
        )
        cr.rollback()
    return 0


if __name__ == "__main__":
    sys.exit(main())
