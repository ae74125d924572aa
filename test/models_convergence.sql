--
-- What "converged" means (issue 12, items 4 and 10): a fit says converged
-- only at a verified interior maximum of the likelihood (optim_is_minimum
-- in src/math/optim.c, doc/clv.md "converged"). Named regression cases:
--
-- * pareto_nbd_fit(3, 5.0, 10.0), one customer, and bgnbd_fit over
--   (1000000, 10, 10), (0, 0, 10) said converged = t although the
--   likelihood keeps rising along a ray from the returned point (in
--   50-digit arithmetic: test/t/131_fits_no_maximum.pl checks those rays
--   with mpmath at the fitted points);
-- * one-customer fits of every model, fits with every frequency 0: no
--   interior maximum either;
-- * fits that have one stay converged: sBG on Fader & Hardie's (2007)
--   published cohort, BG/NBD, Pareto/NBD and Gamma-Gamma on simulated
--   customers (simulate_orders with a seed), penalized fits (CDNOW is in
--   test/t/020_cdnow_models.pl);
-- * a NULL penalizer is error 22004 in every penalized overload, not a
--   row skipped (which made the fit a silent NULL).
--
BEGIN;
SELECT plan(28);

-- issue 12 item 4: the two reported cases
SELECT is((pareto_nbd_fit(3, 5.0, 10.0)).converged, false,
          'issue 12: pareto_nbd_fit of one customer (3, 5, 10) is not converged');
SELECT is((SELECT (bgnbd_fit(f, r, t)).converged FROM (VALUES (1000000, 10::float8, 10::float8), (0, 0, 10)) AS v(f, r, t)),
          false, 'issue 12: bgnbd_fit over (1000000, 10, 10), (0, 0, 10) is not converged');
SELECT is((SELECT (pareto_nbd_fit(f, r, t)).converged FROM (VALUES (1000000, 10::float8, 10::float8), (0, 0, 10)) AS v(f, r, t)),
          false, 'pareto_nbd_fit over (1000000, 10, 10), (0, 0, 10) is not converged');
-- the best point found is still returned
SELECT ok((SELECT m.r > 0 AND m.alpha > 0 AND m.a > 0 AND m.b > 0 AND m.loglik IS NOT NULL AND m.n = 2
           FROM (SELECT (bgnbd_fit(f, r, t)).* FROM (VALUES (1000000, 10::float8, 10::float8), (0, 0, 10)) AS v(f, r, t)) AS m),
          'a fit without a maximum still returns its best point and log-likelihood');

-- one customer, each model
SELECT is((bgnbd_fit(3, 5.0, 10.0)).converged, false, 'bgnbd_fit of one customer is not converged');
SELECT is((pareto_nbd_fit(1, 2.0, 20.0)).converged, false, 'pareto_nbd_fit of another single customer is not converged');
SELECT is((gamma_gamma_fit(3, 5.0)).converged, false, 'gamma_gamma_fit of one customer is not converged');
SELECT is((SELECT (gamma_gamma_fit(f, m)).converged FROM (VALUES (1, 10::float8), (1, 10)) AS v(f, m)), false,
          'gamma_gamma_fit of two identical customers is not converged');
SELECT is((sbg_fit(ARRAY[1, 1, 0]::bigint[])).converged, false, 'sbg_fit of a one-customer cohort is not converged');
SELECT is((sbg_fit(ARRAY[1, 1, 1, 0]::bigint[])).converged, false, 'sbg_fit of a one-customer cohort over three periods is not converged');

-- every frequency 0
SELECT is((SELECT (bgnbd_fit(0, 0::float8, t::float8)).converged FROM generate_series(1, 50) AS t), false,
          'bgnbd_fit with every frequency 0 is not converged');
SELECT is((SELECT (pareto_nbd_fit(0, 0::float8, t::float8)).converged FROM generate_series(1, 50) AS t), false,
          'pareto_nbd_fit with every frequency 0 is not converged');
SELECT is((SELECT gamma_gamma_fit(0, m::float8) FROM generate_series(1, 50) AS m), NULL,
          'gamma_gamma_fit with every frequency 0 has no repeat customer: NULL');

