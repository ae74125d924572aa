--
-- Pareto/NBD parameter recovery (issue 16 items 3 and 6,
-- doc/simulate_orders.md): simulate_pareto_nbd_orders draws 40,000
-- customers with known (r, alpha, s, beta); btyd_summary summarizes them
-- in weeks; pareto_nbd_fit must recover each parameter within 3 of its
-- own standard errors (pareto_nbd_params: the observed information at the
-- optimum, doc/uncertainty.md), and those standard errors must be real
-- (positive, below a quarter of the parameter), so that the test can fail.
--
-- The truth is Fader, Hardie & Lee's CDNOW estimates (r 0.55, alpha 10.58,
-- s 0.61, beta 11.67 per week) with both rates ten times lower (alpha
-- 105.8, beta 116.7) over ten times as long (2,730 days): purchases hardly
-- ever fall two on one day, which btyd_summary would merge (see
-- doc/simulate_orders.md, "mind the day resolution").
--
BEGIN;
SELECT plan(8);
SET LOCAL statement_timeout = '300s';

CREATE TEMP TABLE pnbd_summaries AS
SELECT (btyd_summary(order_at, amount, date '2015-01-01' + 2730, 'week')).*
FROM simulate_pareto_nbd_orders(40000, 2026, 0.55, 105.8, 0.61, 116.7, 6.25, 3.74, 15.44, '2015-01-01', 2730)
GROUP BY customer_id;

CREATE TEMP TABLE pnbd_fit AS
SELECT pareto_nbd_fit(frequency, recency, t, w) AS m
FROM (SELECT frequency, recency, t, count(*) AS w FROM pnbd_summaries GROUP BY 1, 2, 3) AS g;

SELECT is((SELECT (m).n FROM pnbd_fit), 40000::bigint, 'the fit counts 40,000 simulated customers');
SELECT ok((SELECT (m).converged FROM pnbd_fit), 'the fit converges');
SELECT ok(abs(p.estimate - t.truth) <= 3 * p.std_error,
          format('%s = %s recovered: estimate %s, standard error %s', p.parameter, t.truth,
                 round(p.estimate::numeric, 4), round(p.std_error::numeric, 4)))
FROM pnbd_fit, pareto_nbd_params(m) AS p
JOIN (VALUES ('r', 0.55), ('alpha', 105.8), ('s', 0.61), ('beta', 116.7)) AS t(parameter, truth) USING (parameter)
ORDER BY p.parameter;
SELECT ok((SELECT bool_and(p.std_error > 0 AND p.std_error < 0.25 * p.estimate) FROM pnbd_fit, pareto_nbd_params(m) AS p),
          'every standard error is positive and below a quarter of its parameter');
SELECT is((SELECT count(*) FROM pnbd_summaries WHERE frequency > 0), (SELECT count(*) FROM pnbd_summaries WHERE recency > 0),
          'repeat buyers are the customers with a positive recency (no two purchases merged into the first day)');

SELECT * FROM finish();
ROLLBACK;
