# Shared helpers for start-cell.sh / stop-cell.sh (sourced, not executed).
# Kept in one place so both scripts agree on paths, pid files and process names.

SGE_ROOT=/var/lib/gridengine
SGE_CELL=default
SGE_COMMON=$SGE_ROOT/$SGE_CELL/common
SGE_SPOOL=/var/spool/gridengine
QMASTER_PID=$SGE_SPOOL/qmaster/qmaster.pid
QMASTER_MESSAGES=$SGE_SPOOL/qmaster/messages
# The daemons call this host "localhost" (see host_aliases in start-cell.sh), so the execd spool is named after it.
EXECD_PID=$SGE_SPOOL/execd/localhost/execd.pid
EXECD_MESSAGES=$SGE_SPOOL/execd/localhost/messages

log() { echo "[gridengine-cell] $*" >&2; }
die() { echo "[gridengine-cell] ERROR: $*" >&2; exit 1; }

# alive PID: true while PID is a live process. A zombie counts as gone: PID 1
# in this container reaps orphans only after a second or two.
alive() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat:0:1} != Z ]]
}
gone() { ! alive "$1"; }

# pid_of COMM PIDFILE: print the pid of a live daemon, or nothing. The pid file
# is checked against /proc/PID/comm, since a daemon killed with -9 leaves a
# stale file whose pid may now belong to another process.
pid_of() {
    local comm=$1 pidfile=$2 pid
    if [[ -r $pidfile ]]; then
        pid=$(tr -dc '0-9' <"$pidfile" 2>/dev/null || true)
        if [[ -n $pid ]] && alive "$pid" && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$comm" ]]; then
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

# wait_for SECONDS CMD...: poll CMD every 0.2 s until it succeeds.
wait_for() {
    local secs=$1
    shift
    local deadline=$((SECONDS + secs))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}
