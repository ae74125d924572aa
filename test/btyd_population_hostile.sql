--
-- Hostile inputs for btyd_population (DESIGN section 10, doc/clv.md):
-- text and binary forms that are malformed, truncated, of another version
-- or of a population that cannot exist; as_of or unit that varies, units
-- the BTYD summaries do not take, infinite times, NaN and infinite
-- amounts; NULLs and empty input; fits of populations with no usable row.
-- Expected values come from btyd_summary and the fit aggregates over the
-- same orders.
--
-- The stored form is: version, unit, time kind (bytes 0-2), as_of (3-10),
-- customer count (11-18), then per customer id (int64), frequency,
-- recency and t in days (int32 each) and monetary_value (float8). The
-- intact value below has customer 1 (three orders on two days: bytes
-- 19-46) and customer 2 (one refund: bytes 47-74).
--
BEGIN;
SELECT plan(73);

\ir lib/setup.sql

CREATE TEMP TABLE o (c bigint, d date, a numeric);
INSERT INTO o VALUES (1, '2024-01-01', 10), (1, '2024-02-01', 5.5), (1, '2024-02-01', 2), (2, '2024-01-15', -3);
CREATE TEMP TABLE st AS SELECT btyd_population(c, d, a, date '2025-01-01', 'week') AS p FROM o;
CREATE TEMP TABLE hex AS SELECT decode(p::text, 'hex') AS b FROM st;

SELECT is(length(b), 75, 'the intact value has the documented 75 bytes') FROM hex;
SELECT is((SELECT array_agg(ROW(customer_id, frequency, recency, t, monetary_value)::text ORDER BY customer_id) FROM st, btyd_table(p)),
          (SELECT array_agg(ROW(c, (s).frequency, (s).recency, (s).t, (s).monetary_value)::text ORDER BY c)
           FROM (SELECT c, btyd_summary(d, a, date '2025-01-01', 'week') AS s FROM o GROUP BY c) AS g),
          'the intact value lists what btyd_summary gives (same-day orders merged)');

-- text input
SELECT throws_ok($$SELECT ''::btyd_population$$, '22P02', 'invalid input syntax for type btyd_population', 'empty text is 22P02');
SELECT throws_ok($$SELECT 'abc'::btyd_population$$, '22P02', 'invalid input syntax for type btyd_population', 'an odd number of digits is 22P02');
SELECT throws_ok($$SELECT '01zz'::btyd_population$$, '22P02', 'invalid input syntax for type btyd_population', 'a non-hexadecimal digit is 22P02');

-- corrupt bytes: every one is 22P03 from the codec
SELECT throws_ok(format('SELECT %L::btyd_population', encode(c.bytes, 'hex')), '22P03', 'invalid serialized btyd_population state',
                 'text: ' || c.what || ' is rejected')
FROM hex, LATERAL (VALUES
    (set_byte(b, 0, 2), 'format version 2'),
    (set_byte(b, 1, 4), 'the unit quarter'),
    (set_byte(b, 1, 0), 'unit 0'),
    (set_byte(b, 2, 7), 'an unknown time kind'),
    (overlay(b PLACING int8send(2147483647) FROM 4), 'an as_of beyond the date range'),
    (overlay(b PLACING int8send(4294967296) FROM 4), 'a date as_of beyond int32'),
    (overlay(b PLACING int8send(0) FROM 12), 'no customers'),
    (overlay(b PLACING int8send(-1) FROM 12), 'a negative customer count'),
    (overlay(b PLACING int8send(2147483647) FROM 12), 'a count of 2^31 - 1 customers in 75 bytes'),
    (overlay(b PLACING int8send(3) FROM 12), 'one customer more than the bytes hold'),
    (substr(b, 1, length(b) - 1), 'a truncated value'),
    (b || '\x00'::bytea, 'a trailing byte'),
    (overlay(b PLACING int8send(5) FROM 20), 'ids out of order'),
    (overlay(b PLACING int8send(2) FROM 20), 'an id twice'),
    (overlay(b PLACING int4send(-1) FROM 28), 'a negative frequency'),
    (overlay(b PLACING int4send(32) FROM 28), 'more repeat days than recency days'),
    (overlay(b PLACING int4send(367) FROM 32), 'a recency beyond t'),
    (overlay(b PLACING int4send(-5) FROM 36), 'a negative t'),
    (overlay(b PLACING float8send('NaN') FROM 40), 'a NaN monetary_value'),
    (overlay(b PLACING float8send('-Infinity') FROM 40), 'an infinite monetary_value'),
    (overlay(b PLACING int4send(5) FROM 60), 'one purchase day with a recency'),
    (overlay(b PLACING float8send(1) FROM 68), 'one purchase day with a monetary_value')) AS c(bytes, what);

