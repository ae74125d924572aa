-- bench/survival.sql: Kaplan-Meier and the log-rank test over subscriptions
-- with whole-day durations, against a bare count(*) scan of the same table
-- and against the plain-SQL Kaplan-Meier (a GROUP BY per duration, then
-- window sums for the at-risk counts and the product). bench_subscriptions
-- holds 10 subscriptions per customer of the run (1000000 customers: 10M
-- subscriptions) over 4 plans, started over three years, two thirds ended.
-- Each query runs 5 times with 0 and with 2 parallel workers; the table
-- gives the median execution time of EXPLAIN (ANALYZE, TIMING OFF) and the
-- ratios against count(*) and the plain-SQL curve in the same run.
--
--   psql -v customers=1000000 -f bench/survival.sql > survival.md
\set ON_ERROR_STOP on
\set QUIET on
\pset footer off
SET TimeZone = 'UTC';
SET jit = off;

DROP TABLE IF EXISTS bench_subscriptions;
CREATE TABLE bench_subscriptions AS
SELECT s AS id, 'plan ' || (s % 4) AS plan,
       date '2023-01-01' + (hashint8extended(s, 1) & 1023)::int AS started_at,
       CASE WHEN (hashint8extended(s, 2) & 3) <> 0
            THEN date '2023-01-01' + (hashint8extended(s, 1) & 1023)::int
                 + ((hashint8extended(s, 3) & 1023) / (1 + s % 4))::int END AS ended_at
FROM generate_series(1, 10 * :customers::bigint) AS s;
ALTER TABLE bench_subscriptions ADD COLUMN duration float8, ADD COLUMN churned boolean;
UPDATE bench_subscriptions
SET duration = least(coalesce(ended_at, date '2026-01-01'), date '2026-01-01') - started_at,
    churned = coalesce(ended_at <= date '2026-01-01', false);
VACUUM ANALYZE bench_subscriptions;

CREATE TEMP TABLE queries (ord serial, name text, query text, baseline text);
INSERT INTO queries (name, query, baseline) VALUES
('count(*)', $$SELECT count(*) FROM bench_subscriptions$$, NULL),
('plain SQL Kaplan-Meier', $$
WITH per_time AS (
    SELECT duration AS t, count(*) FILTER (WHERE churned) AS d, count(*) AS m
    FROM bench_subscriptions GROUP BY duration),
at_risk AS (SELECT t, d, sum(m) OVER (ORDER BY t DESC) AS n FROM per_time)
SELECT t, n, d, exp(sum(ln(greatest(1 - d::float8 / n, 1e-300))) OVER (ORDER BY t)) AS survival
FROM at_risk$$, NULL),
('kaplan_meier(duration, event)', $$SELECT kaplan_meier(duration, churned) FROM bench_subscriptions$$, NULL),
('km_table(kaplan_meier(duration, event))', $$
SELECT * FROM km_table((SELECT kaplan_meier(duration, churned) FROM bench_subscriptions))$$, 'plain SQL Kaplan-Meier'),
('kaplan_meier(started_at, ended_at, as_of)', $$
SELECT kaplan_meier(started_at, ended_at, date '2026-01-01') FROM bench_subscriptions$$, NULL),
('kaplan_meier per plan (GROUP BY)', $$
SELECT plan, kaplan_meier(duration, churned) FROM bench_subscriptions GROUP BY plan$$, NULL),
('logrank_test(duration, event, plan)', $$
SELECT logrank_test(duration, churned, plan) FROM bench_subscriptions$$, NULL);

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
SELECT format('%s subscriptions in %s plans, %s distinct durations (days), PostgreSQL %s; median of 5 runs, ms.',
              count(*), count(DISTINCT plan), count(DISTINCT duration), current_setting('server_version'))
FROM bench_subscriptions;
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

DROP TABLE bench_subscriptions;
