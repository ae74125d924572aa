--
-- The binary form of revenue_matrix (DESIGN section 8), read by
-- revenue_matrix_recv through COPY ... (FORMAT binary), as a client or a
-- binary copy reaches it: crafted messages with a wrong version byte, an
-- unknown unit or flag, a scale out of range, too few bytes, customer and
-- cell counts that are negative, zero, past the limit or larger or smaller
-- than the bytes, per-customer cell counts that do not add up, ids and
-- periods out of order or repeated, periods outside the years 1 to 9999,
-- trailing bytes. Each is refused with 22P03, the message "invalid
-- revenue_matrix value" and a detail naming the bad value, before anything
-- large is allocated; intact messages (extreme ids and amounts included)
-- read back to the same value, text and bytes. The layout
-- (revenue_matrix_send's comment): version, unit, scale, flags (1 byte
-- each), the customer and cell counts (int32), per customer its id (int64)
-- and cell count (int32), per cell its period (int32: the date for 'day',
-- year * 12 + month - 1 for 'month', the year for 'year') and amount (int64
-- units of 10^-scale), in network byte order.
--
BEGIN;
SELECT plan(48);

\ir lib/setup.sql

CREATE FUNCTION pg_temp.head(version integer, unit integer, scale integer, flags integer,
                             ncustomers integer, ncells integer) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT set_byte(set_byte(set_byte(set_byte('\x00000000'::bytea, 0, version), 1, unit), 2, scale), 3, flags)
           || int4send(ncustomers) || int4send(ncells)
$$;
CREATE FUNCTION pg_temp.customer(id bigint, ncells integer) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$ SELECT int8send(id) || int4send(ncells) $$;
CREATE FUNCTION pg_temp.cell(period integer, amount bigint) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$ SELECT int4send(period) || int8send(amount) $$;
-- the period number of a month: year * 12 + month - 1
CREATE FUNCTION pg_temp.month(d date) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT (extract(year FROM d) * 12 + extract(month FROM d) - 1)::integer $$;
-- the example: customers 1 and 4, months 2024-01 and 2024-03, then 2024-02
CREATE FUNCTION pg_temp.example(version integer DEFAULT 1, unit integer DEFAULT 3, scale integer DEFAULT 1,
                                flags integer DEFAULT 0) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT pg_temp.head(version, unit, scale, flags, 2, 3)
           || pg_temp.customer(1, 2) || pg_temp.customer(4, 1)
           || pg_temp.cell(pg_temp.month('2024-01-01'), 15) || pg_temp.cell(pg_temp.month('2024-03-01'), -20)
           || pg_temp.cell(pg_temp.month('2024-02-01'), 30)
$$;

CREATE TEMP TABLE bad (label text PRIMARY KEY, raw bytea);
CREATE TEMP TABLE received (label text, m revenue_matrix);

-- the layout: revenue_matrix_send writes exactly the bytes built by hand
SELECT is(revenue_matrix_send('unit=month; 1: 2024-01-01 1.5, 2024-03-01 -2; 4: 2024-02-01 3'), pg_temp.example(),
          'send: the header, the customers, then the cells');

-- intact messages read back to the same value and the same bytes
INSERT INTO bad VALUES
    ('intact', pg_temp.example()),
    ('intact: extreme ids, amounts and periods',
     pg_temp.head(1, 1, 18, 0, 2, 3) || pg_temp.customer(-9223372036854775808, 1) || pg_temp.customer(9223372036854775807, 2)
     || pg_temp.cell('0001-01-01'::date - '2000-01-01'::date, -9223372036854775807)
     || pg_temp.cell(0, 0) || pg_temp.cell('9999-12-31'::date - '2000-01-01'::date, 9223372036854775807)),
    ('intact: the most negative amount',
     pg_temp.head(1, 5, 2, 0, 1, 1) || pg_temp.customer(7, 1) || pg_temp.cell(2024, -9223372036854775808));
INSERT INTO bad
SELECT 'intact: revenue_retention over 300 customers',
       revenue_matrix_send(revenue_retention(i % 300, date '2023-01-01' + (i * 37 % 700), round((i % 13 - 2) * 9.95, 2), 'week'))
FROM generate_series(1, 3000) AS i;
SELECT is(pg_temp.receive(label), 'accepted', 'recv: ' || label) FROM bad WHERE label LIKE 'intact%' ORDER BY label;
SELECT is((SELECT m::text FROM received WHERE label = 'intact'),
          'unit=month; 1: 2024-01-01 1.5, 2024-03-01 -2.0; 4: 2024-02-01 3.0', 'recv: the intact value');
