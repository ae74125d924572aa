--
-- Hostile inputs for the storable partial states (DESIGN section 9,
-- doc/incremental.md): rfm_state and btyd_state text and binary forms
-- that are malformed, truncated, of another version or of a state that
-- cannot exist; as_of before the latest order or infinite; NULLs, NaN,
-- infinite dates, the ends of the date range; numeric and float8 states
-- mixed. Expected values come from the aggregates over the same orders.
--
-- The stored rfm_state is: version, time kind, amount kind, scale (bytes
-- 0-3), latest row, first and last order, frequency, rows, scaled sum
-- (int64 each, bytes 4-51), the float8 exact sum, a numeric flag (and
-- numeric), then the partial flag (the last byte). The stored btyd_state
-- is: version, unit, partial flag (bytes 0-2), anchor and latest purchase
-- (int64, bytes 3-18), first day and day count (int32, bytes 19-26), the
-- days (int32), then the two exact sums.
--
BEGIN;
SELECT plan(53);

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

-- corrupt bytes: every one is 22P03 from the codec
SELECT throws_ok(format('SELECT %L::rfm_state', encode(c.bytes, 'hex')), '22P03', 'invalid serialized rfm state',
                 'rfm_state: ' || c.what || ' is rejected')
FROM hex, LATERAL (VALUES
    (set_byte(r, 0, 3), 'format version 3'),
    (set_byte(r, 1, ascii('t')), 'a partial state of timestamps'),
    (set_byte(r, 2, ascii('x')), 'an unknown amount kind'),
    (set_byte(r, length(r) - 1, 0), 'a complete (non-partial) state'),
    (set_byte(r, length(r) - 1, 2), 'a partial flag of 2'),
    (substr(r, 1, length(r) - 1), 'a truncated state'),
    (r || '\x00'::bytea, 'a trailing byte'),
    (overlay(r PLACING '\x0000000000000000'::bytea FROM 5), 'a latest row before its last order'),
    (overlay(r PLACING '\x0000000000000000'::bytea FROM 37), 'no rows'),
    (overlay(r PLACING '\x0000000080000000'::bytea FROM 5), 'a latest row beyond the date range')) AS c(bytes, what);

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
           FROM (VALUES ('4713-11-24 BC'::date), ('5874897-12-31')) AS v(d)),
          (SELECT btyd_summary(d, 1.0, '5874897-12-31'::date, 'day')::text
           FROM (VALUES ('4713-11-24 BC'::date), ('5874897-12-31')) AS v(d)),
          'btyd_state: orders at both ends of the date range equal btyd_summary');
SELECT is((SELECT rfm(rfm_partial(d, 1.0), '5874897-12-31')::text FROM (VALUES ('4713-11-24 BC'::date), ('5874897-12-31')) AS v(d)),
          (SELECT rfm(d, 1.0, '5874897-12-31')::text FROM (VALUES ('4713-11-24 BC'::date), ('5874897-12-31')) AS v(d)),
          'rfm_state: orders at both ends of the date range equal rfm');
SELECT is((SELECT rfm(rfm_partial(d, -2.5), '2024-03-01')::text FROM (VALUES ('2024-01-01'::date)) AS v(d)),
          (SELECT rfm(d, -2.5, '2024-03-01')::text FROM (VALUES ('2024-01-01'::date)) AS v(d)),
          'rfm_state: a refund-only state equals rfm (recency and tenure NULL)');

SELECT * FROM finish();
ROLLBACK;
