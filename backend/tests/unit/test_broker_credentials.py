import base64
import subprocess

import pytest

from app.core.security import mosquitto_password_hash
from app.services.devices.mqtt_auth import parse_device_username


def test_hash_has_mosquitto_2_layout():
    hashed = mosquitto_password_hash("token-value")
    empty, kind, iterations, salt, digest = hashed.split("$")
    assert (empty, kind, iterations) == ("", "7", "101")
    assert len(base64.b64decode(salt)) == 12 and len(base64.b64decode(digest)) == 64
    assert mosquitto_password_hash("token-value") != hashed  # a fresh salt each time


def test_hash_equals_what_mosquitto_passwd_writes(tmp_path):
    """mosquitto_passwd comes with the mosquitto package `make test` installs."""
    password_file = tmp_path / "passwords"
    subprocess.run(["mosquitto_passwd", "-c", "-b", str(password_file), "meter", "s3cret-Token"],
                   check=True, capture_output=True)
    written = password_file.read_text().strip().split(":", 1)[1]
    _, _, iterations, salt, _ = written.split("$")
    ours = mosquitto_password_hash("s3cret-Token", iterations=int(iterations),
                                   salt=base64.b64decode(salt))
    assert ours == written


@pytest.mark.parametrize(("username", "expected"), [
    ("plant-a:meter-1", ("plant-a", "meter-1")),
    ("plant-a/meter-1", ("plant-a", "meter-1")),
    ("plant-a:00:1a:2b", ("plant-a", "00:1a:2b")),
    ("plant-a/00:1a:2b", ("plant-a", "00:1a:2b")),
])
def test_device_usernames(username, expected):
    identity = parse_device_username(username)
    assert (identity.factory_slug, identity.device_key) == expected


@pytest.mark.parametrize("username", ["", "plant-a", ":meter", "/meter", "plant-a:",
                                      "Plant-A:meter", "plant a:meter", "plant-a:x/y",
                                      "-plant:meter"])
def test_malformed_usernames(username):
    assert parse_device_username(username) is None
