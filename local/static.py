"""The browser apps on the local stack: what S3 + CloudFront serve when deployed.

- On the API's origin: `/widget/parley.js` (the embeddable widget) and
  `/console/` (the agent console), straight from `web/` (no build step).
- On a second origin (another port): `/demo/`, a customer's web page that embeds
  the widget with one script tag, so the browser applies CORS for real.
"""
from __future__ import annotations

import html
from pathlib import Path

from aiohttp import web

WEB_ROOT = Path(__file__).resolve().parent.parent / "web"
_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html", ".svg": "image/svg+xml",
          ".png": "image/png"}
_NO_CACHE = {"Cache-Control": "no-cache"}  # local edits show on reload


def _file(folder: str, name: str) -> web.StreamResponse:
    base = (WEB_ROOT / folder).resolve()
    path = (base / (name or "index.html")).resolve()
    if base not in path.parents or not path.is_file() or path.suffix not in _TYPES:
        raise web.HTTPNotFound(text="Not found")
    return web.FileResponse(path, headers={**_NO_CACHE, "Content-Type": _TYPES[path.suffix]})


DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Parley API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<style>nav{font:14px sans-serif;padding:8px 20px;border-bottom:1px solid #ddd}nav a{margin-right:16px}</style>
</head><body><nav id="specs"></nav><div id="docs"></div><script src="/docs/swagger-ui-bundle.js"></script>
<script>
fetch("/openapi.json").then(r => r.json()).then(index => {
  const chosen = new URLSearchParams(location.search).get("seed") || index.specs[0].seed;
  for (const spec of index.specs) {
    const link = document.createElement("a");
    link.href = "?seed=" + spec.seed;
    link.textContent = spec.seed + " " + spec.title;
    if (spec.seed === chosen) link.style.fontWeight = "bold";
    document.getElementById("specs").append(link);
  }
  SwaggerUIBundle({dom_id: "#docs", url: "/openapi/" + chosen + ".json", deepLinking: true});
});
</script></body></html>"""


def _docs_asset(name: str) -> web.StreamResponse:
    """Swagger UI 5 (OpenAPI 3.1) from the fastapi-offline package's static files: no CDN needed."""
    import fastapi_offline

    base = Path(fastapi_offline.__file__).resolve().parent / "static"
    if name not in ("swagger-ui-bundle.js", "swagger-ui.css"):
        raise web.HTTPNotFound(text="Not found")
    return web.FileResponse(base / name, headers={"Content-Type": _TYPES[Path(name).suffix]})


def add_app_routes(webapp: web.Application) -> None:
    """Widget, console and the API docs on the API's origin; registered before the gateway's catch-all route."""

    async def docs(_request: web.Request) -> web.Response:
        return web.Response(text=DOCS_PAGE, content_type="text/html", headers=_NO_CACHE)

    async def docs_asset(request: web.Request) -> web.StreamResponse:
        return _docs_asset(request.match_info["name"])

    webapp.router.add_get("/docs", docs)
    webapp.router.add_get("/docs/{name}", docs_asset)

    async def widget(request: web.Request) -> web.StreamResponse:
        return _file("widget", request.match_info["name"])

    async def console(request: web.Request) -> web.StreamResponse:
        return _file("console", request.match_info.get("name", ""))

    async def console_slash(_request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/console/")

    webapp.router.add_get("/widget/{name}", widget)
    webapp.router.add_get("/console", console_slash)
    webapp.router.add_get("/console/", console)
    webapp.router.add_get("/console/{name}", console)


def demo_app(api_url: str, site_id: str) -> web.Application:
    """The demo host page, on its own origin: `data-site-id` and the script's own origin are all the widget needs."""
    page = (WEB_ROOT / "demo" / "index.html").read_text()
    rendered = page.replace("{{API}}", html.escape(api_url, quote=True)).replace("{{SITE_ID}}",
                                                                              html.escape(site_id, quote=True))

    async def demo(request: web.Request) -> web.Response:
        # ?flow=000|004 pins the widget's API (data-flow); without it the widget detects 004.
        flow = request.query.get("flow", "")
        head, marker, tail = rendered.rpartition("data-site-id=")  # the script tag (the last one on the page)
        pinned = f'{head}data-flow="{flow}" {marker}{tail}' if flow in ("000", "004") else rendered
        return web.Response(text=pinned, content_type="text/html", headers=_NO_CACHE)

    async def home(_request: web.Request) -> web.Response:
        raise web.HTTPFound("/demo/")

    webapp = web.Application()
    webapp.router.add_get("/", home)
    webapp.router.add_get("/demo", home)
    webapp.router.add_get("/demo/", demo)
    return webapp
