#!/bin/sh
# Idempotent setup of the local SmolLM2 model server (venv + llama-cpp-python +
# verified GGUF) under <workspace>/target/local-server. See README.md.
exec "${PYTHON:-python3}" "$(dirname "$0")/local_server.py" setup "$@"
