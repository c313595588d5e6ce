#!/bin/bash
# The project's test command: install what is missing, start RabbitMQ,
# MariaDB and PostgreSQL where they do not run, then lint, check the
# generated samples and run every test (unit, functional, integration).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
# libvirt and QEMU for the libvirt driver's functional tests (they skip
# with the reason when it is not there). libvirtd and virtlogd are
# stopped again at the end when this run started them.
started_libvirt=()
running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
if [ "$(id -u)" = 0 ] && [ "${NOVA_TEST_LIBVIRT:-1}" = 1 ]; then
    running /run/virtlogd.pid || started_libvirt+=(/run/virtlogd.pid)
    running /run/libvirtd.pid || started_libvirt+=(/run/libvirtd.pid)
    tools/setup-libvirt .venv >&2 || echo "run-tests: libvirt is not usable here; its tests will skip" >&2
fi
stop_libvirt() {
    local pidfile
    for pidfile in "${started_libvirt[@]}"; do
        running "$pidfile" && kill "$(cat "$pidfile")" 2>/dev/null || true
    done
}
trap stop_libvirt EXIT
# Every stage runs even when an earlier one failed, so that one run
# reports everything; the exit code is non-zero if any stage failed.
status=0
echo "== ruff" >&2
.venv/bin/ruff check --output-format concise nova tools || status=1
echo "== generated samples" >&2
VENV_BIN=.venv/bin tools/check-generated.sh || status=1
# Three runs: each tree sets up process-wide state (configuration, DB
# engines, the RPC transport) its own way, so they never share a process.
# Functional and integration modules keep their tests in one worker
# (--dist loadfile): a module starts one service for all its tests.
WORKERS=${NOVA_TEST_WORKERS:-2}
run_pytest() {
    local what=$1; shift
    echo "== pytest $what" >&2
    set +e
    .venv/bin/pytest -q -p no:cacheprovider --durations=10 "$@"
    local rc=$?
    set -e
    if [ "$rc" = 5 ]; then
        echo "run-tests: pytest collected no $what tests; that is a failure" >&2
        return 1
    fi
    return "$rc"
}
run_pytest unit -n "$WORKERS" nova/tests/unit || status=1
run_pytest functional -n "$WORKERS" --dist loadfile nova/tests/functional || status=1
run_pytest integration -n "$WORKERS" --dist loadfile nova/tests/integration || status=1
# A small bench of each layout so that tools/bench cannot rot; times are
# not judged, only that it runs to its report.
for layout in all-in-one daemons; do
    echo "== bench $layout (small)" >&2
    bench_out=$(mktemp -d)
    tools/bench --layout "$layout" --hosts 2 --servers 4 --concurrency 2 \
        --list-sizes 6 --list-repeat 2 --actions 2 --idle 0.5 \
        --sched-hosts 3 --sched-requests 2 --out "$bench_out" >&2 || status=1
    rm -rf "$bench_out"
done
exit $status
