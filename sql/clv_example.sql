--
-- clv_example: the worked example of doc/clv.md, from orders to
-- per-customer CLV in one query, on 20,000 customers of simulate_orders
-- (CDNOW parameters per week, orders 2024-01-01 .. 2024-09-29). Prints the
-- fitted models and the ten most valuable customers, rounded.
--
CREATE TABLE example_orders AS SELECT * FROM simulate_orders(20000, 42);

WITH summary AS (
    SELECT customer_id, (btyd_summary(order_at, amount, date '2024-09-30', 'week')).*
    FROM example_orders GROUP BY customer_id
), models AS (
    SELECT bgnbd_fit(frequency, recency, t) AS bg,
           gamma_gamma_fit(frequency, monetary_value) FILTER (WHERE monetary_value > 0 OR frequency = 0) AS gg
    FROM summary
)
SELECT round((bg).r::numeric, 3) AS r, round((bg).alpha::numeric, 3) AS alpha,
       round((bg).a::numeric, 3) AS a, round((bg).b::numeric, 3) AS b, (bg).converged AS bg_converged,
       round((gg).p::numeric, 2) AS p, round((gg).q::numeric, 2) AS q, round((gg).v::numeric, 2) AS v,
       (gg).converged AS gg_converged
FROM models;

WITH summary AS (
    SELECT customer_id, (btyd_summary(order_at, amount, date '2024-09-30', 'week')).*
    FROM example_orders GROUP BY customer_id
), models AS (
    SELECT bgnbd_fit(frequency, recency, t) AS bg,
           gamma_gamma_fit(frequency, monetary_value) FILTER (WHERE monetary_value > 0 OR frequency = 0) AS gg
    FROM summary
)
SELECT s.customer_id, s.frequency, round(s.recency::numeric, 2) AS recency,
       round(s.monetary_value::numeric, 2) AS monetary_value,
       round(bgnbd_p_alive(m.bg, s.frequency, s.recency, s.t)::numeric, 3) AS p_alive,
       round(bgnbd_expected_purchases(m.bg, 52, s.frequency, s.recency, s.t)::numeric, 2) AS purchases_next_year,
       round(cltv(m.bg, m.gg, s.frequency, s.recency, s.t, s.monetary_value, 12, 0.01, 'week')::numeric, 2) AS clv_12_months
FROM summary AS s CROSS JOIN models AS m
ORDER BY clv_12_months DESC, s.customer_id
LIMIT 10;

DROP TABLE example_orders;
