--
-- rfm_population of text ids (rfm_population_text) against the GROUP BY
-- form (DESIGN section 10): over 48 generated order tables of eight kinds
-- (those of test/rfm_population_properties.sql: one customer, ties,
-- refunds, NULL ids, dates and amounts, orders after as_of, extreme
-- amounts) whose ids are text of four shapes (decimal digits; ids of 1,100
-- bytes that differ only in their trailing bytes; multibyte UTF-8; ids
-- that differ only in a trailing space or tab, and the empty string), for
-- date and timestamptz orders and numeric and float8 amounts,
-- rfm_segments gives exactly, as text, what rfm per customer GROUP BY the
-- text id + rfm_score(rfm, bins) OVER () + segment() gives: bins 2 to 9,
-- the default map, custom rules. Also rfm_breaks(population) equals the
-- rfm_breaks aggregate, the stored value lists ids in byte order
-- (COLLATE "C"), its text form round-trips, a stored population reads as
-- a fresh one, the send form has the documented size, and a parallel plan
-- (partial hashes merged in C) gives the serial value.
--
BEGIN;
SELECT plan(34);

\ir lib/setup.sql

SET LOCAL TimeZone = 'UTC';

-- contracts: the four aggregates, the readers' signatures and markings
SELECT is_aggregate('rfm_population', ARRAY['text', 'date', 'numeric', 'date']);
SELECT is_aggregate('rfm_population', ARRAY['text', 'date', 'double precision', 'date']);
SELECT is_aggregate('rfm_population', ARRAY['text', 'timestamp with time zone', 'numeric', 'timestamp with time zone']);
SELECT is_aggregate('rfm_population', ARRAY['text', 'timestamp with time zone', 'double precision', 'timestamp with time zone']);
SELECT function_returns('rfm_population', ARRAY['text', 'date', 'numeric', 'date'], 'rfm_population_text');
SELECT function_returns('rfm_segments', ARRAY['rfm_population_text', 'integer', 'jsonb'], 'setof record');
SELECT function_returns('rfm_breaks', ARRAY['rfm_population_text', 'integer'], 'rfm_breaks');
SELECT volatility_is('rfm_segments', ARRAY['rfm_population_text', 'integer', 'jsonb'], 'immutable');
SELECT isnt_strict('rfm_segments', ARRAY['rfm_population_text', 'integer', 'jsonb'], 'rfm_segments is not STRICT: NULL rules mean none, NULL bins is an error');
SELECT is_strict('rfm_breaks', ARRAY['rfm_population_text', 'integer']);
SELECT is((SELECT string_agg(name || ' ' || format_type(typ, NULL), ',' ORDER BY ord)
           FROM unnest((SELECT proargnames FROM pg_proc WHERE oid = 'rfm_segments(rfm_population_text,integer,jsonb)'::regprocedure),
                       (SELECT proallargtypes FROM pg_proc WHERE oid = 'rfm_segments(rfm_population_text,integer,jsonb)'::regprocedure))
                WITH ORDINALITY AS a(name, typ, ord)),
          'population rfm_population_text,bins integer,rules jsonb,customer_id text,recency_days integer,frequency bigint,monetary numeric,tenure_days integer,r integer,f integer,m integer,code text,segment text',
          'rfm_segments of text ids: the columns of the bigint form, customer_id text');

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
ALTER TABLE o ADD COLUMN ts timestamptz, ADD COLUMN af float8, ADD COLUMN t text;
UPDATE o SET ts = d + make_interval(secs => secs), af = a::float8,
             t = CASE WHEN c IS NULL THEN NULL
                      WHEN ds % 4 = 0 THEN c::text
                      WHEN ds % 4 = 1 THEN repeat('p', 1100) || c::text
                      WHEN ds % 4 = 2 THEN 'клиент ' || c::text || ' 😀'
                      WHEN c % 11 = 0 THEN ''
                      ELSE (c / 3)::text || CASE c % 3 WHEN 0 THEN '' WHEN 1 THEN ' ' ELSE E'\t' END END;

-- the four forms: order time and as_of columns, amount column
CREATE TEMP TABLE forms (form text, t text, x text, a text);
INSERT INTO forms VALUES ('date/numeric', 'd', 'as_of', 'a'), ('date/float8', 'd', 'as_of', 'af'),
                         ('timestamptz/numeric', 'ts', 'as_of_ts', 'a'), ('timestamptz/float8', 'ts', 'as_of_ts', 'af');

