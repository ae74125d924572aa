#!/usr/bin/env bash
# bench/run.sh: every benchmark of the project on one order set, written
# into doc/performance.md. Builds the extension without assertions (the
# default PGXS flags), installs it into the private server tree, starts a
# throwaway cluster, generates bench_orders (bench/orders.sql) for the
# given number of customers (~9.4 orders each: 1000000 customers is ~10M
# orders) and runs each bench/<name>.sql, whose Markdown output replaces the
# block between <!-- bench:<name> --> and <!-- /bench:<name> --> in
# doc/performance.md (prose around the blocks is kept).
#
#   bash bench/run.sh                 # 1M customers, ~10M orders: about half an hour
#   bash bench/run.sh 100000          # the small set: a few minutes
#   bash bench/run.sh 100000 rfm      # only bench/rfm.sql
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../tools/common.sh"

CUSTOMERS=${1:-1000000}
shift || true
names=("$@")
[ ${#names[@]} -gt 0 ] || names=($(cd "$ROOT/bench" && ls *.sql | sed 's/\.sql$//' | grep -vx orders))

install_packages
DEV_CFLAGS=""            # an optimised build, as users install it
build_extension
make_private_tree
trap stop_cluster EXIT
start_cluster "$BINDIR"
cat >>"$CLUSTER_DIR/data/postgresql.conf" <<CONF
shared_buffers = 4GB
work_mem = 1GB
max_parallel_workers_per_gather = 2
jit = off
CONF
as_pg "$BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -w -s restart -l "$CLUSTER_DIR/server.log"

psql -X -q -d postgres -c 'CREATE EXTENSION retention'
say "generating bench_orders for $CUSTOMERS customers"
psql -X -q -d postgres -v ON_ERROR_STOP=1 -v customers="$CUSTOMERS" -f "$ROOT/bench/orders.sql" >/dev/null

OUT=$ROOT/doc/performance.md
machine="$(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)), $(free -g | awk '/^Mem:/ {print $2}') GiB"
server=$(psql -X -At -d postgres -c 'SHOW server_version')
for name in "${names[@]}"; do
    say "running bench/$name.sql"
    start=$(date +%s)
    body=$(psql -X -q -d postgres -v ON_ERROR_STOP=1 -v customers="$CUSTOMERS" -f "$ROOT/bench/$name.sql")
    elapsed=$(( $(date +%s) - start ))
    block="Measured $(date -u +%Y-%m-%d) on $machine, PostgreSQL $server, $CUSTOMERS customers
(\`bash bench/run.sh $CUSTOMERS $name\`, ${elapsed} s).

$body"
    BLOCK="$block" NAME="$name" perl -0pi -e '
        my ($n, $b) = ($ENV{NAME}, $ENV{BLOCK});
        s/(<!-- bench:\Q$n\E -->\n).*?(<!-- \/bench:\Q$n\E -->)/$1$b\n$2/s
          or $_ .= "\n## bench/$n.sql\n\n<!-- bench:$n -->\n$b\n<!-- /bench:$n -->\n";
    ' "$OUT"
done
say "wrote $OUT"
