"""The text of an API key: `fo_live_`, 32 random base62 characters, and a 6-character
base62 CRC32 of those 32. Pure functions: no database here.

The fixed prefix lets secret scanners (GitHub push protection, gitleaks, trufflehog) find a
leaked key with one pattern, `API_KEY_PATTERN`; the checksum lets them, and this API, tell a
real key from a look-alike without a lookup. The random part carries ~190 bits, so a SHA-256
of the whole key is stored and looked up, as for device tokens: a slow hash buys nothing
against a secret that cannot be guessed."""

from __future__ import annotations

import hashlib
import re
import secrets
import zlib

API_KEY_PREFIX = "fo_live_"
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_RANDOM_CHARS = 32
_CHECKSUM_CHARS = 6  # 62**6 > 2**32
# What the list of keys shows to tell keys apart: the prefix and the first random characters.
DISPLAY_CHARS = len(API_KEY_PREFIX) + 6

API_KEY_PATTERN = rf"\b{API_KEY_PREFIX}[0-9A-Za-z]{{{_RANDOM_CHARS + _CHECKSUM_CHARS}}}\b"
_SHAPE = re.compile(rf"{API_KEY_PREFIX}[0-9A-Za-z]{{{_RANDOM_CHARS + _CHECKSUM_CHARS}}}")


def _base62(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, digit = divmod(number, len(_ALPHABET))
        chars.append(_ALPHABET[digit])
    return "".join(reversed(chars))


def _checksum(random_part: str) -> str:
    return _base62(zlib.crc32(random_part.encode()), _CHECKSUM_CHARS)


def new_api_key() -> str:
    random_part = "".join(secrets.choice(_ALPHABET) for _ in range(_RANDOM_CHARS))
    return API_KEY_PREFIX + random_part + _checksum(random_part)


def looks_like_api_key(text: str) -> bool:
    """Carries the prefix: meant as an API key (and refused as one if it is not valid)."""
    return text.startswith(API_KEY_PREFIX)


def is_well_formed(key: str) -> bool:
    if not _SHAPE.fullmatch(key):
        return False
    body = key[len(API_KEY_PREFIX):]
    return secrets.compare_digest(_checksum(body[:_RANDOM_CHARS]), body[_RANDOM_CHARS:])


def api_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def display_prefix(key: str) -> str:
    return key[:DISPLAY_CHARS]
