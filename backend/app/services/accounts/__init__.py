"""Who may sign in and as what: sign-in and sessions (auth), users and invitations (users),
passwords and their policy, one-time tokens, and the mail that carries their links."""

from __future__ import annotations

from app.services.accounts.auth import AuthService
from app.services.accounts.passwords import PasswordService
from app.services.accounts.users import UserService

__all__ = ["AuthService", "PasswordService", "UserService"]
