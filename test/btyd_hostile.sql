--
-- Hostile inputs for the buy-till-you-die inputs (DESIGN section 5a):
-- btyd_summary (date and timestamptz, numeric and float8) with NULLs,
-- bad units, NaN, +-Infinity, sums that overflow, numerics beyond float8,
-- the ends of the date and timestamp ranges and odd time zones; and
-- simulate_orders with NULLs, zero, negatives, NaN, infinities, integer
-- extremes, huge parameters and dates at the end of the range.
--
BEGIN;
SELECT plan(45);

-- btyd_summary: NULLs are skipped
SELECT is((SELECT btyd_summary(d, a, '2024-02-01'::date, 'day') FROM (VALUES (NULL::date, 1::numeric), ('2024-01-01', NULL)) v(d, a))::text,
          NULL, 'btyd_summary: rows with a NULL order_at or amount are skipped');
SELECT is((SELECT btyd_summary('2024-01-01'::date, 1::float8, NULL::date, 'day'))::text, NULL, 'btyd_summary: a NULL as_of skips the row');
SELECT is((SELECT btyd_summary('2024-01-01'::timestamptz, 1::float8, '2024-02-01'::timestamptz, NULL))::text, NULL, 'btyd_summary: a NULL unit skips the row');
SELECT is((SELECT btyd_summary('2024-03-01'::date, 1::numeric, '2024-02-01'::date, 'day'))::text, NULL, 'btyd_summary: orders after as_of are ignored');

-- btyd_summary: units
SELECT throws_ok($$SELECT btyd_summary('2024-01-01'::date, 1::numeric, '2024-02-01'::date, 'quarter')$$, '22023', 'unit must be day, week or month');
SELECT throws_ok($$SELECT btyd_summary('2024-01-01'::date, 1::numeric, '2024-02-01'::date, 'year')$$, '22023', 'unit must be day, week or month');
SELECT throws_ok($$SELECT btyd_summary('2024-01-01'::date, 1::numeric, '2024-02-01'::date, '')$$, '22P02', 'invalid input value for enum time_unit: ""');
SELECT throws_ok($$SELECT btyd_summary('2024-01-01'::date, 1::numeric, '2024-02-01'::date, 'WEEK')$$, '22P02', 'invalid input value for enum time_unit: "WEEK"');
SELECT throws_ok($$SELECT btyd_summary('2024-01-01'::date, 1::numeric, '2024-02-01'::date, u::time_unit) FROM (VALUES ('day'), ('week')) v(u)$$,
                 '22023', 'unit must be the same for every row of a group');
SELECT throws_ok($$SELECT btyd_summary('2024-01-01'::date, 1::numeric, x, 'day') FROM (VALUES ('2024-02-01'::date), ('2024-02-02')) v(x)$$,
                 '22023', 'as_of must be the same for every row of a group');

-- btyd_summary: NaN, infinities, overflow, numerics beyond float8
SELECT throws_ok($$SELECT btyd_summary('2024-01-01'::date, 'NaN'::float8, '2024-02-01'::date, 'day')$$, '22023', 'amount must be a finite number');
-- numeric has infinities since PostgreSQL 14 (13 refuses the input)
SELECT CASE WHEN pg_version_num() >= 140000
    THEN throws_ok($$SELECT btyd_summary('2024-01-01'::date, 'Infinity'::numeric, '2024-02-01'::date, 'day')$$, '22023', 'amount must be a finite number')
    ELSE skip('numeric has no infinity before PostgreSQL 14', 1) END;
