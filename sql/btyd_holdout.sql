--
-- btyd_holdout: the calibration/holdout split (DESIGN section 6,
-- doc/btyd_summary.md). Covers: a hand-computed split (same-day merges,
-- a refund, orders after holdout_end, a first purchase on calibration_end,
-- a customer first seen in the holdout, one without holdout purchases),
-- the four overloads and three units, holdout_end equal to
-- calibration_end, and, over 3,000 customers of deterministic orders, the
-- calibration columns equal to btyd_summary as of calibration_end over the
-- rows on or before it and the holdout columns equal to a plain-SQL
-- formulation (dates, and timestamptz with 24-hour windows back from
-- holdout_end). Errors are test/btyd_holdout_hostile.sql; the lifetimes
-- reference on CDNOW is test/t/210_btyd_holdout_cdnow.pl.
--
SET extra_float_digits = 0;
SET TimeZone = 'UTC';

CREATE TABLE holdout_orders (customer_id int, order_date date, amount numeric);
-- customer 1: first day 2024-01-01 (15.00 in two orders), a repeat on
-- 01-11 (20.00); holdout: 02-05 twice (30.00 - 5.00 = 25.00 on one day),
-- 02-20 (7.00); after holdout_end: 03-15
INSERT INTO holdout_orders VALUES (1, '2024-01-01', 10.00), (1, '2024-01-01', 5.00),
  (1, '2024-01-11', 20.00), (1, '2024-02-05', 30.00), (1, '2024-02-05', -5.00),
  (1, '2024-02-20', 7.00), (1, '2024-03-15', 100.00);
-- customer 2: a single calibration order, nothing later
INSERT INTO holdout_orders VALUES (2, '2024-01-21', 12.50);
-- customer 3: first purchase on calibration_end itself (t_cal = 0), a
-- holdout purchase on holdout_end itself
INSERT INTO holdout_orders VALUES (3, '2024-01-31', 8.00), (3, '2024-03-01', 4.00);
-- customer 4: first seen in the holdout (NULL); customer 5: NULL rows only
INSERT INTO holdout_orders VALUES (4, '2024-02-02', 1.00), (5, NULL, 3.00), (5, '2024-01-05', NULL);

-- day: customer 1 is (1, 10, 30, 20, 2, 16, 30): holdout days 02-05 and
-- 02-20 worth 25.00 and 7.00, mean 16; 30 days from 01-31 to 03-01
SELECT customer_id, (btyd_holdout(order_date, amount, date '2024-01-31', date '2024-03-01', 'day')).*
FROM holdout_orders GROUP BY customer_id ORDER BY customer_id;
-- week and month: the same days, times divided by 7 and by 30
SELECT customer_id, (btyd_holdout(order_date, amount, date '2024-01-31', date '2024-03-01', 'week')).*
FROM holdout_orders GROUP BY customer_id ORDER BY customer_id;
SELECT customer_id, (btyd_holdout(order_date, amount, date '2024-01-31', date '2024-03-01', 'month')).*
FROM holdout_orders GROUP BY customer_id ORDER BY customer_id;
-- the float8 overload gives the same splits
SELECT customer_id, btyd_holdout(order_date, amount::float8, date '2024-01-31', date '2024-03-01', 'day')
FROM holdout_orders GROUP BY customer_id ORDER BY customer_id;
-- timestamptz: each order at noon; calibration_end at 2024-01-31 12:00
-- keeps the order at that instant in the calibration, and the holdout
-- days are 24-hour windows back from holdout_end (the two orders of
-- 02-05 12:00 merge)
SELECT customer_id, btyd_holdout(order_date + time '12:00', amount,
       timestamptz '2024-01-31 12:00+00', timestamptz '2024-03-01 12:00+00', 'day')
FROM holdout_orders GROUP BY customer_id ORDER BY customer_id;
SELECT customer_id, btyd_holdout(order_date + time '12:00', amount::float8,
       timestamptz '2024-01-31 12:00+00', timestamptz '2024-03-01 12:00+00', 'week')
