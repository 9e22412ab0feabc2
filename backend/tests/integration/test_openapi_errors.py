"""The OpenAPI document tells the truth about errors.

Every error response a route documents is provoked against the running app, and the answer
must have that status and a body valid against the documented schema (the error envelope;
FastAPI's `{detail}` shape is never documented and never sent). The statuses a route's
dependencies imply are provoked the same way for every route:

- 401: no credentials;
- 403: a user of the factory without any permission, on the factory's own resources;
- 404: path ids no resource has;
- 422: a request its parameters or body refuse (an id of 0, a body of the wrong type, a
  query value of the wrong type);
- 429: an API key past its rate limit;
- 503: the metadata database unreachable (connections refused).

Answers that depend on what a route does (409, 400, the sign-in limits) each have a case in
SPECIFIC below; a documented status without a way to provoke it fails the test, so a new
declaration comes with its proof."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import jsonschema_rs
import pytest
from pydantic import SecretStr

from app.core.database import Database, get_database, set_database
from app.schemas import api_key, auth, device, report, rule, shift, user
from pytest_factoryops import TEST_PASSWORD, unique
from pytest_factoryops.apps import client_of, running_app
from tests.integration.test_tenancy import _foreign_resources

PATH_PARAM = re.compile(r"{([^}]+)}")
ABSENT_ID = 2**62
GENERIC = {401, 403, 404, 422, 429, 503}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict

    @property
    def id(self) -> str:
        return self.spec["operationId"]

    @property
    def secured(self) -> bool:
        """Signed in with a person's token or an API key."""
        return any({"bearer", "apiKey"} & set(s) for s in self.spec.get("security", []))

    @property
    def parameters(self) -> list[dict]:
        return self.spec.get("parameters", [])

    def documented_errors(self) -> list[int]:
        return sorted(int(s) for s in self.spec["responses"] if int(s) >= 400)

    def url(self, ids: dict) -> str:
        return PATH_PARAM.sub(lambda m: str(ids[m.group(1)]), self.path)


def operations(document) -> list[Operation]:
    return [Operation(method.upper(), path, spec)
            for path, methods in document["paths"].items()
            for method, spec in methods.items()]


class Checker:
    """Validates answers against the response schemas of the document."""

    def __init__(self, document) -> None:
        self.document = document
        self.failures: list[str] = []
        self.checked: list[str] = []

    def check(self, op: Operation, status: int, response) -> None:
        label = f"{op.id} {status}"
        self.checked.append(label)
        if response.status_code != status:
            self.failures.append(f"{label}: answered {response.status_code} "
                                 f"{response.text[:200]}")
            return
        documented = op.spec["responses"][str(status)]["content"]["application/json"]["schema"]
        schema = {**documented, "components": self.document["components"]}
        try:
            body = response.json()
        except ValueError:
            self.failures.append(f"{label}: not JSON: {response.text[:200]}")
            return
        errors = [e.message for e in jsonschema_rs.validator_for(schema).iter_errors(body)]
        if errors:
            self.failures.append(f"{label}: body {body} breaks the documented schema: {errors}")

    def assert_clean(self) -> None:
        assert self.checked, "no error case was checked"
        assert not self.failures, "\n".join(self.failures)


def _body_kwargs(op: Operation) -> dict:
    return {"json": {}} if "requestBody" in op.spec else {}


def _invalid_value(schema: dict) -> str | None:
    """A query value the parameter's schema refuses, if there is one."""
    options = schema.get("anyOf", [schema])
    kinds = {o.get("type") for o in options}
    if "string" in kinds and not any(o.get("enum") or o.get("format") or o.get("pattern")
                                     for o in options if o.get("type") == "string"):
        limit = max((o.get("maxLength", 0) for o in options), default=0)
        return "x" * (limit + 1) if limit else None
    if kinds & {"integer", "number", "boolean"} or any(o.get("enum") or o.get("format")
                                                       for o in options):
        return "not-a-value"
    return None


