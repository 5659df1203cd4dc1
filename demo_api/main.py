"""Build the FastAPI app: settings, lifespan, middleware, error handlers and routers.

``uvicorn demo_api.main:app`` serves the default app; tests call
``create_app(Settings(...))`` to get one with their own database and provider.
"""

from __future__ import annotations

import functools
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from demo_api.api import calculate, docs, health, home, reports, weather
from demo_api.api.errors import register_error_handlers
from demo_api.api.replay import AnswerReplays
from demo_api.logs import protect_secrets_in_logs
from demo_api.middleware import MaxBodySizeMiddleware
from demo_api.services.providers import build_provider
from demo_api.services.reports import build_report_repository
from demo_api.services.weather import WeatherService, open_weather_cache
from demo_api.settings import Settings

STATIC_DIR = Path(__file__).resolve().parent / "static"

DESCRIPTION = """\
The weather demo API of the course: a first calculation endpoint, current
weather for world cities, and weather reports that you can post, read, replace,
change and delete. Every error answer is `{"detail": ...}`.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the demo API; ``settings`` default to the environment and ``.env``."""
    settings = settings or Settings()
    protect_secrets_in_logs()  # the OpenWeatherMap key travels in upstream URLs

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # One database (a SQLite file, or a pool of PostgreSQL connections) and one HTTP
        # client for the whole process, closed on shutdown. Opening applies the migrations.
        repository = build_report_repository(settings.database)
        repository.open()
        # The cache (WEATHER_CACHE_URL) too: a Redis connection pool is closed with it.
        async with (
            httpx.AsyncClient(
                timeout=settings.upstream_timeout_seconds, verify=_tls_context()
            ) as client,
            open_weather_cache(settings) as cache,
        ):
            app.state.report_repository = repository
            app.state.weather_service = WeatherService(build_provider(settings, client), cache)
            app.state.answer_replays = AnswerReplays()
            yield
        repository.close()

    docs_enabled = settings.docs_enabled
    app = FastAPI(
        title="Weather demo API",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        # Our own /docs and /redoc (see demo_api.api.docs) work without a CDN.
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json" if docs_enabled else None,
    )
    app.state.settings = settings

    # The last middleware added runs first: CORS headers go on every answer, 413s included.
    app.add_middleware(MaxBodySizeMiddleware, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_origin_regex=settings.cors_origin_regex,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["*"],  # students may add any header in a try-it panel
        # Allow: a 405 exercise reads it in the page, which sees only exposed headers
        expose_headers=["Location", "Retry-After", "Allow"],
        max_age=600,
    )
    register_error_handlers(app)

    app.include_router(home.router)
    app.include_router(calculate.router)
    app.include_router(weather.router)
    app.include_router(reports.router)
    app.include_router(health.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    if docs_enabled:
        app.include_router(docs.router)
        app.mount(docs.ASSETS_URL, StaticFiles(directory=docs.ASSETS_DIR), name="docs-assets")
    return app


@functools.cache
def _tls_context() -> ssl.SSLContext:
    # Loading the CA certificates takes a good part of a second: once per process is enough.
    return httpx.create_ssl_context()


app = create_app()
