"""Bulk provisioning: up to MAX_IMPORT_ROWS devices created or updated from one CSV file or
JSON list, for commissioning a plant.

All or nothing: every row is validated first (as `POST /devices` validates one device) and
every problem is reported with its row; when any row fails, nothing is written. A row whose
`device_key` exists updates that device's descriptive fields (its token stays); a new key
creates the device with a token of its own. The new tokens are returned once, as a CSV the
caller keeps (only their hashes are stored), like the answer of `POST /devices`."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from app.core.errors import ValidationFailed
from app.core.logging import get_logger
from app.core.safe_text import spreadsheet_text
from app.core.security import hash_token, mosquitto_password_hash, new_secret_token
from app.models.device import STATUS_ACTIVE, Device
from app.schemas.device import DeviceCreate
from app.services.devices.service import DeviceService

log = get_logger(__name__)

MAX_IMPORT_ROWS = 1000
MAX_IMPORT_BYTES = 4 * 1024 * 1024
# The columns a CSV file may have; device_key and name are required.
IMPORT_COLUMNS = ("device_key", "name", "type", "location", "area", "manufacturer", "model")
CREDENTIAL_COLUMNS = ("row", "device_key", "name", "action", "mqtt_host", "mqtt_port", "tls",
                      "client_id", "username", "password", "topic")
# Fields an import sets on an existing device (metadata only when a row gives it).
_UPDATABLE = ("name", "type", "location", "area", "manufacturer", "model")


def _problem(row: int, field: str, message: str) -> dict[str, Any]:
    return {"row": row, "field": field, "message": message}


def rows_from_csv(data: bytes) -> list[dict[str, Any]]:
    """The rows of a CSV file (UTF-8, a header line naming IMPORT_COLUMNS); empty cells are
    left out, so that optional fields stay unset."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed("The file is not UTF-8 text.", code="INVALID_IMPORT") from exc
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    unknown = [name for name in header if name not in IMPORT_COLUMNS]
    missing = [name for name in ("device_key", "name") if name not in header]
    if unknown or missing:
        raise ValidationFailed(
            f"The first line must name the columns: {', '.join(IMPORT_COLUMNS)} "
            "(device_key and name required).", code="INVALID_IMPORT",
            details={"unknown_columns": unknown, "missing_columns": missing})
    rows = []
    for record in reader:
        if None in record:
            rows.append({"__extra__": record.pop(None)})
            continue
        rows.append({key: value for key, value in record.items() if value not in (None, "")})
    return rows


@dataclass(frozen=True)
class Provisioned:
    row: int
    device: Device
    action: str  # created | updated
    token: str | None


class DeviceProvisioning(DeviceService):
    async def import_devices(self, rows: list[dict[str, Any]]) -> str:
        """Validates every row, writes all of them or none, and returns the credentials CSV."""
        if not rows:
            raise ValidationFailed("The import has no rows.", code="INVALID_IMPORT")
        if len(rows) > MAX_IMPORT_ROWS:
            raise ValidationFailed(f"An import holds at most {MAX_IMPORT_ROWS} devices.",
                                   code="IMPORT_TOO_LARGE", details={"rows": len(rows)})
        bodies, problems = self._validated(rows)
        if problems:
            raise ValidationFailed(
                f"{len({p['row'] for p in problems})} of {len(rows)} rows are not valid; "
                "nothing was imported.", code="IMPORT_INVALID", details=problems)
        factory = await self._get_factory()
        existing = {d.device_key: d for d in
                    await self.devices.by_keys([body.device_key for body in bodies])}
        now = datetime.now(UTC)
        done: list[Provisioned] = []
        for number, body in enumerate(bodies, start=1):
            device = existing.get(body.device_key)
            if device is not None:
                for field in _UPDATABLE:
                    if field in body.model_fields_set:
                        setattr(device, field, getattr(body, field))
                if "metadata" in body.model_fields_set:
                    device.meta = body.metadata
                device.updated_at = now
                done.append(Provisioned(number, device, "updated", None))
                continue
            token = new_secret_token()
            device = self.devices.add(Device(
                device_key=body.device_key, name=body.name, type=body.type,
                location=body.location, area=body.area, manufacturer=body.manufacturer,
                model=body.model, meta=body.metadata, status=STATUS_ACTIVE, is_active=True,
                token_hash=hash_token(token),
                mosquitto_password_hash=mosquitto_password_hash(token),
                token_rotated_at=now, created_at=now, updated_at=now))
            done.append(Provisioned(number, device, "created", token))
        await self.session.flush()
        created = [p for p in done if p.action == "created"]
        for item in created:
            await self.retired_keys.forget(item.device.device_key)
        self.audit.record(self.actor_id, "device.imported", "device", None, {
            "created": len(created), "updated": len(done) - len(created),
            "device_keys": [p.device.device_key for p in done][:50]}, self.client_ip)
        await self.session.commit()
        log.info("device.imported", created=len(created), updated=len(done) - len(created))
        return self._credentials_csv(factory, done)

    @staticmethod
    def _validated(rows: list[dict[str, Any]]) -> tuple[list[DeviceCreate], list[dict]]:
        bodies: list[DeviceCreate] = []
        problems: list[dict[str, Any]] = []
        first_row_of: dict[str, int] = {}
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                problems.append(_problem(number, "", "a row is an object of device fields"))
                continue
            if "__extra__" in row:
                problems.append(_problem(number, "", "more cells than the header has columns"))
                continue
            try:
                body = DeviceCreate.model_validate(row)
            except ValidationError as exc:
                problems.extend(_problem(number, ".".join(str(p) for p in err["loc"]),
                                         err["msg"]) for err in exc.errors())
                continue
            earlier = first_row_of.setdefault(body.device_key, number)
            if earlier != number:
                problems.append(_problem(number, "device_key",
                                         f"the same device_key as row {earlier}"))
                continue
            bodies.append(body)
        return bodies, problems

    def _credentials_csv(self, factory, done: list[Provisioned]) -> str:
        """Names are free text and are made safe for spreadsheets; keys, usernames, tokens
        and topics are machine values a provisioning tool reads back exactly (an apostrophe
        in front would change them), and their characters are the importer's own choice."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CREDENTIAL_COLUMNS)
        for item in done:
            device = item.device
            if item.token is None:
                writer.writerow([item.row, device.device_key, spreadsheet_text(device.name),
                                 item.action, "", "", "", "", "", "", ""])
                continue
            c = self._credentials(factory, device, item.token)
            writer.writerow([item.row, device.device_key, spreadsheet_text(device.name),
                             item.action, c.mqtt_host, c.mqtt_port, str(c.tls).lower(),
                             c.client_id, c.username, c.password, c.topic])
        return out.getvalue()
