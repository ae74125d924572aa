--
-- Revenue retention (DESIGN section 8): revenue_retention, mrr_movements and
-- net_revenue_retention against plain SQL over many generated tables, the
-- worked examples of doc/revenue.md, text and binary round trips, parallel
-- = serial.
--
SET extra_float_digits = 0;

-- orders of 40 generated tables: seed s picks the number of customers
-- (1 to 30), the span (1 to 40 periods) and an LCG stream of rows with
-- refunds, zero and negative sums, gaps and reactivations
CREATE TABLE gen AS
WITH p AS (
    SELECT s, 1 + (s * 7) % 30 AS ncust, 1 + (s * 13) % 40 AS nper, 5 + (s * 11) % 120 AS nrows
    FROM generate_series(1::bigint, 40) AS s
)
SELECT s::int AS s, (((g * 2654435761 + s * 40503) % 1000003) % ncust)::bigint AS customer_id,
       date '2022-01-01' + (((g * 1103515245 + s * 12345) % 2147483647) % (nper * 30))::int AS d,
       round(((((g * 69069 + s * 1013904223) % 4294967291) % 5000) - 900) / 100.0, (g % 3)::int) AS amount
FROM p, generate_series(1::bigint, nrows) AS g;
-- every table also gets a refund that cancels a payment exactly (sum 0)
INSERT INTO gen SELECT s, customer_id, d, -amount FROM gen WHERE amount > 0 AND (customer_id + s) % 9 = 0;

-- the plain-SQL reference: the dbt-labs mrr-playbook formulation (revenue
-- per customer and period, a customer x period spine over the periods from
-- the first to the last with revenue, lag() over it)
CREATE FUNCTION ref_spine(unit text)
RETURNS TABLE (s int, customer_id bigint, period date, mrr numeric, prev_mrr numeric, paid_before boolean)
LANGUAGE sql AS $$
WITH per AS (
    SELECT s, customer_id, date_trunc(unit, d)::date AS period, sum(amount) AS revenue
    FROM gen GROUP BY 1, 2, 3
), bounds AS (
    SELECT s, min(period) AS first, max(period) AS last FROM per WHERE revenue > 0 GROUP BY s
), spine AS (
    SELECT b.s, c.customer_id, gs::date AS period
    FROM bounds AS b
    JOIN (SELECT DISTINCT s, customer_id FROM per) AS c USING (s),
    generate_series(b.first, b.last, replace('1 ' || unit, '1 quarter', '3 months')::interval) AS gs
), m AS (
    SELECT sp.s, sp.customer_id, sp.period,
           CASE WHEN per.revenue > 0 THEN per.revenue ELSE 0 END AS mrr
    FROM spine AS sp LEFT JOIN per USING (s, customer_id, period)
)
SELECT s, customer_id, period, mrr,
       coalesce(lag(mrr) OVER w, 0),
       coalesce(bool_or(mrr > 0) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), false)
FROM m WINDOW w AS (PARTITION BY s, customer_id ORDER BY period)
$$;

CREATE FUNCTION ref_movements(unit text)
RETURNS TABLE (s int, period date, customers bigint, mrr numeric, new numeric, expansion numeric,
               contraction numeric, churned numeric, reactivation numeric)
LANGUAGE sql AS $$
SELECT s, period, count(*) FILTER (WHERE mrr > 0), sum(mrr),
       coalesce(sum(mrr) FILTER (WHERE mrr > 0 AND prev_mrr = 0 AND NOT paid_before), 0),
       coalesce(sum(mrr - prev_mrr) FILTER (WHERE mrr > prev_mrr AND prev_mrr > 0), 0),
       coalesce(sum(prev_mrr - mrr) FILTER (WHERE mrr < prev_mrr AND mrr > 0), 0),
       coalesce(sum(prev_mrr) FILTER (WHERE mrr = 0 AND prev_mrr > 0), 0),
       coalesce(sum(mrr) FILTER (WHERE mrr > 0 AND prev_mrr = 0 AND paid_before), 0)
FROM ref_spine(unit) GROUP BY s, period
$$;

CREATE FUNCTION ref_nrr(unit text, lag int)
RETURNS TABLE (s int, period date, starting_mrr numeric, nrr float8, grr float8)
LANGUAGE sql AS $$
WITH sp AS (SELECT * FROM ref_spine(unit)),
t AS (SELECT DISTINCT s, period FROM sp),
first AS (SELECT s, min(period) AS first FROM sp GROUP BY s)
SELECT t.s, t.period, coalesce(sum(a.mrr), 0),
       (sum(b.mrr) / nullif(sum(a.mrr), 0))::float8,
       (sum(least(a.mrr, b.mrr)) / nullif(sum(a.mrr), 0))::float8
FROM t JOIN first USING (s)
LEFT JOIN sp AS a ON a.s = t.s AND a.period = (t.period - lag * replace('1 ' || unit, '1 quarter', '3 months')::interval)::date AND a.mrr > 0
LEFT JOIN sp AS b ON b.s = t.s AND b.period = t.period AND b.customer_id = a.customer_id
WHERE t.period - lag * replace('1 ' || unit, '1 quarter', '3 months')::interval >= first.first
GROUP BY t.s, t.period
$$;

CREATE TABLE matrices AS
SELECT s, unit, revenue_retention(customer_id, d, amount, unit::time_unit) AS m
FROM gen, unnest(ARRAY['day', 'week', 'month', 'quarter', 'year']) AS unit
GROUP BY s, unit;

