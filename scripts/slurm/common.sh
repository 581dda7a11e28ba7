# Shared helpers for start-cluster.sh / stop-cluster.sh (sourced, not executed).
# Kept in one place so both scripts agree on pid files and process names.

SLURM_ETC=/etc/slurm
SLURM_RUN=/run/slurm
SLURM_LOG=/var/log/slurm
MUNGE_PID=/run/munge/munged.pid
MYSQL_PID=/run/mysqld/mysqld.pid
SLURMDBD_PID=$SLURM_RUN/slurmdbd.pid
SLURMCTLD_PID=$SLURM_RUN/slurmctld.pid
SLURMD_PID=$SLURM_RUN/slurmd.pid

log() { echo "[slurm-cluster] $*" >&2; }
die() { echo "[slurm-cluster] ERROR: $*" >&2; exit 1; }

# alive PID: true while PID is a live process. A zombie counts as gone: PID 1
# in this container reaps orphans only after a second or two, and kill -0
# still succeeds on a zombie.
alive() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat:0:1} != Z ]]
}
gone() { ! alive "$1"; }

# pid_of COMM PIDFILE: print the pid of a live daemon, or nothing.
# The pid file is checked against /proc/PID/comm so a stale file whose pid was
# reused by another process is not mistaken for the daemon; pgrep -x is the
# fallback for a daemon whose pid file went missing.
pid_of() {
    local comm=$1 pidfile=$2 pid
    if [[ -r $pidfile ]]; then
        pid=$(tr -dc '0-9' <"$pidfile" 2>/dev/null || true)
        if [[ -n $pid ]] && alive "$pid" &&
            [[ $(cat "/proc/$pid/comm" 2>/dev/null) =~ ^($comm)$ ]]; then
            echo "$pid"
            return 0
        fi
    fi
    for pid in $(pgrep -x "$comm" 2>/dev/null); do
        if alive "$pid"; then
            echo "$pid"
            return 0
        fi
    done
}

is_running() { [[ -n $(pid_of "$1" "$2") ]]; }

# wait_for SECONDS DESCRIPTION CMD...: poll CMD every 0.2 s until it succeeds.
wait_for() {
    local secs=$1 what=$2
    shift 2
    local deadline=$((SECONDS + secs))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}
