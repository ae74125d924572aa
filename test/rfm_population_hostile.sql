--
-- Hostile inputs for rfm_population (DESIGN section 10, doc/rfm.md): text
-- and binary forms that are malformed, truncated, of another version or of
-- a population that cannot exist; as_of that varies or is infinite;
-- infinite order times; NaN and infinite amounts (also after as_of, where
-- rfm ignores them); sums that overflow float8; NULLs and empty input;
-- bins and rules out of range. Expected values come from rfm over the same
-- orders. The 1 GB limit of a value is checked through the test module.
--
-- The stored form is: version, time kind, amount kind (bytes 0-2), as_of
-- (3-10), customer count (11-18), then per customer id, frequency, rows,
-- first and last order when frequency > 0 (int64 each), and, for numeric
-- amounts, scale (1 byte), scaled sum (int64) and a numeric flag byte.
-- The intact value below has customer 1 (two orders: bytes 19-68) and
-- customer 2 (one refund: bytes 69-102).
--
BEGIN;
SELECT plan(70);

\ir lib/setup.sql

CREATE TEMP TABLE o (c bigint, d date, a numeric);
INSERT INTO o VALUES (1, '2024-01-01', 10), (1, '2024-02-01', 5.5), (2, '2024-01-15', -3);
CREATE TEMP TABLE st AS SELECT rfm_population(c, d, a, date '2025-01-01') AS p FROM o;
CREATE TEMP TABLE hex AS SELECT decode(p::text, 'hex') AS b FROM st;

SELECT is(length(b), 103, 'the intact value has the documented 103 bytes') FROM hex;

-- text input
SELECT throws_ok($$SELECT ''::rfm_population$$, '22P02', 'invalid input syntax for type rfm_population', 'empty text is 22P02');
SELECT throws_ok($$SELECT 'abc'::rfm_population$$, '22P02', 'invalid input syntax for type rfm_population', 'an odd number of digits is 22P02');
SELECT throws_ok($$SELECT '01zz'::rfm_population$$, '22P02', 'invalid input syntax for type rfm_population', 'a non-hexadecimal digit is 22P02');
SELECT throws_ok($$SELECT '\x0164'::rfm_population$$, '22P02', 'invalid input syntax for type rfm_population', 'a bytea-style \x prefix is 22P02');

-- corrupt bytes: every one is 22P03 from the codec
SELECT throws_ok(format('SELECT %L::rfm_population', encode(c.bytes, 'hex')), '22P03', 'invalid serialized rfm_population state',
                 'text: ' || c.what || ' is rejected')
FROM hex, LATERAL (VALUES
    (set_byte(b, 0, 2), 'format version 2'),
    (set_byte(b, 1, ascii('x')), 'an unknown time kind'),
    (set_byte(b, 2, ascii('x')), 'an unknown amount kind'),
    (overlay(b PLACING int8send(2147483647) FROM 4), 'an as_of beyond the date range'),
    (overlay(b PLACING int8send(0) FROM 12), 'no customers'),
    (overlay(b PLACING int8send(-1) FROM 12), 'a negative customer count'),
    (overlay(b PLACING int8send(2147483647) FROM 12), 'a count of 2^31 - 1 customers in 103 bytes'),
    (overlay(b PLACING int8send(3) FROM 12), 'one customer more than the bytes hold'),
    (substr(b, 1, length(b) - 1), 'a truncated value'),
    (b || '\x00'::bytea, 'a trailing byte'),
    (overlay(b PLACING int8send(5) FROM 20), 'ids out of order'),
    (overlay(b PLACING int8send(2) FROM 20), 'an id twice'),
    (overlay(b PLACING int8send(3) FROM 28), 'more orders than rows'),
    (overlay(b PLACING int8send(-1) FROM 28), 'a negative frequency'),
    (overlay(b PLACING int8send(0) FROM 36), 'a customer with orders and no rows'),
    (overlay(b PLACING int8send(0) FROM 86), 'a refund-only customer with no rows'),
    (overlay(b PLACING int8send(9200) FROM 52), 'a last order after as_of'),
    (overlay(b PLACING int8send(8800) FROM 44), 'a first order after the last'),
    (overlay(b PLACING int8send(-2147483648) FROM 44), 'a first order before the date range'),
    (set_byte(b, 59, 99), 'a scale of 99'),
    (set_byte(b, 68, 2), 'a numeric flag of 2'),
    (set_byte(b, 68, 1), 'a numeric flag with no numeric')) AS c(bytes, what);

