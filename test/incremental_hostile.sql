--
-- Hostile inputs for the storable partial states (DESIGN section 9,
-- doc/incremental.md): rfm_state and btyd_state text and binary forms
-- that are malformed, truncated, of another version or of a state that
-- cannot exist; as_of before the latest order or infinite; NULLs, NaN,
-- infinite dates, the ends of the date range; numeric and float8 states
-- mixed. Expected values come from the aggregates over the same orders.
--
-- The stored rfm_state is format 5 (doc/incremental.md): version, flags
-- (bytes 0-1), the latest row (int32 days, bytes 2-5), then varints: the
-- order and refund counts, the days back to the last and to the first
-- order, then the scale (1 byte) and the scaled sum (a signed varint).
-- Its cases are built byte by byte by pg_temp.rfm_bytes (test/lib/
-- setup.sql) from the orders' own figures, after a check that the intact
-- state is exactly those bytes, and each must fail the check it is named
-- after (pg_temp.failure: SQLSTATE and detail). The stored btyd_state
-- is: version, unit, partial flag (bytes 0-2), anchor and latest purchase
-- (int64, bytes 3-18), first day and day count (int32, bytes 19-26), the
-- days (int32), then the two exact sums.
--
BEGIN;
SELECT plan(79);
\ir lib/setup.sql

CREATE TEMP TABLE o (d date, a numeric);
INSERT INTO o VALUES ('2024-01-05', 10.50), ('2024-01-05', 2.25), ('2024-02-10', -3.00), ('2024-01-20', 7);

CREATE TEMP TABLE st AS
SELECT rfm_partial(d, a) AS r, rfm_partial(d, a::float8) AS rf, btyd_partial(d, a) AS b FROM o;
CREATE TEMP TABLE hex AS SELECT decode(r::text, 'hex') AS r, decode(b::text, 'hex') AS b FROM st;

-- text input
SELECT throws_ok($$SELECT ''::rfm_state$$, '22P02', 'invalid input syntax for type rfm_state', 'rfm_state: empty text is 22P02');
SELECT throws_ok($$SELECT 'abc'::rfm_state$$, '22P02', 'invalid input syntax for type rfm_state', 'rfm_state: an odd number of digits is 22P02');
SELECT throws_ok($$SELECT '04zz'::rfm_state$$, '22P02', 'invalid input syntax for type rfm_state', 'rfm_state: a non-hexadecimal digit is 22P02');
SELECT throws_ok($$SELECT '\x0464'::rfm_state$$, '22P02', 'invalid input syntax for type rfm_state', 'rfm_state: a bytea-style \x prefix is 22P02');
SELECT throws_ok($$SELECT 'zz'::btyd_state$$, '22P02', 'invalid input syntax for type btyd_state', 'btyd_state: a non-hexadecimal digit is 22P02');
SELECT is(upper(r::text)::rfm_state::text, r::text, 'rfm_state: upper-case digits read back to the same state') FROM st;

-- corrupt bytes: every one is 22P03 from the codec. p holds the figures
-- of o by plain SQL: the latest row, the counts, the days back to the
-- last and first orders, the sum's scale and scaled value.
CREATE TEMP TABLE p AS
SELECT max(d) AS as_of, count(*) FILTER (WHERE a >= 0) AS frequency, count(*) FILTER (WHERE a < 0) AS refunds,
       max(d) - max(d) FILTER (WHERE a >= 0) AS to_last,
       max(d) FILTER (WHERE a >= 0) - min(d) FILTER (WHERE a >= 0) AS to_first,
       scale(sum(a)) AS scale, sum(a) * 10::numeric ^ scale(sum(a)) AS scaled
FROM o;
CREATE TEMP TABLE good AS
SELECT pg_temp.rfm_bytes(4, pg_temp.days(as_of), frequency, refunds, to_last, to_first, scale, scaled) AS b FROM p;
SELECT is((SELECT b FROM good), (SELECT r FROM hex), 'rfm_state: the stored bytes are format 5 as documented');
SELECT is(rfm(encode(b, 'hex')::rfm_state, '2024-03-01')::text, (SELECT rfm(d, a, '2024-03-01')::text FROM o),
          'rfm_state: the bytes built from the documented format read as rfm over the orders') FROM good;

SELECT is(pg_temp.failure(format('SELECT %L::rfm_state', encode(c.bytes, 'hex'))), '22P03 ' || c.detail,
          'rfm_state: ' || c.what || ' is rejected (22P03, ' || c.detail || ')')
