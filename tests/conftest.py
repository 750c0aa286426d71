"""Shared fixtures of the repository-level tests.

``./spm test`` runs these tests from the repository root, after the Odoo tests
of the addons, with the environment of its throwaway Odoo instance:

``SPM_ODOO_CONF``  the Odoo configuration file (addons path, database server)
``SPM_ODOO_DB``    the name of its throwaway database
``SPM_ODOO_BIN``   ``odoo-bin`` of the Odoo 18.0 source tree
``SPM_PYTHON``     the Python of the virtual environment Odoo runs in
``PGHOST``, ``PGPORT``, ``PGUSER``, ``PGPASSWORD``  the PostgreSQL server

Tests that need Odoo are skipped when these are missing, which only happens
when pytest is started by hand instead of through ``./spm test``.
"""

from __future__ import annotations

import configparser
import os
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from spm_tool.common import ADDONS as SPM_ADDONS

REPO_ROOT = Path(__file__).resolve().parent.parent
ODOO_ENV_VARS = ("SPM_ODOO_CONF", "SPM_ODOO_DB", "SPM_ODOO_BIN", "SPM_PYTHON")
# Run in ``odoo-bin shell``: an API key of the demo distributor, committed.
GENERATE_API_KEY = """
user = env.ref("spm_portal.user_spm_distributor")
key = env["res.users.apikeys"].with_user(user).sudo()._generate(None, "pytest", None)
env.cr.commit()
print("SPM-KEY", key)
"""


def _conf_value(value: str | None) -> str | None:
    """An Odoo configuration value, with Odoo's 'False'/'None' read as unset."""
    if value is None or value.strip() in ("", "False", "None"):
        return None
    return value.strip()


@dataclass(frozen=True)
class OdooEnv:
    """The Odoo instance that ``./spm test`` prepared."""

    conf: Path
    db: str
    odoo_bin: Path
    python: Path

    @property
    def options(self) -> dict[str, str]:
        """The ``[options]`` section of the Odoo configuration file."""
        parser = configparser.RawConfigParser()
        parser.read(self.conf, encoding="utf-8")
        return dict(parser.items("options")) if parser.has_section("options") else {}

    def odoo_cmd(self, *args: str) -> list[str]:
        """The command line of ``odoo-bin *args`` run by the venv's Python."""
        return [str(self.python), str(self.odoo_bin), *args]

    def pg_params(self, dbname: str) -> dict[str, str]:
        """psycopg2 connection parameters for ``dbname`` on Odoo's server.

        The configuration file names the server Odoo uses; what it leaves
        unset comes from the PG* environment variables, as for Odoo itself.
        """
        options = self.options
        params = {"dbname": dbname}
        for key in ("host", "port", "user", "password"):
            value = _conf_value(options.get(f"db_{key}"))
            if value is not None:
                params[key] = value
        return params

    def filestore(self, dbname: str) -> Path | None:
        data_dir = _conf_value(self.options.get("data_dir"))
        return Path(data_dir) / "filestore" / dbname if data_dir else None


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def spm_addons() -> tuple[str, ...]:
    """The SPM addons, each listed after those it depends on."""
    return SPM_ADDONS


@pytest.fixture(scope="session")
def odoo_env() -> OdooEnv:
    """The Odoo instance of ``./spm test``; skips the test outside of it."""
    missing = [name for name in ODOO_ENV_VARS if not os.environ.get(name)]
    if missing:
        pytest.skip(
            f"needs Odoo: {', '.join(missing)} not set (run the tests with ./spm test, which sets them)"
        )
    env = OdooEnv(
        conf=Path(os.environ["SPM_ODOO_CONF"]),
        db=os.environ["SPM_ODOO_DB"],
        odoo_bin=Path(os.environ["SPM_ODOO_BIN"]),
        python=Path(os.environ["SPM_PYTHON"]),
    )
    for path in (env.conf, env.odoo_bin, env.python):
        if not path.is_file():
            pytest.fail(f"{path} does not exist (from the SPM_* environment variables)")
    _no_stock_holds_for_the_demo_distributor(env)
    return env


def _no_stock_holds_for_the_demo_distributor(env: OdooEnv) -> None:
    """These tests push, upload and credit thousands of billings of the demo
    distributor, far beyond the stock its demo statement and invoices give it:
    its tolerance is raised so that they are not held for want of stock (stock
    holds have their own tests in spm_portal)."""
    import psycopg2  # in the venv of ./spm, whose Python runs these tests

    with psycopg2.connect(**env.pg_params(env.db)) as conn, conn.cursor() as cr:
        cr.execute(
            """UPDATE res_partner SET spm_stock_tolerance = 1e9
                WHERE id IN (SELECT p.commercial_partner_id FROM res_users u
                               JOIN res_partner p ON p.id = u.partner_id
                              WHERE u.login = 'spm_distributor')"""
        )
    conn.close()


@pytest.fixture(scope="session")
def pg_connect(odoo_env: OdooEnv) -> Callable:
    """``pg_connect(dbname)``: a context manager yielding an autocommit
    psycopg2 connection to ``dbname`` on Odoo's PostgreSQL server."""
    import psycopg2  # in the venv of ./spm, whose Python runs these tests

    @contextmanager
    def connect(dbname: str = "postgres") -> Iterator:
        conn = psycopg2.connect(**odoo_env.pg_params(dbname))
        conn.autocommit = True
        try:
            yield conn
        finally:
            conn.close()

    return connect


@pytest.fixture(scope="session")
def drop_database(odoo_env: OdooEnv, pg_connect: Callable) -> Callable[[str], None]:
    """``drop_database(name)``: drop a database and its filestore, if any."""

    def drop(dbname: str) -> None:
        with pg_connect("postgres") as conn, conn.cursor() as cr:
            # Identifier quoting by hand: the names are made by the tests.
            cr.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        filestore = odoo_env.filestore(dbname)
        if filestore is not None:
            shutil.rmtree(filestore, ignore_errors=True)

    return drop


@pytest.fixture
def free_port() -> Callable[[], int]:
    """``free_port()``: a TCP port of 127.0.0.1 that nothing listens on now."""

    def pick() -> int:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]

    return pick


@pytest.fixture(scope="session")
def odoo_registry(odoo_env: OdooEnv):
    """The registry of the test database, in this process: Odoo's configuration
    can be parsed once per process, so every test that needs it shares it."""
    import odoo  # noqa: PLC0415 - the venv's Odoo, only for the tests that need it
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", str(odoo_env.conf), "--max-cron-threads", "0"])
    return Registry(odoo_env.db)


@pytest.fixture(scope="session")
def api_key(odoo_env: OdooEnv) -> str:
    """An API key of the demo distributor ``spm_distributor`` in the test
    database (./spm test installs the addons with their demo data)."""
    shell = subprocess.run(
        odoo_env.odoo_cmd("shell", "-c", str(odoo_env.conf), "-d", odoo_env.db, "--no-http"),
        input=GENERATE_API_KEY,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    keys = [line.split()[1] for line in shell.stdout.splitlines() if line.startswith("SPM-KEY ")]
    if not keys:
        pytest.fail(f"no API key for the demo distributor: {shell.stdout[-500:]} {shell.stderr[-1500:]}")
    return keys[0]
