--
-- Properties of retention and cohorts (DESIGN section 3) on deterministic
-- pseudo-random data (hashint8extended): retention_rate and churn_rate of
-- 5,000 valid count triples within [0, 1], summing to 1, equal to their
-- definitions; retention_counts of 40 groups of intervals equal to plain
-- SQL counts (date and timestamptz in an odd time zone); cohort_table of
-- 1,500 customers' activity, in every unit, within [0, 1], rolling >=
-- classic, classic counts equal to plain SQL (month); retention_curve
-- within [0, 1], starting at 1, equal to the pooled cohort_table; no NaN.
--
BEGIN;
SELECT plan(14);

\ir lib/setup.sql

-- scalar: start S, retained R <= S, new N, end E = R + N
CREATE TEMP TABLE t AS
SELECT i, s, r, n, r + n AS e, retention_rate(s, r + n, n) AS rate, churn_rate(s, r + n, n) AS churn
FROM (SELECT i, s, CASE WHEN s = 0 THEN 0 ELSE pg_temp.h(i, 2, s + 1) END AS r, pg_temp.h(i, 3, 5000) AS n
      FROM (SELECT i, CASE WHEN i % 50 = 0 THEN 0 ELSE pg_temp.h(i, 1, 100000) END AS s FROM generate_series(1, 5000) AS i) AS a) AS b;

SELECT is((SELECT count(*) FROM t WHERE s > 0 AND (rate NOT BETWEEN 0 AND 1 OR churn NOT BETWEEN 0 AND 1 OR 'NaN' IN (rate, churn))), 0::bigint,
          'retention_rate, churn_rate: within [0, 1], never NaN');
SELECT is((SELECT count(*) FROM t WHERE s > 0 AND (rate <> r::float8 / s OR churn <> (s - r)::float8 / s)), 0::bigint,
          'retention_rate = (E - N) / S, churn_rate = (S - (E - N)) / S, correctly rounded');
SELECT is((SELECT count(*) FROM t WHERE s > 0 AND abs(rate + churn - 1) > 2.3e-16), 0::bigint, 'churn_rate = 1 - retention_rate within one rounding');
SELECT is((SELECT count(*) FROM t WHERE s = 0 AND (rate IS NOT NULL OR churn IS NOT NULL)), 0::bigint, 'S = 0 gives NULL for both');

-- aggregate: intervals [started_at, ended_at) of 40 groups against one period
CREATE TEMP TABLE iv AS
SELECT i, i % 40 AS grp, date '2024-01-01' + pg_temp.h(i, 4, 365)::integer AS started_at,
       CASE WHEN pg_temp.h(i, 5, 4) = 0 THEN NULL ELSE date '2024-01-01' + pg_temp.h(i, 4, 365)::integer + pg_temp.h(i, 6, 200)::integer END AS ended_at
FROM generate_series(1, 4000) AS i;

SELECT is((SELECT count(*) FROM (
    SELECT grp, retention_counts(started_at, ended_at, '[2024-04-01,2024-07-01)') AS x,
           count(*) FILTER (WHERE started_at < '2024-04-01' AND (ended_at IS NULL OR ended_at >= '2024-04-01')) AS s,
           count(*) FILTER (WHERE started_at < '2024-07-01' AND (ended_at IS NULL OR ended_at >= '2024-07-01')) AS e,
           count(*) FILTER (WHERE started_at >= '2024-04-01' AND started_at < '2024-07-01' AND (ended_at IS NULL OR ended_at >= '2024-07-01')) AS n
    FROM iv GROUP BY grp) AS y
    WHERE x IS DISTINCT FROM ROW(s, e, n, e - n, CASE WHEN s > 0 THEN (e - n)::float8 / s END)::retention_counts), 0::bigint,
          'retention_counts(date): start, end and new counts equal plain SQL in all 40 groups');
SET LOCAL TimeZone = 'Asia/Kathmandu';
SELECT is((SELECT count(*) FROM (
    SELECT grp, retention_counts(started_at::timestamptz + interval '7 hours', ended_at::timestamptz, tstzrange('2024-04-01 03:00', '2024-07-01 03:00')) AS x,
           count(*) FILTER (WHERE started_at + interval '7 hours' < '2024-04-01 03:00'::timestamp AND (ended_at IS NULL OR ended_at::timestamptz >= '2024-04-01 03:00'::timestamptz)) AS s,
           count(*) FILTER (WHERE started_at + interval '7 hours' < '2024-07-01 03:00'::timestamp AND (ended_at IS NULL OR ended_at::timestamptz >= '2024-07-01 03:00'::timestamptz)) AS e,
           count(*) FILTER (WHERE started_at + interval '7 hours' >= '2024-04-01 03:00'::timestamp AND started_at + interval '7 hours' < '2024-07-01 03:00'::timestamp
                                  AND (ended_at IS NULL OR ended_at::timestamptz >= '2024-07-01 03:00'::timestamptz)) AS n
    FROM iv WHERE ended_at IS NULL OR ended_at >= started_at + 1 GROUP BY grp) AS y
    WHERE x IS DISTINCT FROM ROW(s, e, n, e - n, CASE WHEN s > 0 THEN (e - n)::float8 / s END)::retention_counts), 0::bigint,
          'retention_counts(timestamptz): equal plain SQL in Asia/Kathmandu');
