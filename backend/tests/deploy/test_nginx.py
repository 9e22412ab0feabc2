"""nginx/nginx.conf served for real: a local nginx with the production configuration (only
addresses and paths swapped) in front of a real API process."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"{proc.args[0]} exited with {proc.returncode}"
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx missing: scripts/test.sh installs it"
    work = tmp_path_factory.mktemp("nginx")
    html = work / "html"
    (html / "assets").mkdir(parents=True)
    (html / "index.html").write_text("<!doctype html><title>FactoryOps</title><div id=root>")
    (html / "assets" / "index-3f2a1b.js").write_text("console.log('factoryops');\n" * 400)

    api_port, web_port = free_port(), free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{work / 'meta.db'}",
           "TSDB_BACKEND": "sqlite", "TSDB_SQLITE_PATH": str(work / "ts.db"),
           "REDIS_URL": "", "DATA_DIR": str(work / "data"), "LOG_LEVEL": "WARNING",
           "TRUSTED_PROXIES": "[\"127.0.0.1/32\"]"}
    api = subprocess.Popen([sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory",
                            "--host", "127.0.0.1", "--port", str(api_port)], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    conf = (ROOT / "nginx" / "nginx.conf").read_text()
    for production, local in (
        ("server api:8000;", f"server 127.0.0.1:{api_port};"),
        ("listen 8080;", f"listen 127.0.0.1:{web_port};"),
        ("root /usr/share/nginx/html;", f"root {html};"),
        ("pid /tmp/nginx.pid;", f"pid {work / 'nginx.pid'};"),
        ("access_log /dev/stdout json;", f"access_log {work / 'access.log'} json;"),
    ):
        assert production in conf, production
        conf = conf.replace(production, local)
    conf = conf.replace("_temp_path /tmp/", f"_temp_path {work}/")
    if os.geteuid() == 0:
        # In the image nginx runs as its own user over files it owns; here the files sit in
        # a private temporary folder, which only root's workers can read.
        conf = "user root;\n" + conf
    (work / "nginx.conf").write_text(conf)
    web = subprocess.Popen([nginx, "-c", str(work / "nginx.conf"), "-p", str(work),
                            "-g", "daemon off;"], stderr=subprocess.PIPE)
    try:
        wait_for(f"http://127.0.0.1:{api_port}/healthz", api)
        wait_for(f"http://127.0.0.1:{web_port}/healthz", web)
        yield f"http://127.0.0.1:{web_port}", work
    finally:
        web.terminate()
        api.terminate()
        web.wait(10)
        api.wait(10)


def test_configuration_is_valid(site):
    _, work = site
    result = subprocess.run([shutil.which("nginx") or "/usr/sbin/nginx", "-t", "-c",
                             str(work / "nginx.conf"), "-p", str(work)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_spa_routes_fall_back_to_index_and_are_not_cached(site):
    base, _ = site
    for path in ("/", "/machines/42", "/settings"):
        r = httpx.get(base + path)
        assert r.status_code == 200 and "FactoryOps" in r.text
        assert r.headers["cache-control"] == "no-cache"


def test_security_headers(site):
    base, _ = site
    for path in ("/", "/api/v1/factories"):
        headers = httpx.get(base + path).headers
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]


def test_hashed_assets_are_cached_long_and_compressed(site):
    base, _ = site
    r = httpx.get(base + "/assets/index-3f2a1b.js", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert "immutable" in r.headers["cache-control"] and "max-age=31536000" in r.headers[
        "cache-control"]
    assert r.headers["content-encoding"] == "gzip"
    assert httpx.get(base + "/assets/missing.js").status_code == 404


def test_api_is_proxied_with_request_id_and_envelopes(site):
    base, _ = site
    r = httpx.get(base + "/api/v1/no-such-route", headers={"X-Request-ID": "trace-1"})
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "NOT_FOUND"
    assert r.headers["x-request-id"] == "trace-1"
    generated = httpx.get(base + "/api/v1/no-such-route").headers["x-request-id"]
    assert len(generated) >= 16
    assert httpx.get(base + "/docs").status_code == 200


def test_request_body_size_is_limited(site):
    base, _ = site
    r = httpx.post(base + "/api/v1/auth/login", content=b"x" * (3 * 1024 * 1024),
                   headers={"Content-Type": "application/json"})
    assert r.status_code == 413


def test_access_log_is_json(site):
    base, work = site
    httpx.get(base + "/")
    line = (work / "access.log").read_text().strip().splitlines()[-1]
    entry = json.loads(line)
    assert entry["status"] == 200 and entry["request"].startswith("GET ")
