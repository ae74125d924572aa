--
-- Hostile inputs for retention and churn (DESIGN section 3, first half):
-- retention_rate / churn_rate on counts at the bigint extremes, and the
-- retention_counts / retention_rate aggregates on empty, unbounded,
-- infinite and degenerate periods, infinite activity intervals, dates at
-- the ends of PostgreSQL's range, odd time zones, and hand-made states
-- passed to the support functions.
--
BEGIN;
SELECT plan(57);

-- scalar: NULL in each argument (STRICT)
SELECT is(retention_rate(NULL, 1, 0), NULL, 'retention_rate: NULL start_count');
SELECT is(retention_rate(1, NULL, 0), NULL, 'retention_rate: NULL end_count');
SELECT is(retention_rate(1, 1, NULL), NULL, 'retention_rate: NULL new_count');
SELECT is(churn_rate(NULL, 1, 0), NULL, 'churn_rate: NULL start_count');
SELECT is(churn_rate(1, NULL, 0), NULL, 'churn_rate: NULL end_count');
SELECT is(churn_rate(1, 1, NULL), NULL, 'churn_rate: NULL new_count');

-- scalar: zero, extremes, exact fractions
SELECT is(retention_rate(0, 0, 0), NULL, 'retention_rate: no customers at the start gives NULL');
SELECT is(churn_rate(0, 5, 5), NULL, 'churn_rate: only new customers gives NULL');
SELECT is(retention_rate(150, 200, 80), 0.8::float8, 'retention_rate: (200 - 80) / 150');
SELECT is(churn_rate(150, 200, 80), 0.2::float8, 'churn_rate: 30 / 150, exactly 0.2');
SELECT is(retention_rate(9223372036854775807, 9223372036854775807, 0), 1::float8, 'retention_rate: bigint max, all retained');
SELECT is(churn_rate(9223372036854775807, 9223372036854775807, 0), 0::float8, 'churn_rate: bigint max, none lost');
SELECT is(retention_rate(9223372036854775807, 0, 0), 0::float8, 'retention_rate: bigint max, all lost');
SELECT is(churn_rate(9223372036854775807, 0, 0), 1::float8, 'churn_rate: bigint max, all lost');
SELECT is(retention_rate(1, 9223372036854775807, 9223372036854775807), 0::float8, 'retention_rate: bigint max new customers');
SELECT is(churn_rate(9223372036854775807, 1, 0), 1 - 1 / 9223372036854775807::float8, 'churn_rate: one retained of bigint max');
SELECT throws_ok('SELECT retention_rate(-9223372036854775808, 0, 0)', '22023', 'customer counts must not be negative');
SELECT throws_ok('SELECT churn_rate(0, -9223372036854775808, 0)', '22023', 'customer counts must not be negative');
SELECT throws_ok('SELECT retention_rate(0, 0, -1)', '22023', 'customer counts must not be negative');
SELECT throws_ok('SELECT retention_rate(9223372036854775807, 0, 9223372036854775807)', '22023', 'new_count must not exceed end_count');
SELECT throws_ok('SELECT churn_rate(0, 9223372036854775807, 0)', '22023', 'more customers retained than there were at the start');

-- aggregate: rows with NULLs, no rows
SELECT is((SELECT retention_rate(s, e, p) FROM (VALUES (NULL::date, NULL::date, '[2024-01-01,2024-02-01)'::daterange)) v(s, e, p)),
          NULL, 'retention_rate aggregate: a NULL started_at is skipped, no row left gives NULL');
SELECT is((SELECT retention_counts(s, e, p) FROM (VALUES ('2024-01-01'::date, NULL::date, NULL::daterange)) v(s, e, p)),
          NULL, 'retention_counts: a NULL period is skipped');
SELECT is((SELECT retention_counts(s, e, p) FROM (VALUES ('2023-12-01'::date, NULL::date, '[2024-01-01,2024-02-01)'::daterange)) v(s, e, p)),
          '(1,1,0,1,1)'::retention_counts, 'retention_counts: a NULL ended_at is still active');
