"""Password hashing (pwdlib, argon2) and JWTs (PyJWT). Pure functions: no database here."""

from __future__ import annotations

import base64
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from cachetools import TTLCache
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.core.config import Settings

_password_hash = PasswordHash((Argon2Hasher(),))

# A hash of a random password: verifying against it when the email is unknown costs the same
# time as a real check, so response timing does not reveal which emails exist.
_DUMMY_HASH = _password_hash.hash(secrets.token_urlsafe(16))

ACCESS = "access"
REFRESH = "refresh"


def hash_password(password: str) -> str:
    return _password_hash.hash(password)


def verify_password(password: str, hashed: str | None) -> bool:
    if not hashed:
        _password_hash.verify(password, _DUMMY_HASH)
        return False
    try:
        return _password_hash.verify(password, hashed)
    except Exception:  # a corrupt stored hash is a failed login, not a crash
        return False


def burn_password_check(password: str) -> None:
    _password_hash.verify(password, _DUMMY_HASH)


def new_secret_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> str:
    """Tokens with 256 bits of entropy need no slow hash; SHA-256 lets us look them up."""
    return hashlib.sha256(token.encode()).hexdigest()


# What `mosquitto_passwd` (Mosquitto 2) writes: PBKDF2-HMAC-SHA512 over a 12-byte salt,
# stored as `$7$<iterations>$<base64 salt>$<base64 digest>`. Its default of 101 iterations
# suits device tokens: they carry 256 random bits, so slowing guesses buys nothing, while the
# broker runs this for every connection.
MOSQUITTO_HASH_ITERATIONS = 101


def mosquitto_password_hash(secret: str, *, iterations: int = MOSQUITTO_HASH_ITERATIONS,
                            salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", secret.encode(), salt, iterations)
    return (f"$7${iterations}${base64.b64encode(salt).decode()}"
            f"${base64.b64encode(digest).decode()}")


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    factory_id: int
    role: str
    token_type: str
    jti: str
    version: int
    expires_at: datetime


class InvalidToken(Exception):
    pass


def create_token(settings: Settings, *, user_id: int, factory_id: int, role: str,
                 token_type: str, version: int, lifetime: timedelta) -> tuple[str, TokenClaims]:
    now = datetime.now(UTC)
    expires = now + lifetime
    jti = uuid.uuid4().hex
    payload = {
        "sub": str(user_id),
        "factory_id": factory_id,
        "role": role,
        "type": token_type,
        "ver": version,
        "jti": jti,
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
    }
    token = jwt.encode(payload, settings.jwt_secret.get_secret_value(),
                       algorithm=settings.jwt_algorithm)
    return token, TokenClaims(user_id, factory_id, role, token_type, jti, version, expires)


# Checking a signature is a large share of an authorised request that is otherwise answered
# from caches; a dashboard presents the same token hundreds of times. A token verified with
# the same key and algorithm is remembered for a while; its expiry is still checked on
# every use, and whether its user may still act is the principal's concern, not the token's.
_verified: TTLCache[tuple[str, str, str, str], TokenClaims] = TTLCache(maxsize=20_000, ttl=300)


def decode_token(settings: Settings, token: str, expected_type: str) -> TokenClaims:
    memo = (token, expected_type, settings.jwt_algorithm, settings.jwt_secret.get_secret_value())
    claims = _verified.get(memo)
    if claims is None:
        claims = _verify(settings, token, expected_type)
        _verified[memo] = claims
    elif claims.expires_at <= datetime.now(UTC):
        raise InvalidToken("Signature has expired")
    return claims


def _verify(settings: Settings, token: str, expected_type: str) -> TokenClaims:
    try:
        # `algorithms` is a closed list: a token signed with another algorithm, or with
        # "none", is refused before its claims are read.
        payload = jwt.decode(
            token,
            settings.jwt_secret.get_secret_value(),
            algorithms=[settings.jwt_algorithm],
            options={"require": ["exp", "sub", "jti", "type"]},
        )
        if payload.get("type") != expected_type:
            raise InvalidToken("wrong token type")
        return TokenClaims(
            user_id=int(payload["sub"]),
            factory_id=int(payload["factory_id"]),
            role=str(payload.get("role", "")),
            token_type=payload["type"],
            jti=str(payload["jti"]),
            version=int(payload.get("ver", 0)),
            expires_at=datetime.fromtimestamp(payload["exp"], UTC),
        )
    except InvalidToken:
        raise
    except (jwt.PyJWTError, KeyError, ValueError, TypeError) as exc:
        raise InvalidToken(str(exc)) from exc
