--
-- The fits' covariance, the <model>_params tables and cltv_interval (DESIGN
-- section 6, doc/uncertainty.md) against bad and edge input: hand-written
-- covariances (wrong shape, NULL, NaN, negative variances, not positive
-- semi-definite), fits without an interior optimum (NULL covariance, never
-- NaN), confidence levels outside (0, 1), NULL arguments, models without a
-- covariance. The standard errors on CDNOW against lifetimes and mpmath
-- are in test/t/200_model_params_cdnow.pl; coverage in
-- test/cltv_interval_coverage.sql.
--
BEGIN;
SELECT plan(46);
\ir lib/setup.sql

CREATE TEMP TABLE customers AS SELECT * FROM pg_temp.simulated_customers(600, 3);

CREATE TEMP TABLE fits AS
SELECT (SELECT bgnbd_fit(x, tx, t) FROM customers) AS bg,
       (SELECT pareto_nbd_fit(x, tx, t) FROM customers) AS pn,
       (SELECT gamma_gamma_fit(x, m) FROM customers WHERE x > 0) AS gg,
       sbg_fit(ARRAY[1000, 869, 743, 653, 593, 551, 517, 491]::bigint[]) AS sb;

-- fitted covariances: square, exactly symmetric, positive variances
SELECT ok((SELECT (bg).converged AND (pn).converged AND (gg).converged AND (sb).converged FROM fits),
          'the four fits converge');
SELECT is((SELECT array_dims((bg).covariance) || array_dims((pn).covariance) ||
                  array_dims((gg).covariance) || array_dims((sb).covariance) FROM fits),
          '[1:4][1:4][1:4][1:4][1:3][1:3][1:2][1:2]', 'covariances are k x k');
SELECT ok((SELECT bool_and(c[i][j] = c[j][i] AND (i <> j OR c[i][i] > 0))
           FROM (SELECT (bg).covariance FROM fits UNION ALL SELECT (pn).covariance FROM fits
                 UNION ALL SELECT (gg).covariance FROM fits UNION ALL SELECT (sb).covariance FROM fits) AS f(c),
                generate_series(1, array_length(c, 1)) AS i, generate_series(1, array_length(c, 1)) AS j),
          'covariances are symmetric with positive variances');
SELECT ok((SELECT bool_and(std_error > 0 AND lower_95 < estimate AND estimate < upper_95)
           FROM fits, LATERAL (SELECT * FROM bgnbd_params(bg) UNION ALL SELECT * FROM pareto_nbd_params(pn)
                               UNION ALL SELECT * FROM gamma_gamma_params(gg) UNION ALL SELECT * FROM sbg_params(sb)) AS p),
          'every fitted parameter has a standard error and an interval around it');
SELECT is((SELECT string_agg(parameter, ',') FROM fits, LATERAL (
               SELECT * FROM bgnbd_params(bg) UNION ALL SELECT * FROM pareto_nbd_params(pn)
               UNION ALL SELECT * FROM gamma_gamma_params(gg) UNION ALL SELECT * FROM sbg_params(sb)) AS p),
          'r,alpha,a,b,r,alpha,s,beta,p,q,v,alpha,beta', 'the tables name the parameters in order');
SELECT ok((SELECT bg::text::bgnbd = bg AND (bg::text::bgnbd).covariance = (bg).covariance
                  AND (pn::text::pareto_nbd).covariance = (pn).covariance
                  AND (gg::text::gamma_gamma).covariance = (gg).covariance
                  AND (sb::text::sbg).covariance = (sb).covariance FROM fits),
          'the text form keeps the covariance exactly');
-- a penalizer changes the objective, so the covariance
SELECT ok((SELECT (bgnbd_fit(x, tx, t, 0.1)).covariance <> (SELECT (bg).covariance FROM fits) FROM customers),
          'bgnbd_fit with a penalizer: the covariance of the penalised objective');

