-- bench/btyd_holdout.sql: btyd_holdout against btyd_summary over the shared
-- bench_orders set (bench/orders.sql, two years of orders from 2024-01-01,
-- built here when it is missing or of another size): the split at
-- 2025-06-30 with holdout to 2025-12-31 against the summary as of
-- 2025-12-31, the same rows and groups. The target (issue 15) is at most
-- 1.2 x btyd_summary. The two queries alternate within each of 5 rounds
-- (a busy machine slows both alike) and the ratio is of the medians of
-- the execution times (EXPLAIN (ANALYZE, TIMING OFF)); serial plans.
-- Writes a Markdown table to stdout.
--
--   psql -X -q -v customers=100000 -f bench/btyd_holdout.sql
\ir lib/setup.sql

\ir lib/timings.sql

-- medians of 5 alternating runs of two queries
CREATE OR REPLACE FUNCTION pg_temp.pair_ms(a text, b text, OUT a_ms float8, OUT b_ms float8)
LANGUAGE plpgsql AS $$
DECLARE
    at float8[] := '{}';
    bt float8[] := '{}';
BEGIN
    FOR i IN 1 .. 5 LOOP
        at := at || (pg_temp.bench_ms(a, 1, false)).ms;
        bt := bt || (pg_temp.bench_ms(b, 1, false)).ms;
    END LOOP;
    a_ms := (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY t) FROM unnest(at) AS t);
    b_ms := (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY t) FROM unnest(bt) AS t);
END $$;

SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS bench_rows FROM bench_orders \gset

CREATE TEMP TABLE bench_results (n serial, workload text, summary_ms float8, holdout_ms float8);
INSERT INTO bench_results (workload, summary_ms, holdout_ms)
SELECT 'date, numeric', * FROM pg_temp.pair_ms(
  $$SELECT customer_id, btyd_summary(order_date, amount, date '2025-12-31', 'week') FROM bench_orders GROUP BY customer_id$$,
  $$SELECT customer_id, btyd_holdout(order_date, amount, date '2025-06-30', date '2025-12-31', 'week') FROM bench_orders GROUP BY customer_id$$);
INSERT INTO bench_results (workload, summary_ms, holdout_ms)
SELECT 'timestamptz, float8', * FROM pg_temp.pair_ms(
  $$SELECT customer_id, btyd_summary(order_at, amount_f, timestamptz '2026-01-01 00:00+00', 'week') FROM bench_orders GROUP BY customer_id$$,
  $$SELECT customer_id, btyd_holdout(order_at, amount_f, timestamptz '2025-07-01 00:00+00', timestamptz '2026-01-01 00:00+00', 'week') FROM bench_orders GROUP BY customer_id$$);

\pset format unaligned
\pset tuples_only on
SELECT format('btyd_holdout against btyd_summary, %s customers, %s orders (median of 5 alternating runs, execution time, serial)', :customers, :bench_rows);
SELECT '';
SELECT '| orders, amounts | btyd_summary ms | btyd_holdout ms | ratio (target ≤ 1.2) |';
SELECT '|---|---:|---:|---:|';
SELECT format('| %s | %s | %s | %s |', workload, round(summary_ms::numeric, 1), round(holdout_ms::numeric, 1),
              round((holdout_ms / summary_ms)::numeric, 2))
FROM bench_results ORDER BY n;
