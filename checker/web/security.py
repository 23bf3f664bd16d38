"""Who may talk to `aftale serve`, and which files a request may reach.

- Every request carries the access token: once in the address the server prints (``?token=…``), which
  sets an HttpOnly, SameSite=Strict cookie and redirects to the same address without it; or as
  ``Authorization: Bearer …``. Without it: 401. The token is required on loopback too (another user
  of the machine, or a web page rebinding its name to 127.0.0.1, must not edit a dossier).
- The Host header must name this server (a DNS-rebinding page sends its own name): otherwise 421.
- Every state-changing request (POST) carries the CSRF token from the page (header X-CSRF-Token, or
  ``?csrf=`` in a plain form's action address), and a cross-site Origin or Sec-Fetch-Site is refused: 403.
- Paths from the browser are names, never paths: a dossier is a direct subfolder of the served folder
  whose name is plain (no dot first, no slash), not a link; a document is one the dossier lists.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
from pathlib import Path
from urllib.parse import urlencode

from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

COOKIE = "aftale_token"
#: a dossier's folder name as the browser may give it
NAME = re.compile(r"^[A-Za-z0-9ÆØÅæøå][A-Za-z0-9ÆØÅæøå._-]{0,99}$")
MIN_TOKEN = 16


def new_token() -> str:
    return secrets.token_urlsafe(24)


def csrf_token(token: str) -> str:
    """The CSRF token pages carry: derived from the access token, so it is the same in every tab."""
    return hmac.new(token.encode(), b"aftale-csrf", hashlib.sha256).hexdigest()[:32]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Guard:
    """ASGI middleware: the host, token and CSRF checks above, before any route runs."""

    def __init__(self, app, *, token: str, hosts: set[str]) -> None:
        self.app = app
        self.token = token
        self.csrf = csrf_token(token)
        self.hosts = hosts
        self.cookie = cookie_name(hosts)
        self.ports = {m.group(1) for m in (re.search(r":(\d+)$", h) for h in hosts) if m}

    def host_ok(self, host: str) -> bool:
        """One of the server's own names, or an IP address with the server's port: DNS rebinding needs a
        host *name*, so an address typed as digits (a colleague reaching a --host 0.0.0.0 server by its
        IP address) is safe to accept."""
        if host in self.hosts:
            return True
        address, _, port = host.rpartition(":")
        if port not in self.ports:
            return False
        try:
            ipaddress.ip_address(address.strip("[]"))
        except ValueError:
            return False
        return True

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        response = self.refuse(request)
        if response is not None:
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["csrf"] = self.csrf
        await self.app(scope, receive, send)

    def _token_ok(self, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(given.encode(), self.token.encode())

    def refuse(self, request: Request) -> Response | None:
        host = (request.headers.get("host") or "").lower()
        if not self.host_ok(host):
            return _refusal(request, "Forkert værtsnavn / wrong host name.", 421)
        given = request.query_params.get("token")
        if given is not None:
            if not self._token_ok(given):
                return _refusal(request, "Forkert adgangsnøgle / wrong access token.", 401)
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            # one leading slash: "//other.example/" would send the browser to another site
            target = URL(path="/" + request.url.path.lstrip("/"), query=urlencode(rest))
            response = RedirectResponse(str(target), status_code=303)
            response.set_cookie(self.cookie, self.token, httponly=True, samesite="strict", path="/")
            return response
        auth = request.headers.get("authorization", "")
        bearer = auth[7:] if auth.lower().startswith("bearer ") else None
        if not (self._token_ok(request.cookies.get(self.cookie)) or self._token_ok(bearer)):
            return _refusal(
                request,
                "Adgangsnøglen mangler: åbn adressen, som »aftale serve« skrev, med ?token=…\n"
                "The access token is missing: open the address 'aftale serve' printed, with ?token=…",
                401,
            )
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            site = request.headers.get("sec-fetch-site")
            origin = request.headers.get("origin")
            if site not in (None, "same-origin", "none") or (
                origin is not None and not self.host_ok(origin.split("://", 1)[-1].lower())
            ):
                return _refusal(
                    request, "Forespørgsler fra andre websteder afvises / cross-site request refused.", 403
                )
            sent = request.headers.get("x-csrf-token") or request.query_params.get("csrf")
            if not (sent and hmac.compare_digest(sent.encode(), self.csrf.encode())):
                return _refusal(
                    request,
                    "CSRF-nøglen mangler eller er forkert; genindlæs siden. / CSRF token missing or wrong; reload the page.",
                    403,
                )
        return None


def cookie_name(hosts: set[str]) -> str:
    """The access token's cookie, named for the server's port: cookies do not keep ports apart, so a
    second `aftale serve` on another port (another folder, another token) would otherwise overwrite the
    first one's cookie and lock its open pages out."""
    ports = {m.group(1) for m in (re.search(r":(\d+)$", h) for h in hosts) if m}
    return f"{COOKIE}_{ports.pop()}" if len(ports) == 1 else COOKIE


def _refusal(request: Request, message: str, status_code: int) -> Response:
    """The guard's refusal: plain text for the browser's address bar; for a page's script (which asks for
    JSON) the same words as {"error": …}, which the page shows, instead of text it cannot read."""
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(
            {"error": message}, status_code=status_code, headers={"Cache-Control": "no-store"}
        )
    return PlainTextResponse(message, status_code=status_code)


def dossier_folder(root: Path, name: str) -> Path | None:
    """The dossier folder `name` directly under `root`, or None when the name is not plain or the folder
    is not a real (non-link) dossier folder inside `root`."""
    if not NAME.match(name) or name in (".", ".."):
        return None
    folder = root / name
    if folder.is_symlink() or not folder.is_dir():
        return None
    if folder.resolve().parent != root.resolve():
        return None
    return folder


def inside(folder: Path, rel: str) -> Path | None:
    """`folder/rel` when `rel` is a plain relative path that stays inside `folder` with no link on the
    way; None otherwise."""
    if not rel or rel.startswith("/") or "\\" in rel or "\x00" in rel:
        return None
    parts = rel.split("/")
    if any(p in ("", ".", "..") or p.startswith(".") for p in parts):
        return None
    path = folder
    for part in parts:
        path = path / part
        if path.is_symlink():
            return None
    if not path.resolve().is_relative_to(folder.resolve()):
        return None
    return path
