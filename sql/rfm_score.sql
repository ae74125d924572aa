--
-- rfm_score: the window scores against the plain-SQL formula
-- 1 + floor(bins * #{values < v} / n) (recency: values > v), written with
-- count(*) FILTER over a self-join, for bins 2..9, OVER () and PARTITION
-- BY; ties (equal values, equal scores, whatever the row order, where NTILE
-- splits them); NULLs; exact numeric comparison beyond the int64 fast path;
-- the composite forms; rfm_breaks (against an SQL reference of its cut
-- values) and fixed-break scoring equal to the window scores row for row;
-- the constructor; segment(rfm_score) and user rules on rfm_score results;
-- the examples of doc/rfm.md.
--
SET extra_float_digits = 0;

CREATE FUNCTION pg_temp.u(i integer, k integer) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$ SELECT hashint8extended(i, k) & 2147483647 $$;

-- 2,000 customers in 3 regions; recency 0..399 days, frequency 1..5
-- (heavy ties), monetary with a quarter on multiples of 5.00; 2% NULLs
CREATE TABLE scores_in (id integer, region integer, recency_days integer, frequency bigint, monetary numeric);
INSERT INTO scores_in
SELECT i, i % 3,
       CASE WHEN pg_temp.u(i, 1) % 50 = 0 THEN NULL ELSE (pg_temp.u(i, 2) % 400)::integer END,
       CASE WHEN pg_temp.u(i, 3) % 50 = 0 THEN NULL ELSE 1 + pg_temp.u(i, 4) % 5 END,
       CASE WHEN pg_temp.u(i, 5) % 50 = 0 THEN NULL
            WHEN pg_temp.u(i, 6) % 4 = 0 THEN 5 * (pg_temp.u(i, 7) % 50)
            ELSE (pg_temp.u(i, 7) % 100000) / 100.0 END
FROM generate_series(1, 2000) AS i;

-- the reference counts: per row, how many values of its column (in the
-- whole set, and in its region) are below it (above, for recency), and n
CREATE TABLE ref_counts AS
SELECT a.id, 'all' AS scope,
       count(*) FILTER (WHERE b.recency_days > a.recency_days) AS r_count, count(b.recency_days) AS r_n,
       count(*) FILTER (WHERE b.frequency < a.frequency) AS f_count, count(b.frequency) AS f_n,
       count(*) FILTER (WHERE b.monetary < a.monetary) AS m_count, count(b.monetary) AS m_n
FROM scores_in AS a CROSS JOIN scores_in AS b GROUP BY a.id
UNION ALL
SELECT a.id, 'region',
       count(*) FILTER (WHERE b.recency_days > a.recency_days), count(b.recency_days),
       count(*) FILTER (WHERE b.frequency < a.frequency), count(b.frequency),
       count(*) FILTER (WHERE b.monetary < a.monetary), count(b.monetary)
FROM scores_in AS a JOIN scores_in AS b ON a.region = b.region GROUP BY a.id;
CREATE VIEW ref_scores AS
SELECT c.id, c.scope, bins,
       CASE WHEN s.recency_days IS NOT NULL THEN 1 + bins * c.r_count / c.r_n END AS r,
       CASE WHEN s.frequency IS NOT NULL THEN 1 + bins * c.f_count / c.f_n END AS f,
       CASE WHEN s.monetary IS NOT NULL THEN 1 + bins * c.m_count / c.m_n END AS m
FROM ref_counts AS c JOIN scores_in AS s USING (id), generate_series(2, 9) AS bins;

-- the window scores, for every bins, over the whole set and per region
CREATE TABLE got_scores AS
SELECT id, 'all' AS scope, bins, rfm_score(recency_days, frequency, monetary, bins) OVER (PARTITION BY bins) AS s
FROM scores_in, generate_series(2, 9) AS bins
UNION ALL
SELECT id, 'region', bins, rfm_score(recency_days, frequency, monetary, bins) OVER (PARTITION BY region, bins)
FROM scores_in, generate_series(2, 9) AS bins;

-- every score equals the reference; the code is the three digits, NULL
-- when a score is NULL
SELECT g.scope, count(*) AS scored,
       count(*) FILTER (WHERE ((g.s).r, (g.s).f, (g.s).m) IS DISTINCT FROM (r.r, r.f, r.m)) AS mismatches,
       count(*) FILTER (WHERE (g.s).code IS DISTINCT FROM ((g.s).r::text || (g.s).f::text || (g.s).m::text)) AS bad_codes,
       count(*) FILTER (WHERE (g.s).code IS NULL) AS null_codes
FROM got_scores AS g JOIN ref_scores AS r USING (id, scope, bins) GROUP BY g.scope ORDER BY 1;
-- the default of 5 bins, and how the 5-bin scores spread (ties keep the
-- frequency scores to the levels 1, 2, 3, 4, 5 of its five values)
SELECT count(*) FILTER (WHERE a IS DISTINCT FROM b) AS default_differs FROM (
    SELECT rfm_score(recency_days, frequency, monetary) OVER () AS a,
           rfm_score(recency_days, frequency, monetary, 5) OVER () AS b
    FROM scores_in) AS t;
SELECT (s).f AS f, count(*) AS customers, min(frequency) AS min_frequency, max(frequency) AS max_frequency
FROM got_scores JOIN scores_in USING (id) WHERE scope = 'all' AND bins = 5 GROUP BY 1 ORDER BY 1;
SELECT (s).r AS r, count(*) AS customers FROM got_scores WHERE scope = 'all' AND bins = 5 GROUP BY 1 ORDER BY 1;

-- ties: equal values always get equal scores, whatever order the rows come
-- in; NTILE, given the same values, splits them
SELECT count(*) AS split_values FROM (
    SELECT frequency FROM got_scores JOIN scores_in USING (id) WHERE scope = 'all' AND bins = 5
    GROUP BY frequency HAVING count(DISTINCT (s).f) > 1
    UNION ALL
    SELECT recency_days FROM got_scores JOIN scores_in USING (id) WHERE scope = 'all' AND bins = 5
    GROUP BY recency_days HAVING count(DISTINCT (s).r) > 1
    UNION ALL
    SELECT monetary FROM got_scores JOIN scores_in USING (id) WHERE scope = 'all' AND bins = 5
    GROUP BY monetary HAVING count(DISTINCT (s).m) > 1) AS t;
SELECT count(*) AS ntile_split_frequencies FROM (
    SELECT frequency FROM (SELECT frequency, ntile(5) OVER (ORDER BY frequency) AS nt FROM scores_in) AS t
    GROUP BY frequency HAVING count(DISTINCT nt) > 1) AS t;
SELECT count(*) AS rows_differing_by_order FROM (
    SELECT id, rfm_score(recency_days, frequency, monetary) OVER () AS s
    FROM (SELECT * FROM scores_in ORDER BY id DESC) AS t) AS a
JOIN (
    SELECT id, rfm_score(recency_days, frequency, monetary) OVER () AS s
    FROM (SELECT * FROM scores_in ORDER BY pg_temp.u(id, 99)) AS t) AS b USING (id)
WHERE a.s IS DISTINCT FROM b.s;

-- the composite form gives the same scores; a NULL rfm scores NULL
SELECT count(*) FILTER (WHERE a IS DISTINCT FROM b) AS composite_differs FROM (
    SELECT rfm_score(recency_days, frequency, monetary, 4) OVER () AS a,
           rfm_score(ROW(recency_days, frequency, monetary, 0)::rfm, 4) OVER () AS b
    FROM scores_in) AS t;
SELECT x, rfm_score(x) OVER () FROM (VALUES (ROW(10, 3, 50.00, 20)::rfm), (NULL::rfm), (ROW(NULL, 1, 5.00, NULL)::rfm)) AS v(x) ORDER BY 1;

-- a small case by hand: monetary 10, 20, 20, 30 and a NULL (n = 4);
-- 5 bins: 10 has 0 below -> 1; 20 has 1 -> 1 + 5/4 = 2; 30 has 3 -> 1 + 15/4 = 4
SELECT m, rfm_score(1, 1, m) OVER () FROM (VALUES (10.0), (20.0), (20.00), (30.0), (NULL)) AS v(m) ORDER BY m;

-- exact comparison beyond the int64 fast path: more than 18 digits and a
-- scale of 19 sort as numeric does
SELECT m, (rfm_score(1, 1, m) OVER ()).m AS score, 1 + 5 * (SELECT count(*) FROM (VALUES (1.5), (12345678901234567890123.1), (12345678901234567890123.05), (0.0000000000000000001), (0), (1.50)) AS w(m2) WHERE m2 < m) / 6 AS expected
FROM (VALUES (1.5), (12345678901234567890123.1), (12345678901234567890123.05), (0.0000000000000000001), (0), (1.50)) AS v(m) ORDER BY m;
-- extreme integers
SELECT f, (rfm_score(r, f, 0) OVER ()).r AS r_score, (rfm_score(r, f, 0) OVER ()).f AS f_score
FROM (VALUES (-2147483648, -9223372036854775808), (2147483647, 9223372036854775807), (0, 0)) AS v(r, f) ORDER BY f;

-- many keys (the radix sort), negative ones and ones near the int64 limits
CREATE TABLE wide AS
SELECT i, (i * 7919) % 701 - 350 AS r, ((i * 7907) % 997 - 498)::bigint * 9000000000000000 AS f,
       round(((i * 7901) % 1003 - 501) * 1234567.891, 2) AS m
FROM generate_series(1, 1500) AS i;
SELECT count(*) AS scored, count(*) FILTER (WHERE (w.s).r IS DISTINCT FROM 1 + 5 * ref.r_above / 1500
                                               OR (w.s).f IS DISTINCT FROM 1 + 5 * ref.f_below / 1500
                                               OR (w.s).m IS DISTINCT FROM 1 + 5 * ref.m_below / 1500) AS mismatches
FROM (SELECT i, rfm_score(r, f, m) OVER () AS s FROM wide) AS w
JOIN (SELECT a.i, count(*) FILTER (WHERE b.r > a.r) AS r_above, count(*) FILTER (WHERE b.f < a.f) AS f_below,
             count(*) FILTER (WHERE b.m < a.m) AS m_below
      FROM wide AS a CROSS JOIN wide AS b GROUP BY a.i) AS ref USING (i);
DROP TABLE wide;

-- rfm_breaks: the cut values for F are the smallest value whose score is
-- above k (its count of lower values reaches ceil(k n / bins)); for R the
-- largest recency whose count of higher values reaches it; checked here
-- against that definition written in SQL, for bins 2..9
CREATE TABLE got_breaks AS
SELECT bins, rfm_breaks(recency_days, frequency, monetary, bins) AS b FROM scores_in, generate_series(2, 9) AS bins GROUP BY bins;
SELECT b FROM got_breaks WHERE bins = 5;
SELECT rfm_breaks(recency_days, frequency, monetary) = (SELECT b FROM got_breaks WHERE bins = 5) AS default_bins_is_5 FROM scores_in;
WITH ref AS (
    SELECT bins, k,
           coalesce(max(s.recency_days::float8) FILTER (WHERE c.r_count >= ceil(k * c.r_n / bins::numeric)), '-Infinity') AS r_cut,
           coalesce(min(s.frequency::float8) FILTER (WHERE c.f_count >= ceil(k * c.f_n / bins::numeric)), 'Infinity') AS f_cut,
           coalesce(min(s.monetary::float8) FILTER (WHERE c.m_count >= ceil(k * c.m_n / bins::numeric)), 'Infinity') AS m_cut
    FROM ref_counts AS c JOIN scores_in AS s USING (id), generate_series(2, 9) AS bins, generate_series(1, bins - 1) AS k
    WHERE c.scope = 'all' GROUP BY bins, k)
SELECT count(*) AS cuts,
       count(*) FILTER (WHERE (g.b).r[bins - k] <> ref.r_cut OR (g.b).f[k] <> ref.f_cut OR (g.b).m[k] <> ref.m_cut) AS mismatches
FROM ref JOIN got_breaks AS g USING (bins);

-- fixed-break scoring on the population the breaks came from equals the
-- window scores row for row, for every bins, over the whole set and per region
CREATE TABLE region_breaks AS
SELECT region, bins, rfm_breaks(recency_days, frequency, monetary, bins) AS b
FROM scores_in, generate_series(2, 9) AS bins GROUP BY region, bins;
SELECT g.scope, count(*) AS scored,
       count(*) FILTER (WHERE g.s IS DISTINCT FROM rfm_score(s.recency_days, s.frequency, s.monetary, coalesce(rb.b, ab.b))) AS mismatches
FROM got_scores AS g JOIN scores_in AS s USING (id)
LEFT JOIN got_breaks AS ab ON g.scope = 'all' AND ab.bins = g.bins
LEFT JOIN region_breaks AS rb ON g.scope = 'region' AND rb.bins = g.bins AND rb.region = s.region
GROUP BY g.scope ORDER BY 1;
-- the composite form of fixed-break scoring
SELECT count(*) FILTER (WHERE rfm_score(ROW(recency_days, frequency, monetary, 0)::rfm, b) IS DISTINCT FROM
                              rfm_score(recency_days, frequency, monetary, b)) AS composite_differs
FROM scores_in, got_breaks WHERE bins = 3;
-- heavy ties and a small n: cuts repeat and reach +-Infinity
SELECT rfm_breaks(r, f, m) FROM (VALUES (1, 1, 1.0), (2, 2, 2.0)) AS v(r, f, m);
SELECT rfm_breaks(r, f, m, 4) FROM (VALUES (7, 1, 5.0), (7, 1, 5.0), (7, 1, 5.0), (3, 9, 5.0)) AS v(r, f, m);
SELECT r, f, m, rfm_score(r, f, m) OVER () AS window, rfm_score(r, f, m, (SELECT rfm_breaks(r, f, m) FROM (VALUES (1, 1, 1.0), (2, 2, 2.0)) AS v(r, f, m))) AS fixed
FROM (VALUES (1, 1, 1.0), (2, 2, 2.0)) AS v(r, f, m) ORDER BY r;
-- NULLs: a column with no values has NULL cuts and scores NULL; empty input gives NULL
SELECT rfm_breaks(r, f, m) FROM (VALUES (1, NULL::bigint, 1.0), (2, NULL, NULL)) AS v(r, f, m);
SELECT rfm_score(5, 2, 3.0, rfm_breaks(2, '{1}'::float8[], '{1}', '{1}')) AS some_row,
       rfm_score(5, NULL, 3.0, rfm_breaks(2, '{1}'::float8[], '{1}', '{1}')) AS null_frequency,
       rfm_score(5, 2, 3.0, NULL::rfm_breaks) IS NULL AS null_breaks,
       rfm_score(5, 2, 3.0, ROW(2, '{1}', NULL, '{1}')::rfm_breaks) AS null_cuts;
SELECT rfm_breaks(recency_days, frequency, monetary) IS NULL AS empty FROM scores_in WHERE false;
SELECT rfm_breaks(NULL, NULL, NULL) IS NULL AS all_null;

-- business-chosen breaks: F and M score 1 + (cuts <= value), R scores
-- 1 + (cuts >= value), so 30 days is still a 5 and 31 a 4
SELECT rfm_breaks(5, ARRAY[30, 60, 90, 180], ARRAY[2, 3, 5, 10], ARRAY[50, 100, 250, 1000]);
SELECT r, f, m, rfm_score(r, f, m, rfm_breaks(5, ARRAY[30, 60, 90, 180], ARRAY[2, 3, 5, 10], ARRAY[50, 100, 250, 1000]))
FROM (VALUES (0, 1, 0.0), (30, 2, 49.99), (31, 3, 50.00), (90, 9, 999.99), (91, 10, 1000), (181, 100, 1e6)) AS v(r, f, m) ORDER BY r;
-- repeats and infinities are allowed; other bounds become one-based. The
-- cuts need a float8[] type (or ARRAY[...]): with bare literals the
-- four-argument rfm_breaks aggregate is chosen
SELECT rfm_breaks(3, '{5, 5}'::float8[], '{-Infinity, Infinity}', '[0:1]={1, 2}');
SELECT rfm_breaks(3, '{5, 5}', '{1, 2}', '{1, 2}');

-- segment(rfm_score): the default map on the R and F scores, NULL when
-- either is NULL; the user-rules form works on the scores of any bins
SELECT count(*) AS scored, count(*) FILTER (WHERE segment(s) IS DISTINCT FROM segment((s).r, (s).f)) AS differs,
       count(*) FILTER (WHERE segment(s) IS NULL) AS null_segments
FROM got_scores WHERE scope = 'all' AND bins = 5 AND (s).r IS NOT NULL AND (s).f IS NOT NULL;
SELECT segment(s) AS segment, count(*) AS customers FROM got_scores WHERE scope = 'all' AND bins = 5 GROUP BY 1 ORDER BY 1;
SELECT segment(ROW(NULL, 3, 3, NULL)::rfm_score) IS NULL AS null_r, segment(ROW(5, 5, NULL, NULL)::rfm_score) AS null_m;
SELECT segment((s).r, (s).f, (s).m, '[{"segment": "Top", "r": [7, 9], "f": [7, 9]}, {"segment": "Rest"}]') AS segment, count(*) AS customers
FROM got_scores WHERE scope = 'all' AND bins = 9 AND (s).code IS NOT NULL GROUP BY 1 ORDER BY 1;

-- the examples of doc/rfm.md
CREATE TABLE orders (customer_id bigint, order_date date, amount numeric(10, 2));
INSERT INTO orders VALUES
    (1, '2025-12-20', 120.00), (1, '2025-11-02', 80.00), (1, '2025-06-15', 45.50),
    (2, '2025-03-01', 20.00),
    (3, '2025-12-28', 300.00), (3, '2025-12-01', 250.00), (3, '2025-10-10', 199.99), (3, '2025-12-29', -50.00),
    (4, '2024-12-24', 35.00), (4, '2025-01-10', 15.00),
    (5, '2025-12-30', 60.00), (5, '2026-01-05', 75.00);
SELECT customer_id, rfm(order_date, amount, date '2026-01-01') FROM orders GROUP BY customer_id ORDER BY customer_id;
SELECT customer_id, (x).recency_days, (x).frequency, (x).monetary, s AS score, segment(s)
FROM (SELECT customer_id, x, rfm_score(x) OVER () AS s
      FROM (SELECT customer_id, rfm(order_date, amount, date '2026-01-01') AS x FROM orders GROUP BY customer_id) AS c) AS t
ORDER BY customer_id;
CREATE TABLE rfm_breaks_2025_12 AS
SELECT rfm_breaks((x).recency_days, (x).frequency, (x).monetary) AS breaks
FROM (SELECT rfm(order_date, amount, date '2026-01-01') AS x FROM orders GROUP BY customer_id) AS c;
SELECT breaks FROM rfm_breaks_2025_12;
SELECT customer_id, rfm_score(rfm(order_date, amount, date '2026-02-01'), (SELECT breaks FROM rfm_breaks_2025_12)) AS score
FROM orders GROUP BY customer_id ORDER BY customer_id;
DROP TABLE orders, rfm_breaks_2025_12;

-- errors
SELECT rfm_score(1, 1, 1.0, 1) OVER ();
SELECT rfm_score(1, 1, 1.0, 10) OVER ();
SELECT rfm_score(1, 1, 1.0, NULL::integer) OVER ();
SELECT rfm_score(1, 1, 'NaN'::numeric) OVER ();
SELECT rfm_score(1, 1, m) OVER () FROM (VALUES (1.0), ('Infinity')) AS v(m);
SELECT rfm_breaks(r, 1, 1.0, b) FROM (VALUES (1, 3), (2, 4)) AS v(r, b);
SELECT rfm_breaks(1, 1, 'NaN'::numeric);
SELECT rfm_breaks(1, 1, 1.0, 0);
SELECT rfm_breaks(1, '{1}'::float8[], '{1}', '{1}');
SELECT rfm_breaks(5, '{1, 2, 3}'::float8[], '{1, 2, 3, 4}', '{1, 2, 3, 4}');
SELECT rfm_breaks(3, '{1, 2}'::float8[], '{2, 1}', '{1, 2}');
SELECT rfm_breaks(3, '{1, 2}'::float8[], '{1, 2}', '{1, NaN}');
SELECT rfm_breaks(3, '{1, 2}'::float8[], '{1, NULL}', '{1, 2}');
SELECT rfm_breaks(3, '{{1, 2}}'::float8[], '{1, 2}', '{1, 2}');
SELECT rfm_score(1, 1, 1.0, ROW(3, '{2, 1}', '{1, 2}', '{1, 2}')::rfm_breaks);
SELECT rfm_score(1, 1, 1.0, ROW(NULL, '{1, 2}', '{1, 2}', '{1, 2}')::rfm_breaks);
SELECT rfm_score(1, 1, 'NaN', rfm_breaks(2, '{1}'::float8[], '{1}', '{1}'));
SELECT segment(ROW(6, 1, 1, '611')::rfm_score);
SELECT segment(ROW(1, 1, 6, '116')::rfm_score);

DROP VIEW ref_scores;
DROP TABLE scores_in, ref_counts, got_scores, got_breaks, region_breaks;
