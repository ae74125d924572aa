--
-- Hostile inputs for cohorts (DESIGN section 3, second half): the
-- cohort_retention aggregates with NULLs, bad and varying periods, dates
-- outside the supported years and at the ends of PostgreSQL's range,
-- timestamptz in odd time zones, extreme and empty customer ids, amounts
-- that are not finite or do not fit; cohort_table and retention_curve with
-- NULL, bad modes and counts at the bigint limits; and the text forms of
-- cohort_matrix that sql/cohort_matrix.sql does not already cover.
--
BEGIN;
SELECT plan(76);

\ir lib/setup.sql

-- the text of a one-cohort matrix of one customer (cohort_matrix has no =)
CREATE FUNCTION pg_temp.one(unit text, start text) RETURNS text
LANGUAGE sql AS $$
SELECT format('{"unit": "%s", "last": "%s", "cohorts": [{"start": "%s", "size": 1, "active": [1], "rolling": [1]}]}',
              unit, start, start)
$$;

-- NULLs: rows with a NULL id, activity or period are skipped
SELECT is((SELECT cohort_retention(c, d, 'month') FROM (VALUES (NULL::bigint, '2024-01-01'::date), (1, NULL)) v(c, d))::text,
          NULL, 'cohort_retention: rows with a NULL id or activity are skipped, none left gives NULL');
SELECT is((SELECT cohort_retention(1::bigint, '2024-01-01'::date, NULL::time_unit))::text, NULL,
          'cohort_retention: a NULL period skips the row');
SELECT is((SELECT cohort_retention(c, d, 'month') FROM (VALUES (NULL::text, '2024-01-01'::timestamptz)) v(c, d))::text,
          NULL, 'cohort_retention(text, timestamptz): a NULL id is skipped');
SELECT is((SELECT cohort_retention(1::bigint, '2024-01-15'::date, 'month', NULL::numeric))::text,
          '{"unit": "month", "last": "2024-01-01", "cohorts": [{"start": "2024-01-01", "size": 1, "active": [1], "rolling": [1], "revenue": [0]}]}',
          'cohort_retention: a NULL amount is activity without revenue');

-- periods: labels outside the enum, units that vary within a group
SELECT throws_ok($$SELECT cohort_retention(1::bigint, '2024-01-01'::date, '')$$, '22P02', 'invalid input value for enum time_unit: ""');
SELECT throws_ok($$SELECT cohort_retention(1::bigint, '2024-01-01'::date, 'Month')$$, '22P02', 'invalid input value for enum time_unit: "Month"');
SELECT throws_ok($$SELECT cohort_retention(1::bigint, '2024-01-01'::date, 'fortnight'::text)$$, '22P02', 'invalid input value for enum time_unit: "fortnight"');
SELECT throws_ok($$SELECT cohort_retention(c, '2024-01-01'::date, u::time_unit) FROM (VALUES (1::bigint, 'month'), (2, 'week')) v(c, u)$$,
                 '22023', 'period must be the same for every row of a group');

-- dates: the supported years 0001..9999, infinities, the ends of PostgreSQL's range
SELECT is(cohort_retention(1::bigint, '0001-01-01'::date, 'week')::text, pg_temp.one('week', '0001-01-01'),
          'cohort_retention: 0001-01-01 is a Monday, the first ISO week');
SELECT is(cohort_retention(1::bigint, '9999-12-31'::date, 'week')::text, pg_temp.one('week', '9999-12-27'),
          'cohort_retention: the week of 9999-12-31 starts on 9999-12-27');
SELECT is(cohort_retention(1::bigint, '9999-12-31'::date, 'quarter')::text, pg_temp.one('quarter', '9999-10-01'),
          'cohort_retention: the last quarter of 9999');
SELECT is(cohort_retention(1::bigint, '0001-01-01'::date, 'week')::text::cohort_matrix::text, pg_temp.one('week', '0001-01-01'),
          'cohort_retention: the first week reads back from its text form');
