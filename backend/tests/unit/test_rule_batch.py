"""The rule batch's two forms: the typed model the engine evaluates and the JSON message the
queue carries (the ingester's side of the round trip is tested in the telemetry suite)."""

from app.schemas.rule_batch import RuleBatch

CHANGES = {(1, 10): {"power_kw": (1_000, 12.5)}, (1, 11): {},
           (2, 20): {"power_kw": (3_000, 7.0), "voltage": (2_000, 231.0)}}


def test_devices_without_values_are_left_out():
    batch = RuleBatch.of_changes(CHANGES)
    assert batch.root == {1: {10: {"power_kw": (1_000, 12.5)}},
                          2: {20: {"power_kw": (3_000, 7.0), "voltage": (2_000, 231.0)}}}
    assert batch.device_count() == 2 and batch.newest_ms() == 3_000
    assert not RuleBatch.of_changes({(1, 10): {}})


def test_the_message_is_the_models_json_form():
    batch = RuleBatch.of_changes(CHANGES)
    message = batch.to_message()
    assert message == batch.model_dump(mode="json")
    assert message == {"1": {"10": {"power_kw": [1_000, 12.5]}},
                       "2": {"20": {"power_kw": [3_000, 7.0], "voltage": [2_000, 231.0]}}}
    assert RuleBatch.from_message(message) == batch


def test_numbers_sent_as_text_or_integers_are_read_as_the_model_types():
    batch = RuleBatch.from_message({"3": {"30": {"p": ["1000", "2.5"], "q": [1000.9, 4]}}})
    assert batch.root == {3: {30: {"p": (1000, 2.5), "q": (1000, 4.0)}}}


def test_a_retry_carries_only_the_failed_factories():
    batch = RuleBatch.of_changes(CHANGES)
    assert batch.for_factories([2, 9]).root == {2: batch.root[2]}
    assert not batch.for_factories([9])
