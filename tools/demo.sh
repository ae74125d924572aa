#!/usr/bin/env bash
# tools/demo.sh: the README demo command. Installs what is missing from
# Debian, builds the extension as users get it (the release build: PGXS's
# own flags, no assertions, no -Werror) and installs it into the system's
# PostgreSQL, starts a throwaway cluster, loads generated sample orders and
# prints a retention report (demo/report.sql). Leaves no server running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

install_packages
build_extension release
# a library built with assertions calls ExceptionalCondition (Assert);
# the release build must not
if nm -D --undefined-only "$ROOT/retention.so" | grep -qw ExceptionalCondition; then
    say "retention.so was built with assertions; not installing it"
    exit 1
fi
say "installing retention into the system's PostgreSQL $PGVER"
as_root make -C "$ROOT" -s PG_CONFIG="$SYS_PG_CONFIG" install >/dev/null
trap cleanup_run EXIT
start_cluster "$SYS_BINDIR"
psql -X -q -v ON_ERROR_STOP=1 -d postgres -f "$ROOT/demo/report.sql"
