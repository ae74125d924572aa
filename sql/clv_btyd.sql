--
-- clv_btyd: cltv(bgnbd, gamma_gamma, ...), the discounted sum of DESIGN
-- section 5, against the same sum written in SQL from
-- bgnbd_expected_purchases and gamma_gamma_expected_spend; units and
-- errors.
--
SET extra_float_digits = 0;
CREATE TABLE clv_models AS
SELECT ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL, NULL)::bgnbd AS bg,
       ROW(6.25, 3.74, 15.44, NULL, NULL, NULL, NULL)::gamma_gamma AS gg;

SELECT x, tx, months, d, round(cltv(bg, gg, x, tx, 38, m, months, d, 'week')::numeric, 6) AS clv,
       abs(cltv(bg, gg, x, tx, 38, m, months, d, 'week')
           - gamma_gamma_expected_spend(gg, x, m) * (SELECT coalesce(sum((bgnbd_expected_purchases(bg, i * 4.345, x, tx, 38)
                                                          - bgnbd_expected_purchases(bg, (i - 1) * 4.345, x, tx, 38)) / (1 + d) ^ i), 0)
                                                     FROM generate_series(1, months) AS i)) < 1e-9 AS matches_sum
FROM clv_models, (VALUES (0, 0::float8, 0::float8), (2, 30, 25), (6, 37, 40)) AS c(x, tx, m),
     (VALUES (12, 0.01::float8), (36, 0), (0, 0.01)) AS h(months, d)
ORDER BY x, months, d;

-- the same customer in days: alpha scales with the unit; a 'day' month is
-- 30 days, a 'week' month 4.345 weeks = 30.415 days, so the value in days is
-- a little lower (each month is 1.4% shorter)
SELECT cltv(ROW(0.243, 4.414 * 7, 0.793, 2.426, NULL, NULL, NULL, NULL)::bgnbd, gg, 2, 30 * 7, 38 * 7, 25, 12, 0.01, 'day')
       / cltv(bg, gg, 2, 30, 38, 25, 12, 0.01, 'week') BETWEEN 30 / 30.415 AND 1 AS days_slightly_below_weeks,
       cltv(ROW(0.243, 4.414 * 7, 0.793, 2.426, NULL, NULL, NULL, NULL)::bgnbd, gg, 2, 210, 266, 25, 12, 0.01, 'day')
       = cltv(ROW(0.243, 4.414 * 7 / 30, 0.793, 2.426, NULL, NULL, NULL, NULL)::bgnbd, gg, 2, 7, 266 / 30.0, 25, 12, 0.01, 'month') AS days_equal_months
FROM clv_models;

SELECT cltv(bg, gg, 2, 30, 38, 25, 12, 0.01, 'year') FROM clv_models;
SELECT cltv(bg, gg, 2, 30, 38, 25, -1, 0.01, 'week') FROM clv_models;
SELECT cltv(bg, gg, 2, 30, 38, 25, 12, -0.01, 'week') FROM clv_models;
SELECT cltv(bg, gg, 2, 39, 38, 25, 12, 0.01, 'week') FROM clv_models;

DROP TABLE clv_models;
