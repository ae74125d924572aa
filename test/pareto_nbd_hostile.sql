--
-- Pareto/NBD completed (DESIGN section 7, issue 16 item 3): a new customer's
-- expected purchases pareto_nbd_expected_purchases(model, horizon) against a
-- plain-SQL quadrature of E[X(h)] = (r / alpha) * integral from 0 to h of
-- (beta / (beta + u))^s du (the expectation of lambda (1 - e^(-mu h)) / mu
-- over the two gammas, Schmittlein et al. 1987), its hostile inputs; the
-- penalizer overloads of pareto_nbd_fit (penalty 0 is the plain fit, a
-- penalty shrinks the parameters, NULL and negative penalties are errors);
-- and the regression case of the slow likelihood: a fit over 20,000
-- hash-generated summaries (bench/clv.sh's set, beta far above alpha at the
-- optimum) within a 10 s statement timeout, which 0.1.0 ran past (28 s on
-- the loaded development machine, release build; 1.1 s now).
--
BEGIN;
SELECT plan(33);
SET LOCAL statement_timeout = '30s';

CREATE FUNCTION pg_temp.pn(r float8, alpha float8, s float8, beta float8) RETURNS pareto_nbd
LANGUAGE sql IMMUTABLE AS $$SELECT pareto_nbd_model(r, alpha, s, beta)$$;

-- Simpson's rule over 4000 panels of (r / alpha) (beta / (beta + u))^s on [0, h]
CREATE FUNCTION pg_temp.simpson(r float8, alpha float8, s float8, beta float8, h float8) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
    SELECT r / alpha * h / 12000.0 * sum(CASE WHEN k IN (0, 4000) THEN 1 WHEN k % 2 = 1 THEN 4 ELSE 2 END
                                          * (beta / (beta + h * k / 4000.0)) ^ s)
    FROM generate_series(0, 4000) AS k
$$;

CREATE FUNCTION pg_temp.close(got float8, want float8, tol float8) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$SELECT abs(got - want) <= tol * abs(want)$$;

-- 1. a new customer's expected purchases against the quadrature
SELECT ok(pg_temp.close(pareto_nbd_expected_purchases(pg_temp.pn(r, alpha, s, beta), h),
                        pg_temp.simpson(r, alpha, s, beta, h), 1e-9),
          format('pareto_nbd_expected_purchases(model, h): r %s alpha %s s %s beta %s h %s matches the quadrature',
                 r, alpha, s, beta, h))
FROM (VALUES (0.553::float8, 10.578::float8, 0.606::float8, 11.667::float8, 39::float8),
             (0.553, 10.578, 0.606, 11.667, 1),
             (0.553, 10.578, 1, 11.667, 52),
             (0.553, 10.578, 1 + 1e-12, 11.667, 52),
             (0.553, 10.578, 1 - 1e-9, 11.667, 52),
             (2.5, 0.5, 3.5, 20, 104),
             (0.1458, 0.0436, 2.2689, 30.537, 52),
             (1e-6, 1e-3, 0.05, 2, 10)) AS v(r, alpha, s, beta, h);

-- the s = 1 limit in closed form: (r / alpha) beta log(1 + h / beta)
SELECT ok(pg_temp.close(pareto_nbd_expected_purchases(pg_temp.pn(0.553, 10.578, 1, 11.667), 52),
                        0.553 / 10.578 * 11.667 * ln(1 + 52 / 11.667::float8), 1e-14),
          'pareto_nbd_expected_purchases(model, h): s = 1 is r beta log(1 + h / beta) / alpha');
-- a customer seen at T = 0 with no repeat purchase is alive: the conditional
-- expectation at t -> 0 tends to the new customer's
SELECT ok(pg_temp.close(pareto_nbd_expected_purchases(pg_temp.pn(0.553, 10.578, 0.606, 11.667), 39, 0, 0, 1e-9),
                        pareto_nbd_expected_purchases(pg_temp.pn(0.553, 10.578, 0.606, 11.667), 39), 1e-8),
          'pareto_nbd_expected_purchases(model, h) is the conditional one at frequency 0, t -> 0');
