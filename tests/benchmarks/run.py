"""Benchmarks of the SPM addons against the baseline, measured in one run.

    ./spm bench [--scale S]          # fresh database, every benchmark, docs/benchmarks.md
    python -m tests.benchmarks.run --conf odoo.conf --db DB --scale S [--smoke]

Each benchmark prints its figures and, on its last line, the ratio against
the baseline. ``--smoke`` runs each one on tiny data with few repetitions, to
check that it still works (the test command does this); its figures mean
nothing and are not written to docs/benchmarks.md. Nor are those of a run of
some benchmarks only (``--only``), unless ``--output`` says where: there they
are a section of their own, "<benchmark>, run on its own", replaced by the next
such run (the table of the last full run is left as it is).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path

from dateutil.relativedelta import relativedelta

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.benchmarks.engine_insert import bench_engine_insert  # noqa: E402
from tests.benchmarks.generate import generate  # noqa: E402
from tests.benchmarks.live import bench_live_update  # noqa: E402
from tests.benchmarks.report import write_section  # noqa: E402
from tests.benchmarks.upload import bench_upload  # noqa: E402
from tests.benchmarks.xlsx_writer import bench_xlsx_writer  # noqa: E402
from tests.odoo_server import OdooServer, odoo_bin_of_running_python  # noqa: E402


class Results:
    """Rows of the Markdown table: benchmark, figure, value, target, verdict."""

    def __init__(self):
        self.rows = []

    def add(self, benchmark, figure, value, target="", met=None, verdict=None):
        if verdict is None:
            verdict = "" if met is None else ("met" if met else "MISSED")
        self.rows.append((benchmark, figure, value, target, verdict))
        print(f"  {figure}: {value}" + (f" (target {target}: {verdict})" if target else ""), flush=True)

    def check(self, benchmark, figure, value, op, limit, shown=None, target=None):
        """A figure against its target, ``value op limit`` (``op`` is ``<``,
        ``<=`` or ``>=``); a missed target says by how much, relative to it."""
        met = {"<": value < limit, "<=": value <= limit, ">=": value >= limit}[op]
        verdict = "met"
        if not met:
            verdict = f"MISSED by {abs(value - limit) / limit:.0%}" if limit else "MISSED"
        self.add(benchmark, figure, shown or f"{value:.1f}", target or f"{op} {limit:g}", verdict=verdict)

    def markdown(self, header):
        lines = [*header, "", "| Benchmark | Figure | Value | Target | Verdict |", "|---|---|---|---|---|"]
        lines += [f"| {b} | {f} | {v} | {t} | {m} |" for b, f, v, t, m in self.rows]
        return "\n".join(lines) + "\n"


def _median_ms(func, repeat, env):
    timings = []
    for _ in range(repeat):
        env.invalidate_all()
        start = time.perf_counter()
        func()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


# ---------------------------------------------------------------- 1. orders


def bench_order_confirmation(env, info, results, smoke, conf, db):
    """Confirm orders of 10 lines for customers with three-way splits, crediting
    on and off in turn; time ratio and extra queries per order."""
    from odoo import Command  # noqa: PLC0415

    from odoo.addons.spm_quota.tools import trusted  # noqa: PLC0415

    print("1. Order confirmation overhead", flush=True)
    count = 8 if smoke else 500
    customers = env["res.partner"].browse(info["three_way_customers"])
    # Products of each customer's unit: every line is credited (none is a credit issue).
    env.cr.execute(
        "SELECT partner_id, MAX(business_unit_id) FROM spm_assignment WHERE partner_id = ANY(%s) GROUP BY 1",
        [customers.ids],
    )
    unit_of = dict(env.cr.fetchall())
    all_products = env["product.product"].browse(info["products"])
    products_of = {}
    for customer in customers:
        unit = env["spm.business.unit"].browse(unit_of.get(customer.id))
        products_of[customer] = all_products.filtered(
            lambda product, unit=unit: not unit or product.categ_id in unit.product_category_ids
        )
    orders = env["sale.order"].create(
        [
            {
                "partner_id": customers[i % len(customers)].id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": products_of[customers[i % len(customers)]][n % 10].id,
                            "product_uom_qty": 1 + n,
                            "price_unit": 9.99,
                        }
                    )
                    for n in range(10)
                ],
            }
            for i in range(count)
        ]
    )
    env.flush_all()
    timings, queries = {True: [], False: []}, {True: [], False: []}
    for index, order in enumerate(orders):
        crediting = index % 2 == 0
        env.invalidate_all()
        before = env.cr.sql_log_count
        start = time.perf_counter()
        with trusted(env, *(() if crediting else ("spm_credit_disabled",))):
            order.action_confirm()
        env.flush_all()
        timings[crediting].append(time.perf_counter() - start)
        queries[crediting].append(env.cr.sql_log_count - before)
    # The first orders warm the caches up: leave them out of the figures.
    for measures in (*timings.values(), *queries.values()):
        del measures[: min(2, len(measures) - 1)]
    ratio = statistics.mean(timings[True]) / statistics.mean(timings[False])
    extra = statistics.mean(queries[True]) - statistics.mean(queries[False])
    spread = max(queries[True]) - min(queries[True])
    results.add("1. Order confirmation", "orders confirmed (half with crediting)", count)
    results.add(
        "1. Order confirmation",
        "mean ms per order, crediting on / off",
        f"{statistics.mean(timings[True]) * 1000:.1f} / {statistics.mean(timings[False]) * 1000:.1f}",
    )
    results.add(
        "1. Order confirmation",
        "extra queries per order (spread with crediting on)",
        f"{extra:.1f} ({spread})",
        "constant",
        spread == max(queries[False]) - min(queries[False]),
    )
    results.check("1. Order confirmation", "time ratio on/off", ratio, "<=", 1.15, shown=f"{ratio:.2f}")


# ---------------------------------------------------------------- 2. dashboard


def _as_web_client(model, user):
    """``model`` as ``user`` calls it from the web client: with their language,
    time zone and company in the context."""
    return model.with_user(user).with_context(
        lang=user.lang or "en_US", tz=user.tz or "UTC", allowed_company_ids=user.company_id.ids
    )


def bench_dashboard(env, info, results, smoke, conf, db, label="2. Dashboard"):
    """The server call behind the dashboard for a salesperson and for the
    manager of the 80-salesperson unit, against sale.report and plain SQL."""
    print(f"{label}: My performance and the manager's board", flush=True)
    repeat = 2 if smoke else 20
    today = date.today()
    year_start = today.replace(month=1, day=1)
    salesperson = env["res.users"].browse(info["salespersons"][0])
    manager = env["res.users"].browse(info["big_unit_manager"])
    team = [u for u, unit in zip(info["salespersons"], info["unit_of_user"], strict=True) if unit == 0]
    env.cr.execute(
        "CREATE INDEX IF NOT EXISTS spm_bench_credit_user_month ON spm_credit_line (user_id, month) "
        "INCLUDE (amount, amount_collected)"
    )
    # Both as the user, with the context the web client sends along.
    Dashboard = env["spm.credit.dashboard"]
    SaleReport = env["sale.report"]
    cases = {
        "salesperson": (
            lambda: _as_web_client(Dashboard, salesperson).get_dashboard_data("month"),
            lambda: _as_web_client(SaleReport, salesperson)._read_group(
                [("user_id", "=", salesperson.id), ("date", ">=", year_start), ("state", "=", "sale")],
                ["date:month"],
                ["price_subtotal:sum"],
            ),
            (
                "SELECT month, SUM(amount), SUM(amount_collected) FROM spm_credit_line "
                "WHERE user_id = %s AND month >= %s GROUP BY month",
                [salesperson.id, year_start],
            ),
            50,
        ),
        f"manager (unit of {len(team)})": (
            lambda: _as_web_client(Dashboard, manager).get_dashboard_data("month"),
            lambda: _as_web_client(SaleReport, manager)._read_group(
                [("user_id", "in", team), ("date", ">=", year_start), ("state", "=", "sale")],
                ["user_id", "date:month"],
                ["price_subtotal:sum"],
            ),
            (
                "SELECT user_id, month, SUM(amount), SUM(amount_collected) FROM spm_credit_line "
                "WHERE user_id = ANY(%s) AND month >= %s GROUP BY user_id, month",
                [team, year_start],
            ),
            300,
        ),
    }
    for name, (ours, baseline, (sql, params), target_ms) in cases.items():
        ours_ms = _median_ms(ours, repeat, env)
        baseline_ms = _median_ms(baseline, repeat, env)
        sql_ms = _median_ms(
            lambda sql=sql, params=params: env.cr.execute(sql, params) or env.cr.fetchall(), repeat, env
        )
        results.check(
            label,
            f"{name}: median ms, ours / sale.report / SQL on credit lines",
            ours_ms,
            "<",
            target_ms,
            shown=f"{ours_ms:.1f} / {baseline_ms:.1f} / {sql_ms:.1f}",
            target=f"< {target_ms} ms",
        )
        results.check(label, f"{name}: times faster than sale.report", baseline_ms / ours_ms, ">=", 10)
        results.check(label, f"{name}: ratio to the SQL limit", ours_ms / sql_ms, "<=", 3)


# ---------------------------------------------------------------- 4. export


def _measure_download(server, func):
    """Seconds, bytes and memory growth (peak RSS minus RSS before) of one download."""
    before = server.memory_mib("VmRSS")
    start = time.perf_counter()
    response = func()
    if response.status_code != 200:
        raise RuntimeError(f"{response.status_code}: {response.text[:2000]}")
    size = sum(len(chunk) for chunk in response.iter_content(1 << 20))
    seconds = time.perf_counter() - start
    return seconds, size, server.memory_mib("VmHWM") - before


def export_figures(conf, db, date_from, date_to):
    """Export the credit lines of a period through HTTP, with the accountant's
    report and with Odoo's list export, each in a fresh server process."""
    period = {"date_from": str(date_from), "date_to": str(date_to)}
    # As the web client sends them: each field with its label and type.
    columns = (
        "date",
        "origin",
        "user_id",
        "business_unit_id",
        "partner_id",
        "distributor_id",
        "product_id",
        "basis",
        "state",
        "share",
        "amount",
        "amount_collected",
    )
    with OdooServer(sys.executable, odoo_bin_of_running_python(), conf, db) as server:
        wizard_id = server.call("spm.credit.report.wizard", "create", period)
        ours = _measure_download(
            server,
            lambda: server.session.get(
                f"{server.url}/spm_credit/report/{wizard_id}", stream=True, timeout=3600
            ),
        )
    with OdooServer(sys.executable, odoo_bin_of_running_python(), conf, db) as server:
        types = server.call("spm.credit.line", "fields_get", list(columns), ["type", "string"])
        fields = [
            {"name": name, "label": types[name]["string"], "type": types[name]["type"]} for name in columns
        ]
        data = {
            "model": "spm.credit.line",
            "fields": fields,
            "ids": False,
            "groups": [],
            "domain": [["date", ">=", period["date_from"]], ["date", "<=", period["date_to"]]],
            "import_compat": False,
            "context": {},
        }
        odoo = _measure_download(
            server,
            lambda: server.session.post(
                f"{server.url}/web/export/xlsx",
                stream=True,
                timeout=3600,
                data={"data": json.dumps(data), "csrf_token": server.csrf_token},
            ),
        )
    return ours, odoo


