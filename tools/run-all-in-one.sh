#!/bin/bash
# Install what is missing (the venv) and start the whole service on this
# machine: nova-all with its state under ${NOVA_STATE_PATH:-./state}.
# Arguments are passed to nova-all (e.g. --virt fake).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh --minimal
exec .venv/bin/nova-all --state-path "${NOVA_STATE_PATH:-$PWD/state}" "$@"