def invalid_request(op: Operation, ids: dict) -> dict | None:
    """Request arguments that fail validation: an id of 0, a body of the wrong type, or a
    query value of the wrong type."""
    path_ids = {p["name"] for p in op.parameters if p["in"] == "path"}
    if path_ids:
        bad = dict(ids)
        for p in op.parameters:
            if p["in"] == "path":
                limit = p["schema"].get("maxLength")
                bad[p["name"]] = "x" * (limit + 1) if limit else 0
        return {"url": op.url(bad), **_body_kwargs(op)}
    if "requestBody" in op.spec:
        content = op.spec["requestBody"]["content"]
        if "application/json" in content:
            return {"url": op.path, "content": b'"not an object"',
                    "headers": {"Content-Type": "application/json"}}
        return {"url": op.path}  # a multipart form without its file
    for p in op.parameters:
        if p["in"] == "query":
            value = _invalid_value(p["schema"])
            if value is not None:
                return {"url": op.path, "params": {p["name"]: value}}
    return None


async def _send(client, op: Operation, credentials: dict, **request) -> object:
    url = request.pop("url")
    headers = {**credentials, **request.pop("headers", {})}
    return await client.request(op.method, url, headers=headers, **request)


# --- the generic cases ------------------------------------------------------------------

async def test_every_route_documents_its_errors_with_the_envelope(app):
    document = app.openapi()
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for op in operations(document):
        for status in op.documented_errors():
            response = op.spec["responses"][str(status)]
            assert response["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorEnvelope"}, f"{op.id} {status}"
        if op.parameters or "requestBody" in op.spec:
            assert 422 in op.documented_errors(), f"{op.id} takes input but documents no 422"
        if op.secured:
            assert {401, 429} <= set(op.documented_errors()), op.id


async def test_operation_ids_are_stable_names(app):
    ids = [op.id for op in operations(app.openapi())]
    assert len(ids) == len(set(ids))
    bad = [i for i in ids if not re.fullmatch(r"[a-z]+(_[a-z]+)+", i)]
    assert not bad, f"operation ids must be resource_action names (devices_list): {bad}"
    assert {"devices_list", "devices_create", "devices_get", "api_keys_create"} <= set(ids)


async def test_tags_are_described(app):
    document = app.openapi()
    described = {t["name"] for t in document["tags"] if t.get("description")}
    used = {tag for op in operations(document) for tag in op.spec.get("tags", [])}
    assert used <= described, f"tags without a description: {used - described}"


BROKER_SECRET = "broker-secret-for-tests"
BROKER = {"X-FactoryOps-Broker-Secret": BROKER_SECRET}
# The WhatsApp providers' callbacks answer 503 until these are configured.
PROVIDER_SECRETS = {name: SecretStr(f"{name}-for-tests") for name in (
    "whatsapp_verify_token", "whatsapp_app_secret", "twilio_auth_token")}


@pytest.fixture
async def broker_client(settings):
    """A client of an app that expects the broker's secret (off by default)."""
    variant = settings.model_copy(update={"mqtt_auth_secret": SecretStr(BROKER_SECRET),
                                          **PROVIDER_SECRETS})
    async with running_app(variant) as app, client_of(app, "198.51.100.20") as client:
        yield client


async def test_documented_generic_errors_are_the_answers(app, broker_client, make):
    document = app.openapi()
    client = broker_client
    checker = Checker(document)
    tenant = await make.tenant()
    ids = await _foreign_resources(make, tenant)
    absent = {name: ABSENT_ID for name in ids} | {
        "object_key": f"factories/{tenant.id}/reports/{ABSENT_ID}/none.pdf",
        "parameter_key": "no_such_parameter"}
    for op in operations(document):
        errors = op.documented_errors()
        if 401 in errors and op.secured:
            checker.check(op, 401, await _send(client, op, {}, url=op.url(ids),
                                               **_body_kwargs(op)))
        if 403 in errors and op.id not in SPECIFIC_STATUS.get(403, ()):
            # Each route gets resources of its own: a permitted delete must not remove the
            # next route's, and a refused one must never have run.
            own = await make.tenant()
            own_ids = await _foreign_resources(make, own)
            powerless = await make.user(own.factory, permissions=[])
            checker.check(op, 403, await _send(client, op, make.headers(powerless),
                                               url=op.url(own_ids), **_body_kwargs(op)))
        if 404 in errors and "{" in op.path:
            checker.check(op, 404, await _send(client, op, tenant.headers, url=op.url(absent),
                                               **_body_kwargs(op)))
        if 422 in errors and op.id not in SPECIFIC_STATUS.get(422, ()):
            request = invalid_request(op, ids)
            if request is None:
                checker.failures.append(f"{op.id}: documents 422 but no parameter can be "
                                        "made invalid")
            else:
                credentials = BROKER if op.id.startswith("mqtt_") else tenant.headers
                checker.check(op, 422, await _send(client, op, credentials, **request))
    checker.assert_clean()


