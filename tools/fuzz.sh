#!/usr/bin/env bash
# tools/fuzz.sh: random SQL from sqlsmith against a database with the
# extension and realistic tables (orders, subscriptions, per-customer
# summaries). Bounded in queries and statement time, with a fixed seed; fails
# when the server log shows a backend that crashed or the server is gone.
#
#   bash tools/fuzz.sh [queries [seed]]      # defaults: 20000 queries, seed 1
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

QUERIES=${1:-20000}
SEED=${2:-1}
PACKAGES+=(sqlsmith)
install_packages
build_extension
make_private_tree
trap cleanup_run EXIT
start_cluster "$BINDIR"

psql -X -q -d postgres -c 'CREATE DATABASE fuzz'
psql -X -q -v ON_ERROR_STOP=1 -d fuzz <<'SQL'
CREATE EXTENSION retention;
ALTER DATABASE fuzz SET statement_timeout = '2s';
CREATE TABLE orders AS
SELECT c AS customer_id, date '2024-01-01' + (abs(hashint8extended(c, j)) % 500)::int AS order_date,
       (date '2024-01-01' + (abs(hashint8extended(c, j)) % 500)::int)::timestamptz AS order_at,
       round((abs(hashint8extended(c, j + 7)) % 30000) / 100.0 - 10, 2) AS amount,
       ((abs(hashint8extended(c, j + 7)) % 30000) / 100.0 - 10)::float8 AS amount_f
FROM generate_series(1, 300) AS c, generate_series(1, 1 + (c % 7)) AS j;
CREATE TABLE subscriptions AS
SELECT s AS id, date '2024-01-01' + s % 200 AS started_at,
       CASE WHEN s % 3 = 0 THEN NULL ELSE date '2024-01-01' + s % 200 + s % 90 END AS ended_at
FROM generate_series(1, 300) AS s;
SQL
say "sqlsmith: $QUERIES queries, seed $SEED"
start=$(date +%s)
sqlsmith --target="host=$PGHOST port=$PGPORT dbname=fuzz user=postgres" --seed="$SEED" \
    --max-queries="$QUERIES" --exclude-catalog --verbose >"$CLUSTER_DIR/sqlsmith.log" 2>&1 || true
elapsed=$(( $(date +%s) - start ))
tail -n 5 "$CLUSTER_DIR/sqlsmith.log"
crashes=$(grep -cE 'terminated by signal|was terminated by exception|PANIC' "$CLUSTER_DIR/server.log" || true)
alive=$(psql -X -At -d fuzz -c 'SELECT 1' 2>/dev/null || echo 0)
echo "fuzz: $QUERIES queries (seed $SEED) in ${elapsed}s; crashes: $crashes; server alive: $([ "$alive" = 1 ] && echo yes || echo no)"
[ "$crashes" -eq 0 ] && [ "$alive" = 1 ]
