"""aftale serve's guard, tried as an attacker would: no token, a wrong host, a cross-site POST (from a
real page on another origin, in Chromium), paths out of the served folder, an oversized form, and the
server started off loopback."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from checker.web.security import csrf_token
from tests.webapp import ROOT, copy_examples, start_server

AGREEMENT_API = "/d/viborg-2017-2021/api/doc/samarbejdsaftale.json"


def request(server, method, path, *, body=None, headers=None, token=True, host=None):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    h = {"Host": host or f"127.0.0.1:{server.port}", "Accept": "application/json"}
    if token:
        h["Authorization"] = f"Bearer {server.token}"
    h.update(headers or {})
    conn.request(method, path, body=body, headers=h)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data


def _save_body(server):
    status, data = request(server, "GET", AGREEMENT_API)
    assert status == 200
    doc = json.loads(data)
    doc["value"]["ressourcer"]["finansiering"]["landsbyggefonden"] = 1
    return json.dumps({"sha256": doc["sha256"], "value": doc["value"]}).encode()


def test_every_request_needs_the_token(server):
    assert request(server, "GET", "/", token=False)[0] == 401
    assert request(server, "GET", AGREEMENT_API, token=False)[0] == 401
    assert request(server, "GET", "/static/app.js", token=False)[0] == 401
    assert request(server, "GET", "/?token=wrong-token-wrong-token", token=False)[0] == 401
    assert request(server, "GET", "/", headers={"Authorization": "Bearer wrong"}, token=False)[0] == 401
    assert request(server, "GET", "/")[0] == 200
    # the token in the address becomes a cookie and leaves the address
    status, _ = request(server, "GET", f"/d/viborg-2017-2021?token={server.token}", token=False)
    assert status == 303


def test_a_foreign_host_name_is_refused(server):
    """A DNS-rebinding page reaches 127.0.0.1 under its own name; the Host header gives it away."""
    assert request(server, "GET", "/", host=f"evil.example:{server.port}")[0] == 421
    assert request(server, "GET", "/", host=f"localhost:{server.port}")[0] == 200
    # an address typed as digits cannot be a rebinding name: a colleague reaching the server by its IP
    assert request(server, "GET", "/", host=f"10.1.2.3:{server.port}")[0] == 200
    assert request(server, "GET", "/", host=f"[fe80::1]:{server.port}")[0] == 200
    assert request(server, "GET", "/", host="10.1.2.3:1")[0] == 421
    assert request(server, "GET", "/", host=f"10.1.2.3.evil.example:{server.port}")[0] == 421


def test_a_change_needs_the_csrf_token_and_the_same_origin(server):
    path = server.root / "viborg-2017-2021" / "samarbejdsaftale.json"
    before = path.read_bytes()
    body = _save_body(server)
    csrf = csrf_token(server.token)
    json_type = {"Content-Type": "application/json"}
    assert request(server, "POST", AGREEMENT_API, body=body, headers=json_type)[0] == 403
    assert (
        request(server, "POST", AGREEMENT_API, body=body, headers={**json_type, "X-CSRF-Token": "x" * 32})[0]
        == 403
    )
    for foreign in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        headers = {**json_type, "X-CSRF-Token": csrf, **foreign}
        assert request(server, "POST", AGREEMENT_API, body=body, headers=headers)[0] == 403
    assert path.read_bytes() == before
    status, data = request(
        server, "POST", AGREEMENT_API, body=body, headers={**json_type, "X-CSRF-Token": csrf}
    )
    assert status == 200, data
    assert json.loads(data)["changed"] == ["/ressourcer/finansiering/landsbyggefonden"]


class _Attacker(BaseHTTPRequestHandler):
    target = ""

    def do_GET(self):  # noqa: N802 - the standard library's name
        page = (
            "<html><body><form id=f method=POST enctype=text/plain "
            f"action='{self.target}'><input name='{{\"sha256\":\"x\",\"value\":' value='1}}'></form>"
            "<script>document.getElementById('f').submit()</script></body></html>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def log_message(self, *args):
        pass


def test_a_cross_site_post_from_a_real_page_is_refused(page, server):
    """A logged-in user visits a hostile page on another origin that posts to the server: refused, and
    the file is untouched."""
    path = server.root / "viborg-2017-2021" / "samarbejdsaftale.json"
    before = path.read_bytes()
    _Attacker.target = server.url + AGREEMENT_API
    evil = ThreadingHTTPServer(("127.0.0.2", 0), _Attacker)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    try:
        with page.expect_response(
            lambda r: r.url.startswith(server.url) and r.request.method == "POST"
        ) as info:
            page.goto(f"http://127.0.0.2:{evil.server_address[1]}/")
        assert info.value.status in (401, 403)
    finally:
        evil.shutdown()
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "path",
    [
        "/d/..%2F..%2Fetc/edit/passwd",
        "/d/../../etc",
        "/d/viborg-2017-2021/edit/../../../../etc/passwd",
        "/d/viborg-2017-2021/api/doc/..%2F..%2F..%2Fetc%2Fpasswd",
        "/d/viborg-2017-2021/api/doc/%2e%2e/eksempelby-2022-2026/samarbejdsaftale.json",
        "/d/viborg-2017-2021/api/doc/budget.xlsx",
        "/d/viborg-2017-2021/api/doc/.aftale.lock",
        "/d/.hidden",
        "/static/../security.py",
        "/static/%2e%2e/security.py",
    ],
)
def test_no_path_leaves_the_served_folder(server, path):
    status, data = request(server, "GET", path)
    assert status == 404, (status, data[:200])
    assert b"root:" not in data and b"import" not in data


def test_a_link_out_of_the_served_folder_is_not_followed(tmp_path):
    outside = copy_examples(tmp_path / "outside", ("viborg-2017-2021",)) / "viborg-2017-2021"
    root = copy_examples(tmp_path / "served", ("eksempelby-2022-2026",))
    (root / "linked").symlink_to(outside)
    (root / "eksempelby-2022-2026" / "delaftaler" / "ude.json").symlink_to(outside / "samarbejdsaftale.json")
    server = start_server(root)
    try:
        assert request(server, "GET", "/d/linked")[0] == 404
        assert b"linked" not in request(server, "GET", "/")[1]
        status, _ = request(server, "GET", "/d/eksempelby-2022-2026/api/doc/delaftaler/ude.json")
        assert status == 404
    finally:
        server.stop()


def test_an_oversized_form_is_refused_unread(server):
    path = server.root / "viborg-2017-2021" / "samarbejdsaftale.json"
    before = path.read_bytes()
    headers = {
        "Content-Type": "application/json",
        "X-CSRF-Token": csrf_token(server.token),
        "Content-Length": str(7 * 1024 * 1024),
    }
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.putrequest("POST", AGREEMENT_API, skip_host=True)
    for k, v in {
        "Host": f"127.0.0.1:{server.port}",
        "Authorization": f"Bearer {server.token}",
        "Accept": "application/json",
        **headers,
    }.items():
        conn.putheader(k, v)
    conn.endheaders()
    conn.send(b"{" * 1024)  # the server answers before the body is all there
    response = conn.getresponse()
    assert response.status == 413
    assert json.loads(response.read())["error"] == "Formularen er for stor."
    conn.close()
    assert path.read_bytes() == before


def test_off_loopback_the_server_makes_a_token_and_requires_it(tmp_path):
    root = copy_examples(tmp_path / "d", ("viborg-2017-2021",))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "checker",
            "serve",
            str(root),
            "--host",
            "0.0.0.0",
            "--port",
            "0",
            "--no-browser",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=os.environ,
    )
    try:
        url = process.stdout.readline().strip()
        token = url.split("token=", 1)[1]
        assert len(token) >= 24
        port = int(url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/", headers={"Host": f"127.0.0.1:{port}"})
        assert conn.getresponse().status == 401
        conn.close()
    finally:
        process.terminate()
        _, err = process.communicate(timeout=10)
    assert f"0.0.0.0 er ikke kun denne maskine; adgangsnøglen er {token}" in err


def test_a_short_token_is_refused_at_start(tmp_path):
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "checker",
            "serve",
            str(tmp_path),
            "--port",
            "0",
            "--no-browser",
            "--token",
            "kort",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert run.returncode == 2
    assert "Adgangsnøglen skal have mindst 16 tegn." in run.stderr
    assert "Traceback" not in run.stderr
