"""Runs the whole platform on one machine: API and web app, and (as they exist) the MQTT
broker, the ingester, a worker with beat, and simulated machines. Each part is a child
process; Ctrl-C stops them all, newest first.

Configuration comes from the environment like everywhere else (see .env.example). With
nothing set it runs on embedded defaults under ./data: SQLite, SQLite time series, a local
object folder, Celery on SQLite."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--host", default=os.environ.get("FACTORYOPS_HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("FACTORYOPS_PORT", "8000")))
    p.add_argument("--mqtt-port", type=int,
                   default=int(os.environ.get("FACTORYOPS_MQTT_PORT", "1883")),
                   help="port of the embedded broker (the next free one when taken)")
    p.add_argument("--external-broker", action="store_true",
                   default=os.environ.get("FACTORYOPS_EXTERNAL_BROKER") == "1",
                   help="use the broker at MQTT_HOST:MQTT_PORT instead of the embedded one")
    p.add_argument("--data-dir", default=os.environ.get("DATA_DIR", str(ROOT / "data")))
    p.add_argument("--machines", type=int, default=4,
                   help="simulated demo machines, besides the main meter (0: none)")
    p.add_argument("--no-spa", action="store_true", help="serve the API only")
    return p.parse_args()


def free_port(host: str, preferred: int) -> int:
    for candidate in range(preferred, preferred + 50):
        if port_is_free(host, candidate):
            return candidate
    raise SystemExit(f"no free port near {preferred}")


def port_is_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
            return True
        except OSError:
            return False


def wait_for_port(host: str, port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{proc.args[0]} exited with {proc.returncode} while starting")
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex((host, port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"nothing answered on {host}:{port} after {timeout:.0f} s")


class Supervisor:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.children: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, *argv: str) -> subprocess.Popen:
        proc = subprocess.Popen(list(argv), env=self.env, cwd=ROOT,
                                start_new_session=True)  # Ctrl-C reaches us, not them
        self.children.append((name, proc))
        return proc

    def stop_all(self) -> None:
        for name, proc in reversed(self.children):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    print(f"{name} did not stop in 20 s: killing it", flush=True)
                    proc.kill()
                    proc.wait()

    def watch(self) -> int:
        """Block until a child dies (an error) or we are told to stop."""
        stop = {"requested": False}

        def on_signal(_signum, _frame):
            stop["requested"] = True

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        while not stop["requested"]:
            for name, proc in self.children:
                if proc.poll() is not None:
                    print(f"{name} exited with {proc.returncode}; stopping the rest", flush=True)
                    return 1
            time.sleep(0.3)
        return 0


def prepare_database(env: dict[str, str], webhook_receiver: str):
    os.environ.update(env)
    from app.core.config import get_settings
    from app.core.database import dispose_database, session_scope
    from app.core.migrations import upgrade
    from app.cli.demo import seed_demo

    get_settings.cache_clear()
    settings = get_settings()
    upgrade(settings.database_url)

    async def seed():
        try:
            async with session_scope() as session:
                return await seed_demo(session, settings, webhook_receiver)
        finally:
            await dispose_database()

    return asyncio.run(seed())


def main() -> int:
    args = parse_args()
    data_dir = Path(args.data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("DATA_DIR", str(data_dir))
    env.setdefault("DATABASE_URL", f"sqlite+aiosqlite:///{data_dir / 'factoryops.db'}")
    env.setdefault("TSDB_SQLITE_PATH", str(data_dir / "timeseries.db"))
    env.setdefault("PUBLIC_URL", f"http://{args.host}:{args.port}")
    if not args.no_spa:
        env.setdefault("SPA_DIST_DIR", str(ROOT / "frontend" / "dist"))
    env.setdefault("LOG_LEVEL", "WARNING")
    env["PYTHONUNBUFFERED"] = "1"

    if not port_is_free(args.host, args.port):
        print(f"port {args.port} is in use: pass --port or set FACTORYOPS_PORT", file=sys.stderr)
        return 2
    # The demo webhook receiver listens on loopback, which webhooks may reach only when
    # allowed: this run allows it (a deployment keeps the default, refused).
    receiver_port = free_port("127.0.0.1", 8787)
    receiver_url = f"http://127.0.0.1:{receiver_port}/factoryops"
    env.setdefault("WEBHOOK_ALLOW_PRIVATE_DESTINATIONS", "true")
    logins = prepare_database(env, receiver_url)

    supervisor = Supervisor(env)
    bin_dir = Path(sys.executable).parent
    try:
        if not args.external_broker:
            mqtt_port = free_port("127.0.0.1", args.mqtt_port)
            env["MQTT_HOST"], env["MQTT_PORT"] = "127.0.0.1", str(mqtt_port)
            broker = supervisor.start("broker", sys.executable, "-m", "telemetry.broker",
                                      "--host", "127.0.0.1", "--port", str(mqtt_port))
            wait_for_port("127.0.0.1", mqtt_port, broker)
        mqtt_host, mqtt_port = env.get("MQTT_HOST", "127.0.0.1"), int(env.get("MQTT_PORT", 1883))
        receiver = supervisor.start(
            "webhook receiver", sys.executable, str(ROOT / "scripts" / "webhook_receiver.py"),
            "--port", str(receiver_port), "--secret-file", str(data_dir / "demo-webhook-secret"),
            "--log", str(data_dir / "webhook-receiver.log"))
        wait_for_port("127.0.0.1", receiver_port, receiver)
        env.setdefault("INGEST_METRICS_PORT", str(free_port("127.0.0.1", 9101)))
        supervisor.start("ingester", str(bin_dir / "factoryops-ingester"))
        supervisor.start(
            "worker", sys.executable, "-m", "celery", "--quiet", "-A", "app.workers.celery_app",
            "worker",
            "-Q", "rule_engine,notifications,analytics,reporting,maintenance", "-B", "-c", "2",
            "--loglevel", "warning", "-s", str(data_dir / "celerybeat-schedule"))
        api = supervisor.start(
            "api", sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory",
            "--host", args.host, "--port", str(args.port), "--no-access-log",
            "--log-level", "warning")
        wait_for_port(args.host, args.port, api)
        if args.machines:
            from app.cli.demo import DEMO_MACHINES, DEMO_MAIN_METER, DEMO_PRODUCTION_KEYS

            keys = ",".join(key for key, *_ in DEMO_MACHINES[:args.machines])
            supervisor.start(
                "simulator", str(bin_dir / "factoryops-simulator"), "--host", mqtt_host,
                "--port", str(mqtt_port), "--factory", logins.factory_slug, "--keys", keys,
                "--main-meter", DEMO_MAIN_METER[0],
                "--production-keys", ",".join(DEMO_PRODUCTION_KEYS),
                "--interval", "5", "--backfill-hours", "24", "--backfill-step", "60",
                "--state-file", str(data_dir / "simulator-state.json"),
                "--stopped-file", str(data_dir / "simulator-stopped"))
        url = f"http://{args.host}:{args.port}"
        print(
            f"\nFactoryOps is running: {url}\n"
            f"  factory:      {logins.factory_slug} (Demo Factory)\n"
            f"  super admin:  {logins.admin[0]} / {logins.admin[1]}\n"
            f"  operator:     {logins.operator[0]} / {logins.operator[1]}\n"
            f"  API key:      {logins.api_key}  (Settings → API keys; "
            f"X-API-Key header)\n"
            f"  MQTT:         mqtt://{mqtt_host}:{mqtt_port}  "
            f"(topic factories/{logins.factory_slug}/devices/<device>/telemetry)\n"
            f"  API docs:     {url}/docs\n"
            f"  webhooks:     every alert event goes to the demo receiver at {receiver_url}, "
            f"signed (Settings → Webhooks; log: {data_dir / 'webhook-receiver.log'})\n"
            f"  data:         {data_dir}\n"
            "Press Ctrl-C to stop.\n", flush=True)
        return supervisor.watch()
    finally:
        supervisor.stop_all()


if __name__ == "__main__":
    sys.exit(main())
