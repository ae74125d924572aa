-- Issue 12's cases of the model accessors, each a named regression test,
-- and the model constructors (bgnbd_model, pareto_nbd_model,
-- gamma_gamma_model, sbg_model): validation errors and the round trip with
-- the composites. Expected values come from closed forms or limits stated
-- beside them; the high-precision comparisons are in
-- test/t/120_models_mpmath.pl.
BEGIN;
SELECT plan(40);

-- constructors: the composite, parameters as given, the rest NULL
SELECT is(bgnbd_model(0.243, 4.414, 0.793, 2.426),
          row(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL, NULL)::bgnbd, 'bgnbd_model round trip');
SELECT is(pareto_nbd_model(0.55, 10.58, 0.61, 11.67),
          row(0.55, 10.58, 0.61, 11.67, NULL, NULL, NULL, NULL)::pareto_nbd, 'pareto_nbd_model round trip');
SELECT is(gamma_gamma_model(6.25, 3.74, 15.44),
          row(6.25, 3.74, 15.44, NULL, NULL, NULL, NULL)::gamma_gamma, 'gamma_gamma_model round trip');
SELECT is(sbg_model(0.704, 1.182), row(0.704, 1.182, NULL, NULL, NULL)::sbg, 'sbg_model round trip');
SELECT is((bgnbd_model(1, 2, 3, 4)).converged, NULL, 'a constructed model has converged NULL');
SELECT is(bgnbd_p_alive(bgnbd_model(0.243, 4.414, 0.793, 2.426), 2, 30.43, 38.86),
          bgnbd_p_alive(row(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL, NULL)::bgnbd, 2, 30.43, 38.86),
          'accessors take a constructed model as the composite');
SELECT throws_ok($$SELECT bgnbd_model(0, 1, 1, 1)$$, '22023',
                 'model parameter r must be positive', 'bgnbd_model r = 0');
SELECT throws_ok($$SELECT bgnbd_model(1, -1, 1, 1)$$, '22023',
                 'model parameter alpha must be positive', 'bgnbd_model alpha < 0');
SELECT throws_ok($$SELECT bgnbd_model(1, 1, 'NaN', 1)$$, '22023',
                 'a must be a finite number', 'bgnbd_model a NaN');
SELECT throws_ok($$SELECT bgnbd_model(1, 1, 1, 'Infinity')$$, '22023',
                 'b must be a finite number', 'bgnbd_model b infinite');
SELECT throws_ok($$SELECT pareto_nbd_model(1, 1, 0, 1)$$, '22023',
                 'model parameter s must be positive', 'pareto_nbd_model s = 0');
SELECT throws_ok($$SELECT pareto_nbd_model(1, 1, 1, '-Infinity')$$, '22023',
                 'beta must be a finite number', 'pareto_nbd_model beta -Infinity');
SELECT throws_ok($$SELECT gamma_gamma_model(1, 1, -0.0)$$, '22023',
                 'model parameter v must be positive', 'gamma_gamma_model v = -0');
SELECT throws_ok($$SELECT sbg_model('NaN', 1)$$, '22023',
                 'alpha must be a finite number', 'sbg_model alpha NaN');
SELECT is(bgnbd_model(NULL, 1, 1, 1), NULL, 'constructors are strict');

-- every accessor checks a model built by record input the same way
SELECT throws_ok($$SELECT sbg_survival(row('NaN', 1, NULL, NULL, NULL)::sbg, 1)$$, '22023',
                 'alpha must be a finite number', 'sbg_survival validates its model');
SELECT throws_ok($$SELECT gamma_gamma_expected_spend(row(1, 2, 0, NULL, NULL, NULL, NULL)::gamma_gamma, 1, 1)$$,
                 '22023', 'model parameter v must be positive', 'gamma_gamma_expected_spend validates its model');

-- issue 12 item 2: limits that exist are computed
SELECT is(bgnbd_prob_purchases(bgnbd_model(0.243, 4.414, 0.793, 2.426), 0, 1e-308), 1::float8,
          'issue 12 item 2: P(X = 0) over a horizon of 1e-308 is 1');
