"""The API documentation pages, /docs (Swagger UI) and /redoc, served entirely by the API.

Their scripts and styles come from the pinned `fastapi-offline` package (no CDN), and the
pages carry no inline script: Swagger UI is started by a small script of our own, so that
the Content-Security-Policy nginx sends (`script-src 'self'`, see nginx/nginx.conf) needs no
'unsafe-inline' for scripts. ReDoc renders from its `<redoc>` element and parses the document
in a web worker it creates from a blob: URL (hence `worker-src blob:` on /redoc)."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/docs/assets"
_ASSETS = Path(fastapi_offline.__file__).parent / "static"

_SWAGGER_INIT = """\
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    layout: "BaseLayout",
  });
});
"""


def _page(title: str, head: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{title}</title>"
        f"<link rel=\"icon\" type=\"image/png\" href=\"{ASSETS_URL}/favicon.png\">"
        f"{head}</head><body>{body}</body></html>\n",
        headers={"Cache-Control": "no-cache"})


def install_docs(app: FastAPI) -> None:
    app.mount(ASSETS_URL, StaticFiles(directory=_ASSETS), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return _page(f"{app.title} · Swagger UI",
                     f"<link rel=\"stylesheet\" href=\"{ASSETS_URL}/swagger-ui.css\">",
                     "<div id=\"swagger-ui\"></div>"
                     f"<script src=\"{ASSETS_URL}/swagger-ui-bundle.js\"></script>"
                     "<script src=\"/docs/swagger-init.js\"></script>")

    @app.get("/docs/swagger-init.js", include_in_schema=False)
    async def swagger_init() -> Response:
        return Response(_SWAGGER_INIT, media_type="text/javascript",
                        headers={"Cache-Control": "no-cache"})

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return _page(f"{app.title} · ReDoc", "",
                     "<redoc spec-url=\"/openapi.json\" hide-download-button=\"false\"></redoc>"
                     f"<script src=\"{ASSETS_URL}/redoc.standalone.js\"></script>")
