--
-- Properties of RFM and segments (DESIGN sections 1 and 2) on 3,000
-- deterministic pseudo-random customers (hashint8extended) in 6
-- partitions, scored with every bins from 2 to 9 (18,000 scorings per
-- column): scores within 1..bins and equal to the definition
-- 1 + floor(bins * #{values below} / n) (recency: above), checked with
-- rank(); ties score alike; the composite form agrees; scoring with
-- rfm_breaks equals the window scoring; the rfm aggregate equals plain SQL;
-- the default segment map covers the 25 cells once, as DESIGN lists it.
--
BEGIN;
SELECT plan(13);

\ir lib/setup.sql

-- few distinct recencies and frequencies (many ties), money with cents, some NULLs
CREATE TEMP TABLE c AS
SELECT i, i % 6 AS part,
       CASE WHEN i % 97 = 0 THEN NULL ELSE pg_temp.h(i, 1, 400)::integer END AS r,
       CASE WHEN i % 89 = 0 THEN NULL ELSE 1 + pg_temp.h(i, 2, 1 + pg_temp.h(i, 3, 30)) END AS f,
       CASE WHEN i % 83 = 0 THEN NULL ELSE (pg_temp.h(i, 4, 2000000) - 100000) / 100.0 END AS m
FROM generate_series(1, 3000) AS i;

CREATE TEMP TABLE s AS
SELECT b, part, i, r, f, m,
       rfm_score(r, f, m, b) OVER w AS score,
       rfm_score(ROW(r, f, m, NULL)::rfm, b) OVER w AS score_composite,
       CASE WHEN r IS NULL THEN NULL ELSE 1 + b * (rank() OVER (PARTITION BY b, part ORDER BY r DESC NULLS LAST) - 1) / count(r) OVER w END AS r_def,
       CASE WHEN f IS NULL THEN NULL ELSE 1 + b * (rank() OVER (PARTITION BY b, part ORDER BY f NULLS LAST) - 1) / count(f) OVER w END AS f_def,
       CASE WHEN m IS NULL THEN NULL ELSE 1 + b * (rank() OVER (PARTITION BY b, part ORDER BY m NULLS LAST) - 1) / count(m) OVER w END AS m_def
FROM c, generate_series(2, 9) AS b
WINDOW w AS (PARTITION BY b, part);

SELECT is((SELECT count(*) FROM s), 24000::bigint, 'rfm_score: 24,000 scorings');
SELECT is((SELECT count(*) FROM s WHERE (score).r NOT BETWEEN 1 AND b OR (score).f NOT BETWEEN 1 AND b OR (score).m NOT BETWEEN 1 AND b),
          0::bigint, 'rfm_score: every score within 1..bins');
SELECT is((SELECT count(*) FROM s WHERE (score).r IS DISTINCT FROM r_def::integer OR (score).f IS DISTINCT FROM f_def::integer
           OR (score).m IS DISTINCT FROM m_def::integer), 0::bigint,
          'rfm_score: 1 + floor(bins * #{below} / n) (#{above} for recency), NULL for NULL values');
SELECT is((SELECT count(*) FROM s WHERE (score).code IS DISTINCT FROM (score).r::text || (score).f::text || (score).m::text),
          0::bigint, 'rfm_score: code is the three digits, NULL when a score is');
SELECT is((SELECT count(*) FROM (SELECT 1 FROM s WHERE r IS NOT NULL GROUP BY b, part, r HAVING count(DISTINCT (score).r) > 1
                                  UNION ALL SELECT 1 FROM s WHERE m IS NOT NULL GROUP BY b, part, m HAVING count(DISTINCT (score).m) > 1) AS x),
          0::bigint, 'rfm_score: equal values get equal scores');
SELECT is((SELECT count(*) FROM s WHERE score IS DISTINCT FROM score_composite), 0::bigint, 'rfm_score(rfm): the same scores as the three-argument form');
SELECT cmp_ok((SELECT count(DISTINCT (score).f) FROM s WHERE b = 9), '=', 9::bigint, 'rfm_score: with 9 bins all nine F scores occur');

-- rfm_breaks scoring equals the window scoring on the population the breaks came from
CREATE TEMP TABLE br AS
SELECT b, part, rfm_breaks(r, f, m, b) AS breaks FROM s GROUP BY b, part;
SELECT is((SELECT count(*) FROM s JOIN br USING (b, part) WHERE rfm_score(r, f, m, breaks) IS DISTINCT FROM score), 0::bigint,
          'rfm_breaks: scoring with the breaks gives the window scores of every row');
SELECT is((SELECT count(*) FROM s JOIN br USING (b, part) WHERE rfm_score(ROW(r, f, m, NULL)::rfm, breaks) IS DISTINCT FROM score), 0::bigint,
          'rfm_breaks: the composite form too');

-- the rfm aggregate equals plain SQL on 2,000 customers and their orders
CREATE TEMP TABLE o AS
SELECT g.i AS customer, date '2024-01-01' + pg_temp.h(g.i * 100 + k, 5, 500)::integer AS d,
       (pg_temp.h(g.i * 100 + k, 6, 40000) - 2000) / 100.0 AS amount
FROM generate_series(1, 2000) AS g(i), generate_series(1, 1 + (g.i % 7)) AS k;
SELECT is((SELECT count(*) FROM (SELECT customer, rfm(d, amount, date '2025-01-01') AS x, rfm(d, amount::float8, date '2025-01-01') AS y,
                                        date '2025-01-01' - max(d) FILTER (WHERE amount >= 0) AS recency,
                                        count(*) FILTER (WHERE amount >= 0) AS frequency, sum(amount) AS monetary,
                                        date '2025-01-01' - min(d) FILTER (WHERE amount >= 0) AS tenure
                                 FROM o WHERE d <= date '2025-01-01' GROUP BY customer) AS t
           WHERE x IS DISTINCT FROM ROW(recency, frequency, monetary, tenure)::rfm
              OR (y).monetary <> round(monetary, 2) OR (y).recency_days IS DISTINCT FROM recency),
          0::bigint, 'rfm: recency, frequency, monetary and tenure equal plain SQL (numeric exact, float8 to the cent)');

-- segments: the default map
SELECT is((SELECT string_agg(format('%s:%s', seg, n), ', ' ORDER BY seg)
           FROM (SELECT segment(r, f) AS seg, count(*) AS n FROM generate_series(1, 5) AS r, generate_series(1, 5) AS f GROUP BY 1) AS x),
          'About to Sleep:2, At Risk:4, Can''t Lose Them:2, Champions:2, Hibernating:4, Loyal Customers:4, Need Attention:1, New Customers:1, Potential Loyalists:4, Promising:1',
          'segment: the 25 cells of the default map, each in exactly one of the 10 segments of DESIGN');
SELECT is((SELECT count(*) FROM generate_series(1, 5) AS r, generate_series(1, 5) AS f, generate_series(1, 5) AS m
           WHERE segment(r, f, m) IS DISTINCT FROM segment(r, f)
              OR segment(ROW(r, f, m, NULL)::rfm_score) IS DISTINCT FROM segment(r, f)
              OR segment(r, f, m, '[{"segment": "Hibernating", "r": [1, 2], "f": [1, 2]}, {"segment": "At Risk", "r": [1, 2], "f": [3, 4]},
                                     {"segment": "Can''t Lose Them", "r": [1, 2], "f": [5, 5]}, {"segment": "About to Sleep", "r": [3, 3], "f": [1, 2]},
                                     {"segment": "Need Attention", "r": [3, 3], "f": [3, 3]}, {"segment": "Loyal Customers", "r": [3, 4], "f": [4, 5]},
                                     {"segment": "Promising", "r": [4, 4], "f": [1, 1]}, {"segment": "New Customers", "r": [5, 5], "f": [1, 1]},
                                     {"segment": "Potential Loyalists", "r": [4, 5], "f": [2, 3]}, {"segment": "Champions", "r": [5, 5], "f": [4, 5]}]')
                 IS DISTINCT FROM segment(r, f)), 0::bigint,
          'segment: m does not change the default segment; the composite form and DESIGN''s map written as rules agree on all 125 cells');
SELECT is((SELECT count(*) FROM s WHERE b = 5 AND (score).r IS NOT NULL AND (score).f IS NOT NULL AND CASE WHEN b = 5 THEN segment(score) END IS NULL), 0::bigint,
          'segment(rfm_score): every 5-bin score has a segment');

SELECT * FROM finish();
ROLLBACK;