SELECT throws_ok($$SELECT cohort_retention(1::bigint, '0001-12-31 BC'::date, 'year')$$, '22003', 'activity_at is out of range for cohort_retention');
SELECT throws_ok($$SELECT cohort_retention(1::bigint, '10000-01-01'::date, 'year')$$, '22003', 'activity_at is out of range for cohort_retention');
SELECT throws_ok($$SELECT cohort_retention(1::bigint, '4713-01-01 BC'::date, 'day')$$, '22003', 'activity_at is out of range for cohort_retention');
SELECT throws_ok($$SELECT cohort_retention(1::bigint, '5874897-12-31'::date, 'day')$$, '22003', 'activity_at is out of range for cohort_retention');
SELECT throws_ok($$SELECT cohort_retention(1::bigint, 'infinity'::date, 'day')$$, '22003', 'activity_at is out of range for cohort_retention');
SELECT throws_ok($$SELECT cohort_retention(1::bigint, '-infinity'::timestamptz, 'day')$$, '22003', 'activity_at is out of range for cohort_retention');
SELECT throws_ok($$SELECT cohort_retention(1::bigint, '294276-12-31 23:59:59+00'::timestamptz, 'day')$$, '22003', 'activity_at is out of range for cohort_retention');
SELECT is((SELECT array_length(retention_curve(cohort_retention(c, d, 'week')), 1)
           FROM (VALUES (1::bigint, '0001-01-01'::date), (2, '9999-12-31')) v(c, d)),
          ('9999-12-27'::date - '0001-01-01'::date) / 7 + 1, 'cohort_retention: a matrix spanning every supported week');
SELECT throws_ok($$SELECT cohort_retention(c, '0001-01-01'::date + c::int * 365, 'day') FROM generate_series(1::bigint, 3000) AS c$$,
                 '54000', 'cohort matrix would have too many cells');
SELECT is(pg_temp.failure($$SELECT cohort_retention(c, '0001-01-01'::date + c::int * 228000, 'day') FROM generate_series(0::bigint, 16) AS c$$),
          (SELECT format('54000 17 cohorts by ''day'' from 0001-01-01 to %s need %s cells; the limit is 10000000, which keeps the matrix and its text form under the 1 GB limit of a value.',
                         max(d), sum(last_d - d + 1))
           FROM (SELECT d, max(d) OVER () AS last_d
                 FROM (SELECT '0001-01-01'::date + c * 228000 AS d FROM generate_series(0, 16) AS c) AS y) AS x),
          'cohort_retention: 17 days spanning the years 1 to 9999 are refused before the matrix is built (issue 12: built a 935 MB value)');
SELECT is((SELECT sum(cohort_size) FROM cohort_table((SELECT cohort_retention(c, '2010-01-01'::date + c::int, 'day') FROM generate_series(0::bigint, 3652) AS c)) WHERE period_offset = 0),
          3653::numeric, 'cohort_retention: ten years of daily cohorts (6.7 million cells) stay within the limit');

-- timestamptz: the period is that of the date in the session TimeZone
SET LOCAL TimeZone = 'Asia/Kathmandu';
SELECT is(cohort_retention(1::bigint, '2024-01-31 18:15:00+00'::timestamptz, 'month')::text, pg_temp.one('month', '2024-02-01'),
          'cohort_retention: Asia/Kathmandu (+05:45), 18:15 UTC is already February');
SELECT is(cohort_retention(1::bigint, '2024-01-31 18:14:59.999999+00'::timestamptz, 'month')::text, pg_temp.one('month', '2024-01-01'),
          'cohort_retention: Asia/Kathmandu (+05:45), one microsecond earlier is January');
SET LOCAL TimeZone = 'Pacific/Chatham';
SELECT is(cohort_retention(1::bigint, '2024-12-31 10:15:00+00'::timestamptz, 'year')::text, pg_temp.one('year', '2025-01-01'),
          'cohort_retention: Pacific/Chatham (+13:45 in summer), 10:15 UTC on 12-31 is next year');
