# shellcheck shell=bash
# Helpers the test cluster scripts share (scripts/slurm, scripts/gridengine): sourced after setting LOG_TAG, never executed.

log() { echo "[$LOG_TAG] $*" >&2; }
die() { echo "[$LOG_TAG] ERROR: $*" >&2; exit 1; }

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
# The pid file is checked against /proc/PID/comm (COMM may be an alternation
# such as 'mysqld|mariadbd') so a stale file whose pid was reused by another
# process is not mistaken for the daemon; pgrep -x is the fallback for a daemon
# whose pid file went missing.
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
    local secs=$1
    shift 2
    local deadline=$((SECONDS + secs))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}

# stop_daemon NAME COMM PIDFILE [GRACEFUL-CMD...]: ask politely (the given
# command, else SIGTERM), wait up to STOP_TIMEOUT s (default 30), then SIGKILL as last resort.
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
    if (($#)); then
        "$@" >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    else
        kill -TERM "$pid" 2>/dev/null || true
    fi
    if ! wait_for "${STOP_TIMEOUT:-30}" "$name exit" gone "$pid"; then
        log "WARNING: $name (pid $pid) still running after ${STOP_TIMEOUT:-30} s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        wait_for 5 "$name exit" gone "$pid" || log "WARNING: could not kill $name"
    fi
}
