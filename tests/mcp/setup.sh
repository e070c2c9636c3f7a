#!/bin/sh
# Idempotent install of the MCP test server's Python environment (the PyPI `mcp` package,
# pinned with everything it pulls in, in requirements.txt) into <workspace>/target/mcp-server/venv.
# The MCP client tests find its python there, or through SPECAI_MCP_PYTHON.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/../../target/mcp-server/venv"
stamp="$venv/requirements.installed"
if [ -x "$venv/bin/python" ] && cmp -s "$here/requirements.txt" "$stamp"; then
  echo "[mcp-server] $venv is current"
  exit 0
fi
rm -rf "$venv"
"${PYTHON:-python3}" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-virtualenv -r "$here/requirements.txt"
"$venv/bin/python" -c "import mcp.server.mcpserver"
cp "$here/requirements.txt" "$stamp"
echo "[mcp-server] installed $(grep '^mcp==' "$here/requirements.txt") into $venv"
