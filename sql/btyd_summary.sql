--
-- btyd_summary: the buy-till-you-die summary aggregate (DESIGN section 5,
-- doc/btyd_summary.md). Covers: hand-computed cases for each unit,
-- same-day merges, refunds, orders on and after as_of, NULL rows, empty
-- groups, the four overloads, timestamptz under two TimeZones, every
-- error, long day lists (growth and deduplication) against a plain-SQL
-- formulation, and combine/serialize under partitionwise and parallel
-- plans. The CDNOW reproduction is test/t/010_btyd_summary_cdnow.pl.
--
SET extra_float_digits = 0;

CREATE TABLE btyd_orders (customer_id int, order_date date, amount numeric);
-- customer 1: two orders on the first day (15.00), one a week later, a
-- day with an order and a refund (25.00 net), one order after as_of
INSERT INTO btyd_orders VALUES (1, '2024-01-01', 10.00), (1, '2024-01-01', 5.00),
  (1, '2024-01-08', 20.00), (1, '2024-01-15', 30.00), (1, '2024-01-15', -5.00),
  (1, '2024-02-01', 7.00);
-- customer 2: one order; customer 3: an order on as_of itself
INSERT INTO btyd_orders VALUES (2, '2024-01-10', 12.50), (3, '2024-01-31', 8.00);
-- customer 4: only after as_of; customer 5: only NULL rows
INSERT INTO btyd_orders VALUES (4, '2024-02-02', 1.00), (5, NULL, 3.00), (5, '2024-01-05', NULL);
-- customer 6: a zero-value repeat purchase and a net negative repeat day
INSERT INTO btyd_orders VALUES (6, '2024-01-02', 4.00), (6, '2024-01-03', 0.00),
  (6, '2024-01-04', 2.00), (6, '2024-01-04', -6.00);

-- day: customer 1 is (2, 14, 30, 22.5): first day 2024-01-01, last 01-15,
-- repeat days 20.00 and 25.00
SELECT customer_id, (btyd_summary(order_date, amount, date '2024-01-31', 'day')).*
FROM btyd_orders GROUP BY customer_id ORDER BY customer_id;
-- week: the same days, times divided by 7 (14 / 7 = 2, 30 / 7)
SELECT customer_id, (btyd_summary(order_date, amount, date '2024-01-31', 'week')).*
FROM btyd_orders GROUP BY customer_id ORDER BY customer_id;
-- month: times divided by 30 (30 / 30 = 1)
SELECT customer_id, (btyd_summary(order_date, amount, date '2024-01-31', 'month')).*
FROM btyd_orders GROUP BY customer_id ORDER BY customer_id;
-- the unit is a time_unit enum: a text value converts, labels are lower case
SELECT btyd_summary(order_date, amount, date '2024-01-31', 'week'::text) FROM btyd_orders WHERE customer_id = 1;
SELECT btyd_summary(order_date, amount, date '2024-01-31', 'WeEk') FROM btyd_orders WHERE customer_id = 1;
-- the float8 overload gives the same summaries
SELECT customer_id, btyd_summary(order_date, amount::float8, date '2024-01-31', 'day')
FROM btyd_orders GROUP BY customer_id ORDER BY customer_id;
-- a later as_of takes in the order of 2024-02-01 and ages everyone
SELECT btyd_summary(order_date, amount, date '2024-02-29', 'day') FROM btyd_orders WHERE customer_id = 1;
-- empty input, only NULL rows, only rows after as_of: NULL
SELECT btyd_summary(order_date, amount, date '2024-01-31', 'day') IS NULL AS empty FROM btyd_orders WHERE false;
SELECT btyd_summary(order_date, amount, NULL::date, 'day') IS NULL AS null_as_of FROM btyd_orders;
SELECT btyd_summary(order_date, amount, date '2024-01-31', NULL) IS NULL AS null_unit FROM btyd_orders;
-- the whole table as one customer: first 2024-01-01, last 2024-01-31,
-- 8 distinct days, repeat amounts 4 + 0 - 4 + 20 + 12.5 + 25 + 8 = 65.5
SELECT btyd_summary(order_date, amount, date '2024-01-31', 'day') FROM btyd_orders;

