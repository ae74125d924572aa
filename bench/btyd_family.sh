#!/usr/bin/env bash
# bench/btyd_family.sh: the fits of the buy-till-you-die family against
# BG/NBD (issue 16: each new fit over 1M simulated customers within 3x the
# BG/NBD fit in the same run). Starts a throwaway cluster with an optimised
# build (bench/lib.sh) and draws the customers of each model from its own
# process with published parameters:
#   - BG/NBD: simulate_orders with the CDNOW estimates;
#   - MBG/NBD: simulate_mbgnbd_orders with lifetimes' CDNOW fit (0.525,
#     6.183, 0.891, 1.614);
#   - Pareto/NBD: simulate_pareto_nbd_orders with Fader, Hardie & Lee's
#     CDNOW estimates (r 0.55, alpha 10.58, s 0.61, beta 11.67);
#   - BG/BB: simulate_bgbb_histories with the paper's donation estimates
#     (1.204, 0.750, 0.657, 2.783) over 39 opportunities (one a week).
# The continuous processes run twice over 39 weeks from 2024-01-01: a
# cohort (every first purchase on 2024-01-01: every t is 39, few distinct
# histories, the fit is mostly the scan) and customers acquired over the
# first 84 days (acquisition_days 84, CDNOW's 12 weeks: t from 27 to 39
# weeks, many distinct histories, the fit is mostly the likelihood). The
# order sets are summarised per customer with btyd_summary (weeks) as of
# 2024-09-30. Then it times, per group, bgnbd_fit on the BG/NBD customers
# (the group's baseline), each new fit on its own process's customers, and
# mbgnbd_fit and pareto_nbd_fit on the BG/NBD customers too (the
# baseline's rows): interleaved (one run of every fit, then the next
# round), median of `runs` each, execution time from EXPLAIN ANALYZE.
# Prints a Markdown table with each fit's ratio to its group's bgnbd_fit
# and the load average before and after, and with WRITE=1 writes it into
# doc/performance.md (block btyd_family). Not part of bench/run.sh.
#
#   bash bench/btyd_family.sh [customers] [runs]   (default 1000000 and 5)
#   WRITE=1 bash bench/btyd_family.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

customers=${1:-1000000}
runs=${2:-5}
started=$(date +%s)

start_bench_cluster
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
say "simulating $customers customers of each process"
psql -X -q -d postgres -v ON_ERROR_STOP=1 -v customers="$customers" <<'SQL'
CREATE UNLOGGED TABLE bgnbd_cohort AS
SELECT (btyd_summary(order_at, amount, date '2024-09-30', 'week')).*
FROM simulate_orders(:customers, 1) GROUP BY customer_id;
CREATE UNLOGGED TABLE mbgnbd_cohort AS
SELECT (btyd_summary(order_at, amount, date '2024-09-30', 'week')).*
FROM simulate_mbgnbd_orders(:customers, 1, 0.525, 6.183, 0.891, 1.614, 6.25, 3.74, 15.44,
                            date '2024-01-01', 273) GROUP BY customer_id;
CREATE UNLOGGED TABLE pareto_nbd_cohort AS
SELECT (btyd_summary(order_at, amount, date '2024-09-30', 'week')).*
FROM simulate_pareto_nbd_orders(:customers, 1, 0.55, 10.58, 0.61, 11.67, 6.25, 3.74, 15.44,
                                date '2024-01-01', 273) GROUP BY customer_id;
CREATE UNLOGGED TABLE bgnbd_staggered AS
SELECT (btyd_summary(order_at, amount, date '2024-09-30', 'week')).*
FROM simulate_orders(:customers, 1, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44,
                     date '2024-01-01', 273, 84) GROUP BY customer_id;
CREATE UNLOGGED TABLE mbgnbd_staggered AS
SELECT (btyd_summary(order_at, amount, date '2024-09-30', 'week')).*
FROM simulate_mbgnbd_orders(:customers, 1, 0.525, 6.183, 0.891, 1.614, 6.25, 3.74, 15.44,
                            date '2024-01-01', 273, 84) GROUP BY customer_id;
