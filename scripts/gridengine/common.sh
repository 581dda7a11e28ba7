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

LOG_TAG=gridengine-cell
# shellcheck source=../lib/daemons.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/daemons.sh"
