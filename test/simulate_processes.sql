--
-- simulate_mbgnbd_orders, simulate_pareto_nbd_orders and
-- simulate_bgbb_histories (issue 16 item 6, doc/simulate_orders.md):
-- signatures and markings, determinism (same seed same rows, another seed
-- other rows, customer i independent of the number of customers),
-- staggered acquisition (acquisition_days 1 is the cohort; first purchase
-- days are simulate_orders'; the orders are the cohort's shifted), the
-- shape of the rows, the order limit (54000 beyond 1,000,000 orders of
-- one customer), and the statistics of 100,000 customers of each
-- process against the model's closed forms written here in plain SQL
-- (each sample mean or share within 4 of its standard errors, the standard
-- error from the sample's spread). Repeat purchases are counted as orders
-- (count(*) - 1, no merging by day), which is the process's count in
-- continuous time:
--   MBG/NBD (Batislam, Denizel & Filiztekin 2007, eq. 9 at n = 0):
--     P(X(t) = 0) = a / (a + b) + b / (a + b) (alpha / (alpha + t))^r
--   MBG/NBD E[X(t)] (eq. 10): mbgnbd_expected_purchases(model, t), which
--     test/t/251_mbgnbd.pl checks against mpmath
--   Pareto/NBD (Schmittlein, Morrison & Colombo 1987, eq. 17):
--     E[X(t)] = r beta / (alpha (s - 1)) (1 - (beta / (beta + t))^(s - 1))
--   BG/BB (Fader, Hardie & Shang 2010, eq. 5 at x = 0 and eq. 7), with
--     B(a, b + k) / B(a, b) = prod_{j<k} (b + j) / (a + b + j):
--     P(x = 0) = B(alpha, beta + n) / B(alpha, beta) B(gamma, delta + n) / B(gamma, delta)
--              + sum_{i<n} B(alpha, beta + i) / B(alpha, beta) B(gamma + 1, delta + i) / B(gamma, delta)
--     E[x] = alpha / (alpha + beta) sum_{k=1}^{n} B(gamma, delta + k) / B(gamma, delta)
--
BEGIN;
SELECT plan(44);
SET LOCAL statement_timeout = '120s';
\ir lib/setup.sql

-- signatures and markings
SELECT has_function('simulate_mbgnbd_orders', ARRAY['integer', 'integer', 'double precision', 'double precision',
    'double precision', 'double precision', 'double precision', 'double precision', 'double precision', 'date', 'integer']);
SELECT has_function('simulate_pareto_nbd_orders', ARRAY['integer', 'integer', 'double precision', 'double precision',
    'double precision', 'double precision', 'double precision', 'double precision', 'double precision', 'date', 'integer']);
SELECT has_function('simulate_bgbb_histories', ARRAY['integer', 'integer', 'double precision', 'double precision',
    'double precision', 'double precision', 'integer']);
SELECT has_function('simulate_mbgnbd_orders', ARRAY['integer', 'integer', 'double precision', 'double precision',
    'double precision', 'double precision', 'double precision', 'double precision', 'double precision', 'date', 'integer', 'integer']);
SELECT has_function('simulate_pareto_nbd_orders', ARRAY['integer', 'integer', 'double precision', 'double precision',
    'double precision', 'double precision', 'double precision', 'double precision', 'double precision', 'date', 'integer', 'integer']);
SELECT is((SELECT array_agg(DISTINCT pg_get_function_result(oid)) FROM pg_proc
           WHERE proname IN ('simulate_mbgnbd_orders', 'simulate_pareto_nbd_orders')),
          ARRAY['TABLE(customer_id bigint, order_at date, amount numeric)'],
          'the order simulations return simulate_orders'' columns');
SELECT is(pg_get_function_result('simulate_bgbb_histories'::regproc),
          'TABLE(customer_id bigint, frequency integer, recency integer, n_periods integer)',
          'simulate_bgbb_histories result columns');
SELECT is((SELECT count(*) FROM pg_proc
           WHERE proname IN ('simulate_mbgnbd_orders', 'simulate_pareto_nbd_orders', 'simulate_bgbb_histories')
             AND provolatile = 'i' AND proisstrict AND proparallel = 's' AND proretset),
          5::bigint, 'the five are IMMUTABLE STRICT PARALLEL SAFE set-returning functions');

-- determinism, per process
CREATE FUNCTION pg_temp.mbg(n integer, seed integer) RETURNS text LANGUAGE sql AS $$
    SELECT md5(string_agg(s::text, ',' ORDER BY customer_id, order_at, amount))
    FROM simulate_mbgnbd_orders(n, seed, 0.525, 6.183, 0.891, 1.614, 6.25, 3.74, 15.44, '2024-01-01', 273) AS s $$;
CREATE FUNCTION pg_temp.pnbd(n integer, seed integer) RETURNS text LANGUAGE sql AS $$
    SELECT md5(string_agg(s::text, ',' ORDER BY customer_id, order_at, amount))
    FROM simulate_pareto_nbd_orders(n, seed, 0.55, 10.58, 0.61, 11.67, 6.25, 3.74, 15.44, '2024-01-01', 273) AS s $$;
CREATE FUNCTION pg_temp.bgbb(n integer, seed integer) RETURNS text LANGUAGE sql AS $$
    SELECT md5(string_agg(s::text, ',' ORDER BY customer_id))
    FROM simulate_bgbb_histories(n, seed, 1.204, 0.750, 0.657, 2.783, 6) AS s $$;
SELECT is(pg_temp.mbg(3000, 42), pg_temp.mbg(3000, 42), 'MBG/NBD: the same seed gives the same orders');
SELECT isnt(pg_temp.mbg(3000, 42), pg_temp.mbg(3000, 43), 'MBG/NBD: another seed gives other orders');
SELECT is((SELECT md5(string_agg(s::text, ',' ORDER BY customer_id, order_at, amount))
           FROM simulate_mbgnbd_orders(3000, 42, 0.525, 6.183, 0.891, 1.614, 6.25, 3.74, 15.44, '2024-01-01', 273) AS s
           WHERE customer_id <= 1000), pg_temp.mbg(1000, 42),
          'MBG/NBD: customer i''s orders do not depend on the number of customers');
SELECT is(pg_temp.pnbd(3000, 42), pg_temp.pnbd(3000, 42), 'Pareto/NBD: the same seed gives the same orders');
SELECT isnt(pg_temp.pnbd(3000, 42), pg_temp.pnbd(3000, 43), 'Pareto/NBD: another seed gives other orders');
SELECT is((SELECT md5(string_agg(s::text, ',' ORDER BY customer_id, order_at, amount))
           FROM simulate_pareto_nbd_orders(3000, 42, 0.55, 10.58, 0.61, 11.67, 6.25, 3.74, 15.44, '2024-01-01', 273) AS s
           WHERE customer_id <= 1000), pg_temp.pnbd(1000, 42),
          'Pareto/NBD: customer i''s orders do not depend on the number of customers');
SELECT is(pg_temp.bgbb(3000, 42), pg_temp.bgbb(3000, 42), 'BG/BB: the same seed gives the same histories');
SELECT isnt(pg_temp.bgbb(3000, 42), pg_temp.bgbb(3000, 43), 'BG/BB: another seed gives other histories');
SELECT is((SELECT md5(string_agg(s::text, ',' ORDER BY customer_id))
           FROM simulate_bgbb_histories(3000, 42, 1.204, 0.750, 0.657, 2.783, 6) AS s
           WHERE customer_id <= 1000), pg_temp.bgbb(1000, 42),
          'BG/BB: customer i''s history does not depend on the number of customers');

-- MBG/NBD and BG/NBD share a customer's draws up to the first order
SELECT is((SELECT count(*) FROM (
              (SELECT DISTINCT ON (customer_id) * FROM simulate_orders(2000, 9, 0.525, 6.183, 0.891, 1.614, 6.25, 3.74, 15.44, '2024-01-01', 273)
               ORDER BY customer_id, order_at)
              EXCEPT
              (SELECT DISTINCT ON (customer_id) * FROM simulate_mbgnbd_orders(2000, 9, 0.525, 6.183, 0.891, 1.614, 6.25, 3.74, 15.44, '2024-01-01', 273)
               ORDER BY customer_id, order_at)) AS d),
          0::bigint, 'MBG/NBD: each customer''s first order is the BG/NBD one of the same seed');

-- staggered acquisition: acquisition_days 1 is the cohort; the first
-- purchase days are simulate_orders' (the same acquisition stream), the
-- repeat orders those of the cohort shifted and cut at start + days
SELECT is((SELECT md5(string_agg(s::text, ',' ORDER BY customer_id, order_at, amount))
           FROM simulate_mbgnbd_orders(1000, 42, 0.525, 6.183, 0.891, 1.614, 6.25, 3.74, 15.44, '2024-01-01', 273, 1) AS s),
          pg_temp.mbg(1000, 42), 'MBG/NBD: acquisition_days 1 gives the cohort rows');
SELECT is((SELECT md5(string_agg(s::text, ',' ORDER BY customer_id, order_at, amount))
           FROM simulate_pareto_nbd_orders(1000, 42, 0.55, 10.58, 0.61, 11.67, 6.25, 3.74, 15.44, '2024-01-01', 273, 1) AS s),
          pg_temp.pnbd(1000, 42), 'Pareto/NBD: acquisition_days 1 gives the cohort rows');
SELECT is((SELECT count(*) FROM (
              (SELECT customer_id, min(order_at) FROM simulate_pareto_nbd_orders(2000, 8, 0.55, 10.58, 0.61, 11.67, 6.25, 3.74, 15.44, '2024-01-01', 273, 84) GROUP BY 1)
              EXCEPT
              (SELECT customer_id, min(order_at) FROM simulate_orders(2000, 8, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '2024-01-01', 273, 84) GROUP BY 1)) AS d),
          0::bigint, 'Pareto/NBD: first purchase days of the staggered form are simulate_orders''');
SELECT is((SELECT count(*) FROM (
              (SELECT s.customer_id, s.order_at - f.shift, s.amount
               FROM simulate_mbgnbd_orders(2000, 8, 0.525, 6.183, 0.891, 1.614, 6.25, 3.74, 15.44, '2024-01-01', 273, 84) AS s
               JOIN (SELECT customer_id, min(order_at) - date '2024-01-01' AS shift
                     FROM simulate_mbgnbd_orders(2000, 8, 0.525, 6.183, 0.891, 1.614, 6.25, 3.74, 15.44, '2024-01-01', 273, 84)
                     GROUP BY 1) AS f USING (customer_id))
              EXCEPT ALL
              (SELECT c.customer_id, c.order_at, c.amount
               FROM simulate_mbgnbd_orders(2000, 8, 0.525, 6.183, 0.891, 1.614, 6.25, 3.74, 15.44, '2024-01-01', 273) AS c)) AS d),
          0::bigint, 'MBG/NBD: the staggered orders are cohort orders shifted by the first purchase day');

-- the shape of the rows
SELECT is((SELECT count(*) FROM simulate_pareto_nbd_orders(0, 1, 0.55, 10.58, 0.61, 11.67, 6.25, 3.74, 15.44, '2024-01-01', 273)),
          0::bigint, 'Pareto/NBD: zero customers give no rows');
SELECT is((SELECT count(*) FROM simulate_bgbb_histories(0, 1, 1, 1, 1, 1, 6)), 0::bigint, 'BG/BB: zero customers give no rows');
SELECT ok((SELECT min(order_at) = '2024-01-01' AND max(order_at) < date '2024-01-01' + 273
                  AND count(DISTINCT customer_id) = 2000 AND bool_and(amount >= 0 AND scale(amount) = 2)
           FROM simulate_pareto_nbd_orders(2000, 3, 0.55, 10.58, 0.61, 11.67, 6.25, 3.74, 15.44, '2024-01-01', 273)),
          'Pareto/NBD: every customer, orders within the window, amounts in cents');
SELECT ok((SELECT min(order_at) = '2024-01-01' AND max(order_at) < date '2024-01-01' + 273
                  AND count(DISTINCT customer_id) = 2000 AND bool_and(amount >= 0 AND scale(amount) = 2)
           FROM simulate_mbgnbd_orders(2000, 3, 0.525, 6.183, 0.891, 1.614, 6.25, 3.74, 15.44, '2024-01-01', 273)),
          'MBG/NBD: every customer, orders within the window, amounts in cents');
SELECT is((SELECT count(*) FROM simulate_pareto_nbd_orders(500, 3, 0.55, 10.58, 0.61, 11.67, 6.25, 3.74, 15.44, '2024-01-01', 0)),
          500::bigint, 'Pareto/NBD: a window of 0 days gives the first orders only');
SELECT ok((SELECT bool_and(n_periods = 6 AND frequency >= 0 AND frequency <= recency AND recency <= 6
                           AND (frequency = 0) = (recency = 0))
                  AND count(*) = 5000 AND min(customer_id) = 1 AND max(customer_id) = 5000
           FROM simulate_bgbb_histories(5000, 3, 1.204, 0.750, 0.657, 2.783, 6)),
          'BG/BB: 0 <= frequency <= recency <= n_periods, recency 0 exactly with frequency 0, customers 1 .. n');
SELECT is((SELECT count(*) FILTER (WHERE frequency = 0 AND recency = 0 AND n_periods = 0)
           FROM simulate_bgbb_histories(100, 3, 1.204, 0.750, 0.657, 2.783, 0)),
          100::bigint, 'BG/BB: no opportunity, no transaction');
SELECT is((SELECT bgbb_fit(frequency, recency, n_periods) FROM simulate_bgbb_histories(100, 3, 1.204, 0.750, 0.657, 2.783, 0)),
          NULL, 'BG/BB: bgbb_fit skips histories without an opportunity (NULL fit)');
SELECT is((SELECT bgbb_fit(frequency, recency, n_periods)::text FROM simulate_bgbb_histories(3000, 3, 1.204, 0.750, 0.657, 2.783, 6)),
          (SELECT bgbb_fit(frequency, recency, n_periods, w)::text
           FROM (SELECT frequency, recency, n_periods, count(*) AS w
                 FROM simulate_bgbb_histories(3000, 3, 1.204, 0.750, 0.657, 2.783, 6) GROUP BY 1, 2, 3) AS g),
          'BG/BB: the histories feed bgbb_fit as they are (same fit as their weighted patterns)');

-- absurd rates: the order limit (54000), not a crash or a hang
SELECT throws_ok($$SELECT count(*) FROM simulate_pareto_nbd_orders(1, 1, 1, 1e-11, 1e-6, 1e6, 6.25, 3.74, 15.44, '2024-01-01', 273)$$,
                 '54000', 'simulated customer has more than 1000000 orders',
                 'simulate_pareto_nbd_orders: 10^11 purchases a week for a long life hit the order limit');
SELECT throws_ok($$SELECT count(*) FROM simulate_mbgnbd_orders(1, 1, 1, 1e-11, 1e-6, 1e6, 6.25, 3.74, 15.44, '2024-01-01', 273)$$,
                 '54000', 'simulated customer has more than 1000000 orders', 'simulate_mbgnbd_orders: the order limit');
-- statistics of 100,000 customers: (name, sample mean, its standard error, expectation)
CREATE TEMP TABLE mbg AS
SELECT customer_id, count(*) - 1 AS x39, count(*) FILTER (WHERE order_at < date '2024-01-01' + 91) - 1 AS x13
FROM simulate_mbgnbd_orders(100000, 2024, 0.525, 6.183, 0.891, 1.614, 6.25, 3.74, 15.44, '2024-01-01', 273)
GROUP BY customer_id;
CREATE TEMP TABLE pnbd AS
SELECT customer_id, count(*) - 1 AS x39, count(*) FILTER (WHERE order_at < date '2024-01-01' + 91) - 1 AS x13
FROM simulate_pareto_nbd_orders(100000, 2024, 0.55, 10.58, 0.61, 11.67, 6.25, 3.74, 15.44, '2024-01-01', 273)
GROUP BY customer_id;
CREATE TEMP TABLE bgbb AS
SELECT * FROM simulate_bgbb_histories(100000, 2024, 1.204, 0.750, 0.657, 2.783, 6);

-- the BG/BB ratios of Beta functions as products
CREATE FUNCTION pg_temp.bratio(a float8, b float8, k integer) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(exp(sum(ln((b + j) / (a + b + j)))), 1) FROM generate_series(0, k - 1) AS j $$;

CREATE TEMP TABLE moments AS
SELECT * FROM (VALUES
    ('MBG/NBD P(X(39) = 0)',
     (SELECT avg((x39 = 0)::int) FROM mbg), (SELECT stddev_samp((x39 = 0)::int) / sqrt(count(*)) FROM mbg),
     0.891 / (0.891 + 1.614) + 1.614 / (0.891 + 1.614) * (6.183 / (6.183 + 39)) ^ 0.525),
    ('MBG/NBD P(X(13) = 0)',
     (SELECT avg((x13 = 0)::int) FROM mbg), (SELECT stddev_samp((x13 = 0)::int) / sqrt(count(*)) FROM mbg),
     0.891 / (0.891 + 1.614) + 1.614 / (0.891 + 1.614) * (6.183 / (6.183 + 13)) ^ 0.525),
    ('MBG/NBD E[X(39)]',
     (SELECT avg(x39) FROM mbg), (SELECT stddev_samp(x39) / sqrt(count(*)) FROM mbg),
     mbgnbd_expected_purchases(mbgnbd_model(0.525, 6.183, 0.891, 1.614), 39)),
    ('MBG/NBD E[X(13)]',
     (SELECT avg(x13) FROM mbg), (SELECT stddev_samp(x13) / sqrt(count(*)) FROM mbg),
     mbgnbd_expected_purchases(mbgnbd_model(0.525, 6.183, 0.891, 1.614), 13)),
    ('Pareto/NBD E[X(39)]',
     (SELECT avg(x39) FROM pnbd), (SELECT stddev_samp(x39) / sqrt(count(*)) FROM pnbd),
     0.55 * 11.67 / (10.58 * (0.61 - 1)) * (1 - (11.67 / (11.67 + 39)) ^ (0.61 - 1))),
    ('Pareto/NBD E[X(13)]',
     (SELECT avg(x13) FROM pnbd), (SELECT stddev_samp(x13) / sqrt(count(*)) FROM pnbd),
     0.55 * 11.67 / (10.58 * (0.61 - 1)) * (1 - (11.67 / (11.67 + 13)) ^ (0.61 - 1))),
    ('BG/BB P(x = 0) over 6 opportunities',
     (SELECT avg((frequency = 0)::int) FROM bgbb), (SELECT stddev_samp((frequency = 0)::int) / sqrt(count(*)) FROM bgbb),
     pg_temp.bratio(1.204, 0.750, 6) * pg_temp.bratio(0.657, 2.783, 6)
     + (SELECT sum(pg_temp.bratio(1.204, 0.750, i) * 0.657 / (0.657 + 2.783 + i) * pg_temp.bratio(0.657, 2.783, i))
        FROM generate_series(0, 5) AS i)),
    ('BG/BB E[x] over 6 opportunities',
     (SELECT avg(frequency) FROM bgbb), (SELECT stddev_samp(frequency) / sqrt(count(*)) FROM bgbb),
     1.204 / (1.204 + 0.750) * (SELECT sum(pg_temp.bratio(0.657, 2.783, k)) FROM generate_series(1, 6) AS k))
) AS v(name, mean, se, expected);

SELECT ok(abs(mean - expected) <= 4 * se,
          format('%s: simulated %s, expected %s, standard error %s', name,
                 round(mean::numeric, 4), round(expected::numeric, 4), round(se::numeric, 4)))
FROM moments ORDER BY name;
-- the checks can fail: each standard error is positive and small next to
-- the quantity, and the MBG/NBD share without repeat purchase is not
-- BG/NBD's (alpha / (alpha + t))^r, which the dropout at the first
-- purchase raises by many standard errors
SELECT ok((SELECT bool_and(se > 0 AND se < 0.02 * expected) FROM moments),
          'every standard error is positive and below 2% of its quantity');
SELECT ok((SELECT mean - (6.183 / (6.183 + 39)) ^ 0.525 > 20 * se FROM moments WHERE name = 'MBG/NBD P(X(39) = 0)'),
          'MBG/NBD: customers without a repeat purchase are far more than BG/NBD''s share');
-- BG/BB's E[x] is bgbb_expected_purchases(m, n) (eq. 7, checked against mpmath in test/t/253_bgbb.pl)
SELECT ok(abs(expected - bgbb_expected_purchases(bgbb_model(1.204, 0.750, 0.657, 2.783), 6)) < 1e-12,
          'BG/BB E[x] in plain SQL is bgbb_expected_purchases')
FROM moments WHERE name = 'BG/BB E[x] over 6 opportunities';

SELECT * FROM finish();
ROLLBACK;
