#!/usr/bin/env bash
# bench/covariance.sh: what the covariance of a fit costs (issue 15: at
# most 20% of a 1M-customer BG/NBD fit). The covariance reuses the Hessian
# that optim_is_minimum computes anyway to verify the optimum, so a fit
# with it does no extra evaluation of the likelihood; this measures that
# claim. It times bgnbd_fit over bench/clv.sh's bench_summary with two
# libraries in one cluster: this checkout's (database postgres, version
# 0.2.0, the composite with covariance) and BASE's, the commit before the
# covariance (database base, version 0.1.0, whose composite BASE's library
# builds), swapping retention.so between runs (a new session loads it
# afresh) and alternating, median of 5 each. Optimised builds, as users
# install. Prints a Markdown table; not part of bench/run.sh.
#
#   bash bench/covariance.sh [customers] [base]   (default 1000000 and the
#                                                 parent of the commit
#                                                 "Covariance of every fit")
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

customers=${1:-1000000}
base_ref=${2:-$(git -C "$ROOT" rev-list -1 --grep='^Covariance of every fit' HEAD)^}
runs=5

start_bench_cluster
build_base_library "$base_ref"

use_library base
psql -X -q -d postgres -c 'CREATE DATABASE base'
psql -X -q -d base -c "CREATE EXTENSION retention VERSION '0.1.0'"
say "building bench_summary ($customers customers) twice"
for db in postgres base; do
    PGDATABASE=$db BENCH_SUMMARY_ONLY=1 bash "$ROOT/bench/clv.sh" "$customers"
done

# execution time (ms) of one query in a database, from EXPLAIN ANALYZE
time_ms() {
    psql -X -At -d "$1" -c "EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) $2" |
        grep -o '"Execution Time": [0-9.]*' | grep -o '[0-9.]*$'
}
fit="SELECT bgnbd_fit(frequency, recency, t) FROM bench_summary"
base_times=() current_times=()
for i in $(seq "$runs"); do
    use_library base
    base_times+=("$(time_ms base "$fit")")
    use_library current
    current_times+=("$(time_ms postgres "$fit")")
done
median() { printf '%s\n' "$@" | sort -g | sed -n "$(( (runs + 1) / 2 ))p"; }
base_ms=$(median "${base_times[@]}")
current_ms=$(median "${current_times[@]}")
check=$(psql -X -At -d postgres -c "SELECT (m).converged, array_dims((m).covariance) FROM ($fit) AS f(m)")
distinct=$(psql -X -At -d postgres -c "SELECT count(*) FROM (SELECT DISTINCT frequency, recency, t FROM bench_summary) AS d")

echo "bgnbd_fit over $customers customer summaries ($distinct distinct rows), median of $runs alternating runs;"
echo "this checkout's fit: converged, covariance dims = $check. Machine: $MACHINE, load average $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| library | runs (ms) | median ms |"
echo "|---|---|---:|"
echo "| $(git -C "$ROOT" rev-parse --short "$base_ref") (no covariance), database on 0.1.0 | ${base_times[*]} | $base_ms |"
echo "| this checkout (covariance), database on 0.2.0 | ${current_times[*]} | $current_ms |"
echo
printf 'ratio with covariance / without: %.3f\n' "$(echo "$current_ms / $base_ms" | bc -l)"
