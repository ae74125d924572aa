-- bench/population.sql: the RFM pipeline in one pass (rfm_population +
-- rfm_segments, DESIGN section 10, issue 19) against the plain-SQL
-- pipeline and the GROUP BY form, with a bare count(*) as the floor.
-- Times, as the median of 5 runs after a warm-up, each query's EXPLAIN
-- (ANALYZE, TIMING OFF) execution time, with 0 and 2 parallel workers, for
-- numeric and float8 amounts:
--   (n) floor: SELECT count(*) FROM bench_orders
--   (p agg) rfm_population(...) alone: the one pass over the orders
--   (p) population: rfm_segments(rfm_population(...)), customers and sum of
--       M scores per segment
--   (b) plain SQL: per-customer GROUP BY, NTILE(5) scores, CASE segment
--       map, the same counts (as bench/rfm.sql)
--   (c) GROUP BY form: rfm() per customer, rfm_score() OVER (), segment(),
--       the same counts (as bench/rfm.sql)
-- and prints a Markdown table with the ratios (b)/(p), (c)/(p), (p)/(n)
-- and 0 workers / 2 workers for (p agg) and (p). For the 2-worker runs the
-- parallel costs are zeroed so that the planner uses the workers; the
-- "partial" column says whether the (p agg) plan had a Partial Aggregate.
--
--   psql -X -q -v customers=1000000 -f bench/population.sql          (builds bench_orders when missing or of another size)
--   psql -X -q -v customers=1000000 -v reuse=1 -f bench/population.sql (keeps an existing bench_orders)
--
-- Needs CREATE EXTENSION retention in the database. jit is off (-v jit=on
-- to keep it), so that compile time does not blur small runs.
\ir lib/setup.sql
SET work_mem = '256MB';

\ir lib/rfm_pipelines.sql

CREATE TEMP TABLE bench_queries (step text, query text);
-- AMOUNT stands for the amount column: amount (numeric) or amount_f (float8)
INSERT INTO bench_queries VALUES
('n', $q$SELECT count(*) FROM bench_orders$q$),
('p agg', $q$SELECT rfm_population(customer_id, order_date, AMOUNT, date '2026-01-01') IS NULL FROM bench_orders$q$),
('p', $q$
SELECT segment, count(*), sum(m)
FROM rfm_segments((SELECT rfm_population(customer_id, order_date, AMOUNT, date '2026-01-01') FROM bench_orders))
GROUP BY segment$q$);
INSERT INTO bench_queries SELECT * FROM bench_pipelines;

CALL pg_temp.bench_time_queries();

-- the pipelines agree: the population's segment counts are those of the
-- GROUP BY form (the plain-SQL NTILE pipeline splits ties and differs)
CREATE TEMP TABLE agree (same boolean);
DO $$
DECLARE
    p text;
    c text;
    totals constant text := 'SELECT string_agg(format(''%%s %%s %%s'', segment, count, sum), '','' ORDER BY segment) FROM (%s) AS x';
BEGIN
    EXECUTE format(totals, replace((SELECT query FROM bench_queries WHERE step = 'p'), 'AMOUNT', 'amount')) INTO p;
    EXECUTE format(totals, replace((SELECT query FROM bench_queries WHERE step = 'c'), 'AMOUNT', 'amount')) INTO c;
    INSERT INTO agree VALUES (p = c);
END $$;

\pset format unaligned
\pset tuples_only on
SELECT format('Orders: %s, customers: %s; PostgreSQL %s, jit %s; median of 5 runs after a warm-up (ms). The population''s segment counts equal the GROUP BY form''s: %s.',
              (SELECT count(*) FROM bench_orders), (SELECT count(DISTINCT customer_id) FROM bench_orders),
              current_setting('server_version'), current_setting('jit'), (SELECT CASE WHEN same THEN 'yes' ELSE 'NO' END FROM agree));
SELECT '';
SELECT '| amounts | workers | (n) count(*) | (p agg) rfm_population | (p) population pipeline | (b) plain SQL | (c) GROUP BY form | (b)/(p) | (c)/(p) | (p)/(n) | partial |';
SELECT '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|';
SELECT format('| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |',
              CASE n.amount WHEN 'amount' THEN 'numeric' ELSE 'float8' END, n.workers,
              round(n.ms::numeric, 1), round(pagg.ms::numeric, 1), round(p.ms::numeric, 1), round(b.ms::numeric, 1),
              round(c.ms::numeric, 1), round((b.ms / p.ms)::numeric, 2), round((c.ms / p.ms)::numeric, 2),
              round((p.ms / n.ms)::numeric, 2), CASE WHEN pagg.partial THEN 'yes' ELSE 'no' END)
FROM bench_results AS n
JOIN bench_results AS pagg ON pagg.step = 'p agg' AND pagg.amount = n.amount AND pagg.workers = n.workers
JOIN bench_results AS p ON p.step = 'p' AND p.amount = n.amount AND p.workers = n.workers
JOIN bench_results AS b ON b.step = 'b' AND b.amount = n.amount AND b.workers = n.workers
JOIN bench_results AS c ON c.step = 'c' AND c.amount = n.amount AND c.workers = n.workers
WHERE n.step = 'n' ORDER BY n.amount, n.workers;
SELECT '';
SELECT format('0 workers / 2 workers: rfm_population numeric %s, float8 %s; population pipeline numeric %s, float8 %s; count(*) %s.',
              round((a0.ms / a2.ms)::numeric, 2), round((f0.ms / f2.ms)::numeric, 2),
              round((p0.ms / p2.ms)::numeric, 2), round((pf0.ms / pf2.ms)::numeric, 2),
              round((n0.ms / n2.ms)::numeric, 2))
FROM bench_results AS a0, bench_results AS a2, bench_results AS f0, bench_results AS f2,
     bench_results AS p0, bench_results AS p2, bench_results AS pf0, bench_results AS pf2,
     bench_results AS n0, bench_results AS n2
WHERE a0.step = 'p agg' AND a0.amount = 'amount' AND a0.workers = 0
  AND a2.step = 'p agg' AND a2.amount = 'amount' AND a2.workers = 2
  AND f0.step = 'p agg' AND f0.amount = 'amount_f' AND f0.workers = 0
  AND f2.step = 'p agg' AND f2.amount = 'amount_f' AND f2.workers = 2
  AND p0.step = 'p' AND p0.amount = 'amount' AND p0.workers = 0
  AND p2.step = 'p' AND p2.amount = 'amount' AND p2.workers = 2
  AND pf0.step = 'p' AND pf0.amount = 'amount_f' AND pf0.workers = 0
  AND pf2.step = 'p' AND pf2.amount = 'amount_f' AND pf2.workers = 2
  AND n0.step = 'n' AND n0.amount = 'amount' AND n0.workers = 0
  AND n2.step = 'n' AND n2.amount = 'amount' AND n2.workers = 2;