CREATE UNLOGGED TABLE pareto_nbd_staggered AS
SELECT (btyd_summary(order_at, amount, date '2024-09-30', 'week')).*
FROM simulate_pareto_nbd_orders(:customers, 1, 0.55, 10.58, 0.61, 11.67, 6.25, 3.74, 15.44,
                                date '2024-01-01', 273, 84) GROUP BY customer_id;
CREATE UNLOGGED TABLE bgbb_cohort AS
SELECT frequency, recency, n_periods FROM simulate_bgbb_histories(:customers, 1, 1.204, 0.750, 0.657, 2.783, 39);
VACUUM ANALYZE bgnbd_cohort, mbgnbd_cohort, pareto_nbd_cohort, bgnbd_staggered, mbgnbd_staggered,
               pareto_nbd_staggered, bgbb_cohort;
SQL

# each case: "fit|table"; the first of each group (cohort, staggered) is
# the group's baseline
cases=("bgnbd_fit(frequency, recency, t)|bgnbd_cohort"
       "mbgnbd_fit(frequency, recency, t)|mbgnbd_cohort"
       "pareto_nbd_fit(frequency, recency, t)|pareto_nbd_cohort"
       "bgbb_fit(frequency, recency, n_periods)|bgbb_cohort"
       "mbgnbd_fit(frequency, recency, t)|bgnbd_cohort"
       "pareto_nbd_fit(frequency, recency, t)|bgnbd_cohort"
       "bgnbd_fit(frequency, recency, t)|bgnbd_staggered"
       "mbgnbd_fit(frequency, recency, t)|mbgnbd_staggered"
       "pareto_nbd_fit(frequency, recency, t)|pareto_nbd_staggered"
       "mbgnbd_fit(frequency, recency, t)|bgnbd_staggered"
       "pareto_nbd_fit(frequency, recency, t)|bgnbd_staggered")
declare -A times
for i in $(seq "$runs"); do
    say "round $i of $runs"
    for c in "${cases[@]}"; do
        ms=$(psql -X -At -d postgres -c "EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) SELECT ${c%|*} FROM ${c#*|}" |
             grep -o '"Execution Time": [0-9.]*' | grep -o '[0-9.]*$')
        times[$c]="${times[$c]:-} $ms"
    done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
base_cohort=$(echo "${times[${cases[0]}]}" | median)
base_staggered=$(echo "${times[${cases[6]}]}" | median)

body=$(
echo "$customers simulated customers per process and group, median of $runs interleaved runs (execution"
echo "time of EXPLAIN ANALYZE), optimised build; load average $load_before before and $load_after after"
echo "(the machine's 2 cores were shared with other work). Ratios are to \`bgnbd_fit\` on the BG/NBD customers of the same group."
echo
echo "| fit | customers drawn from | distinct histories | runs (ms) | median ms | ratio to bgnbd_fit | converged |"
echo "|---|---|---:|---|---:|---:|---|"
for c in "${cases[@]}"; do
    fit=${c%|*} table=${c#*|}
    ms=$(echo "${times[$c]}" | median)
    base=$([ "${table##*_}" = staggered ] && echo "$base_staggered" || echo "$base_cohort")
    cols=$([ "$table" = bgbb_cohort ] && echo "frequency, recency, n_periods" || echo "frequency, recency, t")
    distinct=$(psql -X -At -d postgres -c "SELECT count(*) FROM (SELECT DISTINCT $cols FROM $table) AS d")
    conv=$(psql -X -At -d postgres -c "SELECT ($fit).converged FROM $table")
    echo "| \`${fit%%(*}\` | ${table%_*} process, ${table##*_} | $distinct | ${times[$c]# } | $ms | $(awk -v a="$ms" -v b="$base" 'BEGIN {printf "%.2f", a / b}') | $conv |"
done
)
echo "$body"
if [ "${WRITE:-0}" = 1 ]; then
    write_block btyd_family "Measured $(date -u +%Y-%m-%d) on $MACHINE, PostgreSQL $SERVER_VERSION
(\`WRITE=1 bash bench/btyd_family.sh $customers $runs\`, $(( $(date +%s) - started )) s).

$body"
    say "wrote $PERF_DOC"
fi
