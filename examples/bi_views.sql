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

-- Refresh them all, in dependency order, without blocking readers.
CREATE PROCEDURE refresh_bi_views()
LANGUAGE sql
AS $$
REFRESH MATERIALIZED VIEW CONCURRENTLY customer_rfm;
REFRESH MATERIALIZED VIEW CONCURRENTLY segment_summary;
REFRESH MATERIALIZED VIEW CONCURRENTLY cohort_heatmap;
$$;
