--
-- Contracts of the RFM objects (DESIGN section 1, and segment(rfm_score)
-- of section 2): signatures, kinds (aggregate, window), volatility, and
-- every error path with its SQLSTATE and message.
--
BEGIN;
SELECT plan(60);

-- the rfm aggregates: date/timestamptz x numeric/float8, with and without as_of
SELECT is_aggregate('rfm', ARRAY['date', 'numeric', 'date']);
SELECT is_aggregate('rfm', ARRAY['date', 'numeric']);
SELECT is_aggregate('rfm', ARRAY['date', 'double precision', 'date']);
SELECT is_aggregate('rfm', ARRAY['date', 'double precision']);
SELECT is_aggregate('rfm', ARRAY['timestamp with time zone', 'numeric', 'timestamp with time zone']);
SELECT is_aggregate('rfm', ARRAY['timestamp with time zone', 'numeric']);
SELECT is_aggregate('rfm', ARRAY['timestamp with time zone', 'double precision', 'timestamp with time zone']);
SELECT is_aggregate('rfm', ARRAY['timestamp with time zone', 'double precision']);
SELECT function_returns('rfm', ARRAY['date', 'numeric', 'date'], 'rfm');
SELECT volatility_is('rfm_trans', ARRAY['internal', 'date', 'numeric'], 'stable',
                     'rfm(order_at, amount) reads current_date: its transition function is STABLE');
SELECT volatility_is('rfm_trans', ARRAY['internal', 'timestamp with time zone', 'double precision'], 'stable',
                     'rfm(order_at, amount) reads now(): its transition function is STABLE');
SELECT volatility_is('rfm_trans', ARRAY['internal', 'date', 'numeric', 'date'], 'immutable',
                     'rfm with an explicit as_of is IMMUTABLE');
SELECT col_type_is('rfm', 'recency_days', 'integer');
SELECT col_type_is('rfm', 'frequency', 'bigint');
SELECT col_type_is('rfm', 'monetary', 'numeric');
SELECT col_type_is('rfm', 'tenure_days', 'integer');

-- rfm_score: window forms, fixed-break forms; rfm_breaks aggregate and constructor
SELECT is_window('rfm_score', ARRAY['integer', 'bigint', 'numeric']);
SELECT is_window('rfm_score', ARRAY['integer', 'bigint', 'numeric', 'integer']);
SELECT is_window('rfm_score', ARRAY['rfm']);
SELECT is_window('rfm_score', ARRAY['rfm', 'integer']);
SELECT isnt_window('rfm_score', ARRAY['integer', 'bigint', 'numeric', 'rfm_breaks']);
SELECT isnt_window('rfm_score', ARRAY['rfm', 'rfm_breaks']);
SELECT function_returns('rfm_score', ARRAY['integer', 'bigint', 'numeric', 'rfm_breaks'], 'rfm_score');
SELECT is_aggregate('rfm_breaks', ARRAY['integer', 'bigint', 'numeric']);
SELECT is_aggregate('rfm_breaks', ARRAY['integer', 'bigint', 'numeric', 'integer']);
SELECT isnt_aggregate('rfm_breaks', ARRAY['integer', 'double precision[]', 'double precision[]', 'double precision[]']);
SELECT is_strict('rfm_breaks', ARRAY['integer', 'double precision[]', 'double precision[]', 'double precision[]']);
SELECT has_function('segment', ARRAY['rfm_score']);
SELECT col_type_is('rfm_score', 'code', 'text');
SELECT col_type_is('rfm_breaks', 'm', 'double precision[]');

-- rfm errors
SELECT throws_ok($$SELECT rfm(d, 1.0, a) FROM (VALUES (date '2025-01-01', date '2026-01-01'), (date '2025-01-02', date '2026-01-02')) AS v(d, a)$$,
                 '22023', 'as_of must be the same in every row of a group');
SELECT throws_ok($$SELECT rfm(t, 1.0::float8, t + interval '1 day') FROM (VALUES (now()), (now() - interval '1 hour')) AS v(t)$$,
                 '22023', 'as_of must be the same in every row of a group');
SELECT throws_ok($$SELECT rfm(date '2025-01-01', 'NaN'::numeric, date '2026-01-01')$$, '22023', 'amount must be a finite number');
-- numeric has infinities since PostgreSQL 14 (13 refuses the input)
SELECT CASE WHEN pg_version_num() >= 140000
    THEN throws_ok($$SELECT rfm(date '2025-01-01', 'Infinity'::numeric, date '2026-01-01')$$, '22023', 'amount must be a finite number')
    ELSE skip('numeric has no infinity before PostgreSQL 14', 1) END;