async def test_documented_rate_limits_are_the_answers(settings, make):
    """A key allowed one request a minute: its second request on any secured route is 429."""
    variant = settings.model_copy(update={"api_key_rate_limit": "1/minute"})
    async with running_app(variant) as limited, client_of(limited, "198.51.100.9") as client:
        document = limited.openapi()
        checker = Checker(document)
        tenant = await make.tenant()
        ids = await _foreign_resources(make, tenant)
        key = await make.api_key(tenant)
        assert (await client.get("/api/v1/auth/me", headers=key.headers)).status_code == 200
        for op in operations(document):
            if op.secured and 429 in op.documented_errors():
                checker.check(op, 429, await _send(client, op, key.headers, url=op.url(ids),
                                                   **_body_kwargs(op)))
        checker.assert_clean()


async def test_documented_database_outages_are_the_answers(app, client, make):
    """With every connection to the metadata database refused, each route that documents
    503 answers it (a person's credentials are checked against the database too)."""
    document = app.openapi()
    checker = Checker(document)
    tenant = await make.tenant()
    ids = await _foreign_resources(make, tenant)
    people = [make.headers(await make.user(tenant.factory, role="super_admin"))
              for _ in operations(document)]
    signed_in = await client.post("/api/v1/auth/login", json={
        "factory_id": tenant.id, "email": tenant.admin.email, "password": TEST_PASSWORD})
    refresh = {"json": {"refresh_token": signed_in.json()["data"]["refresh_token"]}}
    outage_requests = {**OUTAGE_REQUESTS, "auth_refresh": refresh, "auth_logout": refresh}
    working = get_database()
    # A port nothing listens on: every connection attempt is refused at once.
    refused = Database(working.engine.url.set(host="127.0.0.1", port=9).render_as_string(
        hide_password=False))
    set_database(refused)
    try:
        for op, headers in zip(operations(document), people, strict=True):
            if 503 not in op.documented_errors():
                continue
            request = {"url": op.url(ids), **_body_kwargs(op)}
            request.update(outage_requests.get(op.id, {}))
            checker.check(op, 503, await _send(client, op, headers, **request))
    finally:
        set_database(working)
        await refused.dispose()
    checker.assert_clean()


# Routes that need a well-formed request to reach the database at all.
_LOGIN = {"factory_slug": "plant", "email": "someone@test.io", "password": "x" * 12}
OUTAGE_REQUESTS = {
    "auth_login": {"json": _LOGIN},
    "auth_forgot_password": {"json": {"factory_slug": "plant", "email": "someone@test.io"}},
    "auth_accept_invite": {"json": {"factory_slug": "plant", "token": "x" * 40,
                                    "password": "Correct-Horse-9-battery"}},
    "auth_reset_password": {"json": {"factory_slug": "plant", "token": "x" * 40,
                                     "password": "Correct-Horse-9-battery"}},
    "factories_list": {},
    # A person's token never sends telemetry (refused before the database); a device's is
    # looked up in it.
    "ingest_send": {"headers": {"X-Device-Token": "some-device-token"}},
}


# --- the cases particular to a route ------------------------------------------------------

Case = Callable[..., Awaitable[object]]
SPECIFIC: dict[tuple[str, int], Case] = {}
SPECIFIC_STATUS: dict[int, set[str]] = {}


