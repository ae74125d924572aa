--
-- bgnbd: the BG/NBD model at fixed parameters against its definitions
-- computed here in SQL (P(alive) closed form, expectations as integrals
-- over the Beta-distributed dropout probability, probabilities summing to
-- 1, the t -> 0 limit), heavy buyers, and fits on deterministic data whose
-- optimum is checked against a plain-SQL log-likelihood. The CDNOW
-- reference fit is in test/t/020_cdnow_models.pl.
--
SET extra_float_digits = 0;
CREATE TABLE bg_models (name text, m bgnbd);
INSERT INTO bg_models VALUES
    ('cdnow', ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL, NULL)),
    ('a above 1', ROW(1.5, 12, 2.5, 4, NULL, NULL, NULL, NULL));

-- P(alive): 1 at frequency 0; 1 / (1 + a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x)) otherwise
SELECT name, x, tx, bgnbd_p_alive(m, x, tx, 38) AS p_alive,
       abs(bgnbd_p_alive(m, x, tx, 38) - CASE WHEN x = 0 THEN 1 ELSE
           1 / (1 + (m).a / ((m).b + x - 1) * (((m).alpha + 38) / ((m).alpha + tx)) ^ ((m).r + x)) END) < 1e-14 AS matches
FROM bg_models, (VALUES (0, 0::float8), (1, 37.5), (1, 2), (4, 30), (10, 10)) AS h(x, tx)
ORDER BY name, x, tx;

-- E[Y(h) | x, t_x, T] = P(alive) E[(1 - ((alpha + T) / (alpha + T + p h))^(r + x)) / p],
-- p ~ Beta(a, b + x), by the midpoint rule; for a < 1 after p = u^(1/a),
-- which takes out the singularity of the Beta density at 0
CREATE FUNCTION bg_integral(m bgnbd, h float8, x integer, t float8) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
    SELECT sum(g * w) / sum(w) FROM (
        SELECT CASE WHEN p = 0 THEN (m.r + x) * h / (m.alpha + t)
                    ELSE (1 - ((m.alpha + t) / (m.alpha + t + p * h)) ^ (m.r + x)) / p END AS g,
               (1 - p) ^ (m.b + x - 1) * CASE WHEN m.a < 1 THEN 1 ELSE p ^ (m.a - 1) END AS w
        FROM (SELECT CASE WHEN m.a < 1 THEN ((u - 0.5) / 50000) ^ (1 / m.a) ELSE (u - 0.5) / 50000 END AS p
              FROM generate_series(1, 50000) AS u) AS grid
    ) AS terms
$$;

SELECT name, x, tx, t, h,
       round(bgnbd_expected_purchases(m, h, x, tx, t)::numeric, 6) AS expected,
       abs(bgnbd_expected_purchases(m, h, x, tx, t)
           - bgnbd_p_alive(m, x, tx, t) * bg_integral(m, h, x, t)) < 1e-7 AS matches_integral
FROM bg_models, (VALUES (0, 0::float8, 30::float8), (2, 20, 30), (5, 29, 30)) AS c(x, tx, t),
     unnest(ARRAY[1, 52, 520]::float8[]) AS h
ORDER BY name, x, h;

-- new customers: the integral with x = 0, T = 0
SELECT name, h, round(bgnbd_expected_purchases(m, h)::numeric, 6) AS expected,
       abs(bgnbd_expected_purchases(m, h) - bg_integral(m, h, 0, 0)) < 1e-7 AS matches_integral,
       bgnbd_expected_purchases(m, h) = bgnbd_expected_purchases(m, h, 0, 0, 1e-300) AS same_as_age_0
FROM bg_models, unnest(ARRAY[0, 1, 39, 390]::float8[]) AS h
ORDER BY name, h;

-- P(X(h) = n) sums to 1 over n and its mean is E[X(h)]
SELECT name, h, abs(sum(bgnbd_prob_purchases(m, n, h)) - 1) < 1e-12 AS sums_to_1,
       abs(sum(n * bgnbd_prob_purchases(m, n, h)) - bgnbd_expected_purchases(m, h)) < 1e-10 AS mean_is_expected,
       bool_and(bgnbd_prob_purchases(m, n, h) BETWEEN 0 AND 1) AS all_probabilities
FROM bg_models, unnest(ARRAY[1, 39, 156]::float8[]) AS h, generate_series(0, 3000) AS n
GROUP BY name, m, h ORDER BY name, h;
SELECT round(bgnbd_prob_purchases(m, 0, 39)::numeric, 6) AS p0, round(bgnbd_prob_purchases(m, 1, 39)::numeric, 6) AS p1,
       bgnbd_prob_purchases(m, 0, 0) AS p0_at_0, bgnbd_prob_purchases(m, 2, 0) AS p2_at_0
