--
-- Properties of pareto_nbd_prob_purchases (the Pareto/NBD conditional PMF,
-- DESIGN section 7, doc/clv.md) that hold whatever the parameters: over n
-- it sums to 1, its mean is pareto_nbd_expected_purchases of the same
-- history and horizon (an independent closed form, Schmittlein et al.
-- 1987, times P(alive)), P(0) is at least P(dead) = 1 - pareto_nbd_p_alive,
-- horizon 0 is a point mass at 0, and P(0) falls as the horizon grows.
-- Parameters with alpha below, above and equal to beta, s below, at and
-- above 1, histories up to frequency 300. The agreement with mpmath is in
-- test/t/270_pareto_nbd_pmf_mpmath.pl.
--
BEGIN;
SELECT plan(7);

CREATE TEMP TABLE pmf_cases AS
SELECT row_number() OVER () AS id, pareto_nbd_model(r, alpha, s, beta) AS m, x, tx, t, h
FROM (VALUES (0.553::float8, 10.578::float8, 0.606::float8, 11.669::float8),
             (0.1458, 0.0436, 2.2689, 30.537),
             (2.5, 20, 3.5, 0.5),
             (0.8, 5, 1, 5)) AS p(r, alpha, s, beta),
     (VALUES (0, 0::float8, 38.86::float8), (2, 30.43, 38.86), (7, 29.43, 38.86), (300, 38, 38.86)) AS c(x, tx, t),
     (VALUES (1::float8), (39), (104)) AS hz(h);

CREATE TEMP TABLE pmf_values AS
SELECT id, n, pareto_nbd_prob_purchases(m, n, h, x, tx, t) AS p
FROM pmf_cases, generate_series(0, 1500) AS n;

SELECT is((SELECT count(*) FROM pmf_values WHERE NOT (p >= 0 AND p <= 1)), 0::bigint,
          'every probability lies in [0, 1]');
-- the tail beyond n = 1500 is below 1e-14 for every case (a negative
-- binomial with success odds h / (alpha + T + h) <= 0.97, times P(alive))
SELECT is((SELECT array_agg(id) FROM (SELECT id, sum(p) AS total FROM pmf_values GROUP BY id) AS s
           WHERE abs(total - 1) > 1e-12), NULL,
          'the probabilities of n = 0, 1, ... sum to 1 (to 1e-12) for each of 48 cases');
SELECT is((SELECT array_agg(c.id) FROM pmf_cases AS c,
                  LATERAL (SELECT sum(n * p) AS mean FROM pmf_values AS v WHERE v.id = c.id) AS s
           WHERE abs(s.mean - pareto_nbd_expected_purchases(c.m, c.h, c.x, c.tx, c.t))
                 > 1e-9 * pareto_nbd_expected_purchases(c.m, c.h, c.x, c.tx, c.t)), NULL,
          'the mean of the PMF is pareto_nbd_expected_purchases (relative 1e-9) for each case');
SELECT is((SELECT array_agg(c.id) FROM pmf_cases AS c JOIN pmf_values AS v ON v.id = c.id AND v.n = 0
           WHERE v.p < 1 - pareto_nbd_p_alive(c.m, c.x, c.tx, c.t) - 1e-15), NULL,
          'P(0) is at least the probability that the customer is gone');
SELECT is((SELECT array_agg(DISTINCT (n, pareto_nbd_prob_purchases(m, n, 0, x, tx, t))::text)
           FROM pmf_cases, generate_series(0, 2) AS n),
          '{"(0,1)","(1,0)","(2,0)"}', 'horizon 0: 1 for n = 0, 0 otherwise');
-- (for frequency 300 the alive customer's P(0) is below 1e-100, so P(0)
-- stays at P(dead) in float8)
SELECT ok((SELECT bool_and(pareto_nbd_prob_purchases(m, 0, h + 1, x, tx, t) <= pareto_nbd_prob_purchases(m, 0, h, x, tx, t))
                  AND bool_and(pareto_nbd_prob_purchases(m, 0, h + 1, x, tx, t) < pareto_nbd_prob_purchases(m, 0, h, x, tx, t))
                      FILTER (WHERE x < 300)
           FROM pmf_cases), 'P(0) falls as the horizon grows');
-- a closed form: with t_x = T the customer is alive (P(alive) = 1), and
-- with alpha = beta (A = alpha + T = beta + T, k = r + x) the dropout part
-- of P(0) integrates to s / (s + k) (1 - (A / (A + h))^(s + k)), so
-- P(0) = q + s / (s + k) (1 - q), q = (A / (A + h))^(s + k)
SELECT is((SELECT array_agg(s) FROM (VALUES (0.5::float8), (1), (2.5)) AS v(s),
                  LATERAL (SELECT (25 / 35.0::float8) ^ (s + 3.8) AS q) AS c
           WHERE abs(pareto_nbd_prob_purchases(pareto_nbd_model(0.8, 5, s, 5), 0, 10, 3, 20, 20)
                     - (q + s / (s + 3.8) * (1 - q))) > 1e-14), NULL,
          'P(0) of an alive customer with alpha = beta is the closed form');
SELECT * FROM finish();
ROLLBACK;
