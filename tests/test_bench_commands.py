"""The command lines ``./spm bench`` runs: every benchmark writes its figures to
docs/benchmarks.md, a full run and a run of some (``--only``) alike."""

import pytest

from spm_tool.bench import OUTPUT, SCRIPTS, bench_commands


def _modules(commands):
    return [command[command.index("-m") + 1] for command in commands]


def _output(command):
    return command[command.index("--output") + 1]


@pytest.mark.parametrize(
    "only",
    [None, ["upload"], ["xlsx", "insert"], ["incentive"], ["production"], ["upload", *SCRIPTS]],
)
def test_every_run_writes_its_figures(only):
    commands = bench_commands(only, "odoo.conf", "bench_db", 1.0)
    assert commands
    assert all(_output(command) == str(OUTPUT) for command in commands)


def test_a_run_of_some_runs_only_those():
    commands = bench_commands(["upload", "incentive"], "odoo.conf", "bench_db", 0.5)
    assert _modules(commands) == ["tests.benchmarks.run", SCRIPTS["incentive"]]
    run = commands[0]
    assert run[run.index("--only") + 1 :] == ["upload"]
    assert run[run.index("--scale") + 1] == "0.5"
    assert _modules(bench_commands(["production"], "odoo.conf", "bench_db", 1.0)) == [SCRIPTS["production"]]


def test_a_full_run_runs_everything_without_only():
    commands = bench_commands(None, "odoo.conf", "bench_db", 1.0)
    assert _modules(commands) == ["tests.benchmarks.run", *SCRIPTS.values()]
    assert "--only" not in commands[0]
