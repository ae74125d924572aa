--
-- Exact float8 sums (issue 12, item 5): rfm's float8 monetary sum and
-- btyd_summary's monetary_value are the exact sum of the amounts rounded
-- once, so no row order and no parallel plan changes them. The expected
-- values are closed forms: amounts that cancel exactly (x and -x) around
-- small integers, whose exact sum is an integer, and ten 0.1s, whose exact
-- sum 10 * 0.1000000000000000055511151231257827 rounds to 1 (adding them
-- in order gives 0.9999999999999999). Correct rounding of arbitrary sums
-- against Python's math.fsum: test/t/111_exact_sums.pl.
--
-- Named regressions:
--   rfm_float8_sum_cancel: {12345.67, -1e32, 1e32, -1e16, 1e16} gave
--     12345.67 or 12346 depending on row order (every permutation here).
--   rfm_float8_sum_orders: 300 row orders of 250 cancelling values gave 59
--     distinct sums.
--   btyd_summary_parallel_exact: serial and parallel plans differed in the
--     last digits of monetary_value.
--
BEGIN;
SELECT plan(16);

-- rfm_float8_sum_cancel: all 120 orders of the five amounts
CREATE TEMP TABLE five (i integer, a float8);
INSERT INTO five VALUES (1, 12345.67), (2, -1e32), (3, 1e32), (4, -1e16), (5, 1e16);
CREATE TEMP TABLE perms AS
SELECT ARRAY[a.i, b.i, c.i, d.i, e.i] AS p
FROM five a, five b, five c, five d, five e
WHERE (SELECT count(DISTINCT x) FROM unnest(ARRAY[a.i, b.i, c.i, d.i, e.i]) AS x) = 5;
SELECT is((SELECT count(*) FROM perms), 120::bigint, 'rfm_float8_sum_cancel: 120 row orders');
SELECT is(array_agg(DISTINCT (x).monetary), ARRAY[12345.67::float8::numeric],
          'rfm_float8_sum_cancel: rfm gives 12345.67 in every row order')
FROM (SELECT rfm(date '2024-01-01', f.a, date '2024-02-01' ORDER BY u.o) AS x
      FROM perms, unnest(p) WITH ORDINALITY AS u(i, o) JOIN five AS f USING (i)
      GROUP BY p) AS t;
-- btyd_summary: a first day of 0, the five amounts on one repeat day
SELECT is(array_agg(DISTINCT (x).monetary_value), ARRAY[12345.67::float8],
          'rfm_float8_sum_cancel: btyd_summary monetary_value is 12345.67 in every row order')
FROM (SELECT btyd_summary(d, a, date '2024-02-01', 'day' ORDER BY o) AS x
      FROM (SELECT p, date '2024-01-02' AS d, f.a, u.o
            FROM perms, unnest(p) WITH ORDINALITY AS u(i, o) JOIN five AS f USING (i)
            UNION ALL SELECT p, date '2024-01-01', 0, 0 FROM perms) AS r
      GROUP BY p) AS t;

-- rfm_float8_sum_orders: 100 pairs x, -x (x from 1e-20 to 1e25) and the
-- integers 1..50, exact sum 1275, in 300 orders (position * k + j mod 251)
CREATE TEMP TABLE cancel AS
SELECT n, a FROM (
    SELECT n, (((n * 7919) % 1000003) + 1) * power(10::float8, (n * 31) % 46 - 20) AS a
    FROM generate_series(1, 100) AS n
    UNION ALL SELECT 100 + n, -(((n * 7919) % 1000003) + 1) * power(10::float8, (n * 31) % 46 - 20)
    FROM generate_series(1, 100) AS n
    UNION ALL SELECT 200 + n, n::float8 FROM generate_series(1, 50) AS n) AS v;
CREATE TEMP TABLE cancel_orders AS
SELECT k, rfm(date '2024-01-01', a, date '2024-02-01' ORDER BY (n * (1 + k % 250) + k / 250) % 251) AS x,
       btyd_summary(CASE WHEN n = 0 THEN date '2024-01-01' ELSE date '2024-01-02' END, a, date '2024-02-01', 'day'
                    ORDER BY (n * (1 + k % 250) + k / 250) % 251) AS b
FROM generate_series(0, 299) AS k, (SELECT n, a FROM cancel UNION ALL SELECT 0, 0) AS c
GROUP BY k;
SELECT is(array_agg(DISTINCT (x).monetary), ARRAY[1275::numeric],
          'rfm_float8_sum_orders: 300 row orders of 250 cancelling amounts all sum to 1275')
FROM cancel_orders;
SELECT is(array_agg(DISTINCT (b).monetary_value), ARRAY[1275::float8],
          'rfm_float8_sum_orders: btyd_summary monetary_value is 1275 in all 300 orders')
FROM cancel_orders;
-- the orders are distinct orders: a plain float8 sum in them is not exact
SELECT ok(count(DISTINCT s) > 1, 'rfm_float8_sum_orders: sum(float8) in the same orders gives '
          || count(DISTINCT s) || ' sums')
