"""The production upload's benchmark still runs: a file of a few batches through
nginx to the prefork server, checked and credited by its background job (its
figures mean nothing at this size; the benchmark itself sends 100,000 lines)."""

from __future__ import annotations

from tests.smoke import run_benchmark


def test_upload_in_production_runs_on_a_small_file(odoo_env, repo_root):
    result = run_benchmark(odoo_env, repo_root, "tests.benchmarks.upload_production_bench", "--lines", "2000")
    for figure in (
        "seconds from the POST to the dry run ready",
        "seconds from the POST to the last credit line: ",
        "credit lines (both salespersons of each line): 4000",
        "memory of the Odoo processes MiB (RSS summed)",
        "workers killed or stopped by a limit (Odoo's log): 0",
    ):
        assert figure in result.stdout, result.stdout
