-- bench/cohorts.sql: the one-pass cohort matrix against plain SQL on the
-- shared order set. Plain SQL finds each customer's first month with a
-- GROUP BY, joins it back and counts DISTINCT customers per cell (sorts
-- over the whole table); retention reads the table once. Each query runs
-- 5 times with 0 and with 2 parallel workers; the table below gives the
-- median execution time of EXPLAIN (ANALYZE, TIMING OFF), which evaluates
-- every output column, and the ratios against a bare count(*) and against
-- the plain-SQL formulation of the same matrix in the same run.
--
--   psql -v customers=1000000 -f bench/orders.sql
--   psql -f bench/cohorts.sql > cohorts.md
\set ON_ERROR_STOP on
\set QUIET on
\pset footer off
SET TimeZone = 'UTC';
SET jit = off;

CREATE TEMP TABLE queries (ord serial, name text, query text, baseline text);
INSERT INTO queries (name, query, baseline) VALUES
('count(*)', $$SELECT count(*) FROM bench_orders$$, NULL),
('plain SQL, month', $$
WITH a AS (SELECT customer_id, date_trunc('month', order_date::timestamp)::date AS month FROM bench_orders),
c AS (SELECT customer_id, min(month) AS cohort FROM a GROUP BY customer_id),
cells AS (SELECT c.cohort,
                 ((extract(year FROM a.month) - extract(year FROM c.cohort)) * 12
                  + extract(month FROM a.month) - extract(month FROM c.cohort))::int AS period_offset,
                 count(DISTINCT a.customer_id) AS active
          FROM a JOIN c USING (customer_id) GROUP BY 1, 2)
SELECT cohort, period_offset, first_value(active) OVER w AS cohort_size, active,
       active::float8 / first_value(active) OVER w AS retention
FROM cells WINDOW w AS (PARTITION BY cohort ORDER BY period_offset)$$, NULL),
('cohort_table(cohort_retention), month', $$
SELECT * FROM cohort_table((SELECT cohort_retention(customer_id, order_date, 'month') FROM bench_orders))$$,
 'plain SQL, month'),
('plain SQL, month, revenue', $$
WITH a AS (SELECT customer_id, date_trunc('month', order_date::timestamp)::date AS month, amount FROM bench_orders),
c AS (SELECT customer_id, min(month) AS cohort FROM a GROUP BY customer_id),
cells AS (SELECT c.cohort,
                 ((extract(year FROM a.month) - extract(year FROM c.cohort)) * 12
                  + extract(month FROM a.month) - extract(month FROM c.cohort))::int AS period_offset,
                 count(DISTINCT a.customer_id) AS active, sum(a.amount) AS revenue
          FROM a JOIN c USING (customer_id) GROUP BY 1, 2)
SELECT cohort, period_offset, first_value(active) OVER w AS cohort_size, active,
       active::float8 / first_value(active) OVER w AS retention, revenue
FROM cells WINDOW w AS (PARTITION BY cohort ORDER BY period_offset)$$, NULL),
('cohort_table(cohort_retention), month, revenue', $$
SELECT * FROM cohort_table((SELECT cohort_retention(customer_id, order_date, 'month', amount) FROM bench_orders))$$,
 'plain SQL, month, revenue'),
('cohort_table(cohort_retention), week, timestamptz', $$
SELECT * FROM cohort_table((SELECT cohort_retention(customer_id, order_at, 'week') FROM bench_orders))$$, NULL),
('cohort_table(cohort_retention), day, rolling', $$
SELECT * FROM cohort_table((SELECT cohort_retention(customer_id, order_date, 'day') FROM bench_orders), 'rolling')$$, NULL);

-- median of 5 execution times (ms) with the given workers, and how many
-- workers the plan launched
CREATE FUNCTION pg_temp.median_ms(query text, workers integer, OUT ms float8, OUT launched integer)
LANGUAGE plpgsql AS $$
DECLARE
    plan json;
    times float8[] := '{}';
BEGIN
    PERFORM set_config('max_parallel_workers_per_gather', workers::text, true);
    FOR i IN 1..5 LOOP
        EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ' || query INTO plan;
        times := times || (plan->0->>'Execution Time')::float8;
    END LOOP;
    SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY t) INTO ms FROM unnest(times) AS t;
    launched := coalesce((SELECT sum(m[1]::int) FROM regexp_matches(plan::text, '"Workers Launched": (\d+)', 'g') AS m), 0);
END $$;

CREATE TEMP TABLE timings AS
SELECT q.ord, q.name, q.baseline, w AS workers, (pg_temp.median_ms(q.query, w)).*
FROM queries AS q, (VALUES (0), (2)) AS v(w);

\pset format unaligned
\pset tuples_only on
SELECT format('%s orders of %s customers (bench/orders.sql), PostgreSQL %s; median of 5 runs, ms.',
              count(*), count(DISTINCT customer_id), current_setting('server_version'))
FROM bench_orders;
SELECT '';
SELECT '| query | workers | median ms | × count(*) | vs plain SQL |';
SELECT '|---|---|---|---|---|';
SELECT format('| %s | %s | %s | %s | %s |', t.name,
              t.workers || CASE WHEN t.launched <> t.workers THEN ' (' || t.launched || ' launched)' ELSE '' END,
              round(t.ms::numeric, 1), round((t.ms / c.ms)::numeric, 2),
              coalesce(round((b.ms / t.ms)::numeric, 1) || '× faster', ''))
FROM timings AS t
JOIN timings AS c ON c.name = 'count(*)' AND c.workers = t.workers
LEFT JOIN timings AS b ON b.name = t.baseline AND b.workers = t.workers
ORDER BY t.ord, t.workers;
