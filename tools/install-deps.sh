#!/bin/bash
# Install what is missing on a Debian machine and start the services the
# tests need; do nothing where they already run. Then create .venv with the
# project and its test requirements. Safe to run again.
#
#   tools/install-deps.sh            # everything (tests)
#   tools/install-deps.sh --minimal  # only the venv (nova-all needs no server)
set -euo pipefail
cd "$(dirname "$0")/.."

MINIMAL=0
[ "${1:-}" = "--minimal" ] && MINIMAL=1

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo -n"

log() { echo "install-deps: $*" >&2; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
missing_pkgs() {
    local p out=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || out+=("$p")
    done
    echo "${out[@]:-}"
}
apt_install() {
    local need
    need=$(missing_pkgs "$@")
    [ -z "$need" ] && return 0
    log "installing Debian packages: $need"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    # shellcheck disable=SC2086
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
}
wait_port() {
    local i
    for i in $(seq 1 60); do port_open "$1" && return 0; sleep 1; done
    log "nothing listens on port $1 after 60 s"; return 1
}

start_services() {
    # RabbitMQ
    if ! port_open 5672; then
        apt_install rabbitmq-server
        log "starting RabbitMQ"
        $SUDO rabbitmq-server -detached
        wait_port 5672
    fi
    # MariaDB; tests connect as root with no password over TCP.
    if ! port_open 3306; then
        apt_install mariadb-server mariadb-client
        log "starting MariaDB"
        $SUDO mkdir -p /run/mysqld && $SUDO chown mysql:mysql /run/mysqld || true
        $SUDO start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
        wait_port 3306
    fi
    if ! mariadb -uroot -h127.0.0.1 -e 'SELECT 1' >/dev/null 2>&1; then
        log "letting root log in over TCP without a password (test machine)"
        $SUDO mariadb -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('')" || true
    fi
    # PostgreSQL; tests connect as postgres with trust auth on 127.0.0.1.
    if ! port_open 5432; then
        apt_install postgresql postgresql-client
        log "starting PostgreSQL"
        local ver
        ver=$(ls /etc/postgresql | sort -V | tail -1)
        if ! psql -h 127.0.0.1 -U postgres -c 'SELECT 1' >/dev/null 2>&1; then
            local hba=/etc/postgresql/$ver/main/pg_hba.conf
            grep -q "^host all all 127.0.0.1/32 trust" "$hba" || \
                $SUDO sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
        fi
        $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main start
        wait_port 5432
    fi
}

make_venv() {
    if [ ! -x .venv/bin/python ]; then
        command -v python3 >/dev/null || apt_install python3
        python3 -m venv .venv 2>/dev/null || { apt_install python3-venv; python3 -m venv .venv; }
        log "created .venv"
    fi
    log "installing the project and its requirements into .venv (pip, quiet)"
    .venv/bin/pip install -q --disable-pip-version-check \
        -r requirements.txt -r test-requirements.txt
    .venv/bin/pip install -q --disable-pip-version-check --no-deps -e .
}

[ "$MINIMAL" = 1 ] || start_services
make_venv
