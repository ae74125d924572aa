--
-- MBG/NBD parameter recovery (issue 16 items 1 and 6,
-- doc/simulate_orders.md): simulate_mbgnbd_orders draws 40,000 customers
-- with known (r, alpha, a, b); btyd_summary summarizes them in weeks;
-- mbgnbd_fit must recover each parameter within 3 of its own standard
-- errors (mbgnbd_params, doc/uncertainty.md), those standard errors must be
-- real (positive, below a quarter of the parameter), and the MBG/NBD fit
-- must fit them better than bgnbd_fit (whose customers cannot drop out at
-- the first purchase).
--
-- The truth is lifetimes' CDNOW MBG/NBD fit (r 0.525, alpha 6.183, a
-- 0.891, b 1.614 per week) with the purchase rate ten times lower (alpha
-- 61.83) over ten times as long (2,730 days), so that purchases hardly
-- ever fall two on one day (doc/simulate_orders.md).
--
BEGIN;
SELECT plan(8);
SET LOCAL statement_timeout = '300s';

CREATE TEMP TABLE mbg_summaries AS
SELECT (btyd_summary(order_at, amount, date '2015-01-01' + 2730, 'week')).*
FROM simulate_mbgnbd_orders(40000, 2026, 0.525, 61.83, 0.891, 1.614, 6.25, 3.74, 15.44, '2015-01-01', 2730)
GROUP BY customer_id;

CREATE TEMP TABLE mbg_fit AS
SELECT mbgnbd_fit(frequency, recency, t) AS m, bgnbd_fit(frequency, recency, t) AS bg FROM mbg_summaries;

SELECT is((SELECT (m).n FROM mbg_fit), 40000::bigint, 'the fit counts 40,000 simulated customers');
SELECT ok((SELECT (m).converged FROM mbg_fit), 'the fit converges');
SELECT ok(abs(p.estimate - t.truth) <= 3 * p.std_error,
          format('%s = %s recovered: estimate %s, standard error %s', p.parameter, t.truth,
                 round(p.estimate::numeric, 4), round(p.std_error::numeric, 4)))
FROM mbg_fit, mbgnbd_params(m) AS p
JOIN (VALUES ('r', 0.525), ('alpha', 61.83), ('a', 0.891), ('b', 1.614)) AS t(parameter, truth) USING (parameter)
ORDER BY p.parameter;
SELECT ok((SELECT bool_and(p.std_error > 0 AND p.std_error < 0.25 * p.estimate) FROM mbg_fit, mbgnbd_params(m) AS p),
          'every standard error is positive and below a quarter of its parameter');
SELECT ok((SELECT (m).loglik > (bg).loglik FROM mbg_fit), 'MBG/NBD fits its own customers better than BG/NBD');

SELECT * FROM finish();
ROLLBACK;