-- timestamptz: days are 24-hour windows back from as_of, so the result
-- does not depend on the session's TimeZone
CREATE TABLE btyd_events (customer_id int, order_at timestamptz, amount float8);
INSERT INTO btyd_events VALUES
  (1, '2024-01-01 23:30+00', 10), (1, '2024-01-02 00:30+00', 20),
  (1, '2024-01-02 22:00+00', 5), (1, '2024-01-10 12:00+00', 40),
  (1, '2024-01-29 12:00+00', 3), (1, '2024-01-30 00:00+00', 2),
  (1, '2024-01-31 00:00+00', 1), (1, '2024-01-31 00:00:01+00', 100);
SET TimeZone = 'America/New_York';
-- as_of at midnight UTC: day k is the window (as_of - 24 h (k + 1),
-- as_of - 24 h k], so UTC days, except that an order exactly at midnight
-- counts with the day before (k = floor of the 24-hour units, as in rfm):
-- days 29, 28, 28, 20, 1, 1, 0 (the order at as_of); the last row is after
-- as_of. Repeat amounts 20 + 5 + 40 + 3 + 2 + 1 = 71 over 4 days.
SELECT btyd_summary(order_at, amount, timestamptz '2024-01-31 00:00+00', 'day') FROM btyd_events;
SELECT btyd_summary(order_at, amount::numeric, timestamptz '2024-01-31 00:00+00', 'day') FROM btyd_events;
SET TimeZone = 'Asia/Tokyo';
SELECT btyd_summary(order_at, amount, timestamptz '2024-01-31 00:00+00', 'day') FROM btyd_events;
-- as_of at midnight in New York: windows are New York days; 23:30 and
-- 00:30 UTC are both on 2024-01-01 there (days 29, 29, 28, 20, 1, 1, 0, 0):
-- repeat amounts 5 + 40 + 3 + 2 + 1 + 100 = 151 over 4 days
SELECT btyd_summary(order_at, amount, timestamptz '2024-01-31 00:00-05', 'day') FROM btyd_events;
RESET TimeZone;

-- errors
SELECT btyd_summary(order_date, amount, date '2024-01-31', 'fortnight') FROM btyd_orders;
SELECT btyd_summary(order_date, amount, date '2024-01-31', '') FROM btyd_orders;
SELECT btyd_summary(order_date, amount, date '2024-01-31', 'quarter') FROM btyd_orders;
SELECT btyd_summary(order_date, amount, CASE WHEN amount > 10 THEN date '2024-01-31' ELSE date '2024-02-01' END, 'day')
FROM btyd_orders WHERE customer_id = 1;
SELECT btyd_summary(order_date, amount, date '2024-01-31', CASE WHEN amount > 10 THEN 'day' ELSE 'week' END)
FROM btyd_orders WHERE customer_id = 1;
SELECT btyd_summary(d, 'NaN'::numeric, date '2024-01-31', 'day') FROM (VALUES (date '2024-01-01')) AS v(d);
SELECT btyd_summary(d, 'Infinity'::numeric, date '2024-01-31', 'day') FROM (VALUES (date '2024-01-01')) AS v(d);
SELECT btyd_summary(d, '-Infinity'::float8, date '2024-01-31', 'day') FROM (VALUES (date '2024-01-01')) AS v(d);
SELECT btyd_summary(d, 'NaN'::float8, date '2024-01-31', 'week') FROM (VALUES (date '2024-03-01')) AS v(d);
SELECT btyd_summary(d, 1.0, date '2024-01-31', 'day') FROM (VALUES (date '-infinity')) AS v(d);
SELECT btyd_summary(d, 1.0, date 'infinity', 'day') FROM (VALUES (date '2024-01-01')) AS v(d);
SELECT btyd_summary(t, 1.0, timestamptz '2024-01-31 00:00+00', 'day') FROM (VALUES (timestamptz 'infinity')) AS v(t);
SELECT btyd_summary(t, 1.0, timestamptz '-infinity', 'day') FROM (VALUES (timestamptz '2024-01-01 00:00+00')) AS v(t);
SELECT btyd_summary(t, 1.0::float8, timestamptz '294276-12-31 00:00+00', 'day') FROM (VALUES (timestamptz '4713-01-01 00:00+00 BC')) AS v(t);
SELECT btyd_summary(d, x, date '2024-01-31', 'day') FROM (VALUES (date '2024-01-01', 1e308::float8), (date '2024-01-02', 1e308::float8), (date '2024-01-03', 1e308::float8)) AS v(d, x);

