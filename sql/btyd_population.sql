--
-- btyd_population (DESIGN section 10, doc/clv.md): every customer's
-- btyd_summary in one value. Differential tests against the GROUP BY form
-- over 26 generated tables (one customer; customers with one order; ties
-- and many orders on the same day; refunds and negative amounts; NULL
-- ids, times and amounts; orders after as_of; negative ids), for date and
-- timestamptz order times, numeric and float8 amounts and each unit: the
-- population's rows (btyd_table) must equal btyd_summary(...) GROUP BY
-- customer_id row for row, float8 values compared exactly. The fits from
-- the population must equal the fits over the GROUP BY summaries compared
-- as text (float8 text is the shortest exact form, so equal text is equal
-- bits): both fit the same weighted distinct rows in the same order.
--
SET TimeZone = 'UTC';

-- 26 tables: seed 1 has one customer; seeds 3, 6, ... crowd their orders
-- into 5 days (same-day orders and ties); seed 26 has every order after
-- as_of. Amounts run from -30 to 170, so there are refunds and customers
-- whose repeat purchases sum to a negative value.
CREATE TABLE bp_gen AS
SELECT seed, i,
       CASE WHEN i % 37 = 5 THEN NULL ELSE (h % nc) - nc / 3 END AS customer_id,
       CASE WHEN i % 41 = 7 THEN NULL ELSE day END AS order_date,
       CASE WHEN i % 41 = 7 THEN NULL
            ELSE day::timestamp::timestamptz + make_interval(secs => ((h / 13) % 86400)::int) END AS order_at,
       CASE WHEN i % 43 = 11 THEN NULL ELSE round(((h / 17) % 20000 - 3000) / 100.0, 2) END AS amount,
       CASE WHEN i % 43 = 11 THEN NULL ELSE ((h / 17) % 20000 - 3000) / 100.0 + 0.1 END::float8 AS amount_f
FROM (SELECT seed, nc, i, h,
             CASE WHEN seed = 26 THEN date '2024-07-02' + (h % 30)::int
                  ELSE date '2024-01-01' + ((h / 7) % span)::int END AS day
      FROM (SELECT seed, nc, span, i, (i::bigint * 2654435761 + seed * 40503) % 4294967296 AS h
            FROM (SELECT seed, CASE WHEN seed = 1 THEN 1 ELSE 3 + seed * 5 END AS nc,
                         CASE WHEN seed % 3 = 0 THEN 5 ELSE 200 END AS span
                  FROM generate_series(1, 26) AS seed) AS s,
                 generate_series(1, nc * 4) AS i) AS x) AS y;
CREATE TABLE bp_units (unit time_unit);
INSERT INTO bp_units VALUES ('day'), ('week'), ('month');

SELECT count(*) AS orders, count(DISTINCT (seed, customer_id)) AS customers,
       count(*) FILTER (WHERE amount < 0) AS refunds,
       count(*) - count(customer_id) AS null_ids, count(*) - count(order_date) AS null_times,
       count(*) - count(amount) AS null_amounts, count(*) FILTER (WHERE order_date > date '2024-06-30') AS after_as_of
FROM bp_gen;
-- customers with one order, and customers with two or more orders on one day
SELECT count(*) FILTER (WHERE n = 1) AS one_order, count(*) FILTER (WHERE same_day) AS same_day_orders
FROM (SELECT seed, customer_id, count(*) AS n, count(*) > count(DISTINCT order_date) AS same_day
      FROM bp_gen WHERE customer_id IS NOT NULL GROUP BY seed, customer_id) AS c;