SELECT is(bgnbd_prob_purchases(bgnbd_model(0.243, 4.414, 0.793, 2.426), 1, 1e-308), 0::float8,
          'issue 12 item 2: P(X = 1) over a horizon of 1e-308 is 0 (to float8)');
SELECT is(sbg_survival(sbg_model(1.7976931348623157e308, 1.7976931348623157e308), 0), 1::float8,
          'issue 12 item 2: sbg S(0) = 1 at alpha = beta = DBL_MAX');
-- S(t) = prod (beta + j - 1) / (alpha + beta + j - 1) = 2^-3 at alpha = beta
SELECT ok(abs(sbg_survival(sbg_model(1.7976931348623157e308, 1.7976931348623157e308), 3) - 0.125) < 1e-15,
          'issue 12 item 2: sbg S(3) = 1/8 at alpha = beta = DBL_MAX');
SELECT is(sbg_retention(sbg_model(1.7976931348623157e308, 1.7976931348623157e308), 3), 0.5::float8,
          'issue 12 item 2: sbg retention 1/2 at alpha = beta = DBL_MAX');
-- p (v + x zbar) / (p x + q - 1) -> (v + x zbar) / (x + 1) = 1 as p = q -> infinity
SELECT ok(abs(gamma_gamma_expected_spend(gamma_gamma_model(1e308, 1e308, 1), 1, 1) - 1) < 1e-15,
          'issue 12 item 2: gamma_gamma_expected_spend with p = q = 1e308');
-- a / (b + x - 1) = 1 and (alpha + T) / (alpha + t_x) -> 1: odds e^((r+x) log1p(1/alpha)) = e
SELECT ok(abs(bgnbd_p_alive(bgnbd_model(1.7976931348623157e308, 1.7976931348623157e308,
                                        1.7976931348623157e308, 1.7976931348623157e308), 1, 1, 2)
              - 1 / (1 + exp(1))) < 1e-15,
          'issue 12 item 2: bgnbd_p_alive with parameters at DBL_MAX');
SELECT throws_ok($$SELECT pareto_nbd_p_alive(pareto_nbd_model(1.7976931348623157e308, 1.7976931348623157e308,
                                                              1.7976931348623157e308, 1.7976931348623157e308), 1, 1, 2)$$,
                 '22003', NULL, 'issue 12 item 2: pareto_nbd_p_alive at DBL_MAX is a clean 22003');
SELECT throws_ok($$SELECT cltv(bgnbd_model(1.7976931348623157e308, 1.7976931348623157e308, 1.7976931348623157e308,
                                           1.7976931348623157e308), gamma_gamma_model(6.25, 3.74, 15.44),
                               1, 1, 2, 10, 12, 0.01, 'week')$$,
                 '22003', NULL, 'issue 12 item 2: the probabilistic cltv at DBL_MAX is a clean 22003');

-- issue 12 item 3: large b is accurate or an error; FHL eq. 10 in 50 digits is 0.0862356 at b = 1e12
-- and (r + x) h / (alpha + T) = 0.0863 bounds it
SELECT ok(abs(bgnbd_expected_purchases(bgnbd_model(0.243, 4.414, 0.793, 1e12), 1, 1, 1, 10) - 0.0862356) < 5e-8,
          'issue 12 item 3: b = 1e12 gives 0.0862356');
SELECT ok(bgnbd_expected_purchases(bgnbd_model(0.243, 4.414, 0.793, 1e16), 1, 1, 1, 10) < 1.243 / 14.414,
          'issue 12 item 3: b = 1e16 stays below (r + x) h / (alpha + T), not 0.25');
SELECT ok(bgnbd_expected_purchases(bgnbd_model(0.243, 4.414, 0.793, 1e20), 1, 1, 1, 10) < 1.243 / 14.414,
          'issue 12 item 3: b = 1e20 stays below (r + x) h / (alpha + T), not 2048');
