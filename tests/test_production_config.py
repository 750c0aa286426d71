"""The proxy's configuration matches the product's limits, in the file
``./spm run --production`` generates and in ``docker/nginx/default.conf``:
a body the portal accepts is never refused by nginx, nginx waits longer than
Odoo's ``limit_time_real``, and ``/websocket`` goes to the gevent worker
with the Upgrade headers. nginx itself accepts the generated file."""

from __future__ import annotations

import configparser
import re
import runpy
import subprocess

import pytest

from spm_tool.production import LIMIT_TIME_REAL, max_body_size, nginx_binary, nginx_config

DOCKER_NGINX = "docker/nginx/default.conf"
DOCKER_ODOO_CONF = "docker/odoo.conf"


def directive(text, name):
    """The values of every ``name value;`` directive of an nginx configuration."""
    return re.findall(rf"^\s*{name}\s+([^;]+);", text, re.M)


def websocket_block(text):
    return re.search(r"location /websocket \{(.*?)\}", text, re.S).group(1)


@pytest.fixture
def generated(tmp_path):
    return nginx_config(tmp_path, 18080, 18069, 18072)


def test_limits_of_the_portal(repo_root):
    limits = runpy.run_path(str(repo_root / "addons" / "spm_portal" / "tools" / "limits.py"))
    assert max_body_size() > max(limits["MAX_FILE_SIZE"], limits["MAX_BODY"])


@pytest.mark.parametrize("source", ["generated", "docker"])
def test_body_timeouts_and_websocket(source, generated, repo_root):
    text = generated if source == "generated" else (repo_root / DOCKER_NGINX).read_text()
    (body,) = directive(text, "client_max_body_size")
    assert int(body) == max_body_size()
    # nginx answers its own bare 504 when it stops waiting first.
    limit = LIMIT_TIME_REAL
    if source == "docker":
        odoo_conf = configparser.ConfigParser(inline_comment_prefixes=(";",))
        odoo_conf.read(repo_root / DOCKER_ODOO_CONF)
        limit = odoo_conf.getint("options", "limit_time_real")
    main_timeouts = [v for v in directive(text, "proxy_read_timeout") if v != "3600s"]
    assert main_timeouts and all(int(v.rstrip("s")) > limit for v in main_timeouts)
    ws = websocket_block(text)
    assert "proxy_pass http://odoochat;" in ws
    assert "proxy_set_header Upgrade $http_upgrade;" in ws
    assert "proxy_set_header Connection $connection_upgrade;" in ws
    assert "X-Forwarded-For" in text and "X-Forwarded-Proto" in text


def test_nginx_accepts_the_generated_file(tmp_path, generated):
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / "tmp" / sub).mkdir(parents=True)
    conf = tmp_path / "nginx.conf"
    conf.write_text(generated)
    result = subprocess.run(
        [nginx_binary(), "-t", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