FROM (SELECT k, sum(a ORDER BY (n * (1 + k % 250) + k / 250) % 251) AS s
      FROM generate_series(0, 299) AS k, cancel GROUP BY k) AS t;

-- ten 0.1s: exact sum rounds to 1, not 0.9999999999999999
SELECT is((SELECT (btyd_summary(d, 0.1::float8, date '2024-02-01', 'day')).monetary_value
           FROM (SELECT CASE WHEN g = 0 THEN date '2024-01-01' ELSE date '2024-01-02' END FROM generate_series(0, 10) AS g) AS v(d)),
          1::float8, 'btyd_summary: ten 0.1s on a repeat day sum to exactly 1');
SELECT is((SELECT sum(0.1::float8) FROM generate_series(1, 10)) < 1, true, 'sum(float8) of ten 0.1s is below 1');
-- intermediate sums never overflow; only the exact sum's value counts
SELECT is(array_agg(DISTINCT (x).monetary), ARRAY[1e308::float8::numeric],
          'rfm: 1e308 + 1e308 - 1e308 is 1e308 in every order')
FROM (SELECT rfm(date '2024-01-01', a, date '2024-02-01' ORDER BY (i * k) % 3) AS x
      FROM (VALUES (1, 1e308::float8), (2, 1e308), (3, -1e308)) AS v(i, a), generate_series(1, 2) AS k
      GROUP BY k) AS t;
SELECT throws_ok($$SELECT rfm(date '2024-01-01', a, date '2024-02-01') FROM (VALUES (1e308::float8), (1e308), (-1e300)) AS v(a)$$,
                 '22003', 'value out of range: overflow', 'rfm: an exact sum beyond float8 is 22003');
SELECT is((SELECT btyd_summary(date '2024-01-01', a, date '2024-02-01', 'day') FROM (VALUES (1e308::float8), (1e308)) AS v(a))::text,
          '(0,0,31,0)', 'btyd_summary: the first day''s sum is not a result and cannot overflow');
SELECT is((SELECT (btyd_summary(d, a, date '2024-02-01', 'day')).monetary_value
           FROM (VALUES (date '2024-01-01', 0::float8), ('2024-01-02', 5e-324), ('2024-01-02', 5e-324), ('2024-01-02', -5e-324)) AS v(d, a)),
          5e-324::float8, 'btyd_summary: subnormal amounts sum exactly');

-- btyd_summary_parallel_exact: serial against parallel plans, per customer
-- (states of a customer meet in combines) and over one group
-- a plain table (rolled back at the end): temporary tables are never scanned in parallel
CREATE TABLE par_orders AS
SELECT g % 2000 AS customer_id, date '2024-01-01' + (g * 7 % 300) AS order_date,
       ((g::bigint * 2654435761) % 1000003) / 100.0::float8 * power(10::float8, g % 7 - 3)
       * CASE WHEN g % 5 = 0 THEN -1 ELSE 1 END AS amount
FROM generate_series(1, 200000) AS g;
ALTER TABLE par_orders SET (parallel_workers = 2);
ANALYZE par_orders;
SET LOCAL max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE par_serial AS
SELECT customer_id, btyd_summary(order_date, amount, date '2025-01-01', 'week')::text AS b,
       rfm(order_date, amount, date '2025-01-01')::text AS r
FROM par_orders GROUP BY customer_id;
CREATE TEMP TABLE par_serial_one AS
SELECT btyd_summary(order_date, amount, date '2025-01-01', 'day')::text AS b,
       rfm(order_date, amount, date '2025-01-01')::text AS r FROM par_orders;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_leader_participation = off;
SET LOCAL enable_hashagg = off;
CREATE FUNCTION pg_temp.partial(query text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
    RETURN position('"Partial Mode": "Partial"' IN plan::text) > 0;
END $$;
SELECT ok(pg_temp.partial($$SELECT customer_id, btyd_summary(order_date, amount, date '2025-01-01', 'week'),
                                   rfm(order_date, amount, date '2025-01-01') FROM par_orders GROUP BY customer_id$$),
          'btyd_summary_parallel_exact: the per-customer plan has a Partial Aggregate');
SELECT is((SELECT count(*) FROM (
    SELECT customer_id, btyd_summary(order_date, amount, date '2025-01-01', 'week')::text,
           rfm(order_date, amount, date '2025-01-01')::text
    FROM par_orders GROUP BY customer_id
    EXCEPT SELECT customer_id, b, r FROM par_serial) AS d), 0::bigint,
    'btyd_summary_parallel_exact: 2,000 customers, parallel equals serial (btyd_summary and rfm, every digit)');
SELECT ok(pg_temp.partial($$SELECT btyd_summary(order_date, amount, date '2025-01-01', 'day') FROM par_orders$$),
          'btyd_summary_parallel_exact: the one-group plan has a Partial Aggregate');
SELECT is((SELECT btyd_summary(order_date, amount, date '2025-01-01', 'day')::text || ' '
                  || rfm(order_date, amount, date '2025-01-01')::text FROM par_orders),
          (SELECT b || ' ' || r FROM par_serial_one),
          'btyd_summary_parallel_exact: one group of 200,000 rows, parallel equals serial');

SELECT * FROM finish();
ROLLBACK;
