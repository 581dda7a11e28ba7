#!/usr/bin/env bash
# Stop the single-node Grid Engine cell started by start-cell.sh: the execution
# daemon (with its jobs) first, then the qmaster. Exits 0 when nothing runs.
# Jobs, the spool and the accounting file survive, so start-cell.sh brings the
# same cell back.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"

STOP_TIMEOUT=${STOP_TIMEOUT:-30}

[[ $(id -u) -eq 0 ]] || die "must run as root (stops system daemons)"

# stop_daemon NAME COMM PIDFILE GRACEFUL-CMD...: ask the qmaster to stop the
# daemon, SIGTERM if it cannot, SIGKILL after STOP_TIMEOUT s as a last resort.
stop_daemon() {
    local name=$1 comm=$2 pidfile=$3
    shift 3
    local pid
    pid=$(pid_of "$comm" "$pidfile")
    if [[ -z $pid ]]; then
        log "$name not running"
        return 0
    fi
    log "stopping $name (pid $pid)"
    timeout 10 "$@" >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    if ! wait_for "$STOP_TIMEOUT" gone "$pid"; then
        log "WARNING: $name (pid $pid) still running after ${STOP_TIMEOUT} s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        wait_for 5 gone "$pid" || log "WARNING: could not kill $name"
    fi
}

host=$(hostname -s)
# -kej also ends the jobs running there (they get accounting records, failed 100), which a plain -ke would leave orphaned.
stop_daemon sge_execd sge_execd "$EXECD_PID" qconf -kej "$host"
# The qmaster's controlled shutdown takes about 10 s every time.
stop_daemon sge_qmaster sge_qmaster "$QMASTER_PID" qconf -km
log "cell stopped"
