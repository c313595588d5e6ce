#!/bin/bash
# Regenerate etc/nova/nova.conf.sample and etc/nova/policy.yaml.sample.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV_BIN:-.venv/bin}
"$BIN/oslo-config-generator" --config-file etc/nova/nova-config-generator.conf
"$BIN/oslopolicy-sample-generator" --config-file etc/nova/nova-policy-generator.conf
