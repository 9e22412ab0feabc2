"""The FastAPI application factory."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from app.api import health, metrics
from app.api.docs import install_docs
from app.api.error_handlers import install_error_handlers
from app.api.middleware import RequestContextMiddleware
from app.api.openapi import install_openapi
from app.api.v1.router import api_router
from app.core.config import Settings, get_settings
from app.core.errors import NotFound
from app.core.logging import configure_logging
from app.stores.resources import Resources


def create_app(settings: Settings | None = None, resources: Resources | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.resources = resources or Resources.from_settings(settings)
        await app.state.resources.start()
        try:
            yield
        finally:
            await app.state.resources.close()

    app = FastAPI(
        title=f"{settings.app_name} API",
        version="1.0.0",
        description="Multi-tenant industrial energy intelligence: devices, telemetry, KPIs, "
                    "rules and alerts, analytics and reports. Every response is enveloped: "
                    "`{data}`, `{data,total,page,per_page}` or `{error:{code,message}}`.",
        lifespan=lifespan,
        # Served by install_docs from pinned local assets, not FastAPI's CDN pages.
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    install_error_handlers(app)
    install_openapi(app)
    install_docs(app)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                           allow_methods=["*"], allow_headers=["*"],
                           expose_headers=["X-Request-ID", "Retry-After"])
    app.add_middleware(RequestContextMiddleware)
    app.include_router(health.router)
    app.include_router(metrics.router)
    metrics.register_collectors()
    app.include_router(api_router)
    if settings.spa_dist_dir:
        _mount_spa(app, Path(settings.spa_dist_dir))
    return app


def _mount_spa(app: FastAPI, dist: Path) -> None:
    """Serve the built single-page app; any other path that is not the API gets index.html
    so that client-side routes survive a reload."""
    index = dist / "index.html"
    if not index.is_file():
        raise RuntimeError(f"SPA_DIST_DIR {dist} has no index.html: build the frontend first")
    if (dist / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=dist / "assets"), name="assets")
    root = dist.resolve()

    @app.get("/{path:path}", include_in_schema=False)
    async def spa(path: str, request: Request):
        if path.startswith(("api/", "assets/")) or path == "api":
            raise NotFound("No such resource or route.")
        candidate = (root / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            return FileResponse(candidate)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