SELECT is((SELECT retention_counts(s, e, p) FROM generate_series(1, 0) AS g, LATERAL (VALUES ('2024-01-01'::date, NULL::date, '[2024-01-01,2024-02-01)'::daterange)) v(s, e, p)),
          NULL, 'retention_counts: empty input gives NULL');

-- aggregate: empty, unbounded, infinite and degenerate periods
SELECT throws_ok($$SELECT retention_rate('2024-01-01'::date, NULL::date, 'empty'::daterange)$$, '22023', 'period must not be empty');
SELECT throws_ok($$SELECT retention_rate('2024-01-01'::date, NULL::date, '(2024-01-01,2024-01-02)'::daterange)$$, '22023', 'period must not be empty');
SELECT throws_ok($$SELECT retention_rate('2024-01-01'::date, NULL::date, '[2024-01-01,)'::daterange)$$, '22023', 'period must have finite bounds');
SELECT throws_ok($$SELECT retention_rate('2024-01-01'::date, NULL::date, '(,2024-01-01]'::daterange)$$, '22023', 'period must have finite bounds');
SELECT throws_ok($$SELECT retention_rate('2024-01-01'::date, NULL::date, '[2024-01-01,infinity)'::daterange)$$, '22023', 'period must have finite bounds');
SELECT throws_ok($$SELECT retention_rate('2024-01-01'::date, NULL::date, '[-infinity,2024-01-01)'::daterange)$$, '22023', 'period must have finite bounds');
SELECT throws_ok($$SELECT retention_rate('2024-01-01'::timestamptz, NULL::timestamptz, 'empty'::tstzrange)$$, '22023', 'period must not be empty');
SELECT throws_ok($$SELECT retention_rate('2024-01-01'::timestamptz, NULL::timestamptz, '[2024-01-01,)'::tstzrange)$$, '22023', 'period must have finite bounds');
SELECT throws_ok($$SELECT retention_rate('2024-01-01'::timestamptz, NULL::timestamptz, '[-infinity,2024-01-01)'::tstzrange)$$, '22023', 'period must have finite bounds');
SELECT throws_ok($$SELECT retention_rate('2024-01-01'::timestamptz, NULL::timestamptz, '(2024-01-01 00:00:00+00,2024-01-01 00:00:00.000001+00)'::tstzrange)$$,
                 '22023', 'period must not be empty');
SELECT throws_ok($$SELECT retention_rate(s, NULL::date, p) FROM (VALUES ('2024-01-01'::date, '[2024-01-01,2024-02-01)'::daterange), ('2024-01-01', '[2024-01-01,2024-03-01)')) v(s, p)$$,
                 '22023', 'period must be the same for every row of a group');
SELECT throws_ok($$SELECT retention_rate('2024-02-01'::date, '2024-01-31'::date, '[2024-01-01,2024-02-01)'::daterange)$$,
                 '22023', 'ended_at must not be before started_at');

-- aggregate: infinite intervals and the ends of the date range
SELECT is((SELECT retention_counts('-infinity'::date, 'infinity'::date, '[2024-01-01,2024-02-01)')),
          '(1,1,0,1,1)'::retention_counts, 'retention_counts: an interval from -infinity to infinity is active throughout');
SELECT is((SELECT retention_counts('infinity'::date, NULL, '[2024-01-01,2024-02-01)')),
          '(0,0,0,0,)'::retention_counts, 'retention_counts: starting at infinity is never active');
SELECT is((SELECT retention_counts('-infinity'::date, '-infinity', '[2024-01-01,2024-02-01)')),
          '(0,0,0,0,)'::retention_counts, 'retention_counts: ending at -infinity is never active');
SELECT is((SELECT retention_counts('4713-01-01 BC'::date, '5874897-12-31', '[2000-01-01,2000-02-01)')),
          '(1,1,0,1,1)'::retention_counts, 'retention_counts: the widest finite interval');
SELECT is((SELECT retention_counts('4713-01-01 BC'::date, NULL, '[4713-01-01 BC,5874897-12-31)')),
          '(0,1,1,0,)'::retention_counts, 'retention_counts: the widest finite period, a customer new on its first day');
