"""Raw telemetry export: every point of the chosen parameters over a range, as CSV streamed
chunk by chunk from the time-series store, so memory stays flat for any range."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import ValidationFailed
from app.core.safe_text import spreadsheet_text
from app.core.time_range import resolve_range
from app.models.device import Device
from app.repositories.device_repo import DeviceParameterRepository
from app.stores.resources import Resources
from app.stores.timeseries.base import RawRow

EXPORT_FORMATS = ("csv",)
CSV_HEADER = ("timestamp", "parameter", "value")
CHUNK_ROWS = 10_000
# Only characters every file system and browser accept unescaped go into the file name.
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Export:
    filename: str
    media_type: str
    chunks: AsyncIterator[bytes]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _compact(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def export_filename(device_key: str, start: datetime, end: datetime) -> str:
    safe_key = _UNSAFE_FILENAME.sub("_", device_key).strip("._") or "device"
    return f"{safe_key}_{_compact(start)}_{_compact(end)}.csv"


def csv_chunk(rows: Sequence[RawRow], *, header: bool = False) -> bytes:
    """Rows as CSV text; the csv module quotes names that hold commas, quotes or newlines, and
    a parameter name a device chose is written so that a spreadsheet shows it as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header:
        writer.writerow(CSV_HEADER)
    writer.writerows((_iso(ts), spreadsheet_text(parameter), repr(value))
                     for _device, parameter, ts, value in rows)
    return buffer.getvalue().encode()


class TelemetryService:
    def __init__(self, session: AsyncSession, resources: Resources, factory_id: int) -> None:
        self.session = session
        self.resources = resources
        self.factory_id = factory_id
        self.parameters = DeviceParameterRepository(session, factory_id)

    async def export(self, device: Device, *, format: str, parameters: Sequence[str] | None,
                     start: datetime | None, end: datetime | None,
                     chunk_rows: int = CHUNK_ROWS) -> Export:
        """Validate everything first (errors are answered before the first byte), then hand
        back a stream that needs nothing but the time-series store."""
        if format not in EXPORT_FORMATS:
            raise ValidationFailed(f"Unsupported export format {format!r}; use csv.",
                                   code="UNSUPPORTED_FORMAT", details={"formats": EXPORT_FORMATS})
        start, end = resolve_range(start, end, datetime.now(UTC))
        known = [p.parameter_key for p in await self.parameters.all_for_device(device.id)]
        if parameters:
            wanted = list(dict.fromkeys(parameters))
            unknown = [key for key in wanted if key not in set(known)]
            if unknown:
                raise ValidationFailed(f"The device has no parameter {unknown[0]!r}.",
                                       code="UNKNOWN_PARAMETER", details={"parameters": unknown})
        else:
            wanted = known
        series = [(device.id, key) for key in wanted]
        return Export(filename=export_filename(device.device_key, start, end),
                      media_type="text/csv; charset=utf-8",
                      chunks=self._stream(series, start, end, chunk_rows))

    async def _stream(self, series: list[tuple[int, str]], start: datetime, end: datetime,
                      chunk_rows: int) -> AsyncIterator[bytes]:
        yield csv_chunk([], header=True)
        if not series:
            return
        async for rows in self.resources.timeseries.raw(self.factory_id, series, start, end,
                                                        chunk_size=chunk_rows):
            yield csv_chunk(rows)