-- fits with a maximum stay converged
SELECT is((sbg_fit(ARRAY[1000, 869, 743, 653, 593, 551, 517, 491]::bigint[])).converged, true,
          'sbg_fit of the "regular" cohort of Fader & Hardie (2007) converges');
SELECT is((sbg_fit(ARRAY[1000, 631, 468, 382, 326, 289, 262, 241]::bigint[])).converged, true,
          'sbg_fit of the "high end" cohort of Fader & Hardie (2007) converges');

CREATE TEMP TABLE convergence_summaries AS
SELECT o.customer_id, (btyd_summary(o.order_at, o.amount, date '2015-01-01' + 2730, 'week')).*
FROM simulate_orders(4000, 7, 0.243, 44.14, 0.793, 2.426, 6.25, 3.74, 15.44, date '2015-01-01', 2730) AS o
GROUP BY o.customer_id;

SELECT is((SELECT (bgnbd_fit(frequency, recency, t)).converged FROM convergence_summaries), true,
          'bgnbd_fit of 4,000 simulated customers converges');
SELECT is((SELECT (pareto_nbd_fit(frequency, recency, t)).converged FROM convergence_summaries), true,
          'pareto_nbd_fit of 4,000 simulated customers converges');
SELECT is((SELECT (gamma_gamma_fit(frequency, monetary_value)).converged FROM convergence_summaries WHERE monetary_value > 0), true,
          'gamma_gamma_fit of the simulated repeat customers converges');
SELECT is((SELECT (bgnbd_fit(frequency, recency, t, 0.01)).converged FROM convergence_summaries), true,
          'bgnbd_fit with penalizer 0.01 converges');
SELECT is((SELECT (gamma_gamma_fit(frequency, monetary_value, 0.01)).converged FROM convergence_summaries WHERE monetary_value > 0), true,
          'gamma_gamma_fit with penalizer 0.01 converges');
-- a penalty gives one customer a maximum
SELECT is((gamma_gamma_fit(3, 5.0, 0.1)).converged, true, 'gamma_gamma_fit of one customer with penalizer 0.1 converges');

-- issue 12 item 10: a NULL penalizer is an error, in every overload
SELECT throws_ok($$SELECT bgnbd_fit(3, 5::float8, 10::float8, NULL::float8)$$, '22004', 'penalizer must not be NULL',
                 'issue 12: bgnbd_fit with a NULL penalizer is error 22004');
SELECT throws_ok($$SELECT bgnbd_fit(3::float8, 5::float8, 10::float8, NULL::float8)$$, '22004', 'penalizer must not be NULL',
                 'bgnbd_fit (float8 frequency) with a NULL penalizer is error 22004');
SELECT throws_ok($$SELECT gamma_gamma_fit(3, 5::float8, NULL::float8)$$, '22004', 'penalizer must not be NULL',
                 'issue 12: gamma_gamma_fit with a NULL penalizer is error 22004');
SELECT throws_ok($$SELECT gamma_gamma_fit(3::float8, 5::float8, NULL::float8)$$, '22004', 'penalizer must not be NULL',
                 'gamma_gamma_fit (float8 frequency) with a NULL penalizer is error 22004');
SELECT throws_ok($$SELECT gamma_gamma_fit(0, 5::float8, NULL::float8)$$, '22004', 'penalizer must not be NULL',
                 'gamma_gamma_fit: a NULL penalizer is an error on a frequency-0 row too');
SELECT throws_ok($$SELECT bgnbd_fit(f, r, t, p) FROM (VALUES (3, 5::float8, 10::float8, 0::float8), (2, 1, 4, NULL)) AS v(f, r, t, p)$$,
                 '22004', 'penalizer must not be NULL', 'bgnbd_fit: a NULL penalizer after a good row is error 22004');
-- NULL data rows are still skipped
SELECT is((SELECT (bgnbd_fit(f, r, t, 0.0)).n FROM (VALUES (3, 5::float8, 10::float8), (NULL, 1, 4)) AS v(f, r, t)), 1::bigint,
          'bgnbd_fit with a penalizer still skips a row with a NULL frequency');

SELECT * FROM finish();
ROLLBACK;