-- population rows against GROUP BY rows for one (order time, amount, as_of)
-- combination over every table and unit: customers compared, rows only on
-- one side, rows that differ
CREATE FUNCTION pg_temp.bp_diff(order_col text, amount_col text, as_of text)
RETURNS TABLE (customers bigint, one_side_only bigint, different bigint)
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format($q$
        WITH pop AS (SELECT seed, unit, btyd_population(customer_id, %1$I, %2$I, %3$s, unit) AS p
                     FROM bp_gen, bp_units GROUP BY seed, unit),
             a AS (SELECT pop.seed, pop.unit, b.* FROM pop, btyd_table(pop.p) AS b),
             r AS (SELECT seed, unit, customer_id, (s).*
                   FROM (SELECT seed, unit, customer_id, btyd_summary(%1$I, %2$I, %3$s, unit) AS s
                         FROM bp_gen, bp_units WHERE customer_id IS NOT NULL
                         GROUP BY seed, unit, customer_id) AS g
                   WHERE s IS NOT NULL)
        SELECT count(*),
               count(*) FILTER (WHERE a.seed IS NULL OR r.seed IS NULL),
               count(*) FILTER (WHERE (a.frequency, a.recency, a.t, a.monetary_value)
                                      IS DISTINCT FROM (r.frequency, r.recency, r.t, r.monetary_value))
        FROM a FULL JOIN r ON a.seed = r.seed AND a.unit = r.unit AND a.customer_id = r.customer_id$q$,
        order_col, amount_col, as_of);
END $$;

SELECT 'date, numeric' AS forms, * FROM pg_temp.bp_diff('order_date', 'amount', $$date '2024-06-30'$$);
SELECT 'date, float8' AS forms, * FROM pg_temp.bp_diff('order_date', 'amount_f', $$date '2024-06-30'$$);
SELECT 'timestamptz, numeric' AS forms, * FROM pg_temp.bp_diff('order_at', 'amount', $$timestamptz '2024-06-30 08:30+00'$$);
SELECT 'timestamptz, float8' AS forms, * FROM pg_temp.bp_diff('order_at', 'amount_f', $$timestamptz '2024-06-30 23:59:59+00'$$);

-- a table whose every order is after as_of, and no rows: NULL, as the
-- GROUP BY form has no customer
SELECT unit, btyd_population(customer_id, order_date, amount, date '2024-06-30', unit) IS NULL AS is_null
FROM bp_gen, bp_units WHERE seed = 26 GROUP BY unit ORDER BY unit;
SELECT btyd_population(customer_id, order_date, amount, date '2024-06-30', 'week') IS NULL AS no_rows FROM bp_gen WHERE false;
-- the one-customer table
SELECT b.* FROM btyd_table((SELECT btyd_population(customer_id, order_date, amount, date '2024-06-30', 'week') FROM bp_gen WHERE seed = 1)) AS b;
SELECT customer_id, (btyd_summary(order_date, amount, date '2024-06-30', 'week')).*
FROM bp_gen WHERE seed = 1 AND customer_id IS NOT NULL GROUP BY customer_id;

-- the text form round-trips, and equal populations have equal text
-- whatever the order of the rows (customers are stored by id)
SELECT count(*) AS populations,
       count(*) FILTER (WHERE p::text::btyd_population::text = p::text) AS text_round_trips,
       count(*) FILTER (WHERE p::text = q::text) AS order_independent
FROM (SELECT seed, unit,
             btyd_population(customer_id, order_date, amount, date '2024-06-30', unit ORDER BY i) AS p,
             btyd_population(customer_id, order_date, amount, date '2024-06-30', unit ORDER BY i DESC) AS q
      FROM bp_gen, bp_units WHERE seed < 26 GROUP BY seed, unit) AS x;