-- no interior optimum: NULL covariance, never NaN
SELECT is((SELECT (bgnbd_fit(2, 10, 30)).covariance), NULL, 'bgnbd_fit of one customer: covariance NULL');
SELECT is((SELECT (bgnbd_fit(0, 0, t)).covariance FROM customers), NULL, 'bgnbd_fit without repeat purchases: covariance NULL');
SELECT is((SELECT (gamma_gamma_fit(3, 20.0)).covariance), NULL, 'gamma_gamma_fit of one customer: covariance NULL');
SELECT is((SELECT (pareto_nbd_fit(2, 10, 30)).covariance), NULL, 'pareto_nbd_fit of one customer: covariance NULL');
SELECT is((sbg_fit(ARRAY[1000, 500]::bigint[])).covariance, NULL, 'sbg_fit of one period (not identified): covariance NULL');
SELECT is((sbg_fit(ARRAY[1000, 1000, 1000]::bigint[])).covariance, NULL, 'sbg_fit without churn: covariance NULL');
SELECT ok((SELECT bool_and(c IS NULL OR NOT ('NaN' = ANY (c) OR 'Infinity' = ANY (c) OR '-Infinity' = ANY (c)))
           FROM (SELECT (bgnbd_fit(x, tx, t)).covariance AS c FROM customers GROUP BY i % 37) AS f),
          '37 small fits: each covariance NULL or finite');
SELECT ok((SELECT bool_and(NOT converged OR covariance IS NOT NULL)
           FROM (SELECT (bgnbd_fit(x, tx, t)).* FROM customers GROUP BY i % 3) AS f),
          'a converged fit of 200 customers has a covariance');
SELECT is((SELECT count(*) FROM (SELECT bgnbd_fit(2, 10, 30) AS m) AS f, bgnbd_params(m) WHERE std_error IS NULL AND lower_95 IS NULL AND upper_95 IS NULL),
          4::bigint, 'bgnbd_params of a fit without covariance: NULL standard errors and intervals');

-- models without a covariance: constructors, NULL parameters, NULL model
SELECT is((SELECT string_agg(concat_ws(' ', parameter, estimate, coalesce(std_error::text, 'null'),
                                       coalesce(lower_95::text, 'null'), coalesce(upper_95::text, 'null')), ', ')
           FROM gamma_gamma_params(gamma_gamma_model(6.25, 3.74, 15.44))),
          'p 6.25 null null null, q 3.74 null null null, v 15.44 null null null',
          'gamma_gamma_params of a constructed model: estimates, no standard errors');
SELECT is((SELECT count(*) FROM sbg_params(ROW(NULL, 1, NULL, false, '{{1,0},{0,1}}')::sbg)
           WHERE estimate IS NULL AND std_error IS NULL), 2::bigint,
          'sbg_params of a model with a NULL parameter: NULL rows, the names kept');
SELECT is((SELECT count(*) FROM bgnbd_params(NULL::bgnbd)), 0::bigint, 'bgnbd_params(NULL): no rows');
SELECT throws_ok($$SELECT * FROM bgnbd_params(ROW(-1, 1, 1, 1, NULL, NULL, NULL, NULL)::bgnbd)$$, '22023',
                 'model parameter r must be positive', 'bgnbd_params checks the parameters');

-- hand-written covariances: read as given, checked
SELECT is((SELECT string_agg(parameter || ' ' || std_error || ' ' || lower_95 || ' ' || upper_95, ', ')
           FROM sbg_params(ROW(0.5, 2, NULL, NULL, '{{0.01,0.002},{0.002,0.25}}')::sbg)),
          'alpha 0.1 0.304 0.696, beta 0.5 1.02 2.98', 'sbg_params of a stored covariance: sqrt of the diagonal, estimate -+ 1.96 se');
SELECT is(pg_temp.failure($$SELECT * FROM sbg_params(ROW(0.5, 2, NULL, NULL, '{0.01,0.25}')::sbg)$$),
          '22023 The covariance must be a 2 x 2 matrix; it has 1 dimensions.', 'a one-dimensional covariance is an error');
SELECT is(pg_temp.failure($$SELECT * FROM bgnbd_params(ROW(1, 1, 1, 1, NULL, NULL, NULL, '{{1,0},{0,1}}')::bgnbd)$$),
          '22023 The covariance must be a 4 x 4 matrix; it has 2 dimensions of 2 x 2.', 'a covariance of the wrong size is an error');
SELECT is(pg_temp.failure($$SELECT * FROM sbg_params(ROW(0.5, 2, NULL, NULL, '{{0.01,NULL},{0.002,0.25}}')::sbg)$$),
          '22023 Element 2 of the covariance is NULL.', 'a NULL in the covariance is an error');
SELECT is(pg_temp.failure($$SELECT * FROM sbg_params(ROW(0.5, 2, NULL, NULL, '{{0.01,0},{0,NaN}}')::sbg)$$),
          '22023 Element 4 of the covariance is NaN.', 'a NaN in the covariance is an error');
SELECT is(pg_temp.failure($$SELECT * FROM sbg_params(ROW(0.5, 2, NULL, NULL, '{{0.01,-Infinity},{0,1}}')::sbg)$$),
          '22023 Element 2 of the covariance is -Infinity.', 'an infinite covariance is an error');
