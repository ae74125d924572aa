-- examples/revenue.sql: BI-ready views of revenue retention over an
-- invoices table
--     invoices (customer_id bigint, invoiced_on date, amount numeric)
-- (refunds as negative amounts). One materialized revenue_matrix by month,
-- refreshed nightly (examples/pg_cron.sql shows the scheduling), and plain
-- views over it whose columns are built-in types only, so any BI tool can
-- chart them: the MRR waterfall and NRR/GRR by month. doc/revenue.md
-- explains the definitions; sql/revenue.sql loads this file.

-- The matrix: one row, rebuilt by REFRESH MATERIALIZED VIEW monthly_revenue.
-- (A single-row view needs no unique index for a plain refresh; the
-- readers below are cheap next to the aggregate.)
CREATE MATERIALIZED VIEW monthly_revenue AS
SELECT revenue_retention(customer_id, invoiced_on, amount, 'month') AS matrix FROM invoices;

-- The MRR waterfall, one row per month, with the month before's MRR and a
-- check column (always true: mrr = previous + new + expansion +
-- reactivation - contraction - churned).
CREATE VIEW mrr_waterfall AS
SELECT m.period AS month, m.customers, m.mrr,
       coalesce(lag(m.mrr) OVER (ORDER BY m.period), 0) AS previous_mrr,
       m.new, m.expansion, m.reactivation, -m.contraction AS contraction, -m.churned AS churned,
       m.mrr = coalesce(lag(m.mrr) OVER (ORDER BY m.period), 0)
               + m.new + m.expansion + m.reactivation - m.contraction - m.churned AS balanced
FROM monthly_revenue, mrr_movements(matrix) AS m;

-- Net and gross revenue retention by month: month over month (lag 1) and
-- year over year (lag 12).
CREATE VIEW revenue_retention_by_month AS
SELECT n.period AS month, l.lag AS lag_months, n.starting_mrr, n.nrr, n.grr
FROM monthly_revenue, (VALUES (1), (12)) AS l(lag), net_revenue_retention(matrix, l.lag) AS n;