SELECT is((SELECT m::text FROM received WHERE label = 'intact: extreme ids, amounts and periods'),
          'unit=day; -9223372036854775808: 0001-01-01 -9.223372036854775807; 9223372036854775807: 2000-01-01 0.000000000000000000, 9999-12-31 9.223372036854775807',
          'recv: extreme ids, amounts at scale 18, the first and last day');
SELECT is((SELECT count(*) FROM received AS r JOIN bad AS b USING (label) WHERE revenue_matrix_send(r.m) = b.raw),
          4::bigint, 'recv: every intact value sends the bytes it was read from');
SELECT is((SELECT count(*) FROM received WHERE m::text::revenue_matrix::text = m::text), 4::bigint,
          'recv: the text form of every received value reads back to it');
SELECT is((SELECT string_agg(format('%s %s %s', period, customers, mrr), '; ' ORDER BY period)
           FROM received, mrr_movements(m) WHERE label = 'intact'),
          '2024-01-01 1 1.5; 2024-02-01 1 3.0', 'recv: a received matrix is usable');

-- the header
INSERT INTO bad VALUES
    ('empty', ''::bytea),
    ('eleven bytes', substr(pg_temp.example(), 1, 11)),
    ('version 0', pg_temp.example(version => 0)),
    ('version 2', pg_temp.example(version => 2)),
    ('unit 0', pg_temp.example(unit => 0)),
    ('unit 6', pg_temp.example(unit => 6)),
    ('unit 255', pg_temp.example(unit => 255)),
    ('flags 1', pg_temp.example(flags => 1)),
    ('flags 128', pg_temp.example(flags => 128)),
    ('scale 19', pg_temp.example(scale => 19)),
    ('scale 255', pg_temp.example(scale => 255));
SELECT is(pg_temp.receive('empty'), '22P03 invalid revenue_matrix value: The binary value has 0 bytes, fewer than a header.',
          'recv: an empty message');
SELECT is(pg_temp.receive('eleven bytes'), '22P03 invalid revenue_matrix value: The binary value has 11 bytes, fewer than a header.',
          'recv: a message shorter than the header');
SELECT is(pg_temp.receive('version 0'), '22P03 invalid revenue_matrix value: The format version is 0; this build reads version 1.',
          'recv: version 0');
SELECT is(pg_temp.receive('version 2'), '22P03 invalid revenue_matrix value: The format version is 2; this build reads version 1.',
          'recv: version 2 (a later format)');
SELECT is(pg_temp.receive('unit 0'), '22P03 invalid revenue_matrix value: The period unit 0 is unknown.', 'recv: unit 0');
SELECT is(pg_temp.receive('unit 6'), '22P03 invalid revenue_matrix value: The period unit 6 is unknown.', 'recv: unit 6');
SELECT is(pg_temp.receive('unit 255'), '22P03 invalid revenue_matrix value: The period unit 255 is unknown.', 'recv: unit 255');
SELECT is(pg_temp.receive('flags 1'), '22P03 invalid revenue_matrix value: The flags 1 are unknown.', 'recv: flag 1');
SELECT is(pg_temp.receive('flags 128'), '22P03 invalid revenue_matrix value: The flags 128 are unknown.', 'recv: flag 128');
SELECT is(pg_temp.receive('scale 19'), '22P03 invalid revenue_matrix value: The scale 19 is out of range.', 'recv: scale 19');
SELECT is(pg_temp.receive('scale 255'), '22P03 invalid revenue_matrix value: The scale 255 is out of range.', 'recv: scale 255');

-- counts against the bytes: checked before the matrix is allocated
INSERT INTO bad VALUES
    ('no customers', pg_temp.head(1, 3, 0, 0, 0, 0)),
    ('customers -1', pg_temp.head(1, 3, 0, 0, -1, 1) || pg_temp.cell(24288, 1)),
    ('cells -2^31', pg_temp.head(1, 3, 0, 0, 1, -2147483648) || pg_temp.customer(1, 1) || pg_temp.cell(24288, 1)),
    ('more customers than cells', pg_temp.head(1, 3, 0, 0, 2, 1) || pg_temp.customer(1, 1) || pg_temp.customer(2, 1)
                                  || pg_temp.cell(24288, 1)),
    ('cells past the limit, no bytes', pg_temp.head(1, 3, 0, 0, 1, 25000001)),
    ('2^31 - 1 customers and cells, no bytes', pg_temp.head(1, 3, 0, 0, 2147483647, 2147483647)),
    ('25M cells claimed, one of bytes', pg_temp.head(1, 3, 0, 0, 1, 25000000) || pg_temp.customer(1, 1) || pg_temp.cell(24288, 1)),
    ('truncated by 3 bytes', substr(pg_temp.example(), 1, length(pg_temp.example()) - 3)),
    ('one trailing byte', pg_temp.example() || '\x00'::bytea),
    ('a trailing cell', pg_temp.example() || pg_temp.cell(24300, 1));
