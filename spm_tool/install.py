"""Odoo 18.0's source tree and the virtual environment it runs in, both in
``$SPM_HOME``: installed once, from ``ODOO_SRC`` or the official archive, and
the venv updated whenever the requirements change."""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

from .common import ODOO_HOME, ROOT, SPM_HOME, VENV, VENV_PYTHON, SpmError, say, sh

ODOO_ARCHIVE_URL = "https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz"
# Packages of Odoo's own requirements that the addons never use and that
# need system headers to build; psycopg2 comes as its binary wheel.
SKIPPED_REQUIREMENTS = ("python-ldap", "pypiwin32", "rl-renderPM", "psycopg2")

def _is_odoo_18(path):
    release = Path(path) / "odoo" / "release.py"
    return release.is_file() and re.search(
        r"version_info\s*=\s*\(18,\s*0,", release.read_text(encoding="utf-8")
    )


def addons_roots(odoo_home):
    """Odoo's addons folders: all under odoo/addons in the official archive,
    split between odoo/addons and addons/ in a git checkout."""
    roots = [odoo_home / "odoo" / "addons"]
    if not (roots[0] / "sale").is_dir() and (odoo_home / "addons" / "sale").is_dir():
        roots.append(odoo_home / "addons")
    return roots


def _install_odoo_source():
    """Copy ODOO_SRC, or download the official archive, into ODOO_HOME."""
    source = os.environ.get("ODOO_SRC")
    marker = ODOO_HOME / ".spm-source"
    if source:
        source = Path(source).expanduser().resolve()
        if not _is_odoo_18(source):
            raise SpmError(f"ODOO_SRC={source} is not an Odoo 18.0 source tree")
        if marker.is_file() and marker.read_text() == str(source):
            return
        say(f"copying Odoo 18.0 from {source} to {ODOO_HOME}")
        tmp = ODOO_HOME.with_name(ODOO_HOME.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        skip_top_addons = (source / "odoo" / "addons" / "sale").is_dir()
        ignore = shutil.ignore_patterns(".git", "__pycache__", "*.pyc")
        tmp.mkdir(parents=True)
        for entry in source.iterdir():
            if entry.name == ".git" or (entry.name == "addons" and skip_top_addons):
                continue
            if entry.is_dir():
                shutil.copytree(entry, tmp / entry.name, ignore=ignore, symlinks=True)
            else:
                shutil.copy2(entry, tmp / entry.name)
        (tmp / ".spm-source").write_text(str(source))
        shutil.rmtree(ODOO_HOME, ignore_errors=True)
        tmp.rename(ODOO_HOME)
        return
    if _is_odoo_18(ODOO_HOME):
        return
    say(f"downloading the official Odoo 18.0 source archive from {ODOO_ARCHIVE_URL}")
    SPM_HOME.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=SPM_HOME) as tmpdir:
        archive = Path(tmpdir) / "odoo.tar.gz"
        try:
            urllib.request.urlretrieve(ODOO_ARCHIVE_URL, archive)  # noqa: S310
        except OSError as exc:
            raise SpmError(
                f"cannot download Odoo 18.0 ({exc}); set ODOO_SRC to a local Odoo 18.0 source tree"
            ) from exc
        with tarfile.open(archive) as tar:
            tar.extractall(tmpdir, filter="data")
        top = next(p for p in Path(tmpdir).iterdir() if p.is_dir() and _is_odoo_18(p))
        (top / ".spm-source").write_text(ODOO_ARCHIVE_URL)
        shutil.rmtree(ODOO_HOME, ignore_errors=True)
        top.rename(ODOO_HOME)


def _odoo_requirements():
    lines = []
    for line in (ODOO_HOME / "requirements.txt").read_text().splitlines():
        name = re.split(r"[\s=<>;~!]", line.strip(), maxsplit=1)[0]
        if name and not name.startswith("#") and name not in SKIPPED_REQUIREMENTS:
            lines.append(line)
    lines.append("psycopg2-binary>=2.9.5,<2.10")
    # The gevent worker loads gevent's plugins with pkg_resources: before 76 it
    # cannot find zope.interface's normalized dist-info and the worker dies at
    # start; 80 warns on every import.
    lines.append("setuptools>=76,<80")
    return "\n".join(lines) + "\n"


def setup_odoo():
    """Install Odoo 18.0 and the project's requirements into the venv, once."""
    _install_odoo_source()
    if not _is_odoo_18(ODOO_HOME):
        raise SpmError(
            "Odoo 18.0 is not installed: set ODOO_SRC to a local Odoo 18.0 source tree "
            "or let ./spm run download the official archive"
        )
    odoo_reqs = _odoo_requirements()
    our_reqs = [ROOT / "requirements.txt", ROOT / "requirements-dev.txt"]
    digest = hashlib.sha256(odoo_reqs.encode())
    for path in our_reqs:
        digest.update(path.read_bytes())
    marker = VENV / ".spm-requirements"
    if VENV_PYTHON.exists() and marker.is_file() and marker.read_text() == digest.hexdigest():
        return
    if not VENV_PYTHON.exists():
        say(f"creating the virtual environment {VENV}")
        python = shutil.which("python3.11") or sys.executable
        sh([python, "-m", "venv", str(VENV)])
    say("installing Odoo's and the addons' Python requirements (a few minutes, once)")
    with tempfile.TemporaryDirectory() as tmpdir:
        req = Path(tmpdir, "odoo-requirements.txt")
        req.write_text(odoo_reqs)
        # Some of Odoo's pinned packages build from source with pkg_resources,
        # which setuptools 81 removed; the constraint reaches their build envs.
        constraint = Path(tmpdir, "build-constraints.txt")
        constraint.write_text("setuptools<81\n")
        pip = [str(VENV_PYTHON), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        sh(
            [*pip, "-r", str(req), *sum((["-r", str(p)] for p in our_reqs), [])],
            env=dict(os.environ, PIP_CONSTRAINT=str(constraint)),
        )
    # Odoo is run from its source tree; a .pth file puts it on the venv's path.
    site = subprocess.run(
        [str(VENV_PYTHON), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "odoo-18.0.pth").write_text(str(ODOO_HOME) + "\n")
    marker.write_text(digest.hexdigest())

