-- demo/report.sql: the product tour that tools/demo.sh prints. Generates a
-- deterministic orders table (an LCG, no random()), then reports monthly
-- retention and churn, lifetime value and payback, and named segments.
\pset footer off
\pset null '(null)'
CREATE EXTENSION retention;

-- 2,000 customers over 2025, each with a first month and a run of monthly
-- orders until they churn; amounts from the same LCG.
CREATE TABLE orders AS
WITH RECURSIVE lcg(i, x) AS (
    SELECT 1, 12345::bigint
    UNION ALL
    SELECT i + 1, (1103515245 * x + 12345) % 2147483648 FROM lcg WHERE i < 6000
), draws AS (
    SELECT i, x::float8 / 2147483648 AS u FROM lcg
), customers AS (
    SELECT c AS customer_id,
           (SELECT u FROM draws WHERE i = 3 * c - 2) AS u_start,
           (SELECT u FROM draws WHERE i = 3 * c - 1) AS u_life,
           (SELECT u FROM draws WHERE i = 3 * c) AS u_spend
    FROM generate_series(1, 2000) AS c
)
SELECT customer_id,
       (date '2025-01-01' + (floor(u_start * 12)::int || ' months')::interval
                          + (k || ' months')::interval + ((customer_id % 28) || ' days')::interval)::date AS order_date,
       round((20 + 80 * u_spend)::numeric, 2) AS amount
FROM customers,
     generate_series(0, floor(-ln(1 - u_life) * 4)::int) AS k
WHERE date '2025-01-01' + (floor(u_start * 12)::int || ' months')::interval
                        + (k || ' months')::interval < date '2026-01-01';

\echo
\echo '== Orders loaded'
SELECT count(*) AS orders, count(DISTINCT customer_id) AS customers,
       min(order_date) AS first_order, max(order_date) AS last_order, sum(amount) AS revenue
FROM orders;

\echo
\echo '== Monthly customer retention rate: (end - new) / start'
WITH months AS (
    SELECT DISTINCT date_trunc('month', order_date)::date AS month, customer_id FROM orders
), firsts AS (
    SELECT customer_id, min(month) AS first_month FROM months GROUP BY customer_id
), counts AS (
    SELECT m.month,
           (SELECT count(*) FROM months AS p WHERE p.month = m.month - interval '1 month') AS start_count,
           count(*) AS end_count,
           count(*) FILTER (WHERE f.first_month = m.month) AS new_count
    FROM months AS m JOIN firsts AS f USING (customer_id)
    GROUP BY m.month
)
SELECT to_char(month, 'YYYY-MM') AS month, start_count, end_count, new_count,
       round(retention_rate(start_count, end_count, new_count)::numeric, 3) AS retention,
       round(churn_rate(start_count, end_count, new_count)::numeric, 3) AS churn
FROM counts
WHERE start_count > 0 AND end_count - new_count <= start_count
ORDER BY month;

\echo
\echo '== Lifetime value at the average monthly revenue and churn of 2025'
WITH monthly AS (
    SELECT avg(amount)::float8 AS avg_revenue FROM orders
)
SELECT round(avg_revenue::numeric, 2) AS avg_revenue,
       round(cltv(avg_revenue, 0.25)::numeric, 2) AS clv_25pct_churn,
       round(cltv(avg_revenue, 0.25, 0.01, 0.3)::numeric, 2) AS clv_margin_30pct_discount_1pct,
       round(cltv(avg_revenue, 0.25, 0.01, 0.3, 12)::numeric, 2) AS clv_12_months,
       payback_periods(40, 0.3 * avg_revenue, 0.25) AS months_to_recover_cac_40
FROM monthly;

\echo
\echo '== Segments of the default map on R and F scores'
SELECT r AS "R score", segment(r, 1) AS "F=1", segment(r, 2) AS "F=2", segment(r, 3) AS "F=3",
       segment(r, 4) AS "F=4", segment(r, 5) AS "F=5"
FROM generate_series(5, 1, -1) AS r;
