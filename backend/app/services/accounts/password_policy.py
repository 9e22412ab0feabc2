"""What a new password must satisfy. Every failed rule is reported at once, each with a
stable code and a sentence the sign-up form can show as it is."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.errors import ValidationFailed

MIN_LENGTH = 10
MAX_LENGTH = 256
# A shorter local part ("al@...") would forbid every password that contains those letters.
MIN_LOCAL_PART = 3

# The most used passwords of public breach corpora that are long enough to pass the other
# rules. Compared without case; a list is enough here because the length and character
# rules already turn away the short ones.
COMMON_PASSWORDS = frozenset({
    "1234567890a", "1q2w3e4r5t", "1q2w3e4r5t6y", "a123456789", "abc1234567", "abcd123456",
    "administrator1", "changeme123", "football123", "iloveyou123", "letmein123", "monkey12345",
    "password01", "password1", "password12", "password123", "password1234", "password!",
    "passw0rd123", "p@ssw0rd123", "p@ssword123", "q1w2e3r4t5", "q1w2e3r4t5y6", "qwerty1234",
    "qwerty12345", "qwerty123456", "qwertyuiop1", "qwertyuiop123", "trustno1234", "welcome123",
    "welcome1234", "zaq12wsxcde", "1qaz2wsx3edc", "qazwsxedc123", "sunshine123", "princess123",
    "dragon12345", "master12345", "superman123", "baseball123", "starwars123", "admin12345",
    "admin123456", "factoryops1", "factoryops123", "welcome2024", "welcome2025", "welcome2026",
    "password2024", "password2025", "password2026", "summer2025!", "winter2025!",
})


@dataclass(frozen=True)
class PolicyFailure:
    rule: str
    message: str


def password_failures(password: str, email: str | None = None) -> list[PolicyFailure]:
    failures: list[PolicyFailure] = []
    if len(password) < MIN_LENGTH:
        failures.append(PolicyFailure(
            "min_length", f"Use at least {MIN_LENGTH} characters."))
    if len(password) > MAX_LENGTH:
        failures.append(PolicyFailure(
            "max_length", f"Use at most {MAX_LENGTH} characters."))
    if password.isalpha():
        failures.append(PolicyFailure(
            "not_only_letters", "Add a digit or a symbol: only letters is too easy to guess."))
    if password.isdigit():
        failures.append(PolicyFailure(
            "not_only_digits", "Add letters: only digits is too easy to guess."))
    local_part = (email or "").split("@", 1)[0].strip().lower()
    if len(local_part) >= MIN_LOCAL_PART and local_part in password.lower():
        failures.append(PolicyFailure(
            "not_email", "Do not use the part of your email address before the @."))
    if password.lower() in COMMON_PASSWORDS:
        failures.append(PolicyFailure(
            "not_common", "This password is one of the most commonly used: choose another."))
    return failures


def enforce_password_policy(password: str, email: str | None = None) -> None:
    failures = password_failures(password, email)
    if failures:
        raise ValidationFailed(
            "The password is too weak: " + " ".join(f.message for f in failures),
            code="WEAK_PASSWORD",
            details=[{"rule": f.rule, "message": f.message} for f in failures])
