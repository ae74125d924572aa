--
-- rfm: the rfm aggregates against a plain-SQL formulation on generated
-- orders (3,000 customers, ties, refunds, NULLs, orders after as_of):
-- date and timestamptz order times, numeric and float8 amounts, several
-- time zones; NULL and empty groups; exact numeric sums beyond the int64
-- fast path; the two-argument forms; error details.
--
SET extra_float_digits = 0;

-- u(c, j, k): a deterministic non-negative integer from customer c, order j, key k
CREATE FUNCTION pg_temp.u(c integer, j integer, k integer) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$ SELECT hashint8extended(c * 1000 + j, k) & 2147483647 $$;

CREATE TABLE rfm_orders (customer_id integer, order_date date, order_at timestamptz, amount numeric(10, 2), amount_f float8);
-- half the customers order once, the others up to 12 times, over 800 days
-- from 2024-01-01 (so some orders fall after the 2026-01-01 snapshot); 5%
-- refunds, a third of the amounts multiples of 5.00 (ties), 2% NULL
-- amounts, 1% NULL dates
INSERT INTO rfm_orders
SELECT c, d, d::timestamp AT TIME ZONE 'UTC' + make_interval(secs => pg_temp.u(c, j, 3) % 86400), a, a::float8
FROM generate_series(1, 3000) AS c,
     LATERAL generate_series(1, CASE WHEN pg_temp.u(c, 0, 0) % 2 = 0 THEN 1 ELSE 1 + pg_temp.u(c, 0, 1) % 12 END::integer) AS j,
     LATERAL (SELECT CASE WHEN pg_temp.u(c, j, 1) % 100 = 0 THEN NULL
                          ELSE date '2024-01-01' + (pg_temp.u(c, j, 2) % 800)::integer END AS d,
                     CASE WHEN pg_temp.u(c, j, 4) % 50 = 0 THEN NULL
                          WHEN pg_temp.u(c, j, 4) % 20 = 1 THEN -(pg_temp.u(c, j, 5) % 5000) / 100.0
                          WHEN pg_temp.u(c, j, 4) % 3 = 0 THEN 5 * (pg_temp.u(c, j, 5) % 10)
                          ELSE (pg_temp.u(c, j, 5) % 30000) / 100.0 END AS a) AS v;
-- hand-made groups: refunds only; orders only after as_of; NULL amounts only; a free order
INSERT INTO rfm_orders VALUES
    (9001, '2025-06-01', '2025-06-01 10:00+00', -20.00, -20),
    (9001, '2025-07-01', '2025-07-01 10:00+00', -5.50, -5.5),
    (9002, '2026-02-01', '2026-02-01 10:00+00', 10.00, 10),
    (9003, '2025-05-05', '2025-05-05 10:00+00', NULL, NULL),
    (9004, '2025-12-31', '2025-12-31 23:59:59+00', 0.00, 0),
    (9004, '2025-01-01', '2025-01-01 00:00:01+00', -3.00, -3);
SELECT count(*) AS orders, count(DISTINCT customer_id) AS customers,
       count(*) FILTER (WHERE amount < 0) AS refunds, count(*) FILTER (WHERE amount IS NULL) AS null_amounts,
       count(*) FILTER (WHERE order_date IS NULL) AS null_dates, count(*) FILTER (WHERE order_date > '2026-01-01') AS after_as_of
FROM rfm_orders;

-- the plain-SQL formulation: orders are the rows with amount >= 0, refunds
-- count in monetary only, rows after as_of or with a NULL are left out
CREATE VIEW ref_date AS
SELECT customer_id,
       date '2026-01-01' - max(order_date) FILTER (WHERE amount >= 0) AS recency_days,
       count(*) FILTER (WHERE amount >= 0) AS frequency,
       sum(amount) AS monetary,
       date '2026-01-01' - min(order_date) FILTER (WHERE amount >= 0) AS tenure_days
FROM rfm_orders WHERE order_date <= date '2026-01-01' AND amount IS NOT NULL
GROUP BY customer_id;
-- timestamptz: whole 24-hour days, from epoch arithmetic (no TimeZone in it)
CREATE VIEW ref_ts AS
SELECT customer_id,
       floor(extract(epoch FROM timestamptz '2026-01-01 12:00+00' - max(order_at) FILTER (WHERE amount >= 0)) / 86400)::integer AS recency_days,
       count(*) FILTER (WHERE amount >= 0) AS frequency,
       sum(amount) AS monetary,
       floor(extract(epoch FROM timestamptz '2026-01-01 12:00+00' - min(order_at) FILTER (WHERE amount >= 0)) / 86400)::integer AS tenure_days
FROM rfm_orders WHERE order_at <= timestamptz '2026-01-01 12:00+00' AND amount IS NOT NULL
GROUP BY customer_id;

