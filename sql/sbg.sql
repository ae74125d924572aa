--
-- sbg: the shifted-beta-geometric retention model. The fits reproduce
-- Fader & Hardie (2007), "How to project customer retention", Table 1 /
-- their spreadsheet: regular alpha 0.7041, beta 1.1820, LL -1680.27; high
-- end alpha 0.6681, beta 3.8061, LL -1611.16. Survival, retention and DERL
-- are checked against their definitions computed here in SQL.
--
CREATE TABLE sbg_cohorts AS
SELECT 'regular' AS segment, sbg_fit(ARRAY[1000, 631, 468, 382, 326, 289, 262, 241]) AS m
UNION ALL
SELECT 'high end', sbg_fit(ARRAY[1000, 869, 743, 653, 593, 551, 517, 491]);

SELECT segment, round(((m).alpha)::numeric, 4) AS alpha, round(((m).beta)::numeric, 4) AS beta,
       round(((m).loglik)::numeric, 2) AS loglik, (m).converged
FROM sbg_cohorts ORDER BY segment;

-- log-likelihood against its definition: sum (n_{t-1} - n_t) log P(t) + n_7 log S(7),
-- with S(t) = prod_{j=1}^{t} (beta + j - 1) / (alpha + beta + j - 1) and P(t) = S(t-1) - S(t)
WITH s AS (
    SELECT c.segment, (c.m).loglik AS loglik, t,
           exp(sum(ln(((c.m).beta + t - 1) / ((c.m).alpha + (c.m).beta + t - 1)))
               OVER (PARTITION BY c.segment ORDER BY t)) AS surv,
           (ARRAY[1000, 631, 468, 382, 326, 289, 262, 241])[t + 1] AS reg,
           (ARRAY[1000, 869, 743, 653, 593, 551, 517, 491])[t + 1] AS hi
    FROM sbg_cohorts AS c, generate_series(1, 7) AS t
), p AS (
    SELECT segment, loglik, t, surv, coalesce(lag(surv) OVER w, 1) - surv AS prob,
           CASE segment WHEN 'regular' THEN reg ELSE hi END AS n,
           coalesce(lag(CASE segment WHEN 'regular' THEN reg ELSE hi END) OVER w, 1000) AS prev
    FROM s WINDOW w AS (PARTITION BY segment ORDER BY t)
)
SELECT segment, abs(sum((prev - n) * ln(prob)) + sum(n * ln(surv)) FILTER (WHERE t = 7) - min(loglik)) < 1e-8 AS loglik_matches
FROM p GROUP BY segment ORDER BY segment;

-- survival and retention against the product form; S(0) = 1, retention rises
SELECT segment, t,
       abs(sbg_survival(m, t) - exp(coalesce((SELECT sum(ln(((m).beta + j - 1) / ((m).alpha + (m).beta + j - 1)))
                                              FROM generate_series(1, t) AS j), 0))) < 1e-12 AS survival_ok,
       round(sbg_survival(m, t)::numeric, 6) AS survival,
       CASE WHEN t > 0 THEN round(sbg_retention(m, t)::numeric, 6) END AS retention
FROM sbg_cohorts, generate_series(0, 4) AS t ORDER BY segment, t;

-- DERL against the direct sum sum_{k>=0} S(n+k) / S(n-1) / (1+d)^k (5000 terms)
SELECT segment, n, d,
       round(sbg_derl(m, d, n)::numeric, 6) AS derl,
       abs(sbg_derl(m, d, n) - (SELECT sum(exp(greatest(sum_ln - k * ln(1 + d), -700))) FROM (
            SELECT k, sum(ln(((m).beta + j - 1) / ((m).alpha + (m).beta + j - 1))) OVER (ORDER BY j) AS sum_ln
            FROM generate_series(0, 4999) AS k, LATERAL (SELECT n + k AS j) AS jj) AS terms)) < 1e-9 AS matches_sum
FROM sbg_cohorts, (VALUES (1, 0.1::float8), (5, 0.1), (1, 0.5), (3, 0.02)) AS v(n, d)
ORDER BY segment, n, d;

-- no churn, everyone gone after one period, a single period, or a
-- homogeneous (geometric) cohort: the likelihood has no unique finite
-- maximum, so converged = false
SELECT (sbg_fit(ARRAY[100, 100, 100])).converged AS no_churn_converged;
SELECT (sbg_fit(ARRAY[100, 0, 0])).converged AS all_gone_converged;
SELECT (sbg_fit(ARRAY[100, 90])).converged AS one_period_converged;
SELECT (sbg_fit(ARRAY[1000, 500, 250, 125])).converged AS geometric_converged;

-- bad input
SELECT sbg_fit(ARRAY[1000]::bigint[]);
SELECT sbg_fit(ARRAY[1000, 1100]::bigint[]);
SELECT sbg_fit(ARRAY[1000, NULL]::bigint[]);
SELECT sbg_fit(ARRAY[0, 0]::bigint[]);
SELECT sbg_fit(ARRAY[10, -1]::bigint[]);
SELECT sbg_fit(ARRAY[[10, 5], [4, 3]]::bigint[]);
SELECT sbg_survival(m, -1) FROM sbg_cohorts WHERE segment = 'regular';
SELECT sbg_retention(m, 0) FROM sbg_cohorts WHERE segment = 'regular';
SELECT sbg_derl(m, 0, 1) FROM sbg_cohorts WHERE segment = 'regular';
SELECT sbg_derl(m, 0.1, 0) FROM sbg_cohorts WHERE segment = 'regular';
SELECT sbg_survival(ROW(-1, 1, 0, true, NULL)::sbg, 1);
SELECT sbg_survival(ROW(NULL, 1, 0, false, NULL)::sbg, 1) IS NULL AS null_parameter_gives_null;

DROP TABLE sbg_cohorts;
