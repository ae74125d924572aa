--
-- Hostile inputs of simulate_mbgnbd_orders, simulate_pareto_nbd_orders and
-- simulate_bgbb_histories (doc/simulate_orders.md): NULL in each argument
-- (STRICT: no rows), negative customers, zero, negative, NaN and infinite
-- parameters, negative and huge windows and n_periods, an infinite start,
-- acquisition_days out of range; each error with its SQLSTATE and a
-- detail naming the value. Extreme but valid parameters give rows, never
-- a crash. (The order limit, 1,000,000 orders of one customer, is in
-- test/simulate_processes.sql: drawing them takes minutes under valgrind,
-- whose stage runs this file.)
--
BEGIN;
SELECT plan(31);
SET LOCAL statement_timeout = '60s';
\ir lib/setup.sql

-- NULLs: STRICT, no rows
SELECT is((SELECT count(*) FROM simulate_mbgnbd_orders(3, NULL, 1, 1, 1, 1, 1, 1, 1, '2024-01-01', 10)), 0::bigint,
          'simulate_mbgnbd_orders: a NULL seed gives no rows');
SELECT is((SELECT count(*) FROM simulate_pareto_nbd_orders(3, 1, 1, 1, NULL, 1, 1, 1, 1, '2024-01-01', 10)), 0::bigint,
          'simulate_pareto_nbd_orders: a NULL s gives no rows');
SELECT is((SELECT count(*) FROM simulate_pareto_nbd_orders(3, 1, 1, 1, 1, 1, 1, 1, 1, NULL, 10)), 0::bigint,
          'simulate_pareto_nbd_orders: a NULL start gives no rows');
SELECT is((SELECT count(*) FROM simulate_bgbb_histories(3, 1, 1, 1, 1, 1, NULL)), 0::bigint,
          'simulate_bgbb_histories: a NULL n_periods gives no rows');
SELECT is((SELECT count(*) FROM simulate_bgbb_histories(NULL, 1, 1, 1, 1, 1, 6)), 0::bigint,
          'simulate_bgbb_histories: NULL customers give no rows');

-- customers
SELECT is(pg_temp.failure($$SELECT count(*) FROM simulate_mbgnbd_orders(-1, 1, 1, 1, 1, 1, 1, 1, 1, '2024-01-01', 10)$$),
          '22023 customers is -1.', 'simulate_mbgnbd_orders: negative customers, 22023 naming the value');
SELECT is(pg_temp.failure($$SELECT count(*) FROM simulate_pareto_nbd_orders(-2147483648, 1, 1, 1, 1, 1, 1, 1, 1, '2024-01-01', 10)$$),
          '22023 customers is -2147483648.', 'simulate_pareto_nbd_orders: the most negative customers');
SELECT throws_ok($$SELECT count(*) FROM simulate_bgbb_histories(-5, 1, 1, 1, 1, 1, 6)$$,
                 '22023', 'customers must not be negative', 'simulate_bgbb_histories: negative customers');
SELECT is(pg_temp.failure($$SELECT count(*) FROM simulate_bgbb_histories(-5, 1, 1, 1, 1, 1, 6)$$),
          '22023 customers is -5.', 'simulate_bgbb_histories: the detail names customers');

-- model parameters: zero, negative, NaN, infinite, each named
SELECT throws_ok($$SELECT count(*) FROM simulate_pareto_nbd_orders(3, 1, 0.55, 10.58, 0, 11.67, 6.25, 3.74, 15.44, '2024-01-01', 273)$$,
                 '22023', 'model parameter s must be positive', 'simulate_pareto_nbd_orders: s 0');
SELECT is(pg_temp.failure($$SELECT count(*) FROM simulate_pareto_nbd_orders(3, 1, 0.55, 10.58, 0.61, -11.67, 6.25, 3.74, 15.44, '2024-01-01', 273)$$),
          '22023 beta is -11.67.', 'simulate_pareto_nbd_orders: negative beta named');
SELECT throws_ok($$SELECT count(*) FROM simulate_pareto_nbd_orders(3, 1, 'NaN', 10.58, 0.61, 11.67, 6.25, 3.74, 15.44, '2024-01-01', 273)$$,
                 '22023', 'r must be a finite number', 'simulate_pareto_nbd_orders: NaN r');
SELECT throws_ok($$SELECT count(*) FROM simulate_pareto_nbd_orders(3, 1, 0.55, 10.58, 0.61, 11.67, 6.25, 'Infinity', 15.44, '2024-01-01', 273)$$,
                 '22023', 'q must be a finite number', 'simulate_pareto_nbd_orders: infinite q');
SELECT throws_ok($$SELECT count(*) FROM simulate_mbgnbd_orders(3, 1, 0.525, 6.183, -0.891, 1.614, 6.25, 3.74, 15.44, '2024-01-01', 273)$$,
                 '22023', 'model parameter a must be positive', 'simulate_mbgnbd_orders: negative a');