SELECT throws_ok($$SELECT btyd_summary('2024-01-01'::timestamptz, '-Infinity'::float8, '2024-02-01'::timestamptz, 'day')$$, '22023', 'amount must be a finite number');
SELECT throws_ok($$SELECT btyd_summary('infinity'::date, 1::numeric, '2024-02-01'::date, 'day')$$, '22023', 'order_at must be a finite date');
SELECT throws_ok($$SELECT btyd_summary('2024-01-01'::date, 1::numeric, '-infinity'::date, 'day')$$, '22023', 'as_of must be a finite date');
SELECT throws_ok($$SELECT btyd_summary('-infinity'::timestamptz, 1::numeric, '2024-02-01'::timestamptz, 'day')$$, '22023', 'order_at must be a finite timestamp');
SELECT throws_ok($$SELECT btyd_summary('2024-01-01'::timestamptz, 1::numeric, 'infinity'::timestamptz, 'day')$$, '22023', 'as_of must be a finite timestamp');
SELECT throws_ok($$SELECT btyd_summary(d, a, '2024-02-01'::date, 'day') FROM (VALUES ('2024-01-01'::date, 1::float8), ('2024-01-02', 1e308), ('2024-01-02', 1e308)) v(d, a)$$, '22003', 'value out of range: overflow');
SELECT throws_ok($$SELECT btyd_summary(d, a, '2024-02-01'::date, 'day') FROM (VALUES ('2024-01-02'::date, 1e308::float8), ('2024-01-03', 1e308), ('2024-01-04', 1e308)) v(d, a)$$,
                 '22003', 'value out of range: overflow');
SELECT throws_ok($$SELECT btyd_summary('2024-01-01'::date, 1e400::numeric, '2024-02-01'::date, 'day')$$, '22003');
SELECT is((SELECT btyd_summary(d, a, '2024-01-10'::date, 'day') FROM (VALUES ('2024-01-01'::date, 1e308::float8), ('2024-01-01', -1e308), ('2024-01-02', 5)) v(d, a))::text,
          '(1,1,9,5)', 'btyd_summary: first-day amounts that cancel do not touch the repeat value');
SELECT is((SELECT btyd_summary(d, a, '2024-01-10'::date, 'day') FROM (VALUES ('2024-01-01'::date, 0.1::numeric), ('2024-01-02', 123456789012.3456)) v(d, a))::text,
          '(1,1,9,123456789012.3456)', 'btyd_summary: a numeric with 16 digits converts correctly rounded');

-- btyd_summary: the ends of the ranges
SELECT is((SELECT btyd_summary('4713-01-01 BC'::date, 1::numeric, '5874897-12-31'::date, 'day'))::text,
          format('(0,0,%s,0)', '5874897-12-31'::date - '4713-01-01 BC'::date), 'btyd_summary: from the first to the last date, in days');
SELECT is((SELECT (btyd_summary('4713-01-01 BC'::date, 1::numeric, '5874897-12-31'::date, 'week')).t),
          ('5874897-12-31'::date - '4713-01-01 BC'::date) / 7.0::float8, 'btyd_summary: from the first to the last date, in weeks');
SELECT throws_ok($$SELECT btyd_summary('4713-01-01 00:00+00 BC'::timestamptz, 1::numeric, '294276-12-31 23:59:59+00'::timestamptz, 'day')$$,
                 '22008', 'order_at is too far before as_of');
SELECT is((SELECT btyd_summary(t, 1::float8, '294276-12-31 23:59:59.999999+00'::timestamptz, 'day') FROM (VALUES ('294276-12-30 23:59:59.999999+00'::timestamptz)) v(t))::text,
          '(0,0,1,0)', 'btyd_summary: at the last timestamp');

-- btyd_summary: 24-hour days whatever the time zone
SET LOCAL TimeZone = 'Asia/Kathmandu';
SELECT is((SELECT btyd_summary(t, 1::numeric, '2024-01-10 00:00'::timestamptz, 'day') FROM (VALUES ('2024-01-09 00:00:00.000001'::timestamptz), ('2024-01-08 23:59:59')) v(t))::text,
          '(1,1,1,1)', 'btyd_summary: Asia/Kathmandu, days back from as_of');