-- customers, groups left empty, and rows where any of R, F, M or tenure
-- differ; numeric M is compared as text, so its scale must match sum()'s
-- too; float8 M to 6 decimals, since a float8 sum of cents such as
-- 150.00 - 150.63 carries the inputs' binary error (-0.630000000000003)
CREATE VIEW got_date_numeric AS
SELECT customer_id, rfm(order_date, amount, date '2026-01-01') AS x FROM rfm_orders GROUP BY customer_id;
CREATE VIEW got_date_float8 AS
SELECT customer_id, rfm(order_date, amount_f, date '2026-01-01') AS x FROM rfm_orders GROUP BY customer_id;
CREATE VIEW got_ts_numeric AS
SELECT customer_id, rfm(order_at, amount, timestamptz '2026-01-01 12:00+00') AS x FROM rfm_orders GROUP BY customer_id;
CREATE VIEW got_ts_float8 AS
SELECT customer_id, rfm(order_at, amount_f, timestamptz '2026-01-01 12:00+00') AS x FROM rfm_orders GROUP BY customer_id;

CREATE VIEW got_all AS
SELECT 'date, numeric' AS variant, false AS is_ts, false AS is_float, * FROM got_date_numeric
UNION ALL SELECT 'date, float8', false, true, * FROM got_date_float8
UNION ALL SELECT 'timestamptz, numeric', true, false, * FROM got_ts_numeric
UNION ALL SELECT 'timestamptz, float8', true, true, * FROM got_ts_float8;
CREATE VIEW ref_all AS
SELECT false AS is_ts, * FROM ref_date UNION ALL SELECT true, * FROM ref_ts;
SELECT g.variant, count(*) AS customers, count(*) FILTER (WHERE g.x IS NULL) AS empty,
       count(*) FILTER (WHERE (g.x IS NULL) <> (r.customer_id IS NULL)
                           OR ((g.x).recency_days, (g.x).frequency, (g.x).tenure_days)
                              IS DISTINCT FROM (r.recency_days, r.frequency, r.tenure_days)
                           OR CASE WHEN g.is_float THEN round((g.x).monetary, 6) IS DISTINCT FROM r.monetary
                                   ELSE (g.x).monetary::text IS DISTINCT FROM r.monetary::text END) AS mismatches
FROM got_all AS g LEFT JOIN ref_all AS r ON r.customer_id = g.customer_id AND r.is_ts = g.is_ts
GROUP BY 1 ORDER BY 1;

-- totals of the reference, to read against the same totals of rfm()
SELECT sum(recency_days) AS recency, sum(frequency) AS frequency, sum(monetary) AS monetary, sum(tenure_days) AS tenure FROM ref_date;
SELECT sum((x).recency_days) AS recency, sum((x).frequency) AS frequency, sum((x).monetary) AS monetary, sum((x).tenure_days) AS tenure FROM got_date_numeric;

-- the hand-made groups: refunds only (no recency or tenure), nothing left
-- (NULL), NULL amounts only (NULL), a free order counts and a refund does not
SELECT customer_id, x FROM got_date_numeric WHERE customer_id > 9000 ORDER BY customer_id;
SELECT customer_id, x FROM got_ts_float8 WHERE customer_id > 9000 ORDER BY customer_id;

-- timestamptz results do not depend on the session's TimeZone: a checksum
-- of every value, in four zones (one at +05:45, one at +14:00)
CREATE VIEW ts_checksum AS
SELECT current_setting('TimeZone') AS zone, count(*) AS customers,
       sum(hashtext((g.x)::text)) AS checksum,
       count(*) FILTER (WHERE (g.x).recency_days IS DISTINCT FROM r.recency_days OR (g.x).tenure_days IS DISTINCT FROM r.tenure_days) AS mismatches
FROM got_ts_numeric AS g LEFT JOIN ref_ts AS r USING (customer_id);
SET TimeZone = 'UTC';
SELECT * FROM ts_checksum;
SET TimeZone = 'America/New_York';
SELECT * FROM ts_checksum;
SET TimeZone = 'Asia/Kathmandu';
SELECT * FROM ts_checksum;
SET TimeZone = 'Pacific/Kiritimati';
SELECT * FROM ts_checksum;
RESET TimeZone;

-- whole days: 23:59:59 before as_of is day 0, 24:00:00 is day 1; an order
-- exactly at as_of is kept, one a microsecond later is not
SELECT rfm(t, 1.00, timestamptz '2026-01-02 00:00+00')
FROM (VALUES (timestamptz '2026-01-01 00:00:01+00')) AS v(t);
SELECT rfm(t, 1.00, timestamptz '2026-01-02 00:00+00')
FROM (VALUES (timestamptz '2026-01-01 00:00:00+00')) AS v(t);
SELECT rfm(t, 1.00, timestamptz '2026-01-02 00:00+00')
FROM (VALUES (timestamptz '2026-01-02 00:00:00+00'), (timestamptz '2026-01-02 00:00:00.000001+00')) AS v(t);
SELECT rfm(d, 1.00, date '2026-01-02') FROM (VALUES (date '2026-01-02'), (date '2026-01-03')) AS v(d);