def case(operation_id: str, status: int):
    def register(fn: Case) -> Case:
        SPECIFIC[(operation_id, status)] = fn
        SPECIFIC_STATUS.setdefault(status, set()).add(operation_id)
        return fn
    return register


@case("devices_create", 409)
async def _device_key_taken(client, make, tenant):
    device = await make.device(tenant)
    return await client.post("/api/v1/devices", headers=tenant.headers,
                             json={"device_key": device.device_key, "name": "Twin"})


@case("assets_nodes_create", 409)
async def _node_name_taken(client, make, tenant):
    body = {"name": unique("Hall"), "kind": "site"}
    assert (await client.post("/api/v1/assets/nodes", headers=tenant.headers,
                              json=body)).status_code == 201
    return await client.post("/api/v1/assets/nodes", headers=tenant.headers, json=body)


@case("assets_nodes_update", 409)
async def _node_renamed_to_a_taken_name(client, make, tenant):
    first = await client.post("/api/v1/assets/nodes", headers=tenant.headers,
                              json={"name": unique("Hall"), "kind": "site"})
    second = await client.post("/api/v1/assets/nodes", headers=tenant.headers,
                               json={"name": unique("Hall"), "kind": "site"})
    return await client.patch(f"/api/v1/assets/nodes/{second.json()['data']['id']}",
                              headers=tenant.headers,
                              json={"name": first.json()["data"]["name"]})


@case("assets_nodes_delete", 409)
async def _node_with_children(client, make, tenant):
    parent = await client.post("/api/v1/assets/nodes", headers=tenant.headers,
                               json={"name": unique("Site"), "kind": "site"})
    parent_id = parent.json()["data"]["id"]
    child = await client.post("/api/v1/assets/nodes", headers=tenant.headers,
                              json={"name": unique("Line"), "kind": "line",
                                    "parent_id": parent_id})
    assert child.status_code == 201, child.text
    return await client.delete(f"/api/v1/assets/nodes/{parent_id}", headers=tenant.headers)


_EARLY = {"start": "06:00", "end": "14:00", "days": [0, 1, 2, 3, 4]}


@case("shifts_create", 409)
async def _shift_name_taken(client, make, tenant):
    body = {"name": unique("Early"), **_EARLY}
    assert (await client.post("/api/v1/shifts", headers=tenant.headers,
                              json=body)).status_code == 201
    return await client.post("/api/v1/shifts", headers=tenant.headers,
                             json={**body, "start": "14:00", "end": "22:00"})


@case("shifts_update", 409)
async def _shift_moved_onto_another(client, make, tenant):
    await client.post("/api/v1/shifts", headers=tenant.headers,
                      json={"name": unique("Early"), **_EARLY})
    late = await client.post("/api/v1/shifts", headers=tenant.headers,
                             json={"name": unique("Late"), "start": "14:00", "end": "22:00",
                                   "days": [0, 1, 2, 3, 4]})
    return await client.patch(f"/api/v1/shifts/{late.json()['data']['id']}",
                              headers=tenant.headers, json={"start": "10:00"})


async def _resolved_alert(client, tenant, make) -> int:
    ids = await _foreign_resources(make, tenant)
    r = await client.post(f"/api/v1/alerts/{ids['alert_id']}/resolve", headers=tenant.headers,
                          json={})
    assert r.status_code == 200, r.text
    return ids["alert_id"]


@case("alerts_acknowledge", 409)
async def _acknowledge_resolved(client, make, tenant):
    alert_id = await _resolved_alert(client, tenant, make)
    return await client.post(f"/api/v1/alerts/{alert_id}/acknowledge",
                             headers=tenant.headers, json={})


@case("alerts_snooze", 409)
async def _snooze_resolved(client, make, tenant):
    alert_id = await _resolved_alert(client, tenant, make)
    return await client.post(f"/api/v1/alerts/{alert_id}/snooze", headers=tenant.headers,
                             json={"minutes": 30})


