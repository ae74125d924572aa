--
-- Properties of the probabilistic models (DESIGN section 5b) over fixed
-- realistic models (CDNOW per week: BG/NBD, Pareto/NBD, Gamma-Gamma; the
-- Fader & Hardie 2007 sBG example and 200 hashed sBG models) and thousands
-- of deterministic pseudo-random histories (hashint8extended, never
-- random()) with recency <= t: probabilities within [0, 1], expectations
-- non-negative, 0 at horizon 0 and non-decreasing in the horizon,
-- P(X = n) summing to at most 1 with the mean E[X], expected spend between
-- the population and the customer's mean, cltv monotone in months and the
-- discount and equal to its telescoped form at discount 0, sBG survival
-- non-increasing and equal to the product of the retention rates, DERL
-- decreasing in the discount and equal to its direct sum, and no NaN.
--
BEGIN;
SELECT plan(27);
SET LOCAL statement_timeout = '20s';

CREATE TEMP TABLE models AS
SELECT ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL, NULL)::bgnbd AS bg,
       ROW(0.553, 10.578, 0.606, 11.667, NULL, NULL, NULL, NULL)::pareto_nbd AS pn,
       ROW(6.25, 3.74, 15.44, NULL, NULL, NULL, NULL)::gamma_gamma AS gg,
       ROW(0.704, 1.182, NULL, NULL, NULL)::sbg AS sb;

-- 3,000 histories: t in (1, 79] weeks, a third with frequency 0, recency <= t
CREATE TEMP TABLE history AS
SELECT i, x, CASE WHEN x = 0 THEN 0 ELSE t * ((hashint8extended(i, 3) & 2147483647) % 1001) / 1000 END AS tx, t,
       1 + ((hashint8extended(i, 4) & 2147483647) % 20000) / 100.0::float8 AS m
FROM (SELECT i,
             CASE WHEN (hashint8extended(i, 1) & 2147483647) % 3 = 0 THEN 0
                  ELSE ((hashint8extended(i, 2) & 2147483647) % 40)::integer END AS x,
             1 + ((hashint8extended(i, 5) & 2147483647) % 78000) / 1000.0::float8 AS t
      FROM generate_series(1, 3000) AS i) AS s;

SELECT is((SELECT count(*) FROM history WHERE tx > t OR tx < 0 OR (x = 0 AND tx <> 0)), 0::bigint,
          'the histories are valid: 0 <= recency <= t, recency 0 at frequency 0');

-- P(alive)
SELECT is((SELECT count(*) FROM history, models
           WHERE NOT bgnbd_p_alive(bg, x, tx, t) BETWEEN 0 AND 1), 0::bigint,
          'bgnbd_p_alive within [0, 1] on 3,000 histories (NaN would fail BETWEEN)');
SELECT is((SELECT count(*) FROM history, models
           WHERE x = 0 AND bgnbd_p_alive(bg, x, tx, t) <> 1), 0::bigint,
          'bgnbd_p_alive is 1 at frequency 0');
SELECT is((SELECT count(*) FROM history, models
           WHERE NOT pareto_nbd_p_alive(pn, x, tx, t) BETWEEN 0 AND 1), 0::bigint,
          'pareto_nbd_p_alive within [0, 1] on 3,000 histories');
SELECT is((SELECT count(*) FROM history AS h, models
           WHERE x > 0 AND tx < t - 1
             AND bgnbd_p_alive(bg, x, tx + 1, t) < bgnbd_p_alive(bg, x, tx, t)), 0::bigint,
          'bgnbd_p_alive does not decrease when the last purchase is more recent');

-- expected purchases over horizons 0, 1, 5, 26, 52, 104
CREATE TEMP TABLE expected AS
SELECT i, k, h, bgnbd_expected_purchases(bg, h, x, tx, t) AS bg_e,
       pareto_nbd_expected_purchases(pn, h, x, tx, t) AS pn_e
FROM history, models,
     unnest(ARRAY[0, 1, 5, 26, 52, 104]::float8[]) WITH ORDINALITY AS u(h, k);

SELECT is((SELECT count(*) FROM expected WHERE h = 0 AND (bg_e <> 0 OR pn_e <> 0)), 0::bigint,
          'expected purchases are 0 at horizon 0 (both models)');
SELECT is((SELECT count(*) FROM expected WHERE NOT (bg_e >= 0 AND bg_e <> 'NaN' AND bg_e < 'Infinity')), 0::bigint,
          'bgnbd_expected_purchases finite and non-negative on 18,000 cases');