SET LOCAL TimeZone = 'Pacific/Chatham';
SELECT is((SELECT btyd_summary(t, 2::float8, '2024-04-08 00:00'::timestamptz, 'day') FROM (VALUES ('2024-04-07 00:00'::timestamptz)) v(t))::text,
          '(0,0,1,0)', 'btyd_summary: Pacific/Chatham, a calendar day of 25 hours is 1 whole day');
RESET TimeZone;

-- simulate_orders: NULLs (STRICT), zero, negatives
SELECT is((SELECT count(*) FROM simulate_orders(NULL, 1)), 0::bigint, 'simulate_orders: NULL customers give no rows');
SELECT is((SELECT count(*) FROM simulate_orders(3, 1, NULL, 1, 1, 1, 1, 1, 1, '2024-01-01', 10)), 0::bigint, 'simulate_orders: a NULL parameter gives no rows');
SELECT is((SELECT count(*) FROM simulate_orders(0, 1)), 0::bigint, 'simulate_orders: zero customers give no rows');
SELECT throws_ok('SELECT * FROM simulate_orders(-2147483648, 1)', '22023', 'customers must not be negative');
SELECT throws_ok($$SELECT * FROM simulate_orders(3, 1, 1, 0, 1, 1, 1, 1, 1, '2024-01-01', 10)$$, '22023', 'model parameter alpha must be positive');
SELECT throws_ok($$SELECT * FROM simulate_orders(3, 1, 1, 1, -1, 1, 1, 1, 1, '2024-01-01', 10)$$, '22023', 'model parameter a must be positive');
SELECT throws_ok($$SELECT * FROM simulate_orders(3, 1, 1, 1, 1, 'NaN', 1, 1, 1, '2024-01-01', 10)$$, '22023', 'b must be a finite number');
SELECT throws_ok($$SELECT * FROM simulate_orders(3, 1, 1, 1, 1, 1, 'Infinity', 1, 1, '2024-01-01', 10)$$, '22023', 'p must be a finite number');
SELECT throws_ok($$SELECT * FROM simulate_orders(3, 1, 1, 1, 1, 1, 1, '-4.9e-324', 1, '2024-01-01', 10)$$, '22023', 'model parameter q must be positive');
SELECT throws_ok($$SELECT * FROM simulate_orders(3, 1, 1, 1, 1, 1, 1, 1, '-Infinity', '2024-01-01', 10)$$, '22023', 'v must be a finite number');
SELECT throws_ok($$SELECT * FROM simulate_orders(3, 1, 1, 1, 1, 1, 1, 1, 1, 'infinity', 10)$$, '22023', 'start must be a finite date');
SELECT throws_ok($$SELECT * FROM simulate_orders(3, 1, 1, 1, 1, 1, 1, 1, 1, '2024-01-01', -1)$$, '22023', 'days must not be negative');

-- simulate_orders: extremes
SELECT is((SELECT count(*) FROM simulate_orders(3, -2147483648, 1, 1, 1, 1, 1, 1, 1, '5874897-12-31', 0)), 3::bigint,
          'simulate_orders: days 0 on the last date gives the first orders only');
SELECT throws_ok($$SELECT * FROM simulate_orders(3, 1, 1, 1, 1, 1, 1, 1, 1, '5874897-12-31', 1)$$, '22008', 'start + days is out of the date range');
SELECT throws_ok($$SELECT * FROM simulate_orders(3, 1, 1, 1, 1, 1, 1, 1, 1, '4713-01-01 BC', 2147483647)$$, '22008', 'start + days is out of the date range');
SELECT throws_ok($$SELECT * FROM simulate_orders(3, 1, 1, 1, 1, 1, 1e308, 1e-308, 1e-308, '2024-01-01', 10)$$, '22003', 'simulated amount out of range');
SELECT is((SELECT count(*) FROM simulate_orders(50, 2147483647, '1e-308', 1e308, 1, 1, 1, 1, 1, '2024-01-01', 1000)), 50::bigint,
          'simulate_orders: a purchase rate that underflows to 0 gives no repeat orders');

SELECT * FROM finish();
ROLLBACK;