SET LOCAL TimeZone = 'America/St_Johns';
SELECT is(cohort_retention(1::bigint, '2024-03-01 03:29:59+00'::timestamptz, 'month')::text, pg_temp.one('month', '2024-02-01'),
          'cohort_retention: America/St_Johns (-03:30), 03:29:59 UTC on 03-01 is still February');
SELECT is(cohort_retention(1::bigint, '2024-03-11 02:29:59+00'::timestamptz, 'week')::text, pg_temp.one('week', '2024-03-04'),
          'cohort_retention: America/St_Johns (-02:30 after the DST change of 03-10), Sunday 23:59:59 is the week of 03-04');
SELECT is(cohort_retention(1::bigint, '2024-03-11 02:30:00+00'::timestamptz, 'week')::text, pg_temp.one('week', '2024-03-11'),
          'cohort_retention: America/St_Johns, Monday 00:00 local is the week of 03-11');
SET LOCAL TimeZone = 'XXX+05:45';
SELECT is(cohort_retention(1::bigint, '2024-03-01 05:44:59+00'::timestamptz, 'month')::text, pg_temp.one('month', '2024-02-01'),
          'cohort_retention: a POSIX zone string (UTC-05:45), still February');
SELECT is(cohort_retention(1::bigint, '2024-03-01 05:45:00+00'::timestamptz, 'month')::text, pg_temp.one('month', '2024-03-01'),
          'cohort_retention: a POSIX zone string (UTC-05:45), March');
RESET TimeZone;

-- customer ids: bigint extremes, empty and near-identical text ids are distinct customers
SELECT is((SELECT cohort_retention(c, '2024-01-01'::date, 'month') FROM unnest(ARRAY[-9223372036854775808, 9223372036854775807, 0, -1, 0]::bigint[]) AS c)::text,
          '{"unit": "month", "last": "2024-01-01", "cohorts": [{"start": "2024-01-01", "size": 4, "active": [4], "rolling": [4]}]}',
          'cohort_retention: bigint min, max, 0 and -1 are four customers');
SELECT is((SELECT cohort_retention(c, '2024-01-01'::date, 'month') FROM unnest(ARRAY['', ' ', E'\t', 'a', 'a ', ''] ) AS c)::text,
          '{"unit": "month", "last": "2024-01-01", "cohorts": [{"start": "2024-01-01", "size": 5, "active": [5], "rolling": [5]}]}',
          'cohort_retention: the empty id and ids differing in white space are distinct');
SELECT is((SELECT cohort_retention(c, '2024-01-01'::date, 'month') FROM (VALUES (repeat('x', 100000)), (repeat('x', 99999) || 'y'), (repeat('x', 100000))) v(c))::text,
          '{"unit": "month", "last": "2024-01-01", "cohorts": [{"start": "2024-01-01", "size": 2, "active": [2], "rolling": [2]}]}',
          'cohort_retention: long ids that differ only in the last byte');

-- amounts: NaN, infinities, too many decimals, out of bigint units, an overflowing sum
SELECT throws_ok($$SELECT cohort_retention(1::bigint, '2024-01-01'::date, 'month', 'NaN'::numeric)$$, '22023', 'amount must be a finite number');
-- numeric has infinities since PostgreSQL 14 (13 refuses the input)
SELECT CASE WHEN pg_version_num() >= 140000
    THEN throws_ok($$SELECT cohort_retention(1::bigint, '2024-01-01'::date, 'month', '-Infinity'::numeric)$$, '22023', 'amount must be a finite number')
    ELSE skip('numeric has no infinity before PostgreSQL 14', 1) END;
SELECT throws_ok($$SELECT cohort_retention(1::bigint, '2024-01-01'::date, 'month', 1e19)$$, '22003', 'amount is out of range for cohort_retention');
SELECT is((SELECT (cohort_table(cohort_retention(1::bigint, '2024-01-01'::date, 'month', a))).revenue FROM (VALUES (1e-19), (-6e-19)) v(a)),
          round(1e-19, 18) + round(-6e-19, 18), 'cohort_retention: amounts below 10^-18 round to 18 decimals, half away from zero (1e-19 was out of range)');
