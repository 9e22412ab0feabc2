from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials

from app.api.deps import (
    AppResources,
    AppSettings,
    DbSession,
    api_key_scheme,
    bearer_scheme,
    get_credentials,
    get_current_user,
)
from app.api.openapi import errors
from app.core.errors import Forbidden, not_found
from app.services.jobs.files import FileService
from app.stores.objects.base import factory_of
from app.stores.objects.links import InvalidDownloadToken, read_download

router = APIRouter(prefix="/files", tags=["files"])

async def get_file_service(resources: AppResources) -> FileService:
    return FileService(resources.objects, resources.settings.download_link_seconds)


Files = Annotated[FileService, Depends(get_file_service)]


async def authorise_download(
    object_key: Annotated[str, Path(max_length=512)],
    db: DbSession,
    settings: AppSettings,
    resources: AppResources,
    token: Annotated[str | None, Query(max_length=2048,
                                       description="The signature of a download link")] = None,
    bearer: HTTPAuthorizationCredentials | None = Depends(bearer_scheme),
    api_key: str | None = Depends(api_key_scheme),
) -> str | None:
    """The file name to offer. A signed link stands on its own; otherwise the signed-in
    user's factory must own the key, and any other key is simply not found."""
    if token is not None:
        try:
            return read_download(settings.jwt_secret.get_secret_value(),
                                 settings.jwt_algorithm, token, object_key)
        except InvalidDownloadToken as exc:
            raise Forbidden("This download link has expired or is not valid: open the job "
                            "again for a fresh one.", code="DOWNLOAD_LINK_INVALID") from exc
    credentials = await get_credentials(db, settings, resources, bearer, api_key)
    user = await get_current_user(db, settings, resources, credentials)
    if factory_of(object_key) != user.factory_id:
        raise not_found("file")
    return None


@router.get("/{object_key:path}", operation_id="files_download",
            responses=errors(401, 403, 429), response_class=StreamingResponse,
            summary="Download a result file (signed link, or a bearer token or API key of its "
                    "factory)")
async def download_file(object_key: str, service: Files,
                        filename: Annotated[str | None, Depends(authorise_download)]):
    download = await service.open(object_key, filename)
    safe_name = download.filename.replace('"', "")
    return StreamingResponse(download.chunks, media_type=download.info.content_type, headers={
        "Content-Length": str(download.info.size),
        "Content-Disposition": f'attachment; filename="{safe_name}"',
        "Cache-Control": "private, no-store",
    })
