import re

from app.core.api_key_format import (
    API_KEY_PATTERN,
    display_prefix,
    is_well_formed,
    looks_like_api_key,
    new_api_key,
)


def test_new_keys_carry_the_prefix_a_scanner_matches_and_differ():
    keys = {new_api_key() for _ in range(200)}
    assert len(keys) == 200
    for key in keys:
        assert re.fullmatch(API_KEY_PATTERN, key) and is_well_formed(key)
        assert looks_like_api_key(key) and display_prefix(key) == key[:14]
    # A scanner finds a key inside other text, and not a longer run of characters.
    key = next(iter(keys))
    assert re.findall(API_KEY_PATTERN, f'token = "{key}"\n') == [key]
    assert not re.findall(API_KEY_PATTERN, f"{key}x")


def test_the_checksum_catches_every_single_character_change():
    key = new_api_key()
    body_start = len("fo_live_")
    for i in range(body_start, len(key)):
        replacement = "0" if key[i] != "0" else "1"
        assert not is_well_formed(key[:i] + replacement + key[i + 1:]), i


def test_malformed_keys_are_refused():
    key = new_api_key()
    for bad in ("", "fo_live_", key[:-1], key + "a", "fo_test_" + key[8:], key.replace(
            key[10], "-")):
        assert not is_well_formed(bad), bad
