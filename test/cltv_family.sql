--
-- cltv_interval(mbgnbd, ...) and cltv_interval(pareto_nbd, ...) (DESIGN
-- sections 6 and 7, doc/uncertainty.md): the estimate is the model's cltv,
-- the delta method on the log scale against the same interval computed in
-- plain SQL from central differences of cltv (another step) for one
-- uncertain parameter at a time, the two models' variances adding, and the
-- hostile inputs cltv_interval(bgnbd, ...) refuses (level, covariances that
-- are not positive semi-definite, NULL). The plain-SQL sums of cltv itself
-- are in sql/clv_family.sql.
--
BEGIN;
SELECT plan(22);
\ir lib/setup.sql

-- z = R's qnorm(0.95) = 1.6448536269514722 for a 90% interval
CREATE FUNCTION pg_temp.mb(r float8, alpha float8, a float8, b float8, cov float8[]) RETURNS mbgnbd
LANGUAGE sql IMMUTABLE AS $$SELECT ROW(r, alpha, a, b, NULL, NULL, NULL, cov)::mbgnbd$$;
CREATE FUNCTION pg_temp.pn(r float8, alpha float8, s float8, beta float8, cov float8[]) RETURNS pareto_nbd
LANGUAGE sql IMMUTABLE AS $$SELECT ROW(r, alpha, s, beta, NULL, NULL, NULL, cov)::pareto_nbd$$;
CREATE FUNCTION pg_temp.gg(cov float8[]) RETURNS gamma_gamma
LANGUAGE sql IMMUTABLE AS $$SELECT ROW(6.25, 3.74, 15.44, NULL, NULL, NULL, cov)::gamma_gamma$$;
-- a 4 x 4 covariance with variance v at position i, 0 elsewhere
CREATE FUNCTION pg_temp.cov4(i integer, v float8) RETURNS float8[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT array_agg(row_v ORDER BY k) FROM (
        SELECT k, array_agg(CASE WHEN k = i AND j = i THEN v ELSE 0 END ORDER BY j) AS row_v
        FROM generate_series(1, 4) AS k, generate_series(1, 4) AS j GROUP BY k) AS s
$$;
-- the interval from plain SQL: value v, derivative d, standard deviation sd
-- of the parameter: V exp(-+ z sd |d| / V)
CREATE FUNCTION pg_temp.matches(lower float8, upper float8, v float8, d float8, sd float8) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT abs(lower / (v * exp(-1.6448536269514722 * sd * abs(d) / v)) - 1) < 1e-6
       AND abs(upper / (v * exp(1.6448536269514722 * sd * abs(d) / v)) - 1) < 1e-6
$$;
CREATE FUNCTION pg_temp.gg0() RETURNS gamma_gamma
LANGUAGE sql IMMUTABLE AS $$SELECT pg_temp.gg('{{0,0,0},{0,0,0},{0,0,0}}')$$;

-- the estimate is cltv, inside its interval
SELECT ok((SELECT i.estimate = cltv(mbgnbd_model(0.525, 6.183, 0.891, 1.614), pg_temp.gg0(), 2, 30, 38, 25, 12, 0.01, 'week')
                  AND i.lower < i.estimate AND i.estimate < i.upper
           FROM cltv_interval(pg_temp.mb(0.525, 6.183, 0.891, 1.614, pg_temp.cov4(1, 1e-4)), pg_temp.gg0(),
                              2, 30, 38, 25, 12, 0.01, 'week', 0.9) AS i),
          'mbgnbd: the estimate is cltv, inside its interval');
SELECT ok((SELECT i.estimate = cltv(pareto_nbd_model(0.553, 10.578, 0.606, 11.669), pg_temp.gg0(), 2, 30, 38, 25, 12, 0.01, 'week')
                  AND i.lower < i.estimate AND i.estimate < i.upper
           FROM cltv_interval(pg_temp.pn(0.553, 10.578, 0.606, 11.669, pg_temp.cov4(1, 1e-4)), pg_temp.gg0(),
                              2, 30, 38, 25, 12, 0.01, 'week', 0.9) AS i),
          'pareto_nbd: the estimate is cltv, inside its interval');

-- the delta method against plain SQL, one parameter uncertain at a time
-- (sd 1% of it), the derivative by central differences of cltv with a
-- relative step of 1e-5
SELECT ok(pg_temp.matches(i.lower, i.upper, v, d, 0.01 * p[k]),
          format('mbgnbd: the delta-method interval for an uncertain %s is plain SQL''s', name))
FROM (VALUES (1, 'r'), (2, 'alpha'), (3, 'a'), (4, 'b')) AS w(k, name),
     LATERAL (SELECT ARRAY[0.525, 6.183, 0.891, 1.614]::float8[] AS p) AS base,
     LATERAL cltv_interval(pg_temp.mb(p[1], p[2], p[3], p[4], pg_temp.cov4(k, (0.01 * p[k]) ^ 2)), pg_temp.gg0(),
                           2, 30, 38, 25, 12, 0.01, 'week', 0.9) AS i,
     LATERAL (SELECT cltv(mbgnbd_model(p[1], p[2], p[3], p[4]), pg_temp.gg0(), 2, 30, 38, 25, 12, 0.01, 'week') AS v,
                     (cltv(mbgnbd_model(p[1] * (1 + 1e-5 * (k = 1)::int), p[2] * (1 + 1e-5 * (k = 2)::int),
                                        p[3] * (1 + 1e-5 * (k = 3)::int), p[4] * (1 + 1e-5 * (k = 4)::int)),
                           pg_temp.gg0(), 2, 30, 38, 25, 12, 0.01, 'week')
                      - cltv(mbgnbd_model(p[1] * (1 - 1e-5 * (k = 1)::int), p[2] * (1 - 1e-5 * (k = 2)::int),
                                          p[3] * (1 - 1e-5 * (k = 3)::int), p[4] * (1 - 1e-5 * (k = 4)::int)),
                             pg_temp.gg0(), 2, 30, 38, 25, 12, 0.01, 'week'))
                     / (2e-5 * p[k]) AS d) AS g
ORDER BY k;
SELECT ok(pg_temp.matches(i.lower, i.upper, v, d, 0.01 * p[k]),
          format('pareto_nbd: the delta-method interval for an uncertain %s is plain SQL''s', name))
FROM (VALUES (1, 'r'), (2, 'alpha'), (3, 's'), (4, 'beta')) AS w(k, name),
     LATERAL (SELECT ARRAY[0.553, 10.578, 0.606, 11.669]::float8[] AS p) AS base,
     LATERAL cltv_interval(pg_temp.pn(p[1], p[2], p[3], p[4], pg_temp.cov4(k, (0.01 * p[k]) ^ 2)), pg_temp.gg0(),
                           2, 30, 38, 25, 12, 0.01, 'week', 0.9) AS i,
     LATERAL (SELECT cltv(pareto_nbd_model(p[1], p[2], p[3], p[4]), pg_temp.gg0(), 2, 30, 38, 25, 12, 0.01, 'week') AS v,
                     (cltv(pareto_nbd_model(p[1] * (1 + 1e-5 * (k = 1)::int), p[2] * (1 + 1e-5 * (k = 2)::int),
                                            p[3] * (1 + 1e-5 * (k = 3)::int), p[4] * (1 + 1e-5 * (k = 4)::int)),
                           pg_temp.gg0(), 2, 30, 38, 25, 12, 0.01, 'week')
                      - cltv(pareto_nbd_model(p[1] * (1 - 1e-5 * (k = 1)::int), p[2] * (1 - 1e-5 * (k = 2)::int),
                                              p[3] * (1 - 1e-5 * (k = 3)::int), p[4] * (1 - 1e-5 * (k = 4)::int)),
                             pg_temp.gg0(), 2, 30, 38, 25, 12, 0.01, 'week'))
                     / (2e-5 * p[k]) AS d) AS g
ORDER BY k;

-- the spend model's variance adds to the purchase model's: with both
-- uncertain, the log-scale half-widths add in squares
SELECT ok((SELECT abs(ln(both_.upper / both_.estimate) ^ 2
                      - ln(pur.upper / pur.estimate) ^ 2 - ln(sp.upper / sp.estimate) ^ 2)
                  < 1e-9 * ln(both_.upper / both_.estimate) ^ 2
           FROM cltv_interval(pg_temp.pn(0.553, 10.578, 0.606, 11.669, pg_temp.cov4(3, 1e-3)),
                              pg_temp.gg('{{0.1,0,0},{0,0,0},{0,0,0}}'), 2, 30, 38, 25, 12, 0.01, 'week', 0.9) AS both_,
                cltv_interval(pg_temp.pn(0.553, 10.578, 0.606, 11.669, pg_temp.cov4(3, 1e-3)),
                              pg_temp.gg0(), 2, 30, 38, 25, 12, 0.01, 'week', 0.9) AS pur,
                cltv_interval(pg_temp.pn(0.553, 10.578, 0.606, 11.669, pg_temp.cov4(3, 0)),
                              pg_temp.gg('{{0.1,0,0},{0,0,0},{0,0,0}}'), 2, 30, 38, 25, 12, 0.01, 'week', 0.9) AS sp),
          'pareto_nbd: the spend variance adds to the purchase variance');

-- hostile inputs, as cltv_interval(bgnbd, ...)
SELECT is(pg_temp.failure($$SELECT cltv_interval(mbgnbd_model(0.525, 6.183, 0.891, 1.614), pg_temp.gg0(), 2, 30, 38, 25, 12, 0.01, 'week', 1)$$),
          '22023 level is 1; a confidence level is above 0 and below 1, such as 0.95.', 'mbgnbd: level 1 is an error');
SELECT is(pg_temp.failure($$SELECT cltv_interval(pareto_nbd_model(0.553, 10.578, 0.606, 11.669), pg_temp.gg0(), 2, 30, 38, 25, 12, 0.01, 'week', 'NaN')$$),
          '22023 level is NaN; a confidence level is above 0 and below 1, such as 0.95.', 'pareto_nbd: level NaN is an error');
SELECT is((SELECT row(i.estimate = cltv(pareto_nbd_model(0.553, 10.578, 0.606, 11.669), pg_temp.gg0(), 2, 30, 38, 25, 12, 0.01, 'week'),
                      i.lower, i.upper)::text
           FROM cltv_interval(pareto_nbd_model(0.553, 10.578, 0.606, 11.669), pg_temp.gg0(), 2, 30, 38, 25, 12, 0.01, 'week', 0.9) AS i),
          '(t,,)', 'pareto_nbd: a model without covariance gives the estimate with NULL bounds');
SELECT is((SELECT row(i.*)::text FROM cltv_interval(pg_temp.mb(0.525, 6.183, 0.891, 1.614, pg_temp.cov4(1, 1e-4)), pg_temp.gg0(),
                                                    2, 30, 38, 25, 0, 0.01, 'week', 0.9) AS i),
          '(0,0,0)', 'mbgnbd: months 0 gives (0, 0, 0)');
SELECT is(cltv_interval(NULL::pareto_nbd, pg_temp.gg0(), 2, 30, 38, 25, 12, 0.01, 'week', 0.9),
          NULL, 'pareto_nbd: a NULL model gives NULL');
SELECT is(cltv(NULL::mbgnbd, pg_temp.gg0(), 2, 30, 38, 25, 12, 0.01, 'week'),
          NULL, 'mbgnbd: cltv of a NULL model is NULL');
-- an untyped model argument could be any of the three models: the call is
-- refused, never resolved to one of them in silence
SELECT throws_ok($$SELECT cltv(NULL, pg_temp.gg0(), 2, 30, 38, 25, 12, 0.01, 'week')$$, '42725', NULL,
                 'cltv with an untyped NULL model is ambiguous (42725)');
SELECT is(cltv_interval(ROW(0.525, NULL, 0.891, 1.614, NULL, NULL, NULL, NULL)::mbgnbd, pg_temp.gg0(), 2, 30, 38, 25, 12, 0.01, 'week', 0.9),
          NULL, 'mbgnbd: a NULL parameter gives NULL');
SELECT is(pg_temp.failure($$SELECT cltv_interval(pareto_nbd_model(0.553, 10.578, 0.606, 11.669), pg_temp.gg0(), 2, 40, 38, 25, 12, 0.01, 'week', 0.9)$$),
          '22023 recency is 40 and t is 38.', 'pareto_nbd: recency above t is an error');
SELECT is(pg_temp.failure($$SELECT cltv_interval(pg_temp.pn(0.553, 10.578, 0.606, 11.669, '{{1,0,0,0},{0,1,0,0},{0,0,1,0},{0,0,0,-1}}'),
                                                 pg_temp.gg0(), 2, 30, 38, 25, 12, 0.01, 'week', 0.9)$$),
          '22023 Variance 4 on the diagonal is -1, a variance cannot be negative.', 'pareto_nbd: a negative variance is an error');
-- the value rises with r and with alpha falling: a large positive
-- covariance of r and alpha with small variances is not positive
-- semi-definite and gives a negative variance of the value
SELECT is(pg_temp.failure($$SELECT cltv_interval(pg_temp.mb(0.525, 6.183, 0.891, 1.614, '{{0.0001,1,0,0},{1,0.0001,0,0},{0,0,0,0},{0,0,0,0}}'),
                                                 pg_temp.gg0(), 2, 30, 38, 25, 12, 0.01, 'week', 0.9)$$) ~ '^22023 The covariance is not positive semi-definite',
          true, 'mbgnbd: a covariance that is not positive semi-definite is an error');

SELECT * FROM finish();
ROLLBACK;
