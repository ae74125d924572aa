--
-- The binary form of km_curve (DESIGN section 8), read by km_curve_recv
-- through COPY ... (FORMAT binary), the way a client or pg_dump's binary
-- copy reaches it: crafted messages with a wrong version byte, too few
-- bytes, counts that claim more or fewer times than the bytes hold,
-- negative and huge counts, times that are NaN, infinite, negative or out
-- of order, negative or empty counts per time, a number of subjects past
-- bigint, trailing bytes. Each is refused with 22P03, the message "invalid
-- km_curve value" and a detail naming the bad value, before anything
-- large is allocated; intact messages read back to the same value. The
-- layout (km_curve_send's comment): the version (1 byte), the number of
-- times (int32), then per time the time (float8), events and censored
-- (int64), in network byte order.
--
BEGIN;
SELECT plan(35);

\ir lib/setup.sql

-- a message: version byte and count, then (time, events, censored) triples
CREATE FUNCTION pg_temp.head(version integer, n integer) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$ SELECT set_byte('\x00'::bytea, 0, version) || int4send(n) $$;
CREATE FUNCTION pg_temp.triple(t float8, events bigint, censored bigint) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$ SELECT float8send(t) || int8send(events) || int8send(censored) $$;

CREATE TEMP TABLE bad (label text PRIMARY KEY, raw bytea);
CREATE TEMP TABLE received (label text, c km_curve);

-- the layout: km_curve_send writes exactly the bytes built by hand
SELECT is(km_curve_send('[[1, 2, 0], [2.5, 0, 1]]'),
          pg_temp.head(1, 2) || pg_temp.triple(1, 2, 0) || pg_temp.triple(2.5, 0, 1),
          'send: version 1, the count, then (time, events, censored) per time');

-- intact messages read back to the same value and the same bytes
INSERT INTO bad VALUES
    ('intact', pg_temp.head(1, 2) || pg_temp.triple(1, 2, 0) || pg_temp.triple(2.5, 0, 1)),
    ('intact: one time, 0 and censored only', pg_temp.head(1, 1) || pg_temp.triple(0, 0, 3)),
    ('intact: extreme times and counts', pg_temp.head(1, 3) || pg_temp.triple('4.9e-324', 1, 0)
         || pg_temp.triple(1e300, 0, 1) || pg_temp.triple('1.7976931348623157e308', 9223372036854775805, 0));
INSERT INTO bad
SELECT 'intact: kaplan_meier over 500 subjects', km_curve_send(kaplan_meier((i * 7919 % 97)::float8 / 4, i % 3 <> 0))
FROM generate_series(1, 500) AS i;
SELECT is(pg_temp.receive(label), 'accepted', 'recv: ' || label) FROM bad WHERE label LIKE 'intact%' ORDER BY label;
SELECT is((SELECT c::text FROM received WHERE label = 'intact'), '[[1, 2, 0], [2.5, 0, 1]]', 'recv: the intact value');
SELECT is((SELECT c::text FROM received WHERE label = 'intact: extreme times and counts'),
          '[[5e-324, 1, 0], [1e+300, 0, 1], [1.7976931348623157e+308, 9223372036854775805, 0]]',
          'recv: the smallest denormal, the largest float8 and 2^63 - 3 events read back');
SELECT is((SELECT count(*) FROM received AS r JOIN bad AS b USING (label) WHERE km_curve_send(r.c) = b.raw),
          4::bigint, 'recv: every intact value sends the bytes it was read from');
SELECT is((SELECT km_median(c) FROM received WHERE label = 'intact'), 1::float8, 'recv: a received curve is usable');

-- the header
INSERT INTO bad VALUES
    ('empty', ''::bytea),
    ('four bytes', '\x01000000'::bytea),
    ('version 0', pg_temp.head(0, 1) || pg_temp.triple(1, 1, 0)),
    ('version 2', pg_temp.head(2, 1) || pg_temp.triple(1, 1, 0)),
    ('version 255', pg_temp.head(255, 1) || pg_temp.triple(1, 1, 0));
SELECT is(pg_temp.receive('empty'), '22P03 invalid km_curve value: The binary value has 0 bytes, fewer than a header.',
          'recv: an empty message');
SELECT is(pg_temp.receive('four bytes'), '22P03 invalid km_curve value: The binary value has 4 bytes, fewer than a header.',
          'recv: a message shorter than the header');
SELECT is(pg_temp.receive('version 0'), '22P03 invalid km_curve value: The format version is 0; this build reads version 1.',
          'recv: version 0');
SELECT is(pg_temp.receive('version 2'), '22P03 invalid km_curve value: The format version is 2; this build reads version 1.',
          'recv: version 2 (a later format)');
SELECT is(pg_temp.receive('version 255'), '22P03 invalid km_curve value: The format version is 255; this build reads version 1.',
          'recv: version 255');

-- counts against the bytes: checked before the curve is allocated
INSERT INTO bad VALUES
    ('no times', pg_temp.head(1, 0)),
    ('count -1', pg_temp.head(1, -1) || pg_temp.triple(1, 1, 0)),
    ('count -2^31', pg_temp.head(1, -2147483648) || pg_temp.triple(1, 1, 0)),
    ('count 2^31 - 1, one time of bytes', pg_temp.head(1, 2147483647) || pg_temp.triple(1, 1, 0)),
    ('count 3, two times of bytes', pg_temp.head(1, 3) || pg_temp.triple(1, 1, 0) || pg_temp.triple(2, 1, 0)),
    ('count 1, two times of bytes', pg_temp.head(1, 1) || pg_temp.triple(1, 1, 0) || pg_temp.triple(2, 1, 0)),
    ('truncated by 3 bytes', substr(pg_temp.head(1, 2) || pg_temp.triple(1, 2, 0) || pg_temp.triple(2.5, 0, 1), 1, 50)),
    ('one trailing byte', pg_temp.head(1, 2) || pg_temp.triple(1, 2, 0) || pg_temp.triple(2.5, 0, 1) || '\x00'::bytea);
SELECT is(pg_temp.receive('no times'), '22P03 invalid km_curve value: The binary value has 0 times but 0 bytes of them.',
          'recv: a curve of no times');
SELECT is(pg_temp.receive('count -1'), '22P03 invalid km_curve value: The binary value has -1 times but 24 bytes of them.',
          'recv: a negative count');
SELECT is(pg_temp.receive('count -2^31'), '22P03 invalid km_curve value: The binary value has -2147483648 times but 24 bytes of them.',
          'recv: the most negative count');
SELECT is(pg_temp.receive('count 2^31 - 1, one time of bytes'),
          '22P03 invalid km_curve value: The binary value has 2147483647 times but 24 bytes of them.',
          'recv: a count of 2^31 - 1 over 24 bytes is refused, not allocated');
SELECT is(pg_temp.receive('count 3, two times of bytes'),
          '22P03 invalid km_curve value: The binary value has 3 times but 48 bytes of them.',
          'recv: a count larger than the bytes');
SELECT is(pg_temp.receive('count 1, two times of bytes'),
          '22P03 invalid km_curve value: The binary value has 1 times but 48 bytes of them.',
          'recv: a count smaller than the bytes (a trailing time)');
SELECT is(pg_temp.receive('truncated by 3 bytes'),
          '22P03 invalid km_curve value: The binary value has 2 times but 45 bytes of them.',
          'recv: a message cut short');
SELECT is(pg_temp.receive('one trailing byte'),
          '22P03 invalid km_curve value: The binary value has 2 times but 49 bytes of them.',
          'recv: a trailing byte');

-- times
INSERT INTO bad VALUES
    ('time NaN', pg_temp.head(1, 1) || pg_temp.triple('NaN', 1, 0)),
    ('time Infinity', pg_temp.head(1, 2) || pg_temp.triple(1, 1, 0) || pg_temp.triple('Infinity', 0, 1)),
    ('time -Infinity', pg_temp.head(1, 1) || pg_temp.triple('-Infinity', 1, 0)),
    ('time negative', pg_temp.head(1, 1) || pg_temp.triple(-0.5, 1, 0)),
    ('times repeated', pg_temp.head(1, 2) || pg_temp.triple(3, 1, 0) || pg_temp.triple(3, 0, 1)),
    ('times decreasing', pg_temp.head(1, 2) || pg_temp.triple(3, 1, 0) || pg_temp.triple(2, 0, 1));
SELECT is(pg_temp.receive('time NaN'),
          '22P03 invalid km_curve value: Time 1 is NaN; times must be finite, at least 0 and increasing.', 'recv: a NaN time');
SELECT is(pg_temp.receive('time Infinity'),
          '22P03 invalid km_curve value: Time 2 is Infinity; times must be finite, at least 0 and increasing.', 'recv: an infinite time');
SELECT is(pg_temp.receive('time -Infinity'),
          '22P03 invalid km_curve value: Time 1 is -Infinity; times must be finite, at least 0 and increasing.', 'recv: time -Infinity');
SELECT is(pg_temp.receive('time negative'),
          '22P03 invalid km_curve value: Time 1 is -0.5; times must be finite, at least 0 and increasing.', 'recv: a negative time');
SELECT is(pg_temp.receive('times repeated'),
          '22P03 invalid km_curve value: Time 2 is 3; times must be finite, at least 0 and increasing.', 'recv: a time twice');
SELECT is(pg_temp.receive('times decreasing'),
          '22P03 invalid km_curve value: Time 2 is 2; times must be finite, at least 0 and increasing.', 'recv: times out of order');

-- counts per time and in total
INSERT INTO bad VALUES
    ('events negative', pg_temp.head(1, 1) || pg_temp.triple(1, -1, 2)),
    ('censored negative', pg_temp.head(1, 2) || pg_temp.triple(1, 1, 0) || pg_temp.triple(2, 1, -9223372036854775808)),
    ('no subject at a time', pg_temp.head(1, 2) || pg_temp.triple(1, 1, 0) || pg_temp.triple(2, 0, 0)),
    ('subjects past bigint', pg_temp.head(1, 2) || pg_temp.triple(1, 9223372036854775807, 0) || pg_temp.triple(2, 0, 1)),
    ('subjects past bigint in one time', pg_temp.head(1, 1) || pg_temp.triple(1, 9223372036854775807, 9223372036854775807));
SELECT is(pg_temp.receive('events negative'),
          '22P03 invalid km_curve value: Time 1 has -1 events and 2 censored; counts must be at least 0 and not both 0.',
          'recv: negative events');
SELECT is(pg_temp.receive('censored negative'),
          '22P03 invalid km_curve value: Time 2 has 1 events and -9223372036854775808 censored; counts must be at least 0 and not both 0.',
          'recv: the most negative censored count');
SELECT is(pg_temp.receive('no subject at a time'),
          '22P03 invalid km_curve value: Time 2 has 0 events and 0 censored; counts must be at least 0 and not both 0.',
          'recv: a time without events or censored');
SELECT is(pg_temp.receive('subjects past bigint'),
          '22P03 invalid km_curve value: The number of subjects overflows bigint.', 'recv: subjects summed past bigint');
SELECT is(pg_temp.receive('subjects past bigint in one time'),
          '22P03 invalid km_curve value: The number of subjects overflows bigint.', 'recv: one time past bigint');

-- nothing refused reached the table, and the session goes on
SELECT is((SELECT count(*) FROM received), 4::bigint, 'only the intact messages were stored');
SELECT is((SELECT count(*) FILTER (WHERE pg_temp.receive(label) NOT LIKE '22P03 invalid km_curve value: %') FROM bad
           WHERE label NOT LIKE 'intact%'), 0::bigint, 'every crafted message is 22P03, read again in one pass');

SELECT * FROM finish();
ROLLBACK;
