-- demo/report.sql: the product tour that tools/demo.sh prints, on the
-- simulated orders of demo/orders.sql (18 monthly cohorts, January 2024 to
-- June 2025). In order: RFM segments with their revenue, the cohort
-- retention triangle, the BG/NBD and Gamma-Gamma fits, the ten most
-- valuable customers, month-over-month segment migration with stored
-- rfm_breaks, customer lifetimes (Kaplan-Meier, the log-rank test), a
-- calibration/holdout check of the BG/NBD model, and the revenue movements
-- with net and gross revenue retention. test/t/041_demo.pl runs it and
-- checks the tables it leaves.
\set ON_ERROR_STOP 1
\pset footer off
\pset null ''
CREATE EXTENSION retention;
\ir orders.sql

\echo
\echo '== Orders: 18 monthly cohorts of new customers, January 2024 to June 2025'
SELECT count(*) AS orders, count(DISTINCT customer_id) AS customers,
       min(order_date) AS first_order, max(order_date) AS last_order,
       sum(amount) AS revenue
FROM orders;

-- One rfm snapshot per customer at the end of June, scored against the
-- whole population (rfm_score ... OVER ()) and named by the default map.
CREATE TABLE rfm_june AS
SELECT customer_id, x AS rfm, s AS score, segment(s) AS segment
FROM (SELECT customer_id, x, rfm_score(x) OVER () AS s
      FROM (SELECT customer_id, rfm(order_date, amount, date '2025-06-30') AS x
            FROM orders GROUP BY customer_id) AS c) AS t;

\echo
\echo '== RFM segments as of 2025-06-30 (scores 1-5 against all customers)'
SELECT segment, count(*) AS customers,
       round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS "% cust",
       sum((rfm).monetary) AS revenue,
       round(100 * sum((rfm).monetary) / sum(sum((rfm).monetary)) OVER (), 1) AS "% rev",
       round(avg((rfm).recency_days)) AS "avg recency",
       round(avg((rfm).frequency), 2) AS "avg orders"
FROM rfm_june
GROUP BY segment
ORDER BY revenue DESC;

-- The cohort matrix in one pass; cohort_table turns it into plain rows.
CREATE TABLE cohorts AS
SELECT cohort_retention(customer_id, order_date, 'month', amount) AS matrix FROM orders;

\echo
\echo '== Cohort retention: % of each monthly cohort ordering again k months later'
\pset border 0
SELECT to_char(cohort, 'YYYY-MM') AS cohort, max(cohort_size) AS size,
       max(round(100 * retention::numeric, 1)) FILTER (WHERE period_offset = 0) AS "m0",
       max(round(100 * retention::numeric, 1)) FILTER (WHERE period_offset = 1) AS "m1",
       max(round(100 * retention::numeric, 1)) FILTER (WHERE period_offset = 2) AS "m2",
       max(round(100 * retention::numeric, 1)) FILTER (WHERE period_offset = 3) AS "m3",
       max(round(100 * retention::numeric, 1)) FILTER (WHERE period_offset = 4) AS "m4",
       max(round(100 * retention::numeric, 1)) FILTER (WHERE period_offset = 5) AS "m5",
       max(round(100 * retention::numeric, 1)) FILTER (WHERE period_offset = 6) AS "m6",
       max(round(100 * retention::numeric, 1)) FILTER (WHERE period_offset = 7) AS "m7",
       max(round(100 * retention::numeric, 1)) FILTER (WHERE period_offset = 8) AS "m8",
       max(round(100 * retention::numeric, 1)) FILTER (WHERE period_offset = 9) AS "m9",
       max(round(100 * retention::numeric, 1)) FILTER (WHERE period_offset = 10) AS "m10",
       max(round(100 * retention::numeric, 1)) FILTER (WHERE period_offset = 11) AS "m11"
FROM cohorts, cohort_table(matrix)
GROUP BY cohort
ORDER BY cohort;

\echo
\echo '   pooled over the cohorts that reached each month (retention_curve):'
SELECT 'all' AS cohort,
       (SELECT sum(cohort_size) FROM cohorts, cohort_table(matrix) WHERE period_offset = 0) AS size,
       round(100 * c[1]::numeric, 1) AS "m0",
       round(100 * c[2]::numeric, 1) AS "m1",
       round(100 * c[3]::numeric, 1) AS "m2",
       round(100 * c[4]::numeric, 1) AS "m3",
       round(100 * c[5]::numeric, 1) AS "m4",
       round(100 * c[6]::numeric, 1) AS "m5",
       round(100 * c[7]::numeric, 1) AS "m6",
       round(100 * c[8]::numeric, 1) AS "m7",
       round(100 * c[9]::numeric, 1) AS "m8",
       round(100 * c[10]::numeric, 1) AS "m9",
       round(100 * c[11]::numeric, 1) AS "m10",
       round(100 * c[12]::numeric, 1) AS "m11"
FROM (SELECT retention_curve(matrix) AS c FROM cohorts) AS pooled;
\pset border 1