CREATE TEMP TABLE pops (form text, ds integer, p rfm_population_text);
DO $$
DECLARE
    f record;
BEGIN
    FOR f IN SELECT * FROM forms LOOP
        EXECUTE format('INSERT INTO pops SELECT %L, ds, rfm_population(t, %s, %s, %s) FROM o GROUP BY ds', f.form, f.t, f.a, f.x);
    END LOOP;
END $$;

-- the GROUP BY form, once per form and bins: rfm per customer, then scored
CREATE TEMP TABLE per AS SELECT NULL::text AS form, ds, t AS c, NULL::rfm AS x FROM o WHERE false;
DO $$
DECLARE
    f record;
BEGIN
    FOR f IN SELECT * FROM forms LOOP
        EXECUTE format('INSERT INTO per SELECT %L, ds, t, rfm(%s, %s, %s) FROM o WHERE t IS NOT NULL GROUP BY ds, t', f.form, f.t, f.a, f.x);
    END LOOP;
END $$;
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

SELECT cmp_ok((SELECT count(*) FROM ref), '>', 100000::bigint, 'the reference scores over 100,000 customer rows');
SELECT is((SELECT count(*) FILTER (WHERE customer_id = '') > 0 AND count(*) FILTER (WHERE octet_length(customer_id) > 1024) > 0
                  AND count(*) FILTER (WHERE octet_length(customer_id) > char_length(customer_id)) > 0
                  AND count(*) FILTER (WHERE customer_id LIKE '% ') > 0 AND count(*) FILTER (WHERE customer_id LIKE E'%\t') > 0
           FROM ref), true,
          'the reference has the empty id, ids over 1 kB, multibyte ids and ids differing only in a trailing space or tab');
SELECT is((SELECT count(*) FROM cmp WHERE got IS DISTINCT FROM want AND form = f.form), 0::bigint,
          format('%s: rfm_segments equals rfm + rfm_score(rfm, bins) OVER () + segment() in every row, bins 2..9, default map and custom rules (%s rows)',
                 f.form, (SELECT count(*) FROM cmp WHERE form = f.form)))
FROM forms AS f ORDER BY form;
SELECT is((SELECT count(*) FROM cmp WHERE want IS NULL OR got IS NULL), 0::bigint,
          'rfm_segments has a row for exactly the customers whose rfm is not NULL');
SELECT cmp_ok((SELECT count(DISTINCT ref_segment) FROM cmp WHERE rules = 'none' AND b = 5), '=', 10::bigint,
              'the reference reaches every segment of the default map');
SELECT cmp_ok((SELECT count(DISTINCT ref_segment) FROM cmp WHERE rules = 'custom'), '=', 4::bigint,
              'the reference reaches every custom segment');
SELECT cmp_ok((SELECT count(*) FROM cmp WHERE ref_r IS NULL), '>', 0::bigint,
              'the reference has refund-only customers (NULL recency, no segment)');
SELECT is((SELECT count(*) FROM mine WHERE b <> 5 AND rules = 'none' AND segment IS NOT NULL), 0::bigint,
          'segment is NULL when bins is not 5 and no rules are given');

-- rfm_breaks of the population equals the aggregate over the same rfm values
SELECT is((SELECT count(*)
           FROM (SELECT form, ds, b, rfm_breaks(p, b) AS got FROM pops, generate_series(2, 9) AS b) AS g
           FULL JOIN (SELECT form, ds, b, rfm_breaks((x).recency_days, (x).frequency, (x).monetary, b) AS want
                      FROM per, generate_series(2, 9) AS b GROUP BY form, ds, b) AS w USING (form, ds, b)
           WHERE got::text IS DISTINCT FROM want::text), 0::bigint,
          'rfm_breaks(population, bins) equals the rfm_breaks aggregate over the population''s rfm, bins 2..9, every form');
SELECT is((SELECT count(*) FROM pops WHERE rfm_breaks(p)::text IS DISTINCT FROM rfm_breaks(p, 5)::text), 0::bigint,
          'rfm_breaks(population) has 5 bins');
