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

CALL pg_temp.rfm_population_orders();
ALTER TABLE o ADD COLUMN t text;
UPDATE o SET t = CASE WHEN c IS NULL THEN NULL
                      WHEN ds % 4 = 0 THEN c::text
                      WHEN ds % 4 = 1 THEN repeat('p', 1100) || c::text
                      WHEN ds % 4 = 2 THEN 'клиент ' || c::text || ' 😀'
                      WHEN c % 11 = 0 THEN ''
                      ELSE (c / 3)::text || CASE c % 3 WHEN 0 THEN '' WHEN 1 THEN ' ' ELSE E'\t' END END;

-- rfm_segments of each population against rfm per customer GROUP BY the text id, scored
CALL pg_temp.rfm_population_compare('t', 'rfm_population_text');

SELECT cmp_ok((SELECT count(*) FROM ref), '>', 100000::bigint, 'the reference scores over 100,000 customer rows');
SELECT is((SELECT count(*) FILTER (WHERE customer_id = '') > 0 AND count(*) FILTER (WHERE octet_length(customer_id) > 1024) > 0
                  AND count(*) FILTER (WHERE octet_length(customer_id) > char_length(customer_id)) > 0
                  AND count(*) FILTER (WHERE customer_id LIKE '% ') > 0 AND count(*) FILTER (WHERE customer_id LIKE E'%\t') > 0
           FROM ref), true,
          'the reference has the empty id, ids over 1 kB, multibyte ids and ids differing only in a trailing space or tab');
SELECT * FROM pg_temp.rfm_population_checks();

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
