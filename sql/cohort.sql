--
-- cohort_retention, cohort_table and retention_curve against plain SQL
-- (date_trunc periods, count(DISTINCT) per cell, a window-free rolling
-- count) on deterministic data: every period unit, month and year
-- boundaries, ISO week edges, timestamptz in two time zones, customers
-- active in non-contiguous periods, single-customer cohorts, text ids,
-- revenue with refunds and NULL amounts, and parallel plans against serial.
--
SET extra_float_digits = 0;
SET TimeZone = 'UTC';

-- u(c, k): a uniform number in (0, 1) from a hash of c and k
CREATE FUNCTION pg_temp.u(c bigint, k bigint) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ((hashint8extended(c, k) & 2147483647) + 0.5) / 2147483648.0 $$;

-- 1,500 customers with 1 to 8 activities over 2023-11-20 .. 2025-03-14
-- (two year ends, every weekday), stored activity-major so that a
-- customer's rows lie far apart; 5% NULL amounts, 3% refunds
CREATE TABLE act AS
SELECT c AS customer_id, 'cust-' || c AS customer_key,
       date '2023-11-20' + floor(pg_temp.u(c, 10 * j) * 480)::int AS d,
       timestamptz '2023-11-20 00:00:00+00'
         + make_interval(secs => floor(pg_temp.u(c, 10 * j) * 480 * 86400)) AS ts,
       CASE WHEN pg_temp.u(c, 10 * j + 1) < 0.05 THEN NULL
            ELSE (CASE WHEN pg_temp.u(c, 10 * j + 2) < 0.03 THEN -1 ELSE 1 END)
                 * round((1 + 99 * pg_temp.u(c, 10 * j + 3))::numeric, 2) END AS amount
FROM generate_series(1, 8) AS j, generate_series(1, 1500) AS c
WHERE j <= 1 + floor(8 * pg_temp.u(c, 0))
ORDER BY j, c;
-- single-customer cohorts far from the others: one in January 2023 with a
-- return in 2025, one in May 2023 never seen again
INSERT INTO act VALUES (9001, 'cust-9001', '2023-01-31', '2023-01-31 23:30:00+00', 10.5),
                       (9001, 'cust-9001', '2025-01-01', '2025-01-01 00:10:00+00', 2),
                       (9002, 'cust-9002', '2023-05-15', '2023-05-15 12:00:00+00', NULL);
-- rows with a NULL customer, activity or period are skipped
INSERT INTO act VALUES (NULL, NULL, '2023-01-01', '2023-01-01 00:00:00+00', 1),
                       (9003, 'cust-9003', NULL, NULL, 1);
SELECT count(*) AS rows, count(DISTINCT customer_id) AS customers FROM act;

-- the plain-SQL reference: offsets between period starts, per unit
CREATE FUNCTION pg_temp.offset_of(unit text, a date, b date) RETURNS integer
LANGUAGE sql IMMUTABLE
AS $$
SELECT CASE unit
    WHEN 'day' THEN b - a
    WHEN 'week' THEN (b - a) / 7
    WHEN 'month' THEN ((extract(year FROM b) - extract(year FROM a)) * 12
                       + extract(month FROM b) - extract(month FROM a))::int
    WHEN 'quarter' THEN ((extract(year FROM b) - extract(year FROM a)) * 4
                         + extract(quarter FROM b) - extract(quarter FROM a))::int
    WHEN 'year' THEN (extract(year FROM b) - extract(year FROM a))::int END
$$;

-- every cohort and offset up to the last period, as cohort_table shows it
CREATE FUNCTION pg_temp.ref(unit text, use_ts boolean)
RETURNS TABLE (cohort date, period_offset integer, cohort_size bigint, active bigint,
               rolling bigint, revenue numeric)
LANGUAGE sql STABLE
AS $$
WITH a AS (
    SELECT customer_id,
           CASE WHEN use_ts THEN date_trunc(unit, ts)::date
                ELSE date_trunc(unit, d::timestamp)::date END AS p,
           amount
    FROM act WHERE customer_id IS NOT NULL AND d IS NOT NULL),
c AS (SELECT customer_id, min(p) AS cohort, max(p) AS lastp FROM a GROUP BY customer_id),
sizes AS (SELECT cohort, count(*) AS size FROM c GROUP BY cohort),
grid AS (SELECT s.cohort, k
         FROM sizes AS s, generate_series(0, pg_temp.offset_of(unit, s.cohort, (SELECT max(p) FROM a))) AS k),
cells AS (SELECT c.cohort, pg_temp.offset_of(unit, c.cohort, a.p) AS k,
                 count(DISTINCT a.customer_id) AS active, sum(a.amount) AS revenue
          FROM a JOIN c USING (customer_id) GROUP BY 1, 2),
lasts AS (SELECT cohort, pg_temp.offset_of(unit, cohort, lastp) AS k, count(*) AS n
          FROM c GROUP BY 1, 2)
