--
-- Hostile inputs for bgnbd_tracking and pareto_nbd_tracking (DESIGN
-- section 6): NULL in each argument, a model with NULL or non-finite
-- parameters, periods out of range, units the BTYD functions refuse,
-- infinite dates and timestamps, arguments that vary within a group (the
-- detail names both values), first purchases thousands of years apart
-- (the evaluation without the memo equals the one with it), horizons the
-- BG/NBD series cannot reach, and a cancel through statement_timeout.
--
BEGIN;
SELECT plan(36);
\ir lib/setup.sql
SET LOCAL TimeZone = 'UTC';
SET LOCAL statement_timeout = '60s';

CREATE TEMP TABLE h_customers (first_purchase date);
INSERT INTO h_customers VALUES ('2024-01-09'), ('2024-01-10'), ('2024-01-12');

-- NULL in each argument: the row is skipped; a group of such rows is NULL
SELECT is(bgnbd_tracking(NULL::bgnbd, date '2024-01-01', date '2024-01-10', 3, 'day'), NULL, 'NULL model: NULL');
SELECT is(bgnbd_tracking(bgnbd_model(1, 1, 1, 1), NULL::date, date '2024-01-10', 3, 'day'), NULL, 'NULL first_purchase: NULL');
SELECT is(bgnbd_tracking(bgnbd_model(1, 1, 1, 1), date '2024-01-01', NULL::date, 3, 'day'), NULL, 'NULL start: NULL');
SELECT is(bgnbd_tracking(bgnbd_model(1, 1, 1, 1), date '2024-01-01', date '2024-01-10', NULL, 'day'), NULL, 'NULL periods: NULL');
SELECT is(bgnbd_tracking(bgnbd_model(1, 1, 1, 1), date '2024-01-01', date '2024-01-10', 3, NULL), NULL, 'NULL unit: NULL');
SELECT is(pareto_nbd_tracking(NULL::pareto_nbd, timestamptz '2024-01-01', timestamptz '2024-01-10', 3, 'day'), NULL, 'timestamptz, NULL model: NULL');
SELECT is((SELECT pareto_nbd_tracking(m, first_purchase, date '2024-01-10', 3, 'day')
           FROM h_customers, (VALUES (pareto_nbd_model(1, 1, 2, 1)), (NULL)) AS v(m)),
          (SELECT pareto_nbd_tracking(pareto_nbd_model(1, 1, 2, 1), first_purchase, date '2024-01-10', 3, 'day') FROM h_customers),
          'rows with a NULL model are skipped, the others counted');

-- a model with a NULL parameter (a failed fit) gives NULL; a non-finite or
-- non-positive one is the accessors' error
SELECT is(bgnbd_tracking(jsonb_populate_record(NULL::bgnbd, '{"alpha": 1, "a": 1, "b": 1}'), date '2024-01-01', date '2024-01-10', 3, 'day'),
          NULL, 'a NULL parameter gives NULL');
SELECT throws_ok($$SELECT bgnbd_tracking(jsonb_populate_record(NULL::bgnbd, '{"r": "NaN", "alpha": 1, "a": 1, "b": 1}'), date '2024-01-01', date '2024-01-10', 3, 'day')$$,
                 '22023', 'r must be a finite number');
SELECT throws_ok($$SELECT pareto_nbd_tracking(jsonb_populate_record(NULL::pareto_nbd, '{"r": 1, "alpha": 1, "s": 1, "beta": "Infinity"}'), date '2024-01-01', date '2024-01-10', 3, 'day')$$,
                 '22023', 'beta must be a finite number');
SELECT throws_ok($$SELECT pareto_nbd_tracking(jsonb_populate_record(NULL::pareto_nbd, '{"r": 1, "alpha": 1, "s": -1, "beta": 1}'), date '2024-01-01', date '2024-01-10', 3, 'day')$$,
                 '22023', 'model parameter s must be positive');

-- periods: 1 .. 10000
SELECT throws_ok($$SELECT bgnbd_tracking(bgnbd_model(1, 1, 1, 1), date '2024-01-01', date '2024-01-10', 0, 'day')$$,
                 '22023', 'periods must be between 1 and 10000');
SELECT throws_ok($$SELECT bgnbd_tracking(bgnbd_model(1, 1, 1, 1), date '2024-01-01', date '2024-01-10', -2147483648, 'day')$$,
                 '22023', 'periods must be between 1 and 10000');
SELECT is(pg_temp.failure($$SELECT pareto_nbd_tracking(pareto_nbd_model(1, 1, 1, 1), date '2024-01-01', date '2024-01-10', 10001, 'day')$$),
          '22023 periods is 10001.', 'periods 10001: the detail names it');