FROM p, good, LATERAL (VALUES
    (set_byte(b, 0, 4), 'format version 4 (before the compact form)', 'The state has an unknown format version.'),
    (set_byte(b, 0, 6), 'format version 6', 'The state has an unknown format version.'),
    (pg_temp.rfm_bytes(5, int8send(((as_of - date '2000-01-01') * 86400000000::bigint)), frequency, refunds,
                       to_last * 86400000000, to_first * 86400000000, scale, scaled),
     'a partial state of timestamps', 'The state has a partial state of timestamps.'),
    (set_byte(b, 1, 20), 'an unknown flag (16)', 'The state has unknown flags.'),
    (set_byte(b, 1, 132), 'an unknown flag (128)', 'The state has unknown flags.'),
    (set_byte(b, 1, 0), 'a complete (non-partial) state', 'The state is not a partial state.'),
    (set_byte(b, 1, 12), 'a numeric accumulator flag with no numeric', 'The state has fewer bytes than its fields need.'),
    (set_byte(b, 1, 14), 'a numeric accumulator flag in a float8 state', 'The state has a numeric sum in a float8 state.'),
    (b || '\x00'::bytea, 'a trailing byte', 'The state has trailing bytes.'),
    (pg_temp.rfm_bytes(4, pg_temp.days(as_of), 0, 0, NULL, NULL, scale, scaled), 'no rows', 'The state has no rows.'),
    (pg_temp.rfm_bytes(4, pg_temp.days(as_of), 2::numeric ^ 63, refunds, to_last, to_first, scale, scaled),
     'an order count of 2^63', 'The state has a count out of range.'),
    (pg_temp.rfm_bytes(4, pg_temp.days(as_of), 2::numeric ^ 63 - 1, 1, to_last, to_first, scale, scaled),
     'counts that add up beyond bigint', 'The state has a count out of range.'),
    (pg_temp.rfm_bytes(4, pg_temp.days(as_of), frequency, refunds, 2::numeric ^ 64 - 1, to_first, scale, scaled),
     'a last order 2^64 - 1 days back', 'The state has a time out of range.'),
    (pg_temp.rfm_bytes(4, pg_temp.days(as_of), frequency, refunds, as_of - date '4714-11-24 BC' + 1, 0, scale, scaled),
     'a last order the day before the first date', 'The state has a time out of range.'),
    (pg_temp.rfm_bytes(4, pg_temp.days(as_of), frequency, refunds, to_last, as_of - to_last - date '4714-11-24 BC' + 1, scale, scaled),
     'a first order the day before the first date', 'The state has a time out of range.'),
    (pg_temp.rfm_bytes(4, int4send((date '5874897-12-31' - date '2000-01-01') + 1), frequency, refunds, to_last, to_first, scale, scaled),
     'a latest row the day after the last date', 'The state has a time out of range.'),
    (pg_temp.rfm_bytes(4, '\x7fffffff', frequency, refunds, to_last, to_first, scale, scaled),
     'a latest row of infinity', 'The state has a time out of range.'),
    (pg_temp.rfm_bytes(4, pg_temp.days(as_of), frequency, refunds, to_last, to_first, 19, scaled),
     'a scale of 19', 'The state has a scale out of range.'),
    (overlay(b PLACING '\x8300'::bytea FROM 7 FOR 1), 'an overlong varint (3 in two bytes)', 'The state has an overlong varint.'),
    (overlay(b PLACING '\x80808080808080808000'::bytea FROM 7 FOR 1), 'an overlong varint (0 in ten bytes)',
     'The state has an overlong varint.'),
    (overlay(b PLACING '\xffffffffffffffffff02'::bytea FROM 7 FOR 1), 'a varint of 65 bits', 'The state has a varint beyond 64 bits.'),
    (overlay(b PLACING '\xffffffffffffffffffff01'::bytea FROM 7 FOR 1), 'a varint of 11 bytes', 'The state has a varint beyond 64 bits.'),
    (substr(b, 1, 6) || '\x80'::bytea, 'a state that ends in a varint byte that says more follow', 'The state has fewer bytes than its fields need.')
) AS c(bytes, what, detail);

-- the edges that are sound: a latest row on the last date, the largest
-- counts and distances that fit, the extreme scaled sums
SELECT is(pg_temp.failure(format('SELECT %L::rfm_state', encode(c.bytes, 'hex'))), 'no error', 'rfm_state: ' || c.what || ' is accepted')
FROM p, LATERAL (VALUES
    (pg_temp.rfm_bytes(4, pg_temp.days(date '5874897-12-31'), frequency, refunds, to_last, to_first, scale, scaled),
     'a latest row on the last date'),
    (pg_temp.rfm_bytes(4, pg_temp.days(as_of), frequency, refunds, as_of - date '4714-11-24 BC', 0, scale, scaled),
     'a last order on the first date'),
    (pg_temp.rfm_bytes(4, pg_temp.days(as_of), 2::numeric ^ 63 - 2, 1, to_last, to_first, scale, scaled),
     'counts that add up to 2^63 - 1'),
    (pg_temp.rfm_bytes(4, pg_temp.days(as_of), frequency, refunds, to_last, to_first, 18, -trunc(2::numeric ^ 63)),
     'a scaled sum of -2^63 at scale 18'),
    (pg_temp.rfm_bytes(4, pg_temp.days(as_of), frequency, refunds, to_last, to_first, 0, 2::numeric ^ 63 - 1),
     'a scaled sum of 2^63 - 1')) AS c(bytes, what);
