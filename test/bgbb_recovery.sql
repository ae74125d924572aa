--
-- BG/BB parameter recovery (DESIGN section 7, doc/btyd_family.md): 20,000
-- donors simulated in SQL from hash uniforms (no random()) with known
-- (alpha, beta, gamma, delta) = (2, 3, 1, 4) over 8 opportunities: p ~
-- Beta(2, 3) and theta ~ Beta(1, 4) drawn as ratios of sums of
-- exponentials (G2 / (G2 + G3), G1 / (G1 + G4)); before each opportunity
-- an alive donor dies with probability theta, an alive donor transacts
-- with probability p. bgbb_fit over the grouped histories recovers each
-- parameter within 3 of bgbb_params' standard errors. Then the same with
-- 20,000 donors of simulate_bgbb_histories (issue 16 item 6) with the
-- paper's donation estimates (1.204, 0.750, 0.657, 2.783) over 6
-- opportunities, whose standard errors must be real (positive, below a
-- quarter of the parameter) so that the test can fail.
--
BEGIN;
SELECT plan(13);
SET LOCAL statement_timeout = '120s';
\ir lib/setup.sql

-- e(i, k): an exponential draw, -ln of a uniform in (0, 1)
CREATE FUNCTION pg_temp.e(i bigint, k bigint) RETURNS float8 LANGUAGE sql IMMUTABLE
AS $$ SELECT -ln(pg_temp.u(i, k) + 0.5 / 1048576) $$;

CREATE TEMP TABLE donors AS
WITH c AS (
    SELECT i, (pg_temp.e(i, 1) + pg_temp.e(i, 2))
              / (pg_temp.e(i, 1) + pg_temp.e(i, 2) + pg_temp.e(i, 3) + pg_temp.e(i, 4) + pg_temp.e(i, 5)) AS p,
           pg_temp.e(i, 6) / (pg_temp.e(i, 6) + pg_temp.e(i, 7) + pg_temp.e(i, 8) + pg_temp.e(i, 9) + pg_temp.e(i, 10)) AS theta
    FROM generate_series(1, 20000) AS i
), d AS (
    SELECT i, p, coalesce((SELECT min(j) FROM generate_series(1, 8) AS j WHERE pg_temp.u(i, 100 + j) < theta), 9) AS death
    FROM c
)
SELECT i, count(j)::integer AS x, coalesce(max(j), 0) AS tx, 8 AS n
FROM d LEFT JOIN LATERAL (SELECT j FROM generate_series(1, 8) AS j
                          WHERE j < d.death AND pg_temp.u(d.i, 200 + j) < d.p) AS t ON true
GROUP BY i;

CREATE TEMP TABLE fit AS
SELECT bgbb_fit(x, tx, n, w) AS m FROM (SELECT x, tx, n, count(*) AS w FROM donors GROUP BY x, tx, n) AS g;

SELECT is((SELECT (m).n FROM fit), 20000::bigint, 'the fit counts 20,000 donors');
SELECT ok((SELECT (m).converged FROM fit), 'the fit converges');
SELECT is((SELECT m::text FROM fit), (SELECT bgbb_fit(x, tx, n)::text FROM donors),
          'the fit of the grouped histories is the fit of the donors');
SELECT ok(abs(p.estimate - t.truth) < 3 * p.std_error,
          format('%s = %s recovered: estimate %s, standard error %s', p.parameter, t.truth,
                 round(p.estimate::numeric, 3), round(p.std_error::numeric, 3)))
FROM fit, bgbb_params(m) AS p
JOIN (VALUES ('alpha', 2.0), ('beta', 3.0), ('gamma', 1.0), ('delta', 4.0)) AS t(parameter, truth) USING (parameter)
ORDER BY p.parameter;

-- the simulator's donors
CREATE TEMP TABLE simulated_fit AS
SELECT bgbb_fit(frequency, recency, n_periods, w) AS m
FROM (SELECT frequency, recency, n_periods, count(*) AS w
      FROM simulate_bgbb_histories(20000, 2026, 1.204, 0.750, 0.657, 2.783, 6)
      GROUP BY frequency, recency, n_periods) AS g;

SELECT ok((SELECT (m).converged AND (m).n = 20000 FROM simulated_fit), 'simulated donors: the fit of 20,000 converges');
SELECT ok(abs(p.estimate - t.truth) < 3 * p.std_error,
          format('simulated donors: %s = %s recovered: estimate %s, standard error %s', p.parameter, t.truth,
                 round(p.estimate::numeric, 3), round(p.std_error::numeric, 3)))
FROM simulated_fit, bgbb_params(m) AS p
JOIN (VALUES ('alpha', 1.204), ('beta', 0.750), ('gamma', 0.657), ('delta', 2.783)) AS t(parameter, truth) USING (parameter)
ORDER BY p.parameter;
SELECT ok((SELECT bool_and(p.std_error > 0 AND p.std_error < 0.25 * p.estimate) FROM simulated_fit, bgbb_params(m) AS p),
          'simulated donors: every standard error is positive and below a quarter of its parameter');

SELECT * FROM finish();
ROLLBACK;
