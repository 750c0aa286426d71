"""What every part of the command shares: the paths, the addons and the
small helpers that run other programs."""

import os
import shutil
import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".spm"
SPM_HOME = Path(os.environ.get("SPM_HOME") or Path.home() / ".cache" / "spm")
ODOO_HOME = SPM_HOME / "odoo-18.0"
VENV = SPM_HOME / "venv-18.0"
VENV_PYTHON = VENV / "bin" / "python"
# The project's addons, each after those it depends on: what ./spm installs,
# tests, lints and benchmarks (tests/conftest.py reads it too).
ADDONS = ("spm_quota", "spm_credit", "spm_portal", "spm_incentive")


class SpmError(Exception):
    """An error to show the user without a traceback."""


def say(message):
    print(f"spm: {message}", flush=True)


def sh(cmd, **kwargs):
    """Run a command, failing loudly with the command line."""
    result = subprocess.run(cmd, check=False, **kwargs)
    if result.returncode:
        raise SpmError(f"command failed ({result.returncode}): {' '.join(map(str, cmd))}")
    return result


def as_root_cmd(cmd):
    if os.geteuid() == 0:
        return cmd
    if shutil.which("sudo"):
        return ["sudo", *cmd]
    raise SpmError(f"need root rights for: {' '.join(cmd)}")


def apt_install(*packages):
    say(f"installing {' '.join(packages)} with apt-get")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    sh(as_root_cmd(["apt-get", "update", "-qq"]), env=env)
    sh(as_root_cmd(["apt-get", "install", "-y", "-qq", *packages]), env=env)


def free_port():
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
