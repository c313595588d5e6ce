#!/bin/bash
# Fail when etc/nova/nova.conf.sample, policy.yaml.sample or
# doc/source/api/openapi.json is not what the generators write from the
# current code. Needs the project installed (the
# generators find nova through its entry points).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV_BIN:-$(dirname "$(command -v oslo-config-generator 2>/dev/null || echo .venv/bin/x)")}
[ -x "$BIN/oslo-config-generator" ] || BIN=.venv/bin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$BIN/oslo-config-generator" --config-file etc/nova/nova-config-generator.conf \
    --output-file "$tmp/nova.conf.sample"
"$BIN/oslopolicy-sample-generator" --config-file etc/nova/nova-policy-generator.conf \
    --output-file "$tmp/policy.yaml.sample"
status=0
for f in nova.conf.sample policy.yaml.sample; do
    if ! diff -u "etc/nova/$f" "$tmp/$f" >"$tmp/$f.diff"; then
        echo "etc/nova/$f is not current; regenerate it with tools/generate-samples.sh:" >&2
        head -40 "$tmp/$f.diff" >&2
        status=1
    fi
done
if ! VENV_BIN="$BIN" tools/generate-openapi --check; then
    echo "doc/source/api/openapi.json is not current; regenerate it with tools/generate-samples.sh" >&2
    status=1
fi
exit $status