SELECT is((SELECT retention_counts('4713-01-01 BC'::date, NULL, '[4713-01-01 BC,4713-01-02 BC)')),
          '(0,1,1,0,)'::retention_counts, 'retention_counts: a one-day period at the start of the date range');
SELECT is((SELECT retention_counts('294276-12-31 23:59:59.999999+00'::timestamptz, NULL, '[2024-01-01 00:00+00,294276-12-31 23:59:59.999999+00]')),
          '(0,1,1,0,)'::retention_counts, 'retention_counts: an inclusive upper bound at the last timestamp');
SELECT is((SELECT retention_counts('2024-01-15'::date, '2024-01-15', '[2024-01-01,2024-02-01)')),
          '(0,0,0,0,)'::retention_counts, 'retention_counts: an empty activity interval is never active');

-- aggregate: timestamptz periods in odd time zones (bounds parsed in the zone)
SET LOCAL TimeZone = 'Asia/Kathmandu';
SELECT is((SELECT retention_counts(s, NULL, tstzrange('2024-01-01', '2024-02-01')) FROM (VALUES ('2023-12-31 23:59:59.999999'::timestamptz), ('2024-01-01 00:00')) v(s)),
          '(1,2,1,1,1)'::retention_counts, 'retention_counts: Asia/Kathmandu (+05:45), one microsecond before the period and at its start');
SET LOCAL TimeZone = 'Pacific/Chatham';
SELECT is((SELECT retention_counts(s, e, tstzrange('2024-01-01', '2024-02-01', '(]')) FROM (VALUES ('2023-12-01'::timestamptz, '2024-01-01 00:00:00.000001'::timestamptz)) v(s, e)),
          '(1,0,0,0,0)'::retention_counts, 'retention_counts: Pacific/Chatham (+13:45), an exclusive lower bound');
SET LOCAL TimeZone = 'America/St_Johns';
SELECT is((SELECT retention_rate(s, e, tstzrange('2024-03-01', '2024-04-01')) FROM (VALUES ('2024-02-01'::timestamptz, '2024-04-01'::timestamptz), ('2024-02-01', '2024-03-31 23:59:59')) v(s, e)),
          0.5::float8, 'retention_rate: America/St_Johns (-03:30, DST inside the period)');
SET LOCAL TimeZone = 'XXX+05:45';
SELECT is((SELECT retention_counts(s, NULL, tstzrange('2024-01-01', '2024-01-02')) FROM (VALUES ('2024-01-01 05:44:59.999999+00'::timestamptz)) v(s)),
          '(1,1,0,1,1)'::retention_counts, 'retention_counts: a POSIX zone string (UTC-05:45)');
RESET TimeZone;

-- support functions called with hand-made states
SELECT is(retention_counts_trans('{0,0,0,0,0,0}', '2024-01-01'::date, NULL, '[2024-01-01,2024-02-01)'),
          '{1,8766,8797,0,1,1}'::int8[], 'retention_counts_trans outside an aggregate: days since 2000-01-01');
SELECT is(retention_counts_trans(NULL, '2024-01-01'::date, NULL, '[2024-01-01,2024-02-01)'), NULL,
          'retention_counts_trans: a NULL state stays NULL');
SELECT throws_ok($$SELECT retention_counts_final('{{1,0,0},{1,0,0}}')$$, '22023', 'invalid retention_counts state');
SELECT throws_ok($$SELECT retention_counts_final('{}')$$, '22023', 'invalid retention_counts state');
SELECT throws_ok($$SELECT retention_rate_final('{1,0,0,1,1,NULL}')$$, '22023', 'invalid retention_counts state');
SELECT throws_ok($$SELECT retention_counts_final('{1,0,0,-1,0,0}')$$, '22023', 'customer counts must not be negative');
SELECT is(retention_rate_final('{0,0,0,0,0,0}'), NULL, 'retention_rate_final: a state without rows gives NULL');
SELECT throws_ok($$SELECT retention_counts_combine('{1,0,1,9223372036854775807,0,0}', '{1,0,1,1,0,0}')$$, '22003', 'bigint out of range');

SELECT * FROM finish();
ROLLBACK;
