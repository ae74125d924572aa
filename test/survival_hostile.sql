--
-- Hostile inputs for survival (DESIGN section 8): kaplan_meier and
-- logrank_test with NULL, negative, NaN and infinite durations, a NULL
-- event or group, ended_at before started_at, infinite and NULL dates,
-- counts that overflow bigint; km_curve text and binary forms that are
-- malformed or inconsistent; km_survival at NaN; too many groups. Each
-- error with its SQLSTATE, and the documented NULLs.
--
BEGIN;
SELECT plan(47);

\ir lib/setup.sql

-- kaplan_meier(duration, event)
SELECT throws_ok($$SELECT kaplan_meier(-1, true)$$, '22023', 'duration must not be negative');
SELECT throws_ok($$SELECT kaplan_meier('NaN', true)$$, '22023', 'duration must be a finite number');
SELECT throws_ok($$SELECT kaplan_meier('Infinity', false)$$, '22023', 'duration must be a finite number');
SELECT throws_ok($$SELECT kaplan_meier('-Infinity', false)$$, '22023', 'duration must be a finite number');
SELECT throws_ok($$SELECT kaplan_meier(NULL::float8, true)$$, '22004', 'duration must not be null');
SELECT throws_ok($$SELECT kaplan_meier(3, NULL::boolean)$$, '22004', 'event must not be null');
SELECT is((SELECT kaplan_meier(d, true)::text FROM (VALUES (0::float8), ('-0'::float8)) AS v(d)), '[[0, 2, 0]]',
          'kaplan_meier: -0 and 0 are one time');
SELECT is((SELECT kaplan_meier(d, true)::text FROM (VALUES (65535::float8), (65536), (1e300), (2.5)) AS v(d)),
          '[[2.5, 1, 0], [65535, 1, 0], [65536, 1, 0], [1e+300, 1, 0]]',
          'kaplan_meier: times around the dense limit and huge times sort together');
SELECT is((SELECT kaplan_meier(1, true) FROM generate_series(1, 0))::text, NULL, 'kaplan_meier: no rows gives NULL');

-- kaplan_meier(started_at, ended_at, as_of)
SELECT throws_ok($$SELECT kaplan_meier(date '2024-02-01', date '2024-01-31', date '2024-06-01')$$, '22023',
                 'ended_at must not be before started_at');
SELECT is(pg_temp.failure($$SELECT kaplan_meier(date '2024-02-01', date '2024-01-31', date '2024-06-01')$$),
          '22023 ended_at is 2024-01-31 and started_at is 2024-02-01.', 'the detail names both dates');
SELECT throws_ok($$SELECT kaplan_meier(NULL::date, date '2024-01-31', date '2024-06-01')$$, '22004', 'started_at must not be null');
SELECT throws_ok($$SELECT kaplan_meier(date '2024-01-01', NULL::date, NULL::date)$$, '22004', 'as_of must not be null');
SELECT throws_ok($$SELECT kaplan_meier('-infinity'::date, NULL::date, date '2024-06-01')$$, '22023', 'started_at must be a finite date');
SELECT throws_ok($$SELECT kaplan_meier(date '2024-01-01', NULL::date, 'infinity'::date)$$, '22023', 'as_of must be a finite date');
SELECT is((SELECT kaplan_meier(date '2024-01-01', 'infinity'::date, date '2024-01-11'))::text, '[[10, 0, 1]]',
          'kaplan_meier: an infinite ended_at is censored at as_of');
SELECT is((SELECT kaplan_meier(date '2024-01-01', NULL::date, date '2024-01-11'))::text, '[[10, 0, 1]]',
          'kaplan_meier: a NULL ended_at is censored at as_of');
SELECT is((SELECT kaplan_meier(date '2024-01-01', date '2024-01-11', date '2024-01-11'))::text, '[[10, 1, 0]]',
          'kaplan_meier: ended_at = as_of is an event');
SELECT is((SELECT kaplan_meier(date '2024-02-01', NULL::date, date '2024-01-11'))::text, NULL,
          'kaplan_meier: a subscription starting after as_of is skipped (none left: NULL)');
SELECT is((SELECT kaplan_meier('4713-01-01 BC'::date, '5874897-12-31'::date, '5874897-12-31'::date))::text,
          format('[[%s, 1, 0]]', '5874897-12-31'::date - '4713-01-01 BC'::date),
          'kaplan_meier: the longest date span is exact');

-- logrank_test
SELECT throws_ok($$SELECT logrank_test(1, true, NULL::text)$$, '22004', 'grp must not be null');
SELECT throws_ok($$SELECT logrank_test(NULL::float8, true, 'a')$$, '22004', 'duration must not be null');
SELECT throws_ok($$SELECT logrank_test(1, NULL::boolean, 'a')$$, '22004', 'event must not be null');
SELECT throws_ok($$SELECT logrank_test(-2, true, 'a')$$, '22023', 'duration must not be negative');
SELECT throws_ok($$SELECT logrank_test(1, true, g::text) FROM generate_series(1, 101) AS g$$, '54000',
                 'logrank_test compares at most 100 groups');
