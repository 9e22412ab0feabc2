"""What the production images are built from: every base and service image pinned to a
release of a supported line, and the Python image installing exactly the dependency tree the
tests run on (constraints.txt, which pins that tree and nothing else)."""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[3]
BACKEND = ROOT / "backend"
DOCKERFILES = sorted((ROOT / "docker").glob("*.Dockerfile"))
# A release, not a line that moves: 1.2.3, 1.2.3-alpine, RELEASE.2025-04-22T22-12-26Z.
PINNED_TAG = re.compile(r"^(v?\d+\.\d+\.\d+([-.][a-z0-9.]+)*|RELEASE\.[0-9TZ:-]+)$")


def service_images() -> dict[str, str]:
    compose = yaml.safe_load((ROOT / "docker" / "docker-compose.yml").read_text())
    return {name: service["image"] for name, service in compose["services"].items()
            if "image" in service and "build" not in service}


def base_images() -> list[str]:
    return [line.split()[1] for path in DOCKERFILES for line in path.read_text().splitlines()
            if line.startswith("FROM ") and ":" in line.split()[1]]


def tag(image: str) -> str:
    return image.rsplit(":", 1)[1]


def test_every_image_is_pinned_to_a_release():
    images = list(service_images().values()) + base_images()
    assert len(images) >= 10
    for image in images:
        assert PINNED_TAG.match(tag(image)), f"{image} is not pinned to a release"


def test_supported_lines():
    images = service_images()
    assert tag(images["mysql"]).startswith("8.4."), "MySQL 8.4 is the LTS line"
    assert tag(images["influxdb"]).startswith("1."), "the generation the tests run"
    assert tag(images["redis"]).startswith("7.4.")
    bases = base_images()
    node = next(image for image in bases if image.startswith("node:"))
    assert int(tag(node).split(".")[0]) >= 22, "Node 20 left maintenance in April 2026"
    nginx = next(image for image in bases if image.startswith("nginx:"))
    # nginx numbers its stable lines with an even minor version.
    assert int(tag(nginx).split(".")[1]) % 2 == 0, f"{nginx} is a mainline release"
    assert images["frontend"] == node


def test_the_python_image_installs_the_tested_tree():
    dockerfile = (ROOT / "docker" / "backend.Dockerfile").read_text()
    assert "COPY backend/requirements.txt backend/constraints.txt /tmp/" in dockerfile
    install = re.search(r"pip install (-r \S+ -c \S+)", dockerfile)
    assert install and install.group(1) == "-r /tmp/requirements.txt -c /tmp/constraints.txt"


def _requirements(path: Path) -> list[Requirement]:
    lines = (line.split("#")[0].strip() for line in path.read_text().splitlines())
    return [Requirement(line) for line in lines if line and not line.startswith("-")]


def _closure(roots: list[Requirement]) -> set[str]:
    """Every distribution the requirements pull in, with their extras, as installed."""
    seen: set[tuple[str, frozenset[str]]] = set()
    stack = [(r.name, frozenset(r.extras)) for r in roots]
    while stack:
        name, extras = stack.pop()
        key = (canonicalize_name(name), extras)
        if key in seen:
            continue
        seen.add(key)
        try:
            requires = distribution(name).requires or []
        except PackageNotFoundError as exc:
            raise AssertionError(f"{name} is required but not installed") from exc
        for line in requires:
            dependency = Requirement(line)
            if dependency.marker and not any(
                    dependency.marker.evaluate({"extra": extra}) for extra in extras or {""}):
                continue
            stack.append((dependency.name, frozenset(dependency.extras)))
    return {name for name, _ in seen}


def test_constraints_pin_exactly_the_installed_dependency_tree():
    pins = {}
    for line in (BACKEND / "constraints.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version.strip()
    needed = _closure(_requirements(BACKEND / "requirements.txt")
                      + _requirements(BACKEND / "requirements-dev.txt"))
    assert set(pins) - needed == set(), "pins of packages nothing requires"
    assert needed - set(pins) == set(), "required packages left unpinned"
    for name, version in pins.items():
        assert distribution(name).version == version, f"{name}: tested with another version"
