--
-- Hostile inputs for btyd_holdout (DESIGN section 6): NULLs, bad and mixed
-- units, holdout_end before calibration_end, ends that vary within a group
-- (also between the partial states of a partitionwise plan), infinite
-- ends and orders, NaN and infinite amounts (also on rows after
-- holdout_end, as btyd_summary checks every row), sums that overflow, the
-- ends of the date and timestamp ranges. Each error names the bad value.
--
BEGIN;
SELECT plan(30);
SET LOCAL TimeZone = 'UTC';

-- NULLs: a row with any NULL argument is skipped
SELECT is((SELECT btyd_holdout(d, a, '2024-02-01'::date, '2024-03-01'::date, 'day')
           FROM (VALUES (NULL::date, 1::numeric), ('2024-01-01', NULL)) v(d, a))::text,
          NULL, 'btyd_holdout: rows with a NULL order_at or amount are skipped');
SELECT is((SELECT btyd_holdout('2024-01-01'::date, 1::float8, NULL::date, '2024-03-01'::date, 'day'))::text,
          NULL, 'btyd_holdout: a NULL calibration_end skips the row');
SELECT is((SELECT btyd_holdout('2024-01-01'::timestamptz, 1::numeric, '2024-02-01'::timestamptz, NULL::timestamptz, 'day'))::text,
          NULL, 'btyd_holdout: a NULL holdout_end skips the row');
SELECT is((SELECT btyd_holdout('2024-01-01'::date, 1::numeric, '2024-02-01'::date, '2024-03-01'::date, NULL))::text,
          NULL, 'btyd_holdout: a NULL unit skips the row');
SELECT is((SELECT btyd_holdout('2024-02-15'::date, 1::numeric, '2024-02-01'::date, '2024-03-01'::date, 'day'))::text,
          NULL, 'btyd_holdout: a customer first seen in the holdout gives NULL');

-- the ends
SELECT throws_ok($$SELECT btyd_holdout('2024-01-01'::date, 1::numeric, '2024-03-01'::date, '2024-02-29'::date, 'day')$$,
                 '22023', 'holdout_end must not be before calibration_end');
SELECT throws_ok($$SELECT btyd_holdout('2024-01-01'::timestamptz, 1::float8, '2024-03-01 00:00:01'::timestamptz, '2024-03-01'::timestamptz, 'day')$$,
                 '22023', 'holdout_end must not be before calibration_end');
-- the detail names both ends
SELECT throws_like($t$DO $do$ BEGIN PERFORM btyd_holdout('2024-01-01'::date, 1::numeric, '2024-03-01'::date, '2024-02-29'::date, 'day');
                   EXCEPTION WHEN invalid_parameter_value THEN
                     DECLARE d text; BEGIN GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL; RAISE EXCEPTION '%', d; END; END $do$$t$,
                   '%holdout_end is 2024-02-29 and calibration_end is 2024-03-01.%',
                   'btyd_holdout: the detail names holdout_end and calibration_end');
SELECT throws_ok($$SELECT btyd_holdout('2024-01-01'::date, 1::numeric, c, '2024-06-01'::date, 'day') FROM (VALUES ('2024-02-01'::date), ('2024-02-02')) v(c)$$,
                 '22023', 'calibration_end must be the same for every row of a group');
SELECT throws_like($t$DO $do$ BEGIN PERFORM btyd_holdout('2024-01-01'::date, 1::numeric, c, '2024-06-01'::date, 'day') FROM (VALUES ('2024-02-01'::date), ('2024-02-02')) v(c);
                   EXCEPTION WHEN invalid_parameter_value THEN
                     DECLARE d text; BEGIN GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL; RAISE EXCEPTION '%', d; END; END $do$$t$,
                   '%A group mixes calibration_end 2024-02-01 and 2024-02-02.%',
                   'btyd_holdout: the detail names both calibration_end values');
SELECT throws_ok($$SELECT btyd_holdout('2024-01-01'::timestamptz, 1::numeric, '2024-02-01'::timestamptz, h, 'week') FROM (VALUES ('2024-06-01'::timestamptz), ('2024-06-02')) v(h)$$,
                 '22023', 'holdout_end must be the same for every row of a group');
SELECT throws_ok($$SELECT btyd_holdout('2024-01-01'::date, 1::numeric, '2024-02-01'::date, '2024-03-01'::date, u::time_unit) FROM (VALUES ('day'), ('week')) v(u)$$,
                 '22023', 'unit must be the same for every row of a group');
SELECT throws_ok($$SELECT btyd_holdout('2024-01-01'::date, 1::numeric, '2024-02-01'::date, '2024-03-01'::date, 'quarter')$$,
                 '22023', 'unit must be day, week or month');
SELECT throws_ok($$SELECT btyd_holdout('2024-01-01'::date, 1::numeric, '-infinity'::date, '2024-03-01'::date, 'day')$$,
                 '22023', 'calibration_end must be a finite date');
SELECT throws_ok($$SELECT btyd_holdout('2024-01-01'::date, 1::numeric, '2024-02-01'::date, 'infinity'::date, 'day')$$,
                 '22023', 'holdout_end must be a finite date');
SELECT throws_ok($$SELECT btyd_holdout('2024-01-01'::timestamptz, 1::numeric, '2024-02-01'::timestamptz, 'infinity'::timestamptz, 'day')$$,
                 '22023', 'holdout_end must be a finite timestamp');
SELECT throws_ok($$SELECT btyd_holdout('infinity'::date, 1::numeric, '2024-02-01'::date, '2024-03-01'::date, 'day')$$,
                 '22023', 'order_at must be a finite date');
