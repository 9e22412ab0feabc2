"""Who may sign in and as what: sign-in and sessions (auth), users and invitations (users),
passwords and their policy, one-time tokens, the mail that carries their links, and API keys
(api_keys: issuing them, and authenticating the requests that carry one)."""

from __future__ import annotations

from app.services.accounts.api_keys import ApiKeyAuthenticator, ApiKeyService
from app.services.accounts.auth import AuthService
from app.services.accounts.passwords import PasswordService
from app.services.accounts.users import UserService

__all__ = ["ApiKeyAuthenticator", "ApiKeyService", "AuthService", "PasswordService",
           "UserService"]
