#!/usr/bin/env bash
# tools/demo.sh: the README demo command. Installs what is missing from
# Debian, builds and installs the extension into the system's PostgreSQL,
# starts a throwaway cluster, loads generated sample orders and prints a
# retention report (demo/report.sql). Leaves no server running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

install_packages
build_extension
say "installing retention into the system's PostgreSQL $PGVER"
as_root make -C "$ROOT" -s PG_CONFIG="$SYS_PG_CONFIG" PG_CFLAGS="$DEV_CFLAGS" install >/dev/null
trap stop_cluster EXIT
start_cluster "$SYS_BINDIR"
psql -X -q -v ON_ERROR_STOP=1 -d postgres -f "$ROOT/demo/report.sql"