FROM bg_models WHERE name = 'cdnow';

-- limit h -> 0: E[Y(h)] / h -> (r + x) / (alpha + T) P(alive)
SELECT name, x, abs(bgnbd_expected_purchases(m, 1e-9, x, tx, 30) * 1e9
                    / (((m).r + x) / ((m).alpha + 30) * bgnbd_p_alive(m, x, tx, 30)) - 1) < 1e-8 AS rate_limit
FROM bg_models, (VALUES (0, 0::float8), (3, 12)) AS c(x, tx) ORDER BY name, x;

-- heavy buyers and long horizons: finite, no overflow
SELECT x, bgnbd_p_alive(m, x, 30, 39) BETWEEN 0 AND 1 AS p_alive_ok,
       bgnbd_expected_purchases(m, 52, x, 38.9, 39) > 0 AS recent_buys,
       bgnbd_expected_purchases(m, 1e5, x, 38.9, 39) < 'Infinity' AS long_horizon_finite,
       round((bgnbd_expected_purchases(m, 52, x, 38.9, 39) / (52 * ((m).r + x) / ((m).alpha + 39)))::numeric, 2) AS share_of_alive_rate
FROM bg_models, unnest(ARRAY[300, 1000, 100000]) AS x WHERE name = 'cdnow' ORDER BY x;

-- fits on data drawn from BG/NBD itself with r = 1, alpha = 5, a = 1, b = 3
-- (lambda ~ Exp(mean 1/5), p ~ Beta(1, 3) by inversion, exponential
-- inter-purchase times, dropout after each repeat purchase), deterministic
-- uniforms from hashint8extended; 3,000 customers of ages 30..39
CREATE FUNCTION bg_uniform(i integer, k integer, stream integer) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
    SELECT ((hashint8extended(i::bigint * 1000 + k, stream) & 2147483647)::float8 + 0.5) / 2147483648
$$;
CREATE TABLE bg_customers AS
WITH RECURSIVE cust AS (
    SELECT i, (30 + i % 10)::float8 AS t, -ln(bg_uniform(i, 0, 1)) / 5 AS lambda,
           1 - bg_uniform(i, 0, 2) ^ (1.0 / 3) AS p
    FROM generate_series(1, 3000) AS i
), sim AS (
    SELECT i, 0 AS k, 0::float8 AS tx, false AS dead FROM cust
    UNION ALL
    SELECT s.i, s.k + 1, s.tx + e.gap, bg_uniform(s.i, s.k + 1, 4) < c.p
    FROM sim AS s JOIN cust AS c USING (i),
         LATERAL (SELECT -ln(bg_uniform(s.i, s.k + 1, 3)) / c.lambda AS gap) AS e
    WHERE NOT s.dead AND s.tx + e.gap <= c.t
)
SELECT DISTINCT ON (i) i AS id, k AS frequency, tx AS recency, t
FROM sim JOIN cust USING (i) ORDER BY i, k DESC;
SELECT count(*) AS customers, sum(frequency) AS repeat_purchases, count(*) FILTER (WHERE frequency = 0) AS no_repeat,
       max(frequency) AS max_frequency FROM bg_customers;

CREATE TABLE bg_fit AS SELECT bgnbd_fit(frequency, recency, t) AS m FROM bg_customers;
SELECT (m).converged, (m).n, round(((m).loglik)::numeric, 4) AS loglik,
       round(((m).r)::numeric, 4) AS r, round(((m).alpha)::numeric, 4) AS alpha,
       round(((m).a)::numeric, 4) AS a, round(((m).b)::numeric, 4) AS b FROM bg_fit;

-- the plain-SQL log-likelihood (integer x: Gamma and Beta ratios are finite products)
CREATE FUNCTION bg_loglik(r float8, alpha float8, a float8, b float8) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
    SELECT sum(lg + r * ln(alpha) + ln(exp(lb - (r + frequency) * ln(alpha + t))
               + CASE WHEN frequency > 0 THEN exp(lb + ln(a) - ln(b + frequency - 1) - (r + frequency) * ln(alpha + recency)) ELSE 0 END))
    FROM (SELECT c.*, coalesce(sum(ln(r + j)), 0) AS lg, coalesce(sum(ln((b + j) / (a + b + j))), 0) AS lb
          FROM bg_customers AS c LEFT JOIN LATERAL generate_series(0, c.frequency - 1) AS j ON true
          GROUP BY c.id, c.frequency, c.recency, c.t) AS rows