SELECT is((SELECT count(*) FROM expected WHERE NOT (pn_e >= 0 AND pn_e <> 'NaN' AND pn_e < 'Infinity')), 0::bigint,
          'pareto_nbd_expected_purchases finite and non-negative on 18,000 cases');
SELECT is((SELECT count(*) FROM expected AS a JOIN expected AS b ON b.i = a.i AND b.k = a.k + 1
           WHERE b.bg_e < a.bg_e OR b.pn_e < a.pn_e), 0::bigint,
          'expected purchases non-decreasing in the horizon (both models, 15,000 pairs)');
SELECT is((SELECT count(*) FROM expected AS e JOIN history USING (i), models
           WHERE h > 0 AND bg_e > h * (0.243 + x) / (4.414 + t) * (1 + 1e-12)), 0::bigint,
          'bgnbd_expected_purchases at most horizon * (r + x) / (alpha + t), the rate of a customer alive for sure');

-- the new customer's E[X(h)] and P(X(h) = n)
CREATE TEMP TABLE newcust AS
SELECT h, n, bgnbd_prob_purchases(bg, n, h) AS p
FROM models, unnest(ARRAY[0, 0.5, 1, 4, 13, 39, 78]::float8[]) AS h, generate_series(0, 600) AS n;

SELECT is((SELECT count(*) FROM newcust WHERE NOT p BETWEEN 0 AND 1), 0::bigint,
          'bgnbd_prob_purchases within [0, 1] on 4,207 cases');
SELECT is((SELECT count(*) FROM (SELECT h, sum(p) AS s FROM newcust GROUP BY h) AS g WHERE s > 1 + 1e-9), 0::bigint,
          'bgnbd_prob_purchases summed over n = 0..600 is at most 1');
SELECT is((SELECT count(*) FROM (SELECT h, sum(p) AS s FROM newcust GROUP BY h) AS g WHERE s < 1 - 1e-9), 0::bigint,
          'bgnbd_prob_purchases summed over n = 0..600 is 1 up to the tail');
SELECT is((SELECT count(*) FROM (SELECT h, sum(n * p) AS mean FROM newcust GROUP BY h) AS g, models
           WHERE abs(mean - bgnbd_expected_purchases(bg, h)) > 1e-9 * (1 + mean)), 0::bigint,
          'sum of n P(X(h) = n) equals bgnbd_expected_purchases(model, h)');
SELECT is((SELECT count(*) FROM (SELECT h, bgnbd_expected_purchases(bg, h) AS e, lag(bgnbd_expected_purchases(bg, h)) OVER (ORDER BY h) AS prev
                                 FROM models, generate_series(0, 2000) AS g, LATERAL (SELECT g / 10.0::float8 AS h) AS l) AS s
           WHERE e < prev OR e <> e OR (h = 0 AND e <> 0)), 0::bigint,
          'bgnbd_expected_purchases(model, h) of a new customer 0 at 0, non-decreasing on 2,001 horizons');

-- expected spend
SELECT is((SELECT count(*) FROM history, models
           WHERE x > 0 AND NOT gamma_gamma_expected_spend(gg, x, m)
                 BETWEEN least(6.25 * 15.44 / 2.74, m) * (1 - 1e-12) AND greatest(6.25 * 15.44 / 2.74, m) * (1 + 1e-12)), 0::bigint,
          'gamma_gamma_expected_spend between the population mean and the customer''s mean');
SELECT is((SELECT count(*) FROM history, models
           WHERE x = 0 AND gamma_gamma_expected_spend(gg, x, m) <> 6.25 * 15.44 / 2.74::float8), 0::bigint,
          'gamma_gamma_expected_spend is the population mean p v / (q - 1) at frequency 0');

-- cltv on 1,000 histories
CREATE TEMP TABLE values_ AS
SELECT i, x, tx, t, m, months, d,
       cltv(bg, gg, x, tx, t, m, months, d, 'week') AS v
FROM history, models, unnest(ARRAY[0, 1, 6, 12, 24]) AS months, unnest(ARRAY[0, 0.005, 0.02, 0.1]::float8[]) AS d
WHERE i <= 1000;

SELECT is((SELECT count(*) FROM values_ WHERE NOT (v >= 0 AND v <> 'NaN' AND v < 'Infinity') OR (months = 0 AND v <> 0)), 0::bigint,
          'cltv finite, non-negative and 0 at months 0 on 20,000 cases');
