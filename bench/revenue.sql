-- bench/revenue.sql: revenue_retention + mrr_movements against the plain-SQL
-- dbt-labs mrr-playbook (revenue per customer and month, a customer x month
-- spine from each customer's first month to the last month, lag() over it,
-- the movements summed per month) on :customers subscriptions over 24
-- months (bench_revenue, built here when missing or of another size: each
-- customer starts in one of the 24 months, pays a plan that expands or
-- contracts, skips some months, churns and comes back; a refund now and
-- then). Each query runs 3 times in the same session; the table gives the
-- median execution time of EXPLAIN (ANALYZE, TIMING OFF) and the speed-up
-- of the extension over the playbook measured in this run.
--
--   psql -X -v customers=1000000 -f bench/revenue.sql
\if :{?customers}
\else
\set customers 1000000
\endif
\set ON_ERROR_STOP on
\set QUIET on
\pset footer off
SET client_min_messages = warning;
SET jit = off;

SELECT to_regclass('bench_revenue') IS NULL AS rebuild \gset
\if :rebuild
\else
SELECT (SELECT max(customer_id) FROM bench_revenue) IS DISTINCT FROM :customers AS rebuild \gset
\endif
\if :rebuild
DROP TABLE IF EXISTS bench_revenue;
CREATE UNLOGGED TABLE bench_revenue AS
SELECT c AS customer_id,
       (date '2023-01-01' + make_interval(months => m) + ((c * 7 + m) % 28) * interval '1 day')::date AS invoiced_on,
       CASE WHEN (c * 31 + m) % 97 = 0 THEN -round(((c % 5) + 1) * 9.99 * (1 + (m % 3) * 0.5), 2)
            ELSE round(((c % 5) + 1) * 9.99 * (1 + ((m + c) % 7 / 3) * 0.5), 2) END AS amount
FROM generate_series(1::bigint, :customers) AS c,
     generate_series((c % 24)::int, 23) AS m
WHERE (c * 13 + m * 7) % 11 <> 0              -- skipped months: churn and reactivation
  AND NOT (m > (c % 24) + 6 + c % 17);         -- a customer stops after a while
ANALYZE bench_revenue;
\endif

CREATE TEMP TABLE queries (ord serial, name text, query text);
INSERT INTO queries (name, query) VALUES
('count(*)', $$SELECT count(*) FROM bench_revenue$$),
('plain SQL mrr-playbook', $$
WITH revenue AS (
    SELECT customer_id, date_trunc('month', invoiced_on)::date AS month, sum(amount) AS revenue
    FROM bench_revenue GROUP BY 1, 2
), bounds AS (
    SELECT min(month) FILTER (WHERE revenue > 0) AS first, max(month) FILTER (WHERE revenue > 0) AS last FROM revenue
), customers AS (
    SELECT customer_id, min(month) AS first_month FROM revenue GROUP BY 1
), spine AS (
    SELECT c.customer_id, gs::date AS month
    FROM customers AS c, bounds AS b, generate_series(greatest(c.first_month, b.first), b.last, '1 month') AS gs
), mrr AS (
    SELECT s.customer_id, s.month, CASE WHEN r.revenue > 0 THEN r.revenue ELSE 0 END AS mrr
    FROM spine AS s LEFT JOIN revenue AS r USING (customer_id, month)
), changes AS (
    SELECT month, mrr, coalesce(lag(mrr) OVER w, 0) AS prev,
           coalesce(bool_or(mrr > 0) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), false) AS paid_before
    FROM mrr WINDOW w AS (PARTITION BY customer_id ORDER BY month)
)
SELECT month, count(*) FILTER (WHERE mrr > 0) AS customers, sum(mrr) AS mrr,
       coalesce(sum(mrr) FILTER (WHERE mrr > 0 AND prev = 0 AND NOT paid_before), 0) AS new,
       coalesce(sum(mrr - prev) FILTER (WHERE mrr > prev AND prev > 0), 0) AS expansion,
       coalesce(sum(prev - mrr) FILTER (WHERE mrr < prev AND mrr > 0), 0) AS contraction,
       coalesce(sum(prev) FILTER (WHERE mrr = 0 AND prev > 0), 0) AS churned,
       coalesce(sum(mrr) FILTER (WHERE mrr > 0 AND prev = 0 AND paid_before), 0) AS reactivation
FROM changes GROUP BY month ORDER BY month$$),
('mrr_movements(revenue_retention)', $$
SELECT * FROM mrr_movements((SELECT revenue_retention(customer_id, invoiced_on, amount, 'month') FROM bench_revenue))$$),
('net_revenue_retention(revenue_retention, 12)', $$
SELECT * FROM net_revenue_retention((SELECT revenue_retention(customer_id, invoiced_on, amount, 'month') FROM bench_revenue), 12)$$);

-- the two answers agree before anything is timed (rows in one and not the
-- other, both ways)
CREATE FUNCTION pg_temp.differing(a text, b text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM ((%s EXCEPT ALL %s) UNION ALL (%s EXCEPT ALL %s)) AS d',
                   'SELECT * FROM (' || a || ') AS x', 'SELECT * FROM (' || b || ') AS y',
                   'SELECT * FROM (' || b || ') AS y', 'SELECT * FROM (' || a || ') AS x') INTO n;
    RETURN n;
END $$;
SELECT pg_temp.differing((SELECT query FROM queries WHERE name = 'plain SQL mrr-playbook'),
                         (SELECT query FROM queries WHERE name = 'mrr_movements(revenue_retention)')) AS differing \gset
\if :differing
\echo mrr_movements and the playbook disagree on :differing rows
\quit
\endif

\ir lib/timings.sql

-- median of 3 runs with the session's parallel settings
CREATE TEMP TABLE timings AS SELECT ord, name, (pg_temp.bench_ms(query, 3, false)).ms FROM queries;

\pset format unaligned
\pset tuples_only on
SELECT format('%s invoices of %s customers over 24 months (bench/revenue.sql), PostgreSQL %s, max_parallel_workers_per_gather = %s; the two MRR answers agree row for row; median of 3 runs, ms.',
              count(*), count(DISTINCT customer_id), current_setting('server_version'),
              current_setting('max_parallel_workers_per_gather'))
FROM bench_revenue;
SELECT '';
SELECT '| query | median ms | × count(*) | vs plain SQL |';
SELECT '|---|---|---|---|';
SELECT format('| %s | %s | %s | %s |', t.name, round(t.ms::numeric, 1), round((t.ms / c.ms)::numeric, 2),
              CASE WHEN t.name = 'mrr_movements(revenue_retention)' THEN round((b.ms / t.ms)::numeric, 1) || '× faster' ELSE '' END)
FROM timings AS t, timings AS c, timings AS b
WHERE c.name = 'count(*)' AND b.name = 'plain SQL mrr-playbook'
ORDER BY t.ord;
