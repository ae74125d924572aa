--
-- cltv and payback_periods: exact-valued examples of the closed forms and
-- the finite sums, the boundaries (churn 0 and 1, horizon 0 and 1), NULL
-- arguments, named arguments, overflow to 22003, each error, and grids
-- checked against the explicit sums computed in plain SQL.
--
SET extra_float_digits = 0;

-- 10,000 a month at 1% churn is 1,000,000
SELECT cltv(10000, 0.01) AS clv;
-- 100 + 50 + 25 over three periods; half of it at 50% margin
SELECT cltv(100, 0.5, 0, 1, 3) AS clv, cltv(100, 0.5, 0, 0.5, 3) AS clv_margin;
-- no churn over a horizon of 12 periods; full churn keeps only period 0
SELECT cltv(100, 0, 0, 1, 12) AS no_churn, cltv(100, 1, 0, 1, 12) AS full_churn, cltv(100, 1) AS full_churn_unbounded;
-- discounting: 100 (1 + d) / (d + c)
SELECT cltv(100, 0, 0.25) AS discount_only, cltv(100, 0.5, 1) AS both;
-- horizon 0 is worth nothing, horizon 1 is the first period
SELECT cltv(100, 0.2, 0, 1, 0) AS h0, cltv(100, 0.2, 0, 1, 1) AS h1;
-- NULL horizon is the unbounded form; NULL elsewhere gives NULL
SELECT cltv(100, 0.2, 0, 1, NULL) AS unbounded, cltv(100, 0.2, NULL) IS NULL AS null_discount, cltv(NULL, 0.2) IS NULL AS null_revenue;
SELECT cltv(avg_revenue => 10000, churn_rate => 0.01, horizon => 2) AS named;
-- negative revenue (a loss-making customer) is allowed
SELECT cltv(-10, 0.5) AS loss;

-- errors
SELECT cltv(100, 0);
SELECT cltv(100, -0.1);
SELECT cltv(100, 1.5);
SELECT cltv(100, 'NaN');
SELECT cltv('Infinity', 0.1);
SELECT cltv(100, 0.1, -0.05);
SELECT cltv(100, 0.1, 0, 'NaN');
SELECT cltv(100, 0.1, 0, 1, -1);
SELECT cltv(1e308, 0.001);
SELECT cltv(1e300, 0, 0, 1e10, 100);

-- the finite horizon equals the explicit sum, on both sides of the switch
-- from period-by-period sums to the closed form (1000 periods)
WITH grid AS (
    SELECT r, c, d, m, h
    FROM (VALUES (100.0::float8), (2.5)) AS rv(r),
         (VALUES (0.0::float8), (0.01), (0.3), (1.0)) AS cv(c),
         (VALUES (0.0::float8), (0.05), (0.5)) AS dv(d),
         (VALUES (1.0::float8), (0.4)) AS mv(m),
         (VALUES (1), (2), (12), (999), (1000), (1001), (5000)) AS hv(h)
), reference AS (
    SELECT g.*, (SELECT sum(m * r * CASE WHEN t = 0 THEN 1 WHEN c = 1 THEN 0
                                         WHEN t * (ln(1 - c) - ln(1 + d)) < -700 THEN 0
                                         ELSE power(1 - c, t) / power(1 + d, t) END)
                 FROM generate_series(0, h - 1) AS t) AS expected
    FROM grid AS g
)
SELECT count(*) AS cases,
       count(*) FILTER (WHERE abs(cltv(r, c, d, m, h) - expected) <= 1e-10 * abs(expected)) AS agree
FROM reference;
-- the unbounded closed form is the limit of the finite sum
SELECT count(*) AS cases,
       count(*) FILTER (WHERE abs(cltv(100, c, d) - cltv(100, c, d, 1, 100000)) <= 1e-9 * cltv(100, c, d)) AS agree
FROM unnest(ARRAY[0.0, 0.01, 0.3, 1.0]) AS c, unnest(ARRAY[0.0, 0.05, 0.5]) AS d
WHERE c + d >= 0.01;

-- payback: 100,000 / 10,000 is 10 periods
SELECT payback_periods(100000, 10000) AS periods;
-- with 50% churn: 100 + 50 reaches 150 in 2, 151 needs 3, 200 is the limit
SELECT payback_periods(150, 100, 0.5) AS p150, payback_periods(151, 100, 0.5) AS p151, payback_periods(200, 100, 0.5) IS NULL AS p200_never;
-- nothing to pay back; no margin; full churn
SELECT payback_periods(0, 100) AS free, payback_periods(100, 0) IS NULL AS no_margin,
       payback_periods(100, 100, 1) AS full_churn, payback_periods(101, 100, 1) IS NULL AS full_churn_never;
-- beyond a million periods the closed form answers
SELECT payback_periods(1e9, 1) AS billion;
SELECT payback_periods(1e12, 1e-3);
SELECT payback_periods(-1, 100);
SELECT payback_periods(100, -1);
SELECT payback_periods(100, 10, 2);
SELECT payback_periods('NaN', 10);
SELECT payback_periods(100, 10, NULL) IS NULL AS null_churn;

-- payback against the cumulative sums computed in SQL (window running sums)
WITH grid AS (
    SELECT cac, m, c
    FROM unnest(ARRAY[1.0, 99.0, 100.0, 250.0, 999.0]::float8[]) AS cac,
         unnest(ARRAY[1.0, 7.5, 100.0]::float8[]) AS m,
         unnest(ARRAY[0.0, 0.001, 0.05, 0.5, 1.0]::float8[]) AS c
), running AS (
    SELECT cac, m, c, t + 1 AS n,
           sum(m * CASE WHEN t = 0 THEN 1 WHEN c = 1 THEN 0
                        WHEN t * ln(1 - c) < -700 THEN 0 ELSE power(1 - c, t) END) OVER (PARTITION BY cac, m, c ORDER BY t) AS cumulative
    FROM grid, generate_series(0, 9999) AS t
), reference AS (
    SELECT cac, m, c, min(n) FILTER (WHERE cumulative >= cac) AS expected
    FROM running GROUP BY cac, m, c
)
SELECT count(*) AS cases,
       count(*) FILTER (WHERE payback_periods(cac, m, c) IS NOT DISTINCT FROM expected) AS agree,
       count(expected) AS reachable
FROM reference;