SELECT is(pg_temp.failure($$SELECT * FROM sbg_params(ROW(0.5, 2, NULL, NULL, '{{0.01,0},{0,-1}}')::sbg)$$),
          '22023 Variance 2 on the diagonal is -1, a variance cannot be negative.', 'a negative variance is an error');
SELECT is(pg_temp.failure($$SELECT * FROM sbg_params(ROW(0.5, 2, NULL, NULL, '[0:1][0:1]={{0.01,0},{0,1}}')::sbg)$$),
          'no error', 'a covariance with other array bounds reads by position');

-- cltv_interval: level
SELECT is(pg_temp.failure($$SELECT cltv_interval(bg, gg, 2, 30, 38, 25, 12, 0.01, 'week', 0) FROM fits$$),
          '22023 level is 0; a confidence level is above 0 and below 1, such as 0.95.', 'cltv_interval: level 0 is an error');
SELECT is(pg_temp.failure($$SELECT cltv_interval(bg, gg, 2, 30, 38, 25, 12, 0.01, 'week', 1) FROM fits$$),
          '22023 level is 1; a confidence level is above 0 and below 1, such as 0.95.', 'cltv_interval: level 1 is an error');
SELECT is(pg_temp.failure($$SELECT cltv_interval(bg, gg, 2, 30, 38, 25, 12, 0.01, 'week', 95) FROM fits$$),
          '22023 level is 95; a confidence level is above 0 and below 1, such as 0.95.', 'cltv_interval: level 95 (a percentage) is an error');
SELECT is(pg_temp.failure($$SELECT cltv_interval(bg, gg, 2, 30, 38, 25, 12, 0.01, 'week', 'NaN') FROM fits$$),
          '22023 level is NaN; a confidence level is above 0 and below 1, such as 0.95.', 'cltv_interval: level NaN is an error');
SELECT is(pg_temp.failure($$SELECT cltv_interval(bg, gg, 2, 30, 38, 25, 12, 0.01, 'week', '-Infinity') FROM fits$$),
          '22023 level is -Infinity; a confidence level is above 0 and below 1, such as 0.95.', 'cltv_interval: level -Infinity is an error');
SELECT is((SELECT cltv_interval(bg, gg, 2, 30, 38, 25, 12, 0.01, 'week', NULL) FROM fits), NULL, 'cltv_interval: NULL level gives NULL');
SELECT is((SELECT cltv_interval(NULL::bgnbd, gg, 2, 30, 38, 25, 12, 0.01, 'week', 0.9) FROM fits), NULL, 'cltv_interval: NULL model gives NULL');

-- cltv_interval: the estimate is cltv, the interval holds it; the customer checks of cltv
SELECT ok((SELECT i.estimate = cltv(bg, gg, 2, 30, 38, 25, 12, 0.01, 'week') AND i.lower < i.estimate AND i.estimate < i.upper
           FROM fits, LATERAL cltv_interval(bg, gg, 2, 30, 38, 25, 12, 0.01, 'week', 0.9) AS i),
          'cltv_interval: the estimate is cltv, inside its interval');
SELECT ok((SELECT i95.lower < i90.lower AND i90.upper < i95.upper
           FROM fits, LATERAL cltv_interval(bg, gg, 2, 30, 38, 25, 12, 0.01, 'week', 0.9) AS i90,
                LATERAL cltv_interval(bg, gg, 2, 30, 38, 25, 12, 0.01, 'week', 0.95) AS i95),
          'cltv_interval: a higher level gives a wider interval');
SELECT ok((SELECT i.lower = i.estimate AND i.upper = i.estimate
           FROM fits, LATERAL cltv_interval(bg, gg, 2, 30, 38, 25, 12, 0.01, 'week', 1e-300) AS i),
          'cltv_interval: a level near 0 gives the point interval (z = 0)');
SELECT ok((SELECT 0 < i.lower AND i.lower < i95.lower AND i95.upper < i.upper AND i.upper < 'Infinity'
           FROM fits, LATERAL cltv_interval(bg, gg, 2, 30, 38, 25, 12, 0.01, 'week', 0.9999999999999999) AS i,
                LATERAL cltv_interval(bg, gg, 2, 30, 38, 25, 12, 0.01, 'week', 0.95) AS i95),
          'cltv_interval: the largest level below 1 gives a finite, wider interval (z = 8.2)');