-- numeric amounts are read in place when they have at most 16 digits and
-- a decimal exponent within 10^+-22, and converted by numeric_float8
-- otherwise: either way the value is exactly amount::float8. A customer
-- with 0 on the first day and x on the second has monetary_value x.
CREATE TABLE btyd_amounts AS
SELECT i, round((hashint8extended(i, 1) & 4503599627370495)::numeric / 10::numeric ^ (hashint8extended(i, 2) & 31)::int
                * 10::numeric ^ ((hashint8extended(i, 3) & 31)::int - 16), (hashint8extended(i, 4) & 31)::int - 8)
          * (1 - 2 * (hashint8extended(i, 5) & 1)) AS x
FROM generate_series(1, 20000) AS i
UNION ALL
SELECT -i, round(((hashint8extended(i, 6) & 1048575) / 100.0 - 5000)::numeric, 2) FROM generate_series(1, 10000) AS i
UNION ALL
SELECT -10000 - i, x FROM unnest(ARRAY[0, 12.30, 0.1, -0.01, 1e-300, -1e300, 9007199254740992, 9007199254740993,
    123456789012.3456789, 1e22, 1e23, 1e-22, 1e-23, 99999999.99]::numeric[]) WITH ORDINALITY AS u(x, i);
SELECT count(*) AS amounts, count(*) FILTER (WHERE (s).monetary_value IS DISTINCT FROM x::float8) AS mismatches
FROM (SELECT i, x, btyd_summary(d, a, date '2024-01-31', 'day') AS s
      FROM btyd_amounts, LATERAL (VALUES (date '2024-01-01', 0::numeric), (date '2024-01-02', x)) AS o(d, a)
      GROUP BY i, x) AS q;

-- Long day lists: 600 customers with up to 400 orders each, in scrambled
-- order, with duplicate days, refunds, orders after as_of and NULLs,
-- against the plain-SQL definition (per-day sums, then aggregates).
CREATE TABLE btyd_many AS
SELECT c AS customer_id,
       date '2023-01-01' + (hashint8extended(c * 1000 + j, 1) & 511)::int AS order_date,
       CASE WHEN j % 97 = 0 THEN NULL
            ELSE round(((hashint8extended(c * 1000 + j, 2) & 65535) / 100.0 - 30)::numeric, 2) END AS amount
FROM generate_series(1, 600) AS c, generate_series(1, 1 + c % 400) AS j;
CREATE TEMP VIEW btyd_many_sql AS
WITH days AS (
    SELECT customer_id, order_date, sum(amount) AS amount FROM btyd_many
    WHERE amount IS NOT NULL AND order_date <= date '2024-03-31'
    GROUP BY customer_id, order_date),
firsts AS (SELECT customer_id, min(order_date) AS first FROM days GROUP BY customer_id)
SELECT customer_id, count(*)::int - 1 AS frequency,
       ((max(order_date) - min(order_date)) / 7.0)::float8 AS recency,
       ((date '2024-03-31' - min(order_date)) / 7.0)::float8 AS t,
       coalesce(sum(amount) FILTER (WHERE order_date > first) / nullif(count(*) - 1, 0), 0)::float8 AS monetary_value
