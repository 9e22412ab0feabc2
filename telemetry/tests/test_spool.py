"""The disk spool and the instance that owns it (pure file-system logic)."""

from __future__ import annotations

import os

import pytest

from app.core.config import Settings
from app.stores.timeseries import Point
from telemetry.instance import HEARTBEAT, Instance, NoFreeInstanceSlot
from telemetry.spool import DiskSpool, SpoolFull


def points(n: int, start: int = 0) -> list[Point]:
    return [Point(1, 2, f"p{i % 3}", 1_800_000_000_000 + start + i, float(i)) for i in range(n)]


def test_points_and_held_messages_come_back_in_order(tmp_path):
    spool = DiskSpool(tmp_path, max_bytes=1_000_000)
    spool.put_points(points(5))
    spool.put_held([("plant", "meter-1", b'{"v": 1}', 111),
                    ("plant", "m\xe9ter", b"\x00\xff", 222)])
    spool.put_points(points(3, start=100))
    files = spool.files()
    assert [f.suffix for f in files] == [".spool", ".held", ".spool"]
    assert spool.read_points(files[0]) == points(5)
    assert spool.read_held(files[1]) == [("plant", "meter-1", b'{"v": 1}', 111),
                                         ("plant", "m\xe9ter", b"\x00\xff", 222)]
    assert spool.points == 8 and spool.bytes == sum(f.stat().st_size for f in files)
    again = DiskSpool(tmp_path, max_bytes=1_000_000)  # a restart counts what is there
    assert (again.points, again.bytes) == (8, spool.bytes)
    for path in files:
        again.remove(path)
    assert (again.points, again.bytes, again.files()) == (0, 0, [])


def test_batches_spooled_after_a_restart_with_the_clock_set_back_come_after(tmp_path,
                                                                            monkeypatch):
    DiskSpool(tmp_path, max_bytes=1_000_000).put_points(points(2))
    monkeypatch.setattr("telemetry.spool.time.time_ns", lambda: 1_000)  # the clock went back
    again = DiskSpool(tmp_path, max_bytes=1_000_000)
    again.put_points(points(3, start=100))
    assert [again.read_points(f) for f in again.files()] == [points(2), points(3, start=100)]


def test_a_full_spool_refuses_and_keeps_nothing_half_written(tmp_path):
    spool = DiskSpool(tmp_path, max_bytes=600)
    spool.put_points(points(5))
    used = spool.bytes
    with pytest.raises(SpoolFull):
        spool.put_points(points(50))
    assert spool.bytes == used and len(spool.files()) == 1
    assert not list(tmp_path.glob("*.tmp"))


def test_an_interrupted_write_is_cleared_at_start(tmp_path):
    (tmp_path / "00000000000000000001-5.spool.tmp").write_bytes(b"[[1,2")
    spool = DiskSpool(tmp_path, max_bytes=10_000)
    assert spool.files() == [] and not list(tmp_path.glob("*.tmp"))


def test_instances_claim_distinct_slots_and_a_freed_slot_is_taken_again(tmp_path):
    settings = Settings(ingest_spool_dir=tmp_path, ingest_instance_slots=2,
                        mqtt_client_id="ingester", mqtt_shared_group="ingesters")
    first, second = Instance.claim(settings), Instance.claim(settings)
    assert (first.client_id(settings), second.client_id(settings)) == ("ingester-0",
                                                                       "ingester-1")
    with pytest.raises(NoFreeInstanceSlot):
        Instance.claim(settings)
    folder = first.folder
    first.release()
    replacement = Instance.claim(settings)
    assert replacement.folder == folder and replacement.client_id(settings) == "ingester-0"
    second.release()
    replacement.release()


def test_an_explicit_instance_name_and_the_time_it_was_away(tmp_path):
    settings = Settings(ingest_spool_dir=tmp_path, ingest_instance="host a/1",
                        mqtt_client_id="ingester", mqtt_shared_group="g")
    instance = Instance.claim(settings)
    assert instance.client_id(settings) == "ingester-host_a_1"
    assert instance.absent_seconds == 0.0  # never ran before
    heartbeat = instance.folder / HEARTBEAT
    os.utime(heartbeat, (heartbeat.stat().st_atime, heartbeat.stat().st_mtime - 90))
    instance.release()
    assert 89 <= Instance.claim(settings).absent_seconds <= 95


def test_spool_files_of_the_old_layout_are_adopted(tmp_path):
    old = DiskSpool(tmp_path, max_bytes=100_000)
    old.put_points(points(4))
    instance = Instance.claim(Settings(ingest_spool_dir=tmp_path))
    spool = DiskSpool(instance.folder, max_bytes=100_000)
    assert spool.points == 4 and not list(tmp_path.glob("*.spool"))
    instance.release()