$$;
SELECT abs((m).loglik - bg_loglik((m).r, (m).alpha, (m).a, (m).b)) < 1e-7 AS loglik_matches_sql FROM bg_fit;
-- a local maximum: every parameter moved by 0.1% lowers the likelihood
SELECT bool_and(bg_loglik((m).r * f1, (m).alpha * f2, (m).a * f3, (m).b * f4) < (m).loglik) AS is_maximum
FROM bg_fit, (VALUES (1.001, 1, 1, 1), (0.999, 1, 1, 1), (1, 1.001, 1, 1), (1, 0.999, 1, 1),
                     (1, 1, 1.001, 1), (1, 1, 0.999, 1), (1, 1, 1, 1.001), (1, 1, 1, 0.999)) AS f(f1, f2, f3, f4);

-- deterministic; input order, float8 frequency and NULL rows do not matter
SELECT (SELECT m FROM bg_fit) = (SELECT bgnbd_fit(frequency, recency, t ORDER BY id DESC) FROM bg_customers) AS order_independent;
SELECT (SELECT m FROM bg_fit) = (SELECT bgnbd_fit(frequency::float8, recency, t) FROM bg_customers) AS float8_frequency_same;
SELECT (SELECT m FROM bg_fit) = (SELECT bgnbd_fit(frequency, recency, t)
                                 FROM (SELECT * FROM bg_customers UNION ALL SELECT 0, NULL, 0, 5 UNION ALL SELECT 0, 1, 0, NULL) AS c) AS nulls_skipped;

-- the penalty penalizer * (r^2 + alpha^2 + a^2 + b^2) pulls the parameters in;
-- loglik stays the unpenalized log-likelihood at the penalized optimum
SELECT (p).converged, (p).r ^ 2 + (p).alpha ^ 2 + (p).a ^ 2 + (p).b ^ 2 < (m).r ^ 2 + (m).alpha ^ 2 + (m).a ^ 2 + (m).b ^ 2 AS shrinks,
       (p).loglik < (m).loglik AS lower_loglik, abs((p).loglik - bg_loglik((p).r, (p).alpha, (p).a, (p).b)) < 1e-7 AS loglik_unpenalized
FROM bg_fit, (SELECT bgnbd_fit(frequency, recency, t, 0.01) AS p FROM bg_customers) AS pen;
SELECT bgnbd_fit(frequency, recency, t, 0::float8) = (SELECT m FROM bg_fit) AS penalizer_0_same FROM bg_customers;

-- empty input gives NULL; without repeat purchases there is no maximum;
-- one customer gives a result without NaN
SELECT bgnbd_fit(frequency, recency, t) IS NULL AS empty_is_null FROM bg_customers WHERE false;
SELECT (m).converged, (m).loglik <= 0 AS loglik_ok FROM (SELECT bgnbd_fit(0, 0, t) AS m FROM bg_customers) AS s;
SELECT (m).n, (m).loglik < 'Infinity' AS finite, (m).r > 0 AND (m).alpha > 0 AND (m).a > 0 AND (m).b > 0 AS positive
FROM (SELECT bgnbd_fit(3, 20, 30) AS m) AS s;

-- bad input: 22023 errors naming the value
SELECT bgnbd_fit(-1, 0, 10);
SELECT bgnbd_fit(1, 11, 10);
SELECT bgnbd_fit(1, 1, 0);
SELECT bgnbd_fit(1, 'NaN', 10);
SELECT bgnbd_fit(1, 1, 'Infinity');
SELECT bgnbd_fit(0, 1, 10);
SELECT bgnbd_fit(1.5::float8, 1, 10);
SELECT bgnbd_fit(frequency, recency, t, 0.1 * (id % 2)) FROM bg_customers;
SELECT bgnbd_fit(frequency, recency, t, -1::float8) FROM bg_customers;
SELECT bgnbd_expected_purchases(m, -1) FROM bg_models WHERE name = 'cdnow';
SELECT bgnbd_expected_purchases(m, 1, 2, 5, 4) FROM bg_models WHERE name = 'cdnow';
SELECT bgnbd_prob_purchases(m, -1, 1) FROM bg_models WHERE name = 'cdnow';
SELECT bgnbd_p_alive(ROW(0.2, 0, 1, 1, NULL, NULL, NULL, NULL)::bgnbd, 1, 1, 2);
SELECT bgnbd_p_alive(ROW(0.2, NULL, 1, 1, NULL, NULL, NULL, NULL)::bgnbd, 1, 1, 2) IS NULL AS null_parameter_gives_null;

DROP TABLE bg_models, bg_customers, bg_fit;
DROP FUNCTION bg_integral(bgnbd, float8, integer, float8), bg_loglik(float8, float8, float8, float8),
    bg_uniform(integer, integer, integer);
