"""nginx/nginx.conf served for real: a local nginx with the production configuration (only
addresses and paths swapped, a self-signed certificate) in front of a real API process."""

from __future__ import annotations

import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"{proc.args[0]} exited with {proc.returncode}"
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer")


def self_signed_certificate(work: Path) -> tuple[Path, Path]:
    cert, key = work / "tls.crt", work / "tls.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext",
                    "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def trusting(cert: Path, **versions) -> ssl.SSLContext:
    """A client context that trusts the test certificate (and, with `minimum_version` /
    `maximum_version`, speaks only those protocol versions)."""
    context = ssl.create_default_context(cafile=str(cert))
    for name, version in versions.items():
        setattr(context, name, version)
    return context


@dataclass
class Site:
    https: httpx.Client  # verifies the site's certificate
    http: str
    status: str
    tls_port: int
    work: Path
    cert: Path


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx missing: scripts/test.sh installs it"
    work = tmp_path_factory.mktemp("nginx")
    html = work / "html"
    (html / "assets").mkdir(parents=True)
    (html / "index.html").write_text("<!doctype html><title>FactoryOps</title><div id=root>")
    (html / "assets" / "index-3f2a1b.js").write_text("console.log('factoryops');\n" * 400)

    cert, key = self_signed_certificate(work)
    api_port, http_port, tls_port, status_port = free_port(), free_port(), free_port(), free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{work / 'meta.db'}",
           "TSDB_BACKEND": "sqlite", "TSDB_SQLITE_PATH": str(work / "ts.db"),
           "REDIS_URL": "", "DATA_DIR": str(work / "data"), "LOG_LEVEL": "WARNING",
           "TRUSTED_PROXIES": "[\"127.0.0.1/32\"]", "LOGIN_IP_RATE_LIMIT": "3/minute"}
    # The schema the API expects (sign-in reads the factories table).
    subprocess.run([sys.executable, "-m", "app.cli", "migrate"], env=env, check=True,
                   capture_output=True)
    api_log = (work / "api.log").open("w")
    api = subprocess.Popen([sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory",
                            "--host", "127.0.0.1", "--port", str(api_port)], env=env,
                           stdout=subprocess.DEVNULL, stderr=api_log)
    conf = (ROOT / "nginx" / "nginx.conf").read_text()
    for production, local in (
        ("server api:8000;", f"server 127.0.0.1:{api_port};"),
        ("listen 8080;", f"listen 127.0.0.1:{http_port};"),
        ("listen 8081;", f"listen 127.0.0.1:{status_port};"),
        ("listen 8443 ssl http2;", f"listen 127.0.0.1:{tls_port} ssl http2;"),
        ("ssl_certificate /etc/nginx/tls/tls.crt;", f"ssl_certificate {cert};"),
        ("ssl_certificate_key /etc/nginx/tls/tls.key;", f"ssl_certificate_key {key};"),
        ("root /var/www/acme;", f"root {work / 'acme'};"),
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
                            "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{api_port}/healthz", api)
        wait_for(f"http://127.0.0.1:{http_port}/healthz", web)
        with httpx.Client(base_url=f"https://localhost:{tls_port}",
                          verify=trusting(cert)) as client:
            yield Site(client, f"http://127.0.0.1:{http_port}",
                       f"http://127.0.0.1:{status_port}", tls_port, work, cert)
    finally:
        web.terminate()
        api.terminate()
        web.wait(10)
        api.wait(10)
        api_log.close()


