--
-- survival: kaplan_meier, km_table, km_survival, km_median, logrank_test.
-- Covers the worked example of doc/subscriptions.md (its output is this
-- file's), km_table against a plain-SQL formulation with window functions
-- (survival as exp(sum(ln(1 - d/n))), Greenwood's sum, the log-log
-- interval), the date form against the float form, text and binary round
-- trips of km_curve, GROUP BY per segment, R's median rules, and the
-- log-rank statistic against a plain-SQL survdiff for two groups.
--
SET extra_float_digits = 0;

-- the worked example: subscriptions per plan, observed up to 2025-07-01
CREATE TABLE survival_subscriptions (id int, plan text, started_at date, ended_at date);
INSERT INTO survival_subscriptions VALUES
(1, 'basic', '2025-01-01', '2025-01-31'), (2, 'basic', '2025-01-01', '2025-03-02'),
(3, 'basic', '2025-01-15', '2025-02-14'), (4, 'basic', '2025-02-01', NULL),
(5, 'basic', '2025-02-01', '2025-04-02'), (6, 'basic', '2025-03-01', '2025-03-31'),
(7, 'basic', '2025-03-01', NULL), (8, 'basic', '2025-04-01', '2025-05-31'),
(9, 'pro', '2025-01-01', '2025-04-01'), (10, 'pro', '2025-01-01', NULL),
(11, 'pro', '2025-01-15', '2025-06-13'), (12, 'pro', '2025-02-01', NULL),
(13, 'pro', '2025-02-01', '2025-03-03'), (14, 'pro', '2025-03-01', NULL),
(15, 'pro', '2025-03-01', '2025-05-30'), (16, 'pro', '2025-04-01', NULL),
(17, 'pro', '2025-08-01', NULL);

SELECT plan, kaplan_meier(started_at, ended_at, date '2025-07-01')
FROM survival_subscriptions GROUP BY plan ORDER BY plan;

SELECT plan, t."time", t.at_risk, t.events, t.censored,
       round(t.survival::numeric, 4) AS survival, round(t.std_error::numeric, 4) AS std_error,
       round(t.lower_95::numeric, 4) AS lower_95, round(t.upper_95::numeric, 4) AS upper_95
FROM (SELECT plan, kaplan_meier(started_at, ended_at, date '2025-07-01') AS curve
      FROM survival_subscriptions GROUP BY plan) AS c,
     km_table(c.curve) AS t
ORDER BY plan, t."time";

SELECT plan, km_median(curve) AS median_days, round(km_survival(curve, 90)::numeric, 4) AS survival_90
FROM (SELECT plan, kaplan_meier(started_at, ended_at, date '2025-07-01') AS curve
      FROM survival_subscriptions GROUP BY plan) AS c
ORDER BY plan;

SELECT round(chisq::numeric, 4) AS chisq, df, round(p_value::numeric, 4) AS p_value
FROM (SELECT (logrank_test((least(coalesce(ended_at, '2025-07-01'), '2025-07-01') - started_at)::float8,
                           coalesce(ended_at <= '2025-07-01', false), plan)).*
      FROM survival_subscriptions WHERE started_at <= '2025-07-01') AS r;

-- the date form is the float form on days to least(ended_at, as_of)
SELECT (SELECT kaplan_meier(started_at, ended_at, date '2025-07-01')::text FROM survival_subscriptions) =
       (SELECT kaplan_meier((least(coalesce(ended_at, '2025-07-01'), '2025-07-01') - started_at)::float8,
                            ended_at IS NOT NULL AND ended_at <= '2025-07-01')::text
        FROM survival_subscriptions WHERE started_at <= '2025-07-01') AS date_form_is_float_form;

-- a larger deterministic data set (an LCG): durations with many ties, a
-- censoring after an event at the same time, fractional times
CREATE TABLE survival_lcg AS
WITH RECURSIVE lcg(i, x) AS (
    SELECT 1, 12345::bigint
    UNION ALL
    SELECT i + 1, (x * 1103515245 + 12345) % 2147483648 FROM lcg WHERE i < 3000)
SELECT i, (x % 400)::float8 / CASE WHEN i % 5 = 0 THEN 4 ELSE 1 END AS duration,
       (x / 400) % 3 <> 0 AS event, 'g' || ((x / 1200) % 3) AS grp
FROM lcg;

-- km_table against plain SQL: n = subjects with time >= t, S = exp(sum ln(1 - d/n)),
-- Greenwood = sum d / (n (n - d)), the interval on the log(-log) scale;
-- once d = n somewhere S is 0 and the standard error is undefined
CREATE TABLE survival_reference AS
WITH per_time AS (
    SELECT duration AS t, count(*) FILTER (WHERE event) AS d, count(*) FILTER (WHERE NOT event) AS c
    FROM survival_lcg GROUP BY duration),
at_risk AS (
    SELECT t, d, c, sum(d + c) OVER (ORDER BY t DESC) AS n FROM per_time),
curve AS (
    SELECT t, d, c, n,
           CASE WHEN bool_or(d = n) OVER (ORDER BY t) THEN 0
                ELSE exp(coalesce(sum(CASE WHEN d < n THEN ln(1 - d::float8 / n) END) OVER (ORDER BY t), 0)) END AS s,
           sum(CASE WHEN d < n THEN d::float8 / (n * (n - d)) END) OVER (ORDER BY t) AS gw
    FROM at_risk)
SELECT t, n, d, c, s, CASE WHEN s > 0 THEN s * sqrt(gw) END AS se,
       CASE WHEN s > 0 AND s < 1 THEN exp(-exp(ln(-ln(s)) - 1.959963984540054 * sqrt(gw) / ln(s))) END AS lo,
       CASE WHEN s > 0 AND s < 1 THEN exp(-exp(ln(-ln(s)) + 1.959963984540054 * sqrt(gw) / ln(s))) END AS hi
FROM curve;

SELECT count(*) AS rows_compared,
       count(*) FILTER (WHERE k."time" = r.t AND k.at_risk = r.n AND k.events = r.d AND k.censored = r.c) AS counts_equal,
       count(*) FILTER (WHERE abs(k.survival - r.s) <= 1e-12) AS survival_equal,
       count(*) FILTER (WHERE abs(k.std_error - r.se) <= 1e-12 OR (k.std_error IS NULL AND r.se IS NULL)) AS std_error_equal,
       count(*) FILTER (WHERE abs(k.lower_95 - r.lo) <= 1e-12 AND abs(k.upper_95 - r.hi) <= 1e-12
                           OR (k.lower_95 IS NULL AND r.lo IS NULL AND k.upper_95 IS NULL AND r.hi IS NULL)) AS interval_equal
FROM km_table((SELECT kaplan_meier(duration, event) FROM survival_lcg)) AS k
FULL JOIN survival_reference AS r ON r.t = k."time";

-- km_survival is the step function of km_table, right-continuous
SELECT count(*) FILTER (WHERE km_survival(curve, k."time") = k.survival) AS at_times,
       count(*) FILTER (WHERE km_survival(curve, k."time" - 1e-9) = coalesce(before, 1)) AS just_before
FROM (SELECT curve, t.*, lag(t.survival) OVER (ORDER BY t."time") AS before
      FROM (SELECT kaplan_meier(duration, event) AS curve FROM survival_lcg) AS x, km_table(x.curve) AS t) AS k;
SELECT km_survival(c, -1) AS before_all, km_survival(c, '-Infinity') AS minus_infinity,
       km_survival(c, 'Infinity') = (SELECT min(s) FROM survival_reference) AS infinity_is_last
FROM (SELECT kaplan_meier(duration, event) AS c FROM survival_lcg) AS x;

-- text round trip (times printed exactly) and binary round trip through COPY
SELECT c::text::km_curve::text = c::text AS text_round_trip
FROM (SELECT kaplan_meier(duration / 3, event) AS c FROM survival_lcg) AS x;
SELECT '[[0.1, 1, 0], [1e+20, 0, 2], [0.30000000000000004, 2, 1]]'::km_curve;
SELECT '[[0.1, 1, 0], [0.30000000000000004, 2, 1], [1e+20, 0, 2]]'::km_curve;
CREATE TABLE survival_copy AS SELECT kaplan_meier(duration / 7, event) AS c FROM survival_lcg;
SELECT '/tmp/retention_survival_' || pg_backend_pid() || '.bin' AS copy_file \gset
COPY survival_copy TO :'copy_file' (FORMAT binary);
CREATE TABLE survival_copy_back (c km_curve);
COPY survival_copy_back FROM :'copy_file' (FORMAT binary);
SELECT (SELECT c::text FROM survival_copy) = (SELECT c::text FROM survival_copy_back) AS binary_round_trip;

-- GROUP BY per segment equals one aggregate per segment
SELECT count(*) AS segments,
       count(*) FILTER (WHERE g.c::text = (SELECT kaplan_meier(duration, event)::text FROM survival_lcg AS l WHERE l.grp = g.grp)) AS same
FROM (SELECT grp, kaplan_meier(duration, event) AS c FROM survival_lcg GROUP BY grp) AS g;

-- R's median: the first time S(t) <= 0.5; on a flat stretch at exactly 0.5,
-- the midpoint of its start and the next drop of S (its start when S never drops again)
SELECT km_median('[[1, 1, 0], [2, 1, 0], [3, 1, 0], [4, 1, 0]]') AS flat_to_next_event,
       km_median('[[1, 1, 0], [2, 1, 0], [3, 0, 1], [4, 1, 0]]') AS flat_over_a_censoring,
       km_median('[[1, 1, 0], [5, 1, 0], [7, 0, 2]]') AS flat_to_the_end,
       km_median('[[1, 1, 0], [2, 1, 0], [3, 1, 0]]') AS clean_crossing,
       km_median('[[1, 1, 3], [2, 0, 1]]') AS never_reached,
       km_median('[[4, 0, 3]]') AS all_censored;

-- all events at one time; all censored; a single row
SELECT * FROM km_table('[[3, 2, 0]]');
SELECT * FROM km_table('[[3, 0, 2]]');
SELECT * FROM km_table((SELECT kaplan_meier(2.5, true)));
SELECT kaplan_meier(x, true) IS NULL AS empty_is_null FROM generate_series(1, 0) AS x;

-- the log-rank test for two groups against a plain-SQL survdiff:
-- O - E and V summed over the distinct event times
WITH two AS (SELECT * FROM survival_lcg WHERE grp IN ('g0', 'g1')),
times AS (SELECT DISTINCT duration AS t FROM two WHERE event),
per AS (
    SELECT t,
           (SELECT count(*) FROM two WHERE duration >= t) AS n,
           (SELECT count(*) FROM two WHERE duration >= t AND grp = 'g1') AS n1,
           (SELECT count(*) FROM two WHERE duration = t AND event) AS d,
           (SELECT count(*) FROM two WHERE duration = t AND event AND grp = 'g1') AS d1
    FROM times),
sums AS (
    SELECT sum(d1 - d * n1::float8 / n) AS o_e,
           sum(CASE WHEN n > 1 THEN d * (n - d) * n1 * (n - n1)::float8 / (n * n * (n - 1.0)) ELSE 0 END) AS v
    FROM per)
SELECT abs((SELECT (logrank_test(duration, event, grp)).chisq FROM two) - o_e * o_e / v) <= 1e-9 * (o_e * o_e / v) AS chisq_matches,
       (SELECT (logrank_test(duration, event, grp)).df FROM two) AS df
FROM sums;

-- three groups; one group gives NULL; a group without events still counts
SELECT round(chisq::numeric, 6) AS chisq, df, p_value < 1 AS p_below_1
FROM (SELECT (logrank_test(duration, event, grp)).* FROM survival_lcg) AS r;
SELECT logrank_test(duration, event, 'one') IS NULL AS one_group_is_null FROM survival_lcg;
SELECT (logrank_test(d, e, g)).* FROM (VALUES (1.0::float8, true, 'a'), (2, true, 'a'), (3, false, 'b'), (4, false, 'b')) AS v(d, e, g);
-- the chi-square upper tail in closed form: exp(-x/2) for df 2, exp(-x/2) (1 + x/2) for df 4
SELECT df, abs(p_value - exp(-chisq / 2)) <= 1e-14 * p_value AS p_closed_form
FROM (SELECT (logrank_test(duration, event, grp)).* FROM survival_lcg) AS r;
-- (a chisq of 1169 here: exp(-x/2) itself is then only good to about x * 1e-16)
SELECT df, abs(p_value - exp(-chisq / 2) * (1 + chisq / 2)) <= 1e-12 * p_value AS p_closed_form, p_value < 1e-200 AS tiny_p
FROM (SELECT (logrank_test(duration, event, 'g' || i % 5)).* FROM survival_lcg) AS r;
SELECT df, abs(p_value - exp(-chisq / 2)) <= 1e-14 * p_value AS p_closed_form, p_value < 1e-10 AS tiny_p
FROM (SELECT (logrank_test(duration + CASE WHEN grp = 'g0' THEN 300 ELSE 0 END, event, grp)).* FROM survival_lcg) AS r;

DROP TABLE survival_subscriptions, survival_lcg, survival_reference, survival_copy, survival_copy_back;