SELECT is((SELECT count(*) FROM pops WHERE (SELECT count(*) FROM rfm_segments(p)) <> (SELECT count(*) FROM rfm_segments(p, 5, NULL))
              OR (SELECT string_agg(s::text, ';') FROM rfm_segments(p) AS s) IS DISTINCT FROM (SELECT string_agg(s::text, ';') FROM rfm_segments(p, 5, NULL) AS s)),
          0::bigint, 'rfm_segments(population) is bins 5 with the default map');

-- the stored form
SELECT is((SELECT count(*) FROM (SELECT customer_id, lag(customer_id) OVER (PARTITION BY form, ds ORDER BY ord) AS prev
                                 FROM pops, rfm_segments(p) WITH ORDINALITY AS s(customer_id, a2, a3, a4, a5, a6, a7, a8, a9, a10, ord)) AS x
           WHERE prev COLLATE "C" >= customer_id COLLATE "C"), 0::bigint,
          'rfm_segments lists customers by increasing id in byte order (COLLATE "C")');
SELECT is((SELECT count(*) FROM pops WHERE p::text::rfm_population_text::text <> p::text), 0::bigint, 'the text form round-trips');
SELECT is((SELECT count(*) FROM pops WHERE upper(p::text)::rfm_population_text::text <> p::text), 0::bigint, 'upper-case hexadecimal reads back');
CREATE TEMP TABLE stored AS SELECT form, ds, p::text::rfm_population_text AS p FROM pops;
SELECT is((SELECT count(*) FROM stored JOIN pops USING (form, ds)
           WHERE (SELECT string_agg(s::text, ';') FROM rfm_segments(stored.p, 4) AS s)
                 IS DISTINCT FROM (SELECT string_agg(s::text, ';') FROM rfm_segments(pops.p, 4) AS s)), 0::bigint,
          'a population stored in a table reads as the fresh one');
SELECT is((SELECT count(*) FROM pops WHERE form = 'date/numeric' AND ds % 8 <> 6
             AND length(rfm_population_text_send(p)) <> 19 + (SELECT sum(octet_length(customer_id) + CASE WHEN frequency > 0 THEN 46 ELSE 30 END) FROM rfm_segments(p))),
          0::bigint, 'numeric amounts within bigint cents: 19 bytes, then 46 a customer with orders (30 with refunds only) plus the bytes of its id');
SELECT is((SELECT count(*) FROM sets WHERE (SELECT count(*) FROM pops WHERE pops.ds = sets.ds) <> 4), 0::bigint,
          'every table has a population in each form');

-- a parallel plan: partial hashes of the workers merged in C
-- regular tables (rolled back): parallel workers cannot read temporary ones
CREATE TABLE rfm_population_text_big AS
SELECT CASE WHEN g % 5 = 0 THEN repeat('q', 1030) ELSE 'c' END || ((g % 20011) * 17 - 150000) AS c, date '2024-01-01' + (g * 7919 % 700)::integer AS d,
       ((g * 104729) % 90000 - 1000) / 100.0 AS a
FROM generate_series(1::bigint, 200000) AS g;
ANALYZE rfm_population_text_big;
CREATE TEMP TABLE serial AS SELECT rfm_population(c, d, a, date '2025-06-01') AS p FROM rfm_population_text_big;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
CREATE FUNCTION pg_temp.plan_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    line text;
    result text := '';
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
        result := result || line || E'\n';
    END LOOP;
    RETURN result;
END $$;
SELECT ok(position('Partial Aggregate' IN pg_temp.plan_of('SELECT rfm_population(c, d, a, date ''2025-06-01'') FROM rfm_population_text_big')) > 0,
          'the planner splits rfm_population into partial aggregates');
CREATE TEMP TABLE parallel AS SELECT rfm_population(c, d, a, date '2025-06-01') AS p FROM rfm_population_text_big;
SELECT is((SELECT p::text FROM parallel), (SELECT p::text FROM serial),
          'a parallel plan gives the serial population, byte for byte (a fifth of the ids over 1 kB)');
SELECT is((SELECT count(*) FROM rfm_segments((SELECT p FROM parallel))),
          (SELECT count(DISTINCT c) FROM rfm_population_text_big WHERE d <= date '2025-06-01'),
          'with every customer with an order by as_of once');
RESET max_parallel_workers_per_gather;

SELECT * FROM finish();
ROLLBACK;
