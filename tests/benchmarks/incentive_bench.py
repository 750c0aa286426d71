"""Benchmarks of the incentives: a salesperson's running earnings (the call
behind *My earnings*) and statement generation for every salesperson.

    python -m tests.benchmarks.incentive_bench --conf odoo.conf --db DB [--scale S] [--smoke] [--keep]
        [--output FILE]

It generates a company at ``scale`` (``tests/benchmarks/generate.py``: 300
salespersons and 2,000,000 credit lines at scale 1) in the database, puts
every generated salesperson on a quarterly tiered plan in his unit, then
measures, as the users call them:

* ``get_my_earnings`` of a salesperson (what *My earnings* reads, with a
  what-if amount) against the credit dashboard's call for the same
  salesperson, and against the salesperson's dashboard target (< 50 ms);
* the earnings of every salesperson for the quarter (``_earnings``): time and
  queries;
* generating the statements of the running quarter for every salesperson
  (``Generate Statements`` as an accountant), then generating them again
  (recomputing the drafts).

Everything is rolled back at the end: the database is left as it was,
unless ``--keep``: then the generated company is committed (and what was made
recorded in the system parameter ``spm_bench.incentive_company``), and later
runs at the same scale measure on it without generating it again (an hour at
scale 1 on two cores), so that the measures can be taken when the machine is
quiet. The plan and the statements are rolled back either way.
``--output`` appends (or replaces) the section "Incentives" of a Markdown
file, ``docs/benchmarks.md`` for ``./spm bench``; ``--smoke`` runs on tiny data
and writes nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.benchmarks.generate import generate  # noqa: E402
from tests.benchmarks.report import write_section  # noqa: E402

SECTION = "## Incentives"
# What a kept company's generation made, for the runs that reuse it.
KEPT_PARAM = "spm_bench.incentive_company"
# The salesperson's dashboard target of tests/benchmarks/run.py.
EARNINGS_TARGET_MS = 50


def _as_web_client(model, user):
    return model.with_user(user).with_context(
        lang=user.lang or "en_US", tz=user.tz or "UTC", allowed_company_ids=user.company_id.ids
    )


def _timed(env, func):
    """Milliseconds and queries of one call, caches cleared before it."""
    env.invalidate_all()
    before = env.cr.sql_log_count
    start = time.perf_counter()
    func()
    env.flush_all()
    return (time.perf_counter() - start) * 1000, env.cr.sql_log_count - before


def _median(env, func, repeat):
    return statistics.median(_timed(env, func)[0] for _ in range(repeat))


def _plan(env, info):
    """A quarterly plan (2 % to 100 %, 4 % to 120 %, 6 % above, marginal, a pay
    cap) with every generated salesperson on it in his unit."""
    from odoo import Command  # noqa: PLC0415

    from odoo.addons.spm_incentive.tools import period_bounds  # noqa: PLC0415

    units = env["spm.business.unit"].browse(info["units"])
    start = period_bounds(date.today().replace(year=date.today().year - 2), "quarter")[0]
    plan = env["spm.incentive.plan"].create(
        {
            "name": f"Bench plan {time.time():.0f}",
            "period_type": "quarter",
            "company_id": units[0].company_id.id,
        }
    )
    env["spm.incentive.plan.version"].create(
        {
            "plan_id": plan.id,
            "date_from": start,
            "cap_amount": 50_000,
            "tier_ids": [
                Command.create({"lower_bound": lower, "rate": rate})
                for lower, rate in ((0, 2.0), (100, 4.0), (120, 6.0))
            ],
        }
    )
    assignments = env["spm.incentive.plan.assignment"].create(
        [
            {
                "plan_id": plan.id,
                "user_id": user_id,
                "business_unit_id": units[unit].id,
                "date_from": start,
                "target_incentive": 10_000,
            }
            for user_id, unit in zip(info["salespersons"], info["unit_of_user"], strict=True)
        ]
    )
    env.flush_all()
    return plan, assignments


def _company(env, scale, keep):
    """The generated company to measure on: the one kept by an earlier run at
    ``scale`` if any, otherwise generated now (and committed if ``keep``)."""
    Param = env["ir.config_parameter"].sudo()
    kept = json.loads(Param.get_param(KEPT_PARAM) or "{}")
    if kept.get("scale") == scale:
        print(f"Measuring on the company of scale {scale:g} kept in the database", flush=True)
        return kept
    print(f"Generating {scale:g} of a company", flush=True)
    info = generate(env, scale=scale)
    if keep:
        Param.set_param(KEPT_PARAM, json.dumps(info))
        env.cr.commit()
        print("  kept: committed for later runs", flush=True)
    return info


def run(env, scale, smoke, rows, keep=False):
    """Generate (or reuse), measure and add ``(figure, value, target, verdict)`` to ``rows``."""
    from odoo.addons.spm_incentive.tools import period_bounds  # noqa: PLC0415

    repeat = 2 if smoke else 20
    info = _company(env, scale, keep)
    env.cr.execute("SELECT COUNT(*) FROM spm_credit_line")
    rows.append(("credit lines in the database", f"{env.cr.fetchone()[0]}", "", ""))
    plan, assignments = _plan(env, info)
    rows.append(("salespersons on the plan", f"{len(assignments)}", "", ""))

    print("Incentives: My earnings of a salesperson", flush=True)
    salesperson = env["res.users"].browse(info["salespersons"][0])
    Assignment = _as_web_client(env["spm.incentive.plan.assignment"], salesperson)
    Dashboard = _as_web_client(env["spm.credit.dashboard"], salesperson)
    earnings_ms = _median(env, lambda: Assignment.get_my_earnings(what_if=12_000), repeat)
    dashboard_ms = _median(env, lambda: Dashboard.get_dashboard_data("month"), repeat)
    verdict = "met" if earnings_ms < EARNINGS_TARGET_MS else "MISSED"
    rows.append(
        (
            "My earnings of a salesperson (with a what-if): median ms, ours / the credit dashboard's call",
            f"{earnings_ms:.1f} / {dashboard_ms:.1f}",
            f"< {EARNINGS_TARGET_MS} ms",
            verdict,
        )
    )

    print("Incentives: the earnings of every salesperson for the quarter", flush=True)
    start, end = period_bounds(date.today(), "quarter")
    ms, queries = _timed(env, lambda: assignments._earnings(start, end))
    rows.append(
        (
            f"earnings of {len(assignments)} salespersons for the quarter: ms (queries)",
            f"{ms:.0f} ({queries})",
            "",
            "",
        )
    )

    print("Incentives: statement generation for every salesperson", flush=True)
    accountant = env["res.users"].create(
        {
            "name": "Bench incentive accountant",
            "login": f"bench_inc_accountant_{time.time():.0f}",
            "groups_id": [(4, env.ref("spm_credit.group_spm_accountant").id)],
        }
    )
    wizard = (
        env["spm.incentive.generate"]
        .with_user(accountant)
        .create({"date": date.today(), "plan_ids": [(6, 0, plan.ids)]})
    )
    for label in ("created", "recomputed (drafts again)"):
        ms, queries = _timed(env, wizard.action_generate)
        count = env["spm.incentive.statement"].search_count([("plan_id", "=", plan.id)])
        env.cr.execute(
            "SELECT COUNT(*) FROM spm_incentive_statement_line l JOIN spm_incentive_statement s "
            "ON s.id = l.statement_id WHERE s.plan_id = %s",
            [plan.id],
        )
        lines = env.cr.fetchone()[0]
        rows.append(
            (
                f"statements of the quarter {label}: seconds (statements, lines, queries)",
                f"{ms / 1000:.1f} ({count}, {lines}, {queries})",
                "",
                "",
            )
        )


def section(rows, scale):
    lines = [
        SECTION,
        "",
        f"Run on {datetime.now():%Y-%m-%d %H:%M}, scale {scale:g}, written by "
        "`python -m tests.benchmarks.incentive_bench` (run by `./spm bench`) on a company generated on top "
        f"of the database's data, load average {os.getloadavg()[0]:.1f} at the end (other runs may share "
        "the machine); no figure is edited by hand.",
        "",
        "| Figure | Value | Target | Verdict |",
        "|---|---|---|---|",
        *(f"| {figure} | {value} | {target} | {verdict} |" for figure, value, target, verdict in rows),
    ]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conf", required=True, help="the Odoo configuration file")
    parser.add_argument("--db", required=True, help="a database with spm_incentive installed")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--smoke", action="store_true", help="tiny data, few repetitions, nothing written")
    parser.add_argument(
        "--keep", action="store_true", help="commit the generated company, for later runs at the same scale"
    )
    parser.add_argument("--output", help="the Markdown file whose Incentives section to write")
    args = parser.parse_args(argv)

    import odoo  # noqa: PLC0415
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", args.conf, "--max-cron-threads", "0", "--log-level", "warn"])
    registry = Registry(args.db)
    rows = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        try:
            run(env, 0.002 if args.smoke else args.scale, args.smoke, rows, keep=args.keep and not args.smoke)
        finally:
            cr.rollback()
    for figure, value, target, verdict in rows:
        print(f"  {figure}: {value}" + (f" (target {target}: {verdict})" if target else ""))
    if args.output and not args.smoke:
        write_section(args.output, SECTION, section(rows, args.scale))
        print(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
