--
-- simulate_orders with staggered acquisition (doc/simulate_orders.md):
-- the rows are the cohort overload's, each customer shifted to a first
-- purchase day drawn uniformly from the acquisition window and cut at the
-- common end; deterministic for a seed; first purchases are uniform over
-- the window (a chi-square test and the mean); BG/NBD parameter recovery
-- still works when T varies between customers; bad arguments are 22023.
--
BEGIN;
SELECT plan(19);

-- acquisition_days = 1: the cohort overload's rows
SELECT is((SELECT count(*) FROM (
    (SELECT * FROM simulate_orders(2000, 5, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '2024-01-01', 273, 1)
     EXCEPT ALL SELECT * FROM simulate_orders(2000, 5, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '2024-01-01', 273))
    UNION ALL
    (SELECT * FROM simulate_orders(2000, 5, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '2024-01-01', 273)
     EXCEPT ALL SELECT * FROM simulate_orders(2000, 5, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '2024-01-01', 273, 1))) AS d),
    0::bigint, 'acquisition_days 1 gives the cohort rows');

-- a seed gives the same rows; another seed others; customer i's rows do
-- not depend on how many customers are asked for
SELECT is((SELECT md5(string_agg(s::text, ',' ORDER BY customer_id, order_at, amount))
           FROM simulate_orders(3000, 42, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '2024-01-01', 546, 365) AS s),
          (SELECT md5(string_agg(s::text, ',' ORDER BY customer_id, order_at, amount))
           FROM simulate_orders(3000, 42, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '2024-01-01', 546, 365) AS s),
          'the same seed gives the same rows');
SELECT isnt((SELECT md5(string_agg(s::text, ',' ORDER BY customer_id, order_at, amount))
             FROM simulate_orders(3000, 42, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '2024-01-01', 546, 365) AS s),
            (SELECT md5(string_agg(s::text, ',' ORDER BY customer_id, order_at, amount))
             FROM simulate_orders(3000, 43, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '2024-01-01', 546, 365) AS s),
            'another seed gives other rows');
SELECT is((SELECT count(*) FROM (
    (SELECT * FROM simulate_orders(1000, 42, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '2024-01-01', 546, 365)
     EXCEPT ALL SELECT * FROM simulate_orders(3000, 42, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '2024-01-01', 546, 365) WHERE customer_id <= 1000)
    UNION ALL
    (SELECT * FROM simulate_orders(3000, 42, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '2024-01-01', 546, 365) WHERE customer_id <= 1000
     EXCEPT ALL SELECT * FROM simulate_orders(1000, 42, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '2024-01-01', 546, 365))) AS d),
    0::bigint, 'customer i''s rows do not depend on the number of customers');

-- the shift: each customer's rows are the cohort rows moved to its first
-- purchase day A, the orders on or after the common end cut
CREATE TEMP TABLE staggered AS
SELECT * FROM simulate_orders(5000, 11, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '2024-01-01', 546, 365);
CREATE TEMP TABLE cohort AS
SELECT * FROM simulate_orders(5000, 11, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '2024-01-01', 546);
CREATE TEMP TABLE acquisition AS
SELECT customer_id, min(order_at) - date '2024-01-01' AS a FROM staggered GROUP BY customer_id;
SELECT is((SELECT count(*) FROM acquisition), 5000::bigint, 'every customer has a first order');
SELECT is((SELECT count(*) FROM (
    (SELECT * FROM staggered
     EXCEPT ALL
     SELECT c.customer_id, c.order_at + q.a, c.amount FROM cohort AS c JOIN acquisition AS q USING (customer_id)
     WHERE c.order_at + q.a < date '2024-01-01' + 546)
    UNION ALL
    (SELECT c.customer_id, c.order_at + q.a, c.amount FROM cohort AS c JOIN acquisition AS q USING (customer_id)
     WHERE c.order_at + q.a < date '2024-01-01' + 546
     EXCEPT ALL
     SELECT * FROM staggered)) AS d),
    0::bigint, 'each customer''s orders are its cohort orders shifted to its first purchase and cut at start + days');
SELECT is((SELECT min(a) >= 0 AND max(a) <= 364 FROM acquisition), true,
          'first purchases fall in start .. start + acquisition_days - 1');
SELECT is((SELECT max(order_at) < date '2024-01-01' + 546 FROM staggered), true, 'no order on or after start + days');