SELECT throws_ok($$SELECT cohort_retention(1::bigint, '2024-01-01'::date, 'month', a) FROM (VALUES (9e18), (9e18)) v(a)$$,
                 '22003', 'revenue is out of range for cohort_retention');
SELECT throws_ok($$SELECT cohort_retention(1::bigint, '2024-01-01'::date, 'month', a) FROM (VALUES (9.3e17), (0.1)) v(a)$$,
                 '22003', 'revenue is out of range for cohort_retention');
SELECT is((SELECT (cohort_table(cohort_retention(1::bigint, '2024-01-01'::date, 'month', a))).revenue FROM (VALUES (-9223372036854775808), (0)) v(a)),
          -9223372036854775808::numeric, 'cohort_retention: the smallest bigint amount is exact');
SELECT is((SELECT (cohort_table(cohort_retention(1::bigint, '2024-01-01'::date, 'month', 22 / 100.0))).revenue), 0.22,
          'cohort_retention: an amount printed with 20 decimals, 0.22000000000000000000, is 0.22 (was refused as out of range)');
SELECT is((SELECT (cohort_table(cohort_retention(1::bigint, '2024-01-01'::date, 'month', 0.1000000000000000000001))).revenue), round(0.1000000000000000000001, 18),
          'cohort_retention: a nonzero digit beyond 18 decimals is rounded away (was out of range)');
SELECT is((SELECT (cohort_table(cohort_retention(1::bigint, '2024-01-01'::date, 'month', a))).revenue FROM (VALUES (1 / 3.0), (2 / 3.0), (-1 / 7.0)) v(a)),
          round(1 / 3.0, 18) + round(2 / 3.0, 18) + round(-1 / 7.0, 18),
          'cohort_retention: 1/3.0 (20 decimals) is accepted, each amount rounded to 18 decimals (issue 12: was out of range)');
SELECT is(pg_temp.failure($$SELECT cohort_retention(1::bigint, '2024-01-01'::date, 'month', 1e19 / 3.0)$$),
          format('22003 amount is %s, which does not fit in a bigint count of 10^-%s units.', 1e19 / 3.0, scale(1e19 / 3.0)),
          'cohort_retention: an amount that does not fit even rounded to 18 decimals names itself and its decimals');
SELECT is((SELECT (cohort_table(cohort_retention(1::bigint, '2024-01-01'::date, 'month', a))).revenue FROM (VALUES (0.000000000000000001), (-0.000000000000000002)) v(a)),
          -0.000000000000000001, 'cohort_retention: amounts of 18 decimals are exact');

-- cohort_table and retention_curve: NULL, bad modes, bigint counts
SELECT is((SELECT count(*) FROM cohort_table(NULL::cohort_matrix)), 0::bigint, 'cohort_table: NULL matrix gives no rows');
SELECT is((SELECT count(*) FROM cohort_table(pg_temp.one('day', '2024-01-01')::cohort_matrix, NULL)), 0::bigint, 'cohort_table: NULL mode gives no rows');
SELECT is(retention_curve(NULL::cohort_matrix), NULL, 'retention_curve: NULL matrix gives NULL');
SELECT is(retention_curve(pg_temp.one('day', '2024-01-01')::cohort_matrix, NULL), NULL, 'retention_curve: NULL mode gives NULL');
SELECT throws_ok($$SELECT * FROM cohort_table(pg_temp.one('day', '2024-01-01')::cohort_matrix, '')$$, '22023', 'mode must be ''classic'' or ''rolling''');
SELECT throws_ok($$SELECT * FROM cohort_table(pg_temp.one('day', '2024-01-01')::cohort_matrix, 'Rolling')$$, '22023', 'mode must be ''classic'' or ''rolling''');
SELECT throws_ok($$SELECT retention_curve(pg_temp.one('day', '2024-01-01')::cohort_matrix, 'classic ')$$, '22023', 'mode must be ''classic'' or ''rolling''');
SELECT is((SELECT array_agg(retention ORDER BY cohort, period_offset) FROM cohort_table('{"unit": "month", "last": "2025-02-01", "cohorts": [{"start": "2025-01-01", "size": 9223372036854775807, "active": [9223372036854775807, 0], "rolling": [9223372036854775807, 0]}, {"start": "2025-02-01", "size": 1, "active": [1], "rolling": [1]}]}')),
          '{1,0,1}'::float8[], 'cohort_table: a cohort of bigint max customers');
