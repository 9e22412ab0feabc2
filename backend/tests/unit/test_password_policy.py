import pytest

from app.core.errors import ValidationFailed
from app.services.accounts.password_policy import enforce_password_policy, password_failures


def rules(password, email=None):
    return {f.rule for f in password_failures(password, email)}


@pytest.mark.parametrize("password", ["Correct-Horse-42", "boiler room 7", "1234567890x",
                                      "ÜberSicher-2031", "x" * 9 + "!"])
def test_good_passwords_pass(password):
    assert rules(password, "dana.admin@plant.io") == set()


def test_each_rule_has_its_code():
    assert rules("Short-1") == {"min_length"}
    assert rules("onlyletters") == {"not_only_letters"}
    assert rules("12345678901") == {"not_only_digits"}
    assert rules("x" * 257) == {"max_length", "not_only_letters"}
    assert rules("PASSWORD123") == {"not_common"}
    assert rules("my-dana.admin-2031", "Dana.Admin@plant.io") == {"not_email"}


def test_a_very_short_local_part_does_not_forbid_its_letters():
    assert rules("albatross-2031", "al@plant.io") == set()
    assert rules("xbobx-2031-pass", "bob@plant.io") == {"not_email"}


def test_every_failure_is_reported_with_a_message():
    with pytest.raises(ValidationFailed) as refused:
        enforce_password_policy("dana", "dana@plant.io")
    error = refused.value
    assert error.code == "WEAK_PASSWORD" and error.status == 422
    assert [d["rule"] for d in error.details] == ["min_length", "not_only_letters", "not_email"]
    assert all(d["message"].endswith(".") for d in error.details)
    assert "at least 10 characters" in error.message