SELECT throws_ok($$SELECT btyd_holdout('-infinity'::timestamptz, 1::float8, '2024-02-01'::timestamptz, '2024-03-01'::timestamptz, 'day')$$,
                 '22023', 'order_at must be a finite timestamp');

-- amounts: NaN and infinities, in either part and after holdout_end
SELECT throws_ok($$SELECT btyd_holdout('2024-01-01'::date, 'NaN'::float8, '2024-02-01'::date, '2024-03-01'::date, 'day')$$,
                 '22023', 'amount must be a finite number');
SELECT throws_ok($$SELECT btyd_holdout('2024-02-15'::date, 'NaN'::numeric, '2024-02-01'::date, '2024-03-01'::date, 'day')$$,
                 '22023', 'amount must be a finite number');
SELECT throws_ok($$SELECT btyd_holdout('2024-05-01'::timestamptz, '-Infinity'::float8, '2024-02-01'::timestamptz, '2024-03-01'::timestamptz, 'day')$$,
                 '22023', 'amount must be a finite number');
SELECT throws_ok($$SELECT btyd_holdout(d, a, '2024-02-01'::date, '2024-03-01'::date, 'day')
                   FROM (VALUES ('2024-01-01'::date, 1::float8), ('2024-02-02', 1e308), ('2024-02-03', 1e308)) v(d, a)$$,
                 '22003', 'value out of range: overflow');
SELECT throws_ok($$SELECT btyd_holdout('2024-01-01'::date, 1e400::numeric, '2024-02-01'::date, '2024-03-01'::date, 'day')$$, '22003');
-- holdout amounts that cancel exactly: a mean of 0, not a rounding residue
SELECT is((SELECT btyd_holdout(d, a, '2024-02-01'::date, '2024-03-01'::date, 'day')
           FROM (VALUES ('2024-01-01'::date, 1::float8), ('2024-02-02', 1e308), ('2024-02-03', -1e308), ('2024-02-03', 0.1), ('2024-02-03', -0.1)) v(d, a))::text,
          '(0,0,31,0,2,0,29)', 'btyd_holdout: holdout sums are exact');

-- the ends of the ranges
SELECT is((SELECT btyd_holdout(d, 1::numeric, '4713-01-01 BC'::date, '5874897-12-31'::date, 'day')
           FROM (VALUES ('4713-01-01 BC'::date), ('5874897-12-31')) v(d)),
          ROW(0, 0, 0, 0, 1, 1, ('5874897-12-31'::date - '4713-01-01 BC'::date)::float8)::btyd_holdout,
          'btyd_holdout: the first and last dates');
SELECT throws_ok($$SELECT btyd_holdout(d, 1::float8, '4714-11-24 00:00:00+00 BC'::timestamptz, '294276-12-31 23:59:59+00'::timestamptz, 'day')
                   FROM (VALUES ('4714-11-24 00:00:00+00 BC'::timestamptz), ('294276-12-31 23:59:59+00')) v(d)$$,
                 '22008', 'holdout_end is too far after calibration_end');
SELECT is((SELECT btyd_holdout(d, 1::float8, '10000-01-01 00:00:00+00'::timestamptz, '294276-12-31 23:59:59+00'::timestamptz, 'week')
           FROM (VALUES ('10000-01-01 00:00:00+00'::timestamptz), ('294276-12-31 23:59:59+00')) v(d)),
          ROW(0, 0, 0, 0, 1, 1, extract(epoch FROM '294276-12-31 23:59:59+00'::timestamptz - '10000-01-01 00:00:00+00'::timestamptz)::float8 / 86400 / 7)::btyd_holdout,
          'btyd_holdout: a holdout to the last timestamp');
-- every day a purchase (the day lists grow out of the state): 32
-- calibration days (2024-01-01 to 02-01), 29 holdout days (02-02 to 03-01)
SELECT is((SELECT btyd_holdout(d, 1::float8, '2024-02-01'::date, '2024-03-01'::date, 'month')
           FROM generate_series(0, 181) AS g, LATERAL (SELECT date '2024-01-01' + g AS d) AS x),
          ROW(31, 31 / 30.0::float8, 31 / 30.0::float8, 1, 29, 1, 29 / 30.0::float8)::btyd_holdout,
          'btyd_holdout: every day a purchase (day lists grow)');

-- partitionwise: two partitions with different calibration_end (one
-- partial state each under this plan) are refused
CREATE TEMP TABLE hostile_parts (order_date date, amount numeric, cal date) PARTITION BY LIST (cal);
CREATE TEMP TABLE hostile_parts_a PARTITION OF hostile_parts FOR VALUES IN ('2024-02-01');
CREATE TEMP TABLE hostile_parts_b PARTITION OF hostile_parts FOR VALUES IN ('2024-02-02');
INSERT INTO hostile_parts VALUES ('2024-01-01', 1, '2024-02-01'), ('2024-01-02', 2, '2024-02-02');
SET LOCAL enable_partitionwise_aggregate = on;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SELECT throws_ok($$SELECT btyd_holdout(order_date, amount, cal, '2024-06-01'::date, 'day') FROM hostile_parts$$,
                 '22023', 'calibration_end must be the same for every row of a group');

SELECT is((SELECT count(*) FROM pg_aggregate WHERE aggfnoid::regprocedure::text LIKE 'btyd_holdout(%' AND aggcombinefn <> 0 AND aggserialfn <> 0),
          4::bigint, 'every btyd_holdout overload combines and serializes');

SELECT * FROM finish();
ROLLBACK;