SELECT throws_ok($$SELECT retention_curve('{"unit": "month", "last": "2025-02-01", "cohorts": [{"start": "2025-01-01", "size": 9223372036854775807, "active": [9223372036854775807, 9223372036854775807], "rolling": [9223372036854775807, 9223372036854775807]}, {"start": "2025-02-01", "size": 1, "active": [1], "rolling": [1]}]}')$$,
                 '22003', 'bigint out of range');

-- cohort_matrix text input: what sql/cohort_matrix.sql does not cover
SELECT throws_ok($$SELECT ''::cohort_matrix$$, '22P02', 'invalid input syntax for type json');
SELECT throws_ok($$SELECT '   '::cohort_matrix$$, '22P02', 'invalid input syntax for type json');
SELECT throws_ok($$SELECT 'null'::cohort_matrix$$, '22P02', 'invalid input syntax for type cohort_matrix');
SELECT throws_ok($$SELECT '"x"'::cohort_matrix$$, '22P02', 'invalid input syntax for type cohort_matrix');
SELECT throws_ok($$SELECT '{"unit": "month", "last": "2025-01-01", "cohorts": [{"start": "2025-01-01", "size": 1, "active": [null], "rolling": [1]}]}'::cohort_matrix$$,
                 '22P02', 'invalid input syntax for type cohort_matrix');
SELECT throws_ok($$SELECT '{"unit": "month", "last": "2025-01-01", "cohorts": [{"start": "2025-01-01", "size": 1, "active": [[1]], "rolling": [1]}]}'::cohort_matrix$$,
                 '22P02', 'invalid input syntax for type cohort_matrix');
SELECT throws_ok($$SELECT '{"unit": "month", "last": "2025-01-01", "cohorts": [{"start": "2025-01-01", "size": true, "active": [1], "rolling": [1]}]}'::cohort_matrix$$,
                 '22P02', 'invalid input syntax for type cohort_matrix');
SELECT throws_ok($$SELECT '{"unit": "month", "last": "2025-01-01", "cohorts": [{"start": 20250101, "size": 1, "active": [1], "rolling": [1]}]}'::cohort_matrix$$,
                 '22P02', 'invalid input syntax for type cohort_matrix');
SELECT throws_ok($$SELECT '{"unit": "month", "last": "+025-01-01", "cohorts": [{"start": "2025-01-01", "size": 1, "active": [1], "rolling": [1]}]}'::cohort_matrix$$,
                 '22P02', 'invalid input syntax for type cohort_matrix');
SELECT throws_ok($$SELECT '{"unit": "month", "last": "2025-01-01", "cohorts": [{"start": "2025-01-01", "size": 1, "active": [1], "rolling": [1], "revenue": [null]}]}'::cohort_matrix$$,
                 '22P02', 'invalid input syntax for type cohort_matrix');
SELECT is(pg_temp.failure($$SELECT '{"unit": "month", "last": "2025-01-01", "cohorts": [{"start": "2025-01-01", "size": 1.5, "active": [1], "rolling": [1]}]}'::cohort_matrix$$),
          '22P02 "size" must be a whole number.', 'cohort_matrix_in: a size of 1.5 is not whole');
SELECT is('{"unit": "month", "last": "2025-01-01", "cohorts": [{"start": "2025-01-01", "size": 1.0, "active": [1.00], "rolling": [1e0]}]}'::cohort_matrix::text,
          pg_temp.one('month', '2025-01-01'), 'cohort_matrix_in: counts written 1.0 and 1.00 are whole (were refused as not whole)');