SELECT is(array_length(pareto_nbd_tracking(pareto_nbd_model(1, 1, 2, 1), date '2024-01-01', date '2024-01-01', 10000, 'month'), 1),
          10000, 'periods 10000 is allowed');

-- units: day, week, month only
SELECT throws_ok($$SELECT bgnbd_tracking(bgnbd_model(1, 1, 1, 1), date '2024-01-01', date '2024-01-10', 3, 'quarter')$$,
                 '22023', 'unit must be day, week or month');
SELECT throws_ok($$SELECT pareto_nbd_tracking(pareto_nbd_model(1, 1, 1, 1), timestamptz '2024-01-01', timestamptz '2024-01-10', 3, 'year')$$,
                 '22023', 'unit must be day, week or month');
SELECT throws_ok($$SELECT bgnbd_tracking(bgnbd_model(1, 1, 1, 1), date '2024-01-01', date '2024-01-10', 3, 'fortnight')$$,
                 '22P02', 'invalid input value for enum time_unit: "fortnight"');

-- infinite dates and timestamps
SELECT throws_ok($$SELECT bgnbd_tracking(bgnbd_model(1, 1, 1, 1), date 'infinity', date '2024-01-10', 3, 'day')$$,
                 '22023', 'first_purchase must be finite');
SELECT throws_ok($$SELECT bgnbd_tracking(bgnbd_model(1, 1, 1, 1), date '2024-01-01', date '-infinity', 3, 'day')$$,
                 '22023', 'start must be finite');
SELECT throws_ok($$SELECT pareto_nbd_tracking(pareto_nbd_model(1, 1, 1, 1), timestamptz '-infinity', timestamptz '2024-01-10', 3, 'week')$$,
                 '22023', 'first_purchase must be finite');
SELECT throws_ok($$SELECT pareto_nbd_tracking(pareto_nbd_model(1, 1, 1, 1), timestamptz '2024-01-01', timestamptz 'infinity', 3, 'week')$$,
                 '22023', 'start must be finite');

-- arguments that vary within a group: 22023 naming both values
SELECT is(pg_temp.failure($$SELECT bgnbd_tracking(m, date '2024-01-01', date '2024-01-10', 3, 'day') FROM (VALUES (bgnbd_model(1, 1, 1, 1)), (bgnbd_model(1, 1, 1, 2))) AS v(m)$$),
          '22023 A group mixes the bgnbd models (r = 1, alpha = 1, a = 1, b = 1) and (r = 1, alpha = 1, a = 1, b = 2).', 'a varying model');
SELECT is(pg_temp.failure($$SELECT bgnbd_tracking(m, date '2024-01-01', date '2024-01-10', 3, 'day') FROM (VALUES (bgnbd_model(1, 1, 1, 1)), (jsonb_populate_record(NULL::bgnbd, '{"r": 1}'))) AS v(m)$$),
          '22023 A group mixes the bgnbd models (r = 1, alpha = 1, a = 1, b = 1) and a model with a NULL parameter.', 'a fitted and a failed model');
SELECT is(pg_temp.failure($$SELECT pareto_nbd_tracking(pareto_nbd_model(1, 1, 1, 1), date '2024-01-01', s, 3, 'day') FROM (VALUES (date '2024-01-10'), (date '2024-01-11')) AS v(s)$$),
          '22023 A group mixes start 2024-01-10 and 2024-01-11.', 'a varying start');
SELECT is(pg_temp.failure($$SELECT pareto_nbd_tracking(pareto_nbd_model(1, 1, 1, 1), timestamptz '2024-01-01', s, 3, 'day') FROM (VALUES (timestamptz '2024-01-10 00:00+00'), (timestamptz '2024-01-10 00:00:01+00')) AS v(s)$$),
          '22023 A group mixes start 2024-01-10 00:00:00+00 and 2024-01-10 00:00:01+00.', 'a varying timestamptz start');
SELECT is(pg_temp.failure($$SELECT bgnbd_tracking(bgnbd_model(1, 1, 1, 1), date '2024-01-01', date '2024-01-10', p, 'day') FROM (VALUES (3), (4)) AS v(p)$$),
          '22023 A group mixes periods 3 and 4.', 'varying periods');
SELECT is(pg_temp.failure($$SELECT bgnbd_tracking(bgnbd_model(1, 1, 1, 1), date '2024-01-01', date '2024-01-10', 3, u::time_unit) FROM (VALUES ('day'), ('week')) AS v(u)$$),
          '22023 A group mixes the units "day" and "week".', 'a varying unit');

