from datetime import timedelta

import jwt
import pytest

from app.core.config import INSECURE_DEFAULT_SECRET, Settings
from app.core.security import (
    ACCESS,
    REFRESH,
    InvalidToken,
    create_token,
    decode_token,
    hash_password,
    hash_token,
    verify_password,
)

SETTINGS = Settings(_env_file=None, jwt_secret="unit-secret-0123456789abcdef0123456789")


def _token(lifetime=timedelta(minutes=5), token_type=ACCESS):
    return create_token(SETTINGS, user_id=7, factory_id=3, role="user", token_type=token_type,
                        version=2, lifetime=lifetime)


def test_token_round_trip_carries_user_factory_role_and_version():
    token, issued = _token()
    claims = decode_token(SETTINGS, token, ACCESS)
    assert (claims.user_id, claims.factory_id, claims.role, claims.version) == (7, 3, "user", 2)
    assert claims.jti == issued.jti


def test_expired_token_is_refused():
    token, _ = _token(lifetime=timedelta(seconds=-1))
    with pytest.raises(InvalidToken):
        decode_token(SETTINGS, token, ACCESS)


def test_refresh_token_is_not_an_access_token():
    token, _ = _token(token_type=REFRESH)
    with pytest.raises(InvalidToken):
        decode_token(SETTINGS, token, ACCESS)


def test_tampered_payload_is_refused():
    token, _ = _token()
    header, payload, signature = token.split(".")
    forged = jwt.encode({"sub": "1", "factory_id": 1, "type": "access", "jti": "x",
                         "exp": 9999999999}, "another-secret-of-sufficient-length-000")
    with pytest.raises(InvalidToken):
        decode_token(SETTINGS, f"{header}.{forged.split('.')[1]}.{signature}", ACCESS)


def test_alg_none_is_refused():
    unsigned = jwt.encode({"sub": "7", "factory_id": 3, "type": "access", "jti": "x",
                           "exp": 9999999999}, key=None, algorithm="none")
    with pytest.raises(InvalidToken):
        decode_token(SETTINGS, unsigned, ACCESS)


def test_other_hmac_algorithm_is_refused():
    token = jwt.encode({"sub": "7", "factory_id": 3, "type": "access", "jti": "x",
                        "exp": 9999999999}, SETTINGS.jwt_secret.get_secret_value(),
                       algorithm="HS512")
    with pytest.raises(InvalidToken):
        decode_token(SETTINGS, token, ACCESS)


def test_a_remembered_token_still_expires(monkeypatch):
    from datetime import datetime

    from app.core import security

    token, _ = _token(lifetime=timedelta(minutes=5))
    assert decode_token(SETTINGS, token, ACCESS).user_id == 7  # verified and remembered

    class TenMinutesLater(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + timedelta(minutes=10)

    monkeypatch.setattr(security, "datetime", TenMinutesLater)
    with pytest.raises(InvalidToken):
        decode_token(SETTINGS, token, ACCESS)


def test_a_remembered_token_is_not_accepted_under_another_key_or_type():
    token, _ = _token()
    decode_token(SETTINGS, token, ACCESS)
    rotated = Settings(_env_file=None, jwt_secret="rotated-secret-0123456789abcdef01234567")
    with pytest.raises(InvalidToken):
        decode_token(rotated, token, ACCESS)
    with pytest.raises(InvalidToken):
        decode_token(SETTINGS, token, REFRESH)


def test_passwords_hash_with_argon2_and_verify():
    hashed = hash_password("s3cret-pass")
    assert hashed.startswith("$argon2")
    assert verify_password("s3cret-pass", hashed)
    assert not verify_password("wrong", hashed)
    assert not verify_password("anything", None)
    assert not verify_password("anything", "not-a-hash")


def test_token_hash_is_stable_and_not_the_token():
    assert hash_token("abc") == hash_token("abc") != "abc"


def test_production_refuses_the_default_secret():
    with pytest.raises(ValueError):
        Settings(_env_file=None, environment="production", jwt_secret=INSECURE_DEFAULT_SECRET)
