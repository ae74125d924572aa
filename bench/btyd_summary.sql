-- bench/btyd_summary.sql: btyd_summary against the plain-SQL summary
-- (per-day sums, then per-customer aggregates with a window for the first
-- day), over the shared bench_orders set (bench/orders.sql, ~9.4 orders a
-- customer, built here when it is missing or of another size) and over
-- simulate_orders output (CDNOW estimates, ~2.2 orders a customer); also
-- the time simulate_orders takes. Execution times from
-- EXPLAIN (ANALYZE, TIMING OFF), median of 5 runs; the final functions run
-- for every group, as EXPLAIN ANALYZE projects every output row. Writes a
-- Markdown table to stdout.
--
--   psql -X -q -v customers=100000 -f bench/btyd_summary.sql
\ir lib/setup.sql

DROP TABLE IF EXISTS bench_sim_orders;
CREATE UNLOGGED TABLE bench_sim_orders AS SELECT * FROM simulate_orders(:customers, 1);
ANALYZE bench_sim_orders;

\ir lib/timings.sql

-- the plain-SQL summary of a table's date column, as of a day
CREATE OR REPLACE FUNCTION pg_temp.plain_sql(tab text, col text, as_of date) RETURNS text
LANGUAGE sql AS $$
SELECT format($q$
  WITH days AS (
      SELECT customer_id, %2$I AS day, sum(amount) AS amount FROM %1$I
      WHERE %2$I <= %3$L::date GROUP BY customer_id, %2$I),
  marked AS (
      SELECT *, min(day) OVER (PARTITION BY customer_id) AS first FROM days)
  SELECT customer_id, count(*) - 1 AS frequency,
         (max(day) - min(day)) / 7.0 AS recency,
         (%3$L::date - min(day)) / 7.0 AS t,
         coalesce(sum(amount) FILTER (WHERE day > first) / nullif(count(*) - 1, 0), 0) AS monetary_value
  FROM marked GROUP BY customer_id$q$, tab, col, as_of)
$$;

CREATE TEMP TABLE bench_results (n serial, workload text, method text, orders bigint, ms float8);

SET max_parallel_workers_per_gather = 0;

SELECT count(*) AS bench_rows FROM bench_orders \gset
SELECT count(*) AS sim_rows FROM bench_sim_orders \gset

INSERT INTO bench_results (workload, method, orders, ms) VALUES
('bench_orders, date, numeric', 'btyd_summary', :bench_rows, (pg_temp.bench_ms($$
  SELECT customer_id, btyd_summary(order_date, amount, date '2025-12-31', 'week')
  FROM bench_orders GROUP BY customer_id$$, 5, false)).ms),
('bench_orders, date, numeric', 'plain SQL', :bench_rows,
 (pg_temp.bench_ms(pg_temp.plain_sql('bench_orders', 'order_date', '2025-12-31'), 5, false)).ms),
('bench_orders, date, float8', 'btyd_summary', :bench_rows, (pg_temp.bench_ms($$
  SELECT customer_id, btyd_summary(order_date, amount_f, date '2025-12-31', 'week')
  FROM bench_orders GROUP BY customer_id$$, 5, false)).ms),
('bench_orders, timestamptz, float8', 'btyd_summary', :bench_rows, (pg_temp.bench_ms($$
  SELECT customer_id, btyd_summary(order_at, amount_f, timestamptz '2026-01-01 00:00+00', 'week')
  FROM bench_orders GROUP BY customer_id$$, 5, false)).ms),
('simulate_orders, date, numeric', 'btyd_summary', :sim_rows, (pg_temp.bench_ms($$
  SELECT customer_id, btyd_summary(order_at, amount, date '2024-09-30', 'week')
  FROM bench_sim_orders GROUP BY customer_id$$, 5, false)).ms),
('simulate_orders, date, numeric', 'plain SQL', :sim_rows,
 (pg_temp.bench_ms(pg_temp.plain_sql('bench_sim_orders', 'order_at', '2024-09-30'), 5, false)).ms),
('simulate_orders generation', 'simulate_orders', :sim_rows, (pg_temp.bench_ms(format($$
  SELECT * FROM simulate_orders(%s, 1)$$, :customers), 5, false)).ms);

RESET max_parallel_workers_per_gather;
INSERT INTO bench_results (workload, method, orders, ms) VALUES
('bench_orders, date, numeric', 'btyd_summary, parallel (2 workers)', :bench_rows, (pg_temp.bench_ms($$
  SELECT customer_id, btyd_summary(order_date, amount, date '2025-12-31', 'week')
  FROM bench_orders GROUP BY customer_id$$, 5, false)).ms);

\pset format unaligned
\pset tuples_only on
SELECT format('btyd_summary, %s customers (median of 5, execution time; serial unless stated)', :customers);
SELECT '';
SELECT '| workload | method | orders | ms | ns / order | vs plain SQL |';
SELECT '|---|---|---:|---:|---:|---:|';
SELECT format('| %s | %s | %s | %s | %s | %s |', r.workload, r.method, r.orders, round(r.ms::numeric, 1),
              round((r.ms * 1e6 / r.orders)::numeric), coalesce(round((b.ms / r.ms)::numeric, 2) || ' x faster', ''))
FROM bench_results AS r
LEFT JOIN bench_results AS b ON b.workload = r.workload AND b.method = 'plain SQL' AND r.method <> 'plain SQL'
ORDER BY r.n;

DROP TABLE bench_sim_orders;
