--
-- Hostile inputs for RFM (DESIGN section 1): the rfm aggregates (date and
-- timestamptz, numeric and float8, with and without as_of), the rfm_score
-- window functions, the rfm_breaks aggregate and constructor and the
-- fixed-break rfm_score, with NULLs, NaN, +-Infinity, integer extremes,
-- numerics beyond float8, dates and timestamps at the ends of PostgreSQL's
-- range, odd time zones, bad bins, and arrays of the wrong shape.
--
BEGIN;
SELECT plan(66);

-- rfm: NULLs are skipped, nothing left gives NULL
SELECT is((SELECT rfm(d, a, '2024-02-01'::date) FROM (VALUES (NULL::date, 1::numeric), ('2024-01-01', NULL)) v(d, a))::text,
          NULL, 'rfm: rows with a NULL order_at or amount are skipped');
SELECT is((SELECT rfm('2024-01-01'::date, 1::numeric, NULL::date))::text, NULL, 'rfm: a NULL as_of skips the row');
SELECT is((SELECT rfm(d, a, x) FROM (VALUES ('2024-01-01'::date, 1::float8, NULL::date), ('2024-01-02', 2, '2024-01-11')) v(d, a, x))::text,
          '(9,1,2,9)', 'rfm: a row with a NULL as_of does not fix the snapshot');
SELECT is((SELECT rfm('2999-01-01'::date, 1::numeric))::text, NULL, 'rfm(order_at, amount): orders after current_date are ignored');

-- rfm: NaN and infinities
SELECT throws_ok($$SELECT rfm('2024-01-01'::date, 'NaN'::float8, '2024-02-01'::date)$$, '22023', 'amount must be a finite number');
SELECT throws_ok($$SELECT rfm('2024-01-01'::date, '-Infinity'::float8, '2024-02-01'::date)$$, '22023', 'amount must be a finite number');
SELECT throws_ok($$SELECT rfm('2024-01-01'::timestamptz, 'NaN'::numeric, '2024-02-01'::timestamptz)$$, '22023', 'amount must be a finite number');
-- numeric has infinities since PostgreSQL 14 (13 refuses the input)
SELECT CASE WHEN pg_version_num() >= 140000
    THEN throws_ok($$SELECT rfm('2024-01-01'::date, 'Infinity'::numeric, '2024-02-01'::date)$$, '22023', 'amount must be a finite number')
    ELSE skip('numeric has no infinity before PostgreSQL 14', 1) END;
SELECT throws_ok($$SELECT rfm('infinity'::date, 1::numeric, '2024-02-01'::date)$$, '22023', 'order_at must be finite');
SELECT throws_ok($$SELECT rfm('-infinity'::timestamptz, 1::float8, '2024-02-01'::timestamptz)$$, '22023', 'order_at must be finite');
SELECT throws_ok($$SELECT rfm('2024-01-01'::date, 1::numeric, '-infinity'::date)$$, '22023', 'as_of must be finite');
SELECT throws_ok($$SELECT rfm('2024-01-01'::timestamptz, 1::numeric, 'infinity'::timestamptz)$$, '22023', 'as_of must be finite');
SELECT throws_ok($$SELECT rfm(d, 1::numeric, x) FROM (VALUES ('2024-01-01'::date, '2024-02-01'::date), ('2024-01-01', '2024-02-02')) v(d, x)$$,
                 '22023', 'as_of must be the same in every row of a group');

-- rfm: sums that overflow float8, numerics beyond every fixed-width type
SELECT throws_ok($$SELECT rfm('2024-01-01'::date, a, '2024-02-01'::date) FROM (VALUES (1e308::float8), (1e308)) v(a)$$, '22003', 'value out of range: overflow');
SELECT is((SELECT (rfm('2024-01-01'::date, a, '2024-02-01'::date)).monetary FROM (VALUES (1e1000::numeric), (1), (1e-1000)) v(a)),
          1e1000 + 1 + 1e-1000, 'rfm: numeric amounts beyond float8 are summed exactly');
SELECT is((SELECT (rfm('2024-01-01'::date, a, '2024-02-01'::date)).monetary FROM (VALUES (9223372036854775807::numeric), (1), (0.5)) v(a)),
          9223372036854775808.5, 'rfm: a sum beyond bigint units is exact');
