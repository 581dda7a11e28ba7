#!/usr/bin/env bash
# Bring up a real single-node Son of Grid Engine cell (sge_qmaster + sge_execd,
# queue all.q, parallel environment smp) on this machine, for integration tests
# of the Grid Engine backend.
#
# Written for a Debian 12 container run as root without systemd: Debian's
# packages are installed on first use, their service scripts are blocked by
# policy-rc.d, so the daemons are started directly. Idempotent: configuration
# is only written where it differs, daemons already running are left alone.
#
# Environment overrides: QUEUE (all.q), PE (smp), SLOTS (16), READY_TIMEOUT (60, seconds).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"

QUEUE=${QUEUE:-all.q}
PE=${PE:-smp}
SLOTS=${SLOTS:-16}
READY_TIMEOUT=${READY_TIMEOUT:-60}

[[ $(id -u) -eq 0 ]] || die "must run as root (installs packages, starts system daemons)"

host=$(hostname -s)

show_logs() {
    local f
    for f in "$QMASTER_MESSAGES" "$EXECD_MESSAGES"; do
        [[ -f $f ]] || continue
        echo "----- tail $f" >&2
        tail -n 20 "$f" >&2 || true
    done
}
fail() {
    log "ERROR: $*"
    show_logs
    exit 1
}

# ---------------------------------------------------------------- packages
packages=(gridengine-master gridengine-exec gridengine-client)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
    log "installing ${missing[*]} (about 15 s)"
    # The master's postinst builds the cell (init_cluster) from these answers; without them it asks.
    debconf-set-selections <<DEBCONF
