"""``./spm test --odoo-suites``: Odoo's own tests of sale, sale_management,
portal and account with the addons installed (and crediting active, unless
``--as-installed``), compared test by test with a run without the addons,
whose result is cached per Odoo tree in ``$SPM_HOME/odoo-suites/``.

Odoo 18 writes no structured test report: the tests that ran, failed (with
the key line of their traceback) or were skipped are read from its log
records, under Odoo's test ids.
"""

import ast
import hashlib
import json
import os
import re
import subprocess
import time
from pathlib import Path

from .common import ODOO_HOME, ROOT, SPM_HOME, STATE, VENV, SpmError, free_port, say
from .install import addons_roots
from .instance import ensure_chromium, odoo_config, odoo_test_cmd, prepare
from .testrun import TEST_RESULT

# Test-only modules that re-export the test suites of Odoo's sale,
# sale_management, portal and account (tests/odoo_suites/README.md).
SUITES_DIR = ROOT / "tests" / "odoo_suites"
SUITES_BASELINE = "spm_suites_baseline"
SUITES_MODULES = {"installed": "spm_suites", "crediting": "spm_suites_crediting"}
SUITES_DEPENDS = ("sale_management", "account", "portal")
SUITES_FORMAT = "1"  # bump when what a cached baseline holds changes
SUITE_RECORD = re.compile(r"^\S+ \S+ \d+ (?P<level>[A-Z]+) \S+ (?P<logger>[\w.]+): (?P<message>.*)$")
SUITE_MODULE = re.compile(r"^odoo\.addons\.\w+\.tests\.test_(?P<addon>\w+?)__(?P<module>\w+)$")
SUITE_CLASS_ERROR = re.compile(
    r"^(?P<hook>setUpClass|tearDownClass|setUpModule|tearDownModule) \((?P<path>[\w.]+)\)$"
)
SUITE_CREDIT = re.compile(r"^spm_suites: (\d+) credit (lines written|issues opened)$")


def _suite_test_id(logger, description):
    """Odoo's id of a re-exported test, ``<addon>.<module>.<Class>.<method>``,
    from the logger (the re-exported module) and the description of a log record."""
    match = SUITE_CLASS_ERROR.match(description)
    if match:
        logger, _dot, klass = match["path"].rpartition(".")
        description = f"{klass}.{match['hook']}"
    elif description.startswith("Subtest "):
        # "Subtest Class.method (params)": the test fails as a whole.
        description = description.split()[1]
    module = SUITE_MODULE.match(logger)
    if not module:
        return f"{logger}: {description}"
    return f"{module['addon']}.{module['module']}.{description}"


def _key_line(traceback_lines):
    """The exception line of a traceback: the first unindented line after its last frame."""
    frames = [i for i, line in enumerate(traceback_lines) if line.startswith("  File ")]
    for line in traceback_lines[frames[-1] + 1 if frames else 0 :]:
        if line.strip() and not line.startswith(" "):
            return line.strip()[:300]
    return next((line.strip()[:300] for line in reversed(traceback_lines) if line.strip()), "")


def parse_suite_log(lines):
    """Read an Odoo test log: the tests started, the tests failed (with the
    key line of their traceback), the tests skipped, Odoo's own summary and
    the credit the spm_suites module reported."""
    result = {"tests": set(), "failed": {}, "skipped": set(), "summary": None, "credit_lines": 0, "issues": 0}
    failure, traceback_lines = None, []

    def close():
        if failure and failure not in result["failed"]:
            result["failed"][failure] = _key_line(traceback_lines)

    for raw in lines:
        line = raw.rstrip("\n")
        record = SUITE_RECORD.match(line)
        if not record:
            traceback_lines.append(line)
            continue
        close()
        failure, traceback_lines = None, []
        logger, message = record["logger"], record["message"].rstrip()
        if match := TEST_RESULT.search(line):
            result["summary"] = tuple(map(int, match.groups()))
        elif match := SUITE_CREDIT.match(message):
            result["credit_lines" if match[2] == "lines written" else "issues"] += int(match[1])
        elif message.startswith("Starting ") and message.endswith(" ..."):
            result["tests"].add(_suite_test_id(logger, message[len("Starting ") : -len(" ...")]))
        elif message.startswith("skipped ") and " : " in message:
            result["skipped"].add(_suite_test_id(logger, message[len("skipped ") :].split(" : ")[0]))
        elif record["level"] == "ERROR" and (match := re.match(r"(FAIL|ERROR): (.+)$", message)):
            failure = _suite_test_id(logger, match[2])
    close()
    return result


