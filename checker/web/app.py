"""The web application: routes from each page module, the guard in front of them, static files."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from checker.findings import CouldNotRun, Text
from checker.web.common import HERE, NotFound, Site, UploadRefused, could_not_run, problem
from checker.web.jobs import Jobs
from checker.web.security import Guard
from checker.web.status import StatusCache

#: page modules, each with its own `routes`
MODULES = ("overview", "forms", "dossiers", "annexes", "documents", "signatures", "revisions", "followup")


def _routes() -> list:
    import importlib

    routes = []
    for name in MODULES:
        try:
            module = importlib.import_module(f"checker.web.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"checker.web.{name}":
                raise
            continue
        routes.extend(module.routes)
    return routes


async def _not_found(request: Request, _exc: Exception):
    return problem(request, Text("Siden eller filen findes ikke.", "The page or file does not exist."), 404)


async def _could_not_run(request: Request, exc: CouldNotRun):
    return could_not_run(request, exc)


async def _upload_refused(request: Request, exc):
    return problem(request, exc.text, exc.status_code)


async def _unexpected(request: Request, exc: Exception):
    return problem(
        request,
        Text(
            f"Der gik noget galt ({type(exc).__name__}); intet er ændret.",
            f"Something went wrong ({type(exc).__name__}); nothing was changed.",
        ),
        500,
    )


def create_app(root: Path, *, token: str, hosts: set[str], lang: str = "da") -> Guard:
    site = Site(root=Path(root), token=token, lang=lang, jobs=Jobs(), status=StatusCache())
    app = Starlette(
        routes=[*_routes(), Mount("/static", StaticFiles(directory=HERE / "static"), name="static")],
        exception_handlers={
            NotFound: _not_found,
            404: _not_found,
            CouldNotRun: _could_not_run,
            UploadRefused: _upload_refused,
            Exception: _unexpected,
        },
    )
    app.state.site = site
    return Guard(app, token=token, hosts=hosts)
