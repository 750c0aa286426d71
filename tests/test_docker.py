"""The Docker deployment in docker/: checked by Docker Compose itself, where
its v2 plugin is installed (``docker compose config`` needs no engine), and
statically (Dockerfile, odoo.conf) everywhere."""

from __future__ import annotations

import configparser
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
DOCKER_DIR = REPO_ROOT / "docker"
COMPOSE_FILE = DOCKER_DIR / "docker-compose.yml"
DOCKERFILE = DOCKER_DIR / "Dockerfile"
ODOO_CONF = DOCKER_DIR / "odoo.conf"
ENV_EXAMPLE = DOCKER_DIR / ".env.example"
# Variables that docker-compose.yml interpolates: they must not leak into
# the test from the environment.
COMPOSE_VARIABLES = (
    "POSTGRES_PASSWORD",
    "ODOO_DATABASE",
    "ODOO_BIND_ADDRESS",
    "ODOO_HTTP_PORT",
    "ODOO_GEVENT_PORT",
)


def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined."""
    instructions, pending = [], ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue  # comments are dropped, even inside a continuation
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, args = (pending + line).partition(" ")
        instructions.append((keyword.upper(), " ".join(args.split())))
        pending = ""
    return instructions


def odoo_conf() -> dict[str, str]:
    parser = configparser.RawConfigParser()
    parser.read(ODOO_CONF, encoding="utf-8")
    return dict(parser.items("options"))


def env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


@pytest.fixture(scope="module")
def compose(tmp_path_factory):
    """``compose(*args, env_file=None)``: run ``docker compose -f docker/docker-compose.yml``
    with ``env_file`` (an empty one by default, so that a local docker/.env
    does not change what is checked) and no interpolated variable set."""
    docker = shutil.which("docker")
    if not docker:
        pytest.skip("the docker client is not installed")
    probe = subprocess.run(
        [docker, "compose", "version"], capture_output=True, text=True, timeout=60, check=False
    )
    if probe.returncode:
        pytest.skip(f"the Docker Compose v2 plugin is not installed: {probe.stderr.strip()[:200]}")
    empty_env = tmp_path_factory.mktemp("compose") / "empty.env"
    empty_env.write_text("")
    env = {k: v for k, v in os.environ.items() if k not in COMPOSE_VARIABLES and not k.startswith("COMPOSE_")}

    def run(*args: str, env_file: Path = empty_env) -> subprocess.CompletedProcess:
        return subprocess.run(
            [docker, "compose", "-f", str(COMPOSE_FILE), "--env-file", str(env_file), *args],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            cwd=REPO_ROOT,
            check=False,
        )

    return run


@pytest.fixture(scope="module")
def config(compose) -> dict:
    """The configuration as Docker Compose resolves it, defaults applied."""
    result = compose("config", "--format", "json")
    assert result.returncode == 0, f"docker compose config failed:\n{result.stderr}"
    return json.loads(result.stdout)


def test_compose_config_exits_0(compose):
    result = compose("config")
    assert result.returncode == 0, f"docker compose config failed:\n{result.stderr}"
    assert "services:" in result.stdout


def test_db_service(config):
    db = config["services"]["db"]
    assert db["image"] == "postgres:16"
    environment = db["environment"]
    assert environment["POSTGRES_USER"] == "odoo"
    assert environment["POSTGRES_DB"] == "postgres"
    assert environment["POSTGRES_PASSWORD"], "POSTGRES_PASSWORD needs a default"
    # The data lives in a named (persistent) volume, not in the container.
    mounts = {m["target"]: m for m in db["volumes"]}
    data = mounts.get("/var/lib/postgresql/data")
    assert data and data["type"] == "volume", f"no volume for the PostgreSQL data: {db['volumes']}"
    assert data["source"] in config["volumes"], "the PostgreSQL volume is not a named volume"
    assert db["healthcheck"]["test"], "the db service needs a healthcheck"
    assert not db.get("ports"), "PostgreSQL must not be published on the host"


def test_odoo_service(config):
    odoo = config["services"]["odoo"]
    build = odoo["build"]
    assert Path(build["context"]).resolve() == REPO_ROOT
    assert build["dockerfile"] == "docker/Dockerfile"
    dockerfile = Path(build["context"]) / build["dockerfile"]
    froms = [args for keyword, args in dockerfile_instructions(dockerfile) if keyword == "FROM"]
    assert froms == ["odoo:18.0"], f"{dockerfile} is built FROM {froms}"

    assert odoo["depends_on"]["db"]["condition"] == "service_healthy"
    assert 8069 in {int(port["target"]) for port in odoo["ports"]}
    mounts = {m["target"]: m for m in odoo["volumes"]}
    data = mounts.get("/var/lib/odoo")
    assert data and data["type"] == "volume" and data["source"] in config["volumes"]
    conf = mounts.get("/etc/odoo/odoo.conf")
    assert conf and Path(conf["source"]).resolve() == ODOO_CONF.resolve() and conf.get("read_only")

    # What the official image's entrypoint turns into --db_host etc.
    environment = odoo["environment"]
    assert environment["HOST"] == "db"
    assert environment["USER"] == config["services"]["db"]["environment"]["POSTGRES_USER"]
    assert environment["PASSWORD"] == config["services"]["db"]["environment"]["POSTGRES_PASSWORD"]


def test_env_example_drives_the_configuration(compose):
    example = env_file(ENV_EXAMPLE)
    result = compose("config", "--format", "json", env_file=ENV_EXAMPLE)
    assert result.returncode == 0, f"docker compose config with .env.example failed:\n{result.stderr}"
    services = json.loads(result.stdout)["services"]
    password = example["POSTGRES_PASSWORD"]
    assert services["db"]["environment"]["POSTGRES_PASSWORD"] == password
    assert services["odoo"]["environment"]["PASSWORD"] == password
    assert f"--database={example['ODOO_DATABASE']}" in services["odoo"]["command"]
    published = {(p.get("host_ip"), str(p["published"]), int(p["target"])) for p in services["odoo"]["ports"]}
    assert (example["ODOO_BIND_ADDRESS"], example["ODOO_HTTP_PORT"], 8069) in published


def test_dockerfile():
    instructions = dockerfile_instructions(DOCKERFILE)
    froms = [args for keyword, args in instructions if keyword == "FROM"]
    assert froms == ["odoo:18.0"]
    users = [args for keyword, args in instructions if keyword == "USER"]
    assert users and users[-1] == "odoo", "the image must run as the official image's user odoo"
    runs = " ".join(args for keyword, args in instructions if keyword == "RUN")
    assert "requirements.txt" in runs and "--break-system-packages" in runs
    # The addons are copied to a folder of Odoo's addons path.
    addons_dest = [
        args.split()[-1].rstrip("/")
        for keyword, args in instructions
        if keyword == "COPY" and args.split()[-2].rstrip("/") == "addons"
    ]
    assert len(addons_dest) == 1, "the Dockerfile must COPY addons/ once"
    addons_path = [p.strip().rstrip("/") for p in odoo_conf()["addons_path"].split(",")]
    assert addons_dest[0] in addons_path, f"{addons_dest[0]} is not in odoo.conf's addons_path"


def test_odoo_conf():
    options = odoo_conf()
    addons_path = [p.strip().rstrip("/") for p in options["addons_path"].split(",")]
    assert "/mnt/extra-addons" in addons_path
    assert options["data_dir"] == "/var/lib/odoo"
    assert options["proxy_mode"] == "True"
    assert options["list_db"] == "False"
    # Set here, these would override the HOST/USER/PASSWORD of the compose file.
    overriding = {"db_host", "db_port", "db_user", "db_password"} & set(options)
    assert not overriding, f"odoo.conf must leave {sorted(overriding)} to the environment"