SELECT is((SELECT rfm('2024-01-01'::date, a, '2024-02-01'::date) FROM (VALUES ('-0'::float8), (0)) v(a))::text,
          '(31,2,0,31)', 'rfm: zero and -0 amounts are orders');
SELECT is((SELECT rfm('2024-01-01'::date, -5::numeric, '2024-02-01'::date))::text, '(,0,-5,)', 'rfm: a refund only');

-- rfm: the ends of the date and timestamp ranges
SELECT is((SELECT rfm('4713-01-01 BC'::date, 1::numeric, '5874897-12-31'::date))::text,
          format('(%s,1,1,%s)', '5874897-12-31'::date - '4713-01-01 BC'::date, '5874897-12-31'::date - '4713-01-01 BC'::date),
          'rfm: from the first to the last date');
SELECT is((SELECT rfm('4713-01-01 00:00:00+00 BC'::timestamptz, 1::numeric, '294276-12-31 23:59:59.999999+00'::timestamptz))::text,
          format('(%s,1,1,%s)', '294276-12-31'::date - '4713-01-01 BC'::date, '294276-12-31'::date - '4713-01-01 BC'::date),
          'rfm: from the first to the last timestamp, more microseconds than bigint holds (was an overflow and an assertion failure)');
SELECT is((SELECT rfm(t, 1::float8, '294276-12-31 23:59:59.999999+00'::timestamptz) FROM (VALUES ('4713-01-01 00:00:00+00 BC'::timestamptz), ('294276-12-31 00:00:00+00')) v(t))::text,
          format('(0,2,2,%s)', '294276-12-31'::date - '4713-01-01 BC'::date), 'rfm: first and last order at the ends of the timestamp range');

-- rfm: whole 24-hour days, whatever the time zone
SET LOCAL TimeZone = 'Asia/Kathmandu';
SELECT is((SELECT rfm(t, 1::numeric, '2024-01-10 00:00'::timestamptz) FROM (VALUES ('2024-01-09 00:00:00.000001'::timestamptz), ('2024-01-08 23:59:59')) v(t))::text,
          '(0,2,2,1)', 'rfm: Asia/Kathmandu, 24-hour days back from as_of');
SET LOCAL TimeZone = 'America/St_Johns';
SELECT is((SELECT rfm(t, 1::numeric, '2024-03-11 00:00'::timestamptz) FROM (VALUES ('2024-03-10 00:00'::timestamptz)) v(t))::text,
          '(0,1,1,0)', 'rfm: America/St_Johns, a calendar day of 23 hours is 0 whole days');
SET LOCAL TimeZone = 'XXX+05:45';
SELECT is((SELECT rfm(t, 1::numeric, '2024-01-03 00:00'::timestamptz) FROM (VALUES ('2024-01-01 00:00'::timestamptz)) v(t))::text,
          '(2,1,1,2)', 'rfm: a POSIX zone string');
RESET TimeZone;

-- rfm_score window: bins
SELECT throws_ok($$SELECT rfm_score(1, 1::bigint, 1::numeric, 1) OVER ()$$, '22023', 'bins must be between 2 and 9');
SELECT throws_ok($$SELECT rfm_score(1, 1::bigint, 1::numeric, 10) OVER ()$$, '22023', 'bins must be between 2 and 9');
SELECT throws_ok($$SELECT rfm_score(1, 1::bigint, 1::numeric, -2147483648) OVER ()$$, '22023', 'bins must be between 2 and 9');
SELECT throws_ok($$SELECT rfm_score(1, 1::bigint, 1::numeric, NULL::integer) OVER ()$$, '22004', 'bins must not be NULL');
SELECT throws_ok($$SELECT rfm_score('(1,1,1,1)'::rfm, 2147483647) OVER ()$$, '22023', 'bins must be between 2 and 9');

-- rfm_score window: extremes, NULLs, values beyond float8
SELECT is((SELECT array_agg(s::text ORDER BY i) FROM (SELECT i, rfm_score(r, f, m, 3) OVER () AS s
           FROM (VALUES (1, -2147483648, '-9223372036854775808'::bigint, '-1e1000'::numeric), (2, 2147483647, 9223372036854775807, 1e1000),
                        (3, 0, 0, 0), (4, NULL, NULL, NULL)) v(i, r, f, m)) x),
          '{"(3,1,1,311)","(1,3,3,133)","(2,2,2,222)","(,,,)"}', 'rfm_score: integer extremes, numerics beyond float8 and a NULL row');