gridengine-common shared/gridengineconfig boolean true
gridengine-common shared/gridenginecell string $SGE_CELL
gridengine-common shared/gridenginemaster string $host
DEBCONF
    export DEBIAN_FRONTEND=noninteractive
    apt_log=/var/log/gridengine-cell-apt.log
    # invoke-rc.d's "policy-rc.d denied execution of start" lands here too: the install still succeeds.
    if ! { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$apt_log" 2>&1; then
        tail -n 30 "$apt_log" >&2
        die "installing ${missing[*]} failed (full output: $apt_log)"
    fi
fi
[[ -f $SGE_COMMON/bootstrap ]] || die "$SGE_COMMON/bootstrap is missing: the cell was not created (reinstall gridengine-master)"

# ---------------------------------------------------------------- host name
# 127.0.0.1 resolves back to "localhost", not to this host's name, and the qmaster refuses a client whose
# address resolves to another name than the one it gives. An alias makes both one host, without touching /etc/hosts.
if ! getent hosts "$host" >/dev/null; then
    die "host name '$host' does not resolve; add it to /etc/hosts"
fi
write_if_changed() {
    local file=$1 content=$2
    if [[ ! -f $file ]] || [[ $(cat "$file") != "$content" ]]; then
        printf '%s\n' "$content" >"$file"
        chown sgeadmin:sgeadmin "$file"
        log "wrote $file"
    fi
}
write_if_changed "$SGE_COMMON/host_aliases" "$host localhost"
# A qmaster that started before the alias existed rewrote act_qmaster to "localhost"; clients read it to find the master.
write_if_changed "$SGE_COMMON/act_qmaster" "$host"

# ---------------------------------------------------------------- qmaster
if ! is_running sge_qmaster "$QMASTER_PID"; then
    log "starting sge_qmaster"
    # Daemonizes and switches to sgeadmin by itself; a stale pid file from a killed qmaster is ignored.
    /usr/sbin/sge_qmaster </dev/null >/dev/null 2>&1 || fail "sge_qmaster failed to start"
fi
wait_for 30 qmaster qconf -sh || fail "the qmaster did not answer 'qconf -sh' within 30 s"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# set_params SHOW-CMD... -- MODIFY-OPTION FILE-NAME KEY=VALUE...: change KEY to VALUE in the object SHOW-CMD prints
# (lines "key value", continuations ending in "\") and load it back, only when a value differs.
set_params() {
    local show=() modify file key value changed=0
    while [[ $1 != -- ]]; do
        show+=("$1")
        shift
    done
    shift
    modify=$1 file=$tmp/$2
    shift 2
    # Continuation lines are joined first, so a multi-line value is one line.
    "${show[@]}" | sed -e ':a' -e '/\\$/N; s/\\\n[[:space:]]*//; ta' | grep -v '^#' >"$file"
    for kv in "$@"; do
        key=${kv%%=*} value=${kv#*=}
        if [[ $(awk -v k="$key" '$1 == k { $1 = ""; sub(/^ /, ""); print }' "$file") != "$value" ]]; then
            awk -v k="$key" -v v="$value" '$1 == k { printf "%-28s %s\n", k, v; found = 1; next } { print } END { if (!found) printf "%-28s %s\n", k, v }' \
                "$file" >"$file.new"
            mv "$file.new" "$file"
            changed=1
        fi
    done
    if ((changed)); then
        qconf "$modify" "$file" >/dev/null 2>"$tmp/err" || fail "qconf $modify $file failed: $(cat "$tmp/err")"
        log "configured ${show[*]}: $*"
    fi
}

# Global configuration (the file must be named after the configuration it modifies). Root's jobs are refused
# under the default min_uid/min_gid of 1000; accounting records are flushed at once, so a finished job's exit
# status is readable the moment it leaves qstat (the default waits 15 s); a job's -m never calls the mailer.
set_params qconf -sconf global -- -Mconf global \
    min_uid=0 min_gid=0 mailer=/bin/true \
    'reporting_params=accounting=true reporting=false flush_time=00:00:15 joblog=false sharelog=00:00:00 accounting_flush_time=00:00:00'
# The scheduler runs every 15 s by default; each submission and each end also triggers a run here.
set_params qconf -ssconf -- -Msconf scheduler \
    schedule_interval=0:0:1 flush_submit_sec=1 flush_finish_sec=1

# Execution and submit host.
if ! qconf -se "$host" >/dev/null 2>&1; then
    cat >"$tmp/exechost" <<HOST
hostname              $host
load_scaling          NONE
complex_values        NONE
user_lists            NONE
xuser_lists           NONE
projects              NONE
xprojects             NONE
usage_scaling         NONE
report_variables      NONE
HOST
    qconf -Ae "$tmp/exechost" >/dev/null 2>"$tmp/err" || fail "qconf -Ae (execution host $host) failed: $(cat "$tmp/err")"
    log "added execution host $host"
fi
if ! qconf -ss 2>/dev/null | grep -qx "$host"; then
    qconf -as "$host" >/dev/null 2>"$tmp/err" || fail "qconf -as $host failed: $(cat "$tmp/err")"
    log "added submit host $host"
fi

# A parallel environment for multi-slot jobs, all on this one host.
if ! qconf -sp "$PE" >/dev/null 2>&1; then
    cat >"$tmp/pe" <<PEFILE
pe_name            $PE
slots              $SLOTS
user_lists         NONE
xuser_lists        NONE
start_proc_args    NONE
stop_proc_args     NONE
allocation_rule    \$pe_slots
control_slaves     FALSE
job_is_first_task  TRUE
urgency_slots      min
accounting_summary FALSE
qsort_args         NONE
PEFILE
    qconf -Ap "$tmp/pe" >/dev/null 2>"$tmp/err" || fail "qconf -Ap ($PE) failed: $(cat "$tmp/err")"
    log "added parallel environment $PE"
fi

# The queue. No load threshold (a busy 2-core machine would alarm-block it); unix_behavior so a script's #!
# line chooses its shell; more slots than cores so many small test jobs run at once.
queue_settings=(
    "hostlist=$host" "pe_list=$PE" "slots=$SLOTS" "load_thresholds=NONE"
    "shell_start_mode=unix_behavior" "shell=/bin/bash" "rerun=FALSE"
)
if ! qconf -sq "$QUEUE" >/dev/null 2>&1; then
    # The template names parallel environments that do not exist; the settings below replace it.
    EDITOR=cat qconf -aq "$QUEUE" 2>/dev/null | grep -v '^#' >"$tmp/template" || true
    [[ -s $tmp/template ]] || fail "could not read the queue template (EDITOR=cat qconf -aq)"
    for kv in "${queue_settings[@]}"; do
        key=${kv%%=*} value=${kv#*=}
        awk -v k="$key" -v v="$value" '$1 == k { printf "%-21s %s\n", k, v; next } { print }' \
            "$tmp/template" >"$tmp/template.new"
        mv "$tmp/template.new" "$tmp/template"
    done
    qconf -Aq "$tmp/template" >/dev/null 2>"$tmp/err" || fail "qconf -Aq ($QUEUE) failed: $(cat "$tmp/err")"
    log "added queue $QUEUE"
else
    set_params qconf -sq "$QUEUE" -- -Mq "$QUEUE" "${queue_settings[@]}"
fi

# ---------------------------------------------------------------- execd
if ! is_running sge_execd "$EXECD_PID"; then
    log "starting sge_execd"
    /usr/sbin/sge_execd </dev/null >/dev/null 2>&1 || fail "sge_execd failed to start"
fi

# ---------------------------------------------------------------- ready?
# Ready = the queue instance on this host reports a load and has no state flags (u: execd not heard from yet,
# E: error, d: disabled, a: alarm). The states column is the sixth of its line in `qstat -f`.
instance_state() {
    qstat -f -q "$QUEUE@$host" 2>/dev/null | awk -v q="$QUEUE@" 'index($1, q) == 1 { print ($6 == "" ? "ok" : $6); exit }'
}
deadline=$((SECONDS + READY_TIMEOUT))
last=""
enabled=0
until [[ $(instance_state) == ok ]]; do
    state=$(instance_state)
    if [[ $state != "$last" ]]; then
        log "waiting for $QUEUE@$host: state '${state:-none}' ($((deadline - SECONDS)) s left)"
        last=$state
    fi
    # A queue left in error or disabled by an earlier run is cleared and enabled once.
    if ((!enabled)) && [[ $state =~ [Ed] ]]; then
        qmod -c "$QUEUE@$host" >/dev/null 2>&1 || true
        qmod -e "$QUEUE@$host" >/dev/null 2>&1 || true
        enabled=1
    fi
    if ((SECONDS >= deadline)); then
        qstat -f >&2 || true
        fail "queue instance $QUEUE@$host not ready within ${READY_TIMEOUT} s (state: '${state:-none}')"
    fi
    sleep 0.2
done
log "cell '$SGE_CELL' is up: queue $QUEUE@$host, parallel environment $PE, $SLOTS slots"