SELECT is(rfm(encode(pg_temp.rfm_bytes(4, pg_temp.days(as_of), frequency, refunds, to_last, to_first, 18, -trunc(2::numeric ^ 63)), 'hex')::rfm_state,
              as_of)::text,
          format('(%s,%s,%s,%s)', to_last, frequency, -trunc(2::numeric ^ 63) * 1e-18, to_last + to_first),
          'rfm_state: the scaled sum -2^63 at scale 18 reads as -9.223372036854775808') FROM p;
SELECT is(numeric_send((rfm(encode(pg_temp.rfm_bytes(4, pg_temp.days(as_of), frequency, refunds, to_last, to_first, s, v), 'hex')::rfm_state,
                            as_of)).monetary),
          numeric_send((v::text || 'e-' || s)::numeric), 'rfm_state: the scaled sum ' || v || ' at scale ' || s || ' is numeric''s own, digit for digit')
FROM p, (VALUES (-trunc(2::numeric ^ 63), 18), (trunc(2::numeric ^ 63) - 1, 0), (trunc(2::numeric ^ 63) - 1, 5), (0, 3)) AS e(v, s);

-- every truncation of the state is too short for its fields
SELECT is(array_agg(DISTINCT pg_temp.failure(format('SELECT %L::rfm_state', encode(substr(b, 1, n), 'hex')))),
          ARRAY['22P03 The state has fewer bytes than its fields need.'],
          'rfm_state: each of its ' || length(b) - 1 || ' truncations is rejected as too short')
FROM good, generate_series(1, length(b) - 1) AS n GROUP BY b;

SELECT throws_ok(format('SELECT %L::btyd_state', encode(c.bytes, 'hex')), '22P03', 'invalid serialized btyd_summary state',
                 'btyd_state: ' || c.what || ' is rejected')
FROM hex, LATERAL (VALUES
    (set_byte(b, 0, 3), 'format version 3'),
    (set_byte(b, 1, 2), 'a partial state in weeks'),
    (set_byte(b, 2, 0), 'a complete state with a latest purchase'),
    (set_byte(b, 2, 2), 'a partial flag of 2'),
    (overlay(b PLACING '\x0000000000000000'::bytea FROM 4), 'another anchor'),
    (overlay(b PLACING '\x0000000000000000'::bytea FROM 12), 'a latest purchase before its purchases'),
    (overlay(b PLACING '\x7fffffffffffffff'::bytea FROM 12), 'a latest purchase beyond the date range'),
    (overlay(b PLACING '\x00000000'::bytea FROM 24), 'no purchase days'),
    (substr(b, 1, length(b) - 1), 'a truncated state'),
    (b || '\x00'::bytea, 'a trailing byte')) AS c(bytes, what);

-- a complete (internal) aggregate state is not a stored state
SELECT throws_ok(format('SELECT %L::btyd_state', encode(set_byte(set_byte(b, 2, 0), 11, 0), 'hex')), '22P03',
                 'invalid serialized btyd_summary state', 'btyd_state: a complete state is rejected')
FROM hex;

-- as_of
SELECT is(rfm(r, '2024-02-10')::text, (SELECT rfm(d, a, '2024-02-10')::text FROM o),
          'rfm(state, as_of): as_of on the latest row (a refund) equals rfm') FROM st;
SELECT throws_ok($$SELECT rfm(r, '2024-02-09') FROM st$$, '22023', 'as_of must not be before the latest order of the rfm_state',
                 'rfm(state, as_of): as_of before a later refund is 22023 (rfm would drop the refund)');
SELECT throws_like($$SELECT rfm(r, '2024-01-01') FROM st$$, '%latest order%',
                   'rfm(state, as_of): the error says what is wrong');
SELECT throws_ok($$SELECT rfm(r, 'infinity') FROM st$$, '22023', 'as_of must be finite', 'rfm(state, as_of): as_of infinity is 22023');
SELECT throws_ok($$SELECT rfm(r, '-infinity') FROM st$$, '22023', 'as_of must be finite', 'rfm(state, as_of): as_of -infinity is 22023');
SELECT throws_ok($$SELECT btyd_summary(b, '2024-02-09', 'day') FROM st$$, '22023',
                 'as_of must not be before the latest order of the btyd_state', 'btyd_summary(state, ...): as_of before the latest purchase is 22023');
SELECT throws_ok($$SELECT btyd_summary(b, 'infinity', 'day') FROM st$$, '22023', 'as_of must be finite',
                 'btyd_summary(state, ...): as_of infinity is 22023');