RESET TimeZone;
SELECT is((SELECT count(*) FROM (SELECT retention_rate(started_at, ended_at, daterange(lo::date, lo::date + 30)) AS rate
                                 FROM iv, generate_series(date '2024-01-01', date '2024-12-01', interval '1 month') AS lo GROUP BY grp, lo) AS z
           WHERE rate NOT BETWEEN 0 AND 1 OR rate = 'NaN'), 0::bigint, 'retention_rate aggregate: within [0, 1] over 480 groups and periods');

-- cohorts: 1,500 customers with 1 to 8 activity days over two years
CREATE TEMP TABLE act AS
SELECT g.i AS customer, date '2023-01-01' + pg_temp.h(g.i * 10 + k, 7, 730)::integer AS d, ((pg_temp.h(g.i * 10 + k, 8, 10000) - 500) / 100.0)::numeric(12, 2) AS amount
FROM generate_series(1, 1500) AS g(i), generate_series(1, 1 + g.i % 8) AS k;
CREATE TEMP TABLE m AS
SELECT u, cohort_retention(customer, d, u::time_unit, amount) AS matrix
FROM act, unnest(ARRAY['day', 'week', 'month', 'quarter', 'year']) AS u GROUP BY u;
CREATE TEMP TABLE ct AS
SELECT u, c.*, r.active AS rolling_active, r.retention AS rolling_retention
FROM m, cohort_table(matrix) AS c JOIN cohort_table(matrix, 'rolling') AS r USING (cohort, period_offset);

SELECT cmp_ok((SELECT count(*) FROM ct), '>', 100000::bigint, 'cohort_table: more than 100,000 cells over the five units');
SELECT is((SELECT count(*) FROM ct WHERE retention NOT BETWEEN 0 AND 1 OR rolling_retention NOT BETWEEN 0 AND 1 OR 'NaN' IN (retention, rolling_retention)
                                     OR retention <> active::float8 / cohort_size OR rolling_retention <> rolling_active::float8 / cohort_size),
          0::bigint, 'cohort_table: retention = active / cohort_size within [0, 1], never NaN, both modes');
SELECT is((SELECT count(*) FROM ct WHERE rolling_active < active OR (period_offset = 0 AND (active <> cohort_size OR rolling_active <> cohort_size))), 0::bigint,
          'cohort_table: rolling >= classic, everyone active at offset 0');
SELECT is((SELECT count(*) FROM (
    SELECT cohort, period_offset, active, revenue FROM ct WHERE u = 'month' AND active > 0
    EXCEPT
    SELECT f.cohort, ((extract(year FROM date_trunc('month', a.d)) - extract(year FROM f.cohort)) * 12
                      + extract(month FROM date_trunc('month', a.d)) - extract(month FROM f.cohort))::integer,
           count(DISTINCT a.customer), sum(a.amount)
    FROM act AS a JOIN (SELECT customer, date_trunc('month', min(d))::date AS cohort FROM act GROUP BY customer) AS f USING (customer)
    GROUP BY 1, 2) AS x), 0::bigint, 'cohort_table(month): active customers and revenue per cohort and offset equal plain SQL');
SELECT is((SELECT count(*) FROM ct WHERE u = 'month' AND active = 0 AND revenue <> 0), 0::bigint, 'cohort_table: no revenue without activity');
SELECT is((SELECT count(*) FROM m, LATERAL unnest(retention_curve(matrix)) WITH ORDINALITY AS c(x, k)
           WHERE x NOT BETWEEN 0 AND 1 OR x = 'NaN' OR (k = 1 AND x <> 1)), 0::bigint,
          'retention_curve: within [0, 1], the first element 1, never NaN');
SELECT is((SELECT count(*) FROM (
    SELECT u, period_offset, sum(active)::float8 / sum(cohort_size) AS pooled, sum(rolling_active)::float8 / sum(cohort_size) AS pooled_rolling FROM ct GROUP BY u, period_offset) AS p
    JOIN (SELECT u, retention_curve(matrix) AS curve, retention_curve(matrix, 'rolling') AS curve_rolling FROM m) AS rc USING (u)
    WHERE curve[period_offset + 1] <> pooled OR curve_rolling[period_offset + 1] <> pooled_rolling), 0::bigint,
          'retention_curve: equals the pooled cohort_table, both modes');

SELECT * FROM finish();
ROLLBACK;
