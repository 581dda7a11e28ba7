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

host=$(hostname -s)
# -kej also ends the jobs running there (they get accounting records, failed 100), which a plain -ke would leave orphaned.
stop_daemon sge_execd sge_execd "$EXECD_PID" timeout 10 qconf -kej "$host"
# The qmaster's controlled shutdown takes about 10 s every time.
stop_daemon sge_qmaster sge_qmaster "$QMASTER_PID" timeout 10 qconf -km
log "cell stopped"