@case("alerts_acknowledge_many", 409)
async def _acknowledge_many_resolved(client, make, tenant):
    alert_id = await _resolved_alert(client, tenant, make)
    return await client.post("/api/v1/alerts/acknowledge", headers=tenant.headers,
                             json={"ids": [alert_id]})


@case("users_invite", 409)
async def _email_taken(client, make, tenant):
    return await client.post("/api/v1/users", headers=tenant.headers,
                             json={"email": tenant.admin.email, "full_name": "Twin"})


@case("users_resend_invite", 409)
async def _invitation_accepted(client, make, tenant):
    user = await make.user(tenant.factory)
    return await client.post(f"/api/v1/users/{user.id}/resend-invite", headers=tenant.headers)


@case("users_update", 409)
async def _demote_self(client, make, tenant):
    return await client.patch(f"/api/v1/users/{tenant.admin.id}", headers=tenant.headers,
                              json={"role": "user"})


@case("users_deactivate", 409)
async def _deactivate_self(client, make, tenant):
    return await client.post(f"/api/v1/users/{tenant.admin.id}/deactivate",
                             headers=tenant.headers)


async def _finished_job(model, tenant) -> int:
    from app.core.database import session_scope

    async with session_scope() as session:
        job = model(factory_id=tenant.id, kind="anomaly" if model.__name__ == "AnalyticsJob"
                    else "energy_summary", status="completed",
                    completed_at=datetime.now(UTC))
        if model.__name__ == "ReportJob":
            job.format = "pdf"
        session.add(job)
        await session.commit()
        return job.id


@case("analytics_jobs_cancel", 409)
async def _cancel_finished_analysis(client, make, tenant):
    from app.models import AnalyticsJob

    job_id = await _finished_job(AnalyticsJob, tenant)
    return await client.post(f"/api/v1/analytics/jobs/{job_id}/cancel", headers=tenant.headers)


@case("reports_cancel", 409)
async def _cancel_finished_report(client, make, tenant):
    from app.models import ReportJob

    job_id = await _finished_job(ReportJob, tenant)
    return await client.post(f"/api/v1/reports/{job_id}/cancel", headers=tenant.headers)


@case("auth_login", 401)
async def _wrong_password(client, make, tenant):
    return await client.post("/api/v1/auth/login", json={
        "factory_id": tenant.id, "email": tenant.admin.email, "password": "wrong-guess-1"})


@case("auth_refresh", 401)
async def _unknown_refresh_token(client, make, tenant):
    return await client.post("/api/v1/auth/refresh", json={"refresh_token": "x" * 40})



@case("auth_accept_invite", 400)
async def _unknown_invitation(client, make, tenant):
    return await client.post("/api/v1/auth/accept-invite", json={
        "factory_id": tenant.id, "token": "x" * 40, "password": "Correct-Horse-9-battery"})


@case("auth_reset_password", 400)
async def _unknown_reset_link(client, make, tenant):
    return await client.post("/api/v1/auth/reset-password", json={
        "factory_id": tenant.id, "token": "x" * 40, "password": "Correct-Horse-9-battery"})


@case("auth_change_password", 400)
async def _wrong_current_password(client, make, tenant):
    return await client.post("/api/v1/auth/change-password", headers=tenant.headers, json={
        "current_password": "wrong-guess-1", "new_password": "Correct-Horse-9-battery"})


@case("mqtt_authenticate", 401)
async def _broker_without_secret(client, make, tenant):
    return await client.post("/api/v1/mqtt/auth", json={
        "clientid": "c", "username": "u", "password": "p"})


@case("mqtt_authorize", 401)
async def _broker_authz_without_secret(client, make, tenant):
    return await client.post("/api/v1/mqtt/authz", json={
        "clientid": "c", "username": "u", "topic": "t", "action": "publish"})


@case("files_download", 401)
async def _download_without_credentials(client, make, tenant):
    return await client.get(f"/api/v1/files/factories/{tenant.id}/reports/1/report.pdf")


@case("files_download", 403)
async def _download_with_a_forged_link(client, make, tenant):
    return await client.get(f"/api/v1/files/factories/{tenant.id}/reports/1/report.pdf",
                            params={"token": "forged"})


