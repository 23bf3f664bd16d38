"""`aftale serve`: bind, print the address with its access token, open the browser, serve until stopped."""

from __future__ import annotations

import errno
import socket
import sys
import threading
import webbrowser
from pathlib import Path

from checker.findings import CouldNotRun, Text
from checker.web.security import MIN_TOKEN, is_loopback, new_token


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise CouldNotRun(
                Text(
                    f"Porten {port} er optaget; vælg en anden med --port (0 vælger en ledig).",
                    f"Port {port} is in use; choose another with --port (0 picks a free one).",
                )
            ) from None
        raise CouldNotRun(
            Text(
                f"Kan ikke lytte på {host}:{port}: {exc.strerror}.",
                f"Cannot listen on {host}:{port}: {exc.strerror}.",
            )
        ) from None
    sock.listen(64)
    return sock


def hosts_for(host: str, port: int) -> set[str]:
    """The Host headers this server answers to."""
    names = {host.lower()} if not is_loopback(host) else {"127.0.0.1", "localhost", "[::1]"}
    if host in ("0.0.0.0", "::"):
        names |= {socket.gethostname().lower(), "127.0.0.1", "localhost"}
    bracketed = {f"[{n}]" if ":" in n and not n.startswith("[") else n for n in names}
    with_port = {f"{n}:{port}" for n in bracketed}
    # on HTTP's own port a browser leaves the port out of the Host header
    return with_port | bracketed if port == 80 else with_port


def serve(folder: str, host: str, port: int, token: str | None, open_browser: bool, lang: str) -> None:
    import uvicorn

    from checker.web.app import create_app

    root = Path(folder)
    if not root.is_dir():
        raise CouldNotRun(Text(f"Mappen {root} findes ikke.", f"The folder {root} does not exist."))
    if token is not None and len(token) < MIN_TOKEN:
        raise CouldNotRun(
            Text(
                f"Adgangsnøglen skal have mindst {MIN_TOKEN} tegn.",
                f"The access token must have at least {MIN_TOKEN} characters.",
            )
        )
    if not is_loopback(host) and token is None:
        token = new_token()
        print(
            f"aftale serve: {host} er ikke kun denne maskine; adgangsnøglen er {token}"
            if lang != "en"
            else f"aftale serve: {host} is not only this machine; the access token is {token}",
            file=sys.stderr,
        )
    token = token or new_token()
    sock = _bind(host, port)
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/?token={token}"
    app = create_app(root.resolve(), token=token, hosts=hosts_for(host, port), lang=lang)
    print(url, flush=True)
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])