SELECT is((SELECT row(i.*)::text FROM fits, LATERAL cltv_interval(bg, gg, 2, 30, 38, 25, 0, 0.01, 'week', 0.9) AS i),
          '(0,0,0)', 'cltv_interval: months 0 gives (0, 0, 0)');
SELECT is((SELECT row(i.estimate = cltv(bgnbd_model(0.243, 4.414, 0.793, 2.426), gg, 2, 30, 38, 25, 12, 0.01, 'week'),
                      i.lower, i.upper)::text
           FROM fits, LATERAL cltv_interval(bgnbd_model(0.243, 4.414, 0.793, 2.426), gg, 2, 30, 38, 25, 12, 0.01, 'week', 0.9) AS i),
          '(t,,)', 'cltv_interval: a model without covariance gives the estimate with NULL bounds');
SELECT is(pg_temp.failure($$SELECT cltv_interval(bg, gg, 2, 40, 38, 25, 12, 0.01, 'week', 0.9) FROM fits$$),
          pg_temp.failure($$SELECT cltv(bg, gg, 2, 40, 38, 25, 12, 0.01, 'week') FROM fits$$),
          'cltv_interval: recency above t is the error cltv gives');
SELECT is(pg_temp.failure($$SELECT cltv_interval(bg, gg, 2, 30, 38, 25, -1, 0.01, 'week', 0.9) FROM fits$$),
          '22023 months is -1.', 'cltv_interval: negative months is an error');
-- a covariance that is not positive semi-definite: the value rises with p
-- and falls with q, so a large positive covariance of p and q gives a
-- negative variance
SELECT is(pg_temp.failure($$SELECT cltv_interval(ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL, '{{0,0,0,0},{0,0,0,0},{0,0,0,0},{0,0,0,0}}')::bgnbd,
                                                 ROW(6.25, 3.74, 15.44, NULL, NULL, NULL, '{{0.01,100,0},{100,0.01,0},{0,0,0}}')::gamma_gamma,
                                                 2, 30, 38, 25, 12, 0.01, 'week', 0.9)$$) ~ '^22023 The covariance is not positive semi-definite',
          true, 'cltv_interval: a covariance that is not positive semi-definite is an error');
SELECT is(pg_temp.failure($$SELECT cltv_interval(ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL, '{{1,0,0,0},{0,1,0,0},{0,0,1,0},{0,0,0,-1}}')::bgnbd,
                                                 ROW(6.25, 3.74, 15.44, NULL, NULL, NULL, '{{0,0,0},{0,0,0},{0,0,0}}')::gamma_gamma,
                                                 2, 30, 38, 25, 12, 0.01, 'week', 0.9)$$),
          '22023 Variance 4 on the diagonal is -1, a variance cannot be negative.', 'cltv_interval: a negative variance is an error');

-- the delta method against plain SQL: only r uncertain (sd 0.01), the
-- gradient by central differences of cltv with another step (1e-5), the
-- interval V exp(-+ z sd / V) with R's qnorm(0.95) = 1.6448536269514722
SELECT ok((SELECT abs(i.lower / (v * exp(-1.6448536269514722 * 0.01 * abs(d) / v)) - 1) < 1e-6
               AND abs(i.upper / (v * exp(1.6448536269514722 * 0.01 * abs(d) / v)) - 1) < 1e-6
           FROM (SELECT ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL, '{{1e-4,0,0,0},{0,0,0,0},{0,0,0,0},{0,0,0,0}}')::bgnbd AS bg,
                        ROW(6.25, 3.74, 15.44, NULL, NULL, NULL, '{{0,0,0},{0,0,0},{0,0,0}}')::gamma_gamma AS gg) AS m,
                LATERAL cltv_interval(m.bg, m.gg, 2, 30, 38, 25, 12, 0.01, 'week', 0.9) AS i,
                LATERAL (SELECT cltv(bgnbd_model(0.243, 4.414, 0.793, 2.426), m.gg, 2, 30, 38, 25, 12, 0.01, 'week') AS v,
                                (cltv(bgnbd_model(0.243 * (1 + 1e-5), 4.414, 0.793, 2.426), m.gg, 2, 30, 38, 25, 12, 0.01, 'week')
                                 - cltv(bgnbd_model(0.243 * (1 - 1e-5), 4.414, 0.793, 2.426), m.gg, 2, 30, 38, 25, 12, 0.01, 'week'))
                                / (2 * 0.243e-5) AS d) AS g),
          'cltv_interval: the delta method on the log scale as plain SQL computes it');

SELECT * FROM finish();
ROLLBACK;