-- a hand-made value that could exist is accepted: timestamptz as_of
SELECT is((SELECT count(*) FROM btyd_table(encode(overlay(set_byte(b, 2, 1) PLACING int8send(0) FROM 4), 'hex')::btyd_population)), 2::bigint,
          'a timestamptz value of 2000-01-01 is accepted') FROM hex;

-- binary input (COPY ... FORMAT binary of the bytes, read as btyd_population)
CREATE TEMP TABLE received (label text, p btyd_population);
CREATE TEMP TABLE bad (label text, raw bytea);
INSERT INTO bad SELECT 'intact', btyd_population_send(p) FROM st;
INSERT INTO bad SELECT 'truncated', substr(raw, 1, length(raw) - 3) FROM bad WHERE label = 'intact';
INSERT INTO bad SELECT 'version 2', set_byte(raw, 0, 2) FROM bad WHERE label = 'intact';
INSERT INTO bad SELECT 'ids out of order', overlay(raw PLACING int8send(5) FROM 20) FROM bad WHERE label = 'intact';
INSERT INTO bad SELECT 'claims 2^31 - 1 customers', overlay(raw PLACING int8send(2147483647) FROM 12) FROM bad WHERE label = 'intact';
INSERT INTO bad SELECT 'a recency beyond t', overlay(raw PLACING int4send(367) FROM 32) FROM bad WHERE label = 'intact';
INSERT INTO bad SELECT 'empty', '\x'::bytea;
SELECT is(pg_temp.receive('intact'), 'accepted', 'binary: the intact message reads back');
SELECT is((SELECT p::text FROM received), (SELECT p::text FROM st), 'binary: the same value');
SELECT is(left(pg_temp.receive(label), 5), '22P03', 'binary: ' || label)
FROM bad WHERE label <> 'intact' ORDER BY label;

-- the aggregate's arguments, as btyd_summary checks them
SELECT throws_ok($$SELECT btyd_population(c, d, 1::numeric, x, 'week') FROM (VALUES (1, '2024-01-01'::date, '2024-02-01'::date), (2, '2024-01-01', '2024-02-02')) v(c, d, x)$$,
                 '22023', 'as_of must be the same for every row of a group', 'as_of that varies between customers is 22023');
SELECT throws_ok($$SELECT btyd_population(1, d, 1::float8, x, 'day') FROM (VALUES ('2024-01-01'::timestamptz, '2024-02-01'::timestamptz), ('2024-01-01', '2024-02-01 00:00:01')) v(d, x)$$,
                 '22023', 'as_of must be the same for every row of a group', 'as_of that varies by a second is 22023');
SELECT throws_ok($$SELECT btyd_population(c, '2024-01-01'::date, 1::numeric, '2024-02-01'::date, u::time_unit) FROM (VALUES (1, 'day'), (2, 'week')) v(c, u)$$,
                 '22023', 'unit must be the same for every row of a group', 'a unit that varies is 22023');