SELECT is(pg_temp.failure($$SELECT '{"unit": "month", "last": "2025-01-01", "cohorts": [{"start": "2025-01-01", "size": 1, "active": [1], "rolling": [1]}], "unit": "year"}'::cohort_matrix$$),
          '22P02 The key "unit" appears twice in one object.', 'cohort_matrix_in: a repeated top-level key is an error naming it (issue 12: the last value won)');
SELECT is(pg_temp.failure($$SELECT '{"unit": "month", "last": "2025-01-01", "cohorts": [{"start": "2025-01-01", "size": 1, "active": [1], "rolling": [1], "\u0061ctive": [1]}]}'::cohort_matrix$$),
          '22P02 The key "active" appears twice in one object.', 'cohort_matrix_in: a key repeated in a cohort, once escaped, is an error naming it');
SELECT is('{"unit": "month", "last": "2025-01-01", "cohorts": [{"start": "2025-01-01", "size": 1, "active": [1], "rolling": [1]}]}'::cohort_matrix::text,
          pg_temp.one('month', '2025-01-01'), 'cohort_matrix_in: the same key in different objects is no repeat');
SELECT is(pg_temp.failure($$SELECT '{"unit": "day", "last": "9999-12-31", "cohorts": [{"start": "0001-01-01", "size": 1, "active": [1], "rolling": [1]}]}'::cohort_matrix$$),
          format('22P02 Cohort 1 has 1 "active" values; from its start to the last period it needs %s.', '9999-12-31'::date - '0001-01-01'::date + 1),
          'cohort_matrix_in: a text claiming 3.65 million cells is refused by its array lengths before any matrix is allocated');
SELECT is(' {"unit": "day", "last": "9999-12-31", "cohorts": [{"start": "9999-12-31", "size": 1, "active": [1], "rolling": [1]}]}  '::cohort_matrix::text,
          pg_temp.one('day', '9999-12-31'), 'cohort_matrix_in: the last supported day, surrounded by white space');
SELECT is('{"unit": "month", "last": "2025-01-01", "cohorts": [{"start": "2025-01-01", "size": 1, "active": [1], "rolling": [1], "revenue": [-9223372036854775808]}]}'::cohort_matrix::text,
          '{"unit": "month", "last": "2025-01-01", "cohorts": [{"start": "2025-01-01", "size": 1, "active": [1], "rolling": [1], "revenue": [-9223372036854775808]}]}',
          'cohort_matrix_in: the smallest bigint revenue round-trips');
SELECT is(pg_temp.failure($$SELECT '{"unit": "month", "last": "2025-02-01", "cohorts": [{"start": "2025-01-01", "size": 9223372036854775807, "active": [9223372036854775807, 0], "rolling": [9223372036854775807, -9223372036854775807]}]}'::cohort_matrix$$),
          '22P02 Cohort 1 has rolling 9223372036854775807 at offset 0 and -9223372036854775807 at offset 1; rolling must not grow, nor drop by more than the active customers.',
          'cohort_matrix_in: a drop of rolling that overflows bigint is caught where it happens (was a signed overflow)');
SELECT throws_ok($$SELECT '{"unit": "month", "last": "2025-01-01", "cohorts": [{"start": "2025-01-01", "size": 1, "active": [1], "rolling": [1], "revenue": [9223372036854775808]}]}'::cohort_matrix$$,
                 '22P02', 'invalid input syntax for type cohort_matrix');
SELECT throws_ok($$SELECT '{"unit": "month", "last": "2025-01-01", "cohorts": [{"start": "2025-01-01", "size": -9223372036854775808, "active": [-9223372036854775808], "rolling": [-9223372036854775808]}]}'::cohort_matrix$$,
                 '22P02', 'invalid cohort_matrix value');

SELECT * FROM finish();
ROLLBACK;
