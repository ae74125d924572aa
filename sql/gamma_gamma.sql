--
-- gamma_gamma: the Gamma-Gamma spend model. Expected spend against its
-- closed form, a fit on deterministic data checked against the SQL form of
-- the v score equation, frequency-0 rows skipped, the penalty, errors. The
-- CDNOW reference fit is in test/t/020_cdnow_models.pl.
--
SET extra_float_digits = 0;
-- E[Z | x, zbar] = p (v + x zbar) / (p x + q - 1); x = 0 gives p v / (q - 1)
SELECT x, m, gamma_gamma_expected_spend(ROW(6, 4, 15, NULL, NULL, NULL, NULL)::gamma_gamma, x, m) AS spend,
       gamma_gamma_expected_spend(ROW(6, 4, 15, NULL, NULL, NULL, NULL)::gamma_gamma, x, m)
       = CASE WHEN x = 0 THEN 6 * 15 / 3.0 ELSE 6 * (15 + x * m) / (6 * x + 3.0) END AS matches
FROM (VALUES (0, 0::float8), (1, 30), (2, 15), (10, 100), (0, 99)) AS c(x, m) ORDER BY x, m;

-- spend per transaction: Gamma(6, nu) values, nu from a deterministic grid of
-- Gamma(4, 15)-like rates; mean spend is the mean of x values
CREATE TABLE gg_customers AS
SELECT i AS id, x AS frequency,
       CASE WHEN x = 0 THEN 0 ELSE round((20 + 15 * sin(i) + (i % 7) * 3)::numeric, 2)::float8 END AS monetary_value
FROM generate_series(1, 2000) AS i, LATERAL (SELECT (i * 7 % 11) % 6 AS x) AS v;
CREATE TABLE gg_fit AS SELECT gamma_gamma_fit(frequency, monetary_value) AS m FROM gg_customers;
SELECT (m).converged, (m).n, (SELECT count(*) FROM gg_customers WHERE frequency > 0) AS repeat_customers,
       round(((m).loglik)::numeric, 4) AS loglik FROM gg_fit;
-- the v score equation sum (q / v - (p x + q) / (v + x zbar)) = 0 at the optimum
SELECT abs(sum(((m).q / (m).v - ((m).p * frequency + (m).q) / ((m).v + frequency * monetary_value)))) < 1e-6 AS v_score_zero
FROM gg_fit, gg_customers WHERE frequency > 0;
SELECT (SELECT m FROM gg_fit) = (SELECT gamma_gamma_fit(frequency::float8, monetary_value ORDER BY id DESC) FROM gg_customers) AS deterministic;
SELECT (p).converged, (p).p ^ 2 + (p).q ^ 2 + (p).v ^ 2 < (m).p ^ 2 + (m).q ^ 2 + (m).v ^ 2 AS shrinks, (p).loglik < (m).loglik AS lower_loglik
FROM gg_fit, (SELECT gamma_gamma_fit(frequency, monetary_value, 0.1) AS p FROM gg_customers) AS pen;

-- no repeat customer: NULL, as empty input; frequency 0 rows are not looked at
SELECT gamma_gamma_fit(0, 'NaN') IS NULL AS no_repeat_is_null;
SELECT gamma_gamma_fit(frequency, monetary_value) IS NULL AS empty_is_null FROM gg_customers WHERE false;

-- bad input
SELECT gamma_gamma_fit(2, 0);
SELECT gamma_gamma_fit(2, -5);
SELECT gamma_gamma_fit(2, 'Infinity');
SELECT gamma_gamma_fit(-1, 5);
SELECT gamma_gamma_fit(2.5::float8, 5);
SELECT gamma_gamma_expected_spend(ROW(1, 0.5, 15, NULL, NULL, NULL, NULL)::gamma_gamma, 0, 0);
SELECT gamma_gamma_expected_spend(ROW(6, 4, 15, NULL, NULL, NULL, NULL)::gamma_gamma, 2, -1);

DROP TABLE gg_customers, gg_fit;
