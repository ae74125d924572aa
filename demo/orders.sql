-- demo/orders.sql: the demo's order history, read by demo/report.sql and
-- tools/pictures.sh. simulate_orders draws each monthly acquisition cohort
-- from a BG/NBD purchase process with Gamma-Gamma spend (doc/simulate_orders.md):
-- 18 cohorts, January 2024 to June 2025, growing from 4,000 to 8,250 new
-- customers a month, all observed to 2025-06-30, so the newest cohort has one
-- month of history and the oldest eighteen. About 110,000 customers and
-- 281,000 orders; deterministic (one seed per cohort, no random()).
-- Customer ids are cohort * 1,000,000 + the customer's number in the cohort.
-- Rates are per week: r 0.243 and a, b, p, q, v of the CDNOW estimates, with
-- alpha 2.5 instead of 4.414 (a livelier shop: 0.1 purchases a week on average).
CREATE TABLE orders AS
SELECT m * 1000000 + o.customer_id AS customer_id, o.order_at AS order_date, o.amount
FROM generate_series(0, 17) AS m,
     LATERAL simulate_orders(4000 + 250 * m, 100 + m,
                             0.243, 2.5, 0.793, 2.426, 6.25, 3.74, 15.44,
                             (date '2024-01-01' + make_interval(months => m))::date,
                             date '2025-07-01' - (date '2024-01-01' + make_interval(months => m))::date) AS o;
CREATE INDEX ON orders (customer_id);
ANALYZE orders;