FROM days JOIN firsts USING (customer_id) GROUP BY customer_id;
-- customers whose summaries differ between two relations (times to 1e-12,
-- amounts to 1e-9), and whether a query's plan has a line like a pattern
CREATE FUNCTION pg_temp.mismatches(x regclass, y regclass) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM %s AS x FULL JOIN %s AS y USING (customer_id)
                    WHERE x.frequency IS DISTINCT FROM y.frequency
                       OR (abs(x.recency - y.recency) <= 1e-12 AND abs(x.t - y.t) <= 1e-12
                           AND abs(x.monetary_value - y.monetary_value) <= 1e-9) IS NOT TRUE', x, y)
    INTO n;
    RETURN n;
END $$;
CREATE FUNCTION pg_temp.plan_has(query text, pattern text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE line text;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP
        IF line LIKE pattern THEN RETURN true; END IF;
    END LOOP;
    RETURN false;
END $$;
CREATE TEMP TABLE btyd_many_c AS
SELECT customer_id, (btyd_summary(order_date, amount, date '2024-03-31', 'week')).*
FROM btyd_many GROUP BY customer_id;
SELECT count(*) AS customers, max(frequency) AS max_frequency FROM btyd_many_c;
SELECT pg_temp.mismatches('btyd_many_c', 'btyd_many_sql');

-- Combine: partitions by order date split each customer's days, so the
-- partial states have different first days and NULL sides
CREATE TABLE btyd_parts (customer_id int, order_date date, amount numeric) PARTITION BY RANGE (order_date);
CREATE TABLE btyd_parts_1 PARTITION OF btyd_parts FOR VALUES FROM (MINVALUE) TO ('2023-06-01');
CREATE TABLE btyd_parts_2 PARTITION OF btyd_parts FOR VALUES FROM ('2023-06-01') TO ('2023-11-01');
CREATE TABLE btyd_parts_3 PARTITION OF btyd_parts FOR VALUES FROM ('2023-11-01') TO (MAXVALUE);
INSERT INTO btyd_parts SELECT * FROM btyd_many;
ANALYZE btyd_parts;
SET enable_partitionwise_aggregate = on;
SELECT pg_temp.plan_has($$SELECT customer_id, btyd_summary(order_date, amount, date '2024-03-31', 'week') FROM btyd_parts GROUP BY customer_id$$,
                        '%Partial%Aggregate%') AS partitionwise_partial;
CREATE TEMP TABLE btyd_parts_c AS
SELECT customer_id, (btyd_summary(order_date, amount, date '2024-03-31', 'week')).*
FROM btyd_parts GROUP BY customer_id;
SELECT pg_temp.mismatches('btyd_parts_c', 'btyd_many_c');
RESET enable_partitionwise_aggregate;

-- Parallel: partial aggregates in workers, serialized and combined
CREATE TEMP TABLE btyd_serial_one AS
SELECT btyd_summary(order_date, amount, date '2024-03-31', 'day') AS s FROM btyd_many;
ALTER TABLE btyd_many SET (parallel_workers = 2);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT pg_temp.plan_has($$SELECT customer_id, btyd_summary(order_date, amount, date '2024-03-31', 'week') FROM btyd_many GROUP BY customer_id$$,
                        '%Partial%Aggregate%') AS parallel_partial;
CREATE TEMP TABLE btyd_parallel_c AS
SELECT customer_id, (btyd_summary(order_date, amount, date '2024-03-31', 'week')).*
FROM btyd_many GROUP BY customer_id;
SELECT pg_temp.mismatches('btyd_parallel_c', 'btyd_many_c');
-- one group over all rows: every worker's state meets in one combine
-- (sums in another order: the exact sums make monetary_value the same)
SELECT pg_temp.plan_has($$SELECT btyd_summary(order_date, amount, date '2024-03-31', 'day') FROM btyd_many$$,
                        '%Partial Aggregate%') AS parallel_partial_one_group;
SELECT (p).frequency = (s).frequency AND (p).recency = (s).recency AND (p).t = (s).t
       AND (p).monetary_value = (s).monetary_value AS same_as_serial
FROM (SELECT btyd_summary(order_date, amount, date '2024-03-31', 'day') FROM btyd_many) AS a(p),
     btyd_serial_one;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

DROP VIEW btyd_many_sql;
DROP TABLE btyd_orders, btyd_events, btyd_amounts, btyd_many, btyd_parts;
