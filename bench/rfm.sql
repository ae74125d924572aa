-- bench/rfm.sql: RFM in one pass against the built-in floor and the
-- plain-SQL pipeline (issue 3). Times, as the median of 5 runs after a
-- warm-up, each query's EXPLAIN (ANALYZE, TIMING OFF) execution time (every
-- output column is computed), with 0 and 2 parallel workers, for numeric
-- and float8 amounts:
--   (a) floor: SELECT customer_id, max(order_date), count(*), sum(amount) ... GROUP BY customer_id
--   (b) plain SQL: per-customer GROUP BY, NTILE(5) scores, CASE segment map,
--       customers and sum of M scores per segment (so no score is left out)
--   (c) retention: rfm() per customer, rfm_score() OVER (), segment(), the same counts
--   (c agg) the rfm() GROUP BY step of (c) alone
--   (g) the grouping floor: SELECT customer_id, count(*) ... GROUP BY
--       customer_id, the scan and per-row hash lookup that (a), (b) and (c)
--       all pay; no aggregate over the same GROUP BY can be faster, so
--       (g)/(a) bounds (c agg)/(a) from below and (b)/(g) bounds (b)/(c)
--       from above
-- and prints a Markdown table with the ratios (c agg)/(a), (b)/(c), the
-- bounds (g)/(a) and (b)/(g), and
-- 0 workers / 2 workers on the aggregate step. For the 2-worker runs the
-- parallel costs are zeroed so that the planner uses the workers; the
-- "partial" column says whether the plan had a Partial Aggregate.
--
--   psql -X -q -v customers=1000000 -f bench/rfm.sql          (builds bench_orders when missing or of another size)
--   psql -X -q -v customers=1000000 -v reuse=1 -f bench/rfm.sql (keeps an existing bench_orders)
--
-- Needs CREATE EXTENSION retention in the database. jit is off (-v jit=on
-- to keep it), so that compile time does not blur small runs.
\ir lib/setup.sql
SET work_mem = '256MB';

\ir lib/rfm_pipelines.sql

CREATE TEMP TABLE bench_queries (step text, query text);
-- AMOUNT stands for the amount column: amount (numeric) or amount_f (float8)
INSERT INTO bench_queries VALUES
('a', $q$SELECT customer_id, max(order_date), count(*), sum(AMOUNT) FROM bench_orders GROUP BY customer_id$q$),
('g', $q$SELECT customer_id, count(*) FROM bench_orders GROUP BY customer_id$q$),
('c agg', $q$SELECT customer_id, rfm(order_date, AMOUNT, date '2026-01-01') FROM bench_orders GROUP BY customer_id$q$);
INSERT INTO bench_queries SELECT * FROM bench_pipelines;

CALL pg_temp.bench_time_queries();

\pset format unaligned
\pset tuples_only on
SELECT format('Orders: %s, customers: %s; PostgreSQL %s, jit %s; median of 5 runs after a warm-up (ms).',
              (SELECT count(*) FROM bench_orders), (SELECT count(DISTINCT customer_id) FROM bench_orders),
              current_setting('server_version'), current_setting('jit'));
SELECT '';
SELECT '| amounts | workers | (g) GROUP BY only | (a) floor | (c agg) rfm() | (b) plain SQL | (c) retention | (c agg)/(a) | bound (g)/(a) | (b)/(c) | bound (b)/(g) | partial |';
SELECT '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|';
SELECT format('| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |',
              CASE a.amount WHEN 'amount' THEN 'numeric' ELSE 'float8' END, a.workers,
              round(g.ms::numeric, 1), round(a.ms::numeric, 1), round(cagg.ms::numeric, 1), round(b.ms::numeric, 1),
              round(c.ms::numeric, 1), round((cagg.ms / a.ms)::numeric, 2), round((g.ms / a.ms)::numeric, 2),
              round((b.ms / c.ms)::numeric, 2), round((b.ms / g.ms)::numeric, 2),
              CASE WHEN cagg.partial THEN 'yes' ELSE 'no' END)
FROM bench_results AS a
JOIN bench_results AS g ON g.step = 'g' AND g.amount = a.amount AND g.workers = a.workers
JOIN bench_results AS cagg ON cagg.step = 'c agg' AND cagg.amount = a.amount AND cagg.workers = a.workers
JOIN bench_results AS b ON b.step = 'b' AND b.amount = a.amount AND b.workers = a.workers
JOIN bench_results AS c ON c.step = 'c' AND c.amount = a.amount AND c.workers = a.workers
WHERE a.step = 'a' ORDER BY a.amount, a.workers;
SELECT '';
SELECT format('0 workers / 2 workers: rfm() aggregate step numeric %s, float8 %s; floor (a) numeric %s, float8 %s; GROUP BY only (g) %s.',
              round((s0.ms / s2.ms)::numeric, 2), round((f0.ms / f2.ms)::numeric, 2),
              round((a0.ms / a2.ms)::numeric, 2), round((af0.ms / af2.ms)::numeric, 2),
              round((g0.ms / g2.ms)::numeric, 2))
FROM bench_results AS s0, bench_results AS s2, bench_results AS f0, bench_results AS f2,
     bench_results AS a0, bench_results AS a2, bench_results AS af0, bench_results AS af2,
     bench_results AS g0, bench_results AS g2
WHERE s0.step = 'c agg' AND s0.amount = 'amount' AND s0.workers = 0
  AND s2.step = 'c agg' AND s2.amount = 'amount' AND s2.workers = 2
  AND f0.step = 'c agg' AND f0.amount = 'amount_f' AND f0.workers = 0
  AND f2.step = 'c agg' AND f2.amount = 'amount_f' AND f2.workers = 2
  AND a0.step = 'a' AND a0.amount = 'amount' AND a0.workers = 0
  AND a2.step = 'a' AND a2.amount = 'amount' AND a2.workers = 2
  AND af0.step = 'a' AND af0.amount = 'amount_f' AND af0.workers = 0
  AND af2.step = 'a' AND af2.amount = 'amount_f' AND af2.workers = 2
  AND g0.step = 'g' AND g0.amount = 'amount' AND g0.workers = 0
  AND g2.step = 'g' AND g2.amount = 'amount' AND g2.workers = 2;