def _period_of(env, count):
    """Whole months, ending this month, holding about ``count`` credit lines."""
    env.cr.execute("SELECT date FROM spm_credit_line ORDER BY date DESC OFFSET %s LIMIT 1", [count])
    row = env.cr.fetchone()
    env.cr.execute("SELECT MIN(date), MAX(date) FROM spm_credit_line")
    first, last = env.cr.fetchone()
    date_from = (row[0] if row else first).replace(day=1)
    return date_from, last + relativedelta(day=31)


def bench_export(env, info, results, smoke, conf, db, label="4. Accountant export"):
    """The accountant's XLSX of the credit lines against Odoo's list export of
    the same records: time and memory of the server process."""
    print(f"{label}: credit lines to XLSX, through HTTP", flush=True)
    date_from, date_to = _period_of(env, 2_000 if smoke else 500_000)
    env.cr.execute("SELECT COUNT(*) FROM spm_credit_line WHERE date BETWEEN %s AND %s", [date_from, date_to])
    count = env.cr.fetchone()[0]
    env.cr.commit()  # the servers read the committed data
    (ours_s, ours_bytes, ours_mb), (odoo_s, odoo_bytes, odoo_mb) = export_figures(
        conf, db, date_from, date_to
    )
    results.add(label, "credit lines exported (months)", f"{count} ({date_from:%Y-%m} to {date_to:%Y-%m})")
    results.add(label, "seconds, ours / Odoo list export", f"{ours_s:.1f} / {odoo_s:.1f}")
    results.add(
        label, "file MiB, ours (3 sheets) / Odoo", f"{ours_bytes / 2**20:.1f} / {odoo_bytes / 2**20:.1f}"
    )
    results.check(
        label,
        "server memory growth MiB, ours / Odoo list export",
        ours_mb,
        "<=",
        odoo_mb / 5,
        shown=f"{ours_mb:.0f} / {odoo_mb:.0f}",
        target="<= 1/5 of Odoo's",
    )
    results.check(label, "times faster than Odoo's list export", odoo_s / ours_s, ">=", 5)


