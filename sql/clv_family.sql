--
-- clv_family: cltv(mbgnbd, gamma_gamma, ...) and cltv(pareto_nbd,
-- gamma_gamma, ...) (DESIGN section 7), the one discounted sum of
-- clv_btyd.sql with the other purchase models, against the same sum written
-- in SQL from each model's own mbgnbd_expected_purchases or
-- pareto_nbd_expected_purchases and gamma_gamma_expected_spend, over every
-- month (the C sum stops early once the rest is provably negligible); units
-- and errors.
--
SET extra_float_digits = 0;
CREATE TABLE clv_family_models AS
SELECT mbgnbd_model(0.525, 6.183, 0.891, 1.614) AS mb,
       pareto_nbd_model(0.553, 10.578, 0.606, 11.669) AS pn,
       gamma_gamma_model(6.25, 3.74, 15.44) AS gg;

-- MBG/NBD against the plain-SQL sum, to a relative 1e-12
SELECT x, tx, months, d, round(cltv(mb, gg, x, tx, 38, m, months, d, 'week')::numeric, 6) AS clv,
       abs(cltv(mb, gg, x, tx, 38, m, months, d, 'week')
           - gamma_gamma_expected_spend(gg, x, m) * (SELECT coalesce(sum((mbgnbd_expected_purchases(mb, i * 4.345, x, tx, 38)
                                                          - mbgnbd_expected_purchases(mb, (i - 1) * 4.345, x, tx, 38)) / (1 + d) ^ i), 0)
                                                     FROM generate_series(1, months) AS i))
       <= 1e-12 * greatest(cltv(mb, gg, x, tx, 38, m, months, d, 'week'), 1e-300) AS matches_sum
FROM clv_family_models, (VALUES (0, 0::float8, 0::float8), (2, 30, 25), (6, 37, 40)) AS c(x, tx, m),
     (VALUES (12, 0.01::float8), (36, 0), (0, 0.01), (600, 0.02)) AS h(months, d)
ORDER BY x, months, d;

-- Pareto/NBD against the plain-SQL sum, to a relative 1e-12; s < 1, so
-- E[X(h)] grows without bound and the 600 months matter
SELECT x, tx, months, d, round(cltv(pn, gg, x, tx, 38, m, months, d, 'week')::numeric, 6) AS clv,
       abs(cltv(pn, gg, x, tx, 38, m, months, d, 'week')
           - gamma_gamma_expected_spend(gg, x, m) * (SELECT coalesce(sum((pareto_nbd_expected_purchases(pn, i * 4.345, x, tx, 38)
                                                          - pareto_nbd_expected_purchases(pn, (i - 1) * 4.345, x, tx, 38)) / (1 + d) ^ i), 0)
                                                     FROM generate_series(1, months) AS i))
       <= 1e-12 * greatest(cltv(pn, gg, x, tx, 38, m, months, d, 'week'), 1e-300) AS matches_sum
FROM clv_family_models, (VALUES (0, 0::float8, 0::float8), (2, 30, 25), (6, 37, 40)) AS c(x, tx, m),
     (VALUES (12, 0.01::float8), (36, 0), (0, 0.01), (600, 0.02)) AS h(months, d)
ORDER BY x, months, d;

-- the same customer in days and in months: alpha (and beta) scale with the
-- unit; a 'day' month is 30 days and a 'month' month 1, so the two agree
SELECT abs(cltv(mbgnbd_model(0.525, 6.183 * 7, 0.891, 1.614), gg, 2, 210, 266, 25, 12, 0.01, 'day')
           / cltv(mbgnbd_model(0.525, 6.183 * 7 / 30, 0.891, 1.614), gg, 2, 7, 266 / 30.0, 25, 12, 0.01, 'month') - 1) < 1e-12 AS mbgnbd_days_equal_months,
       abs(cltv(pareto_nbd_model(0.553, 10.578 * 7, 0.606, 11.669 * 7), gg, 2, 210, 266, 25, 12, 0.01, 'day')
           / cltv(pareto_nbd_model(0.553, 10.578 * 7 / 30, 0.606, 11.669 * 7 / 30), gg, 2, 7, 266 / 30.0, 25, 12, 0.01, 'month') - 1) < 1e-12 AS pareto_nbd_days_equal_months
FROM clv_family_models;

-- a young customer (t = 0.5 days) over 100 years of months at a small
-- discount: Pareto/NBD's months cost the same at every horizon, so the sum
-- runs; MBG/NBD's series grow with the horizon (1 + i 30 / (alpha + t)
-- units a month), past the budget: 54000, as BG/NBD
SELECT cltv(pareto_nbd_model(0.553, 0.01, 0.606, 11.669), gg, 1, 0.25, 0.5, 25, 1200, 0.001, 'day') > 0 AS long_sum_runs
FROM clv_family_models;
SELECT cltv(mbgnbd_model(0.525, 0.01, 0.891, 1.614), gg, 1, 0.25, 0.5, 25, 1200, 0.001, 'day') FROM clv_family_models;

-- errors, as cltv(bgnbd, ...) gives them
SELECT cltv(mb, gg, 2, 30, 38, 25, 12, 0.01, 'year') FROM clv_family_models;
SELECT cltv(pn, gg, 2, 30, 38, 25, -1, 0.01, 'week') FROM clv_family_models;
SELECT cltv(mb, gg, 2, 30, 38, 25, 12, -0.01, 'week') FROM clv_family_models;
SELECT cltv(pn, gg, 2, 39, 38, 25, 12, 0.01, 'week') FROM clv_family_models;
SELECT cltv(mb, gg, -1, 0, 38, 25, 12, 0.01, 'week') FROM clv_family_models;
SELECT cltv(pn, gg, 2, 30, 38, 25, 12, 'NaN', 'week') FROM clv_family_models;
SELECT cltv(mbgnbd_model(0.525, 6.183, 0.891, 1.614), gg, 2, 30, 38, 25, 2000000000, 1e-9, 'day') FROM clv_family_models;
SELECT cltv(ROW(0.553, -1, 0.606, 11.669, NULL, NULL, NULL, NULL)::pareto_nbd, gg, 2, 30, 38, 25, 12, 0.01, 'week') FROM clv_family_models;
-- a NULL parameter (a failed fit) gives NULL
SELECT cltv(ROW(0.525, NULL, 0.891, 1.614, NULL, NULL, NULL, NULL)::mbgnbd, gg, 2, 30, 38, 25, 12, 0.01, 'week') IS NULL AS null_parameter FROM clv_family_models;

DROP TABLE clv_family_models;