SELECT throws_ok($$SELECT btyd_summary(b, '2024-03-01', 'quarter') FROM st$$, '22023', 'unit must be day, week or month',
                 'btyd_summary(state, ...): unit quarter is 22023');
SELECT is(rfm(r, NULL) IS NULL AND btyd_summary(b, NULL, 'day') IS NULL AND btyd_summary(b, '2024-03-01', NULL) IS NULL, true,
          'the accessors are STRICT') FROM st;

-- NULLs, empty groups, bad rows
SELECT is((SELECT rfm_partial(d, a)::text FROM o WHERE false), NULL, 'rfm_partial: no rows gives NULL');
SELECT is((SELECT rfm_partial(d, a)::text FROM (VALUES (NULL::date, 1::numeric), ('2024-01-01', NULL)) AS v(d, a)), NULL,
          'rfm_partial: rows with a NULL are skipped');
SELECT is((SELECT rfm_rollup(s)::text FROM (VALUES (NULL::rfm_state)) AS v(s)), NULL, 'rfm_rollup: NULL states are skipped');
SELECT is((SELECT btyd_partial(d, a)::text FROM (VALUES (NULL::date, 1::numeric)) AS v(d, a)), NULL, 'btyd_partial: rows with a NULL are skipped');
SELECT is(rfm_merge(NULL, r)::text || rfm_merge(r, NULL)::text, r::text || r::text, 'rfm_merge: a NULL side is no orders') FROM st;
SELECT is(rfm_merge(NULL, NULL) IS NULL AND btyd_merge(NULL, NULL) IS NULL, true, 'rfm_merge, btyd_merge: NULL and NULL is NULL');
SELECT is(btyd_merge(b, NULL)::text, b::text, 'btyd_merge: a NULL side is no orders') FROM st;
SELECT throws_ok($$SELECT rfm_partial('infinity'::date, 1.0)$$, '22023', 'order_at must be finite', 'rfm_partial: order_at infinity is 22023');
SELECT throws_ok($$SELECT rfm_partial('2024-01-01'::date, 'NaN'::numeric)$$, '22023', 'amount must be a finite number', 'rfm_partial: amount NaN is 22023');
SELECT throws_ok($$SELECT rfm_partial('2024-01-01'::date, '-Infinity'::float8)$$, '22023', 'amount must be a finite number', 'rfm_partial: float8 -Infinity is 22023');
SELECT throws_ok($$SELECT btyd_partial('-infinity'::date, 1.0)$$, '22023', 'order_at must be a finite date', 'btyd_partial: order_at -infinity is 22023');
SELECT throws_ok($$SELECT btyd_partial('2024-01-01'::date, 'NaN'::float8)$$, '22023', 'amount must be a finite number', 'btyd_partial: amount NaN is 22023');

-- numeric and float8 states do not mix
SELECT throws_ok($$SELECT rfm_merge(r, rf) FROM st$$, '22023', 'cannot merge an rfm state of numeric amounts with one of float8 amounts',
                 'rfm_merge: a numeric and a float8 state is 22023');
SELECT throws_ok($$SELECT rfm_rollup(s) FROM st, LATERAL (VALUES (r), (rf)) AS v(s)$$, '22023',
                 'cannot merge an rfm state of numeric amounts with one of float8 amounts', 'rfm_rollup: numeric and float8 states is 22023');

-- the ends of the date range
SELECT is((SELECT btyd_summary(btyd_partial(d, 1.0), '5874897-12-31', 'day')::text
           FROM (VALUES ('4714-11-24 BC'::date), ('5874897-12-31')) AS v(d)),
          (SELECT btyd_summary(d, 1.0, '5874897-12-31'::date, 'day')::text
           FROM (VALUES ('4714-11-24 BC'::date), ('5874897-12-31')) AS v(d)),
          'btyd_state: orders at both ends of the date range equal btyd_summary');
SELECT is((SELECT rfm(rfm_partial(d, 1.0), '5874897-12-31')::text FROM (VALUES ('4714-11-24 BC'::date), ('5874897-12-31')) AS v(d)),
          (SELECT rfm(d, 1.0, '5874897-12-31')::text FROM (VALUES ('4714-11-24 BC'::date), ('5874897-12-31')) AS v(d)),
          'rfm_state: orders at both ends of the date range equal rfm');
SELECT is((SELECT rfm(rfm_partial(d, -2.5), '2024-03-01')::text FROM (VALUES ('2024-01-01'::date)) AS v(d)),
          (SELECT rfm(d, -2.5, '2024-03-01')::text FROM (VALUES ('2024-01-01'::date)) AS v(d)),
          'rfm_state: a refund-only state equals rfm (recency and tenure NULL)');

SELECT * FROM finish();
ROLLBACK;
