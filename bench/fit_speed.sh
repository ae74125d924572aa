#!/usr/bin/env bash
# bench/fit_speed.sh: the time of the model fits (issue 19 item 3, issue
# 16 item 3) with this checkout's library against BASE's in one cluster.
# Optimised builds, as users install. Data:
#   sim39      1M customers simulated from BG/NBD (r 0.243, alpha 4.414,
#              a 0.793, b 2.426) and Gamma-Gamma spend (p 6.25, q 3.74,
#              v 15.44), each observed 39 weeks in continuous time, as
#              lifetimes' beta_geometric_nbd_model draws them (python3,
#              random.Random(1): the same rows every run); about 426k
#              repeat customers, every history distinct
#   bench_summary  bench/clv.sh's 1M hash-generated summaries (342,614
#              distinct histories) and its first 100k rows, the set
#              pareto_nbd_fit took 28 s on in 0.1.0
# Each query runs alternately with BASE's retention.so and this
# checkout's (swapped between sessions, as bench/covariance.sh does), in
# serial plans, RUNS times each; the table gives the medians of the
# backend's CPU time (utime + stime of /proc/self/stat, 10 ms ticks), the
# measure that other work on a shared machine disturbs least, and of the
# wall time, with the load average. Not part of bench/run.sh.
#
#   bash bench/fit_speed.sh [runs] [base]   (default 5 and main)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

runs=${1:-5}
base_ref=${2:-main}

start_bench_cluster
trap cleanup_run EXIT       # the cluster, and the run folder with its data
build_base_library "$base_ref"

say "simulating sim39 (1M customers)"
python3 - >"$RUN_DIR/sim39.tsv" <<'PY'
import random
rng = random.Random(1)
r, alpha, a, b, T = 0.243, 4.414, 0.793, 2.426, 39.0
p, q, v = 6.25, 3.74, 15.44
for i in range(1, 1000001):
    lam = rng.gammavariate(r, 1.0 / alpha)
    drop = rng.betavariate(a, b)
    t = 0.0; x = 0; tx = 0.0
    while lam > 0:
        t += rng.expovariate(lam)
        if t >= T:
            break
        x += 1; tx = t
        if rng.random() < drop:
            break
    nu = rng.gammavariate(q, 1.0 / v)
    m = rng.gammavariate(p * x, 1.0 / (nu * x)) if x > 0 else 0.0
    print(f"{i}\t{x}\t{tx!r}\t{T!r}\t{m!r}")
PY
chmod a+r "$RUN_DIR/sim39.tsv"
psql -X -q -d postgres -v ON_ERROR_STOP=1 <<SQL
CREATE TABLE sim39 (customer_id bigint, frequency integer, recency float8, t float8, monetary_value float8);
\copy sim39 FROM '$RUN_DIR/sim39.tsv'
VACUUM ANALYZE sim39;
SQL
say "building bench_summary (1M customers)"
PGDATABASE=postgres BENCH_SUMMARY_ONLY=1 bash "$ROOT/bench/clv.sh" 1000000
psql -X -q -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE TABLE summary100k AS SELECT * FROM bench_summary WHERE customer_id <= 100000" \
    -c "VACUUM ANALYZE summary100k"

# cpu_wall QUERY: "cpu_ms wall_ms" of one run of QUERY in a new session
cpu_wall() {
    psql -X -At -d postgres -v ON_ERROR_STOP=1 <<SQL | tail -n 1
SET max_parallel_workers_per_gather = 0;
SELECT (split_part(s, ' ', 14)::bigint + split_part(s, ' ', 15)::bigint) * 10 AS c0,
       clock_timestamp() AS w0 FROM pg_read_file('/proc/self/stat') AS s \gset
SELECT ($1) IS NOT NULL;
SELECT (split_part(s, ' ', 14)::bigint + split_part(s, ' ', 15)::bigint) * 10 - :c0
       || ' ' || round(extract(epoch FROM clock_timestamp() - :'w0') * 1000)
FROM pg_read_file('/proc/self/stat') AS s;
SQL
}
median() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }

queries=(
    "sim39|count(*)|SELECT count(*) FROM sim39"
    "sim39|bgnbd_fit|SELECT bgnbd_fit(frequency, recency, t) FROM sim39"
    "sim39, repeat customers|gamma_gamma_fit|SELECT gamma_gamma_fit(frequency, monetary_value) FROM sim39 WHERE frequency > 0"
    "bench_summary|bgnbd_fit|SELECT bgnbd_fit(frequency, recency, t) FROM bench_summary"
    "bench_summary|gamma_gamma_fit|SELECT gamma_gamma_fit(frequency, monetary_value) FROM bench_summary"
    "summary100k|bgnbd_fit|SELECT bgnbd_fit(frequency, recency, t) FROM summary100k"
    "summary100k|pareto_nbd_fit|SELECT pareto_nbd_fit(frequency, recency, t) FROM summary100k"
)
declare -A cur_cpu
loads=()
echo "Fits with $(git -C "$ROOT" rev-parse --short "$base_ref") ($base_ref) and this checkout's library, alternating, median of $runs runs each, serial plans; $MACHINE."
echo
echo "| data | query | base CPU ms | this CPU ms | CPU ratio | base wall ms | this wall ms |"
echo "|---|---|---:|---:|---:|---:|---:|"
for entry in "${queries[@]}"; do
    data=${entry%%|*}; rest=${entry#*|}; name=${rest%%|*}; query=${rest#*|}
    bc=() bw=() cc=() cw=()
    for i in $(seq "$runs"); do
        use_library base
        read -r c w < <(cpu_wall "$query"); bc+=("$c"); bw+=("$w")
        use_library current
        read -r c w < <(cpu_wall "$query"); cc+=("$c"); cw+=("$w")
        loads+=("$(cut -d' ' -f1 /proc/loadavg)")
    done
    mb=$(median "${bc[@]}"); mc=$(median "${cc[@]}")
    cur_cpu[$data|$name]=$mc
    printf '| %s | `%s` | %s | %s | %s | %s | %s |\n' "$data" "$name" "$mb" "$mc" \
        "$(ratio "$mb" "$mc")" "$(median "${bw[@]}")" "$(median "${cw[@]}")"
done
echo
printf 'pareto_nbd_fit / bgnbd_fit on summary100k (this checkout, CPU): %sx. ' \
    "$(ratio "${cur_cpu[summary100k|pareto_nbd_fit]}" "${cur_cpu[summary100k|bgnbd_fit]}")"
echo "Load average (1 min) during the runs: $(median "${loads[@]}") median, $(printf '%s\n' "${loads[@]}" | sort -g | head -n 1) to $(printf '%s\n' "${loads[@]}" | sort -g | tail -n 1)."
