#!/bin/sh
# Set up (if needed) and start the local SmolLM2 model server on 127.0.0.1.
# Prints "READY <base_url> <chat_alias> <embedding_alias>" on stdout once
# /v1/models answers; progress on stderr; stops the server on stdin EOF.
# Usage: start.sh [--port N] [--timeout SECS] [--no-watch-stdin]. See README.md.
exec "${PYTHON:-python3}" "$(dirname "$0")/local_server.py" start "$@"
