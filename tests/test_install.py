"""Install the SPM addons one by one on an empty database, then uninstall them.

The Odoo tests of ``./spm test`` install the three addons together, with demo
data. This checks what a real deployment does: a database without demo data,
each addon installed on its own in dependency order (so that every manifest
declares all it needs), and then a clean uninstall in reverse order.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

# The header of an Odoo log record: "date time pid LEVEL db logger: message".
LOG_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) ")
BAD_LEVELS = {"ERROR", "CRITICAL"}
# Installing Odoo's base, sale_management and account from scratch on the
# 2-core machines of CI takes a few minutes; this only stops a hung process.
STEP_TIMEOUT = 1800

UNINSTALL_SCRIPT = """\
module = env['ir.module.module'].search([('name', '=', {name!r})])
if module.state != 'installed':
    raise SystemExit('{name}: state %r, expected installed' % (module.state or 'missing'))
module.button_immediate_uninstall()
env.cr.commit()
print('SPM-UNINSTALLED {name}')
"""


def _error_lines(log: str) -> list[str]:
    return [
        line
        for line in log.splitlines()
        if (match := LOG_RECORD.match(line)) and match["level"] in BAD_LEVELS
    ]


def _tail(log: str, lines: int = 60) -> str:
    return "\n".join(log.splitlines()[-lines:])


@pytest.fixture
def install_db(odoo_env, drop_database):
    """The name of a database of this test, dropped before and after it."""
    name = f"{odoo_env.db}_install"
    drop_database(name)
    try:
        yield name
    finally:
        drop_database(name)


def test_install_one_by_one_without_demo_then_uninstall(
    odoo_env, spm_addons, install_db, pg_connect, free_port, tmp_path: Path
):
    def run_odoo(step: str, *args: str, stdin: str | None = None) -> str:
        """Run odoo-bin; return its output once it exited 0 with no error logged."""
        cmd = odoo_env.odoo_cmd(
            *args,
            "-c",
            str(odoo_env.conf),
            "-d",
            install_db,
            "--http-port",
            str(free_port()),
            "--workers",
            "0",
            "--max-cron-threads",
            "0",
            "--log-level",
            "info",
        )
        proc = subprocess.run(
            cmd,
            input=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=STEP_TIMEOUT,
            check=False,
        )
        log_file = tmp_path / f"{step}.log"
        log_file.write_text(proc.stdout, encoding="utf-8")
        exit_code = proc.returncode
        assert exit_code == 0, (
            f"{step}: odoo-bin exited {exit_code} (full log: {log_file})\n{_tail(proc.stdout)}"
        )
        # A configuration that logs to a file would leave nothing to check.
        assert any(LOG_RECORD.match(line) for line in proc.stdout.splitlines()), (
            f"{step}: no Odoo log record on the output (is a logfile configured?)"
        )
        errors = _error_lines(proc.stdout)
        assert not errors, f"{step}: errors logged (full log: {log_file})\n" + "\n".join(errors[:20])
        return proc.stdout

    def states(names) -> dict[str, str]:
        with pg_connect(install_db) as conn, conn.cursor() as cr:
            cr.execute("SELECT name, state FROM ir_module_module WHERE name = ANY(%s)", [list(names)])
            return dict(cr.fetchall())

    def query_one(sql: str, params=()):
        with pg_connect(install_db) as conn, conn.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchone()[0]

    # Install each addon on its own, in dependency order.
    for index, addon in enumerate(spm_addons):
        log = run_odoo(f"install-{addon}", "-i", addon, "--without-demo=all", "--stop-after-init")
        assert "Modules loaded." in log, f"install {addon}: Odoo did not finish loading the modules"
        expected = dict.fromkeys(spm_addons[: index + 1], "installed")
        expected.update(dict.fromkeys(spm_addons[index + 1 :], "uninstalled"))
        assert states(spm_addons) == expected, f"after installing {addon}"

    assert query_one("SELECT bool_or(demo) FROM ir_module_module WHERE state = 'installed'") is False, (
        "demo data was loaded although the addons were installed with --without-demo=all"
    )
    dependencies = ("sale_management", "account", "portal")
    assert states(dependencies) == dict.fromkeys(dependencies, "installed")

    # Uninstall them in reverse order, through odoo-bin shell as an admin would.
    for index, addon in enumerate(reversed(spm_addons)):
        log = run_odoo(f"uninstall-{addon}", "shell", stdin=UNINSTALL_SCRIPT.format(name=addon))
        assert f"SPM-UNINSTALLED {addon}" in log, f"uninstall {addon}: the shell script did not finish"
        remaining = spm_addons[: len(spm_addons) - index - 1]
        expected = dict.fromkeys(spm_addons, "uninstalled")
        expected.update(dict.fromkeys(remaining, "installed"))
        assert states(spm_addons) == expected, f"after uninstalling {addon}"

    assert states(spm_addons) == dict.fromkeys(spm_addons, "uninstalled")
    # What the addons depend on stays; what they created is gone.
    assert states(dependencies) == dict.fromkeys(dependencies, "installed")
    leftovers = query_one("SELECT count(*) FROM ir_model_data WHERE module = ANY(%s)", [list(spm_addons)])
    assert leftovers == 0, f"{leftovers} record(s) of the uninstalled addons remain in ir_model_data"