SELECT throws_ok($$SELECT rfm(now(), '-Infinity'::float8, now())$$, '22023', 'amount must be a finite number');
SELECT throws_ok($$SELECT rfm(date '2025-01-01', 'NaN'::float8)$$, '22023', 'amount must be a finite number');
SELECT throws_ok($$SELECT rfm('infinity'::date, 1.0, date '2026-01-01')$$, '22023', 'order_at must be finite');
SELECT throws_ok($$SELECT rfm('-infinity'::timestamptz, 1.0)$$, '22023', 'order_at must be finite');
SELECT throws_ok($$SELECT rfm(date '2025-01-01', 1.0, '-infinity'::date)$$, '22023', 'as_of must be finite');
SELECT throws_ok($$SELECT rfm(date '2025-01-01', 1e308::float8, date '2026-01-01') FROM generate_series(1, 2)$$, '22003', 'value out of range: overflow');
SELECT is((rfm(date '4713-11-24 BC', 1.0, date '5874897-12-31')).recency_days, date '5874897-12-31' - date '4713-11-24 BC', 'the widest span of dates fits recency_days');

-- rfm_score errors
SELECT throws_ok($$SELECT rfm_score(1, 1, 1.0, 1) OVER ()$$, '22023', 'bins must be between 2 and 9');
SELECT throws_ok($$SELECT rfm_score(ROW(1, 1, 1.0, 1)::rfm, 10) OVER ()$$, '22023', 'bins must be between 2 and 9');
SELECT throws_ok($$SELECT rfm_score(1, 1, 1.0, NULL::integer) OVER ()$$, '22004', 'bins must not be NULL');
SELECT throws_ok($$SELECT rfm_score(1, 1, 'NaN'::numeric) OVER ()$$, '22023', 'monetary must be a finite number');
SELECT throws_ok($$SELECT rfm_score(1, 1, 'NaN', rfm_breaks(2, '{1}'::float8[], '{1}', '{1}'))$$, '22023', 'monetary must be a finite number');
SELECT throws_ok($$SELECT rfm_score(1, 1, 1.0, ROW(NULL, '{1}', '{1}', '{1}')::rfm_breaks)$$, '22004', 'breaks bins must not be NULL');
SELECT throws_ok($$SELECT rfm_score(1, 1, 1.0, ROW(3, '{1}', '{1, 2}', '{1, 2}')::rfm_breaks)$$, '22023', 'breaks r must have bins - 1 elements');

-- rfm_breaks errors
SELECT throws_ok($$SELECT rfm_breaks(r, 1, 1.0, b) FROM (VALUES (1, 3), (2, 4)) AS v(r, b)$$, '22023', 'bins must be the same in every row of a group');
SELECT throws_ok($$SELECT rfm_breaks(1, 1, 1.0, NULL::integer)$$, '22004', 'bins must not be NULL');
SELECT throws_ok($$SELECT rfm_breaks(1, 1, 1.0, 11)$$, '22023', 'bins must be between 2 and 9');
-- numeric has infinities since PostgreSQL 14 (13 refuses the input)
SELECT CASE WHEN pg_version_num() >= 140000
    THEN throws_ok($$SELECT rfm_breaks(1, 1, '-Infinity'::numeric)$$, '22023', 'monetary must be a finite number')
    ELSE skip('numeric has no infinity before PostgreSQL 14', 1) END;
SELECT throws_ok($$SELECT rfm_breaks(1, '{1}'::float8[], '{1}', '{1}')$$, '22023', 'bins must be between 2 and 9');
SELECT throws_ok($$SELECT rfm_breaks(3, '{1}'::float8[], '{1, 2}', '{1, 2}')$$, '22023', 'breaks r must have bins - 1 elements');
SELECT throws_ok($$SELECT rfm_breaks(3, '{1, 2}'::float8[], '{1, 2}', '{3, 2}')$$, '22023', 'breaks m must be in ascending order');
SELECT throws_ok($$SELECT rfm_breaks(3, '{1, 2}'::float8[], '{NaN, 2}', '{1, 2}')$$, '22023', 'breaks f must not contain NaN');
SELECT throws_ok($$SELECT rfm_breaks(3, '{1, NULL}'::float8[], '{1, 2}', '{1, 2}')$$, '22023', 'breaks r must not contain NULL');
SELECT throws_ok($$SELECT rfm_breaks(3, '{1, 2}'::float8[], '{1, 2}', '{{1, 2}}')$$, '22023', 'breaks m must be a one-dimensional array');

-- segment(rfm_score)
SELECT throws_ok($$SELECT segment(ROW(1, 6, 1, '161')::rfm_score)$$, '22023', 'score f must be between 1 and 5');
SELECT is(segment(ROW(5, 4, 3, '543')::rfm_score), 'Champions', 'segment(rfm_score) uses the default map');

SELECT * FROM finish();
ROLLBACK;
