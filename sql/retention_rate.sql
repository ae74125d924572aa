--
-- retention_rate and churn_rate from period counts: the seed example, exact
-- fractions, start 0 (no rate), the boundaries (nobody and everybody
-- retained), int64 extremes, NULL arguments, each error, and a grid checked
-- against the plain-SQL formula.
--
SET extra_float_digits = 0;

-- the seed example of DESIGN section 3: (200 - 80) / 150
SELECT retention_rate(150, 200, 80) AS crr, churn_rate(150, 200, 80) AS churn;
SELECT retention_rate(4, 3, 0) AS crr, churn_rate(4, 3, 0) AS churn;
-- nobody retained, everybody retained
SELECT retention_rate(10, 0, 0) AS crr, churn_rate(10, 0, 0) AS churn;
SELECT retention_rate(10, 15, 5) AS crr, churn_rate(10, 15, 5) AS churn;
-- no customers at the start: no rate
SELECT retention_rate(0, 5, 5) IS NULL AS crr_null, churn_rate(0, 0, 0) IS NULL AS churn_null;
-- int64 extremes do not overflow
SELECT retention_rate(9223372036854775807, 9223372036854775807, 0) AS crr;
SELECT churn_rate(9223372036854775807, 9223372036854775807, 9223372036854775807) AS churn;
-- NULL in any argument gives NULL (STRICT)
SELECT retention_rate(NULL, 1, 1) IS NULL AS a, retention_rate(1, NULL, 1) IS NULL AS b, churn_rate(1, 1, NULL) IS NULL AS c;

-- errors
SELECT retention_rate(-1, 0, 0);
SELECT churn_rate(5, -2, 0);
SELECT retention_rate(10, 5, 6);
SELECT churn_rate(10, 20, 5);

-- every valid combination of a grid agrees with (end - new) / start
SELECT count(*) AS cases,
       count(*) FILTER (WHERE retention_rate(s, e, n) = (e - n)::float8 / s) AS crr_agree,
       count(*) FILTER (WHERE churn_rate(s, e, n) = (s - e + n)::float8 / s) AS churn_agree,
       count(*) FILTER (WHERE abs(retention_rate(s, e, n) + churn_rate(s, e, n) - 1) < 1e-15) AS sum_to_one
FROM generate_series(1, 20) AS s, generate_series(0, 40) AS e, generate_series(0, 40) AS n
WHERE n <= e AND e - n <= s;