-- the fits from the population equal the fits over the GROUP BY summaries,
-- on simulated BG/NBD + Gamma-Gamma orders (the fits need data with the
-- models' structure to converge); gamma_gamma_fit as doc/clv.md's recipe:
-- repeat customers with positive monetary_value
CREATE TABLE bp_sim AS SELECT * FROM simulate_orders(400, 7);
CREATE TABLE bp_pop AS
SELECT btyd_population(customer_id, order_at, amount, date '2024-09-30', 'week') AS p FROM bp_sim;
CREATE TABLE bp_sum AS
SELECT customer_id, (btyd_summary(order_at, amount, date '2024-09-30', 'week')).* FROM bp_sim GROUP BY customer_id;
SELECT (SELECT bgnbd_fit(p)::text FROM bp_pop) = (SELECT bgnbd_fit(frequency, recency, t)::text FROM bp_sum) AS bgnbd_equal,
       (SELECT mbgnbd_fit(p)::text FROM bp_pop) = (SELECT mbgnbd_fit(frequency, recency, t)::text FROM bp_sum) AS mbgnbd_equal,
       (SELECT pareto_nbd_fit(p)::text FROM bp_pop) = (SELECT pareto_nbd_fit(frequency, recency, t)::text FROM bp_sum) AS pareto_nbd_equal,
       (SELECT gamma_gamma_fit(p)::text FROM bp_pop)
           = (SELECT gamma_gamma_fit(frequency, monetary_value) FILTER (WHERE monetary_value > 0 OR frequency = 0)::text FROM bp_sum) AS gamma_gamma_equal;
SELECT round((m).r::numeric, 4) AS r, round((m).alpha::numeric, 4) AS alpha, round((m).a::numeric, 4) AS a,
       round((m).b::numeric, 4) AS b, (m).n, (m).converged
FROM (SELECT bgnbd_fit(p) AS m FROM bp_pop) AS x;
SELECT round((m).p::numeric, 4) AS p, round((m).q::numeric, 4) AS q, round((m).v::numeric, 4) AS v, (m).n, (m).converged
FROM (SELECT gamma_gamma_fit(p) AS m FROM bp_pop) AS x;
-- orders to a model in one statement, as doc/clv.md shows it
SELECT (bgnbd_fit(btyd_population(customer_id, order_at, amount, date '2024-09-30', 'week'))).converged FROM bp_sim;

-- the fits over the generated tables (refunds, same-day orders, one
-- customer), each unit: equal to the GROUP BY form, converged or not
SELECT count(*) AS fits,
       count(*) FILTER (WHERE bg_pop IS NOT DISTINCT FROM bg_grp) AS bgnbd_equal,
       count(*) FILTER (WHERE gg_pop IS NOT DISTINCT FROM gg_grp) AS gamma_gamma_equal
FROM (SELECT seed, unit, bgnbd_fit(p)::text AS bg_pop, gamma_gamma_fit(p)::text AS gg_pop
      FROM (SELECT seed, unit, btyd_population(customer_id, order_at, amount, timestamptz '2024-06-30 08:30+00', unit) AS p
            FROM bp_gen, bp_units WHERE seed < 26 GROUP BY seed, unit) AS x) AS pop
JOIN (SELECT seed, unit, bgnbd_fit(frequency, recency, t)::text AS bg_grp,
             gamma_gamma_fit(frequency, monetary_value) FILTER (WHERE monetary_value > 0 OR frequency = 0)::text AS gg_grp
      FROM (SELECT seed, unit, customer_id, (btyd_summary(order_at, amount, timestamptz '2024-06-30 08:30+00', unit)).*
            FROM bp_gen, bp_units WHERE customer_id IS NOT NULL AND seed < 26 GROUP BY seed, unit, customer_id) AS g
      GROUP BY seed, unit) AS grp USING (seed, unit);

-- tracking from a population of date orders equals the tracking
-- aggregate over each customer's first purchase on or before as_of
SELECT (SELECT bgnbd_tracking(bgnbd_fit(p), p, date '2024-03-01', 40)::text FROM bp_pop)
     = (SELECT bgnbd_tracking((SELECT bgnbd_fit(p) FROM bp_pop), first, date '2024-03-01', 40, 'week')::text
        FROM (SELECT min(order_at) AS first FROM bp_sim WHERE order_at <= date '2024-09-30' GROUP BY customer_id) AS f) AS bgnbd_tracking_equal,
       (SELECT pareto_nbd_tracking(pareto_nbd_fit(p), p, date '2024-09-30', 12)::text FROM bp_pop)
     = (SELECT pareto_nbd_tracking((SELECT pareto_nbd_fit(p) FROM bp_pop), first, date '2024-09-30', 12, 'week')::text
        FROM (SELECT min(order_at) AS first FROM bp_sim WHERE order_at <= date '2024-09-30' GROUP BY customer_id) AS f) AS pareto_nbd_tracking_equal,
       (SELECT mbgnbd_tracking(mbgnbd_fit(p), p, date '2024-06-01', 20)::text FROM bp_pop)
     = (SELECT mbgnbd_tracking((SELECT mbgnbd_fit(p) FROM bp_pop), first, date '2024-06-01', 20, 'week')::text
        FROM (SELECT min(order_at) AS first FROM bp_sim WHERE order_at <= date '2024-09-30' GROUP BY customer_id) AS f) AS mbgnbd_tracking_equal;
-- and over the generated tables, each unit (customers whose rows are all
-- NULL-amount or after as_of are not in the population)
SELECT count(*) AS curves, count(*) FILTER (WHERE pop = agg) AS equal
FROM (SELECT seed, unit, bgnbd_tracking(bgnbd_model(0.5, 3, 0.7, 2.5), btyd_population(customer_id, order_date, amount, date '2024-06-30', unit),
                                        date '2024-02-01', 20)::text AS pop
      FROM bp_gen, bp_units WHERE seed < 26 GROUP BY seed, unit) AS a
JOIN (SELECT seed, unit, bgnbd_tracking(bgnbd_model(0.5, 3, 0.7, 2.5), first, date '2024-02-01', 20, unit)::text AS agg
      FROM (SELECT seed, customer_id, min(order_date) AS first FROM bp_gen
            WHERE customer_id IS NOT NULL AND amount IS NOT NULL AND order_date <= date '2024-06-30'
            GROUP BY seed, customer_id) AS f, bp_units
      GROUP BY seed, unit) AS b USING (seed, unit);

-- doc/clv.md's scoring query from one population equals its GROUP BY
-- form (the worked example there), customer by customer
CREATE TABLE bp_orders AS SELECT customer_id, order_at, amount FROM simulate_orders(300, 11) WHERE order_at <= date '2024-09-30';
WITH pop AS (
    SELECT btyd_population(customer_id, order_at, amount, date '2024-06-30', 'week') AS p FROM bp_orders
), models AS (
    SELECT bgnbd_fit(p) AS bg, gamma_gamma_fit(p) AS gg FROM pop
), one_pass AS (
    SELECT s.customer_id,
           bgnbd_p_alive(m.bg, s.frequency, s.recency, s.t) AS p_alive,
           cltv(m.bg, m.gg, s.frequency, s.recency, s.t, s.monetary_value, 12, 0.01, 'week') AS clv_12_months
    FROM pop, btyd_table(pop.p) AS s, models AS m
), summary AS (
    SELECT customer_id, (btyd_summary(order_at, amount, date '2024-06-30', 'week')).*
    FROM bp_orders GROUP BY customer_id
), group_models AS (
    SELECT bgnbd_fit(frequency, recency, t) AS bg,
           gamma_gamma_fit(frequency, monetary_value) FILTER (WHERE monetary_value > 0 OR frequency = 0) AS gg
    FROM summary
), group_by AS (
    SELECT s.customer_id,
           bgnbd_p_alive(m.bg, s.frequency, s.recency, s.t) AS p_alive,
           cltv(m.bg, m.gg, s.frequency, s.recency, s.t, s.monetary_value, 12, 0.01, 'week') AS clv_12_months
    FROM summary AS s CROSS JOIN group_models AS m WHERE s.frequency IS NOT NULL
)
SELECT count(*) AS customers,
       count(*) FILTER (WHERE (o.p_alive, o.clv_12_months) IS NOT DISTINCT FROM (g.p_alive, g.clv_12_months)) AS equal,
       round(max(o.clv_12_months)::numeric, 2) AS top_clv
FROM one_pass AS o FULL JOIN group_by AS g USING (customer_id);

DROP TABLE bp_gen, bp_units, bp_sim, bp_pop, bp_sum, bp_orders;
