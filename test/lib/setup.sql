--
-- Helpers that several pgTAP files use, in pg_temp (each file runs in its
-- own session). A file reads this with `\ir lib/setup.sql` after its plan:
-- \ir is relative to the file, so it works wherever pg_prove is started
-- (tools/test.sh from the checkout, tools/valgrind.sh and
-- tools/portability.sh from copies). This folder is not matched by
-- test/*.sql, so it never runs as a test of its own.
--

-- h(i, k, n): a whole number in [0, n) from the k-th hash of i
-- (deterministic pseudo-random data, never random())
CREATE FUNCTION pg_temp.h(i bigint, k bigint, n bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$ SELECT (hashint8extended(i, k) & 2147483647) % n $$;

-- u(i, k): a uniform number in [0, 1) from the k-th hash of i
CREATE FUNCTION pg_temp.u(i bigint, k bigint) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$ SELECT (hashint8extended(i, k) & 1048575) / 1048576.0::float8 $$;

-- failure(sql): the SQLSTATE and detail of the error a statement raises
-- ('no error' when it raises none), to check which check fired
CREATE FUNCTION pg_temp.failure(sql text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    detail text;
BEGIN
    EXECUTE sql;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    RETURN SQLSTATE || ' ' || detail;
END $$;

-- classify(sql, low, high, allowed): how a call returning float8 ends:
-- 'null', 'value' (a number in [low, high]), 'error' (one of the allowed
-- SQLSTATEs) or 'bad ...' (NaN, out of range, another error), for the
-- hostile sweeps (test/mbgnbd_hostile.sql, test/bgbb_hostile.sql)
CREATE FUNCTION pg_temp.classify(q text, low float8, high float8, allowed text[]) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE v float8;
BEGIN
    EXECUTE q INTO v;
    IF v IS NULL THEN RETURN 'null'; END IF;
    IF v = 'NaN'::float8 OR v < low OR v > high THEN RETURN 'bad ' || v; END IF;
    RETURN 'value';
EXCEPTION WHEN OTHERS THEN
    IF SQLSTATE = ANY (allowed) THEN RETURN 'error'; END IF;
    RETURN 'bad ' || SQLSTATE || ' ' || SQLERRM;
END $$;

-- varint(n): n >= 0 as the stored states' unsigned varint (src/base/
-- codec.h): 7 bits a byte, low groups first, the high bit set on every
-- byte but the last; signed_varint(n) zigzag-maps n first (0, -1, 1, -2
-- to 0, 1, 2, 3). Written from the format's description, to build states
-- byte by byte (test/incremental_hostile.sql, test/aggstate_corrupt.sql).
CREATE FUNCTION pg_temp.varint(n numeric) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    result bytea := '\x';
BEGIN
    WHILE n >= 128 LOOP
        result := result || set_byte('\x00'::bytea, 0, (mod(n, 128) + 128)::integer);
        n := div(n, 128);
    END LOOP;
    RETURN result || set_byte('\x00'::bytea, 0, n::integer);
END $$;

CREATE FUNCTION pg_temp.signed_varint(n numeric) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$ SELECT pg_temp.varint(CASE WHEN n >= 0 THEN 2 * n ELSE -2 * n - 1 END) $$;

-- rfm_bytes(flags, as_of, frequency, refunds, to_last, to_first, scale,
-- scaled_sum): an rfm state of numeric amounts in format 5 (doc/
-- incremental.md, "The stored form"): version, flags, as_of (4 bytes for
-- dates, 8 for timestamptz, as given), the counts, the distances back to
-- the last and first orders (left out when to_last is NULL), the scale
-- and the scaled sum; version 5 unless given.
CREATE FUNCTION pg_temp.rfm_bytes(flags integer, as_of bytea, frequency numeric, refunds numeric,
                                  to_last numeric, to_first numeric, scale integer, scaled_sum numeric,
                                  version integer DEFAULT 5) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT set_byte('\x00'::bytea, 0, version) || set_byte('\x00'::bytea, 0, flags) || as_of
           || pg_temp.varint(frequency) || pg_temp.varint(refunds)
           || coalesce(pg_temp.varint(to_last) || pg_temp.varint(to_first), '\x')
           || set_byte('\x00'::bytea, 0, scale) || pg_temp.signed_varint(scaled_sum)
$$;

-- days(d): a date as the stored states hold it, int32 days since
-- 2000-01-01 in network byte order
CREATE FUNCTION pg_temp.days(d date) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$ SELECT int4send(d - date '2000-01-01') $$;
