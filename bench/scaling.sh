#!/usr/bin/env bash
# bench/scaling.sh: time and peak backend memory of rfm per customer and of
# cohort_retention at growing sizes (default 100000, 300000 and 1000000
# customers: ~1M, ~3M and ~10M orders), serial, median of 3 EXPLAIN
# (ANALYZE, TIMING OFF) runs. Peak memory is the backend's private
# (anonymous) resident memory, sampled from /proc every 10 ms during the
# query, less what it held before: shared buffers are not counted. Writes
# the table into doc/performance.md (block "scaling").
#
#   bash bench/scaling.sh [customers ...]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 300000 1000000)

declare -A QUERIES=(
    [rfm]="SELECT customer_id, rfm(order_date, amount, date '2026-01-01') FROM bench_orders GROUP BY customer_id"
    [cohort_retention]="SELECT * FROM cohort_table((SELECT cohort_retention(customer_id, order_date, 'month') FROM bench_orders))"
)

# measure QUERY: prints "median_ms peak_kb" for 3 runs in fresh sessions
measure() {
    local query=$1 times=() peaks=() i pid base peak ms sampler
    for i in 1 2 3; do
        coproc PSQL { psql -X -q -At -d postgres; }
        echo "SET max_parallel_workers_per_gather = 0; SELECT pg_backend_pid();" >&"${PSQL[1]}"
        read -r pid <&"${PSQL[0]}"
        base=$(awk '/^RssAnon/ {print $2}' "/proc/$pid/status")
        ( peak=0; while [ -e "/proc/$pid" ]; do
              v=$(awk '/^RssAnon/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
              [ "${v:-0}" -gt "$peak" ] && { peak=$v; echo "$peak" >"$CLUSTER_DIR/peak.$pid"; }
              sleep 0.01
          done ) &
        sampler=$!
        echo "EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) $query;" >&"${PSQL[1]}"
        echo "SELECT 'done';" >&"${PSQL[1]}"
        plan=""
        while read -r line <&"${PSQL[0]}"; do
            [ "$line" = done ] && break
            plan+="$line"
        done
        exec {PSQL[1]}>&-
        wait "$PSQL_PID" 2>/dev/null || true
        kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
        peak=$(cat "$CLUSTER_DIR/peak.$pid" 2>/dev/null || echo "$base")
        ms=$(echo "$plan" | perl -ne 'print $1 if /"Execution Time": ([0-9.]+)/')
        times+=("$ms"); peaks+=($((peak - base)))
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n 2p | tr '\n' ' '
    printf '%s\n' "${peaks[@]}" | sort -n | tail -n 1
}

start_bench_cluster
rows="| customers | orders | query | median ms | ns per order | peak memory MB | bytes per customer |
|---:|---:|---|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
    generate_orders "$n"
    orders=$(psql -X -At -d postgres -c 'SELECT count(*) FROM bench_orders')
    for q in rfm cohort_retention; do
        say "measuring $q at $n customers"
        read -r ms kb <<<"$(measure "${QUERIES[$q]}")"
        rows+="
| $n | $orders | $q | $ms | $(perl -e "printf '%.0f', $ms * 1e6 / $orders") | $(perl -e "printf '%.1f', $kb / 1024") | $(perl -e "printf '%.0f', $kb * 1024 / $n") |"
    done
done
write_block scaling "Measured $(date -u +%Y-%m-%d) on $MACHINE, PostgreSQL $SERVER_VERSION
(\`bash bench/scaling.sh ${sizes[*]}\`), serial plans, median of 3 runs; peak
memory is the backend's private resident memory during the query (sampled
every 10 ms), less its size before the query.

$rows"
say "wrote $PERF_DOC"
