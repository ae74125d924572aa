--
-- rfm_population against the GROUP BY form (DESIGN section 10): over 48
-- generated order tables (one population each, GROUP BY table) of eight
-- kinds (one customer; one order per customer; heavy ties; many refunds
-- and refund-only customers; NULL ids, dates and amounts; orders after
-- as_of; amounts beyond bigint cents and below 10^-9; mixed-sign and
-- extreme ids), for date and timestamptz orders and numeric and float8
-- amounts, rfm_segments gives exactly, as text, what rfm per customer +
-- rfm_score(rfm, bins) OVER (PARTITION BY table) + segment() gives: bins 2
-- to 9, the default map, custom rules. Also rfm_breaks(population) equals
-- the rfm_breaks aggregate, the stored value lists ids in increasing order,
-- its text form round-trips, a stored population reads as a fresh one,
-- the send form has the documented size, and a parallel plan (partial
-- hashes merged in C) gives the serial value.
--
BEGIN;
SELECT plan(33);

\ir lib/setup.sql

SET LOCAL TimeZone = 'UTC';

-- contracts: the four aggregates, the readers' signatures and markings
SELECT is_aggregate('rfm_population', ARRAY['bigint', 'date', 'numeric', 'date']);
SELECT is_aggregate('rfm_population', ARRAY['bigint', 'date', 'double precision', 'date']);
SELECT is_aggregate('rfm_population', ARRAY['bigint', 'timestamp with time zone', 'numeric', 'timestamp with time zone']);
SELECT is_aggregate('rfm_population', ARRAY['bigint', 'timestamp with time zone', 'double precision', 'timestamp with time zone']);
SELECT function_returns('rfm_population', ARRAY['bigint', 'date', 'numeric', 'date'], 'rfm_population');
SELECT function_returns('rfm_segments', ARRAY['rfm_population', 'integer', 'jsonb'], 'setof record');
SELECT function_returns('rfm_breaks', ARRAY['rfm_population', 'integer'], 'rfm_breaks');
SELECT volatility_is('rfm_segments', ARRAY['rfm_population', 'integer', 'jsonb'], 'immutable');
SELECT isnt_strict('rfm_segments', ARRAY['rfm_population', 'integer', 'jsonb'], 'rfm_segments is not STRICT: NULL rules mean none, NULL bins is an error');
SELECT is_strict('rfm_breaks', ARRAY['rfm_population', 'integer']);
SELECT is((SELECT string_agg(name, ',' ORDER BY ord)
           FROM unnest((SELECT proargnames FROM pg_proc WHERE oid = 'rfm_segments(rfm_population,integer,jsonb)'::regprocedure))
                WITH ORDINALITY AS a(name, ord)),
          'population,bins,rules,customer_id,recency_days,frequency,monetary,tenure_days,r,f,m,code,segment',
          'rfm_segments: arguments and result columns of DESIGN section 10');

CALL pg_temp.rfm_population_orders();

-- rfm_segments of each population against rfm per customer, scored
CALL pg_temp.rfm_population_compare('c', 'rfm_population');

SELECT cmp_ok((SELECT count(*) FROM ref), '>', 100000::bigint, 'the reference scores over 100,000 customer rows');
SELECT * FROM pg_temp.rfm_population_checks();

-- the stored form
SELECT is((SELECT count(*) FROM (SELECT customer_id, lag(customer_id) OVER (PARTITION BY form, ds ORDER BY ord) AS prev
                                 FROM pops, rfm_segments(p) WITH ORDINALITY AS s(customer_id, a2, a3, a4, a5, a6, a7, a8, a9, a10, ord)) AS x
           WHERE prev >= customer_id), 0::bigint,
          'rfm_segments lists customers by increasing id, negative and extreme ids included');
SELECT is((SELECT count(*) FROM pops WHERE p::text::rfm_population::text <> p::text), 0::bigint, 'the text form round-trips');
SELECT is((SELECT count(*) FROM pops WHERE upper(p::text)::rfm_population::text <> p::text), 0::bigint, 'upper-case hexadecimal reads back');
CREATE TEMP TABLE stored AS SELECT form, ds, p::text::rfm_population AS p FROM pops;
SELECT is((SELECT count(*) FROM stored JOIN pops USING (form, ds)
           WHERE (SELECT string_agg(s::text, ';') FROM rfm_segments(stored.p, 4) AS s)
                 IS DISTINCT FROM (SELECT string_agg(s::text, ';') FROM rfm_segments(pops.p, 4) AS s)), 0::bigint,
          'a population stored in a table reads as the fresh one');
SELECT is((SELECT count(*) FROM pops WHERE form = 'date/numeric' AND ds % 8 <> 6
             AND length(rfm_population_send(p)) <> 19 + (SELECT sum(CASE WHEN frequency > 0 THEN 50 ELSE 34 END) FROM rfm_segments(p))),
          0::bigint, 'numeric amounts within bigint cents: 19 bytes, then 50 a customer with orders (34 with refunds only)');
SELECT is((SELECT count(*) FROM sets WHERE (SELECT count(*) FROM pops WHERE pops.ds = sets.ds) <> 4), 0::bigint,
          'every table has a population in each form');

-- a parallel plan: partial hashes of the workers merged in C
-- regular tables (rolled back): parallel workers cannot read temporary ones
CREATE TABLE rfm_population_big AS
SELECT (g % 20011) * 17 - 150000 AS c, date '2024-01-01' + (g * 7919 % 700)::integer AS d,
       ((g * 104729) % 90000 - 1000) / 100.0 AS a
FROM generate_series(1::bigint, 200000) AS g;
ANALYZE rfm_population_big;
CREATE TEMP TABLE serial AS SELECT rfm_population(c, d, a, date '2025-06-01') AS p FROM rfm_population_big;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SELECT ok(position('Partial Aggregate' IN pg_temp.plan_of('SELECT rfm_population(c, d, a, date ''2025-06-01'') FROM rfm_population_big')) > 0,
          'the planner splits rfm_population into partial aggregates');
CREATE TEMP TABLE parallel AS SELECT rfm_population(c, d, a, date '2025-06-01') AS p FROM rfm_population_big;
SELECT is((SELECT p::text FROM parallel), (SELECT p::text FROM serial),
          'a parallel plan gives the serial population, byte for byte (20,011 customers, each in several workers)');
SELECT is((SELECT count(*) FROM rfm_segments((SELECT p FROM parallel))), 20011::bigint, 'with every customer once');
RESET max_parallel_workers_per_gather;

SELECT * FROM finish();
ROLLBACK;
