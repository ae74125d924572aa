#!/usr/bin/env bash
# bench/clv.sh: model-fit benchmark. Builds a deterministic table of
# customer summaries (frequency, recency, t in weeks at day resolution, as
# btyd_summary gives them; monetary_value), then times bgnbd_fit,
# gamma_gamma_fit and pareto_nbd_fit over it, median of 5, against a plain
# scan of the same rows in the same run. Prints a Markdown table.
#
#   bash bench/clv.sh [customers]      (default 1000000; PG* variables pick the server)
#   BENCH_PARETO=1 bash bench/clv.sh   also times pareto_nbd_fit and prints its time
#                                      over bgnbd_fit's (at 100000 customers: the set
#                                      that took 28 s to fit in 0.1.0)
#   BENCH_SUMMARY_ONLY=1 bash bench/clv.sh   only builds bench_summary (bench/covariance.sh)
#
# The summaries are drawn from hashes, not from simulate_orders: 45% of the
# customers never come back, the others buy 1 + floor(3 u^-0.9) repeat
# periods (capped at 300), first purchases spread over 52 weeks before the
# end, recency uniform in the customer's age; the mean spend is about
# Gamma-Gamma's with p = 6, q = 4, v = 15 (nu a sum of four exponentials,
# the mean of x Gamma(6, nu) values approximated by a log-normal). No
# random(): same size, same table.
set -euo pipefail
customers=${1:-1000000}
runs=5

psql -X -q -v ON_ERROR_STOP=1 -v customers="$customers" <<'SQL'
DROP TABLE IF EXISTS bench_summary;
CREATE UNLOGGED TABLE bench_summary AS
WITH c AS (
    SELECT i,
           ((hashint8extended(i, 1) & 2147483647) + 0.5) / 2147483648.0 AS u1,
           ((hashint8extended(i, 2) & 2147483647) + 0.5) / 2147483648.0 AS u2,
           ((hashint8extended(i, 3) & 2147483647) + 0.5) / 2147483648.0 AS u3,
           ((hashint8extended(i, 4) & 2147483647) + 0.5) / 2147483648.0 AS u4,
           -ln(((hashint8extended(i, 5) & 2147483647) + 0.5) / 2147483648.0)
           - ln(((hashint8extended(i, 6) & 2147483647) + 0.5) / 2147483648.0)
           - ln(((hashint8extended(i, 7) & 2147483647) + 0.5) / 2147483648.0)
           - ln(((hashint8extended(i, 8) & 2147483647) + 0.5) / 2147483648.0) AS gamma4,
           sqrt(-2 * ln(((hashint8extended(i, 9) & 2147483647) + 0.5) / 2147483648.0))
           * cos(2 * pi() * ((hashint8extended(i, 10) & 2147483647) + 0.5) / 2147483648.0) AS normal
    FROM generate_series(1, :customers) AS i
), d AS (
    SELECT i, CASE WHEN u1 < 0.45 THEN 0 ELSE least(300, 1 + floor(3 * u2 ^ -0.9))::integer END AS frequency,
           1 + floor(u3 * 364)::integer AS age_days, u4, gamma4, normal
    FROM c
)
SELECT i AS customer_id, frequency,
       CASE WHEN frequency = 0 THEN 0 ELSE greatest(1, floor(u4 * age_days)) / 7.0 END::float8 AS recency,
       (age_days / 7.0)::float8 AS t,
       CASE WHEN frequency = 0 THEN 0
            ELSE round((6 / (gamma4 / 15) * exp(normal / sqrt(6 * frequency)))::numeric, 2) END::float8 AS monetary_value
FROM d;
VACUUM ANALYZE bench_summary;
SQL
[ "${BENCH_SUMMARY_ONLY:-0}" = 1 ] && exit 0

# median of $runs execution times (ms) of a query, from EXPLAIN ANALYZE
median_ms() {
    local q=$1 i times=()
    for i in $(seq "$runs"); do
        times+=("$(psql -X -At -c "EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) $q" |
                   grep -o '"Execution Time": [0-9.]*' | grep -o '[0-9.]*$')")
    done
    printf '%s\n' "${times[@]}" | sort -g | sed -n "$(( (runs + 1) / 2 ))p"
}

distinct=$(psql -X -At -c "SELECT count(*) FROM (SELECT DISTINCT frequency, recency, t FROM bench_summary) AS d")
base=$(median_ms "SELECT count(*), sum(frequency), sum(recency), sum(t) FROM bench_summary")
bg=$(median_ms "SELECT bgnbd_fit(frequency, recency, t) FROM bench_summary")
gg=$(median_ms "SELECT gamma_gamma_fit(frequency, monetary_value) FROM bench_summary")
pn=
if [ "${BENCH_PARETO:-0}" = 1 ]; then
    pn=$(median_ms "SELECT pareto_nbd_fit(frequency, recency, t) FROM bench_summary")
fi
fit=$(psql -X -At -c "SELECT (bgnbd_fit(frequency, recency, t)).converged, (gamma_gamma_fit(frequency, monetary_value)).converged FROM bench_summary")

echo "Model fits over $customers customer summaries ($distinct distinct (frequency, recency, t) rows), median of $runs, converged (BG/NBD, Gamma-Gamma): $fit"
echo
echo "| query | ms | vs scan |"
echo "|---|---:|---:|"
rows=("scan (count, sums)|$base" "bgnbd_fit|$bg" "gamma_gamma_fit|$gg")
[ -n "$pn" ] && rows+=("pareto_nbd_fit|$pn")
for row in "${rows[@]}"; do
    name=${row%|*}; ms=${row#*|}
    printf '| %s | %.1f | %.1fx |\n' "$name" "$ms" "$(echo "$ms / $base" | bc -l)"
done
if [ -n "$pn" ]; then
    echo
    printf 'pareto_nbd_fit / bgnbd_fit on the same rows: %.1fx\n' "$(echo "$pn / $bg" | bc -l)"
fi
