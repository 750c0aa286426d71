"""The Odoo instance of the clone: its configuration file, its command lines,
and what every command prepares first (Odoo installed, PostgreSQL started)."""

import re
import secrets
import shutil
import subprocess

from .common import ODOO_HOME, ROOT, STATE, VENV_PYTHON, SpmError, apt_install, free_port
from .database import Database
from .install import addons_roots, setup_odoo

# A line of Odoo's log at level ERROR or CRITICAL, or a failed demo data load.
LOG_ERROR = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) |demo data failed to install", re.M)


def odoo_config(db, http_port=None):
    """Write the Odoo configuration file of this clone and return its path."""
    STATE.mkdir(exist_ok=True)
    secret_file = STATE / "admin_passwd"
    if not secret_file.is_file():
        secret_file.write_text(secrets.token_urlsafe(24))
    addons_path = ",".join(str(p) for p in [ROOT / "addons", *addons_roots(ODOO_HOME)])
    conf = STATE / "odoo.conf"
    conf.write_text(
        "[options]\n"
        f"addons_path = {addons_path}\n"
        f"data_dir = {STATE / 'data'}\n"
        f"db_host = {db.host}\n"
        f"db_port = {db.port}\n"
        f"db_user = {db.user}\n"
        f"db_password = {db.password or 'False'}\n"
        f"admin_passwd = {secret_file.read_text()}\n"
        f"http_port = {http_port or 8069}\n"
        "list_db = False\n"
    )
    return conf


def odoo_cmd(conf, *args):
    """The command line of ``odoo-bin -c conf *args`` with the venv's Python."""
    return [str(VENV_PYTHON), str(ODOO_HOME / "odoo-bin"), "-c", str(conf), *args]


def odoo_test_cmd(conf, dbname, modules, tags, *args):
    """The command line installing ``modules`` on ``dbname`` with their tests
    tagged ``tags``, in one process (no workers, no cron), then stopping."""
    return odoo_cmd(
        conf,
        "-d",
        dbname,
        *args,
        "-i",
        modules,
        "--test-enable",
        "--test-tags",
        tags,
        "--stop-after-init",
        "--http-port",
        str(free_port()),
        "--workers",
        "0",
        "--max-cron-threads",
        "0",
    )


def install_addons(conf, dbname, log, addons, *options):
    """Create ``dbname`` with ``addons`` installed (``options`` added to
    odoo-bin's), writing Odoo's output to ``log``; fail on any error in it."""
    log.parent.mkdir(parents=True, exist_ok=True)
    port = str(free_port())
    cmd = odoo_cmd(conf, "-d", dbname, "-i", ",".join(addons), "--stop-after-init", "--http-port", port)
    with open(log, "w") as out:
        result = subprocess.run([*cmd, *options], stdout=out, stderr=subprocess.STDOUT, check=False)
    if result.returncode or LOG_ERROR.search(log.read_text()):
        raise SpmError(f"installing the addons failed; see {log}")


def ensure_chromium():
    if any(shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome")):
        return
    apt_install("chromium")


def prepare():
    """Odoo and the venv installed, PostgreSQL started: the database server."""
    for name in ("git",):
        if not shutil.which(name):
            raise SpmError(f"{name} is required")
    setup_odoo()
    db = Database()
    db.start()
    return db