SELECT g.cohort, g.k, s.size, coalesce(cells.active, 0),
       -- rolling: customers whose last activity is at offset k or later
       sum(coalesce(lasts.n, 0)) OVER (PARTITION BY g.cohort ORDER BY g.k DESC)::bigint,
       coalesce(cells.revenue, 0)
FROM grid AS g JOIN sizes AS s USING (cohort) LEFT JOIN cells USING (cohort, k)
     LEFT JOIN lasts USING (cohort, k)
$$;

-- rows of cohort_table that differ from the reference, both ways, in
-- classic and rolling mode (with revenue when the matrix has it)
CREATE FUNCTION pg_temp.diff(m cohort_matrix, unit text, use_ts boolean) RETURNS bigint
LANGUAGE sql STABLE
AS $$
WITH r AS MATERIALIZED (SELECT * FROM pg_temp.ref(unit, use_ts)),
t AS MATERIALIZED (SELECT cohort, period_offset, cohort_size, active, revenue, 'classic' AS mode
                   FROM cohort_table(m)
                   UNION ALL
                   SELECT cohort, period_offset, cohort_size, active, revenue, 'rolling'
                   FROM cohort_table(m, 'rolling')),
with_revenue AS (SELECT bool_or(revenue IS NOT NULL) AS yes FROM t),
e AS (SELECT cohort, period_offset, cohort_size, active,
             CASE WHEN (SELECT yes FROM with_revenue) THEN revenue END, 'classic' AS mode FROM r
      UNION ALL
      SELECT cohort, period_offset, cohort_size, rolling,
             CASE WHEN (SELECT yes FROM with_revenue) THEN revenue END, 'rolling' FROM r)
SELECT (SELECT count(*) FROM (SELECT * FROM t EXCEPT ALL SELECT * FROM e) AS x)
     + (SELECT count(*) FROM (SELECT * FROM e EXCEPT ALL SELECT * FROM t) AS y)
$$;

-- bigint ids and dates, every unit, with and without revenue: the cells of
-- the reference and how many rows differ (0), both ways
SELECT unit, (SELECT count(*) FROM pg_temp.ref(unit, false)) AS cells,
       pg_temp.diff((SELECT cohort_retention(customer_id, d, unit) FROM act), unit, false) AS diff,
       pg_temp.diff((SELECT cohort_retention(customer_id, d, unit, amount) FROM act), unit, false) AS diff_revenue,
       (SELECT count(*) FROM cohort_table((SELECT cohort_retention(customer_id, d, unit) FROM act))) AS rows
FROM unnest(ARRAY['day', 'week', 'month', 'quarter', 'year']) AS unit;

-- text ids give the same matrices as bigint ids
SELECT unit,
       (SELECT cohort_retention(customer_key, d, unit, amount) FROM act)::text =
       (SELECT cohort_retention(customer_id, d, unit, amount) FROM act)::text AS text_equals_bigint
FROM unnest(ARRAY['day', 'week', 'month', 'quarter', 'year']) AS unit;

-- timestamptz: periods of the session TimeZone, in two zones on either
-- side of UTC; the matrices differ between the zones, each matches SQL
SET TimeZone = 'America/Los_Angeles';
SELECT unit, pg_temp.diff((SELECT cohort_retention(customer_id, ts, unit, amount) FROM act), unit, true) AS diff,
       pg_temp.diff((SELECT cohort_retention(customer_key, ts, unit) FROM act), unit, true) AS diff_text
FROM unnest(ARRAY['day', 'week', 'month', 'quarter', 'year']) AS unit;
CREATE TEMP TABLE la AS SELECT cohort_retention(customer_id, ts, 'day')::text AS m FROM act;
SET TimeZone = 'Asia/Tokyo';
SELECT unit, pg_temp.diff((SELECT cohort_retention(customer_id, ts, unit, amount) FROM act), unit, true) AS diff,
       pg_temp.diff((SELECT cohort_retention(customer_key, ts, unit) FROM act), unit, true) AS diff_text
FROM unnest(ARRAY['day', 'week', 'month', 'quarter', 'year']) AS unit;
SELECT (SELECT m FROM la) <> (SELECT cohort_retention(customer_id, ts, 'day')::text FROM act) AS zones_differ;
-- 9001's first activity, 2023-01-31 23:30 UTC, is February in Tokyo
SELECT cohort, cohort_size FROM cohort_table((SELECT cohort_retention(customer_id, ts, 'month') FROM act))
WHERE cohort < '2023-11-01' AND period_offset = 0;
SET TimeZone = 'UTC';
SELECT cohort, cohort_size FROM cohort_table((SELECT cohort_retention(customer_id, ts, 'month') FROM act))
WHERE cohort < '2023-11-01' AND period_offset = 0;

