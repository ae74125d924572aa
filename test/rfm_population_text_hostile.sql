--
-- Hostile inputs for rfm_population_text, the population of text ids
-- (DESIGN section 10, doc/rfm.md): text and binary forms that are
-- malformed, truncated, of the bigint population's format or of a
-- population that cannot exist (negative or overlong id lengths, ids out
-- of byte order or twice, ids with a NUL byte or invalid UTF-8); ids that
-- differ only in trailing bytes or by case are distinct customers, as
-- GROUP BY counts them; NULL ids are skipped; the readers' bins; the 1 GB
-- limit, whose 54000 names the customer count, through the test module.
--
-- The stored form is: version 2, time kind, amount kind (bytes 0-2), as_of
-- (3-10), customer count (11-18), then per customer its id's length
-- (int32) and bytes, frequency, rows, first and last order when
-- frequency > 0 (int64 each), and, for numeric amounts, scale (1 byte),
-- scaled sum (int64) and a numeric flag byte. The intact value below has
-- customer 'a' (two orders: bytes 19-65) and customer 'b' (one refund:
-- bytes 66-96).
--
BEGIN;
SELECT plan(45);

\ir lib/setup.sql

CREATE TEMP TABLE o (c text, d date, a numeric);
INSERT INTO o VALUES ('a', '2024-01-01', 10), ('a', '2024-02-01', 5.5), ('b', '2024-01-15', -3);
CREATE TEMP TABLE st AS SELECT rfm_population(c, d, a, date '2025-01-01') AS p FROM o;
CREATE TEMP TABLE hex AS SELECT decode(p::text, 'hex') AS b FROM st;

SELECT is(length(b), 97, 'the intact value has the documented 97 bytes') FROM hex;
SELECT is(pg_typeof(p)::text, 'rfm_population_text', 'text ids give an rfm_population_text') FROM st;

-- text input
SELECT throws_ok($$SELECT ''::rfm_population_text$$, '22P02', 'invalid input syntax for type rfm_population_text', 'empty text is 22P02');
SELECT throws_ok($$SELECT 'abc'::rfm_population_text$$, '22P02', 'invalid input syntax for type rfm_population_text', 'an odd number of digits is 22P02');

-- corrupt bytes: every one is 22P03 from the codec, for the reason named
SELECT is(pg_temp.failure(format('SELECT %L::rfm_population_text', encode(c.bytes, 'hex'))), '22P03 The state has ' || c.why || '.',
          'text: ' || c.what || ' is rejected')
FROM hex, LATERAL (VALUES
    (set_byte(b, 0, 1), 'format version 1 (bigint ids)', 'an unknown format version'),
    (set_byte(b, 0, 3), 'format version 3', 'an unknown format version'),
    (overlay(b PLACING int8send(0) FROM 12), 'no customers', 'an invalid customer count'),
    (overlay(b PLACING int8send(3) FROM 12), 'one customer more than the bytes hold', 'fewer bytes than its fields need'),
    (substr(b, 1, length(b) - 1), 'a truncated value', 'fewer bytes than its fields need'),
    (b || '\x00'::bytea, 'a trailing byte', 'trailing bytes'),
    (overlay(b PLACING int4send(-1) FROM 20), 'a negative id length', 'a negative id length'),
    (overlay(b PLACING int4send(1000) FROM 20), 'an id length beyond the bytes', 'fewer bytes than its fields need'),
    (overlay(b PLACING int4send(2147483647) FROM 20), 'an id length of 2^31 - 1', 'fewer bytes than its fields need'),
    (set_byte(b, 70, ascii('a')), 'an id twice', 'customer ids out of order'),
    (set_byte(b, 70, ascii('A')), 'ids out of byte order', 'customer ids out of order'),
    (set_byte(b, 23, 0), 'an id with a NUL byte', 'a customer id not valid in the database encoding'),
    (set_byte(b, 70, 255), 'an id that is not UTF-8 (byte 0xff)', 'a customer id not valid in the database encoding'),
    (overlay(b PLACING '\xc3'::bytea FROM 71), 'an id cut in a multibyte character', 'a customer id not valid in the database encoding'),
    (overlay(b PLACING int8send(3) FROM 25), 'more orders than rows', NULL),
    (set_byte(b, 65, 2), 'a numeric flag of 2', 'an invalid numeric flag')) AS c(bytes, what, why)
WHERE c.why IS NOT NULL;
SELECT throws_ok(format('SELECT %L::rfm_population_text', encode(overlay(b PLACING int8send(3) FROM 25), 'hex')), '22P03',
                 'invalid serialized rfm_population_text state', 'text: more orders than rows is rejected')
FROM hex;

-- an empty first id is valid: it sorts before every other
SELECT is((SELECT string_agg(format('%L:%s', customer_id, frequency), ',')
           FROM rfm_segments(encode(substr(b, 1, 19) || int4send(0) || substr(b, 25), 'hex')::rfm_population_text)),
          $$'':2,'b':0$$, 'an empty id is a customer of its own') FROM hex;

-- a bigint population's bytes are not a text one's, nor the reverse
SELECT throws_ok($$SELECT (SELECT rfm_population(1::bigint, date '2024-01-01', 1::numeric, date '2025-01-01'))::text::rfm_population_text$$,
                 '22P03', 'invalid serialized rfm_population_text state', 'an rfm_population''s text form is not an rfm_population_text');
SELECT throws_ok($$SELECT (SELECT p FROM st)::text::rfm_population$$,
                 '22P03', 'invalid serialized rfm_population state', 'an rfm_population_text''s text form is not an rfm_population');