-- exact numeric sums, equal to sum() as text (value and scale): mixed
-- scales, more than 18 digits, a scale beyond 18, int64 overflow of the
-- scaled sum, and a rescale that would overflow
CREATE TABLE rfm_big (g integer, amount numeric);
INSERT INTO rfm_big VALUES
    (1, 1.5), (1, 2.25), (1, 3), (1, -0.125),
    (2, 12345678901234567890.5), (2, 1.25), (2, -12345678901234567890),
    (3, 0.0000000000000000001), (3, 1), (3, 2.5),
    (4, 900000000000000000), (4, 900000000000000000), (4, 900000000000000000), (4, 900000000000000000),
    (4, 900000000000000000), (4, 900000000000000000), (4, 900000000000000000), (4, 900000000000000000),
    (4, 900000000000000000), (4, 900000000000000000), (4, 900000000000000000), (4, 0.01),
    (5, 100000000000000000), (5, 0.00001), (5, 100000000000000000),
    (6, 0.00), (6, -0.00), (6, 0);
SELECT g, (rfm(date '2026-01-01', amount, date '2026-01-01')).monetary, sum(amount),
       (rfm(date '2026-01-01', amount, date '2026-01-01')).monetary::text = sum(amount)::text AS same_text
FROM rfm_big GROUP BY g ORDER BY g;
SELECT (rfm(date '2026-01-01', amount, date '2026-01-01')).monetary::text = sum(amount)::text AS all_rows_same_text FROM rfm_big;

-- float8 monetary converts as float8::numeric does (15 significant digits),
-- checked on one-row groups over cents, fractions, huge and tiny values
CREATE TABLE rfm_floats AS
SELECT row_number() OVER () AS id, x FROM (
    SELECT (hashint8extended(i, 1) % 10000000) / 100.0::float8 AS x FROM generate_series(1, 2000) AS i
    UNION ALL SELECT hashint8extended(i, 2)::float8 / 10::float8 ^ (i % 30) FROM generate_series(1, 2000) AS i
    UNION ALL SELECT (hashint8extended(i, 3) % 1000)::float8 * 10::float8 ^ (i % 40 - 20) FROM generate_series(1, 2000) AS i
    UNION ALL SELECT i::float8 / 7 FROM generate_series(-1000, 1000) AS i
    UNION ALL SELECT unnest(ARRAY[0, '-0', 0.1::float8 + 0.2, 1e15, 1e15 - 1, 9999999999999995, 1e-300, 5e-324,
                                  1.7976931348623157e308, -123.456, 2.675, 1.005]::float8[])) AS t;
SELECT count(*) AS values, count(*) FILTER (WHERE m::text <> x::numeric::text) AS differs
FROM (SELECT id, x, (rfm(date '2025-01-01', x, date '2026-01-01')).monetary AS m FROM rfm_floats GROUP BY id, x) AS t;

-- the two-argument forms use current_date and now()
SELECT rfm(order_date, amount) = rfm(order_date, amount, current_date) AS date_numeric,
       rfm(order_date, amount_f) = rfm(order_date, amount_f, current_date) AS date_float8,
       rfm(order_at, amount) = rfm(order_at, amount, now()) AS ts_numeric,
       rfm(order_at, amount_f) = rfm(order_at, amount_f, now()) AS ts_float8
FROM rfm_orders WHERE customer_id <= 100;

-- NULL and empty input
SELECT rfm(order_date, amount, date '2026-01-01') IS NULL AS empty FROM rfm_orders WHERE false;
SELECT rfm(NULL::date, 1.0, date '2026-01-01') IS NULL AS null_date,
       rfm(date '2025-01-01', NULL::numeric, date '2026-01-01') IS NULL AS null_amount,
       rfm(date '2025-01-01', 1.0, NULL::date) IS NULL AS null_as_of;

-- errors: as_of varying within a group, NaN and infinite amounts, infinite times
SELECT rfm(d, 1.0, a) FROM (VALUES (date '2025-01-01', date '2026-01-01'), (date '2025-01-02', date '2026-01-02')) AS v(d, a);
SET TimeZone = 'UTC';
SELECT rfm(t, 1.0, t + interval '1 day') FROM (VALUES (timestamptz '2025-01-01 00:00+00'), (timestamptz '2025-01-01 00:00:00.5+00')) AS v(t);
RESET TimeZone;
SELECT rfm(date '2025-01-01', 'NaN'::numeric, date '2026-01-01');
SELECT rfm(date '2025-01-01', '-Infinity'::numeric, date '2026-01-01');
SELECT rfm(date '2025-01-01', 'Infinity'::float8, date '2026-01-01');
SELECT rfm(date '2025-01-01', 'NaN'::float8, date '2026-01-01');
SELECT rfm('-infinity'::date, 1.0, date '2026-01-01');
SELECT rfm(timestamptz '2025-01-01 00:00+00', 1.0, 'infinity'::timestamptz);
SELECT rfm(date '2025-01-01', 1e308::float8, date '2026-01-01') FROM generate_series(1, 2);

DROP VIEW ts_checksum, got_all, ref_all, got_date_numeric, got_date_float8, got_ts_numeric, got_ts_float8, ref_date, ref_ts;
DROP TABLE rfm_big, rfm_floats, rfm_orders;