-- The buy-till-you-die summary of every customer as of 2025-07-01, the day
-- after the last order (t is then exact), in weeks; then the two fits.
CREATE TABLE summaries AS
SELECT customer_id, (btyd_summary(order_date, amount, date '2025-07-01', 'week')).*
FROM orders GROUP BY customer_id;

CREATE TABLE fits AS
SELECT bgnbd_fit(frequency, recency, t) AS bgnbd,
       gamma_gamma_fit(frequency, monetary_value) AS gamma_gamma
FROM summaries;

\echo
\echo '== BG/NBD (purchases and dropout, per week) and Gamma-Gamma (spend) fits'
\echo '   against the parameters demo/orders.sql simulated with (same-day orders merge'
\echo '   into one purchase day, which biases alpha up: doc/simulate_orders.md)'
SELECT model, parameter, truth, fitted
FROM fits,
     LATERAL (VALUES (1, 'BG/NBD', 'r', 0.243, round((bgnbd).r::numeric, 3)),
                     (2, 'BG/NBD', 'alpha', 2.5, round((bgnbd).alpha::numeric, 3)),
                     (3, 'BG/NBD', 'a', 0.793, round((bgnbd).a::numeric, 3)),
                     (4, 'BG/NBD', 'b', 2.426, round((bgnbd).b::numeric, 3)),
                     (5, 'Gamma-Gamma', 'p', 6.25, round((gamma_gamma).p::numeric, 3)),
                     (6, 'Gamma-Gamma', 'q', 3.74, round((gamma_gamma).q::numeric, 3)),
                     (7, 'Gamma-Gamma', 'v', 15.44, round((gamma_gamma).v::numeric, 3)))
             AS p(k, model, parameter, truth, fitted)
ORDER BY k;
SELECT 'BG/NBD' AS model, (bgnbd).n AS customers, round((bgnbd).loglik::numeric, 1) AS loglik,
       (bgnbd).converged
FROM fits
UNION ALL
SELECT 'Gamma-Gamma', (gamma_gamma).n, round((gamma_gamma).loglik::numeric, 1), (gamma_gamma).converged
FROM fits;

\echo
\echo '== The ten most valuable customers: 12-month CLV at 1% a month discount'
SELECT customer_id, frequency + 1 AS "purchase days",
       round((t - recency)::numeric, 1) AS "weeks since last",
       round(monetary_value::numeric, 2) AS "avg repeat spend",
       round(bgnbd_p_alive(bgnbd, frequency, recency, t)::numeric, 3) AS "P(alive)",
       round(bgnbd_expected_purchases(bgnbd, 52.14, frequency, recency, t)::numeric, 1) AS "purchases next 12m",
       round(clv::numeric, 2) AS "CLV 12m"
FROM (SELECT s.*, f.*, cltv(bgnbd, gamma_gamma, frequency, recency, t, monetary_value, 12, 0.01, 'week') AS clv
      FROM summaries AS s, fits AS f
      ORDER BY clv DESC, customer_id
      LIMIT 10) AS top
ORDER BY clv DESC, customer_id;

-- Month-over-month migration. Last month's breaks (the May population as
-- of 2025-05-31) are stored, and both snapshots are scored against them,
-- so a customer who moves did change, not the population around them.
CREATE TABLE rfm_breaks_2025_05 AS
SELECT rfm_breaks((x).recency_days, (x).frequency, (x).monetary) AS breaks
FROM (SELECT rfm(order_date, amount, date '2025-05-31') AS x
      FROM orders GROUP BY customer_id) AS c;

CREATE TABLE migration AS
SELECT customer_id,
       segment(rfm_score(rfm(order_date, amount, date '2025-05-31'), b.breaks)) AS may,
       segment(rfm_score(rfm(order_date, amount, date '2025-06-30'), b.breaks)) AS june
FROM orders, rfm_breaks_2025_05 AS b
GROUP BY customer_id, b.breaks;

\echo
\echo '== Stored breaks of the May population: the least a customer needs for each score'
SELECT s AS score, (breaks).r[6 - s] AS "recency_days <=", (breaks).f[s - 1] AS "frequency >=",
       (breaks).m[s - 1] AS "monetary >="
FROM rfm_breaks_2025_05, generate_series(5, 2, -1) AS s;

\echo
\echo '== Segment migration May -> June, both scored with the May breaks'
\echo '   (New Customers of May who did not order again are Promising in June:'
\echo '   a month older, still one order)'
SELECT coalesce(may, '(new in June)') AS "May segment", count(*) AS customers,
       CASE WHEN may IS NOT NULL
            THEN round(100.0 * count(*) FILTER (WHERE june = may) / count(*), 1) END AS "% stayed",
       (array_agg(june ORDER BY n DESC, june) FILTER (WHERE june IS DISTINCT FROM may))[1] AS "most moved to",
       round(100.0 * max(n) FILTER (WHERE june IS DISTINCT FROM may) / count(*), 1) AS "% moved there"
FROM (SELECT may, june, count(*) OVER (PARTITION BY may, june) AS n FROM migration) AS m
GROUP BY may
ORDER BY may IS NULL, customers DESC;

