"""SPM for Odoo: the project's two commands, and the plumbing behind them.

    ./spm run     set up Odoo 18, PostgreSQL and a demo database, then serve it
                  (--production: behind nginx, prefork workers, a read replica)
    ./spm test    run every test of the addons on a throwaway database
                  (--only ADDON ...: the Odoo tests of some addons only;
                  -k EXPRESSION: some tests under tests/ only;
                  --odoo-suites: Odoo's own suites with the addons, against
                  a run without them)
    ./spm lint    ruff and pylint-odoo over the addons and the tooling
    ./spm bench   the benchmarks, written to docs/benchmarks.md
    ./spm setup   install Odoo and start PostgreSQL only
    ./spm stop    stop the embedded PostgreSQL (and its replica)

Everything this command installs lives outside the clone (``$SPM_HOME``,
by default ``~/.cache/spm``: the Odoo source and the virtual environment),
except the embedded PostgreSQL cluster, the Odoo configuration and the
filestore, which live in the git-ignored ``.spm/`` folder of the clone.

Environment:
    ODOO_SRC           a local Odoo 18.0 source tree to install from (once)
    SPM_DATABASE_URL   postgresql://user:password@host:port of an existing
                       server to use instead of the embedded cluster
    SPM_HOME           where Odoo and the virtual environment are kept
    SPM_HTTP_PORT      the web port of ``./spm run`` (default 8069)
"""

import argparse
import os
import subprocess

from .bench import cmd_bench
from .common import ADDONS, ROOT, STATE, VENV, VENV_PYTHON, SpmError, say
from .database import Database
from .install import setup_odoo
from .instance import install_addons, odoo_cmd, odoo_config, prepare
from .production import REPLICA, REPLICA_SLOT, Replica, run_production
from .suites import cmd_odoo_suites
from .testrun import cmd_test

DEMO_DB = "spm"
DEMO_LOGINS = (
    ("Administrator", "admin", "admin"),
    ("Sales manager", "spm_manager", "spm_manager"),
    ("Salesperson", "spm_sales", "spm_sales"),
    ("Accountant", "spm_accountant", "spm_accountant"),
    ("Distributor (portal)", "spm_distributor", "spm_distributor"),
)
# What ./spm lint checks with ruff (pylint-odoo checks the addons).
LINT_PATHS = ("addons", "tests", "tools", "spm", "spm_tool")


def cmd_run(args):
    db = prepare()
    port = int(os.environ.get("SPM_HTTP_PORT") or args.port or 8069)
    conf = odoo_config(db, port)
    if not db.exists(DEMO_DB):
        say(f"creating the database '{DEMO_DB}' with the SPM addons and their demo data")
        try:
            install_addons(conf, DEMO_DB, STATE / "install.log", ADDONS)
        except (SpmError, KeyboardInterrupt):
            # A half-installed database would be served as it is by the next run.
            db.drop(DEMO_DB)
            raise
    if args.production and not args.no_serve:
        return run_production(
            db,
            conf,
            DEMO_DB,
            port,
            args.workers,
            args.cron_workers,
            not args.no_replica,
            _banner,
        )
    _banner(f"http://localhost:{port}")
    if args.no_serve:
        return 0
    os.execv(str(VENV_PYTHON), odoo_cmd(conf, "-d", DEMO_DB, "--db-filter", f"^{DEMO_DB}$"))
    return 0


def _banner(url):
    print(f"\nSPM for Odoo is starting at {url}/odoo (database '{DEMO_DB}')")
    print("Demo logins (login / password):")
    for role, login, password in DEMO_LOGINS:
        print(f"  {role:22} {login} / {password}")
    print("Stop it with Ctrl+C.\n", flush=True)


def cmd_tests(args):
    """``./spm test``, or with ``--odoo-suites`` Odoo's own suites."""
    if args.odoo_suites:
        return cmd_odoo_suites(args)
    return cmd_test(args)


