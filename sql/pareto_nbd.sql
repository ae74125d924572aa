--
-- pareto_nbd: the Pareto/NBD model at fixed parameters against its
-- definitions computed here in SQL (P(alive) from the likelihood integral by
-- the midpoint rule, the conditional expectation in closed form, the s = 1
-- limit), heavy buyers, and a fit on deterministic data whose optimum is
-- checked against the SQL log-likelihood. The CDNOW reference fit is in
-- test/t/020_cdnow_models.pl.
--
SET extra_float_digits = 0;
CREATE TABLE pn_models (name text, m pareto_nbd);
INSERT INTO pn_models VALUES
    ('cdnow', ROW(0.5533, 10.578, 0.6062, 11.667, NULL, NULL, NULL, NULL)),
    ('alpha above beta', ROW(1.2, 30, 2.5, 4, NULL, NULL, NULL, NULL)),
    ('s = 1', ROW(0.8, 8, 1, 9, NULL, NULL, NULL, NULL));

-- the bracket of the likelihood: (alpha + T)^-(r + x) (beta + T)^-s
-- + s * integral_{t_x}^{T} (alpha + y)^-(r + x) (beta + y)^-(s + 1) dy
CREATE FUNCTION pn_alive(m pareto_nbd, x integer, tx float8, t float8) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
    SELECT alive / (alive + m.s * (t - tx) / 20000 * sum(
               (m.alpha + y) ^ (-(m.r + x)) * (m.beta + y) ^ (-(m.s + 1))))
    FROM (SELECT tx + (t - tx) * (k - 0.5) / 20000 AS y FROM generate_series(1, 20000) AS k) AS grid,
         (SELECT (m.alpha + t) ^ (-(m.r + x)) * (m.beta + t) ^ (-m.s) AS alive) AS a
    GROUP BY alive
$$;

SELECT name, x, tx, round(pareto_nbd_p_alive(m, x, tx, 38)::numeric, 6) AS p_alive,
       abs(pareto_nbd_p_alive(m, x, tx, 38) - pn_alive(m, x, tx, 38)) < 1e-8 AS matches_integral
FROM pn_models, (VALUES (0, 0::float8), (1, 37.5), (1, 2), (4, 30), (10, 10)) AS h(x, tx)
ORDER BY name, x, tx;
SELECT pareto_nbd_p_alive(m, 3, 38, 38) AS just_bought FROM pn_models WHERE name = 'cdnow';

-- E[Y(h)] = (r + x) (beta + T) / ((alpha + T) (s - 1)) [1 - ((beta + T) / (beta + T + h))^(s - 1)] P(alive),
-- at s = 1 the limit (r + x) (beta + T) / (alpha + T) log(1 + h / (beta + T)) P(alive)
SELECT name, x, h, round(pareto_nbd_expected_purchases(m, h, x, tx, 38)::numeric, 6) AS expected,
       abs(pareto_nbd_expected_purchases(m, h, x, tx, 38) - pn_alive(m, x, tx, 38) * ((m).r + x) * ((m).beta + 38) / ((m).alpha + 38)
           * CASE WHEN (m).s = 1 THEN ln(1 + h / ((m).beta + 38))
                  ELSE (1 - (((m).beta + 38) / ((m).beta + 38 + h)) ^ ((m).s - 1)) / ((m).s - 1) END) < 1e-7 AS matches
FROM pn_models, (VALUES (0, 0::float8), (4, 30)) AS c(x, tx), unnest(ARRAY[0, 1, 52, 520]::float8[]) AS h
ORDER BY name, x, h;
-- continuous in s through 1
SELECT abs(pareto_nbd_expected_purchases(ROW(0.8, 8, 1 + 1e-9, 9, NULL, NULL, NULL, NULL)::pareto_nbd, 52, 2, 20, 38)
           - pareto_nbd_expected_purchases(ROW(0.8, 8, 1, 9, NULL, NULL, NULL, NULL)::pareto_nbd, 52, 2, 20, 38)) < 1e-7 AS continuous_at_s_1;

-- heavy buyers: finite, P(alive) in [0, 1]
SELECT x, pareto_nbd_p_alive(m, x, 30, 39) BETWEEN 0 AND 1 AS p_alive_ok,
       round(pareto_nbd_p_alive(m, x, 38.9, 39)::numeric, 4) AS recent_p_alive,
       pareto_nbd_expected_purchases(m, 52, x, 38.9, 39) < 'Infinity' AS finite
FROM pn_models, unnest(ARRAY[300, 1000, 10000]) AS x WHERE name = 'cdnow' ORDER BY x;

-- a fit on data drawn from Pareto/NBD itself with r = 1, alpha = 5, s = 1,
-- beta = 20 (lambda and mu exponential by inversion, an exponential
-- lifetime, exponential inter-purchase times), 800 customers aged 30..33
CREATE FUNCTION pn_uniform(i integer, k integer, stream integer) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
    SELECT ((hashint8extended(i::bigint * 1000 + k, stream) & 2147483647)::float8 + 0.5) / 2147483648
