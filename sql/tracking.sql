--
-- tracking: bgnbd_tracking and pareto_nbd_tracking (DESIGN section 6,
-- doc/clv.md "Tracking"), element k = sum over the customers first seen
-- before start + k units of E[X(start + k units - first_purchase)].
-- Checked against closed forms on a tiny population (exact fractions), and
-- against plain SQL summing the accessors bgnbd_expected_purchases(m, t)
-- and the Pareto/NBD closed form per customer (relative 1e-9) for every unit, for dates and for timestamptz (where t is
-- btyd_summary's t as of start + k units of 24-hour days); NULL and empty
-- inputs.
--
SET TimeZone = 'UTC';

-- Closed forms. Pareto/NBD r = 1, alpha = 1, s = 2, beta = 1:
-- E[X(t)] = r beta / (alpha (s - 1)) [1 - (beta / (beta + t))^(s - 1)] = t / (1 + t).
-- BG/NBD r = 2, alpha = 1, a = 2, b = 1: a + b - 1 = r, so 2F1(r, b; r; z) =
-- (1 - z)^-b and E[X(t)] = r / (a - 1) [1 - (alpha / (alpha + t))^(r - b)] = 2t / (1 + t).
-- Customers first seen on start - 1 (one), start (two) and start + 2 (one),
-- 'day' units: element 1 = 2/3 + 2 (1/2) = 5/3, element 2 = 3/4 + 2 (2/3)
-- = 25/12, element 3 = 4/5 + 2 (3/4) + 1/2 = 14/5 (the last customer
-- counts from element 3: at start + 2 its age is 0).
CREATE TABLE tracking_tiny (customer_id integer, first_purchase date);
INSERT INTO tracking_tiny VALUES (1, '2024-01-09'), (2, '2024-01-10'), (3, '2024-01-10'), (4, '2024-01-12');

SELECT abs(c[1] - 5.0 / 3) < 1e-14 AND abs(c[2] - 25.0 / 12) < 1e-14 AND abs(c[3] - 14.0 / 5) < 1e-14 AS pareto_closed_form,
       array_length(c, 1) AS periods
FROM (SELECT pareto_nbd_tracking(pareto_nbd_model(1, 1, 2, 1), first_purchase, date '2024-01-10', 3, 'day') AS c
      FROM tracking_tiny) AS s;
SELECT abs(c[1] - 10.0 / 3) < 1e-12 AND abs(c[2] - 25.0 / 6) < 1e-12 AND abs(c[3] - 28.0 / 5) < 1e-12 AS bgnbd_closed_form
FROM (SELECT bgnbd_tracking(bgnbd_model(2, 1, 2, 1), first_purchase, date '2024-01-10', 3, 'day') AS c
      FROM tracking_tiny) AS s;
-- in weeks: element 1 is at start + 7 days, ages 8/7, 1 (twice), 5/7
SELECT abs(c[1] - ((8.0 / 7) / (1 + 8.0 / 7) + 2 * 0.5 + (5.0 / 7) / (1 + 5.0 / 7))) < 1e-14 AS pareto_weeks
FROM (SELECT pareto_nbd_tracking(pareto_nbd_model(1, 1, 2, 1), first_purchase, date '2024-01-10', 1, 'week') AS c
      FROM tracking_tiny) AS s;
-- the same as timestamptz at midnight: the same whole days
SELECT pareto_nbd_tracking(pareto_nbd_model(1, 1, 2, 1), first_purchase::timestamptz, timestamptz '2024-01-10', 3, 'day')
     = pareto_nbd_tracking(pareto_nbd_model(1, 1, 2, 1), first_purchase, date '2024-01-10', 3, 'day') AS timestamptz_same
FROM tracking_tiny;

-- A population: 3,000 customers first seen over 400 days (an LCG), the
-- CDNOW BG/NBD estimates (weeks) and a Pareto/NBD model.
CREATE TABLE tracking_customers AS
SELECT g AS customer_id,
       date '2023-06-01' + ((g::bigint * 1103515245 + 12345) % 2147483648 % 400)::integer AS first_purchase,
       timestamptz '2023-06-01 00:00+00'
           + ((g::bigint * 1103515245 + 12345) % 2147483648 % 400) * interval '1 day'
           + ((g::bigint * 69069 + 1) % 86400) * interval '1 second' AS first_at
FROM generate_series(1, 3000) AS g;
-- Pareto/NBD E[X(t)] of a new customer in plain SQL (Schmittlein et al.
-- 1987): r beta / (alpha (s - 1)) [1 - (beta / (beta + t))^(s - 1)]
CREATE FUNCTION pg_temp.pareto_nbd_new(m pareto_nbd, t float8) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT
AS $$SELECT (m).r * (m).beta / ((m).alpha * ((m).s - 1)) * (1 - ((m).beta / ((m).beta + t)) ^ ((m).s - 1))$$;
CREATE TABLE tracking_models AS
SELECT bgnbd_model(0.243, 4.414, 0.793, 2.426) AS bg, pareto_nbd_model(0.55, 10.58, 0.61, 11.67) AS pn;

-- dates, every unit: the aggregate against the sum of the accessor over
-- the customers first seen before each instant (start 2024-01-01)
CREATE TABLE tracking_cases (unit time_unit, periods integer);
INSERT INTO tracking_cases VALUES ('day', 60), ('week', 40), ('month', 12);
WITH agg AS (
    SELECT c.unit, k, (SELECT bgnbd_tracking(m.bg, t.first_purchase, date '2024-01-01', c.periods, c.unit)
                        FROM tracking_customers AS t, tracking_models AS m) AS bg_curve,
           (SELECT pareto_nbd_tracking(m.pn, t.first_purchase, date '2024-01-01', c.periods, c.unit)
            FROM tracking_customers AS t, tracking_models AS m) AS pn_curve
    FROM tracking_cases AS c, generate_series(1, c.periods) AS k
), reference AS (
    SELECT c.unit, k,
           sum(bgnbd_expected_purchases(m.bg, ((date '2024-01-01' + k * u) - t.first_purchase)::float8 / u)) AS bg,
           sum(pg_temp.pareto_nbd_new(m.pn, ((date '2024-01-01' + k * u) - t.first_purchase)::float8 / u)) AS pn
    FROM tracking_cases AS c
    CROSS JOIN LATERAL (SELECT CASE c.unit WHEN 'day' THEN 1 WHEN 'week' THEN 7 ELSE 30 END AS u) AS units
    CROSS JOIN generate_series(1, c.periods) AS k
    CROSS JOIN tracking_models AS m
    JOIN tracking_customers AS t ON t.first_purchase < date '2024-01-01' + k * u
    GROUP BY c.unit, k
)
SELECT a.unit, count(*) AS periods,
       bool_and(abs(a.bg_curve[a.k] - r.bg) <= 1e-9 * r.bg) AS bgnbd_equal,
       bool_and(abs(a.pn_curve[a.k] - r.pn) <= 1e-9 * r.pn) AS pareto_nbd_equal,
       bool_and(a.bg_curve[a.k] > 0 AND a.pn_curve[a.k] > 0) AS positive
FROM agg AS a JOIN reference AS r USING (unit, k)
GROUP BY a.unit ORDER BY a.unit;

-- timestamptz: t is btyd_summary's t of the customer (a single order at
-- first_at) as of start + k units of 24-hour days
WITH agg AS (
    SELECT c.unit, k, (SELECT bgnbd_tracking(m.bg, t.first_at, timestamptz '2024-01-01 13:30+00', c.periods, c.unit)
                        FROM tracking_customers AS t, tracking_models AS m) AS bg_curve,
           (SELECT pareto_nbd_tracking(m.pn, t.first_at, timestamptz '2024-01-01 13:30+00', c.periods, c.unit)
            FROM tracking_customers AS t, tracking_models AS m) AS pn_curve
    FROM tracking_cases AS c, generate_series(1, c.periods) AS k
), ages AS (
    SELECT c.unit, k, (btyd_summary(t.first_at, 1.0, timestamptz '2024-01-01 13:30+00' + k * u * interval '24 hours', c.unit)).t AS age
    FROM tracking_cases AS c
    CROSS JOIN LATERAL (SELECT CASE c.unit WHEN 'day' THEN 1 WHEN 'week' THEN 7 ELSE 30 END AS u) AS units
    CROSS JOIN generate_series(1, c.periods) AS k
    CROSS JOIN tracking_customers AS t
    GROUP BY c.unit, k, t.customer_id
), reference AS (
    SELECT a.unit, a.k, sum(bgnbd_expected_purchases(m.bg, a.age)) AS bg,
           sum(pg_temp.pareto_nbd_new(m.pn, a.age)) AS pn
    FROM ages AS a, tracking_models AS m WHERE a.age IS NOT NULL
    GROUP BY a.unit, a.k
)
SELECT a.unit, count(*) AS periods,
       bool_and(abs(a.bg_curve[a.k] - r.bg) <= 1e-9 * r.bg) AS bgnbd_equal,
       bool_and(abs(a.pn_curve[a.k] - r.pn) <= 1e-9 * r.pn) AS pareto_nbd_equal
