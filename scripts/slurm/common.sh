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

LOG_TAG=slurm-cluster
# shellcheck source=../lib/daemons.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/daemons.sh"
