"""The permission matrix, derived from the app's route table.

Each route's requirement is read from its dependencies: `require_permission(name)` marks its
dependency with `required_permission`, `require_super_admin` with `super_admin_only`, and
`get_current_user` or `get_principal` means a signed-in user. Every API route is then called by:

- a super admin of the factory, who must never be refused (no 401/403);
- a user with exactly the route's permission (allowed), or for a super-admin route a user
  holding every permission but not the role (403 SUPER_ADMIN_REQUIRED);
- a user holding every permission except the route's (403 PERMISSION_DENIED);
- a super admin of another factory, who must get 404 on a route with a path id;
- API keys, which act with their own permissions and are never super admins: a key with
  exactly the route's permission (allowed; a super-admin route answers 403
  SUPER_ADMIN_REQUIRED even to a key holding every permission), a key with every permission
  but the route's (403 PERMISSION_DENIED), another factory's key (404 on a path id; 403 on a
  super-admin route, which no key passes), and a
  revoked and an expired key (401 API_KEY_REVOKED, API_KEY_EXPIRED) on every route.

Path ids are real resources of the caller's factory (a missing id would answer 404 before
the permission check and hide a missing permission). A write route without a permission
or the super-admin requirement fails the matrix unless it is in OPEN_WRITES below, so a
route added later is covered, or noticed, without editing this file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Depends, FastAPI

from app.api.deps import (
    CurrentUser,
    SuperAdmin,
    get_current_user,
    get_principal,
    require_permission,
)
from app.models.api_key import API_KEY_PERMISSIONS as KEY_PERMISSIONS
from app.models.user import PERMISSIONS
from tests.integration.test_tenancy import _foreign_resources

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PATH_PARAM = re.compile(r"{([^}]+)}")

# Write routes that need neither a permission nor super admin, and why.
OPEN_WRITES = {
    ("POST", "/api/v1/auth/login"): "signing in: the password is the credential",
    ("POST", "/api/v1/auth/refresh"): "the refresh token is the credential",
    ("POST", "/api/v1/auth/logout"): "the refresh token is the credential",
    ("POST", "/api/v1/auth/accept-invite"): "the emailed single-use token is the credential",
    ("POST", "/api/v1/auth/forgot-password"): "public; answers alike for every address",
    ("POST", "/api/v1/auth/reset-password"): "the emailed single-use token is the credential",
    ("POST", "/api/v1/auth/change-password"): "every user, on their own account only",
    ("POST", "/api/v1/mqtt/auth"): "called by the broker, which sends the shared secret",
    ("POST", "/api/v1/mqtt/authz"): "called by the broker, which sends the shared secret",
    ("POST", "/api/v1/ingest"): "a device's own token, or an API key holding the ingest "
                                "permission for the device (checked in the route's "
                                "dependency; tests/integration/test_http_ingest.py)",
    ("POST", "/api/v1/callbacks/whatsapp/meta"):
        "Meta's status webhook, refused unless signed with the app secret",
    ("POST", "/api/v1/callbacks/whatsapp/twilio"):
        "Twilio's status callback, refused unless signed with the auth token",
}
# Reads that need no signed-in user, and why.
PUBLIC_READS = {
    ("GET", "/api/v1/factories"): "the sign-in screen lists factories (can be switched off)",
    ("GET", "/api/v1/files/{object_key:path}"): "a signed download link is the credential",
    ("GET", "/api/v1/callbacks/whatsapp/meta"):
        "Meta's subscription handshake: echoes a challenge only for the verify token",
}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    permissions: frozenset[str] = frozenset()
    super_admin: bool = False
    signed_in: bool = False
    params: tuple[str, ...] = field(default=())

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.path


def _effective_routes(routes) -> Iterator:
    """FastAPI 0.165 wraps included routers; each wrapper yields the routes it serves with
    their full path and dependencies."""
    for route in routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            yield from contexts()
        else:
            yield route


def _dependency_calls(dependant) -> Iterator:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _dependency_calls(sub)


def api_routes(app) -> list[Route]:
    found: dict[tuple[str, str], Route] = {}
    for context in _effective_routes(app.router.routes):
        dependant = getattr(context, "dependant", None)
        path = getattr(context, "path", "")
        if dependant is None or not path.startswith("/api/"):
            continue
        calls = list(_dependency_calls(dependant))
        permissions = frozenset(c.required_permission for c in calls
                                if getattr(c, "required_permission", None))
        super_admin = any(getattr(c, "super_admin_only", False) for c in calls)
        signed_in = any(c is get_current_user or c is get_principal for c in calls)
        for method in context.methods - {"HEAD", "OPTIONS"}:
            found[(method, path)] = Route(method, path, permissions, super_admin, signed_in,
                                          tuple(PATH_PARAM.findall(path)))
    return sorted(found.values(), key=lambda r: (r.path, r.method))


def test_the_route_table_is_read(app):
    routes = {r.key: r for r in api_routes(app)}
    assert routes[("POST", "/api/v1/devices")].permissions == {"manage_devices"}
    assert routes[("PATCH", "/api/v1/factories/current")].super_admin
    assert routes[("GET", "/api/v1/devices")].signed_in
    assert not routes[("POST", "/api/v1/auth/login")].signed_in


def test_every_write_route_needs_a_permission_or_super_admin(app):
    unguarded = _unguarded_writes(app)
    assert not unguarded, ("write routes without require_permission(...) or "
                           f"require_super_admin: {unguarded}")


def _unguarded_writes(app) -> list[str]:
    return [r.name for r in api_routes(app) if r.method in WRITE_METHODS
            and not (r.permissions or r.super_admin) and r.key not in OPEN_WRITES]


def test_an_unguarded_write_route_is_noticed():
    """The check above on an app with a forgotten permission, behind nested routers."""
    widgets = APIRouter(prefix="/widgets")

    @widgets.post("")
    async def create_widget(user: CurrentUser):  # the permission is missing
        return {}

    @widgets.delete("/{widget_id}", dependencies=[Depends(require_permission("manage_rules"))])
    async def delete_widget(widget_id: int):
        return {}

    @widgets.patch("/{widget_id}")
    async def rename_widget(widget_id: int, admin: SuperAdmin):
        return {}

    api = APIRouter(prefix="/api/v1")
    api.include_router(widgets)
    app = FastAPI()
    app.include_router(api)
    routes = {r.key: r for r in api_routes(app)}
    assert routes[("DELETE", "/api/v1/widgets/{widget_id}")].permissions == {"manage_rules"}
    assert routes[("PATCH", "/api/v1/widgets/{widget_id}")].super_admin
    assert routes[("POST", "/api/v1/widgets")].signed_in
    assert _unguarded_writes(app) == ["POST /api/v1/widgets"]


def test_every_read_route_needs_a_signed_in_user(app):
    anonymous = [r.name for r in api_routes(app) if r.method not in WRITE_METHODS
                 and not r.signed_in and r.key not in PUBLIC_READS]
    assert not anonymous, f"read routes open to anonymous callers: {anonymous}"


def test_the_allow_lists_name_existing_open_routes(app):
    routes = {r.key: r for r in api_routes(app)}
    for key in (*OPEN_WRITES, *PUBLIC_READS):
        assert key in routes, f"{key} is allow-listed but is not a route"
        route = routes[key]
        assert not (route.permissions or route.super_admin), \
            f"{key} is guarded now: remove it from the allow-list"


@dataclass
class Matrix:
    rows: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def expect(self, route: Route, caller: str, response, expected: str) -> None:
        status = response.status_code
        code = _error_code(response)
        if expected == "allowed":
            ok = status not in (401, 403) and status < 500
        elif expected == "not_found":
            ok = status == 404 and code.endswith("NOT_FOUND")
        elif expected in _UNAUTHENTICATED_CODES:
            ok = status == 401 and code == expected
        else:
            ok = status == 403 and code == expected
        self.rows.append(f"{route.name:<60} {caller:<22} {status} {code}")
        if not ok:
            self.failures.append(f"{route.name}: {caller} expected {expected}, got {status} "
                                 f"{response.text[:200]}")


_UNAUTHENTICATED_CODES = ("API_KEY_REVOKED", "API_KEY_EXPIRED")


def _error_code(response) -> str:
    try:
        return response.json().get("error", {}).get("code", "")
    except ValueError:
        return ""


async def _call(client, route: Route, headers, ids) -> object:
    url = PATH_PARAM.sub(lambda m: str(ids[m.group(1)]), route.path)
    body = {"json": {}} if route.method in WRITE_METHODS else {}
    return await client.request(route.method, url, headers=headers, **body)


async def test_permission_matrix(app, client, make):
    routes = [r for r in api_routes(app) if r.signed_in]
    missing = sorted({p for r in routes for p in r.params} - set(
        await _foreign_resources(make, await make.tenant())))
    assert not missing, (f"no resource for path parameters {missing}: add one to "
                         "_foreign_resources in test_tenancy.py")
    stranger = await make.tenant()  # a super admin of another factory
    stranger_key = await make.api_key(stranger, permissions=KEY_PERMISSIONS)
    shared = await make.tenant()
    dead_keys = {
        "revoked key": (await make.api_key(shared, permissions=KEY_PERMISSIONS,
                                           revoked_at=datetime.now(UTC)), "API_KEY_REVOKED"),
        "expired key": (await make.api_key(shared, permissions=KEY_PERMISSIONS,
                                           expires_at=datetime.now(UTC) - timedelta(hours=1)),
                        "API_KEY_EXPIRED"),
    }
    matrix = Matrix()
    for route in routes:
        # Routes with a path id act on resources of a factory of their own, so that one
        # route deleting or changing its resource cannot change the next route's answers.
        tenant = await make.tenant() if route.params else shared
        ids = await _foreign_resources(make, tenant) if route.params else {}
        if route.params:
            r = await _call(client, route, stranger.headers, ids)
            matrix.expect(route, "other factory's admin", r, "not_found")
            # No key passes a super-admin route, so there a foreign key learns nothing more.
            r = await _call(client, route, stranger_key.headers, ids)
            matrix.expect(route, "other factory's key", r,
                          "SUPER_ADMIN_REQUIRED" if route.super_admin else "not_found")
        for caller, (key, code) in dead_keys.items():
            matrix.expect(route, caller, await _call(client, route, key.bearer, ids), code)
        allowed = [("super admin", tenant.headers)]
        if route.super_admin:
            holder = await make.user(tenant.factory, permissions=PERMISSIONS)
            r = await _call(client, route, make.headers(holder), ids)
            matrix.expect(route, "all permissions, no role", r, "SUPER_ADMIN_REQUIRED")
            key = await make.api_key(tenant.factory, permissions=KEY_PERMISSIONS)
            r = await _call(client, route, key.headers, ids)
            matrix.expect(route, "key, all permissions", r, "SUPER_ADMIN_REQUIRED")
        elif route.permissions:
            for permission in sorted(route.permissions):
                lacking = await make.user(tenant.factory, permissions=[
                    p for p in PERMISSIONS if p != permission])
                r = await _call(client, route, make.headers(lacking), ids)
                matrix.expect(route, f"all but {permission}", r, "PERMISSION_DENIED")
                key = await make.api_key(tenant.factory, permissions=[
                    p for p in KEY_PERMISSIONS if p != permission])
                r = await _call(client, route, key.headers, ids)
                matrix.expect(route, f"key, all but {permission}", r, "PERMISSION_DENIED")
            exact = await make.user(tenant.factory, permissions=sorted(route.permissions))
            allowed.insert(0, ("exact permission", make.headers(exact)))
            key = await make.api_key(tenant.factory, permissions=sorted(route.permissions))
            allowed.insert(1, ("key, exact permission", key.headers))
        else:
            plain = await make.user(tenant.factory, permissions=[])
            allowed.insert(0, ("no permission", make.headers(plain)))
            key = await make.api_key(tenant.factory)
            allowed.insert(1, ("key, no permission", key.bearer))
        for caller, headers in allowed:
            matrix.expect(route, caller, await _call(client, route, headers, ids), "allowed")
    print("permission matrix:\n" + "\n".join(matrix.rows))
    assert not matrix.failures, "\n".join(matrix.failures)
