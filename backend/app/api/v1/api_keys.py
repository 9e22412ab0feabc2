"""API keys for programs: issued, listed and revoked by a super admin."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response, status

from app.api.deps import ClientIp, DbSession, Pagination, SuperAdmin
from app.repositories.api_key_repo import ApiKeyRow
from app.schemas.api_key import ApiKeyCreate, ApiKeyCreated, ApiKeyRead
from app.schemas.common import Envelope, ListEnvelope, list_envelope
from app.services.accounts.api_keys import ApiKeyService

router = APIRouter(prefix="/api-keys", tags=["api-keys"])

MAX_ID = 2**63 - 1
NO_STORE = {"Cache-Control": "no-store"}


async def get_api_key_service(admin: SuperAdmin, db: DbSession, ip: ClientIp) -> ApiKeyService:
    return ApiKeyService(db, admin.factory_id, actor_id=admin.id, client_ip=ip)


ApiKeys = Annotated[ApiKeyService, Depends(get_api_key_service)]


async def load_api_key(api_key_id: Annotated[int, Path(ge=1, le=MAX_ID)], service: ApiKeys
                       ) -> ApiKeyRow:
    return await service.load(api_key_id)


ApiKeyDep = Annotated[ApiKeyRow, Depends(load_api_key)]


@router.get("", operation_id="api_keys_list", response_model=ListEnvelope[ApiKeyRead],
            summary="The factory's API keys, revoked ones last (super admin)")
async def list_api_keys(service: ApiKeys, page: Pagination):
    items, total = await service.search(page)
    return list_envelope(items, total, page)


@router.post("", operation_id="api_keys_create",
             status_code=status.HTTP_201_CREATED, response_model=Envelope[ApiKeyCreated],
             summary="Issue an API key; the key itself is in this answer only (super admin)")
async def create_api_key(body: ApiKeyCreate, service: ApiKeys, response: Response):
    response.headers.update(NO_STORE)
    return {"data": await service.create(body)}


@router.get("/{api_key_id}", operation_id="api_keys_get", response_model=Envelope[ApiKeyRead],
            summary="One API key, without its secret (super admin)")
async def get_api_key(api_key: ApiKeyDep, service: ApiKeys):
    return {"data": await service.read(api_key)}


@router.post("/{api_key_id}/revoke", operation_id="api_keys_revoke",
             response_model=Envelope[ApiKeyRead],
             summary="Revoke an API key: it answers 401 from the next request on (super admin)")
async def revoke_api_key(api_key: ApiKeyDep, service: ApiKeys):
    return {"data": await service.revoke(api_key)}