-- customer lifetimes: first order to last order, a customer lapsed when
-- no order came in the 90 days before 2025-06-30 (censored otherwise)
CREATE TABLE lifetimes AS
SELECT customer_id,
       CASE WHEN min(order_date) < '2024-07-01' THEN '2024 H1'
            WHEN min(order_date) < '2025-01-01' THEN '2024 H2' ELSE '2025 H1' END AS acquired,
       min(order_date) AS started_at,
       CASE WHEN max(order_date) < date '2025-06-30' - 90 THEN max(order_date) END AS ended_at
FROM orders GROUP BY customer_id;
CREATE TABLE lifetime_curves AS
SELECT acquired, kaplan_meier(started_at, ended_at, date '2025-06-30') AS curve
FROM lifetimes GROUP BY acquired;

\echo
\echo '== Customer lifetimes: Kaplan-Meier by acquisition half-year'
\echo '   (a customer has lapsed after 90 days without an order; days from the first to the last order)'
SELECT acquired, km_median(curve) AS "median days",
       round(km_survival(curve, 90)::numeric, 3) AS "S(90 days)",
       round(km_survival(curve, 365)::numeric, 3) AS "S(365 days)"
FROM lifetime_curves ORDER BY acquired;
SELECT round(chisq::numeric, 2) AS chisq, df, round(p_value::numeric, 4) AS p_value
FROM (SELECT (logrank_test((coalesce(ended_at, date '2025-06-30') - started_at)::float8,
                           ended_at IS NOT NULL, acquired)).* FROM lifetimes) AS r;

-- model check on purchases the fit did not see (doc/validation.md):
-- calibrate on the orders to 2025-03-31, compare the BG/NBD predictions for
-- the 13 weeks to 2025-06-30 with the purchase days that came, by the number
-- of repeat purchases in the calibration period (7 or more pooled); the
-- customers acquired in the holdout have no split and are left out
CREATE TABLE holdout_split AS
SELECT customer_id, (btyd_holdout(order_date, amount, date '2025-03-31', date '2025-06-30', 'week')).*
FROM orders GROUP BY customer_id;
CREATE TABLE holdout_check AS
WITH m AS (SELECT bgnbd_fit(frequency_cal, recency_cal, t_cal) AS bg FROM holdout_split)
SELECT least(frequency_cal, 7) AS x_cal, count(*) AS customers,
       avg(frequency_holdout) AS actual,
       avg(bgnbd_expected_purchases(m.bg, duration_holdout, frequency_cal, recency_cal, t_cal)) AS predicted
FROM holdout_split, m WHERE frequency_cal IS NOT NULL
GROUP BY least(frequency_cal, 7);

\echo
\echo '== Model check: BG/NBD fitted on the orders to 2025-03-31, predicting the 13 weeks to 2025-06-30'
\echo '   (mean purchase days per customer in the holdout, by repeat purchases to March)'
SELECT CASE WHEN x_cal = 7 THEN '7+' ELSE x_cal::text END AS "repeats to March", customers,
       round(actual, 3) AS actual, round(predicted::numeric, 3) AS predicted
FROM holdout_check ORDER BY x_cal;
-- Revenue retention (doc/revenue.md): each customer's revenue per month in
-- one pass, the MRR waterfall and net and gross revenue retention. A shop's
-- customers do not order every month, so a month without an order is churn
-- and the next order a reactivation; a subscription business reads the
-- same columns as plan changes and cancellations.
CREATE TABLE revenue AS
SELECT revenue_retention(customer_id, order_date, amount, 'month') AS matrix FROM orders;
CREATE TABLE mrr AS
SELECT m.* FROM revenue, mrr_movements(matrix) AS m;
CREATE TABLE nrr AS
SELECT l.lag, n.* FROM revenue, (VALUES (1), (12)) AS l(lag), net_revenue_retention(matrix, l.lag) AS n;

\echo
\echo '== Monthly revenue movements (mrr_movements): mrr = last month''s mrr + new + expansion'
\echo '   + reactivation - contraction - churned'
SELECT to_char(period, 'YYYY-MM') AS month, customers, mrr, new, expansion, contraction, churned, reactivation
FROM mrr ORDER BY period;

\echo
\echo '== Net and gross revenue retention (net_revenue_retention), % of the revenue of the'
\echo '   customers who paid 1 and 12 months before'
SELECT to_char(period, 'YYYY-MM') AS month,
       max(starting_mrr) FILTER (WHERE lag = 1) AS "paid 1m before",
       max(round(100 * nrr::numeric, 1)) FILTER (WHERE lag = 1) AS "NRR 1m",
       max(round(100 * grr::numeric, 1)) FILTER (WHERE lag = 1) AS "GRR 1m",
       max(starting_mrr) FILTER (WHERE lag = 12) AS "paid 12m before",
       max(round(100 * nrr::numeric, 1)) FILTER (WHERE lag = 12) AS "NRR 12m",
       max(round(100 * grr::numeric, 1)) FILTER (WHERE lag = 12) AS "GRR 12m"
FROM nrr GROUP BY period ORDER BY period;