-- retention_curve: sum(active) / sum(size) over the cohorts that reached
-- each offset, against the reference
SELECT unit, mode,
       retention_curve((SELECT cohort_retention(customer_id, d, unit) FROM act), mode) =
       (SELECT array_agg(r ORDER BY period_offset) FROM (
            SELECT period_offset,
                   sum(CASE mode WHEN 'classic' THEN active ELSE rolling END)::float8 / sum(cohort_size) AS r
            FROM pg_temp.ref(unit, false) GROUP BY period_offset) AS x) AS curve_matches
FROM unnest(ARRAY['day', 'week', 'month', 'quarter', 'year']) AS unit,
     unnest(ARRAY['classic', 'rolling']) AS mode;

-- a small matrix in full: 3 customers, months, non-contiguous activity
CREATE TABLE small (customer_id bigint, d date, amount numeric);
INSERT INTO small VALUES (1, '2024-12-31', 10), (1, '2025-02-01', 5), (1, '2025-02-15', 1.25),
                         (2, '2024-12-01', 20), (3, '2025-01-31', 7), (3, '2025-03-01', -2);
SELECT cohort_retention(customer_id, d, 'month', amount) FROM small;
SELECT * FROM cohort_table((SELECT cohort_retention(customer_id, d, 'month', amount) FROM small));
SELECT * FROM cohort_table((SELECT cohort_retention(customer_id, d, 'month') FROM small), 'rolling');
SELECT retention_curve(cohort_retention(customer_id, d, 'month')) AS classic,
       retention_curve(cohort_retention(customer_id, d, 'month'), 'rolling') AS rolling FROM small;
-- cumulative revenue per cohort (the LTV-by-cohort chart) with a window
SELECT cohort, period_offset,
       sum(revenue) OVER (PARTITION BY cohort ORDER BY period_offset) AS cumulative_revenue
FROM cohort_table((SELECT cohort_retention(customer_id, d, 'month', amount) FROM small));

-- ISO weeks start on Monday: Sunday 2024-12-29 and Monday 2024-12-30 are
-- in different weeks, Monday 2024-12-30 and Sunday 2025-01-05 in one
SELECT cohort_retention(c, d, 'week')
FROM (VALUES (1, date '2024-12-29'), (1, '2024-12-30'), (2, '2024-12-30'), (2, '2025-01-05')) AS v(c, d);

-- empty input and all-NULL input give NULL; GROUP BY gives one matrix per group
SELECT cohort_retention(customer_id, d, 'month') IS NULL AS empty FROM act WHERE false;
SELECT cohort_retention(customer_id, NULL::date, 'month') IS NULL AS all_null FROM act;
SELECT customer_id % 2 AS parity, retention_curve(cohort_retention(customer_id, d, 'quarter'))
FROM act WHERE customer_id IS NOT NULL GROUP BY 1 ORDER BY 1;

-- errors
SELECT cohort_retention(customer_id, d, 'fortnight') FROM act;
SELECT cohort_retention(c, d, p) FROM (VALUES (1, date '2025-01-01', 'month'), (2, '2025-01-02', 'week')) AS v(c, d, p);
SELECT cohort_retention(1, date '0044-03-15' - 100000, 'month');
SELECT cohort_retention(1, 'infinity'::date, 'month');
SELECT cohort_retention(1, 'infinity'::timestamptz, 'month');
SELECT cohort_retention(1, date '2025-01-01', 'month', 'NaN'::numeric);
SELECT cohort_retention(1, date '2025-01-01', 'month', 1e19 / 3.0);
SELECT cohort_retention(1, date '2025-01-01', 'month', 1e18) FROM generate_series(1, 10);
SELECT * FROM cohort_table((SELECT cohort_retention(customer_id, d, 'month') FROM small), 'unbounded');

-- parallel plans equal serial results: two workers, the leader not
-- scanning, so customers are split across the workers and merged
CREATE TABLE serial AS
SELECT unit, cohort_retention(customer_id, d, unit, amount)::text AS m,
       (SELECT cohort_retention(customer_key, ts, unit) FROM act)::text AS t
FROM unnest(ARRAY['day', 'week', 'month', 'quarter', 'year']) AS unit, act GROUP BY unit;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
CREATE FUNCTION pg_temp.plan_has(query text, node text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE line text;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP
        IF line LIKE '%' || node || '%' THEN RETURN true; END IF;
    END LOOP;
    RETURN false;
END $$;
SELECT pg_temp.plan_has($$SELECT cohort_retention(customer_id, d, 'month', amount) FROM act$$, 'Partial Aggregate') AS partial,
       pg_temp.plan_has($$SELECT cohort_retention(customer_key, ts, 'month') FROM act$$, 'Partial Aggregate') AS partial_text;
SELECT unit,
       (SELECT cohort_retention(customer_id, d, unit, amount) FROM act)::text = m AS parallel_equals_serial,
       (SELECT cohort_retention(customer_key, ts, unit) FROM act)::text = t AS parallel_equals_serial_text
FROM serial ORDER BY unit;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;

DROP TABLE act, small, la, serial;