SELECT throws_ok($$SELECT btyd_population(1, '2024-01-01'::date, 1::numeric, '2024-02-01'::date, 'quarter')$$, '22023', 'unit must be day, week or month');
SELECT throws_ok($$SELECT btyd_population(1, '2024-01-01'::timestamptz, 1::numeric, '2024-02-01'::timestamptz, 'year')$$, '22023', 'unit must be day, week or month');
SELECT throws_ok($$SELECT btyd_population(1, '2024-01-01'::date, 1::numeric, '-infinity'::date, 'week')$$, '22023', 'as_of must be a finite date');
SELECT throws_ok($$SELECT btyd_population(1, '2024-01-01'::timestamptz, 1::float8, 'infinity'::timestamptz, 'week')$$, '22023', 'as_of must be a finite timestamp');
SELECT throws_ok($$SELECT btyd_population(1, 'infinity'::date, 1::numeric, '2024-02-01'::date, 'week')$$, '22023', 'order_at must be a finite date');
SELECT throws_ok($$SELECT btyd_population(1, '-infinity'::timestamptz, 1::numeric, '2024-02-01'::timestamptz, 'week')$$, '22023', 'order_at must be a finite timestamp');
SELECT throws_ok($$SELECT btyd_population(1, '2024-01-01'::date, 'NaN'::numeric, '2024-02-01'::date, 'week')$$, '22023', 'amount must be a finite number');
SELECT throws_ok($$SELECT btyd_population(1, '2024-01-01'::date, 'NaN'::float8, '2024-02-01'::date, 'week')$$, '22023', 'amount must be a finite number');
SELECT throws_ok($$SELECT btyd_population(1, '2024-01-01'::timestamptz, '-Infinity'::float8, '2024-02-01'::timestamptz, 'week')$$, '22023', 'amount must be a finite number');
SELECT throws_ok($$SELECT btyd_population(1, '2024-03-01'::date, 'NaN'::float8, '2024-02-01'::date, 'week')$$, '22023', 'amount must be a finite number',
                 'a NaN amount after as_of is 22023, as btyd_summary''s');
SELECT throws_ok($$SELECT btyd_summary('2024-03-01'::date, 'NaN'::float8, '2024-02-01'::date, 'week')$$, '22023', 'amount must be a finite number',
                 'btyd_summary itself: the same error');
SELECT throws_ok($$SELECT btyd_population(1, '4714-11-24 BC'::timestamptz, 1::float8, '294276-12-31'::timestamptz, 'day')$$, '22008',
                 'order_at is too far before as_of', 'timestamps 290,000 years apart: 22008, as btyd_summary');

-- NULLs and empty input
SELECT ok((SELECT btyd_population(c, d, a, date '2025-01-01', 'week') FROM o WHERE false) IS NULL, 'no rows: NULL');
SELECT ok((SELECT btyd_population(c, d, a, date '2023-01-01', 'week') FROM o) IS NULL, 'every row after as_of: NULL');
SELECT ok((SELECT btyd_population(c, d, a, x, u) FROM (VALUES (NULL::bigint, '2024-01-01'::date, 1::numeric, '2025-01-01'::date, 'day'::time_unit),
                                                               (1, NULL, 1, '2025-01-01', 'day'), (1, '2024-01-01', NULL, '2025-01-01', 'day'),
                                                               (1, '2024-01-01', 1, NULL, 'day'), (1, '2024-01-01', 1, '2025-01-01', NULL)) v(c, d, a, x, u)) IS NULL,
          'rows with a NULL id, order_at, amount, as_of or unit are skipped: NULL');
SELECT is((SELECT btyd_population(c, d, a, date '2025-01-01', 'week')::text FROM (SELECT * FROM o UNION ALL SELECT NULL, '2024-01-01', 7) AS x),
          (SELECT p::text FROM st), 'a NULL customer id is skipped, not a customer');
SELECT is((SELECT count(*) FROM btyd_table(NULL::btyd_population)), 0::bigint, 'btyd_table(NULL): no row');
SELECT ok(bgnbd_fit(NULL::btyd_population) IS NULL, 'bgnbd_fit(NULL): NULL');
SELECT ok(gamma_gamma_fit(NULL::btyd_population) IS NULL, 'gamma_gamma_fit(NULL): NULL');

-- fits with no usable row: NULL, as the aggregates give it
CREATE TEMP TABLE today AS SELECT btyd_population(1, date '2024-02-01', 5::numeric, date '2024-02-01', 'week') AS p;
SELECT ok((SELECT bgnbd_fit(p) FROM today) IS NULL AND (SELECT bgnbd_fit(frequency, recency, t) FROM today, btyd_table(p)) IS NULL,
          'a population of one customer observed for no time: bgnbd_fit NULL, as the aggregate');
SELECT ok((SELECT pareto_nbd_fit(p) FROM today) IS NULL AND (SELECT mbgnbd_fit(p) FROM today) IS NULL,
          'the same for pareto_nbd_fit and mbgnbd_fit');
SELECT ok((SELECT gamma_gamma_fit(p) FROM today) IS NULL AND (SELECT gamma_gamma_fit(frequency, monetary_value) FROM today, btyd_table(p)) IS NULL,
          'no repeat customer: gamma_gamma_fit NULL, as the aggregate');