FROM agg AS a JOIN reference AS r USING (unit, k)
GROUP BY a.unit ORDER BY a.unit;

-- the curve is cumulative: it never decreases
SELECT bool_and(c[k] >= c[k - 1]) AS nondecreasing
FROM (SELECT bgnbd_tracking(m.bg, t.first_purchase, date '2023-01-01', 100, 'week') AS c
      FROM tracking_customers AS t, tracking_models AS m) AS s, generate_series(2, 100) AS k;

-- customers first seen after the last instant add nothing; with only
-- those, every element is 0
SELECT bgnbd_tracking(bgnbd_model(0.243, 4.414, 0.793, 2.426), d, date '2024-01-01', 3, 'week')
FROM (VALUES (date '2024-01-22'), (date '2024-06-01')) AS v(d);

-- NULLs and empty input: rows with a NULL argument are skipped; no row
-- (or only such rows) gives NULL; a model with a NULL parameter (a failed
-- fit) gives NULL, as the accessors do
SELECT bgnbd_tracking(bgnbd_model(1, 1, 1, 1), d, date '2024-01-01', 2, 'day') IS NULL AS empty_is_null
FROM (SELECT date '2024-01-01' WHERE false) AS v(d);
SELECT pareto_nbd_tracking(m, d, date '2024-01-10', 3, 'day') IS NULL AS null_model_rows_skipped
FROM (VALUES (NULL::pareto_nbd, date '2024-01-09'), (NULL::pareto_nbd, date '2024-01-10')) AS v(m, d);
SELECT pareto_nbd_tracking(pareto_nbd_model(1, 1, 2, 1), d, date '2024-01-10', 3, 'day')
     = (SELECT pareto_nbd_tracking(pareto_nbd_model(1, 1, 2, 1), first_purchase, date '2024-01-10', 3, 'day') FROM tracking_tiny)
     AS null_first_purchase_skipped
FROM (SELECT first_purchase FROM tracking_tiny UNION ALL SELECT NULL) AS v(d);
SELECT bgnbd_tracking(m, date '2024-01-01', date '2024-01-10', 3, 'day') IS NULL AS failed_fit_is_null
FROM (SELECT jsonb_populate_record(NULL::bgnbd, '{"n": 10}')) AS v(m);
-- one curve per group
SELECT customer_id % 2 AS grp, bgnbd_tracking(bgnbd_model(2, 1, 2, 1), first_purchase, date '2024-01-10', 2, 'day')::numeric(10,6)[] AS curve
FROM tracking_tiny GROUP BY 1 ORDER BY 1;

DROP TABLE tracking_tiny, tracking_customers, tracking_models, tracking_cases;