-- increasing in the horizon, 0 at 0
SELECT is(pareto_nbd_expected_purchases(pg_temp.pn(0.553, 10.578, 0.606, 11.667), 0), 0::float8,
          'pareto_nbd_expected_purchases(model, 0) is 0');
SELECT ok((SELECT bool_and(e2 > e1) FROM (
              SELECT pareto_nbd_expected_purchases(pg_temp.pn(0.553, 10.578, 0.606, 11.667), h) AS e1,
                     pareto_nbd_expected_purchases(pg_temp.pn(0.553, 10.578, 0.606, 11.667), h + 1) AS e2
              FROM generate_series(0, 200) AS h) AS q),
          'pareto_nbd_expected_purchases(model, h) increases with h');

-- hostile inputs
SELECT is(pareto_nbd_expected_purchases(NULL::pareto_nbd, 10), NULL, 'pareto_nbd_expected_purchases(model, h): NULL model gives NULL');
SELECT is(pareto_nbd_expected_purchases(pg_temp.pn(0.553, 10.578, 0.606, 11.667), NULL), NULL,
          'pareto_nbd_expected_purchases(model, h): NULL horizon gives NULL');
SELECT is(pareto_nbd_expected_purchases(ROW(1, 1, NULL, 1, NULL, NULL, NULL, NULL)::pareto_nbd, 10), NULL,
          'pareto_nbd_expected_purchases(model, h): a NULL parameter gives NULL');
SELECT throws_ok($$SELECT pareto_nbd_expected_purchases(pg_temp.pn(0.553, 10.578, 0.606, 11.667), -1)$$, '22023',
                 'horizon must not be negative');
SELECT throws_ok($$SELECT pareto_nbd_expected_purchases(pg_temp.pn(0.553, 10.578, 0.606, 11.667), 'NaN')$$, '22023',
                 'horizon must be a finite number');
SELECT throws_ok($$SELECT pareto_nbd_expected_purchases(pg_temp.pn(0.553, 10.578, 0.606, 11.667), 'Infinity')$$, '22023',
                 'horizon must be a finite number');
SELECT throws_ok($$SELECT pareto_nbd_expected_purchases(ROW(1, -1, 1, 1, NULL, NULL, NULL, NULL)::pareto_nbd, 10)$$, '22023',
                 'model parameter alpha must be positive');
SELECT throws_ok($$SELECT pareto_nbd_expected_purchases(ROW(1, 1, 'Infinity', 1, NULL, NULL, NULL, NULL)::pareto_nbd, 10)$$, '22023',
                 's must be a finite number');
SELECT is(pareto_nbd_expected_purchases(pg_temp.pn(1e-300, 1e300, 0.5, 1), 1e300), 0::float8,
          'pareto_nbd_expected_purchases(model, h): r / alpha below the smallest float8 gives 0');
SELECT throws_ok($$SELECT pareto_nbd_expected_purchases(pg_temp.pn(1e300, 1e-300, 0.5, 1e300), 1e300)$$, '22003', NULL,
                 'pareto_nbd_expected_purchases(model, h): an overflowing value is an error, not Infinity');

-- 2. the penalizer overloads
CREATE TEMP TABLE hs AS
WITH c AS (
    SELECT i,
           ((hashint8extended(i, 1) & 2147483647) + 0.5) / 2147483648.0 AS u1,
           ((hashint8extended(i, 2) & 2147483647) + 0.5) / 2147483648.0 AS u2,
           ((hashint8extended(i, 3) & 2147483647) + 0.5) / 2147483648.0 AS u3,
           ((hashint8extended(i, 4) & 2147483647) + 0.5) / 2147483648.0 AS u4
    FROM generate_series(1, 20000) AS i
), d AS (
    SELECT i, CASE WHEN u1 < 0.45 THEN 0 ELSE least(300, 1 + floor(3 * u2 ^ -0.9))::integer END AS frequency,
           1 + floor(u3 * 364)::integer AS age_days, u4
    FROM c
)
SELECT i, frequency,
       CASE WHEN frequency = 0 THEN 0 ELSE greatest(1, floor(u4 * age_days)) / 7.0 END::float8 AS recency,
       (age_days / 7.0)::float8 AS t