BENCHMARKS = {
    "orders": bench_order_confirmation,
    "dashboard": bench_dashboard,
    "upload": bench_upload,
    "export": bench_export,
    "live": bench_live_update,
    "xlsx": bench_xlsx_writer,
    "insert": bench_engine_insert,
}
# Benchmarks that use no generated data.
WITHOUT_DATA = {"xlsx", "insert"}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conf", required=True, help="the Odoo configuration file")
    parser.add_argument("--db", required=True, help="a database with the SPM addons installed")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--smoke", action="store_true", help="tiny data, few repetitions, no report")
    parser.add_argument("--only", nargs="*", choices=sorted(BENCHMARKS), help="run only these")
    parser.add_argument(
        "--output",
        help="where to write the Markdown table (default: docs/benchmarks.md after a full run; "
        "a run of some benchmarks only writes it nowhere unless told)",
    )
    args = parser.parse_args(argv)
    output = args.output or (None if args.only else str(REPO_ROOT / "docs" / "benchmarks.md"))

    import odoo  # noqa: PLC0415
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", args.conf, "--max-cron-threads", "0", "--log-level", "warn"])
    registry = Registry(args.db)
    results = Results()
    scaling = Results()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        info = {}
        # A run of benchmarks that use no data generates none.
        if not (args.only and set(args.only) <= WITHOUT_DATA):
            # 6. Scaling: the data grows to 0.25x, 0.5x and 1x, where benchmarks 1 to 4 run, then 2x.
            total = 0.0
            for step in (0.25, 0.25, 0.5):
                info = _grow(env, args.scale * step, scaling, total := total + step)
                if not args.only:  # a run of some benchmarks measures only those
                    bench_scaling(env, info, scaling, args.smoke, args.conf, args.db, f"{total:g}x")
            info["three_way_customers"] = _three_way_customers(env, info)
            cr.commit()
            results.add("Data", "credit lines in the database", _count(env, "spm_credit_line"))
            results.add("Data", "sale order lines in the database", _count(env, "sale_order_line"))
        for name in args.only or BENCHMARKS:
            BENCHMARKS[name](env, info, results, args.smoke, args.conf, args.db)
            cr.rollback()
        if not args.only:
            info = _grow(env, args.scale, scaling, 2)
            bench_scaling(env, info, scaling, args.smoke, args.conf, args.db, "2x")
    if not args.only:
        results.rows += scaling.rows
    if output and args.only and not args.smoke:
        _write_own_section(output, results, args)
        print(f"written to {output}")
    elif output and not args.smoke:
        header = [
            "# Benchmarks",
            "",
            f"Run on {datetime.now():%Y-%m-%d %H:%M} on {platform.node()} ({platform.machine()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}), scale {args.scale}, "
            "written by `./spm bench`; no figure is edited by hand.",
        ]
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(results.markdown(header))
        print(f"written to {output}")
    return 0


