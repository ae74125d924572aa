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
