--
-- tracking_mbgnbd: mbgnbd_tracking (DESIGN section 6, for the MBG/NBD of
-- section 7; doc/clv.md, "Tracking"), date and timestamptz, against the
-- plain-SQL sum of mbgnbd_expected_purchases(model, t) (a new customer's
-- expectation, Batislam et al. 2007 eq. 10) over the customers first seen
-- before each instant, as sql/tracking.sql checks bgnbd_tracking; and the
-- same customers under bgnbd_tracking differ (the model is read as MBG/NBD).
--
SET TimeZone = 'UTC';
-- 3,000 customers first seen over 400 days (an LCG), lifetimes' CDNOW
-- MBG/NBD estimates (weeks)
CREATE TABLE tracking_mb_customers AS
SELECT g AS customer_id,
       date '2023-06-01' + ((g::bigint * 1103515245 + 12345) % 2147483648 % 400)::integer AS first_purchase,
       timestamptz '2023-06-01 00:00+00'
           + ((g::bigint * 1103515245 + 12345) % 2147483648 % 400) * interval '1 day'
           + ((g::bigint * 69069 + 1) % 86400) * interval '1 second' AS first_at
FROM generate_series(1, 3000) AS g;
CREATE TABLE tracking_mb_cases (unit time_unit, periods integer);
INSERT INTO tracking_mb_cases VALUES ('day', 60), ('week', 40), ('month', 12);

-- dates, every unit
WITH agg AS (
    SELECT c.unit, k, (SELECT mbgnbd_tracking(mbgnbd_model(0.525, 6.183, 0.891, 1.614), t.first_purchase, date '2024-01-01', c.periods, c.unit)
                        FROM tracking_mb_customers AS t) AS curve
    FROM tracking_mb_cases AS c, generate_series(1, c.periods) AS k
), reference AS (
    SELECT c.unit, k,
           sum(mbgnbd_expected_purchases(mbgnbd_model(0.525, 6.183, 0.891, 1.614),
                                         ((date '2024-01-01' + k * u) - t.first_purchase)::float8 / u)) AS e
    FROM tracking_mb_cases AS c
    CROSS JOIN LATERAL (SELECT CASE c.unit WHEN 'day' THEN 1 WHEN 'week' THEN 7 ELSE 30 END AS u) AS units
    CROSS JOIN generate_series(1, c.periods) AS k
    JOIN tracking_mb_customers AS t ON t.first_purchase < date '2024-01-01' + k * u
    GROUP BY c.unit, k
)
SELECT a.unit, count(*) AS periods,
       bool_and(abs(a.curve[a.k] - r.e) <= 1e-9 * r.e) AS mbgnbd_equal,
       bool_and(a.curve[a.k] > 0) AS positive
FROM agg AS a JOIN reference AS r USING (unit, k)
GROUP BY a.unit ORDER BY a.unit;

-- timestamptz: t is btyd_summary's t of the customer (a single order at
-- first_at) as of start + k units of 24-hour days
WITH agg AS (
    SELECT c.unit, k, (SELECT mbgnbd_tracking(mbgnbd_model(0.525, 6.183, 0.891, 1.614), t.first_at, timestamptz '2024-01-01 13:30+00', c.periods, c.unit)
                        FROM tracking_mb_customers AS t) AS curve
    FROM tracking_mb_cases AS c, generate_series(1, c.periods) AS k
), ages AS (
    SELECT c.unit, k, (btyd_summary(t.first_at, 1.0, timestamptz '2024-01-01 13:30+00' + k * u * interval '24 hours', c.unit)).t AS age
    FROM tracking_mb_cases AS c
    CROSS JOIN LATERAL (SELECT CASE c.unit WHEN 'day' THEN 1 WHEN 'week' THEN 7 ELSE 30 END AS u) AS units
    CROSS JOIN generate_series(1, c.periods) AS k
    CROSS JOIN tracking_mb_customers AS t
    GROUP BY c.unit, k, t.customer_id
), reference AS (
    SELECT a.unit, a.k, sum(mbgnbd_expected_purchases(mbgnbd_model(0.525, 6.183, 0.891, 1.614), a.age)) AS e
    FROM ages AS a WHERE a.age IS NOT NULL
    GROUP BY a.unit, a.k
)
SELECT a.unit, count(*) AS periods,
       bool_and(abs(a.curve[a.k] - r.e) <= 1e-9 * r.e) AS mbgnbd_equal
FROM agg AS a JOIN reference AS r USING (unit, k)
GROUP BY a.unit ORDER BY a.unit;

-- the model is read as MBG/NBD: BG/NBD with the same four numbers gives a
-- higher curve (its customers never drop out at the first purchase)
SELECT bool_and(bg[k] > mb[k]) AS bgnbd_differs
FROM (SELECT mbgnbd_tracking(mbgnbd_model(0.525, 6.183, 0.891, 1.614), first_purchase, date '2024-01-01', 10, 'week') AS mb,
             bgnbd_tracking(bgnbd_model(0.525, 6.183, 0.891, 1.614), first_purchase, date '2024-01-01', 10, 'week') AS bg
      FROM tracking_mb_customers) AS s, generate_series(1, 10) AS k;

-- cumulative: never decreasing
SELECT bool_and(c[k] >= c[k - 1]) AS nondecreasing
FROM (SELECT mbgnbd_tracking(mbgnbd_model(0.525, 6.183, 0.891, 1.614), first_purchase, date '2023-01-01', 100, 'week') AS c
      FROM tracking_mb_customers) AS s, generate_series(2, 100) AS k;

-- customers first seen after the last instant add nothing
SELECT mbgnbd_tracking(mbgnbd_model(0.525, 6.183, 0.891, 1.614), d, date '2024-01-01', 3, 'week')
FROM (VALUES (date '2024-01-22'), (date '2024-06-01')) AS v(d);

-- NULLs and empty input: rows with a NULL argument are skipped, no row
-- gives NULL, a model with a NULL parameter gives NULL
SELECT mbgnbd_tracking(mbgnbd_model(1, 1, 1, 1), d, date '2024-01-01', 2, 'day') IS NULL AS empty_is_null
FROM (VALUES (NULL::date)) AS v(d);
SELECT mbgnbd_tracking(ROW(1, NULL, 1, 1, NULL, NULL, NULL, NULL)::mbgnbd, date '2023-12-01', date '2024-01-01', 2, 'day') IS NULL AS null_parameter;

DROP TABLE tracking_mb_customers, tracking_mb_cases;