def cmd_lint(_args):
    setup_odoo()
    paths = [p for p in LINT_PATHS if (ROOT / p).exists()]
    ok = subprocess.run([str(VENV / "bin" / "ruff"), "check", *paths], cwd=ROOT, check=False).returncode == 0
    pylint = subprocess.run(
        [str(VENV / "bin" / "pylint"), "--rcfile=setup.cfg", *(f"addons/{a}" for a in ADDONS)],
        cwd=ROOT,
        check=False,
    )
    ok = ok and pylint.returncode == 0
    say("lint " + ("clean" if ok else "found problems"))
    return 0 if ok else 1


def cmd_setup(_args):
    prepare()
    return 0


def cmd_stop(_args):
    # The replica first: it would only try to reconnect to a stopped primary.
    db = Database()
    Replica(db, REPLICA, REPLICA_SLOT).stop()
    db.stop()
    return 0


def _parser():
    parser = argparse.ArgumentParser(prog="spm", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="set up and serve Odoo with the SPM addons and demo data")
    run.add_argument("--port", type=int, help="web port (default 8069)")
    run.add_argument("--no-serve", action="store_true", help="set everything up, then exit")
    run.add_argument(
        "--production",
        action="store_true",
        help="serve as in production: nginx on the port, Odoo's prefork workers and gevent worker "
        "behind it, reads marked read-only from a streaming replica of the embedded PostgreSQL",
    )
    run.add_argument(
        "--workers", type=int, default=2, help="with --production: Odoo's HTTP workers (default 2)"
    )
    run.add_argument(
        "--cron-workers", type=int, default=1, help="with --production: Odoo's cron workers (default 1)"
    )
    run.add_argument("--no-replica", action="store_true", help="with --production: no read replica")
    run.set_defaults(func=cmd_run)
    test = sub.add_parser("test", help="run all tests on a throwaway database")
    test.add_argument("--keep", action="store_true", help="keep the test database")
    part = test.add_mutually_exclusive_group()
    part.add_argument("--odoo-only", action="store_true", help="only the Odoo tests of the addons")
    part.add_argument("--pytest-only", action="store_true", help="only the tests under tests/")
    part.add_argument(
        "--only",
        nargs="+",
        choices=ADDONS,
        metavar="ADDON",
        help="only the Odoo tests of these addons, installing only them and the addons they depend on "
        "(no tests under tests/)",
    )
    part.add_argument(
        "-k",
        dest="keyword",
        metavar="EXPRESSION",
        help="only the tests under tests/ that pytest's -k EXPRESSION selects, on a database with "
        "the addons installed (no Odoo tests)",
    )
    part.add_argument(
        "--odoo-suites",
        action="store_true",
        help="only Odoo's own tests of sale, sale_management, portal and account, with the addons "
        "and crediting active, against a (cached) run without the addons",
    )
    test.add_argument(
        "--as-installed",
        action="store_true",
        help="with --odoo-suites: the addons as installed, no crediting",
    )
    test.set_defaults(func=cmd_tests)
    bench = sub.add_parser("bench", help="run the benchmarks and write docs/benchmarks.md")
    bench.add_argument("--scale", type=float, default=1.0, help="size of the generated company (default 1)")
    bench.add_argument(
        "--only", nargs="*", help="only these benchmarks (their figures in sections of their own)"
    )
    bench.add_argument("--keep", action="store_true", help="keep the benchmark database")
    bench.set_defaults(func=cmd_bench)
    sub.add_parser("lint", help="ruff and pylint-odoo").set_defaults(func=cmd_lint)
    sub.add_parser("setup", help="install Odoo and start PostgreSQL only").set_defaults(func=cmd_setup)
    sub.add_parser("stop", help="stop the embedded PostgreSQL and its replica").set_defaults(func=cmd_stop)
    return parser


def main(argv=None):
    """Run the subcommand of ``argv`` (default: the command line); return the exit code."""
    args = _parser().parse_args(argv)
    try:
        return args.func(args)
    except SpmError as exc:
        say(f"error: {exc}")
        return 2
    except KeyboardInterrupt:
        return 130