-- binary input (COPY ... FORMAT binary of the bytes, read as rfm_population_text)
CREATE TEMP TABLE received (label text, p rfm_population_text);
CREATE TEMP TABLE bad (label text, raw bytea);
INSERT INTO bad SELECT 'intact', rfm_population_text_send(p) FROM st;
INSERT INTO bad SELECT 'truncated', substr(raw, 1, length(raw) - 3) FROM bad WHERE label = 'intact';
INSERT INTO bad SELECT 'version 1', set_byte(raw, 0, 1) FROM bad WHERE label = 'intact';
INSERT INTO bad SELECT 'ids out of order', set_byte(raw, 70, ascii('A')) FROM bad WHERE label = 'intact';
INSERT INTO bad SELECT 'invalid UTF-8', set_byte(raw, 70, 255) FROM bad WHERE label = 'intact';
INSERT INTO bad SELECT 'negative id length', overlay(raw PLACING int4send(-5) FROM 20) FROM bad WHERE label = 'intact';
INSERT INTO bad SELECT 'empty', '\x'::bytea;
SELECT is(pg_temp.receive('intact'), 'accepted', 'binary: the intact message reads back');
SELECT is((SELECT p::text FROM received), (SELECT p::text FROM st), 'binary: the same value');
SELECT is(left(pg_temp.receive(label), 5), '22P03', 'binary: ' || label)
FROM bad WHERE label <> 'intact' ORDER BY label;

-- ids are compared exactly: trailing bytes, case and a space make customers
CREATE TEMP TABLE close_ids AS
SELECT id, date '2024-01-01' + k::integer AS d, k + 1::numeric AS a
FROM unnest(ARRAY['x', 'x ', E'x\t', 'X', 'x' || chr(769), 'é', 'é', '', repeat('y', 2000), repeat('y', 2000) || 'z']) WITH ORDINALITY AS u(id, k);
SELECT is((SELECT string_agg(format('%L', customer_id), ',') FROM rfm_segments((SELECT rfm_population(id, d, a, date '2025-01-01') FROM close_ids))),
          (SELECT string_agg(format('%L', id), ',' ORDER BY id COLLATE "C") FROM (SELECT DISTINCT id FROM close_ids) AS x),
          'every distinct id is one customer, in byte order (COLLATE "C")');
SELECT is((SELECT string_agg(format('%s:%s', frequency, monetary), ',') FROM rfm_segments((SELECT rfm_population(id, d, a, date '2025-01-01') FROM close_ids))),
          (SELECT string_agg(format('%s:%s', (x).frequency, (x).monetary), ',' ORDER BY id COLLATE "C")
           FROM (SELECT id, rfm(d, a, date '2025-01-01') AS x FROM close_ids GROUP BY id) AS g),
          'each customer''s rfm is rfm GROUP BY the id');

-- NULLs and empty input
SELECT ok((SELECT rfm_population(c, d, a, date '2025-01-01') FROM o WHERE false) IS NULL, 'no rows: NULL');
SELECT is((SELECT rfm_population(c, d, a, date '2025-01-01')::text FROM (SELECT * FROM o UNION ALL SELECT NULL, '2024-01-01', 7) AS x),
          (SELECT p::text FROM st), 'a NULL customer id is skipped, not a customer');
SELECT ok((SELECT rfm_population(NULL::text, date '2024-01-01', 1::numeric, date '2025-01-01')) IS NULL, 'only NULL ids: NULL');
SELECT is((SELECT count(*) FROM rfm_segments(NULL::rfm_population_text)), 0::bigint, 'rfm_segments(NULL): no row');
SELECT ok(rfm_breaks(NULL::rfm_population_text) IS NULL, 'rfm_breaks(NULL): NULL');
SELECT throws_ok($$SELECT rfm_population(c, d, 1::numeric, x) FROM (VALUES ('a', '2024-01-01'::date, '2024-02-01'::date), ('b', '2024-01-01', '2024-02-02')) v(c, d, x)$$,
                 '22023', 'as_of must be the same in every row of a group', 'as_of that varies between customers is 22023');

-- bins
SELECT throws_ok($$SELECT * FROM rfm_segments((SELECT p FROM st), NULL)$$, '22004', 'bins must not be NULL');
SELECT throws_ok($$SELECT * FROM rfm_segments((SELECT p FROM st), 10)$$, '22023', 'bins must be between 2 and 9');
SELECT throws_ok($$SELECT rfm_breaks((SELECT p FROM st), 1)$$, '22023', 'bins must be between 2 and 9');

-- the 1 GB limit of a value: the check itself, through the test module
CREATE EXTENSION retention_test;
SELECT is(retention_test.text_population_size_check(1073741822 - 50, 50, 1), true, 'size limit: a value of exactly 2^30 - 2 bytes is accepted');
SELECT throws_ok($$SELECT retention_test.text_population_size_check(1073741822 - 49, 50, 7)$$, '54000',
                 'rfm_population_text of 7 customers exceeds the 1 GB limit of a value', 'size limit: one byte more is 54000 naming the customer count');
SELECT is(pg_temp.failure($$SELECT retention_test.text_population_size_check(1073741822, 1, 9)$$),
          '54000 A value holds at most 1073741822 bytes; a customer with orders and a numeric sum takes 46 plus the bytes of its id.',
          'size limit: the detail says a customer''s bytes count its id');

SELECT * FROM finish();
ROLLBACK;
