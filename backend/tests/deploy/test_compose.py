"""The production compose file, validated offline with Debian's docker-compose (no Docker
engine runs here): it parses, every service of the deployment guide is there with its queue
and command, backing services are health-checked, and no secret is written in the file."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
COMPOSE = ROOT / "docker" / "docker-compose.yml"

REQUIRED_SECRETS = ("MYSQL_PASSWORD", "MYSQL_ROOT_PASSWORD", "INFLUX_PASSWORD",
                    "INFLUX_ADMIN_PASSWORD", "MINIO_ROOT_PASSWORD", "MQTT_INGESTER_PASSWORD",
                    "MQTT_AUTH_SECRET", "EMQX_DASHBOARD_PASSWORD", "EMQX_API_SECRET")
# Host files compose mounts (the certificate and key for nginx and EMQX).
REQUIRED_FILES = ("TLS_CERT_FILE", "TLS_KEY_FILE")

WORKER_QUEUES = {"rule_engine": "rule_engine", "analytics_worker": "analytics",
                 "reporting_worker": "reporting,maintenance",
                 "notification_worker": "notifications"}


def render(work: Path, extra_env: str = "", *args: str) -> dict:
    """`docker-compose config` output for a .env with every required secret set."""
    assert shutil.which("docker-compose"), "docker-compose missing: scripts/test.sh installs it"
    shutil.copytree(ROOT / "docker", work / "docker")
    env = (ROOT / ".env.example").read_text()
    env += "".join(f"\n{name}=test-{name.lower()}" for name in REQUIRED_SECRETS)
    env += "".join(f"\n{name}=/etc/factoryops/{name.lower()}.pem" for name in REQUIRED_FILES)
    env += "\nFACTORYOPS_VERSION=1.4.2-test\nMQTT_PUBLIC_HOST=mqtt.plant.example"
    (work / ".env").write_text(env + "\nJWT_SECRET=" + "s" * 48 + "\n" + extra_env)
    result = subprocess.run(
        ["docker-compose", "--env-file", ".env", "-f", "docker/docker-compose.yml", *args,
         "config"], cwd=work, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict:
    return render(tmp_path_factory.mktemp("compose"))


def published(service: dict) -> dict[int, str]:
    """Container port → the host address:port it is published on."""
    ports = {}
    for port in service.get("ports", []):
        if isinstance(port, dict):
            ports[port["target"]] = f"{port.get('host_ip', '0.0.0.0')}:{port['published']}"
        else:
            host_ip, host_port, target = port.split("/")[0].rsplit(":", 2)
            ports[int(target)] = f"{host_ip}:{host_port}"
    return ports


def test_every_guide_service_is_present(rendered):
    guide = {"api", "telemetry", "rule_engine", "analytics_worker", "reporting_worker",
             "notification_worker", "frontend", "mysql", "influxdb", "redis", "minio",
             "emqx", "nginx"}
    assert guide <= set(rendered["services"])
    assert {"migrate", "beat"} <= set(rendered["services"])


@pytest.mark.parametrize("service,queue", sorted(WORKER_QUEUES.items()))
def test_each_worker_pool_consumes_its_own_queue(rendered, service, queue):
    command = rendered["services"][service]["command"]
    assert command[:4] == ["celery", "-A", "app.workers.celery_app", "worker"]
    assert command[command.index("-Q") + 1] == queue


def test_every_queue_has_a_worker_pool():
    from app.core.task_queue import QUEUES

    consumed = {q for queues in WORKER_QUEUES.values() for q in queues.split(",")}
    assert consumed == set(QUEUES)


def test_commands_of_the_other_application_services(rendered):
    services = rendered["services"]
    assert services["api"]["command"][:2] == ["uvicorn", "app.main:create_app"]
    # One process per container (scale by replicas): the metrics registry is per process.
    assert "--workers" not in services["api"]["command"]
    assert services["telemetry"]["command"] == ["factoryops-ingester"]
    assert services["telemetry"]["build"]["target"] == "telemetry"
    assert services["migrate"]["command"] == ["factoryops", "migrate"]
    assert services["beat"]["command"][3] == "beat"
    assert services["nginx"]["build"]["dockerfile"].endswith("frontend.Dockerfile")
    # Ingesters scale out through a shared subscription.
    assert services["telemetry"]["environment"]["MQTT_SHARED_GROUP"]


def test_application_waits_for_healthy_backing_services_and_migrations(rendered):
    services = rendered["services"]
    for name in ("api", "telemetry", *WORKER_QUEUES, "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        for backing in ("mysql", "redis", "influxdb", "minio"):
            assert depends[backing]["condition"] == "service_healthy", (name, backing)
    assert services["telemetry"]["depends_on"]["emqx"]["condition"] == "service_healthy"


ONE_SHOT = {"migrate", "minio-init"}
# Its image holds the exporter binary alone: Prometheus's `up` is its health.
PROBED_BY_PROMETHEUS = {"nginx-exporter"}


def test_every_long_running_service_is_health_checked(rendered):
    for name, service in rendered["services"].items():
        if name in ONE_SHOT:
            assert service["restart"] == "no", name
        elif name not in PROBED_BY_PROMETHEUS:
            assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"


def test_beat_is_checked_by_the_heartbeat_of_its_loop(rendered):
    beat = rendered["services"]["beat"]
    command = beat["command"]
    assert command[command.index("-S") + 1] == "app.workers.beat:HeartbeatScheduler"
    schedule = command[command.index("-s") + 1]
    assert beat["healthcheck"]["test"] == [
        "CMD", "python", "-m", "app.workers.beat", schedule + ".heartbeat", "300"]


def test_every_periodic_task_goes_to_a_queue_a_worker_pool_consumes(rendered):
    from app.core.config import Settings
    from app.core.task_queue import (
        APPLY_RETENTION,
        QUEUE_MAINTENANCE,
        REFRESH_ROLLUPS,
        beat_schedule,
    )

    consumed = {queue for service in WORKER_QUEUES for queue in
                _queues(rendered["services"][service]["command"])}
    entries = beat_schedule(Settings()).values()
    for entry in entries:
        assert entry["options"]["queue"] in consumed, entry
    maintenance = {e["task"] for e in entries if e["options"]["queue"] == QUEUE_MAINTENANCE}
    assert maintenance == {REFRESH_ROLLUPS, APPLY_RETENTION}
    assert QUEUE_MAINTENANCE in _queues(rendered["services"]["reporting_worker"]["command"])


def _queues(command: list[str]) -> list[str]:
    return command[command.index("-Q") + 1].split(",")


def _scrape_targets() -> set[str]:
    config = yaml.safe_load((ROOT / "docker" / "prometheus.yml").read_text())
    targets = set()
    for job in config["scrape_configs"]:
        for discovery in job.get("dns_sd_configs", []):
            targets |= {f"{name}:{discovery['port']}" for name in discovery["names"]}
        for static in job.get("static_configs", []):
            targets |= set(static["targets"])
    return targets


def test_the_monitoring_profile_scrapes_every_service(tmp_path):
    rendered = render(tmp_path, "", "--profile", "monitoring")
    services = rendered["services"]
    monitoring = {name for name, s in services.items() if s.get("profiles") == ["monitoring"]}
    assert monitoring == {"prometheus", "grafana", "mysqld-exporter", "redis-exporter",
                          "nginx-exporter"}
    hosts = {target.split(":")[0] for target in _scrape_targets()}
    exporter_of = {"mysql": "mysqld-exporter", "redis": "redis-exporter",
                   "nginx": "nginx-exporter", "prometheus": "localhost"}
    # Beat has no endpoint (its health check watches it); the Vite server is for development.
    unscraped = ONE_SHOT | {"beat", "frontend"}
    for name in set(services) - unscraped:
        assert exporter_of.get(name, name) in hosts, f"nothing scrapes {name}"
    # The ports scraped are the ones the services serve metrics on.
    targets = _scrape_targets()
    assert "api:8000" in targets
    assert f"telemetry:{services['telemetry']['environment']['INGEST_METRICS_PORT']}" in targets
    for worker in WORKER_QUEUES:
        port = services[worker]["environment"]["WORKER_METRICS_PORT"]
        assert f"{worker}:{port}" in targets, worker
    # Exporters point at their service.
    assert "--mysqld.address=mysql:3306" in services["mysqld-exporter"]["command"]
    assert services["redis-exporter"]["environment"]["REDIS_ADDR"] == "redis://redis:6379"
    assert "--nginx.scrape-uri=http://nginx:8081/stub_status" in \
        services["nginx-exporter"]["command"]
    assert "nginx_metrics" in services["nginx-exporter"]["networks"]
    assert services["minio"]["environment"]["MINIO_PROMETHEUS_AUTH_TYPE"] == "public"
    prometheus_mounts = {m.split(":")[1]: m.split(":")[0]
                         for m in services["prometheus"]["volumes"]}
    assert prometheus_mounts["/etc/prometheus/prometheus.yml"].endswith(
        "docker/prometheus.yml")


def test_grafana_is_provisioned_with_prometheus_and_the_shipped_dashboard(rendered):
    grafana = rendered["services"]["grafana"]
    mounts = {m.split(":")[1]: m.split(":")[0] for m in grafana["volumes"]}
    assert mounts["/etc/grafana/provisioning"].endswith("docker/grafana/provisioning")
    dashboard_target = next(t for t, source in mounts.items()
                            if source.endswith("docker/grafana/factoryops-platform.json"))
    provisioning = ROOT / "docker" / "grafana" / "provisioning"
    source = yaml.safe_load((provisioning / "datasources" / "prometheus.yml").read_text())
    (prometheus,) = source["datasources"]
    assert (prometheus["type"], prometheus["url"], prometheus["isDefault"]) == (
        "prometheus", "http://prometheus:9090", True)
    providers = yaml.safe_load((provisioning / "dashboards" / "factoryops.yml").read_text())
    (provider,) = providers["providers"]
    assert provider["options"]["path"] == str(Path(dashboard_target).parent)
    # The dashboard asks for a Prometheus data source, which the default one answers.
    dashboard = json.loads((ROOT / "docker/grafana/factoryops-platform.json").read_text())
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["query"] == "prometheus"


def test_nginx_serves_https_with_the_configured_certificate(rendered):
    nginx = rendered["services"]["nginx"]
    # docker-compose 1.29 renders short-form mounts as "source:target:mode".
    mounts = {m.split(":")[1]: m.split(":")[0] for m in nginx["volumes"]}
    assert published(nginx) == {8080: "0.0.0.0:80", 8443: "0.0.0.0:443"}
    assert mounts["/etc/nginx/tls/tls.crt"] == "/etc/factoryops/tls_cert_file.pem"
    assert mounts["/etc/nginx/tls/tls.key"] == "/etc/factoryops/tls_key_file.pem"
    conf = (ROOT / "nginx" / "nginx.conf").read_text()
    assert "ssl_certificate /etc/nginx/tls/tls.crt;" in conf
    assert "ssl_certificate_key /etc/nginx/tls/tls.key;" in conf


def test_only_nginx_shares_the_network_the_api_believes_forwarded_headers_from(tmp_path):
    rendered = render(tmp_path, "", "--profile", "monitoring", "--profile", "dev")
    on_edge = {name for name, service in rendered["services"].items()
               if "edge" in (service.get("networks") or {})}
    assert on_edge == {"nginx", "api"}
    subnet = rendered["networks"]["edge"]["ipam"]["config"][0]["subnet"]
    assert rendered["services"]["api"]["environment"]["TRUSTED_PROXIES"] == f'["{subnet}"]'
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in (
        ROOT / "nginx" / "nginx.conf").read_text()
    assert "--no-proxy-headers" in rendered["services"]["api"]["command"]


def test_data_lives_in_named_volumes(rendered):
    volumes = set(rendered["volumes"])
    assert {"mysql_data", "influxdb_data", "minio_data", "redis_data", "emqx_data"} <= volumes
    mysql_mounts = [str(m) for m in rendered["services"]["mysql"]["volumes"]]
    assert any("mysql_data" in m and "/var/lib/mysql" in m for m in mysql_mounts)


def test_influxdb_is_the_generation_the_tests_run_and_the_app_signs_in_to_it(rendered):
    influxdb = rendered["services"]["influxdb"]
    assert influxdb["image"].startswith("influxdb:1.")
    influx = influxdb["environment"]
    assert influx["INFLUXDB_HTTP_AUTH_ENABLED"] == "true"
    api = rendered["services"]["api"]["environment"]
    assert api["TSDB_BACKEND"] == "influxdb"
    assert api["INFLUX_DATABASE"] == influx["INFLUXDB_DB"]
    assert (api["INFLUX_USERNAME"], api["INFLUX_PASSWORD"]) == (
        influx["INFLUXDB_USER"], influx["INFLUXDB_USER_PASSWORD"])
    assert api["INFLUX_PASSWORD"] == "test-influx_password"
    # The backup port is reachable from the API container, never from the host.
    assert api["INFLUX_RPC_ADDRESS"] == "influxdb:8088"
    assert influx["INFLUXDB_BIND_ADDRESS"] == ":8088"
    assert "ports" not in influxdb


def test_application_images_are_tagged_with_the_version(rendered):
    for name in ("api", "telemetry", "rule_engine", "beat", "migrate", "nginx"):
        assert rendered["services"][name]["image"].endswith(":1.4.2-test"), name


def test_emqx_authorizes_every_operation_through_the_api_and_nothing_else(rendered):
    emqx = rendered["services"]["emqx"]["environment"]
    sources = emqx["EMQX_AUTHORIZATION__SOURCES"]
    # One source, the API's HTTP hook: the image's default file source (acl.conf, ending in
    # `allow all`) is gone.
    assert sources.count("type =") == 1 and "type = http" in sources
    assert "http://api:8000/api/v1/mqtt/authz" in sources
    for field in ("clientid", "username", "topic", "action"):
        assert f'{field} = "$${{{field}}}"' in sources, field
    assert '"x-factoryops-broker-secret" = "test-mqtt_auth_secret"' in sources
    assert emqx["EMQX_AUTHORIZATION__NO_MATCH"] == "deny"
    from app.api.v1.mqtt import router

    assert "/mqtt/authz" in {route.path for route in router.routes}


def test_emqx_speaks_tls_and_keeps_plain_mqtt_and_its_dashboard_internal(rendered,
                                                                       tmp_path):
    emqx = rendered["services"]["emqx"]
    env = emqx["environment"]
    mounts = {m.split(":")[1]: m.split(":")[0] for m in emqx["volumes"]}
    assert mounts[env["EMQX_LISTENERS__SSL__DEFAULT__SSL_OPTIONS__CERTFILE"]] == \
        "/etc/factoryops/tls_cert_file.pem"
    assert mounts[env["EMQX_LISTENERS__SSL__DEFAULT__SSL_OPTIONS__KEYFILE"]] == \
        "/etc/factoryops/tls_key_file.pem"
    assert "tlsv1.1" not in env["EMQX_LISTENERS__SSL__DEFAULT__SSL_OPTIONS__VERSIONS"]
    ports = published(emqx)
    assert ports == {8883: "0.0.0.0:8883", 1883: "127.0.0.1:1883", 18083: "127.0.0.1:18083"}
    # Exposed only when a setting says so.
    exposed = render(tmp_path, "MQTT_PLAIN_BIND=0.0.0.0\nEMQX_DASHBOARD_BIND=0.0.0.0\n")
    assert published(exposed["services"]["emqx"])[1883] == "0.0.0.0:1883"
    assert published(exposed["services"]["emqx"])[18083] == "0.0.0.0:18083"


def test_emqx_limits_each_clients_message_rate(rendered):
    env = rendered["services"]["emqx"]["environment"]
    for listener in ("SSL", "TCP"):
        assert env[f"EMQX_LISTENERS__{listener}__DEFAULT__MESSAGES_RATE"] == "50/s"


def test_devices_are_shown_the_tls_endpoint(rendered):
    api = rendered["services"]["api"]["environment"]
    assert (api["MQTT_PUBLIC_HOST"], api["MQTT_PUBLIC_PORT"], api["MQTT_PUBLIC_TLS"]) == (
        "mqtt.plant.example", "8883", "true")


def test_the_api_can_end_device_sessions_with_the_key_emqx_bootstraps(rendered):
    emqx = rendered["services"]["emqx"]
    api = rendered["services"]["api"]["environment"]
    assert api["EMQX_API_URL"] == "http://emqx:18083"
    assert emqx["environment"]["FACTORYOPS_API_KEY"] == api["EMQX_API_KEY"]
    assert emqx["environment"]["FACTORYOPS_API_SECRET"] == api["EMQX_API_SECRET"] == \
        "test-emqx_api_secret"
    # The entrypoint writes `key:secret` to the bootstrap file EMQX reads, then starts EMQX
    # as the image does.
    script = emqx["entrypoint"][2]
    bootstrap = emqx["environment"]["EMQX_API_KEY__BOOTSTRAP_FILE"]
    assert emqx["entrypoint"][:2] == ["sh", "-c"]
    assert f"> {bootstrap}" in script
    assert "\"$$FACTORYOPS_API_KEY\" \"$$FACTORYOPS_API_SECRET\"" in script
    assert script.endswith("exec /usr/bin/docker-entrypoint.sh /opt/emqx/bin/emqx foreground")


def test_emqx_authenticates_devices_through_the_api(rendered):
    emqx = rendered["services"]["emqx"]["environment"]
    auth = emqx["EMQX_AUTHENTICATION"]
    assert "http://api:8000/api/v1/mqtt/auth" in auth
    assert "${clientid}" in auth and "${password}" in auth
    assert "test-mqtt_auth_secret" in auth
    assert emqx["EMQX_AUTHORIZATION__NO_MATCH"] == "deny"


def test_no_secret_is_written_in_the_compose_file():
    text = COMPOSE.read_text()
    for line in text.splitlines():
        match = re.match(r"^\s*([A-Z_]*(PASSWORD|SECRET|TOKEN)[A-Z_]*):\s*(.+)$", line)
        if match:
            # From .env, or explicitly empty.
            value = match.group(3)
            assert value.startswith("${") or value == '""', f"literal secret: {line.strip()}"


def test_missing_secret_is_refused(tmp_path):
    shutil.copytree(ROOT / "docker", tmp_path / "docker")
    (tmp_path / ".env").write_text((ROOT / ".env.example").read_text()
                                   + "\nFACTORYOPS_VERSION=1.4.2-test\n")
    result = subprocess.run(
        ["docker-compose", "--env-file", ".env", "-f", "docker/docker-compose.yml", "config"],
        cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode != 0
    assert "set MYSQL_PASSWORD in .env" in result.stderr or "in .env" in result.stderr


def test_the_api_knows_the_ingesters_broker_credentials(rendered):
    """EMQX asks the API about every client, the ingester included: the API recognises it by
    the credentials the ingester connects with."""
    api = rendered["services"]["api"]["environment"]
    telemetry = rendered["services"]["telemetry"]["environment"]
    for name in ("MQTT_USERNAME", "MQTT_PASSWORD"):
        assert api[name] and api[name] == telemetry[name], name
    hook = rendered["services"]["emqx"]["environment"]["EMQX_AUTHENTICATION"]
    assert "http://api:8000/api/v1/mqtt/auth" in hook
    assert f'"x-factoryops-broker-secret" = "{api["MQTT_AUTH_SECRET"]}"' in hook