-- binary input (COPY ... FORMAT binary of the bytes, read as rfm_population)
CREATE TEMP TABLE received (label text, p rfm_population);
CREATE TEMP TABLE bad (label text, raw bytea);
INSERT INTO bad SELECT 'intact', rfm_population_send(p) FROM st;
INSERT INTO bad SELECT 'truncated', substr(raw, 1, length(raw) - 3) FROM bad WHERE label = 'intact';
INSERT INTO bad SELECT 'version 2', set_byte(raw, 0, 2) FROM bad WHERE label = 'intact';
INSERT INTO bad SELECT 'ids out of order', overlay(raw PLACING int8send(5) FROM 20) FROM bad WHERE label = 'intact';
INSERT INTO bad SELECT 'claims 2^31 - 1 customers', overlay(raw PLACING int8send(2147483647) FROM 12) FROM bad WHERE label = 'intact';
INSERT INTO bad SELECT 'empty', '\x'::bytea;
SELECT is(pg_temp.receive('intact'), 'accepted', 'binary: the intact message reads back');
SELECT is((SELECT p::text FROM received), (SELECT p::text FROM st), 'binary: the same value');
SELECT is(left(pg_temp.receive(label), 5), '22P03', 'binary: ' || label)
FROM bad WHERE label <> 'intact' ORDER BY label;

-- the aggregate's arguments, as rfm checks them
SELECT throws_ok($$SELECT rfm_population(c, d, 1::numeric, x) FROM (VALUES (1, '2024-01-01'::date, '2024-02-01'::date), (2, '2024-01-01', '2024-02-02')) v(c, d, x)$$,
                 '22023', 'as_of must be the same in every row of a group', 'as_of that varies between customers is 22023');
SELECT throws_ok($$SELECT rfm_population(1, d, 1::float8, x) FROM (VALUES ('2024-01-01'::timestamptz, '2024-02-01'::timestamptz), ('2024-01-01', '2024-02-01 00:00:01')) v(d, x)$$,
                 '22023', 'as_of must be the same in every row of a group', 'as_of that varies by a second is 22023');
SELECT throws_ok($$SELECT rfm_population(1, '2024-01-01'::date, 1::numeric, '-infinity'::date)$$, '22023', 'as_of must be finite');
SELECT throws_ok($$SELECT rfm_population(1, '2024-01-01'::timestamptz, 1::float8, 'infinity'::timestamptz)$$, '22023', 'as_of must be finite');
SELECT throws_ok($$SELECT rfm_population(1, 'infinity'::date, 1::numeric, '2024-02-01'::date)$$, '22023', 'order_at must be finite');
SELECT throws_ok($$SELECT rfm_population(1, '-infinity'::timestamptz, 1::numeric, '2024-02-01'::timestamptz)$$, '22023', 'order_at must be finite');
SELECT throws_ok($$SELECT rfm_population(1, '2024-01-01'::date, 'NaN'::numeric, '2024-02-01'::date)$$, '22023', 'amount must be a finite number');
SELECT throws_ok($$SELECT rfm_population(1, '2024-01-01'::date, 'NaN'::float8, '2024-02-01'::date)$$, '22023', 'amount must be a finite number');
SELECT throws_ok($$SELECT rfm_population(1, '2024-01-01'::timestamptz, '-Infinity'::float8, '2024-02-01'::timestamptz)$$, '22023', 'amount must be a finite number');
SELECT CASE WHEN current_setting('server_version_num')::integer >= 140000
    THEN throws_ok($$SELECT rfm_population(1, '2024-01-01'::date, 'Infinity'::numeric, '2024-02-01'::date)$$, '22023', 'amount must be a finite number')
    ELSE skip('numeric infinity needs PostgreSQL 14') END;
SELECT is((SELECT array_agg(ROW(s.recency_days, s.frequency, s.monetary, s.tenure_days)::rfm::text)
           FROM rfm_segments((SELECT rfm_population(1, d, a, '2024-02-01'::date) FROM (VALUES ('2024-01-01'::date, 2::numeric), ('2024-03-01', 'NaN')) v(d, a))) AS s),
          (SELECT array_agg(x::text) FROM (SELECT rfm(d, a, '2024-02-01'::date) AS x FROM (VALUES ('2024-01-01'::date, 2::numeric), ('2024-03-01', 'NaN')) v(d, a)) AS r),
          'a NaN amount after as_of is ignored, as rfm ignores it');
SELECT throws_ok($$SELECT * FROM rfm_segments((SELECT rfm_population(1, '2024-01-01'::date, a, '2024-02-01'::date) FROM (VALUES (1e308::float8), (1e308)) v(a)))$$,
                 '22003', 'value out of range: overflow', 'a float8 sum beyond float8 is 22003 when read, as rfm''s');
SELECT throws_ok($$SELECT rfm(d, a, '2024-02-01'::date) FROM (VALUES ('2024-01-01'::date, 1e308::float8), ('2024-01-01', 1e308)) v(d, a)$$,
                 '22003', 'value out of range: overflow', 'rfm itself: the same error');

-- NULLs and empty input
SELECT ok((SELECT rfm_population(c, d, a, date '2025-01-01') FROM o WHERE false) IS NULL, 'no rows: NULL');
SELECT ok((SELECT rfm_population(c, d, a, date '2023-01-01') FROM o) IS NULL, 'every row after as_of: NULL');
SELECT ok((SELECT rfm_population(c, d, a, x) FROM (VALUES (NULL::bigint, '2024-01-01'::date, 1::numeric, '2025-01-01'::date),
                                                         (1, NULL, 1, '2025-01-01'), (1, '2024-01-01', NULL, '2025-01-01'),
                                                         (1, '2024-01-01', 1, NULL)) v(c, d, a, x)) IS NULL,
          'rows with a NULL id, order_at, amount or as_of are skipped: NULL');