SELECT is(pg_temp.failure($$SELECT count(*) FROM simulate_mbgnbd_orders(3, 1, 0.525, 6.183, 0.891, '-Infinity', 6.25, 3.74, 15.44, '2024-01-01', 273)$$),
          '22023 b is -Infinity.', 'simulate_mbgnbd_orders: b -Infinity named');
SELECT throws_ok($$SELECT count(*) FROM simulate_mbgnbd_orders(3, 1, 0.525, 6.183, 0.891, 1.614, 6.25, 3.74, 0, '2024-01-01', 273)$$,
                 '22023', 'model parameter v must be positive', 'simulate_mbgnbd_orders: v 0');
SELECT throws_ok($$SELECT count(*) FROM simulate_bgbb_histories(3, 1, 0, 1, 1, 1, 6)$$,
                 '22023', 'model parameter alpha must be positive', 'simulate_bgbb_histories: alpha 0');
SELECT is(pg_temp.failure($$SELECT count(*) FROM simulate_bgbb_histories(3, 1, 1, -0.75, 1, 1, 6)$$),
          '22023 beta is -0.75.', 'simulate_bgbb_histories: negative beta named');
SELECT throws_ok($$SELECT count(*) FROM simulate_bgbb_histories(3, 1, 1, 1, 'NaN', 1, 6)$$,
                 '22023', 'gamma must be a finite number', 'simulate_bgbb_histories: NaN gamma');
SELECT throws_ok($$SELECT count(*) FROM simulate_bgbb_histories(3, 1, 1, 1, 1, 'Infinity', 6)$$,
                 '22023', 'delta must be a finite number', 'simulate_bgbb_histories: infinite delta');

-- windows
SELECT is(pg_temp.failure($$SELECT count(*) FROM simulate_pareto_nbd_orders(3, 1, 1, 1, 1, 1, 1, 1, 1, '2024-01-01', -1)$$),
          '22023 days is -1.', 'simulate_pareto_nbd_orders: negative days named');
SELECT throws_ok($$SELECT count(*) FROM simulate_mbgnbd_orders(3, 1, 1, 1, 1, 1, 1, 1, 1, 'infinity', 10)$$,
                 '22023', 'start must be a finite date', 'simulate_mbgnbd_orders: infinite start');
SELECT throws_ok($$SELECT count(*) FROM simulate_pareto_nbd_orders(3, 1, 1, 1, 1, 1, 1, 1, 1, '5874897-12-01', 31)$$,
                 '22008', 'start + days is out of the date range', 'simulate_pareto_nbd_orders: window beyond the date range');
SELECT is(pg_temp.failure($$SELECT count(*) FROM simulate_mbgnbd_orders(3, 1, 1, 1, 1, 1, 1, 1, 1, '2024-01-01', 10, 0)$$),
          '22023 acquisition_days is 0 and days is 10.', 'simulate_mbgnbd_orders: acquisition_days 0 named');
SELECT throws_ok($$SELECT count(*) FROM simulate_pareto_nbd_orders(3, 1, 1, 1, 1, 1, 1, 1, 1, '2024-01-01', 10, 11)$$,
                 '22023', 'acquisition_days must be between 1 and days', 'simulate_pareto_nbd_orders: acquisition_days beyond days');
SELECT is(pg_temp.failure($$SELECT count(*) FROM simulate_bgbb_histories(3, 1, 1, 1, 1, 1, -1)$$),
          '22023 n_periods is -1.', 'simulate_bgbb_histories: negative n_periods named');
SELECT throws_ok($$SELECT count(*) FROM simulate_bgbb_histories(3, 1, 1, 1, 1, 1, 100001)$$,
                 '54000', 'n_periods must be at most 100000', 'simulate_bgbb_histories: n_periods beyond bgbb_fit''s limit');
SELECT is((SELECT max(recency) <= 100000 AND count(*) = 2
           FROM simulate_bgbb_histories(2, 1, 1, 1, 1e-6, 1e6, 100000)),
          true, 'simulate_bgbb_histories: 100,000 opportunities of nearly immortal customers');

-- extreme but valid: a lifetime that underflows to 0 or overflows to
-- infinity, Beta draws that round to 0 or 1
SELECT is((SELECT count(*) FROM simulate_pareto_nbd_orders(100, 1, 1, 1, 1e6, 1e-300, 6.25, 3.74, 15.44, '2024-01-01', 273)),
          100::bigint, 'simulate_pareto_nbd_orders: death rates of 1e306 a week: first orders only');
SELECT cmp_ok((SELECT count(*) FROM simulate_pareto_nbd_orders(100, 1, 1, 1, 1e-300, 1, 6.25, 3.74, 15.44, '2024-01-01', 273)),
              '>', 1000::bigint, 'simulate_pareto_nbd_orders: lifetimes of 1e300 weeks: customers buy throughout');
SELECT is((SELECT count(*) FILTER (WHERE frequency BETWEEN 0 AND recency AND recency <= 20)
           FROM simulate_bgbb_histories(1000, 1, 1e-3, 1e3, 1e3, 1e-3, 20)),
          1000::bigint, 'simulate_bgbb_histories: p near 0 and theta near 1 give valid histories');

SELECT * FROM finish();
ROLLBACK;
