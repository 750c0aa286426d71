"""A benchmark module run as ``./spm bench`` runs it, on the test database."""

from __future__ import annotations

import subprocess


def run_benchmark(odoo_env, repo_root, module, *args):
    """Run ``python -m module --conf ... --db ... *args``; its completed process,
    asserted successful (the tail of its output says why when it is not)."""
    result = subprocess.run(
        [str(odoo_env.python), "-m", module, "--conf", str(odoo_env.conf), "--db", odoo_env.db, *args],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result