SELECT is((SELECT count(*) FROM rfm_segments(NULL::rfm_population)), 0::bigint, 'rfm_segments(NULL): no row');
SELECT is((SELECT count(*) FROM st, rfm_segments(p, 5, NULL)), 2::bigint, 'rfm_segments with NULL rules: the default map');
SELECT ok(rfm_breaks(NULL::rfm_population) IS NULL, 'rfm_breaks(NULL): NULL');
SELECT is((SELECT rfm_population(c, d, a, date '2025-01-01')::text FROM (SELECT * FROM o UNION ALL SELECT NULL, '2024-01-01', 7) AS x),
          (SELECT p::text FROM st), 'a NULL customer id is skipped, not a customer');

-- bins and rules
SELECT throws_ok($$SELECT * FROM rfm_segments((SELECT p FROM st), NULL)$$, '22004', 'bins must not be NULL');
SELECT throws_ok($$SELECT * FROM rfm_segments((SELECT p FROM st), 1)$$, '22023', 'bins must be between 2 and 9');
SELECT throws_ok($$SELECT * FROM rfm_segments((SELECT p FROM st), 10)$$, '22023', 'bins must be between 2 and 9');
SELECT throws_ok($$SELECT * FROM rfm_segments((SELECT p FROM st), -2147483648)$$, '22023', 'bins must be between 2 and 9');
SELECT throws_ok($$SELECT rfm_breaks((SELECT p FROM st), 10)$$, '22023', 'bins must be between 2 and 9');
SELECT throws_ok($$SELECT * FROM rfm_segments((SELECT p FROM st), 5, '{}')$$, '22023', 'invalid segment rules');
SELECT throws_ok($$SELECT * FROM rfm_segments((SELECT p FROM st), 5, '[{"segment": 1}]')$$, '22023', 'invalid segment rules');
SELECT throws_ok($$SELECT * FROM rfm_segments((SELECT p FROM st), 5, '[{"segment": "a", "r": [0, 10]}]')$$, '22023', 'invalid segment rules');
SELECT is((SELECT string_agg(customer_id || ':' || coalesce(segment, '-'), ',' ORDER BY customer_id) FROM rfm_segments((SELECT p FROM st), 3, '[{"segment": "any"}]')),
          '1:any,2:-', 'rules with bins 3: a rule without ranges matches any scores; a NULL recency gives NULL');

-- amounts beyond float8: rfm_segments ranks numerics exactly; the breaks, float8, are 22003 as the aggregate's
CREATE TEMP TABLE huge AS SELECT rfm_population(c, date '2024-01-01', a, date '2025-01-01') AS p
FROM (VALUES (1, 1e400), (2, 2e400), (3, -1e400)) v(c, a);
SELECT is((SELECT string_agg(customer_id || ':' || m, ',' ORDER BY customer_id) FROM rfm_segments((SELECT p FROM huge))),
          (SELECT string_agg(c || ':' || (s).m, ',' ORDER BY c) FROM (SELECT c, rfm_score(0, 1::bigint, a) OVER () AS s FROM (VALUES (1, 1e400), (2, 2e400), (3, -1e400)) v(c, a)) AS x),
          'numeric sums beyond float8 score in their exact order, as the window rfm_score scores them');
SELECT throws_ok($$SELECT rfm_breaks((SELECT p FROM huge))$$, '22003');
SELECT throws_ok($$SELECT rfm_breaks(recency_days, frequency, monetary) FROM rfm_segments((SELECT p FROM huge))$$, '22003');

-- the 1 GB limit of a value (2^30 - 2 bytes with the 4-byte header): the
-- check itself, through the test module, with byte counts no test could
-- allocate; doc/rfm.md's 21,474,835 customers of 50 bytes after a 23-byte
-- start fit, one more does not
CREATE EXTENSION retention_test;
SELECT is(retention_test.population_size_check(1073741822 - 50, 50, 1), true, 'size limit: a value of exactly 2^30 - 2 bytes is accepted');
SELECT throws_ok($$SELECT retention_test.population_size_check(1073741822 - 49, 50, 7)$$, '54000',
                 'rfm_population of 7 customers exceeds the 1 GB limit of a value', 'size limit: one byte more is 54000 naming the customer count');
SELECT is(retention_test.population_size_check(23 + 50 * 21474834::bigint, 50, 21474835), true,
          'size limit: 21,474,835 numeric customers with orders fit');
SELECT throws_ok($$SELECT retention_test.population_size_check(23 + 50 * 21474835::bigint, 50, 21474836)$$, '54000',
                 'rfm_population of 21474836 customers exceeds the 1 GB limit of a value', 'size limit: the 21,474,836th does not');

SELECT * FROM finish();
ROLLBACK;
