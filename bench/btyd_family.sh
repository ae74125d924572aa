#!/usr/bin/env bash
# bench/btyd_family.sh: the fits of the buy-till-you-die family against
# BG/NBD (issue 16: each new fit over 1M simulated customers within 3x the
# BG/NBD fit in the same run). Starts a throwaway cluster with an optimised
# build (bench/lib.sh), summarises simulate_orders(customers, 1) per
# customer with btyd_summary (weeks), then times bgnbd_fit, mbgnbd_fit and
# bgbb_fit over the same customers, alternating, median of 5 each, and
# prints a Markdown table with the ratio to BG/NBD. simulate_orders has no
# discrete process: bgbb_fit reads the summaries as 40 weekly
# opportunities (n_periods = least(40, ceil(t)), recency = ceil(recency),
# frequency capped at recency). Not part of bench/run.sh.
#
#   bash bench/btyd_family.sh [customers]   (default 1000000)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

customers=${1:-1000000}
runs=5

start_bench_cluster
psql -X -q -d postgres -v ON_ERROR_STOP=1 -v customers="$customers" <<'SQL'
CREATE UNLOGGED TABLE family_summary AS
SELECT (btyd_summary(order_at, amount, date '2024-09-30', 'week')).*
FROM simulate_orders(:customers, 1) GROUP BY customer_id;
ALTER TABLE family_summary ADD COLUMN n_periods integer, ADD COLUMN last_period integer, ADD COLUMN used integer;
UPDATE family_summary SET n_periods = least(40, ceil(t))::integer,
       last_period = least(40, ceil(t), ceil(recency))::integer;
UPDATE family_summary SET used = least(frequency, last_period);
VACUUM ANALYZE family_summary;
SQL

fits=("bgnbd_fit(frequency, recency, t)" "mbgnbd_fit(frequency, recency, t)"
      "bgbb_fit(used, last_period, n_periods)")
declare -A times
for i in $(seq "$runs"); do
    for fit in "${fits[@]}"; do
        ms=$(psql -X -At -d postgres -c "EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) SELECT $fit FROM family_summary" |
             grep -o '"Execution Time": [0-9.]*' | grep -o '[0-9.]*$')
        times[$fit]="${times[$fit]:-} $ms"
    done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
distinct=$(psql -X -At -d postgres -c "SELECT count(*) FROM (SELECT DISTINCT frequency, recency, t FROM family_summary) AS d")
base=$(echo "${times[${fits[0]}]}" | median)
echo "$customers simulated customers ($distinct distinct histories), median of $runs, optimised build"
echo
echo "| fit | ms | ratio to bgnbd_fit | converged |"
echo "|---|---:|---:|---|"
for fit in "${fits[@]}"; do
    ms=$(echo "${times[$fit]}" | median)
    conv=$(psql -X -At -d postgres -c "SELECT ($fit).converged FROM family_summary")
    echo "| \`$fit\` | $ms | $(awk -v a="$ms" -v b="$base" 'BEGIN {printf "%.2f", a / b}') | $conv |"
done