SELECT is((SELECT count(*) FROM values_ AS a JOIN values_ AS b ON b.i = a.i AND b.d = a.d AND b.months > a.months
           WHERE b.v < a.v * (1 - 1e-12)), 0::bigint,
          'cltv non-decreasing in months');
SELECT is((SELECT count(*) FROM values_ AS a JOIN values_ AS b ON b.i = a.i AND b.months = a.months AND b.d > a.d
           WHERE b.v > a.v * (1 + 1e-12)), 0::bigint,
          'cltv non-increasing in the discount rate');
SELECT is((SELECT count(*) FROM values_ AS v, models
           WHERE d = 0 AND abs(v - bgnbd_expected_purchases(bg, months * 4.345, x, tx, t) * gamma_gamma_expected_spend(gg, x, m))
                 > 1e-9 * (1 + v)), 0::bigint,
          'cltv at discount 0 is expected purchases over months * 4.345 weeks times the expected spend');
SELECT is((SELECT count(*) FROM values_ AS v, models,
                 LATERAL (SELECT sum((bgnbd_expected_purchases(bg, i * 4.345, x, tx, t)
                                      - bgnbd_expected_purchases(bg, (i - 1) * 4.345, x, tx, t)) / (1 + d) ^ i)
                                 * gamma_gamma_expected_spend(gg, x, m) AS direct
                          FROM generate_series(1, months) AS i) AS l
           WHERE d > 0 AND months > 0 AND abs(v - direct) > 1e-9 * (1 + v)), 0::bigint,
          'cltv at a discount is the sum of the discounted monthly expected purchases times the spend, in plain SQL (12,000 cases)');

-- sBG: survival, retention, DERL over the Fader & Hardie model and 200 hashed ones
CREATE TEMP TABLE sbgs AS
SELECT 0 AS j, sb FROM models
UNION ALL
SELECT j, ROW(0.05 + ((hashint8extended(j, 6) & 2147483647) % 5000) / 1000.0,
              0.05 + ((hashint8extended(j, 7) & 2147483647) % 5000) / 1000.0, NULL, NULL, NULL)::sbg
FROM generate_series(1, 200) AS j;

CREATE TEMP TABLE curves AS
SELECT j, t, sbg_survival(sb, t) AS s, CASE WHEN t > 0 THEN sbg_retention(sb, t) END AS r
FROM sbgs, generate_series(0, 200) AS t;

SELECT is((SELECT count(*) FROM curves WHERE NOT (s > 0 AND s <= 1) OR (t = 0 AND s <> 1) OR (t > 0 AND NOT r BETWEEN 0 AND 1)), 0::bigint,
          'sbg_survival in (0, 1], 1 at t = 0; sbg_retention in [0, 1] (40,401 cases)');
SELECT is((SELECT count(*) FROM curves AS a JOIN curves AS b ON b.j = a.j AND b.t = a.t + 1
           WHERE b.s > a.s OR abs(b.s - a.s * b.r) > 1e-12 * a.s OR b.r < a.r), 0::bigint,
          'sbg_survival non-increasing, S(t) = S(t - 1) r(t), retention non-decreasing in t');

CREATE TEMP TABLE derl AS
SELECT j, n, d, sbg_derl(sb, d, n) AS v
FROM sbgs, generate_series(1, 12) AS n, unnest(ARRAY[0.01, 0.05, 0.1, 0.5, 2]::float8[]) AS d;

SELECT is((SELECT count(*) FROM derl WHERE NOT (v > 0 AND v <= (1 + d) / d * (1 + 1e-12))), 0::bigint,
          'sbg_derl positive and at most (1 + d) / d, the value of a customer who never churns (12,060 cases)');
SELECT is((SELECT count(*) FROM derl AS a JOIN derl AS b ON b.j = a.j AND b.n = a.n AND b.d > a.d
           WHERE b.v >= a.v), 0::bigint,
          'sbg_derl decreasing in the discount rate');
SELECT is((SELECT count(*) FROM derl AS v JOIN sbgs USING (j),
                 LATERAL (SELECT sum(sbg_survival(sb, n + k) / sbg_survival(sb, n - 1) / (1 + d) ^ k) AS direct
                          FROM generate_series(0, 400) AS k) AS l
           WHERE d = 0.1 AND j <= 20 AND abs(v - direct) > 1e-9 * v), 0::bigint,
          'sbg_derl at 10% equals its direct sum of S(n + k) / S(n - 1) / 1.1^k');

SELECT * FROM finish();
ROLLBACK;
