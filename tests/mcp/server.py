#!/usr/bin/env python3
"""A small MCP server for specai's MCP client tests, built on the PyPI `mcp` package
(MCPServer, formerly FastMCP). Installed by tests/mcp/setup.sh into target/mcp-server/venv.

    server.py stdio    serve on stdin/stdout (the client starts it as a child process)
    server.py http     serve streamable HTTP on 127.0.0.1, on a free port chosen by the
                       kernel; prints "READY http://127.0.0.1:PORT/mcp" on stdout, logs
                       each HTTP request (and two of its headers) on stderr, and stops when its stdin reaches EOF
                       (so it never outlives the test process that started it)

What it offers: tools `add`, `divide` (fails with a tool error on a zero divisor),
`wait` (sleeps; counts the calls cancelled by the client) and `cancelled_waits`; a
resource `notes://readme` and a template `notes://{topic}`; a prompt `review_code`.
"""

import asyncio
import os
import socket
import sys
import threading

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

server = MCPServer(name="specai-test-server", version="1.0.0", log_level="WARNING")
cancelled = {"waits": 0}


@server.tool()
def add(a: int, b: int) -> int:
    """Adds two integers."""
    return a + b


@server.tool()
def divide(dividend: float, divisor: float) -> float:
    """Divides one number by another."""
    if divisor == 0:
        raise ToolError("cannot divide by zero")
    return dividend / divisor


@server.tool()
async def wait(seconds: float) -> str:
    """Waits for the given number of seconds."""
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        cancelled["waits"] += 1
        raise
    return f"waited {seconds} s"


@server.tool()
def cancelled_waits() -> int:
    """How many calls of `wait` the client cancelled."""
    return cancelled["waits"]


@server.resource("notes://readme", name="readme", description="The readme note.", mime_type="text/plain")
def readme() -> str:
    return "specai talks to MCP servers."


@server.resource("notes://{topic}", name="note", description="A note on a topic.", mime_type="text/plain")
def note(topic: str) -> str:
    return f"A note on {topic}."


@server.prompt(description="Asks for a review of some code.")
def review_code(code: str, language: str = "rust") -> str:
    return f"Please review this {language} code:\n{code}"


def log_headers(app):
    """Logs the headers the client tests set, so that they can check what arrived."""

    async def logged(scope, receive, send):
        if scope["type"] == "http":
            headers = dict(scope["headers"])
            team = headers.get(b"x-team", b"").decode()
            authorization = headers.get(b"authorization", b"").decode()
            print(f"HEADERS {scope['method']} x-team={team!r} authorization={authorization!r}", file=sys.stderr, flush=True)
        await app(scope, receive, send)

    return logged


def serve_http() -> None:
    import uvicorn

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    # Listening before READY: connections wait in the backlog until uvicorn accepts them.
    listener.listen(128)
    port = listener.getsockname()[1]
    app = log_headers(server.streamable_http_app(host="127.0.0.1"))
    config = uvicorn.Config(app, log_level="info", access_log=True, lifespan="on", timeout_graceful_shutdown=2)
    uvicorn_server = uvicorn.Server(config)

    def stop_on_stdin_eof() -> None:
        sys.stdin.read()
        uvicorn_server.should_exit = True

    threading.Thread(target=stop_on_stdin_eof, daemon=True).start()
    print(f"READY http://127.0.0.1:{port}/mcp", flush=True)
    # Everything after READY (uvicorn's access log goes to stdout) joins the log on stderr.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    uvicorn_server.run(sockets=[listener])


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "stdio"
    if mode == "stdio":
        server.run("stdio")
    elif mode == "http":
        serve_http()
    else:
        sys.exit(f"unknown mode {mode!r}: use stdio or http")
