--
-- Newton's method and the thinned start of the fit driver (src/models/fit.c,
-- src/math/optim.c; doc/clv.md, "Method"): BG/NBD, MBG/NBD and Gamma-Gamma
-- fit by Newton's method with their analytic Hessian, and over 32,768
-- distinct rows or more they start from the optimum of one in 16 of the
-- rows of weight 1. The thinned start must not move the optimum: the same
-- customers with every weight doubled have no row of weight 1, so their
-- fit starts Newton's method from the model's start over all the rows; its
-- parameters must equal the thinned fit's to 1e-9 (relative) and its
-- log-likelihood be twice the thinned fit's. The distinct rows are sorted
-- before the fit (a radix sort of the values' bits), so the fit over the
-- same rows in the reverse order is the same to the last bit. Data:
-- simulate_orders (seed 7) with staggered acquisition, summarised by day,
-- so that both fits' distinct rows pass the threshold.
--
BEGIN;
SELECT plan(14);
\ir lib/setup.sql

CREATE TEMP TABLE histories AS
SELECT (btyd_table(btyd_population(customer_id, order_at, amount,
                                   date '2024-09-30', 'day'))).*
FROM simulate_orders(200000, 7, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44,
                     date '2024-01-01', 273, 84);

SELECT ok(count(DISTINCT (frequency, recency, t)) >= 32768,
          'the BG/NBD and MBG/NBD rows pass the thinned start''s threshold')
FROM histories;
SELECT ok(count(DISTINCT (frequency, monetary_value)) >= 32768,
          'the Gamma-Gamma rows pass the thinned start''s threshold')
FROM histories WHERE frequency > 0;

-- each fit thinned (weight 1) and from the model's start (weight 2), as
-- text, and over the rows in reverse order
CREATE TEMP TABLE fits AS
SELECT 'bgnbd' AS model,
       (SELECT bgnbd_fit(frequency, recency, t)::text FROM histories) AS thinned,
       (SELECT bgnbd_fit(frequency, recency, t, 2)::text FROM histories) AS doubled,
       (SELECT bgnbd_fit(frequency, recency, t ORDER BY customer_id DESC)::text
        FROM histories) AS reversed
UNION ALL
SELECT 'mbgnbd',
       (SELECT mbgnbd_fit(frequency, recency, t)::text FROM histories),
       (SELECT mbgnbd_fit(frequency, recency, t, 2)::text FROM histories),
       (SELECT mbgnbd_fit(frequency, recency, t ORDER BY customer_id DESC)::text
        FROM histories)
UNION ALL
SELECT 'gamma_gamma',
       (SELECT gamma_gamma_fit(frequency, monetary_value)::text
        FROM histories WHERE frequency > 0),
       (SELECT gamma_gamma_fit(frequency, monetary_value, 2)::text
        FROM histories WHERE frequency > 0),
       (SELECT gamma_gamma_fit(frequency, monetary_value ORDER BY customer_id DESC)::text
        FROM histories WHERE frequency > 0);

-- the fields of a fit's text: the parameters, loglik, n, converged
CREATE FUNCTION pg_temp.field(fit text, i integer) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT split_part(trim(BOTH '()' FROM split_part(fit, ',"', 1)), ',', i)
$$;

SELECT ok(pg_temp.field(thinned, np + 3) = 't' AND pg_temp.field(doubled, np + 3) = 't',
          model || ': both fits converge')
FROM fits, LATERAL (SELECT CASE model WHEN 'gamma_gamma' THEN 3 ELSE 4 END AS np) AS k
ORDER BY model;

SELECT ok(bool_and(abs(pg_temp.field(thinned, i)::float8 / pg_temp.field(doubled, i)::float8 - 1) < 1e-9),
          model || ': the thinned start gives the optimum of the full start to 1e-9')
FROM fits, LATERAL (SELECT CASE model WHEN 'gamma_gamma' THEN 3 ELSE 4 END AS np) AS k,
     generate_series(1, np) AS i
GROUP BY model ORDER BY model;

SELECT ok(abs(2 * pg_temp.field(thinned, np + 1)::float8 / pg_temp.field(doubled, np + 1)::float8 - 1) < 1e-10,
          model || ': doubled weights double the log-likelihood')
FROM fits, LATERAL (SELECT CASE model WHEN 'gamma_gamma' THEN 3 ELSE 4 END AS np) AS k
ORDER BY model;

SELECT is(reversed, thinned, model || ': the rows in reverse order give the same fit, bit for bit')
FROM fits ORDER BY model;

SELECT * FROM finish();
ROLLBACK;
