--
-- Parameter recovery: simulate_orders draws 100,000 customers (8
-- replicates of 12,500 with different seeds) from a BG/NBD purchase process
-- and Gamma-Gamma spend with known parameters; btyd_summary summarizes
-- them; bgnbd_fit and gamma_gamma_fit must recover the truth. The
-- tolerance is 4 standard errors of the pooled 100,000-customer fit, each
-- standard error estimated from the spread of the 8 replicate fits
-- (sd / sqrt(8)), so it comes from the data, not from the truth.
--
-- Rates are a tenth of the CDNOW estimates (alpha 44.14 per week instead
-- of 4.414) over ten times as long (2,730 days): the same expected number
-- of purchases, but hardly ever two on one day, which btyd_summary would
-- merge (see doc/simulate_orders.md: at the CDNOW rates merging biases
-- alpha upward by about 5 standard errors).
--
BEGIN;
SELECT plan(11);

CREATE TEMP TABLE recovery_summaries AS
SELECT s AS replicate, o.customer_id,
       (btyd_summary(o.order_at, o.amount, date '2015-01-01' + 2730, 'week')).*
FROM generate_series(1, 8) AS s,
     LATERAL simulate_orders(12500, s, 0.243, 44.14, 0.793, 2.426, 6.25, 3.74, 15.44,
                             date '2015-01-01', 2730) AS o
GROUP BY s, o.customer_id;

CREATE TEMP TABLE recovery_fits AS
SELECT replicate,
       bgnbd_fit(frequency, recency, t) AS bg,
       gamma_gamma_fit(frequency, monetary_value) FILTER (WHERE monetary_value > 0) AS gg
FROM recovery_summaries GROUP BY replicate;

CREATE TEMP TABLE recovery_pooled AS
SELECT bgnbd_fit(frequency, recency, t) AS bg,
       gamma_gamma_fit(frequency, monetary_value) FILTER (WHERE monetary_value > 0) AS gg
FROM recovery_summaries;

SELECT is((SELECT count(*) FROM recovery_summaries), 100000::bigint, '100,000 simulated customers summarized');
SELECT is((SELECT count(*) FROM recovery_fits WHERE (bg).converged AND (gg).converged), 8::bigint,
          'every replicate fit converges');
SELECT ok((SELECT (bg).converged AND (gg).converged FROM recovery_pooled), 'the pooled fits converge');

CREATE TEMP TABLE recovery_check AS
SELECT name, truth, pooled, se
FROM (VALUES
    ('r', 0.243, (SELECT (bg).r FROM recovery_pooled), (SELECT stddev_samp((bg).r) FROM recovery_fits)),
    ('alpha', 44.14, (SELECT (bg).alpha FROM recovery_pooled), (SELECT stddev_samp((bg).alpha) FROM recovery_fits)),
    ('a', 0.793, (SELECT (bg).a FROM recovery_pooled), (SELECT stddev_samp((bg).a) FROM recovery_fits)),
    ('b', 2.426, (SELECT (bg).b FROM recovery_pooled), (SELECT stddev_samp((bg).b) FROM recovery_fits)),
    ('p', 6.25, (SELECT (gg).p FROM recovery_pooled), (SELECT stddev_samp((gg).p) FROM recovery_fits)),
    ('q', 3.74, (SELECT (gg).q FROM recovery_pooled), (SELECT stddev_samp((gg).q) FROM recovery_fits)),
    ('v', 15.44, (SELECT (gg).v FROM recovery_pooled), (SELECT stddev_samp((gg).v) FROM recovery_fits))
) AS v(name, truth, pooled, sd),
LATERAL (SELECT sd / sqrt(8) AS se) AS e;

SELECT ok(abs(pooled - truth) <= 4 * se,
          format('%s: fitted %s, truth %s, standard error %s', name,
                 round(pooled::numeric, 4), truth, round(se::numeric, 4)))
FROM recovery_check ORDER BY name;

-- the standard errors are real spreads, not zero (a test that cannot fail)
SELECT ok((SELECT bool_and(se > 0 AND se < 0.2 * truth) FROM recovery_check),
          'every standard error is positive and below 20% of its parameter');

SELECT * FROM finish();
ROLLBACK;
