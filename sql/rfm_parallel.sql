--
-- rfm_parallel: the rfm and rfm_breaks aggregates under forced parallel
-- plans (zero parallel costs, no leader participation, so the partial
-- states travel through serialize, deserialize and combine): the plans are
-- partial (checked as booleans on EXPLAIN), and every result equals the
-- serial plan's, numeric exactly (also sums beyond the int64 fast path),
-- float8 exactly too (its sums are exact); scores of tied customers stay equal.
--
SET extra_float_digits = 0;

CREATE FUNCTION pg_temp.u(c integer, j integer, k integer) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$ SELECT hashint8extended(c * 1000 + j, k) & 2147483647 $$;
-- plan_has(query, text): whether EXPLAIN (FORMAT JSON) of the query mentions text
CREATE FUNCTION pg_temp.plan_has(query text, what text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    plan text;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON, COSTS OFF) ' || query INTO plan;
    RETURN position(what IN plan) > 0;
END $$;

-- 1,500 customers with about 20 orders each (so the planner finds partial
-- aggregation worth it), rows stored order by order number first, so that each
-- customer's rows lie in many blocks and so in several workers; amounts
-- with 2 decimals, refunds with 3 (the scaled sums rescale when they
-- combine), and every 100th customer has an amount too large for the
-- int64 fast path; customers above 1,300 copy one of ten order histories,
-- so they tie in groups of 20
CREATE TABLE par_orders (customer_id integer, order_date date, order_at timestamptz, amount numeric, amount_f float8);
INSERT INTO par_orders
SELECT c, d, d::timestamp AT TIME ZONE 'UTC' + make_interval(secs => pg_temp.u(h, j, 3) % 86400),
       a, a::float8
FROM generate_series(1, 40) AS j, generate_series(1, 1500) AS c,
     LATERAL (SELECT CASE WHEN c > 1300 THEN c % 10 ELSE c END AS h) AS k,
     LATERAL (SELECT date '2024-01-01' + (pg_temp.u(h, j, 2) % 730)::integer AS d,
                     CASE WHEN j = 1 AND c % 100 = 0 THEN 12345678901234567890.12
                          WHEN pg_temp.u(h, j, 4) % 20 = 1 THEN -round((pg_temp.u(h, j, 5) % 50000) / 1000.0, 3)
                          ELSE round((pg_temp.u(h, j, 5) % 30000) / 100.0, 2) END AS a) AS v
WHERE j <= 1 + pg_temp.u(h, 0, 1) % 40;
ANALYZE par_orders;

CREATE VIEW per_customer AS
SELECT customer_id,
       rfm(order_date, amount, date '2026-01-01') AS date_numeric,
       rfm(order_date, amount_f, date '2026-01-01') AS date_float8,
       rfm(order_at, amount, timestamptz '2026-01-01 00:00+00') AS ts_numeric,
       rfm(order_at, amount_f, timestamptz '2026-01-01 00:00+00') AS ts_float8
FROM par_orders GROUP BY customer_id;
CREATE VIEW scored AS
SELECT customer_id, rfm_score(date_numeric) OVER () AS s FROM per_customer;
CREATE VIEW breaks AS
SELECT rfm_breaks((date_numeric).recency_days, (date_numeric).frequency, (date_numeric).monetary, 7) AS b
FROM (SELECT rfm(order_date, amount, date '2026-01-01') AS date_numeric FROM par_orders GROUP BY customer_id) AS t;
CREATE VIEW whole_table AS
SELECT rfm(order_date, amount, date '2026-01-01') AS x,
       rfm_breaks(extract(day FROM order_date)::integer, customer_id, amount) AS b
FROM par_orders;

-- serial results
SET max_parallel_workers_per_gather = 0;
SELECT pg_temp.plan_has('SELECT * FROM per_customer', '"Partial Mode": "Partial"') AS serial_is_partial;
CREATE TABLE serial_rfm AS SELECT * FROM per_customer;
CREATE TABLE serial_scores AS SELECT * FROM scored;
CREATE TABLE serial_breaks AS SELECT * FROM breaks;
CREATE TABLE serial_whole AS SELECT * FROM whole_table;