FROM holdout_orders GROUP BY customer_id ORDER BY customer_id;
-- a holdout of 29.5 days: the length is fractional for timestamptz ends
SELECT (btyd_holdout(order_date + time '12:00', amount,
       timestamptz '2024-01-31 12:00+00', timestamptz '2024-03-01 00:00+00', 'day')).duration_holdout
FROM holdout_orders WHERE customer_id = 1;
-- holdout_end equal to calibration_end: an empty holdout of length 0
SELECT customer_id, btyd_holdout(order_date, amount, date '2024-01-31', date '2024-01-31', 'day')
FROM holdout_orders GROUP BY customer_id ORDER BY customer_id;
-- no rows, and only skipped rows, give NULL
SELECT btyd_holdout(order_date, amount, date '2024-01-31', date '2024-03-01', 'day') IS NULL AS is_null
FROM holdout_orders WHERE false;
SELECT btyd_holdout(order_date, amount, date '2024-01-31', NULL, 'day') IS NULL AS is_null
FROM holdout_orders;

-- 3,000 customers of 1 to 30 orders over two years, some on the same
-- day, some refunds, at every time of day
CREATE TABLE holdout_many AS
SELECT c AS customer_id,
       date '2024-01-01' + (abs(hashint8extended(c, j)) % 730)::int AS order_date,
       (date '2024-01-01' + (abs(hashint8extended(c, j)) % 730)::int)::timestamptz
           + make_interval(secs => abs(hashint8extended(c, j + 50)) % 86400) AS order_at,
       round((abs(hashint8extended(c, j + 100)) % 40000) / 100.0 - 20, 2) AS amount
FROM generate_series(1, 3000) AS c, generate_series(1, 1 + (abs(hashint8extended(c, 0)) % 30)::int) AS j;

-- the calibration columns are btyd_summary as of calibration_end over the
-- rows on or before it, for every unit and both order types: no customer
-- differs, and the customers with a split are those with a calibration order
WITH s AS (
  SELECT u, customer_id,
         btyd_holdout(order_date, amount, date '2025-01-15', date '2025-09-30', u) AS h,
         btyd_summary(order_date, amount, date '2025-01-15', u) FILTER (WHERE order_date <= date '2025-01-15') AS b
  FROM holdout_many, unnest(ARRAY['day', 'week', 'month']::time_unit[]) AS u
  GROUP BY u, customer_id)
SELECT u, count(h) AS customers, count(b) AS summaries,
       count(*) FILTER (WHERE ((h).frequency_cal, (h).recency_cal, (h).t_cal, (h).monetary_value_cal)
                              IS DISTINCT FROM ((b).frequency, (b).recency, (b).t, (b).monetary_value)) AS differ
FROM s GROUP BY u ORDER BY u;
WITH s AS (
  SELECT u, customer_id,
         btyd_holdout(order_at, amount, timestamptz '2025-01-15 08:00', timestamptz '2025-09-30 20:00', u) AS h,
         btyd_summary(order_at, amount, timestamptz '2025-01-15 08:00', u) FILTER (WHERE order_at <= timestamptz '2025-01-15 08:00') AS b
  FROM holdout_many, unnest(ARRAY['day', 'week', 'month']::time_unit[]) AS u
  GROUP BY u, customer_id)
SELECT u, count(h) AS customers, count(b) AS summaries,
       count(*) FILTER (WHERE ((h).frequency_cal, (h).recency_cal, (h).t_cal, (h).monetary_value_cal)
                              IS DISTINCT FROM ((b).frequency, (b).recency, (b).t, (b).monetary_value)) AS differ
FROM s GROUP BY u ORDER BY u;

-- the holdout columns against plain SQL: distinct days in
-- (calibration_end, holdout_end], the mean of the day totals, the length
WITH days AS (
  SELECT customer_id, order_date, sum(amount) AS total
  FROM holdout_many WHERE order_date > date '2025-01-15' AND order_date <= date '2025-09-30'
  GROUP BY customer_id, order_date),
ref AS (
  SELECT customer_id, count(*)::int AS frequency_holdout, avg(total) AS monetary_value_holdout
  FROM days GROUP BY customer_id),
s AS (
  SELECT customer_id, btyd_holdout(order_date, amount, date '2025-01-15', date '2025-09-30', 'week') AS h
  FROM holdout_many GROUP BY customer_id)