def _write_own_section(output, results, args):
    """Put the figures of a run of some benchmarks in their own section of
    ``output``, in place of the one of the previous such run, or at the end."""
    names = [
        name for name in dict.fromkeys(row[0] for row in results.rows) if name not in ("Data", "6. Scaling")
    ]
    title = f"## {', '.join(names)}, run on its own"
    header = [
        title,
        "",
        f"Run on {datetime.now():%Y-%m-%d %H:%M} on {platform.node()} ({platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}), scale {args.scale}, by "
        f"`python -m tests.benchmarks.run --only {' '.join(args.only)}`, load average "
        f"{os.getloadavg()[0]:.1f} at the end (other runs may share the machine); the next full "
        "run puts these rows in the table above. No figure is edited by hand.",
    ]
    write_section(output, title, results.markdown(header))


def _count(env, table):
    env.cr.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - a table name of this module
    return env.cr.fetchone()[0]


def _grow(env, scale, results, total):
    print(f"Generating {scale:g} of a company (database at {total:g}x)", flush=True)
    info = generate(env, scale=scale)
    env.cr.commit()
    results.add("6. Scaling", f"{total:g}x: credit lines in the database", _count(env, "spm_credit_line"))
    return info


def bench_scaling(env, info, results, smoke, conf, db, size):
    """How the dashboard and the export grow with the data: the dashboard must
    stay flat, the export grow linearly with the lines exported."""
    salesperson = env["res.users"].browse(info["salespersons"][0])
    manager = env["res.users"].browse(info["big_unit_manager"])
    Dashboard = env["spm.credit.dashboard"]
    repeat = 2 if smoke else 20
    for who, user in (("salesperson", salesperson), ("manager", manager)):
        ms = _median_ms(
            lambda user=user: _as_web_client(Dashboard, user).get_dashboard_data("month"), repeat, env
        )
        results.add("6. Scaling", f"{size}: dashboard median ms, {who}", f"{ms:.1f}")
    date_from, date_to = _period_of(env, _count(env, "spm_credit_line") // 4)
    env.cr.execute("SELECT COUNT(*) FROM spm_credit_line WHERE date BETWEEN %s AND %s", [date_from, date_to])
    count = env.cr.fetchone()[0]
    with OdooServer(sys.executable, odoo_bin_of_running_python(), conf, db) as server:
        wizard_id = server.call(
            "spm.credit.report.wizard", "create", {"date_from": str(date_from), "date_to": str(date_to)}
        )
        seconds, _size, mib = _measure_download(
            server,
            lambda: server.session.get(
                f"{server.url}/spm_credit/report/{wizard_id}", stream=True, timeout=3600
            ),
        )
    results.add(
        "6. Scaling",
        f"{size}: export of {count} lines, seconds / memory growth MiB",
        f"{seconds:.1f} / {mib:.0f} ({seconds * 1e6 / max(count, 1):.1f} s per million lines)",
    )


def _three_way_customers(env, info):
    """Customers split between three salespersons (made when there are none)."""
    env.cr.execute(
        """
        SELECT partner_id FROM spm_assignment WHERE kind = 'split' AND partner_id = ANY(%s)
         GROUP BY partner_id HAVING COUNT(*) = 3 LIMIT 50
    """,
        [info["customers"]],
    )
    found = [row[0] for row in env.cr.fetchall()]
    if found:
        return found
    team = info["salespersons"][:3]
    partner = env["res.partner"].create(
        {
            "name": "Bench three-way customer",
            "is_company": True,
            "spm_assignment_ids": [
                (0, 0, {"user_id": u, "share": s, "date_from": "2000-01-01"})
                for u, s in zip(team, (50.0, 30.0, 20.0), strict=True)
            ],
        }
    )
    return partner.ids


if __name__ == "__main__":
    sys.exit(main())