-- parallel results
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT pg_temp.plan_has('SELECT * FROM per_customer', '"Partial Mode": "Partial"') AS rfm_partial,
       pg_temp.plan_has('SELECT * FROM per_customer', '"Partial Mode": "Finalize"') AS rfm_finalize,
       pg_temp.plan_has('SELECT * FROM per_customer', '"Node Type": "Gather') AS rfm_gather,
       pg_temp.plan_has('SELECT * FROM whole_table', '"Partial Mode": "Partial"') AS whole_table_partial;
CREATE TABLE parallel_rfm AS SELECT * FROM per_customer;
CREATE TABLE parallel_scores AS SELECT * FROM scored;
CREATE TABLE parallel_breaks AS SELECT * FROM breaks;
CREATE TABLE parallel_whole AS SELECT * FROM whole_table;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;

-- equal to the serial results: numeric and float8 exactly (the float8 sums are exact)
SELECT count(*) AS customers,
       count(*) FILTER (WHERE s.date_numeric::text IS DISTINCT FROM p.date_numeric::text
                           OR s.ts_numeric::text IS DISTINCT FROM p.ts_numeric::text) AS numeric_differs,
       count(*) FILTER (WHERE ((s.date_float8).recency_days, (s.date_float8).frequency, (s.date_float8).monetary, (s.date_float8).tenure_days)
                              IS DISTINCT FROM ((p.date_float8).recency_days, (p.date_float8).frequency, (p.date_float8).monetary, (p.date_float8).tenure_days)
                           OR ((s.ts_float8).recency_days, (s.ts_float8).frequency, (s.ts_float8).monetary, (s.ts_float8).tenure_days)
                              IS DISTINCT FROM ((p.ts_float8).recency_days, (p.ts_float8).frequency, (p.ts_float8).monetary, (p.ts_float8).tenure_days)) AS float8_differs,
       count(*) FILTER (WHERE (s.date_numeric).monetary > 1e18) AS beyond_int64
FROM serial_rfm AS s FULL JOIN parallel_rfm AS p USING (customer_id);
-- and equal to sum() and count() of the same rows
SELECT count(*) FILTER (WHERE (p.date_numeric).monetary::text <> r.monetary::text
                           OR (p.date_numeric).frequency <> r.frequency) AS differs_from_sum
FROM parallel_rfm AS p
JOIN (SELECT customer_id, sum(amount) AS monetary, count(*) FILTER (WHERE amount >= 0) AS frequency
      FROM par_orders GROUP BY customer_id) AS r USING (customer_id);
SELECT count(*) AS scored, count(*) FILTER (WHERE s.s IS DISTINCT FROM p.s) AS scores_differ
FROM serial_scores AS s FULL JOIN parallel_scores AS p USING (customer_id);
-- tied customers (equal R, F, M) share their scores in the parallel run
SELECT count(*) AS tied_groups_split FROM (
    SELECT (r.date_numeric).recency_days, (r.date_numeric).frequency, (r.date_numeric).monetary
    FROM parallel_rfm AS r JOIN parallel_scores USING (customer_id)
    GROUP BY 1, 2, 3 HAVING count(DISTINCT s) > 1) AS t;
SELECT count(*) AS tied_customers FROM (
    SELECT count(*) OVER (PARTITION BY (date_numeric).recency_days, (date_numeric).frequency, (date_numeric).monetary) AS n
    FROM parallel_rfm) AS t WHERE n > 1;
SELECT s.b = p.b AS breaks_equal, s.b FROM serial_breaks AS s, parallel_breaks AS p;
SELECT s.x::text = p.x::text AS whole_rfm_equal, s.b = p.b AS whole_breaks_equal, p.x FROM serial_whole AS s, parallel_whole AS p;

DROP VIEW scored, per_customer, breaks, whole_table;
DROP TABLE par_orders, serial_rfm, serial_scores, serial_breaks, serial_whole,
           parallel_rfm, parallel_scores, parallel_breaks, parallel_whole;
