"""A Mosquitto of the test's own, for tests that count every message or break things: the
shared test broker carries other suites' traffic. It listens on two spare loopback ports,
plain MQTT and MQTT over TLS with a certificate signed by a throwaway CA (made with openssl),
and keeps persistent sessions like the shared one."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_certificates(folder: Path) -> dict[str, Path]:
    """A CA and a server certificate for 127.0.0.1/localhost signed by it."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {name: folder / f"{name}.pem" for name in ("ca", "ca-key", "server", "server-key")}
    extensions = folder / "server.ext"
    extensions.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                          "extendedKeyUsage=serverAuth\n")

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=FactoryOps test CA", "-keyout", str(paths["ca-key"]),
            "-out", str(paths["ca"]))
    csr = folder / "server.csr"
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
            "-keyout", str(paths["server-key"]), "-out", str(csr))
    openssl("x509", "-req", "-in", str(csr), "-CA", str(paths["ca"]),
            "-CAkey", str(paths["ca-key"]), "-CAcreateserial", "-days", "2",
            "-extfile", str(extensions), "-out", str(paths["server"]))
    return paths


class PrivateMosquitto:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.tls_port = free_port()
        self.certificates = make_certificates(folder / "tls")
        self.process: subprocess.Popen | None = None

    @property
    def ca_file(self) -> Path:
        return self.certificates["ca"]

    def _write_config(self) -> Path:
        (self.folder / "data").mkdir(parents=True, exist_ok=True)
        user = "root" if os.geteuid() == 0 else os.environ.get("USER", "nobody")
        config = self.folder / "mosquitto.conf"
        config.write_text(f"""
user {user}
per_listener_settings false
allow_anonymous true
max_queued_messages 1000000
max_inflight_messages 30000
persistence true
persistence_location {self.folder / "data"}/
log_dest stderr
log_type error
log_type warning
listener {self.port} 127.0.0.1
listener {self.tls_port} 127.0.0.1
cafile {self.certificates["ca"]}
certfile {self.certificates["server"]}
keyfile {self.certificates["server-key"]}
""")
        return config

    def start(self) -> None:
        config = self._write_config()
        log = open(self.folder / "mosquitto.log", "ab")  # noqa: SIM115 (the process keeps it)
        self.process = subprocess.Popen([MOSQUITTO, "-c", str(config)], stdout=log,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("mosquitto exited: "
                                   + (self.folder / "mosquitto.log").read_text()[-2000:])
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                socket.create_connection(("127.0.0.1", self.tls_port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("mosquitto did not start listening")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
