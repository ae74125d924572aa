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

-- receive(label): reads the message stored under label in the temporary
-- table bad (label text, raw bytea) through COPY ... (FORMAT binary) into
-- the temporary table received (label text, value of the type under
-- test), that is through the type's receive function as a client's binary
-- COPY reaches it, replacing received's row of that label. Gives
-- 'accepted', or the SQLSTATE, message and detail of the error COPY FROM
-- raises (the file goes into the data directory, named by backend).
CREATE FUNCTION pg_temp.receive(label text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    file text := 'pgtap_receive_' || pg_backend_pid() || '.bin';
    detail text;
BEGIN
    EXECUTE format('COPY (SELECT %L, raw FROM bad WHERE label = %L) TO %L (FORMAT binary)',
                   label, label, current_setting('data_directory') || '/' || file);
    DELETE FROM received WHERE received.label = receive.label;
    EXECUTE format('COPY received FROM %L (FORMAT binary)', file);
    RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    RETURN SQLSTATE || ' ' || SQLERRM || ': ' || detail;
END $$;

-- plan_of(q): the plan EXPLAIN (COSTS OFF) prints for a query, one line
-- per node, to check which plan the planner chose (parallel aggregates)
CREATE FUNCTION pg_temp.plan_of(q text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    line text;
    result text := '';
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
        result := result || line || E'\n';
    END LOOP;
    RETURN result;
END $$;

-- rfm_population_orders: for test/rfm_population_properties.sql and
-- test/rfm_population_text_properties.sql, the temporary table sets of 48
-- order tables (ds) of eight kinds (kind = ds % 8: 0 one customer, 1 one
-- order per customer, 2 heavy ties, 3 many refunds and refund-only
-- customers, 4 NULL ids, dates and amounts, 5 orders after as_of, 6
-- amounts beyond bigint cents and below 10^-9, 7 the extreme bigint ids;
-- every third table has mixed-sign ids), each with its customer count n
-- and as_of, and the temporary table o of their orders: bigint id c, date
-- d, timestamptz ts, numeric amount a and its float8 af, as_of and
-- as_of_ts
CREATE PROCEDURE pg_temp.rfm_population_orders()
LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE sets AS
    SELECT ds, ds % 8 AS kind,
           CASE WHEN ds % 8 = 0 THEN 1 WHEN ds % 16 = 7 THEN 400 ELSE 2 + pg_temp.h(ds, 0, 250) END AS n,
           date '2025-01-01' - (ds % 5) * 30 AS as_of
    FROM generate_series(1, 48) AS ds;

    CREATE TEMP TABLE o AS
    SELECT ds, kind, as_of, as_of::timestamptz AS as_of_ts,
           CASE WHEN kind = 4 AND pg_temp.h(i, 2, 10) = 0 THEN NULL
                WHEN kind = 7 AND cu = 1 THEN -9223372036854775808
                WHEN kind = 7 AND cu = 2 THEN 9223372036854775807
                WHEN ds % 3 = 0 THEN (cu - n / 2) * 1000003 * 7919
                ELSE cu END AS c,
           CASE WHEN kind = 4 AND pg_temp.h(i, 3, 10) = 0 THEN NULL
                WHEN kind = 2 THEN date '2024-01-01' + pg_temp.h(i, 4, 5)::integer
                WHEN kind = 5 THEN date '2024-01-01' + pg_temp.h(i, 4, 800)::integer
                ELSE date '2024-01-01' + pg_temp.h(i, 4, 366)::integer END AS d,
           pg_temp.h(i, 5, 86400)::integer AS secs,
           CASE WHEN kind = 4 AND pg_temp.h(i, 6, 10) = 0 THEN NULL
                WHEN kind = 2 THEN 10 * (1 + pg_temp.h(i, 7, 2))::numeric
                WHEN kind = 3 THEN round((pg_temp.h(i, 7, 20000) - 6000) / 100.0, 2)
                WHEN kind = 6 THEN CASE pg_temp.h(i, 8, 3) WHEN 0 THEN 1e20 + pg_temp.h(i, 7, 1000) / 1000.0
                                                           WHEN 1 THEN pg_temp.h(i, 7, 1000) / 1e9
                                                           ELSE -1e19 END
                ELSE round(CASE WHEN pg_temp.h(i, 8, 50) = 0 THEN -1 ELSE 1 END * pg_temp.h(i, 7, 50000) / 100.0, 2) END AS a
    FROM sets,
         LATERAL generate_series(1, n) AS cu,
         LATERAL generate_series(1, CASE WHEN kind = 1 THEN 1 ELSE 1 + pg_temp.h(ds * 1000 + cu, 1, 8)::integer END) AS k,
         LATERAL (SELECT ds * 10000000 + cu * 1000 + k AS i) AS key;
    ALTER TABLE o ADD COLUMN ts timestamptz, ADD COLUMN af float8;
    UPDATE o SET ts = d + make_interval(secs => secs), af = a::float8;
END $$;

-- rfm_population_compare(id, population): over the orders of
-- rfm_population_orders() whose customer id is column id of o, the
-- temporary tables forms (the four forms: order time and as_of columns,
-- amount column), pops (one population of type population per form and
-- table), per (the GROUP BY form: rfm per customer and form), rules (none,
-- and custom rules), mine (rfm_segments of each population, bins 2 to 9,
-- each rules), ref (the same from per: rfm_score(rfm, bins) OVER the
-- table, then segment()) and cmp (mine FULL JOIN ref, each row as text)
CREATE PROCEDURE pg_temp.rfm_population_compare(id name, population regtype)
LANGUAGE plpgsql AS $$
DECLARE
    f record;
BEGIN
    CREATE TEMP TABLE forms (form text, t text, x text, a text);
    INSERT INTO forms VALUES ('date/numeric', 'd', 'as_of', 'a'), ('date/float8', 'd', 'as_of', 'af'),
                             ('timestamptz/numeric', 'ts', 'as_of_ts', 'a'), ('timestamptz/float8', 'ts', 'as_of_ts', 'af');

    EXECUTE format('CREATE TEMP TABLE pops (form text, ds integer, p %s)', population);
    FOR f IN SELECT * FROM forms LOOP
        EXECUTE format('INSERT INTO pops SELECT %L, ds, rfm_population(%I, %s, %s, %s) FROM o GROUP BY ds', f.form, id, f.t, f.a, f.x);
    END LOOP;

    -- the GROUP BY form, once per form and bins: rfm per customer, then scored
    EXECUTE format('CREATE TEMP TABLE per AS SELECT NULL::text AS form, ds, %I AS c, NULL::rfm AS x FROM o WHERE false', id);
    FOR f IN SELECT * FROM forms LOOP
        EXECUTE format('INSERT INTO per SELECT %L, ds, %I, rfm(%s, %s, %s) FROM o WHERE %I IS NOT NULL GROUP BY ds, %I',
                       f.form, id, f.t, f.a, f.x, id, id);
    END LOOP;
    DELETE FROM per WHERE x IS NOT DISTINCT FROM NULL;

    CREATE TEMP TABLE rules (name text, rules jsonb);
    INSERT INTO rules VALUES
        ('none', NULL),
        ('custom', '[{"segment": "best", "r": [4, 9], "f": [4, 9], "m": [3, 9]}, {"segment": "new", "r": [5, 9], "f": [1, 1]},
                     {"segment": "lapsed", "r": [1, 2]}, {"segment": "big spender", "m": [5, 5]}]');

    CREATE TEMP TABLE mine AS
    SELECT form, ds, b, rules.name AS rules, s.*
    FROM pops, generate_series(2, 9) AS b, rules, rfm_segments(p, b, rules.rules) AS s;

    CREATE TEMP TABLE ref AS
    SELECT form, ds, b, name AS rules, c AS customer_id, (x).recency_days, (x).frequency, (x).monetary, (x).tenure_days,
           (s).r, (s).f, (s).m, (s).code,
           CASE WHEN rules IS NOT NULL THEN segment((s).r, (s).f, (s).m, rules)
                WHEN b = 5 THEN segment(s) END AS segment
    FROM (SELECT form, ds, b, c, x, rfm_score(x, b) OVER (PARTITION BY form, ds, b) AS s
          FROM per, generate_series(2, 9) AS b) AS scored, rules;

    CREATE TEMP TABLE cmp AS
    SELECT form, b, rules, ROW(mine.*)::text AS got, ROW(ref.*)::text AS want, ref.segment AS ref_segment, ref.r AS ref_r
    FROM mine FULL JOIN ref USING (form, ds, b, rules, customer_id);
END $$;

-- rfm_population_checks(): the 12 assertions both rfm_population
-- properties files make on the tables of rfm_population_compare(): every
-- row of rfm_segments is the reference's, per form; the same customers;
-- the reference reaches every segment; rfm_breaks(population, bins) is
-- the rfm_breaks aggregate; the defaults of bins and rules
CREATE FUNCTION pg_temp.rfm_population_checks() RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    f record;
BEGIN
    FOR f IN SELECT form FROM forms ORDER BY form LOOP
        RETURN NEXT is((SELECT count(*) FROM cmp WHERE got IS DISTINCT FROM want AND form = f.form), 0::bigint,
                       format('%s: rfm_segments equals rfm + rfm_score(rfm, bins) OVER () + segment() in every row, bins 2..9, default map and custom rules (%s rows)',
                              f.form, (SELECT count(*) FROM cmp WHERE form = f.form)));
    END LOOP;
    RETURN NEXT is((SELECT count(*) FROM cmp WHERE want IS NULL OR got IS NULL), 0::bigint,
                   'rfm_segments has a row for exactly the customers whose rfm is not NULL');
    RETURN NEXT cmp_ok((SELECT count(DISTINCT ref_segment) FROM cmp WHERE rules = 'none' AND b = 5), '=', 10::bigint,
                       'the reference reaches every segment of the default map');
    RETURN NEXT cmp_ok((SELECT count(DISTINCT ref_segment) FROM cmp WHERE rules = 'custom'), '=', 4::bigint,
                       'the reference reaches every custom segment');
    RETURN NEXT cmp_ok((SELECT count(*) FROM cmp WHERE ref_r IS NULL), '>', 0::bigint,
                       'the reference has refund-only customers (NULL recency, no segment)');
    RETURN NEXT is((SELECT count(*) FROM mine WHERE b <> 5 AND rules = 'none' AND segment IS NOT NULL), 0::bigint,
                   'segment is NULL when bins is not 5 and no rules are given');

    -- rfm_breaks of the population equals the aggregate over the same rfm values
    RETURN NEXT is((SELECT count(*)
                    FROM (SELECT form, ds, b, rfm_breaks(p, b) AS got FROM pops, generate_series(2, 9) AS b) AS g
                    FULL JOIN (SELECT form, ds, b, rfm_breaks((x).recency_days, (x).frequency, (x).monetary, b) AS want
                               FROM per, generate_series(2, 9) AS b GROUP BY form, ds, b) AS w USING (form, ds, b)
                    WHERE got::text IS DISTINCT FROM want::text), 0::bigint,
                   'rfm_breaks(population, bins) equals the rfm_breaks aggregate over the population''s rfm, bins 2..9, every form');
    RETURN NEXT is((SELECT count(*) FROM pops WHERE rfm_breaks(p)::text IS DISTINCT FROM rfm_breaks(p, 5)::text), 0::bigint,
                   'rfm_breaks(population) has 5 bins');
    RETURN NEXT is((SELECT count(*) FROM pops WHERE (SELECT count(*) FROM rfm_segments(p)) <> (SELECT count(*) FROM rfm_segments(p, 5, NULL))
                       OR (SELECT string_agg(s::text, ';') FROM rfm_segments(p) AS s) IS DISTINCT FROM (SELECT string_agg(s::text, ';') FROM rfm_segments(p, 5, NULL) AS s)),
                   0::bigint, 'rfm_segments(population) is bins 5 with the default map');
END $$;

-- simulated_customers(n, seed): the BTYD summaries in weeks, as of
-- 2024-09-30, of the customers simulate_orders(n, seed) draws (CDNOW's
-- estimates): id i, repeat purchase days x, recency tx, age t and mean
-- repeat purchase value m
CREATE FUNCTION pg_temp.simulated_customers(n integer, seed integer)
RETURNS TABLE (i bigint, x integer, tx float8, t float8, m float8)
LANGUAGE sql AS $$
    SELECT customer_id, frequency::integer, recency, t, monetary_value
    FROM (SELECT customer_id, (btyd_summary(order_at, amount, date '2024-09-30', 'week')).*
          FROM simulate_orders(n, seed) GROUP BY customer_id) AS s
$$;

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