SELECT is(pg_temp.receive('no customers'),
          '22P03 invalid revenue_matrix value: The binary value has 0 customers and 0 cells, which do not match its 12 bytes.',
          'recv: a matrix of no customers');
SELECT is(pg_temp.receive('customers -1'),
          '22P03 invalid revenue_matrix value: The binary value has -1 customers and 1 cells, which do not match its 24 bytes.',
          'recv: a negative customer count');
SELECT is(pg_temp.receive('cells -2^31'),
          '22P03 invalid revenue_matrix value: The binary value has 1 customers and -2147483648 cells, which do not match its 36 bytes.',
          'recv: the most negative cell count');
SELECT is(pg_temp.receive('more customers than cells'),
          '22P03 invalid revenue_matrix value: The binary value has 2 customers and 1 cells, which do not match its 48 bytes.',
          'recv: more customers than cells');
SELECT is(pg_temp.receive('cells past the limit, no bytes'),
          '22P03 invalid revenue_matrix value: The binary value has 1 customers and 25000001 cells, which do not match its 12 bytes.',
          'recv: a cell count past the limit');
SELECT is(pg_temp.receive('2^31 - 1 customers and cells, no bytes'),
          '22P03 invalid revenue_matrix value: The binary value has 2147483647 customers and 2147483647 cells, which do not match its 12 bytes.',
          'recv: counts of 2^31 - 1 are refused, not multiplied in int32');
SELECT is(pg_temp.receive('25M cells claimed, one of bytes'),
          '22P03 invalid revenue_matrix value: The binary value has 1 customers and 25000000 cells, which do not match its 36 bytes.',
          'recv: counts larger than the bytes are refused before the 300 MB allocation');
SELECT is(pg_temp.receive('truncated by 3 bytes'),
          '22P03 invalid revenue_matrix value: The binary value has 2 customers and 3 cells, which do not match its 69 bytes.',
          'recv: a message cut short');
SELECT is(pg_temp.receive('one trailing byte'),
          '22P03 invalid revenue_matrix value: The binary value has 2 customers and 3 cells, which do not match its 73 bytes.',
          'recv: a trailing byte');
SELECT is(pg_temp.receive('a trailing cell'),
          '22P03 invalid revenue_matrix value: The binary value has 2 customers and 3 cells, which do not match its 84 bytes.',
          'recv: a trailing cell');

-- per-customer cell counts: each at least 1, within what is left, adding up
INSERT INTO bad VALUES
    ('customer with 0 cells', pg_temp.head(1, 3, 0, 0, 2, 3) || pg_temp.customer(1, 0) || pg_temp.customer(4, 3)
                              || pg_temp.cell(24288, 1) || pg_temp.cell(24289, 1) || pg_temp.cell(24290, 1)),
    ('customer with -1 cells', pg_temp.head(1, 3, 0, 0, 2, 3) || pg_temp.customer(1, -1) || pg_temp.customer(4, 4)
                               || pg_temp.cell(24288, 1) || pg_temp.cell(24289, 1) || pg_temp.cell(24290, 1)),
    ('customer with 2^31 - 1 cells', pg_temp.head(1, 3, 0, 0, 2, 3) || pg_temp.customer(1, 2147483647) || pg_temp.customer(4, 1)
                                     || pg_temp.cell(24288, 1) || pg_temp.cell(24289, 1) || pg_temp.cell(24290, 1)),
    ('second customer past the cells', pg_temp.head(1, 3, 0, 0, 2, 3) || pg_temp.customer(1, 2) || pg_temp.customer(4, 2)
                                       || pg_temp.cell(24288, 1) || pg_temp.cell(24289, 1) || pg_temp.cell(24290, 1)),
    ('cells left over', pg_temp.head(1, 3, 0, 0, 2, 3) || pg_temp.customer(1, 1) || pg_temp.customer(4, 1)
                        || pg_temp.cell(24288, 1) || pg_temp.cell(24289, 1) || pg_temp.cell(24290, 1));
