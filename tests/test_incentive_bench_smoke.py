"""The incentives' benchmark still runs: a smoke run on tiny data (its figures
mean nothing), and its section of docs/benchmarks.md replaced, not repeated."""

from __future__ import annotations

from tests.benchmarks.incentive_bench import SECTION, section
from tests.benchmarks.report import write_section
from tests.smoke import run_benchmark


def test_incentive_benchmark_runs_on_tiny_data(odoo_env, repo_root):
    result = run_benchmark(odoo_env, repo_root, "tests.benchmarks.incentive_bench", "--smoke")
    for figure in (
        "My earnings of a salesperson (with a what-if): median ms",
        "salespersons for the quarter: ms (queries)",
        "statements of the quarter created: seconds",
        "statements of the quarter recomputed",
    ):
        assert figure in result.stdout, result.stdout


def test_the_section_is_replaced_in_place(tmp_path):
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\n| a | b |\n")
    write_section(path, SECTION, section([("figure", "1.0", "", "")], 1))
    write_section(path, SECTION, section([("figure", "2.0", "< 50 ms", "met")], 1))
    text = path.read_text()
    assert text.count(SECTION) == 1
    assert "| figure | 2.0 | < 50 ms | met |" in text
    assert "| figure | 1.0 |" not in text
    assert text.startswith("# Benchmarks\n\n| a | b |\n")
