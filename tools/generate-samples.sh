#!/bin/bash
# Regenerate etc/nova/nova.conf.sample, etc/nova/policy.yaml.sample and
# doc/source/api/openapi.json.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV_BIN:-.venv/bin}
"$BIN/oslo-config-generator" --config-file etc/nova/nova-config-generator.conf
"$BIN/oslopolicy-sample-generator" --config-file etc/nova/nova-policy-generator.conf
VENV_BIN="$BIN" tools/generate-openapi
