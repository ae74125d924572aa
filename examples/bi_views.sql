-- examples/bi_views.sql: a layer of materialized views for BI tools (Metabase,
-- Superset, Tableau, Power BI, Grafana...) over an orders table
--     orders (customer_id bigint, order_date date, amount numeric)
-- What a BI tool sees has plain columns of built-in types only: the
-- extension's composites (rfm, rfm_score) are expanded into columns and the
-- cohort_matrix is unrolled into rows by cohort_table, so any driver and any
-- chart builder can read them. Each view has a unique index, which is what
-- REFRESH MATERIALIZED VIEW CONCURRENTLY needs to refresh without blocking
-- readers; examples/pg_cron.sql schedules the refresh. doc/bi.md explains.
--
-- Snapshots are taken as of current_date at refresh time (the STABLE
-- two-argument rfm), so a nightly refresh keeps them current.
-- test/t/050_bi_cron.pl loads this file and checks every column's type.

-- One row per customer: R, F, M, tenure, the scores against all customers
-- and the segment of the default map.
CREATE MATERIALIZED VIEW customer_rfm AS
SELECT customer_id,
       current_date AS as_of,
       (x).recency_days, (x).frequency, (x).monetary, (x).tenure_days,
       (s).r AS r_score, (s).f AS f_score, (s).m AS m_score, (s).code AS rfm_code,
       segment(s) AS segment
FROM (SELECT customer_id, x, rfm_score(x) OVER () AS s
      FROM (SELECT customer_id, rfm(order_date, amount) AS x
            FROM orders GROUP BY customer_id) AS c
      WHERE x IS NOT NULL) AS t;
CREATE UNIQUE INDEX customer_rfm_customer_id ON customer_rfm (customer_id);
CREATE INDEX customer_rfm_segment ON customer_rfm (segment);

-- One row per segment: size, revenue and shares, for a bar or pie chart.
-- Reads customer_rfm, so refresh that first.
CREATE MATERIALIZED VIEW segment_summary AS
SELECT segment,
       count(*) AS customers,
       count(*)::float8 / sum(count(*)) OVER () AS customer_share,
       sum(monetary) AS revenue,
       (sum(monetary) / nullif(sum(sum(monetary)) OVER (), 0))::float8 AS revenue_share,
       avg(recency_days)::float8 AS avg_recency_days,
       avg(frequency)::float8 AS avg_frequency,
       avg(monetary) AS avg_monetary
FROM customer_rfm
GROUP BY segment;
CREATE UNIQUE INDEX segment_summary_segment ON segment_summary (segment);

-- The monthly cohort matrix as a plain table: one row per cohort and month
-- offset, ready for a heatmap (x = period_offset, y = cohort, colour =
-- retention). period is the calendar month of the cell; cumulative_revenue
-- is the cohort's revenue up to and including it (the LTV-by-cohort curve).
CREATE MATERIALIZED VIEW cohort_heatmap AS
SELECT t.cohort,
       t.period_offset,
       (t.cohort + make_interval(months => t.period_offset))::date AS period,
       t.cohort_size,
       t.active,
       t.retention,
       t.revenue,
       sum(t.revenue) OVER (PARTITION BY t.cohort ORDER BY t.period_offset) AS cumulative_revenue
FROM (SELECT cohort_retention(customer_id, order_date, 'month', amount) AS matrix FROM orders) AS m,
     cohort_table(m.matrix) AS t;
CREATE UNIQUE INDEX cohort_heatmap_cell ON cohort_heatmap (cohort, period_offset);

-- One row per customer: the buy-till-you-die summary in weeks, P(alive),
-- expected purchases and spend, and the 12-month CLV at 1 % a month
-- discount, from BG/NBD and Gamma-Gamma models fitted at each refresh over
-- all customers. The fitted parameters are in the fit_* columns (the same on
-- every row), so a dashboard can show and filter on them. The snapshot is
-- of whole days, as of midnight: orders of today are left out, so no
-- customer has t = 0 (bgnbd_fit requires t > 0; a customer first seen today
-- carries no information for the fit yet).
CREATE MATERIALIZED VIEW customer_clv AS
WITH summaries AS (
    SELECT customer_id, (btyd_summary(order_date, amount, current_date, 'week')).*
    FROM orders WHERE order_date < current_date GROUP BY customer_id
), fits AS (
    SELECT bgnbd_fit(frequency, recency, t) AS bg, gamma_gamma_fit(frequency, monetary_value) AS gg
    FROM summaries
)
SELECT s.customer_id,
       current_date AS as_of,
       s.frequency, s.recency AS recency_weeks, s.t AS age_weeks, s.monetary_value,
       bgnbd_p_alive(f.bg, s.frequency, s.recency, s.t) AS p_alive,
       bgnbd_expected_purchases(f.bg, 52.14, s.frequency, s.recency, s.t) AS expected_purchases_12m,
       gamma_gamma_expected_spend(f.gg, s.frequency, s.monetary_value) AS expected_spend,
       cltv(f.bg, f.gg, s.frequency, s.recency, s.t, s.monetary_value, 12, 0.01, 'week') AS clv_12m,
       (f.bg).r AS fit_r, (f.bg).alpha AS fit_alpha, (f.bg).a AS fit_a, (f.bg).b AS fit_b,
       (f.gg).p AS fit_p, (f.gg).q AS fit_q, (f.gg).v AS fit_v,
       (f.bg).converged AND (f.gg).converged AS fit_converged
FROM summaries AS s, fits AS f;
CREATE UNIQUE INDEX customer_clv_customer_id ON customer_clv (customer_id);

-- Refresh them all, in dependency order, without blocking readers.
CREATE PROCEDURE refresh_bi_views()
LANGUAGE sql
AS $$
REFRESH MATERIALIZED VIEW CONCURRENTLY customer_rfm;
REFRESH MATERIALIZED VIEW CONCURRENTLY segment_summary;
REFRESH MATERIALIZED VIEW CONCURRENTLY cohort_heatmap;
REFRESH MATERIALIZED VIEW CONCURRENTLY customer_clv;
$$;
