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

\ir lib/timings.sql

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

\pset format unaligned
\pset tuples_only on
SELECT format('%s subscriptions in %s plans, %s distinct durations (days), PostgreSQL %s; median of 5 runs, ms.',
              count(*), count(DISTINCT plan), count(DISTINCT duration), current_setting('server_version'))
FROM bench_subscriptions;
SELECT '';
SELECT * FROM pg_temp.timings_report();

DROP TABLE bench_subscriptions;
