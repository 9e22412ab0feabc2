from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from app.api.deps import AppResources, CurrentUser, DbSession
from app.api.v1.devices import DeviceDep
from app.services.devices.telemetry_export import TelemetryService

router = APIRouter(prefix="/devices", tags=["telemetry"])


async def get_telemetry_service(user: CurrentUser, db: DbSession, resources: AppResources
                          ) -> TelemetryService:
    return TelemetryService(db, resources, user.factory_id)


Telemetry = Annotated[TelemetryService, Depends(get_telemetry_service)]


@router.get("/{device_id}/telemetry/export", operation_id="telemetry_export",
            response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {}},
                             "description": "CSV: timestamp,parameter,value in time order"}},
            summary="Every raw point of the chosen parameters over a range, streamed as CSV")
async def export_telemetry(
    device: DeviceDep,
    service: Telemetry,
    format: Annotated[str, Query(max_length=16, description="Only `csv`")] = "csv",
    parameters: Annotated[list[str] | None, Query(
        max_length=500, description="Parameter keys; default: all of the device's")] = None,
    start: Annotated[datetime | None, Query(description="ISO-8601; default end - 24 h")] = None,
    end: Annotated[datetime | None, Query(description="ISO-8601; default now")] = None,
):
    export = await service.export(device, format=format, parameters=parameters, start=start,
                                  end=end)
    disposition = (f'attachment; filename="{export.filename}"; '
                   f"filename*=UTF-8''{quote(export.filename)}")
    return StreamingResponse(export.chunks, media_type=export.media_type,
                             headers={"Content-Disposition": disposition,
                                      "Cache-Control": "no-store"})
