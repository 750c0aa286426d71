"""Every benchmark still runs: a smoke run on tiny data (its figures mean nothing).

The benchmarks themselves are commands (``./spm bench``), not timed tests.
"""

from __future__ import annotations

from tests.benchmarks.run import Results
from tests.smoke import run_benchmark

BENCHMARK_TITLES = (
    "1. Order confirmation overhead",
    "2. Dashboard",
    "3. Secondary billing upload",
    "4. Accountant export",
    "5. Live update latency",
    "7. XLSX writer",
    "8. Credit line insert",
)


def test_benchmarks_run_on_tiny_data(odoo_env, repo_root):
    result = run_benchmark(odoo_env, repo_root, "tests.benchmarks.run", "--scale", "0.001", "--smoke")
    for title in BENCHMARK_TITLES:
        assert title in result.stdout, result.stdout
    # Each benchmark ends with its ratio against the baseline.
    assert "time ratio on/off" in result.stdout
    assert "times faster than sale.report" in result.stdout
    assert "times faster than base_import" in result.stdout
    assert "times faster than Odoo's list export" in result.stdout
    assert "p95 latency ms (nearest rank)" in result.stdout
    assert "times faster than xlsxwriter (constant_memory)" in result.stdout
    assert "times faster than ORM create (upload)" in result.stdout


def test_a_missed_target_says_by_how_much():
    results = Results()
    results.check("b", "speed-up", 2.5, ">=", 10)
    results.check("b", "seconds", 28.4, "<", 20, target="< 20 s")
    results.check("b", "ratio", 1.08, "<=", 1.15, shown="1.08")
    assert [row[2:] for row in results.rows] == [
        ("2.5", ">= 10", "MISSED by 75%"),
        ("28.4", "< 20 s", "MISSED by 42%"),
        ("1.08", "<= 1.15", "met"),
    ]
