#!/usr/bin/env bash
# Tear down the single-node Slurm cluster started by start-cluster.sh.
# Stops in reverse start order (slurmd, slurmctld, slurmdbd, MariaDB, munged)
# so no daemon loses a dependency while it is still writing state.
# Exits 0 even if some daemons were not running; job state survives in
# StateSaveLocation, so start-cluster.sh brings the same queue back.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"

STOP_TIMEOUT=${STOP_TIMEOUT:-30}

[[ $(id -u) -eq 0 ]] || die "must run as root (stops system daemons)"

# slurmd first, by signal: "scontrol shutdown" would also do it, but needs a
# responsive slurmctld; SIGTERM works in every state.
stop_daemon slurmd slurmd "$SLURMD_PID"
stop_daemon slurmctld slurmctld "$SLURMCTLD_PID" timeout 10 scontrol shutdown slurmctld
stop_daemon slurmdbd slurmdbd "$SLURMDBD_PID"
# mysqladmin shutdown lets mysqld_safe see a clean exit and not restart it.
stop_daemon MariaDB 'mariadbd|mysqld' "$MYSQL_PID" timeout 20 mysqladmin shutdown
stop_daemon munged munged "$MUNGE_PID"
# mysqld_safe exits by itself after a clean shutdown; make sure it did.
pid=$(pid_of mysqld_safe "")
if [[ -n $pid ]]; then
    wait_for 5 "mysqld_safe exit" gone "$pid" || kill -TERM "$pid" 2>/dev/null || true
fi
log "cluster stopped"