async def _sign_in_until_refused(client, url, body, headers=None) -> object:
    for _ in range(20):
        response = await client.post(url, json=body, headers=headers or {})
        if response.status_code == 429:
            return response
    return response


@case("auth_login", 429)
async def _too_many_sign_ins(client, make, tenant):
    return await _sign_in_until_refused(client, "/api/v1/auth/login", {
        "factory_id": tenant.id, "email": tenant.admin.email, "password": "wrong-guess-1"})


@case("auth_forgot_password", 429)
async def _too_many_resets(client, make, tenant):
    return await _sign_in_until_refused(client, "/api/v1/auth/forgot-password", {
        "factory_id": tenant.id, "email": tenant.admin.email})




@case("auth_change_password", 429)
async def _too_many_password_guesses(client, make, tenant):
    return await _sign_in_until_refused(client, "/api/v1/auth/change-password", {
        "current_password": "wrong-guess-1", "new_password": "Correct-Horse-9-battery"},
        headers=tenant.headers)


_MONTH = {"start": "2026-11-01T00:00:00Z", "end": "2026-11-08T00:00:00Z"}


@case("energy_analysis", 404)
async def _analysis_of_an_absent_node(client, make, tenant):
    return await client.get("/api/v1/energy/analysis", headers=tenant.headers,
                            params={**_MONTH, "node_id": ABSENT_ID})


@case("energy_analysis_export", 404)
async def _export_of_an_absent_node(client, make, tenant):
    return await client.get("/api/v1/energy/analysis/export", headers=tenant.headers,
                            params={**_MONTH, "node_id": ABSENT_ID})


@case("shifts_report", 404)
async def _shift_report_of_an_absent_node(client, make, tenant):
    return await client.get("/api/v1/energy/shifts", headers=tenant.headers,
                            params={**_MONTH, "node_id": ABSENT_ID})


@case("production_table", 404)
async def _production_of_an_absent_node(client, make, tenant):
    return await client.get("/api/v1/production", headers=tenant.headers, params={
        "node_id": ABSENT_ID, "start": "2026-11-01", "end": "2026-11-07"})


@case("alerts_acknowledge_many", 404)
async def _acknowledge_absent_alerts(client, make, tenant):
    return await client.post("/api/v1/alerts/acknowledge", headers=tenant.headers,
                             json={"ids": [ABSENT_ID]})


@case("factories_list", 404)
async def _private_directory(client, make, tenant):
    return await client.get("/api/v1/factories")


@case("callbacks_whatsapp_meta_verify", 403)
async def _wrong_verify_token(client, make, tenant):
    return await client.get("/api/v1/callbacks/whatsapp/meta", params={
        "hub.mode": "subscribe", "hub.verify_token": "not-ours", "hub.challenge": "42"})


@case("callbacks_whatsapp_meta_status", 400)
async def _oversized_meta_callback(client, make, tenant):
    return await client.post("/api/v1/callbacks/whatsapp/meta", content=b"x" * 300_000)


@case("callbacks_whatsapp_meta_status", 401)
async def _unsigned_meta_callback(client, make, tenant):
    return await client.post("/api/v1/callbacks/whatsapp/meta", json={"entry": []})


@case("callbacks_whatsapp_meta_status", 403)
async def _forged_meta_callback(client, make, tenant):
    return await client.post("/api/v1/callbacks/whatsapp/meta", json={"entry": []},
                             headers={"X-Hub-Signature-256": "sha256=" + "0" * 64})


@case("callbacks_whatsapp_twilio_status", 400)
async def _oversized_twilio_callback(client, make, tenant):
    return await client.post("/api/v1/callbacks/whatsapp/twilio", content=b"x" * 300_000)


@case("callbacks_whatsapp_twilio_status", 401)
async def _unsigned_twilio_callback(client, make, tenant):
    return await client.post("/api/v1/callbacks/whatsapp/twilio",
                             data={"MessageSid": "SM1", "MessageStatus": "delivered"})


