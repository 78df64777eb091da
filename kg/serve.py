"""A SPARQL 1.1 Protocol endpoint over a build's store: read-only, loopback, with a time limit.

    serve(out, host="127.0.0.1", port=7878, writable=False, timeout=10.0)   blocks until stopped
    make_app(backend_url, writable, timeout) -> Starlette app

The SPARQL work is done by the Oxigraph server (the `oxigraph` package's binary), started on a
private loopback port over DIR/store: it implements the Protocol, the Graph Store Protocol, content
negotiation and query cancellation. In front of it sits a thin Starlette app (run by uvicorn) that
adds what the Oxigraph server does not do the way newskg promises:

- updates and Graph Store writes are refused with 403 unless the server was started writable
  (the backend is then `oxigraph serve`, else `oxigraph serve-read-only`);
- a query past the time limit is answered 503. Oxigraph sends "200 OK" and starts streaming
  before it knows whether the query will finish, then cuts the stream when its own timeout
  fires; the front buffers the answer against a deadline instead, so a client gets either the
  whole answer or a clean 503. The backend's timeout (a second later) stops the query itself.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kg.errors import QueryError
from kg.store import store_path

READ_ONLY_MESSAGE = "this endpoint is read-only (start kg serve --writable to allow updates)\n"
_FORWARDED_HEADERS = ("accept", "content-type", "accept-encoding")
_WRITE_METHODS = {"PUT", "POST", "DELETE", "PATCH"}


def oxigraph_binary() -> str:
    """The Oxigraph server program: beside this Python (a venv's bin), else on PATH."""
    here = Path(sys.executable).parent / "oxigraph"
    if here.exists():
        return str(here)
    found = shutil.which("oxigraph")
    if not found:
        raise QueryError("oxigraph: server program not found (pip install oxigraph)")
    return found


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def wait_for_port(host: str, port: int, deadline: float, proc: subprocess.Popen | None = None) -> None:
    """Return once something accepts connections on host:port; QueryError past `deadline`."""
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise QueryError(f"oxigraph: the server stopped at start (exit code {proc.returncode})")
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.2):
            return
        time.sleep(0.05)
    raise QueryError(f"{host}:{port}: the server did not start in time")


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    # Linux only: the backend must not outlive a `kg serve` that was killed outright.
    with contextlib.suppress(Exception):
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG


def start_backend(store: Path, *, writable: bool, timeout: float) -> tuple[subprocess.Popen, str, Path]:
    """Start the Oxigraph server over `store` on a free loopback port.

    Returns the process, its base URL and the file its stderr goes to.
    """
    port = free_port()
    mode = "serve" if writable else "serve-read-only"
    log = Path(tempfile.mkstemp(prefix="kg-serve-oxigraph.", suffix=".log")[1])
    args = [oxigraph_binary(), mode, "--location", str(store), "--bind", f"127.0.0.1:{port}",
            "--timeout-s", str(max(1, int(timeout + 1.5)))]
    with open(log, "wb") as err:
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=err, stderr=err,
                                preexec_fn=_die_with_parent if os.name == "posix" else None)
    try:
        wait_for_port("127.0.0.1", port, time.monotonic() + 20, proc)
    except QueryError as exc:
        stop_backend(proc)
        detail = log.read_text(errors="replace").strip().splitlines()
        raise QueryError(f"{exc}{': ' + detail[-1] if detail else ''}") from None
    return proc, f"http://127.0.0.1:{port}", log


def stop_backend(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def make_app(backend_url: str, *, writable: bool = False, timeout: float = 10.0):
    """The front: forwards SPARQL Protocol and Graph Store requests to `backend_url`.

    Parameters
    ----------
    backend_url : the Oxigraph server, e.g. "http://127.0.0.1:40123".
    writable : allow SPARQL Update and Graph Store writes.
    timeout : seconds a request may take before it is answered 503.
    """
    import httpx
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse, Response
    from starlette.routing import Route

    # TCP_NODELAY: httpx writes a request's headers and body separately, and Nagle's algorithm
    # would hold the body back until the backend's delayed ACK, 40 ms on Linux, every request.
    transport = httpx.AsyncHTTPTransport(
        socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
        limits=httpx.Limits(max_connections=64, max_keepalive_connections=64))
    client = httpx.AsyncClient(base_url=backend_url, timeout=httpx.Timeout(None), transport=transport)

    def refused(request) -> bool:
        path = request.url.path.rstrip("/")
        if writable:
            return False
        if path == "/update":
            return True
        if path == "/query" and request.method == "POST":
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            return kind == "application/sparql-update"
        return path == "/store" and request.method in _WRITE_METHODS

    async def forward(request):
        if refused(request):
            return PlainTextResponse(READ_ONLY_MESSAGE, status_code=403)
        headers = {k: v for k, v in request.headers.items() if k.lower() in _FORWARDED_HEADERS}
        body = await request.body()
        url = request.url.path + (f"?{request.url.query}" if request.url.query else "")

        async def exchange():
            response = await client.request(request.method, url, content=body, headers=headers)
            return response.status_code, response.headers, response.content

        try:
            status, backend_headers, content = await asyncio.wait_for(exchange(), timeout)
        except asyncio.TimeoutError:
            return PlainTextResponse(f"query stopped: it ran past the time limit of {timeout:g} s\n",
                                     status_code=503)
        except httpx.HTTPError as exc:
            # the backend cuts a streamed answer when its own timeout fires
            return PlainTextResponse(f"query stopped: {type(exc).__name__}\n", status_code=503)
        keep = {k: v for k, v in backend_headers.items()
                if k.lower() in ("content-type", "content-encoding", "vary", "location")}
        return Response(content, status_code=status, headers=keep)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        await client.aclose()

    methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]
    return Starlette(routes=[Route("/{path:path}", forward, methods=methods)], lifespan=lifespan)


def serve(out: str | Path, *, host: str = "127.0.0.1", port: int = 7878, writable: bool = False,
          timeout: float = 10.0, announce=None) -> None:
    """Serve the store of the build folder `out` at http://HOST:PORT/query until interrupted.

    Raises QueryError when there is no store or the server cannot start.
    """
    import uvicorn
    store = store_path(out)
    if not (store / "CURRENT").exists():
        raise QueryError(f"{store}: no SPARQL store here (run kg build first)")
    if timeout <= 0:
        raise QueryError(f"--timeout {timeout:g}: must be more than 0 seconds")
    proc, backend, log = start_backend(store, writable=writable, timeout=timeout)
    try:
        app = make_app(backend, writable=writable, timeout=timeout)
        if announce:
            mode = "read-write" if writable else "read-only"
            announce(f"serving {store} at http://{host}:{port}/query ({mode}, time limit {timeout:g} s)")
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                                backlog=512, timeout_keep_alive=30)
        uvicorn.Server(config).run()
    finally:
        stop_backend(proc)
        log.unlink(missing_ok=True)
