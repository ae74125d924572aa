--
-- Contracts of btyd_summary and simulate_orders (DESIGN section 5):
-- signatures, result columns, markings, and every error path with its
-- SQLSTATE and message.
--
BEGIN;
SELECT plan(35);

-- signatures and markings
SELECT has_composite('btyd_summary');
SELECT col_type_is('btyd_summary', 'frequency', 'integer');
SELECT col_type_is('btyd_summary', 'recency', 'double precision');
SELECT col_type_is('btyd_summary', 't', 'double precision');
SELECT col_type_is('btyd_summary', 'monetary_value', 'double precision');
SELECT is_aggregate('btyd_summary', ARRAY['date', 'numeric', 'date', 'time_unit']);
SELECT is_aggregate('btyd_summary', ARRAY['date', 'double precision', 'date', 'time_unit']);
SELECT is_aggregate('btyd_summary', ARRAY['timestamp with time zone', 'numeric', 'timestamp with time zone', 'time_unit']);
SELECT is_aggregate('btyd_summary', ARRAY['timestamp with time zone', 'double precision', 'timestamp with time zone', 'time_unit']);
SELECT function_returns('btyd_summary', ARRAY['date', 'numeric', 'date', 'time_unit'], 'btyd_summary');
SELECT volatility_is('btyd_summary_trans', ARRAY['internal', 'timestamp with time zone', 'numeric', 'timestamp with time zone', 'time_unit'],
                     'immutable', 'timestamptz btyd_summary is IMMUTABLE: 24-hour days, no TimeZone');
SELECT isnt_strict('btyd_summary_trans', ARRAY['internal', 'date', 'numeric', 'date', 'time_unit'],
                   'the transition function is not STRICT: rows with a NULL are skipped');
SELECT has_function('simulate_orders', ARRAY['integer', 'integer', 'double precision', 'double precision', 'double precision',
                    'double precision', 'double precision', 'double precision', 'double precision', 'date', 'integer']);
SELECT has_function('simulate_orders', ARRAY['integer', 'integer']);
SELECT function_returns('simulate_orders', ARRAY['integer', 'integer'], 'setof record');
SELECT is(pg_get_function_result('simulate_orders(integer, integer)'::regprocedure),
          'TABLE(customer_id bigint, order_at date, amount numeric)', 'simulate_orders result columns');
SELECT volatility_is('simulate_orders', ARRAY['integer', 'integer'], 'immutable');
SELECT is_strict('simulate_orders', ARRAY['integer', 'integer']);

-- btyd_summary errors
SELECT throws_ok($$SELECT btyd_summary(date '2024-01-01', 1.0, date '2024-01-31', 'year')$$,
                 '22023', 'unit must be day, week or month');
SELECT throws_ok($$SELECT btyd_summary(d, 1.0, a, 'day') FROM (VALUES (date '2024-01-01', date '2024-01-31'), (date '2024-01-02', date '2024-02-01')) AS v(d, a)$$,
                 '22023', 'as_of must be the same for every row of a group');
SELECT throws_ok($$SELECT btyd_summary(date '2024-01-01', 1.0, date '2024-01-31', u) FROM (VALUES ('day'), ('month')) AS v(u)$$,
                 '22023', 'unit must be the same for every row of a group');
SELECT throws_ok($$SELECT btyd_summary(date '2024-01-01', 'NaN'::numeric, date '2024-01-31', 'day')$$,
                 '22023', 'amount must be a finite number');
SELECT throws_ok($$SELECT btyd_summary(date '2024-01-01', 'Infinity'::float8, date '2024-01-31', 'day')$$,
                 '22023', 'amount must be a finite number');
SELECT throws_ok($$SELECT btyd_summary(date 'infinity', 1.0, date '2024-01-31', 'day')$$,
                 '22023', 'order_at must be a finite date');
SELECT throws_ok($$SELECT btyd_summary(timestamptz '2024-01-01 00:00+00', 1.0, timestamptz 'infinity', 'day')$$,
                 '22023', 'as_of must be a finite timestamp');
SELECT throws_ok($$SELECT btyd_summary(timestamptz '4713-01-01 00:00+00 BC', 1.0, timestamptz '294276-12-31 00:00+00', 'day')$$,
                 '22008', 'order_at is too far before as_of');
SELECT throws_ok($$SELECT btyd_summary(d, 1e308::float8, date '2024-01-31', 'day') FROM (VALUES (date '2024-01-01'), (date '2024-01-02'), (date '2024-01-03')) AS v(d)$$,
                 '22003', NULL, 'a sum that overflows float8 is 22003');

-- simulate_orders errors
SELECT throws_ok($$SELECT * FROM simulate_orders(-5, 1)$$, '22023', 'customers must not be negative');
SELECT throws_ok($$SELECT * FROM simulate_orders(1, 1, 0.2, 4, 0.8, 2.4, 6, 3.7, 15, '2024-01-01', -1)$$,
                 '22023', 'days must not be negative');
SELECT throws_ok($$SELECT * FROM simulate_orders(1, 1, -0.2, 4, 0.8, 2.4, 6, 3.7, 15, '2024-01-01', 10)$$,
                 '22023', 'model parameter r must be positive');
SELECT throws_ok($$SELECT * FROM simulate_orders(1, 1, 0.2, 4, 0.8, 2.4, 6, 3.7, 'NaN', '2024-01-01', 10)$$,
                 '22023', 'v must be a finite number');
SELECT throws_ok($$SELECT * FROM simulate_orders(1, 1, 0.2, 4, 0.8, 2.4, 6, 3.7, 15, '-infinity', 10)$$,
                 '22023', 'start must be a finite date');
SELECT throws_ok($$SELECT * FROM simulate_orders(1, 1, 0.2, 4, 0.8, 2.4, 6, 3.7, 15, '5874897-12-31', 1)$$,
                 '22008', 'start + days is out of the date range');
SELECT throws_ok($$SELECT * FROM simulate_orders(1, 1, 1, 1e-11, 1e-6, 1e6, 6, 3.7, 15, '2024-01-01', 273)$$,
                 '54000', 'simulated customer has more than 1000000 orders');
SELECT throws_ok($$SELECT * FROM simulate_orders(1, 1, 0.2, 4, 0.8, 2.4, 1e20, 3.7, 15, '2024-01-01', 0)$$,
                 '22003', 'simulated amount out of range');

SELECT * FROM finish();
ROLLBACK;