SELECT is((SELECT logrank_test(g, false, (g % 2)::text) FROM generate_series(1, 10) AS g)::text, NULL,
          'logrank_test: no events gives NULL');
SELECT is((SELECT logrank_test(g, true, 'same') FROM generate_series(1, 10) AS g)::text, NULL,
          'logrank_test: one group gives NULL');
SELECT is((SELECT logrank_test(g, true, CASE WHEN g = 1 THEN '' ELSE 'x' END) FROM generate_series(1, 3) AS g)::text IS NOT NULL,
          true, 'logrank_test: the empty string is a group');

-- counts at the bigint limit
SELECT throws_ok($$SELECT '[[1, 9223372036854775807, 0], [2, 1, 0]]'::km_curve$$, '22P02', 'invalid km_curve value');

-- km_curve text form
SELECT throws_ok($$SELECT ''::km_curve$$, '22P02', 'invalid input syntax for type km_curve');
SELECT throws_ok($$SELECT '[]'::km_curve$$, '22P02', 'invalid input syntax for type km_curve');
SELECT throws_ok($$SELECT '[[1, 1]]'::km_curve$$, '22P02', 'invalid input syntax for type km_curve');
SELECT throws_ok($$SELECT '[[1, 1, 0]] x'::km_curve$$, '22P02', 'invalid input syntax for type km_curve');
SELECT throws_ok($$SELECT '[[NaN, 1, 0]]'::km_curve$$, '22P02', 'invalid input syntax for type km_curve');
SELECT throws_ok($$SELECT '[[inf, 1, 0]]'::km_curve$$, '22P02', 'invalid input syntax for type km_curve');
SELECT throws_ok($$SELECT '[[0x10, 1, 0]]'::km_curve$$, '22P02', 'invalid input syntax for type km_curve');
SELECT throws_ok($$SELECT '[[1e999, 1, 0]]'::km_curve$$, '22P02', 'invalid input syntax for type km_curve');
SELECT throws_ok($$SELECT '[[1, 1.5, 0]]'::km_curve$$, '22P02', 'invalid input syntax for type km_curve');
SELECT throws_ok($$SELECT '[[1, 99999999999999999999, 0]]'::km_curve$$, '22P02', 'invalid input syntax for type km_curve');
SELECT throws_ok($$SELECT '[[-1, 1, 0]]'::km_curve$$, '22P02', 'invalid km_curve value');
SELECT throws_ok($$SELECT '[[1, 0, 0]]'::km_curve$$, '22P02', 'invalid km_curve value');
SELECT throws_ok($$SELECT '[[1, -1, 2]]'::km_curve$$, '22P02', 'invalid km_curve value');
SELECT throws_ok($$SELECT '[[2, 1, 0], [1, 1, 0]]'::km_curve$$, '22P02', 'invalid km_curve value');
SELECT throws_ok($$SELECT '[[1, 1, 0], [1, 1, 0]]'::km_curve$$, '22P02', 'invalid km_curve value');

-- km_survival
SELECT throws_ok($$SELECT km_survival('[[1, 1, 1]]', 'NaN')$$, '22023', 't must be a number');

-- kaplan_meier_deserialize_subject_overflow (found by aggstate_fuzz): a
-- state of two times with 2^62 events each was read, and the sum of
-- subjects then overflowed in a combine (22003, not the corrupt-state
-- error). The state: version 1, the number of times (int64), then per time
-- the time (float8), events and censored (int64).
CREATE EXTENSION retention_test;
SELECT is(retention_test.deserialize_final('kaplan_meier(float8,boolean)',
          '\x01' || '\x0000000000000002'::bytea
          || '\x3ff0000000000000'::bytea || '\x0000000000000003'::bytea || '\x0000000000000000'::bytea
          || '\x4000000000000000'::bytea || '\x0000000000000000'::bytea || '\x0000000000000001'::bytea),
          '[[1, 3, 0], [2, 0, 1]]', 'kaplan_meier_deserialize_subject_overflow: an intact state finalizes');
SELECT throws_ok(format('SELECT retention_test.deserialize_final(%L, %L)', 'kaplan_meier(float8,boolean)',
          '\x01' || '\x0000000000000002'::bytea
          || '\x3ff0000000000000'::bytea || '\x4000000000000000'::bytea || '\x0000000000000000'::bytea
          || '\x4000000000000000'::bytea || '\x4000000000000000'::bytea || '\x0000000000000000'::bytea),
          '22P03', 'invalid serialized kaplan_meier state',
          'kaplan_meier_deserialize_subject_overflow: 2^63 subjects is a corrupt state');

SELECT * FROM finish();
ROLLBACK;