SELECT is((SELECT array_agg(s::text ORDER BY m) FROM (SELECT m, rfm_score(1, 1::bigint, m, 3) OVER () AS s
           FROM (VALUES (0::numeric), (1e-1000), (2e-1000)) v(m)) x),
          '{"(1,1,1,111)","(1,1,2,112)","(1,1,3,113)"}', 'rfm_score: monetary values too small for float8 stay distinct');
SELECT is((SELECT array_agg(s::text) FROM (SELECT rfm_score(x) OVER () AS s FROM (VALUES (NULL::rfm), (NULL)) v(x)) y),
          '{"(,,,)","(,,,)"}', 'rfm_score(rfm): a partition of NULL composites');
SELECT is((SELECT array_agg(DISTINCT s::text) FROM (SELECT rfm_score(7, 7::bigint, 7::numeric, 9) OVER () AS s FROM generate_series(1, 100)) y),
          '{"(1,1,1,111)"}', 'rfm_score: all ties score 1');
SELECT throws_ok($$SELECT rfm_score(1, 1::bigint, m) OVER () FROM (VALUES (1::numeric), ('NaN')) v(m)$$, '22023', 'monetary must be a finite number');
-- numeric has infinities since PostgreSQL 14 (13 refuses the input)
SELECT CASE WHEN pg_version_num() >= 140000
    THEN throws_ok($$SELECT rfm_score(1, 1::bigint, m) OVER () FROM (VALUES (1e1000), ('-Infinity')) v(m)$$, '22023', 'monetary must be a finite number')
    ELSE skip('numeric has no infinity before PostgreSQL 14', 1) END;

-- rfm_breaks aggregate
SELECT is((SELECT rfm_breaks(r, f, m) FROM (VALUES (NULL::integer, NULL::bigint, NULL::numeric)) v(r, f, m))::text, NULL, 'rfm_breaks: all NULL gives NULL');
SELECT is((SELECT rfm_breaks(r, f, m, 2) FROM (VALUES (-2147483648, '-9223372036854775808'::bigint, NULL::numeric), (2147483647, 9223372036854775807, NULL)) v(r, f, m))::text,
          '(2,{-2147483648},{9.223372036854776e+18},)', 'rfm_breaks: integer extremes, a column without values');
SELECT throws_ok($$SELECT rfm_breaks(1, 1::bigint, 1::numeric, NULL::integer)$$, '22004', 'bins must not be NULL');
SELECT throws_ok($$SELECT rfm_breaks(1, 1::bigint, 1::numeric, 1)$$, '22023', 'bins must be between 2 and 9');
SELECT throws_ok($$SELECT rfm_breaks(1, 1::bigint, 1::numeric, b) FROM (VALUES (3), (4)) v(b)$$, '22023', 'bins must be the same in every row of a group');
SELECT throws_ok($$SELECT rfm_breaks(1, 1::bigint, 'NaN'::numeric)$$, '22023', 'monetary must be a finite number');
SELECT throws_ok($$SELECT rfm_breaks(1, 1::bigint, 1e1000)$$, '22003');
SELECT throws_ok($$SELECT rfm_breaks(1, 1::bigint, 1e-1000)$$, '22003');

-- rfm_breaks constructor
SELECT is(rfm_breaks(3, NULL::float8[], '{1,2}', '{1,2}')::text, NULL, 'rfm_breaks(): STRICT, a NULL array gives NULL');
SELECT is(rfm_breaks(3, '[0:1]={1,2}'::float8[], '{-Infinity,Infinity}', '{5,5}')::text, '(3,"{1,2}","{-Infinity,Infinity}","{5,5}")',
          'rfm_breaks(): other bounds, infinities and repeats are accepted');