SELECT is(pg_temp.receive('customer with 0 cells'),
          '22P03 invalid revenue_matrix value: Customer 1 has 0 cells; at most 3 are left.', 'recv: a customer without cells');
SELECT is(pg_temp.receive('customer with -1 cells'),
          '22P03 invalid revenue_matrix value: Customer 1 has -1 cells; at most 3 are left.', 'recv: a negative cell count');
SELECT is(pg_temp.receive('customer with 2^31 - 1 cells'),
          '22P03 invalid revenue_matrix value: Customer 1 has 2147483647 cells; at most 3 are left.', 'recv: a huge cell count');
SELECT is(pg_temp.receive('second customer past the cells'),
          '22P03 invalid revenue_matrix value: Customer 4 has 2 cells; at most 1 are left.', 'recv: counts adding up past the cells');
SELECT is(pg_temp.receive('cells left over'),
          '22P03 invalid revenue_matrix value: Customer 4 has an invalid cell range.', 'recv: counts adding up to fewer cells');

-- ids and periods
INSERT INTO bad VALUES
    ('ids repeated', pg_temp.head(1, 3, 0, 0, 2, 2) || pg_temp.customer(5, 1) || pg_temp.customer(5, 1)
                     || pg_temp.cell(24288, 1) || pg_temp.cell(24289, 1)),
    ('ids decreasing', pg_temp.head(1, 3, 0, 0, 2, 2) || pg_temp.customer(5, 1) || pg_temp.customer(-5, 1)
                       || pg_temp.cell(24288, 1) || pg_temp.cell(24289, 1)),
    ('periods repeated', pg_temp.head(1, 3, 0, 0, 1, 2) || pg_temp.customer(5, 2) || pg_temp.cell(24288, 1) || pg_temp.cell(24288, 1)),
    ('periods decreasing', pg_temp.head(1, 3, 0, 0, 1, 2) || pg_temp.customer(5, 2) || pg_temp.cell(24289, 1) || pg_temp.cell(24288, 1)),
    ('month before year 1', pg_temp.head(1, 3, 0, 0, 1, 1) || pg_temp.customer(5, 1) || pg_temp.cell(pg_temp.month('0001-01-01') - 1, 1)),
    ('month after year 9999', pg_temp.head(1, 3, 0, 0, 1, 1) || pg_temp.customer(5, 1) || pg_temp.cell(pg_temp.month('9999-12-01') + 1, 1)),
    ('day before year 1', pg_temp.head(1, 1, 0, 0, 1, 1) || pg_temp.customer(5, 1) || pg_temp.cell('0001-01-01'::date - '2000-01-01'::date - 1, 1)),
    ('year 10000', pg_temp.head(1, 5, 0, 0, 1, 1) || pg_temp.customer(5, 1) || pg_temp.cell(10000, 1)),
    ('period -2^31', pg_temp.head(1, 2, 0, 0, 1, 1) || pg_temp.customer(5, 1) || pg_temp.cell(-2147483648, 1)),
    ('period 2^31 - 1', pg_temp.head(1, 4, 0, 0, 1, 1) || pg_temp.customer(5, 1) || pg_temp.cell(2147483647, 1));
SELECT is(pg_temp.receive('ids repeated'),
          '22P03 invalid revenue_matrix value: Customer 5 does not come after customer 5.', 'recv: an id twice');
SELECT is(pg_temp.receive('ids decreasing'),
          '22P03 invalid revenue_matrix value: Customer -5 does not come after customer 5.', 'recv: ids out of order');
SELECT is(pg_temp.receive(label),
          '22P03 invalid revenue_matrix value: Customer 5 has periods that are unsorted or outside the years 1 to 9999.',
          'recv: ' || label)
FROM bad WHERE label LIKE 'period%' OR label LIKE '%year%' ORDER BY label;

-- nothing refused reached the table
SELECT is((SELECT count(*) FROM received), 4::bigint, 'only the intact messages were stored');
SELECT is((SELECT count(*) FILTER (WHERE pg_temp.receive(label) NOT LIKE '22P03 invalid revenue_matrix value: %') FROM bad
           WHERE label NOT LIKE 'intact%'), 0::bigint, 'every crafted message is 22P03, read again in one pass');

SELECT * FROM finish();
ROLLBACK;