$$;
CREATE TABLE pn_customers AS
WITH RECURSIVE cust AS (
    SELECT i, (30 + i % 4)::float8 AS t, -ln(pn_uniform(i, 0, 1)) / 5 AS lambda,
           -ln(pn_uniform(i, 0, 5)) / (-ln(pn_uniform(i, 0, 2)) / 20) AS lifetime
    FROM generate_series(1, 800) AS i
), sim AS (
    SELECT i, 0 AS k, 0::float8 AS tx FROM cust
    UNION ALL
    SELECT s.i, s.k + 1, s.tx + e.gap
    FROM sim AS s JOIN cust AS c USING (i),
         LATERAL (SELECT -ln(pn_uniform(s.i, s.k + 1, 3)) / c.lambda AS gap) AS e
    WHERE s.tx + e.gap <= least(c.t, c.lifetime)
)
SELECT DISTINCT ON (i) i AS id, k AS frequency, round(tx::numeric, 1)::float8 AS recency, t
FROM sim JOIN cust USING (i) ORDER BY i, k DESC;
CREATE TABLE pn_fit AS SELECT pareto_nbd_fit(frequency, recency, t) AS m FROM pn_customers;
SELECT (m).converged, (m).n, round(((m).loglik)::numeric, 4) AS loglik FROM pn_fit;
-- homogeneous lifetimes (s and beta without bound): converged = false
SELECT (pareto_nbd_fit(x, CASE WHEN x = 0 THEN 0 ELSE round((t * ((i * 29 % 100) + 0.5) / 100)::numeric, 1)::float8 END, t)).converged
       AS homogeneous_converged
FROM generate_series(1, 800) AS i,
     LATERAL (SELECT CASE WHEN i * 37 % 100 < 55 THEN 0 ELSE (i * 13 % 7) * (1 + i % 3) END AS x, (30 + i % 4)::float8 AS t) AS v;

-- plain-SQL log-likelihood over the distinct rows with their counts:
-- log Gamma(r + x) / Gamma(r) as a finite sum, the integral by the midpoint
-- rule with 400 and 800 points and Richardson's extrapolation, everything
-- scaled by the integrand's largest value lref
CREATE FUNCTION pn_loglik(r float8, alpha float8, s float8, beta float8) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
    SELECT sum(w * (lg + r * ln(alpha) + s * ln(beta) + lref + ln(
               exp(-(r + frequency) * ln(alpha + t) - s * ln(beta + t) - lref)
               + s * (SELECT (t - recency) * sum(exp(greatest(-(r + frequency) * ln(alpha + y) - (s + 1) * ln(beta + y) - lref, -700)) * wt)
                      FROM (SELECT recency + (t - recency) * (k - 0.5) / n AS y, CASE n WHEN 800 THEN 4.0 / 3 / 800 ELSE -1.0 / 3 / 400 END AS wt
                            FROM unnest(ARRAY[400, 800]) AS n, generate_series(1, n) AS k) AS g))))
    FROM (SELECT frequency, recency, t, count(*) AS w,
                 coalesce((SELECT sum(ln(r + j)) FROM generate_series(0, frequency - 1) AS j), 0) AS lg,
                 -(r + frequency) * ln(alpha + recency) - s * ln(beta + recency) AS lref
          FROM pn_customers GROUP BY frequency, recency, t) AS d
$$;
SELECT abs(pn_loglik((m).r, (m).alpha, (m).s, (m).beta) - (m).loglik) < 1e-5 AS loglik_matches_sql FROM pn_fit;
-- a local maximum: every parameter moved by 1% lowers the likelihood
SELECT bool_and(pn_loglik((m).r * f1, (m).alpha * f2, (m).s * f3, (m).beta * f4) < (m).loglik) AS is_maximum
FROM pn_fit, (VALUES (1.01, 1, 1, 1), (0.99, 1, 1, 1), (1, 1.01, 1, 1), (1, 0.99, 1, 1),
                     (1, 1, 1.01, 1), (1, 1, 0.99, 1), (1, 1, 1, 1.01), (1, 1, 1, 0.99)) AS f(f1, f2, f3, f4);
SELECT (SELECT m FROM pn_fit) = (SELECT pareto_nbd_fit(frequency::float8, recency, t ORDER BY id DESC) FROM pn_customers) AS deterministic;

-- empty input, no repeat purchases, bad input
SELECT pareto_nbd_fit(frequency, recency, t) IS NULL AS empty_is_null FROM pn_customers WHERE false;
SELECT (pareto_nbd_fit(0, 0, t)).converged AS no_repeat_converged FROM pn_customers;
SELECT pareto_nbd_fit(2, 5, 4);
SELECT pareto_nbd_fit(-2, 0, 4);
SELECT pareto_nbd_p_alive(m, 1, 'NaN', 4) FROM pn_models WHERE name = 'cdnow';
SELECT pareto_nbd_expected_purchases(m, 'Infinity', 1, 1, 4) FROM pn_models WHERE name = 'cdnow';
SELECT pareto_nbd_p_alive(ROW(1, 1, -1, 1, NULL, NULL, NULL, NULL)::pareto_nbd, 1, 1, 4);

DROP TABLE pn_models, pn_customers, pn_fit;
DROP FUNCTION pn_alive(pareto_nbd, integer, float8, float8), pn_loglik(float8, float8, float8, float8),
    pn_uniform(integer, integer, integer);