-- first purchases 3,000 years apart: the range of days is too wide for
-- the memo, and the sum without it equals the sums of the customers alone
SELECT is((SELECT pareto_nbd_tracking(pareto_nbd_model(0.55, 10.58, 0.61, 11.67), d, date '4000-01-01', 5, 'week')
           FROM (VALUES (date '1000-01-01'), (date '3999-12-30')) AS v(d))::text,
          (SELECT array_agg(a + b ORDER BY k)::text
           FROM unnest((SELECT pareto_nbd_tracking(pareto_nbd_model(0.55, 10.58, 0.61, 11.67), date '1000-01-01', date '4000-01-01', 5, 'week')),
                       (SELECT pareto_nbd_tracking(pareto_nbd_model(0.55, 10.58, 0.61, 11.67), date '3999-12-30', date '4000-01-01', 5, 'week')))
                WITH ORDINALITY AS u(a, b, k)),
          'first purchases 3,000 years apart: the sum of the customers alone');
-- the earliest and latest dates
SELECT ok((SELECT c[2] > c[1] AND c[1] > 0
           FROM (SELECT pareto_nbd_tracking(pareto_nbd_model(0.55, 10.58, 0.61, 11.67), d, date '5874897-12-30', 2, 'day') AS c
                 FROM (VALUES (date '4713-01-01 BC'), (date '5874897-12-29')) AS v(d)) AS s),
          'first purchases from 4713 BC to 5874897: a finite, increasing curve');
SELECT ok((SELECT c[1] > 0
           FROM (SELECT pareto_nbd_tracking(pareto_nbd_model(0.55, 10.58, 0.61, 11.67), t, timestamptz '200000-01-01 00:00+00', 1, 'day') AS c
                 FROM (VALUES (timestamptz '4713-01-01 00:00+00 BC'), (timestamptz '199999-12-29 00:00+00')) AS v(t)) AS s),
          'timestamptz first purchases from 4713 BC to 199999: a finite curve');
-- regression: start - first_purchase overflowed int64 (an UBSan abort)
-- when the two timestamps were more than 292,000 years apart
SELECT throws_ok($$SELECT pareto_nbd_tracking(pareto_nbd_model(0.55, 10.58, 0.61, 11.67), timestamptz '4713-01-01 00:00+00 BC', timestamptz '294276-12-30 00:00+00', 1, 'day')$$,
                 '22008', 'first_purchase is too far from start');
-- a BG/NBD horizon the series cannot reach: its accessor's error
SELECT is(pg_temp.failure($$SELECT bgnbd_tracking(bgnbd_model(0.243, 4.414, 0.793, 2.426), date '0001-01-01', date '9999-01-01', 1, 'day')$$),
          pg_temp.failure($$SELECT bgnbd_expected_purchases(bgnbd_model(0.243, 4.414, 0.793, 2.426), (date '9999-01-02' - date '0001-01-01')::float8)$$),
          'BG/NBD over 10,000 years of days: the error of bgnbd_expected_purchases');
SELECT is(left(pg_temp.failure($$SELECT bgnbd_tracking(bgnbd_model(0.243, 4.414, 0.793, 2.426), date '0001-01-01', date '9999-01-01', 1, 'day')$$), 5),
          '22003', 'that error is 22003');

-- a bigint of customers per day cannot overflow by rows; the count of a
-- day is a bigint (a state's counts are checked on deserialize, see
-- test/aggstate_fuzz.sql)
SELECT is(array_length(bgnbd_tracking(bgnbd_model(0.243, 4.414, 0.793, 2.426), date '2024-01-01' + g % 3, date '2024-01-01', 4, 'week'), 1),
          4, 'many rows on few days')
FROM generate_series(1, 100000) AS g;

-- cancel: a long curve (two customers 3,000 years apart, so no memo, and
-- BG/NBD series of thousands of terms) stops at statement_timeout; a
-- cancel is caught by name (WHEN OTHERS, which throws_ok uses, does not)
CREATE FUNCTION pg_temp.canceled(sql text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE sql;
    RETURN 'no error';
EXCEPTION WHEN query_canceled THEN
    RETURN SQLSTATE;
END $$;
SET LOCAL statement_timeout = '1s';
SELECT is(pg_temp.canceled($$SELECT bgnbd_tracking(bgnbd_model(0.243, 4.414, 0.793, 2.426), d, date '4000-01-01', 10000, 'month') FROM (VALUES (date '1000-01-01'), (date '3999-12-30')) AS v(d)$$),
          '57014', 'a long curve stops at statement_timeout');
SET LOCAL statement_timeout = '60s';

SELECT * FROM finish();
ROLLBACK;