def _suites_cache_key():
    """A digest of everything a baseline run depends on: Odoo's core, the addons
    the suites need (their dependency closure), the venv's packages and the
    baseline module."""
    roots = addons_roots(ODOO_HOME)
    todo, closure = ["base", "web", *SUITES_DEPENDS], {}
    while todo:
        name = todo.pop()
        if name in closure:
            continue
        path = next((r / name for r in roots if (r / name / "__manifest__.py").is_file()), None)
        if not path:
            raise SpmError(f"Odoo's addon {name} cannot be found in {ODOO_HOME}")
        closure[name] = path
        todo += ast.literal_eval((path / "__manifest__.py").read_text(encoding="utf-8")).get("depends", [])
    trees = [ODOO_HOME / "odoo", *sorted(closure.values()), SUITES_DIR / SUITES_BASELINE]
    digest = hashlib.sha256(SUITES_FORMAT.encode())
    # The Python packages Odoo runs with, by name and version.
    packages = sorted(p.name for p in VENV.glob("lib/python*/site-packages/*.dist-info"))
    digest.update(" ".join(packages).encode())
    skipped = {r.resolve() for r in roots}
    for tree in trees:
        for folder, dirs, files in os.walk(tree):
            here = Path(folder)
            # Odoo's core without the addons: those of the closure are hashed on their own.
            dirs[:] = sorted(d for d in dirs if d != "__pycache__" and (here / d).resolve() not in skipped)
            for name in sorted(files):
                if not name.endswith(".pyc"):
                    digest.update(str((here / name).relative_to(tree.parent)).encode())
                    digest.update((here / name).read_bytes())
    return digest.hexdigest()


def _run_suites(db, conf, dbname, module, keep=False):
    """Install ``module`` (one of the suites' modules) with its tests on a fresh
    database (dropped after, unless ``keep``); return the parsed log and its path."""
    log = STATE / "logs" / f"{dbname}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    roots = [ROOT / "addons", SUITES_DIR, *addons_roots(ODOO_HOME)]
    cmd = odoo_test_cmd(conf, dbname, module, f"/{module}", "--addons-path", ",".join(map(str, roots)))
    say(f"running Odoo's suites with '{module}' on the throwaway database '{dbname}' (log: {log})")
    start = time.monotonic()
    db.drop(dbname)
    try:
        with open(log, "w") as out:
            subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, check=False)
    finally:
        if not keep:
            db.drop(dbname)
    with open(log, encoding="utf-8", errors="replace") as lines:
        result = parse_suite_log(lines)
    elapsed = time.monotonic() - start
    say(f"{module}: {len(result['tests'])} tests, {len(result['failed'])} failing, in {elapsed / 60:.1f} min")
    if not result["summary"] or not result["tests"]:
        raise SpmError(f"the run of '{module}' ended without a test report; see {log}")
    failed, errors, _run = result["summary"]
    if (failed or errors) and not result["failed"]:
        raise SpmError(f"Odoo reports failures in the run of '{module}' that its log does not name ({log})")
    return result, log


def _suites_baseline(db, conf, keep=False):
    """The baseline without the addons: cached per Odoo tree, computed when missing."""
    key = _suites_cache_key()
    cache = SPM_HOME / "odoo-suites" / f"baseline-{key[:24]}.json"
    if cache.is_file():
        data = json.loads(cache.read_text())
        say(f"baseline without the addons from the cache {cache}")
        return {**data, "tests": set(data["tests"]), "skipped": set(data["skipped"])}
    result, _log = _run_suites(db, conf, f"spm_suites_baseline_{os.getpid()}", SUITES_BASELINE, keep)
    cache.parent.mkdir(parents=True, exist_ok=True)
    data = {**result, "tests": sorted(result["tests"]), "skipped": sorted(result["skipped"]), "key": key}
    tmp = cache.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
    tmp.rename(cache)
    return result


def cmd_odoo_suites(args):
    """Odoo's own tests of sale, sale_management, portal and account with the
    addons installed (and crediting active, unless ``--as-installed``), compared
    test by test with a run without the addons."""
    db = prepare()
    ensure_chromium()
    conf = odoo_config(db, free_port())
    config = "installed" if args.as_installed else "crediting"
    baseline = _suites_baseline(db, conf, args.keep)
    result, log = _run_suites(db, conf, f"spm_suites_{os.getpid()}", SUITES_MODULES[config], args.keep)
    new = {test: line for test, line in sorted(result["failed"].items()) if test not in baseline["failed"]}
    missing = sorted(baseline["tests"] - result["tests"])
    known = set(result["failed"]) & set(baseline["failed"])
    say(
        f"with the addons ({config}): {len(result['tests'])} tests, {len(result['failed'])} failing; "
        f"without them: {len(baseline['tests'])} tests, {len(baseline['failed'])} failing"
    )
    say(
        f"the credit engine wrote {result['credit_lines']} credit lines "
        f"and opened {result['issues']} credit issues"
    )
    for test, line in new.items():
        print(f"  FAIL with the addons only: {test}\n      {line}")
    for test in missing:
        print(f"  NOT RUN with the addons: {test}")
    if new or missing:
        say(f"tracebacks in {log}")
    failed = len(new) + len(missing)
    if config == "crediting" and not result["credit_lines"]:
        say("crediting was meant to be active, but no credit line was written")
        failed += 1
    if known:
        say(f"{len(known)} test(s) fail without the addons too (not counted)")
    passed = len(result["tests"] - set(result["failed"]) - result["skipped"])
    skipped = len(result["skipped"] - set(result["failed"]))
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed or not passed else 0