@case("callbacks_whatsapp_twilio_status", 403)
async def _forged_twilio_callback(client, make, tenant):
    return await client.post("/api/v1/callbacks/whatsapp/twilio",
                             data={"MessageSid": "SM1", "MessageStatus": "delivered"},
                             headers={"X-Twilio-Signature": "Zm9yZ2Vk"})


async def _ingest_key(make, tenant, **fields):
    return await make.api_key(tenant, permissions=["ingest"], **fields)


@case("ingest_send", 404)
async def _ingest_for_an_absent_device(client, make, tenant):
    key = await _ingest_key(make, tenant)
    return await client.post("/api/v1/ingest", params={"device": "no-such-device"},
                             content=b'{"v": 1}', headers=key.headers)


@case("ingest_send", 413)
async def _ingest_too_many_messages(client, make, tenant):
    device = await make.device(tenant)
    key = await _ingest_key(make, tenant, ingest_device_ids=[device.id])
    return await client.post("/api/v1/ingest", params={"device": device.device_key},
                             content=b'{"v": 1}\n' * 1001,
                             headers={**key.headers, "Content-Type": "application/x-ndjson"})


@case("ingest_send", 422)
async def _ingest_without_naming_the_device(client, make, tenant):
    key = await _ingest_key(make, tenant)
    return await client.post("/api/v1/ingest", content=b'{"v": 1}', headers=key.headers)


@case("health_ready", 503)
async def _not_ready(client, make, tenant):
    working = get_database()
    refused = Database(working.engine.url.set(port=9).render_as_string(hide_password=False))
    set_database(refused)
    try:
        return await client.get("/readyz")
    finally:
        set_database(working)
        await refused.dispose()


def _generic(op: Operation, status: int) -> bool:
    if status in (401, 429):
        return op.secured
    if status == 404:
        return "{" in op.path
    return status in GENERIC


async def test_every_documented_error_has_a_case(app):
    unproven = [f"{op.id} {status}" for op in operations(app.openapi())
                for status in op.documented_errors()
                if not _generic(op, status) and (op.id, status) not in SPECIFIC]
    assert not unproven, f"documented errors nothing provokes: add a case for {unproven}"


@pytest.fixture(scope="module")
async def strict_app(settings):
    """One app for every particular case: tight sign-in limits (each case signs in from an
    address of its own, for a factory of its own), and the broker's and providers' secrets
    set so that their routes check what they are sent."""
    variant = settings.model_copy(update={"login_rate_limit": "3/minute",
                                          "login_ip_rate_limit": "3/minute",
                                          "mqtt_auth_secret": SecretStr(BROKER_SECRET),
                                          "public_factory_directory": False,
                                          **PROVIDER_SECRETS})
    async with running_app(variant) as app:
        yield app


@pytest.mark.parametrize("operation_id,status", sorted(SPECIFIC))
async def test_documented_specific_errors_are_the_answers(strict_app, make, operation_id,
                                                          status):
    async with client_of(strict_app, unique_address()) as client:
        document = strict_app.openapi()
        op = next(o for o in operations(document) if o.id == operation_id)
        assert status in op.documented_errors(), f"{operation_id} does not document {status}"
        checker = Checker(document)
        tenant = await make.tenant()
        checker.check(op, status, await SPECIFIC[(operation_id, status)](client, make, tenant))
        checker.assert_clean()


_addresses = iter(range(1, 250))


def unique_address() -> str:
    return f"192.0.2.{next(_addresses)}"



MAIN_BODIES = ("DeviceCreate", "DeviceUpdate", "RuleCreate", "UserInvite", "LoginRequest",
               "ReportCreate", "ShiftCreate", "ApiKeyCreate")


async def test_main_request_bodies_carry_valid_examples(app):
    """Each example is accepted by the model the route validates with."""

    models = {name: getattr(module, name) for module in (api_key, auth, device, report, rule,
                                                         shift, user)
              for name in MAIN_BODIES if hasattr(module, name)}
    components = app.openapi()["components"]["schemas"]
    for name in MAIN_BODIES:
        examples = components[name].get("examples")
        assert examples, f"{name} has no example"
        for example in examples:
            models[name].model_validate(example)
