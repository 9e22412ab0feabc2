"""Per-device intake quotas (pure logic shared by MQTT and HTTP ingest)."""

from app.core.config import Settings
from app.services.ingest.quotas import DeviceQuota, TokenBucket, admit_parameters


def test_factory_overrides_apply_within_the_platform_ceiling():
    platform = Settings(ingest_max_payload_bytes=100_000, ingest_quota_messages_per_second=5)
    quota = DeviceQuota.for_factory(platform, {"device_quotas": {
        "payload_bytes": 10_000_000, "messages_per_second": 50, "values_per_message": 20}})
    assert quota.payload_bytes == 100_000  # never above the ceiling
    assert (quota.messages_per_second, quota.values_per_message) == (50.0, 20)
    assert quota.parameters_per_device == platform.ingest_quota_parameters_per_device


def test_unusable_overrides_fall_back_to_the_defaults():
    platform = Settings()
    for junk in (None, {}, {"device_quotas": "lots"},
                 {"device_quotas": {"messages_per_second": -1, "burst_messages": True,
                                    "values_per_message": "9"}}):
        assert DeviceQuota.for_factory(platform, junk) == DeviceQuota.for_factory(platform, {})


def test_token_bucket_allows_the_burst_then_the_rate():
    bucket = TokenBucket(rate=10, burst=5, now=0.0)
    assert [bucket.take(0.0) for _ in range(7)] == [True] * 5 + [False] * 2
    assert bucket.take(0.05) is False  # half a token
    assert bucket.take(0.1) is True
    taken = sum(bucket.take(1.0 + i / 1000) for i in range(1000))  # 1,000 tries in a second
    assert 10 <= taken <= 16  # 9 tokens refilled by t=1.0 (capped at 5) + 10 over the second
    assert bucket.take(100.0) and bucket.tokens == 4  # never more than the burst


def test_token_bucket_credits_time_the_device_could_not_be_heard():
    bucket = TokenBucket(rate=2, burst=3, now=0.0)
    for _ in range(3):
        bucket.take(0.0)
    bucket.grant(60)  # a minute's backlog arrives at once from the broker's queue
    assert sum(bucket.take(0.0) for _ in range(200)) == 120


def test_parameter_cap_refuses_new_keys_and_keeps_known_ones():
    known = {"a", "b"}
    admitted, refused = admit_parameters(["a", "c", "d", "c", "e", "b"], known, limit=4)
    assert admitted == ["c", "d"] and refused == ["e"]
    admitted, refused = admit_parameters(["a", "x"], {"a", "b", "c", "d"}, limit=4)
    assert admitted == [] and refused == ["x"]