SELECT is(array_lower((rfm_breaks(3, '[0:1]={1,2}'::float8[], '{1,2}', '{1,2}')).r, 1), 1, 'rfm_breaks(): the arrays are one-based');
SELECT throws_ok($$SELECT rfm_breaks(3, '{{1,2}}'::float8[], '{1,2}', '{1,2}')$$, '22023', 'breaks r must be a one-dimensional array');
SELECT throws_ok($$SELECT rfm_breaks(3, '{1,2}'::float8[], '{}', '{1,2}')$$, '22023', 'breaks f must have bins - 1 elements');
SELECT throws_ok($$SELECT rfm_breaks(3, '{1,2}'::float8[], '{1,2}', '{1,NULL}')$$, '22023', 'breaks m must not contain NULL');
SELECT throws_ok($$SELECT rfm_breaks(3, '{1,2}'::float8[], '{NaN,2}', '{1,2}')$$, '22023', 'breaks f must not contain NaN');
SELECT throws_ok($$SELECT rfm_breaks(3, '{2,1}'::float8[], '{1,2}', '{1,2}')$$, '22023', 'breaks r must be in ascending order');
SELECT throws_ok($$SELECT rfm_breaks(10, '{1,2}'::float8[], '{1,2}', '{1,2}')$$, '22023', 'bins must be between 2 and 9');
SELECT throws_ok($$SELECT rfm_breaks(-2147483648, '{1,2}'::float8[], '{1,2}', '{1,2}')$$, '22023', 'bins must be between 2 and 9');

-- rfm_score with fixed breaks
SELECT is(rfm_score(1, 1, 1, NULL::rfm_breaks)::text, NULL, 'rfm_score(breaks): NULL breaks give NULL');
SELECT is(rfm_score(NULL, NULL, NULL, rfm_breaks(3, '{1,2}'::float8[], '{1,2}', '{1,2}'))::text, '(,,,)', 'rfm_score(breaks): NULL values give NULL scores');
SELECT is(rfm_score(NULL::rfm, rfm_breaks(3, '{1,2}'::float8[], '{1,2}', '{1,2}'))::text, '(,,,)', 'rfm_score(rfm, breaks): a NULL composite');
SELECT is(rfm_score(1, 1, 1, '(3,,,)'::rfm_breaks)::text, '(,,,)', 'rfm_score(breaks): NULL cut arrays give NULL scores');
SELECT throws_ok($$SELECT rfm_score(1, 1, 1, '(,,,)'::rfm_breaks)$$, '22004', 'breaks bins must not be NULL');
SELECT throws_ok($$SELECT rfm_score(1, 1, 1, '(30,,,)'::rfm_breaks)$$, '22023', 'bins must be between 2 and 9');
SELECT throws_ok($$SELECT rfm_score(1, 1, 1, '(3,"{2,1}",,)'::rfm_breaks)$$, '22023', 'breaks r must be in ascending order');
SELECT throws_ok($$SELECT rfm_score(1, 1, 1, '(3,"{1,2,3}",,)'::rfm_breaks)$$, '22023', 'breaks r must have bins - 1 elements');
SELECT throws_ok($$SELECT rfm_score(1, 1, 'NaN', rfm_breaks(3, '{1,2}'::float8[], '{1,2}', '{1,2}'))$$, '22023', 'monetary must be a finite number');
SELECT throws_ok($$SELECT rfm_score(1, 1, 1e1000, rfm_breaks(3, '{1,2}'::float8[], '{1,2}', '{1,2}'))$$, '22003');
SELECT is(rfm_score(-2147483648, 9223372036854775807, -1e300, rfm_breaks(3, '{-Infinity,Infinity}'::float8[], '{-Infinity,Infinity}', '{-Infinity,Infinity}'))::text,
          '(2,2,2,222)', 'rfm_score(breaks): extremes against infinite cuts');
SELECT is(rfm_score(2147483647, 0, 0, rfm_breaks(2, '{2147483647}'::float8[], '{0}', '{0}'))::text,
          '(2,2,2,222)', 'rfm_score(breaks): a value equal to a cut reaches the next score');
SELECT is(rfm_score('(,1,,)'::rfm, rfm_breaks(2, '{1}'::float8[], '{1}', '{1}'))::text,
          '(,2,,)', 'rfm_score(rfm, breaks): NULL fields of the composite');

SELECT * FROM finish();
ROLLBACK;