-- uniform first purchases: 100,000 customers over 360 days in 12 bins of
-- 30 days; the chi-square statistic (11 degrees of freedom) stays below
-- 31.26, its 0.999 quantile (and the 0.001 quantile, 1.95, above it), and
-- the mean day is 179.5 within 4 standard errors (sd 360 / sqrt(12))
CREATE TEMP TABLE first_days AS
SELECT min(order_at) - date '2024-01-01' AS a
FROM simulate_orders(100000, 3, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '2024-01-01', 400, 360)
GROUP BY customer_id;
SELECT cmp_ok((SELECT sum((n - 100000 / 12.0) ^ 2 / (100000 / 12.0))
               FROM (SELECT a / 30 AS bin, count(*) AS n FROM first_days GROUP BY 1) AS b)::float8,
              '<', 31.26::float8, 'first purchase bins: chi-square below the 0.999 quantile');
SELECT cmp_ok((SELECT sum((n - 100000 / 12.0) ^ 2 / (100000 / 12.0))
               FROM (SELECT a / 30 AS bin, count(*) AS n FROM first_days GROUP BY 1) AS b)::float8,
              '>', 1.95::float8, 'first purchase bins: chi-square above the 0.001 quantile (not too even)');
SELECT is((SELECT count(DISTINCT a) FROM first_days), 360::bigint, 'every day of the window is a first purchase day');
SELECT ok((SELECT abs(avg(a) - 179.5) <= 4 * sqrt((360.0 ^ 2 - 1) / 12) / sqrt(100000) FROM first_days),
          'the mean first purchase day is 179.5 within 4 standard errors');

-- BG/NBD recovery with staggered T: 8 replicates of 12,500 customers
-- acquired over the first half of 2,730 days (T from 195 to 390 weeks), at
-- a tenth of the CDNOW rates (test/models_recovery.sql says why); the
-- pooled fit is within 4 standard errors (spread of the replicates /
-- sqrt(8)) of the truth
CREATE TEMP TABLE staggered_summaries AS
SELECT s AS replicate, o.customer_id,
       (btyd_summary(o.order_at, o.amount, date '2015-01-01' + 2730, 'week')).*
FROM generate_series(1, 8) AS s,
     LATERAL simulate_orders(12500, s, 0.243, 44.14, 0.793, 2.426, 6.25, 3.74, 15.44,
                             date '2015-01-01', 2730, 1365) AS o
GROUP BY s, o.customer_id;
CREATE TEMP TABLE staggered_fits AS
SELECT replicate, bgnbd_fit(frequency, recency, t) AS bg FROM staggered_summaries GROUP BY replicate;
CREATE TEMP TABLE staggered_pooled AS SELECT bgnbd_fit(frequency, recency, t) AS bg FROM staggered_summaries;
SELECT ok((SELECT count(DISTINCT t) > 1000 FROM staggered_summaries), 'T varies between customers');
SELECT ok(abs(pooled - truth) <= 4 * sd / sqrt(8),
          format('%s: fitted %s, truth %s, standard error %s', name, round(pooled::numeric, 4), truth,
                 round((sd / sqrt(8))::numeric, 4)))
FROM (VALUES
    ('r', 0.243, (SELECT (bg).r FROM staggered_pooled), (SELECT stddev_samp((bg).r) FROM staggered_fits)),
    ('alpha', 44.14, (SELECT (bg).alpha FROM staggered_pooled), (SELECT stddev_samp((bg).alpha) FROM staggered_fits)),
    ('a', 0.793, (SELECT (bg).a FROM staggered_pooled), (SELECT stddev_samp((bg).a) FROM staggered_fits)),
    ('b', 2.426, (SELECT (bg).b FROM staggered_pooled), (SELECT stddev_samp((bg).b) FROM staggered_fits))
) AS v(name, truth, pooled, sd) ORDER BY name;

-- bad arguments
SELECT throws_ok($$SELECT * FROM simulate_orders(10, 1, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '2024-01-01', 273, 0)$$,
                 '22023', 'acquisition_days must be between 1 and days');
SELECT throws_ok($$SELECT * FROM simulate_orders(10, 1, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '2024-01-01', 273, 274)$$,
                 '22023', 'acquisition_days must be between 1 and days');

SELECT * FROM finish();
ROLLBACK;
