"""``./spm bench``: the benchmarks of ``tests/benchmarks/run.py`` on a fresh
database of generated data, written to ``docs/benchmarks.md``."""

import subprocess

from .common import ADDONS, ROOT, STATE, VENV_PYTHON, free_port, say
from .instance import install_addons, odoo_config, prepare


def cmd_bench(args):
    """Measure the addons against Odoo's baseline on a fresh database of generated data."""
    db = prepare()
    conf = odoo_config(db, free_port())
    dbname = f"spm_bench_{str(args.scale).replace('.', '_')}"
    db.drop(dbname)
    say(f"installing the SPM addons without demo data in '{dbname}'")
    install_addons(conf, dbname, STATE / "logs" / f"{dbname}.log", ADDONS, "--without-demo=all")
    bench = [
        str(VENV_PYTHON),
        "-m",
        "tests.benchmarks.run",
        "--conf",
        str(conf),
        "--db",
        dbname,
        "--scale",
        str(args.scale),
    ]
    # The incentives' and the production topology's benchmarks are scripts of their own, run
    # after the others on the same database.
    only = [name for name in args.only or () if name not in ("incentive", "production")]
    if only:
        bench += ["--only", *only]
    rc = subprocess.run(bench, cwd=ROOT, check=False).returncode if only or not args.only else 0
    if not args.only or "incentive" in args.only:
        incentive = [str(VENV_PYTHON), "-m", "tests.benchmarks.incentive_bench"]
        incentive += ["--conf", str(conf), "--db", dbname, "--scale", str(args.scale)]
        if not args.only:
            incentive += ["--output", str(ROOT / "docs" / "benchmarks.md")]
        rc = subprocess.run(incentive, cwd=ROOT, check=False).returncode or rc
    if not args.only or "production" in args.only:
        production = [str(VENV_PYTHON), "-m", "tests.benchmarks.production_bench", "--conf", str(conf)]
        production += ["--db", dbname, "--output", str(ROOT / "docs" / "benchmarks.md")]
        rc = subprocess.run(production, cwd=ROOT, check=False).returncode or rc
    if not args.keep:
        db.drop(dbname)
    return rc