SELECT count(*) AS customers,
       count(*) FILTER (WHERE (h).frequency_holdout = 0) AS without_holdout,
       count(*) FILTER (WHERE (h).frequency_holdout IS DISTINCT FROM coalesce(r.frequency_holdout, 0)
                           OR abs((h).monetary_value_holdout - coalesce(r.monetary_value_holdout, 0)) > 1e-9
                           OR (h).duration_holdout IS DISTINCT FROM 258 / 7.0::float8) AS differ
FROM s LEFT JOIN ref AS r USING (customer_id) WHERE h IS NOT NULL;
-- timestamptz: a holdout day is a 24-hour window counted back from holdout_end
WITH days AS (
  SELECT customer_id, floor(extract(epoch FROM timestamptz '2025-09-30 20:00' - order_at) / 86400) AS k, sum(amount) AS total
  FROM holdout_many WHERE order_at > timestamptz '2025-01-15 08:00' AND order_at <= timestamptz '2025-09-30 20:00'
  GROUP BY 1, 2),
ref AS (
  SELECT customer_id, count(*)::int AS frequency_holdout, avg(total) AS monetary_value_holdout
  FROM days GROUP BY customer_id),
s AS (
  SELECT customer_id, btyd_holdout(order_at, amount, timestamptz '2025-01-15 08:00', timestamptz '2025-09-30 20:00', 'day') AS h
  FROM holdout_many GROUP BY customer_id)
SELECT count(*) AS customers,
       count(*) FILTER (WHERE (h).frequency_holdout = 0) AS without_holdout,
       count(*) FILTER (WHERE (h).frequency_holdout IS DISTINCT FROM coalesce(r.frequency_holdout, 0)
                           OR abs((h).monetary_value_holdout - coalesce(r.monetary_value_holdout, 0)) > 1e-9
                           OR (h).duration_holdout IS DISTINCT FROM 258.5::float8) AS differ
FROM s LEFT JOIN ref AS r USING (customer_id) WHERE h IS NOT NULL;
-- the customers first seen after calibration_end are exactly the NULLs
SELECT count(*) AS null_splits,
       count(*) FILTER (WHERE first_order > date '2025-01-15') AS first_seen_later
FROM (SELECT customer_id, min(order_date) AS first_order,
             btyd_holdout(order_date, amount, date '2025-01-15', date '2025-09-30', 'day') AS h
      FROM holdout_many GROUP BY customer_id) AS s
WHERE h IS NULL;

-- combine and serialize: a partitionwise plan over partitions built in
-- another order, and a forced parallel plan, give the serial answer
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
CREATE TABLE holdout_parts (customer_id int, order_date date, amount numeric) PARTITION BY HASH (order_date);
CREATE TABLE holdout_parts_0 PARTITION OF holdout_parts FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE holdout_parts_1 PARTITION OF holdout_parts FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO holdout_parts SELECT customer_id, order_date, amount FROM holdout_many ORDER BY amount;
ANALYZE holdout_parts, holdout_many;
SET enable_partitionwise_aggregate = on;
SELECT (SELECT md5(string_agg(customer_id || ' ' || h::text, ',' ORDER BY customer_id))
        FROM (SELECT customer_id, btyd_holdout(order_date, amount, date '2025-01-15', date '2025-09-30', 'week') AS h
              FROM holdout_parts GROUP BY customer_id) AS p)
     = (SELECT md5(string_agg(customer_id || ' ' || h::text, ',' ORDER BY customer_id))
        FROM (SELECT customer_id, btyd_holdout(order_date, amount, date '2025-01-15', date '2025-09-30', 'week') AS h
              FROM holdout_many GROUP BY customer_id) AS s) AS partitionwise_same;
-- one group over all rows: the partial states of the partitions combine
SELECT (SELECT btyd_holdout(order_date, amount, date '2025-01-15', date '2025-09-30', 'day') FROM holdout_parts)
     = (SELECT btyd_holdout(order_date, amount, date '2025-01-15', date '2025-09-30', 'day') FROM holdout_many) AS one_group_same;
RESET enable_partitionwise_aggregate;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;

DROP TABLE holdout_orders, holdout_many, holdout_parts;