-- mrr_movements equals the playbook, row for row, in every table and unit
SELECT unit, count(DISTINCT s) AS tables,
       (SELECT count(*) FROM ((SELECT s, (mrr_movements(m)).* FROM matrices AS x WHERE x.unit = u.unit)
                              EXCEPT ALL SELECT * FROM ref_movements(unit)) AS d) AS extra,
       (SELECT count(*) FROM (SELECT * FROM ref_movements(unit)
                              EXCEPT ALL (SELECT s, (mrr_movements(m)).* FROM matrices AS x WHERE x.unit = u.unit)) AS d) AS missing
FROM matrices AS u WHERE unit <> 'day' GROUP BY unit ORDER BY unit;
SELECT count(*) AS day_rows,
       count(*) = (SELECT count(*) FROM ref_movements('day')) AS same_count,
       NOT EXISTS ((SELECT s, (mrr_movements(m)).* FROM matrices WHERE unit = 'day')
                   EXCEPT SELECT * FROM ref_movements('day')) AS same_rows
FROM (SELECT (mrr_movements(m)).* FROM matrices WHERE unit = 'day') AS x;

-- the identity mrr(t) = mrr(t-1) + new + expansion + reactivation -
-- contraction - churned holds exactly in every row of every table
SELECT count(*) AS rows,
       count(*) FILTER (WHERE mrr <> coalesce(prev, 0) + new + expansion + reactivation - contraction - churned) AS broken
FROM (SELECT (mv).*, lag((mv).mrr) OVER (PARTITION BY s, unit ORDER BY (mv).period) AS prev
      FROM (SELECT s, unit, mrr_movements(m) AS mv FROM matrices) AS a) AS b;

-- net_revenue_retention equals plain SQL for lags 1, 3 and 12
WITH x AS (
    SELECT mm.unit, lg, s, (net_revenue_retention(m, lg)).*
    FROM matrices AS mm, unnest(ARRAY[1, 3, 12]) AS lg WHERE mm.unit IN ('week', 'month', 'quarter')
), r AS (
    SELECT un AS unit, lg, ref.*
    FROM unnest(ARRAY['week', 'month', 'quarter']) AS un, unnest(ARRAY[1, 3, 12]) AS lg, LATERAL ref_nrr(un, lg) AS ref
)
SELECT unit, lg AS lag, count(*) AS rows, count(x.nrr) AS with_nrr,
       count(*) FILTER (WHERE x.period IS NULL OR r.period IS NULL OR r.starting_mrr <> x.starting_mrr
                          OR (r.nrr IS NULL) <> (x.nrr IS NULL) OR abs(r.nrr - x.nrr) > 1e-12 * r.nrr
                          OR abs(r.grr - x.grr) > 1e-12 * r.grr) AS differ
FROM x FULL JOIN r USING (unit, lg, s, period)
GROUP BY unit, lg ORDER BY unit, lg;

-- text round trip (out, in, out) and the size of the text form
SELECT count(*) AS matrices, count(*) FILTER (WHERE m::text::revenue_matrix::text = m::text) AS round_trip
FROM matrices;

-- binary round trip through COPY (FORMAT binary), which calls receive
CREATE TABLE sent AS SELECT s, unit, revenue_matrix_send(m) AS raw, m::text AS t FROM matrices;
CREATE TABLE received (s int, unit text, m revenue_matrix);
DO $$ BEGIN
    EXECUTE format('COPY (SELECT s, unit, raw FROM sent) TO %L (FORMAT binary)',
                   current_setting('data_directory') || '/revenue_matrix_test.bin');
END $$;
COPY received FROM 'revenue_matrix_test.bin' (FORMAT binary);
SELECT count(*) AS received, count(*) FILTER (WHERE r.m::text = x.t AND revenue_matrix_send(r.m) = x.raw) AS same
FROM sent AS x JOIN received AS r USING (s, unit);

-- parallel = serial, and GROUP BY partial states (combine) = one pass
CREATE TABLE big AS
SELECT (g % 5000)::bigint AS customer_id, date '2023-01-01' + (g * 7919 % 700)::int AS d,
       round(((g * 48271 % 9001) - 1500) / 100.0, 2) AS amount
FROM generate_series(1::bigint, 200000) AS g;
ANALYZE big;
CREATE TABLE serial AS SELECT revenue_retention(customer_id, d, amount, 'month')::text AS t FROM big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT revenue_retention(customer_id, d, amount, 'month') FROM big;
SELECT revenue_retention(customer_id, d, amount, 'month')::text = (SELECT t FROM serial) AS parallel_equals_serial
FROM big;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- the worked examples of doc/revenue.md (ISO dates, as the doc prints them)
SET DateStyle = ISO;
CREATE TABLE invoices (customer_id bigint, invoiced_on date, amount numeric);
INSERT INTO invoices VALUES
    (1, '2025-01-05', 100), (1, '2025-02-05', 100), (1, '2025-03-05', 150), (1, '2025-04-05', 150),
    (2, '2025-01-10', 50),  (2, '2025-02-10', 50),  (2, '2025-03-10', 20),
    (3, '2025-02-01', 80),  (3, '2025-03-01', 80),  (3, '2025-03-20', -80),
    (3, '2025-04-01', 80),  (4, '2025-03-15', 200), (4, '2025-04-15', 120),
    (5, '2025-04-02', 60);
SELECT revenue_retention(customer_id, invoiced_on, amount, 'month') FROM invoices;
SELECT * FROM mrr_movements((SELECT revenue_retention(customer_id, invoiced_on, amount, 'month') FROM invoices));
SELECT period, starting_mrr, round(nrr::numeric, 4) AS nrr, round(grr::numeric, 4) AS grr
FROM net_revenue_retention((SELECT revenue_retention(customer_id, invoiced_on, amount, 'month') FROM invoices), 1);


DROP TABLE gen, matrices, sent, received, big, serial, invoices;
DROP FUNCTION ref_spine(text), ref_movements(text), ref_nrr(text, int);
