"""``./spm test``: the Odoo tests of the addons (installed with
``--test-enable`` on a throwaway database), then the tests under ``tests/``
with pytest on the same database, and one line ``N passed, N failed``.

Odoo 18 writes no structured test report: its result is read from its log
(the ``odoo.tests.result`` line, the ``skipped`` lines of its test runner and
the ERROR records). pytest's is read from its JUnit XML report with
``xml.etree.ElementTree``.
"""

import os
import re
import subprocess
import xml.etree.ElementTree as ET

from .common import ADDONS, ODOO_HOME, ROOT, STATE, VENV_PYTHON, free_port, say
from .instance import (
    LOG_ERROR,
    ensure_chromium,
    install_addons,
    odoo_config,
    odoo_test_cmd,
    prepare,
)

TEST_RESULT = re.compile(r"odoo\.tests\.result: (\d+) failed, (\d+) error\(s\) of (\d+) tests")
SKIPPED = re.compile(r" INFO \S+ odoo\.addons\.\S+: skipped ")
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ [A-Z]+ ")


def run_odoo_tests(conf, dbname, addons=ADDONS):
    """Install ``addons`` with --test-enable and run their tests; return
    (passed, failed, skipped)."""
    log = STATE / "logs" / f"{dbname}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    tags = ",".join(f"/{a}" for a in addons)
    cmd = odoo_test_cmd(conf, dbname, ",".join(addons), tags)
    say(f"running the Odoo tests of {', '.join(addons)} on the throwaway database '{dbname}' (log: {log})")
    failed = errors = run = skipped = 0
    error_lines = 0
    showing = False
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in proc.stdout:
            out.write(line)
            if match := TEST_RESULT.search(line):
                failed, errors, run = map(int, match.groups())
            if SKIPPED.search(line):
                skipped += 1
            # Show errors with their tracebacks (the lines up to the next log line) and the summary.
            if LOG_LINE.match(line):
                is_error = bool(LOG_ERROR.search(line))
                error_lines += is_error
                showing = is_error or "odoo.tests.stats" in line or "odoo.tests.result" in line
            if showing:
                print("  " + line.rstrip()[:400], flush=True)
        proc.wait()
    if not run:
        say("the Odoo test run ended without a test report")
        return 0, 1, 0
    bad = failed + errors
    if not bad and (error_lines or proc.returncode):
        say(f"{error_lines} error line(s) in the log (exit code {proc.returncode})")
        bad = 1
    return run - failed - errors - skipped, bad, skipped


def junit_counts(path):
    """(tests, failed, skipped) of a JUnit XML report, failed counting errors;
    None when the file is missing or not a report."""
    try:
        # The report pytest has just written, not untrusted input.
        root = ET.parse(path).getroot()  # noqa: S314
    except (OSError, ET.ParseError):
        return None
    # pytest writes <testsuites><testsuite .../></testsuites>; older versions a bare <testsuite>.
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    if not suites:
        return None
    tests = failed = skipped = 0
    for suite in suites:
        tests += int(suite.get("tests", 0))
        failed += int(suite.get("errors", 0)) + int(suite.get("failures", 0))
        skipped += int(suite.get("skipped", 0))
    return tests, failed, skipped


def run_pytest(db, conf, dbname, keyword=None):
    """Run the tests under tests/ with pytest (those ``keyword`` selects, as
    pytest's -k); return (passed, failed, skipped)."""
    junit = STATE / "logs" / "pytest.xml"
    junit.parent.mkdir(parents=True, exist_ok=True)
    junit.unlink(missing_ok=True)
    env = dict(
        os.environ,
        **db.env(),
        SPM_ODOO_CONF=str(conf),
        SPM_ODOO_DB=dbname,
        SPM_ODOO_BIN=str(ODOO_HOME / "odoo-bin"),
        SPM_PYTHON=str(VENV_PYTHON),
    )
    say("running the tests under tests/ with pytest" + (f" selected by -k {keyword!r}" if keyword else ""))
    cmd = [str(VENV_PYTHON), "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}"]
    if keyword:
        cmd += ["-k", keyword]
    subprocess.run([*cmd, "tests"], cwd=ROOT, env=env, check=False)
    counts = junit_counts(junit)
    if not counts or not counts[0]:
        return 0, 1, 0
    tests, failed, skipped = counts
    return tests - failed - skipped, failed, skipped


def cmd_test(args):
    """``./spm test``: see the module's docstring and ``./spm test --help``."""
    run_odoo = not args.pytest_only and not args.keyword
    run_py = not args.odoo_only and not args.only
    db = prepare()
    ensure_chromium()
    dbname = f"spm_test_{os.getpid()}"
    conf = odoo_config(db, free_port())
    totals = [0, 0, 0]
    try:
        if run_odoo:
            for i, n in enumerate(run_odoo_tests(conf, dbname, tuple(args.only or ADDONS))):
                totals[i] += n
        elif run_py:
            # The tests under tests/ run against a database with every addon installed.
            say(f"installing {', '.join(ADDONS)} in the throwaway database '{dbname}'")
            install_addons(conf, dbname, STATE / "logs" / f"{dbname}.log", ADDONS)
        if run_py:
            for i, n in enumerate(run_pytest(db, conf, dbname, args.keyword)):
                totals[i] += n
    finally:
        if not args.keep:
            db.drop(dbname)
    passed, failed, skipped = totals
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed or not passed else 0
