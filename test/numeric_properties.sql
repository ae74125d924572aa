--
-- Numeric amounts read in place (src/base/scaled.c reads numeric's
-- stored digits instead of its text form): on amounts in every storage
-- form -- short and long headers, weights from -80 to 80 base-10000
-- digits, display scales from 0 to 100, zero, signs, the edges of 18
-- digits and of bigint -- each aggregate that reads them must agree with
-- numeric's own arithmetic:
--   rfm: monetary equals sum(amount), digit for digit (text), for groups
--        of one to three amounts (exact scaled sums and their numeric
--        fallback);
--   cohort_retention: revenue equals round(amount, 18) when that times
--        10^least(scale, 18) fits a bigint, else the 22003 error;
--   btyd_summary: monetary_value equals amount::float8 exactly;
--   rfm_breaks and fixed-break rfm_score: the monetary break equals
--        amount::float8.
--
BEGIN;
SELECT plan(7);

-- mantissas at many scales and powers of ten, and hand-picked edges
CREATE TEMP TABLE amounts AS
SELECT row_number() OVER () AS id, x FROM (
    SELECT sign * round(m * 10::numeric ^ e, s) AS x
    FROM unnest(ARRAY[1, -1]) AS sign,
         unnest(ARRAY[1, 7, 12345, 99999999, 123456789012345678, 999999999999999999,
                      1000000000000000000, 9223372036854775807]::numeric[]) AS m,
         generate_series(-24, 24, 3) AS e,
         unnest(ARRAY[0, 2, 5, 18, 19, 40, 70]) AS s
    UNION ALL
    SELECT -x FROM (VALUES (0.01), (1.5), (999999999999999999), (9223372036854775807),
                           (9223372036854775808), (0.000000000000000001), (123.450000000000000000000)) AS v(x)
    UNION ALL
    SELECT x FROM (VALUES (0), (0.000), (round(0, 100)), (1e300), (1e-300), (round(1e-300, 320)),
                          (12.345678901234567890123), (99999999999999999.9), (9999999999999999.99),
                          (922337203685477580.7), (0.9223372036854775807), (round(2.5, 90)),
                          (1e-18), (1e-19), (1e-17)) AS v(x)
) AS a;

SELECT cmp_ok((SELECT count(*) FROM amounts), '>', 1800::bigint, 'more than 1,800 amounts');

-- groups of one to three amounts: each amount alone, with the next and with two others
CREATE TEMP TABLE groups AS
SELECT g, a.x FROM amounts AS a, LATERAL (VALUES (a.id), (a.id + 100000)) AS gg(g)
UNION ALL
SELECT b.id + 100000, b.x FROM amounts AS b WHERE b.id > 1 AND b.id % 2 = 0
UNION ALL
SELECT c.id * 1000000, c.x FROM amounts AS c JOIN amounts AS d ON d.id IN (c.id + 1, c.id + 7) WHERE c.id % 3 = 0
UNION ALL
SELECT c.id * 1000000, d.x FROM amounts AS c JOIN amounts AS d ON d.id IN (c.id + 1, c.id + 7) WHERE c.id % 3 = 0;

SELECT is((SELECT count(*) FROM (
               SELECT g, (rfm(date '2025-01-01', x, date '2025-01-02')).monetary::text AS ours, sum(x)::text AS theirs
               FROM groups GROUP BY g) AS r
           WHERE ours IS DISTINCT FROM theirs),
          0::bigint, 'rfm: monetary is sum(amount), digit for digit, in every storage form');

SELECT is((SELECT count(*) FROM (
               SELECT g, (rfm(date '2025-01-01', x, date '2025-01-02')).frequency AS ours,
                      count(*) FILTER (WHERE x >= 0) AS theirs
               FROM groups GROUP BY g) AS r
           WHERE ours <> theirs),
          0::bigint, 'rfm: amounts of every storage form are orders exactly when they are >= 0');

-- cohort_retention revenue of one customer with one amount: the amount, or 22003
CREATE FUNCTION pg_temp.cohort_revenue(amount numeric) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT revenue::text FROM cohort_table(
               (SELECT cohort_retention(1::bigint, date '2025-01-01', 'month', amount))));
EXCEPTION WHEN OTHERS THEN
    RETURN 'error ' || SQLSTATE;
END $$;
SELECT is((SELECT count(*) FROM (
               SELECT x, pg_temp.cohort_revenue(x) AS ours,
                      CASE WHEN round(x, 18) * 10::numeric ^ least(scale(x), 18)
                                    BETWEEN -9223372036854775808 AND 9223372036854775807
                           THEN round(x, 18)::text ELSE 'error 22003' END AS theirs
               FROM amounts) AS r
           WHERE CASE WHEN theirs LIKE 'error%' THEN ours <> theirs
                      ELSE ours NOT LIKE 'error%' AND ours::numeric <> theirs::numeric END),
          0::bigint, 'cohort_retention: revenue is round(amount, 18) when that fits bigint units of at most 18 decimals, else 22003');
SELECT cmp_ok((SELECT count(*) FROM amounts WHERE pg_temp.cohort_revenue(x) LIKE 'error%'), '>', 200::bigint,
              'cohort_retention: the amounts include more than 200 that do not fit');

-- btyd_summary: a first order, then one repeat order of the amount
SELECT is((SELECT count(*) FROM (
               SELECT x, (SELECT (btyd_summary(d, v, date '2025-01-10', 'day')).monetary_value
                          FROM (VALUES (date '2025-01-01', 1::numeric), (date '2025-01-05', x)) AS o(d, v)) AS ours
               FROM amounts WHERE abs(x) < 1e300) AS r
           WHERE ours IS DISTINCT FROM x::float8),
          0::bigint, 'btyd_summary: monetary_value is amount::float8, correctly rounded');

-- rfm_breaks of two customers, a lower monetary and the amount: with 2
-- bins the monetary cut is the amount, as float8; scored with those
-- breaks, the amount gets M 2
CREATE TEMP TABLE breaks AS
SELECT x, (SELECT rfm_breaks(1, 1, v, 2) FROM (VALUES (x - abs(x) - 1), (x)) AS o(v)) AS b
FROM amounts WHERE abs(x) < 1e300;
SELECT is((SELECT count(*) FROM breaks WHERE (b).m[1] IS DISTINCT FROM x::float8 OR (rfm_score(1, 1, x, b)).m <> 2),
          0::bigint, 'rfm_breaks and fixed-break rfm_score read every storage form as amount::float8');

SELECT * FROM finish();
ROLLBACK;
