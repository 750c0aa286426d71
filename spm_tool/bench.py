"""``./spm bench``: the benchmarks of ``tests/benchmarks/run.py`` on a fresh
database of generated data, written to ``docs/benchmarks.md``."""

import subprocess

from .common import ADDONS, ROOT, STATE, VENV_PYTHON, free_port, say
from .instance import install_addons, odoo_config, prepare

OUTPUT = ROOT / "docs" / "benchmarks.md"
# Benchmarks that are scripts of their own (not of tests/benchmarks/run.py), run after the
# others on the same database: the name ``--only`` knows them by, and their module.
SCRIPTS = {
    "incentive": "tests.benchmarks.incentive_bench",
    "production": "tests.benchmarks.production_bench",
    "upload100k": "tests.benchmarks.upload_production_bench",
}
# Of those, the ones measured on a company of the run's scale (the others make what they need).
SCALED = {"incentive"}


def bench_commands(only, conf, dbname, scale, output=OUTPUT):
    """The command lines of a run of the benchmarks ``only`` (all when empty), each
    writing its figures to ``output``: a full run writes the table of run.py, a run of
    some of them their own sections (see tests/benchmarks/run.py)."""
    common = ["--conf", str(conf), "--db", dbname, "--output", str(output)]
    commands = []
    names = [name for name in only or () if name not in SCRIPTS]
    if names or not only:
        command = [str(VENV_PYTHON), "-m", "tests.benchmarks.run", *common, "--scale", str(scale)]
        commands.append(command + (["--only", *names] if names else []))
    for name, module in SCRIPTS.items():
        if not only or name in only:
            command = [str(VENV_PYTHON), "-m", module, *common]
            commands.append([*command, "--scale", str(scale)] if name in SCALED else command)
    return commands


def cmd_bench(args):
    """Measure the addons against Odoo's baseline on a fresh database of generated data."""
    db = prepare()
    conf = odoo_config(db, free_port())
    dbname = f"spm_bench_{str(args.scale).replace('.', '_')}"
    db.drop(dbname)
    say(f"installing the SPM addons without demo data in '{dbname}'")
    install_addons(conf, dbname, STATE / "logs" / f"{dbname}.log", ADDONS, "--without-demo=all")
    rc = 0
    for command in bench_commands(args.only, conf, dbname, args.scale):
        rc = subprocess.run(command, cwd=ROOT, check=False).returncode or rc
    if not args.keep:
        db.drop(dbname)
    return rc