def test_configuration_is_valid(site):
    result = subprocess.run([shutil.which("nginx") or "/usr/sbin/nginx", "-t", "-c",
                             str(site.work / "nginx.conf"), "-p", str(site.work)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_plain_http_redirects_to_https_except_health_and_acme(site):
    for path in ("/", "/machines/42?range=24h", "/api/v1/factories"):
        r = httpx.get(site.http + path)
        assert r.status_code == 301
        assert r.headers["location"] == f"https://127.0.0.1{path}"
    assert httpx.get(site.http + "/healthz").text == "ok\n"
    challenge = site.work / "acme" / ".well-known" / "acme-challenge"
    challenge.mkdir(parents=True, exist_ok=True)
    (challenge / "token-1").write_text("token-1.thumbprint")
    r = httpx.get(site.http + "/.well-known/acme-challenge/token-1")
    assert r.status_code == 200 and r.text == "token-1.thumbprint"


def test_https_answers_with_hsts_everywhere(site):
    for path in ("/", "/settings", "/assets/index-3f2a1b.js", "/api/v1/factories", "/docs",
                 "/healthz"):
        r = site.https.get(path)
        assert r.status_code < 400, path
        assert r.headers["strict-transport-security"] == \
            "max-age=63072000; includeSubDomains", path


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion:DeprecationWarning")
def test_only_modern_protocol_versions_are_spoken(site):
    def negotiated(**versions) -> str | None:
        context = trusting(site.cert, **versions)
        if versions.get("maximum_version", ssl.TLSVersion.TLSv1_3) < ssl.TLSVersion.TLSv1_2:
            # Let the client offer the old versions at all (OpenSSL's default level forbids
            # them), so that a refusal is the server's.
            context.set_ciphers("DEFAULT:@SECLEVEL=0")
        try:
            with socket.create_connection(("127.0.0.1", site.tls_port), timeout=5) as raw, \
                    context.wrap_socket(raw, server_hostname="localhost") as tls:
                return tls.version()
        except ssl.SSLError:
            return None

    assert negotiated() == "TLSv1.3"
    assert negotiated(maximum_version=ssl.TLSVersion.TLSv1_2) == "TLSv1.2"
    for old in (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1):
        assert negotiated(minimum_version=old, maximum_version=old) is None, old


def test_no_cookie_is_set_that_could_travel_in_clear(site):
    """The API authenticates with bearer tokens: nothing sets a cookie a plain-HTTP request
    could carry."""
    for path in ("/", "/api/v1/factories", "/docs"):
        assert "set-cookie" not in site.https.get(path).headers


def test_spa_routes_fall_back_to_index_and_are_not_cached(site):
    for path in ("/", "/machines/42", "/settings"):
        r = site.https.get(path)
        assert r.status_code == 200 and "FactoryOps" in r.text
        assert r.headers["cache-control"] == "no-cache"


def test_security_headers(site):
    for path in ("/", "/api/v1/factories"):
        headers = site.https.get(path).headers
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]


def test_hashed_assets_are_cached_long_and_compressed(site):
    r = site.https.get("/assets/index-3f2a1b.js", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert "immutable" in r.headers["cache-control"] and "max-age=31536000" in r.headers[
        "cache-control"]
    assert r.headers["content-encoding"] == "gzip"
    assert site.https.get("/assets/missing.js").status_code == 404


def test_api_is_proxied_with_request_id_and_envelopes(site):
    r = site.https.get("/api/v1/no-such-route", headers={"X-Request-ID": "trace-1"})
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "NOT_FOUND"
    assert r.headers["x-request-id"] == "trace-1"
    generated = site.https.get("/api/v1/no-such-route").headers["x-request-id"]
    assert len(generated) >= 16
    assert site.https.get("/docs").status_code == 200


def test_spoofed_forwarded_headers_do_not_escape_the_sign_in_limit(site):
    """nginx replaces X-Forwarded-For with the connecting address, so a client naming a new
    address on every guess is still counted as itself (the API allows 3 per minute here; no
    other test signs in)."""
    codes = []
    for n in range(5):
        spoofed = {"X-Forwarded-For": f"192.0.2.{n + 1}", "X-Real-IP": f"192.0.2.{n + 1}"}
        r = site.https.post("/api/v1/auth/login", headers=spoofed,
                            json={"factory_slug": "nowhere", "email": f"u{n}@x.io",
                                  "password": "wrong-guess"})
        codes.append(r.status_code)
    assert codes[:3] == [401, 401, 401] and codes[3:] == [429, 429], codes


def test_request_body_size_is_limited(site):
    r = site.https.post("/api/v1/auth/login", content=b"x" * (3 * 1024 * 1024),
                        headers={"Content-Type": "application/json"})
    assert r.status_code == 413


def test_connection_counters_for_prometheus(site):
    r = httpx.get(site.status + "/stub_status")
    assert r.status_code == 200 and "Active connections:" in r.text


def test_access_log_is_json(site):
    site.https.get("/")
    line = (site.work / "access.log").read_text().strip().splitlines()[-1]
    entry = json.loads(line)
    assert entry["status"] == 200 and entry["request"].startswith("GET ")


REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


def test_api_docs_render_in_chromium_through_nginx(site):
    """/docs and /redoc list the API's operations in a real browser behind nginx, with its
    Content-Security-Policy in force and nothing blocked: their assets come from the API."""
    node = shutil.which("node")
    assert node, "node missing: scripts/bootstrap.sh node installs the web app's packages"
    run = subprocess.run([node, str(Path(__file__).with_name("open_api_docs.mjs")),
                          f"https://localhost:{site.tls_port}"],
                         capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr[-3000:]
    pages = json.loads(run.stdout.strip().splitlines()[-1])
    document = site.https.get("/openapi.json").json()
    operation_ids = {op["operationId"] for methods in document["paths"].values()
                     for op in methods.values()}
    for name, page in pages.items():
        assert page["status"] == 200, name
        assert "script-src 'self'" in page["csp"] and "unsafe-eval" not in page["csp"], name
        # ReDoc's footer loads the Redocly logo from its CDN, hard-coded; the policy blocks
        # it (nothing leaves the site) and ReDoc drops the image when it fails to load.
        problems = [p for p in page["problems"] if REDOCLY_LOGO not in p]
        assert not problems, f"{name}: {problems}"
    assert "/api/v1/devices" in pages["docs"]["operations"]
    assert len(pages["docs"]["operations"]) == sum(len(m) for m in document["paths"].values())
    listed = set(pages["redoc"]["operations"])
    assert {"devices_list", "devices_create", "api_keys_create"} <= listed <= operation_ids


def test_api_docs_load_nothing_from_elsewhere(site):
    for path in ("/docs", "/redoc"):
        page = site.https.get(path)
        assert page.status_code == 200
        assert "http://" not in page.text and "https://" not in page.text, path
        assert "<script>" not in page.text, f"{path} has an inline script"
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
        assert site.https.get(f"/docs/assets/{asset}").status_code == 200, asset
