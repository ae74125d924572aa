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
#   bash bench/run.sh                 # 1M customers, ~10M orders
#   bash bench/run.sh 100000          # the small set: a few minutes
#   bash bench/run.sh 100000 rfm      # only bench/rfm.sql
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CUSTOMERS=${1:-1000000}
shift || true
names=("$@")
[ ${#names[@]} -gt 0 ] || names=($(cd "$ROOT/bench" && ls *.sql | sed 's/\.sql$//' | grep -vx orders))

start_bench_cluster
generate_orders "$CUSTOMERS"
for name in "${names[@]}"; do
    say "running bench/$name.sql"
    start=$(date +%s)
    body=$(psql -X -q -d postgres -v ON_ERROR_STOP=1 -v customers="$CUSTOMERS" -v reuse=1 -f "$ROOT/bench/$name.sql")
    elapsed=$(( $(date +%s) - start ))
    write_block "$name" "Measured $(date -u +%Y-%m-%d) on $MACHINE, PostgreSQL $SERVER_VERSION, $CUSTOMERS customers
(\`bash bench/run.sh $CUSTOMERS $name\`, ${elapsed} s).

$body"
done
say "wrote $PERF_DOC"
