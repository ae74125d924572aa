-- bench/cohorts.sql: the one-pass cohort matrix against plain SQL on the
-- shared order set. Plain SQL finds each customer's first month with a
-- GROUP BY, joins it back and counts DISTINCT customers per cell (sorts
-- over the whole table); retention reads the table once. Each query runs
-- 5 times with 0 and with 2 parallel workers; the table below gives the
-- median execution time of EXPLAIN (ANALYZE, TIMING OFF), which evaluates
-- every output column, and the ratios against a bare count(*) and against
-- the plain-SQL formulation of the same matrix in the same run.
--
--   psql -v customers=1000000 -f bench/cohorts.sql > cohorts.md
\set QUIET on
\pset footer off
\ir lib/setup.sql
SET TimeZone = 'UTC';

\ir lib/timings.sql

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

\pset format unaligned
\pset tuples_only on
SELECT format('%s orders of %s customers (bench/orders.sql), PostgreSQL %s; median of 5 runs, ms.',
              count(*), count(DISTINCT customer_id), current_setting('server_version'))
FROM bench_orders;
SELECT '';
SELECT * FROM pg_temp.timings_report();