CREATE TEMP TABLE refunds AS SELECT btyd_population(c, d, a, date '2025-01-01', 'week') AS p
FROM (VALUES (1, '2024-01-01'::date, 10::numeric), (1, '2024-03-01', -4), (2, '2024-01-01', 3), (2, '2024-02-01', 4), (2, '2024-04-01', 5),
             (3, '2024-01-01', 1), (3, '2024-02-01', 0)) v(c, d, a);
SELECT is((SELECT gamma_gamma_fit(p)::text FROM refunds),
          (SELECT gamma_gamma_fit(frequency, monetary_value) FILTER (WHERE monetary_value > 0 OR frequency = 0)::text FROM refunds, btyd_table(p)),
          'repeat customers with a negative or zero monetary_value are left out, as doc/clv.md''s recipe leaves them');
SELECT is((SELECT (gamma_gamma_fit(p)).n FROM refunds), 1::bigint, 'one repeat customer with positive spend is fitted');
SELECT is((SELECT bgnbd_fit(p)::text FROM refunds), (SELECT bgnbd_fit(frequency, recency, t)::text FROM refunds, btyd_table(p)),
          'bgnbd_fit of a population with refunds: the aggregate''s fit over btyd_table');

-- tracking from a population
SELECT throws_ok($$SELECT bgnbd_tracking(bgnbd_model(0.5, 3, 0.7, 2.5), btyd_population(1, '2024-01-01'::timestamptz, 1::numeric, '2024-02-01'::timestamptz, 'week'), date '2024-01-01', 4)$$,
                 '22023', 'bgnbd_tracking needs a population of date orders', 'tracking a population of timestamptz orders is 22023');
SELECT throws_ok($$SELECT bgnbd_tracking(bgnbd_model(0.5, 3, 0.7, 2.5), p, date '2024-01-01', 0) FROM st$$,
                 '22023', 'periods must be between 1 and 10000', 'tracking periods 0 is 22023, as the aggregate');
SELECT throws_ok($$SELECT pareto_nbd_tracking(pareto_nbd_model(0.55, 10.58, 0.61, 11.67), p, 'infinity'::date, 3) FROM st$$,
                 '22023', 'start must be finite', 'tracking from an infinite start is 22023');
SELECT ok((SELECT bgnbd_tracking(jsonb_populate_record(NULL::bgnbd, '{"n": 3}'), p, date '2024-01-01', 3) FROM st) IS NULL,
          'tracking with a model of NULL parameters (a failed fit): NULL, as the aggregate');
SELECT is((SELECT bgnbd_tracking(bgnbd_model(0.5, 3, 0.7, 2.5), p, date '2026-01-01', 3)::text FROM st),
          (SELECT bgnbd_tracking(bgnbd_model(0.5, 3, 0.7, 2.5), f, date '2026-01-01', 3, 'week')::text FROM (SELECT min(d) AS f FROM o GROUP BY c) AS x),
          'tracking after as_of: the aggregate''s curve');

-- the 1 GB limit of a value (2^30 - 2 bytes with the 4-byte header): the
-- check itself, through the test module, with byte counts no test could
-- allocate; the final function asks for the 28 bytes of each customer
-- after the 23 of the header, so doc/clv.md's 38,347,921 customers fit,
-- one more does not
CREATE EXTENSION retention_test;
SELECT is(retention_test.btyd_population_size_check(23, 28 * 38347921::bigint, 38347921), true,
          'size limit: 38,347,921 customers fit');
SELECT throws_ok($$SELECT retention_test.btyd_population_size_check(23, 28 * 38347922::bigint, 38347922)$$, '54000',
                 'btyd_population of 38347922 customers exceeds the 1 GB limit of a value', 'size limit: the 38,347,922nd does not: 54000 naming the customer count');
SELECT is(retention_test.btyd_population_size_check(1073741822 - 28, 28, 1), true, 'size limit: a value of exactly 2^30 - 2 bytes is accepted');
SELECT throws_ok($$SELECT retention_test.btyd_population_size_check(1073741822 - 27, 28, 7)$$, '54000',
                 'btyd_population of 7 customers exceeds the 1 GB limit of a value', 'size limit: one byte more is 54000');

SELECT * FROM finish();
ROLLBACK;