-- as b -> infinity p -> 0 and E[X(h)] -> E[lambda h] = r h / alpha
SELECT ok(abs(bgnbd_expected_purchases(bgnbd_model(0.243, 4.414, 0.793, 1e18), 10) / (0.243 * 10 / 4.414) - 1) < 1e-12,
          'issue 12 item 3: the new-customer form at b = 1e18 is its limit r h / alpha, not 32');
SELECT ok(abs(bgnbd_expected_purchases(bgnbd_model(0.243, 4.414, 0.793, exp(30)), 1, 1, 1, 10)
              - bgnbd_expected_purchases(bgnbd_model(0.243, 4.414, 0.793, 1e20), 1, 1, 1, 10)) < 1e-9,
          'issue 12 item 3: b = e^30 agrees with the b -> infinity limit');

-- issue 12 item 6: the tail is an incomplete beta function, not a sum over 1e12 terms
SELECT ok(bgnbd_prob_purchases(bgnbd_model(0.001, 1, 1, 1), 1, 1e12) BETWEEN 0 AND 1,
          'issue 12 item 6: bgnbd_prob_purchases at horizon 1e12 answers');
SELECT ok((SELECT sum(bgnbd_prob_purchases(bgnbd_model(0.243, 4.414, 0.793, 2.426), n, 52))
           FROM generate_series(0, 2000) n) BETWEEN 1 - 1e-12 AND 1 + 1e-12,
          'the purchase probabilities sum to 1');

-- issue 12 item 8: the discounted sum is bounded
SELECT throws_ok($$SELECT cltv(bgnbd_model(0.243, 4.414, 0.793, 2.426), gamma_gamma_model(6.25, 3.74, 15.44),
                               2, 30.43, 38.86, 20, 2147483647, 0.001, 'week')$$,
                 '54000', NULL, 'issue 12 item 8: cltv over 2^31 months at 0.001 is refused');
SELECT ok(cltv(bgnbd_model(0.243, 4.414, 0.793, 2.426), gamma_gamma_model(6.25, 3.74, 15.44),
               2, 30.43, 38.86, 20, 2147483647, 0.05, 'week')
          BETWEEN cltv(bgnbd_model(0.243, 4.414, 0.793, 2.426), gamma_gamma_model(6.25, 3.74, 15.44),
                       2, 30.43, 38.86, 20, 1200, 0.05, 'week') AND
                  cltv(bgnbd_model(0.243, 4.414, 0.793, 2.426), gamma_gamma_model(6.25, 3.74, 15.44),
                       2, 30.43, 38.86, 20, 1200, 0.05, 'week') * (1 + 1e-10),
          'issue 12 item 8: cltv over 2^31 months at 0.05 is the sum to convergence');

-- issue 12 item 10: messages name the real cause
SELECT lives_ok($$SELECT bgnbd_expected_purchases(bgnbd_model(0.243, 4.414, 0.793, 1e7), 1, 1, 1, 10)$$,
                'issue 12 item 10: b = 1e7 is computed, not blamed on the horizon');
SELECT throws_ok($$SELECT bgnbd_expected_purchases(bgnbd_model(0.243, 4.414, 0.793, 2.426), 1e12, 1, 1, 10)$$,
                 '22003', 'expected purchases cannot be computed for horizon 1000000000000',
                 'a horizon a hundred billion times alpha + t is blamed on the horizon');
SELECT is(sbg_derl(sbg_model(1, 1), 1e300, 1), 0.5::float8,
          'issue 12 item 10: sbg_derl at d = 1e300 is the first payment times the retention rate');
SELECT throws_ok($$SELECT sbg_derl(sbg_model(0.5, 0.5), 1e-12, 1)$$, '22003',
                 'discounted expected residual lifetime cannot be computed for discount_rate 1e-12',
                 'sbg_derl blames a tiny discount rate only when it is one');
SELECT throws_ok($$SELECT sbg_derl(sbg_model(1.7976931348623157e308, 1.7976931348623157e308), 0.1, 1)$$, '22003',
                 'discounted expected residual lifetime cannot be computed for these model parameters',
                 'sbg_derl blames the parameters when they overflow');

SELECT * FROM finish();
ROLLBACK;