FROM d;

SELECT is((SELECT pareto_nbd_fit(frequency, recency, t, 0::float8) FROM hs WHERE i <= 500),
          (SELECT pareto_nbd_fit(frequency, recency, t) FROM hs WHERE i <= 500),
          'pareto_nbd_fit(..., penalizer 0) is the unpenalized fit');
SELECT is((SELECT pareto_nbd_fit(frequency::float8, recency, t, 0.01::float8) FROM hs WHERE i <= 500),
          (SELECT pareto_nbd_fit(frequency, recency, t, 0.01::float8) FROM hs WHERE i <= 500),
          'pareto_nbd_fit(float8 frequency, ..., penalizer) is the integer overload');
SELECT ok((SELECT (p).converged AND (p).r ^ 2 + (p).alpha ^ 2 + (p).s ^ 2 + (p).beta ^ 2
                  < (u).r ^ 2 + (u).alpha ^ 2 + (u).s ^ 2 + (u).beta ^ 2
                  AND (p).loglik < (u).loglik
           FROM (SELECT pareto_nbd_fit(frequency, recency, t, 0.01::float8) AS p,
                        pareto_nbd_fit(frequency, recency, t) AS u FROM hs WHERE i <= 500) AS q),
          'pareto_nbd_fit(..., penalizer 0.01) converges with smaller parameters and a lower log-likelihood');
SELECT throws_ok($$SELECT pareto_nbd_fit(frequency, recency, t, NULL::float8) FROM hs WHERE i <= 10$$, '22004',
                 'penalizer must not be NULL');
SELECT throws_ok($$SELECT pareto_nbd_fit(frequency::float8, recency, t, NULL::float8) FROM hs WHERE i <= 10$$, '22004',
                 'penalizer must not be NULL');
SELECT throws_ok($$SELECT pareto_nbd_fit(frequency, recency, t, -0.5::float8) FROM hs WHERE i <= 10$$, '22023',
                 'penalizer must not be negative');
SELECT throws_ok($$SELECT pareto_nbd_fit(frequency, recency, t, 'NaN'::float8) FROM hs WHERE i <= 10$$, '22023',
                 'penalizer must be a finite number');
SELECT throws_ok($$SELECT pareto_nbd_fit(frequency, recency, t, i::float8) FROM hs WHERE i <= 10$$, '22023',
                 'penalizer must be the same for every row of a fit');
SELECT throws_ok($$SELECT pareto_nbd_fit(frequency + 0.5, recency, t, 0::float8) FROM hs WHERE i <= 10$$, '22023',
                 'frequency must be a non-negative integer');
SELECT is((SELECT pareto_nbd_fit(frequency, recency, t, 0.1::float8) FROM hs WHERE false), NULL,
          'pareto_nbd_fit(..., penalizer) of no rows is NULL');

-- 3. the slow case of 0.1.0: 20,000 hash-generated summaries, beta / alpha
-- near 700 at the optimum (series of thousands of terms a row in 0.1.0)
SET LOCAL statement_timeout = '10s';
SELECT ok((SELECT (f).converged AND (f).beta / (f).alpha > 100 FROM (SELECT pareto_nbd_fit(frequency, recency, t) AS f FROM hs) AS q),
          'pareto_nbd_fit over 20,000 hash-generated summaries converges within 10 s');

SELECT * FROM finish();
ROLLBACK;
