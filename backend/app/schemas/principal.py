"""Who is making a request: the few facts about the signed-in user that authorising a request
needs, without the rest of the user row. Immutable, so a process may share one between
requests (app.services.accounts.auth keeps them while their epoch is current)."""

from __future__ import annotations

from dataclasses import dataclass

from app.models.user import ROLE_SUPER_ADMIN


@dataclass(frozen=True, slots=True)
class Principal:
    id: int
    factory_id: int
    role: str
    permissions: frozenset[str]
    is_active: bool
    token_version: int

    @property
    def is_super_admin(self) -> bool:
        return self.role == ROLE_SUPER_ADMIN

    def has_permission(self, name: str) -> bool:
        return self.is_super_admin or name in self.permissions
