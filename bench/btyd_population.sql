-- bench/btyd_population.sql: the BTYD flow in one pass (btyd_population,
-- DESIGN section 10, issue 19) against the GROUP BY form, on bench_orders
-- (bench/orders.sql), with 0 workers, as the median of 5 interleaved runs
-- after a warm-up of each query's EXPLAIN (ANALYZE, TIMING OFF) execution
-- time, numeric amounts, as_of 2026-01-01 in weeks:
--   (s pop) btyd_table(btyd_population(...)): every customer's summary
--   (s grp) btyd_summary(...) GROUP BY customer_id: the same rows
--   (f pop) bgnbd_fit and gamma_gamma_fit of one btyd_population: orders
--           to fitted models
--   (f grp) the same fits over the GROUP BY summaries (doc/clv.md recipe)
-- and prints a Markdown table with the ratios (s grp)/(s pop) and
-- (f grp)/(f pop), the summary's time per million orders, and whether the
-- fits of both forms are equal.
--
--   psql -X -q -v customers=100000 -f bench/btyd_population.sql          (builds bench_orders when missing or of another size)
--   psql -X -q -v customers=100000 -v reuse=1 -f bench/btyd_population.sql (keeps an existing bench_orders)
--
-- Needs CREATE EXTENSION retention in the database. jit is off (-v jit=on
-- to keep it).
\ir lib/setup.sql
SET work_mem = '256MB';

\ir lib/timings.sql

CREATE TEMP TABLE btyd_queries (step text, query text);
INSERT INTO btyd_queries VALUES
('s pop', $q$SELECT count(*), sum(frequency), sum(monetary_value)
FROM btyd_table((SELECT btyd_population(customer_id, order_date, amount, date '2026-01-01', 'week') FROM bench_orders))$q$),
('s grp', $q$SELECT count(*), sum(frequency), sum(monetary_value)
FROM (SELECT customer_id, (btyd_summary(order_date, amount, date '2026-01-01', 'week')).* FROM bench_orders GROUP BY customer_id) AS s$q$),
('f pop', $q$SELECT bgnbd_fit(p)::text, gamma_gamma_fit(p)::text
FROM (SELECT btyd_population(customer_id, order_date, amount, date '2026-01-01', 'week') AS p FROM bench_orders) AS x$q$),
('f grp', $q$SELECT bgnbd_fit(frequency, recency, t)::text,
       gamma_gamma_fit(frequency, monetary_value) FILTER (WHERE monetary_value > 0 OR frequency = 0)::text
FROM (SELECT customer_id, (btyd_summary(order_date, amount, date '2026-01-01', 'week')).* FROM bench_orders GROUP BY customer_id) AS s$q$);
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE btyd_results (step text, round integer, ms float8);
-- interleaved: each round times every query once, 5 rounds after a warm-up
DO $$
DECLARE
    q record;
    r record;
BEGIN
    FOR k IN 0..5 LOOP
        FOR q IN SELECT * FROM btyd_queries LOOP
            SELECT * INTO r FROM pg_temp.bench_ms(q.query, 1);
            IF k > 0 THEN
                INSERT INTO btyd_results VALUES (q.step, k, r.ms);
            END IF;
        END LOOP;
    END LOOP;
END $$;
RESET max_parallel_workers_per_gather;
CREATE TEMP TABLE btyd_agree (same boolean);
DO $$
DECLARE
    p text;
    g text;
BEGIN
    EXECUTE 'SELECT row(x.*)::text FROM (' || (SELECT query FROM btyd_queries WHERE step = 'f pop') || ') AS x' INTO p;
    EXECUTE 'SELECT row(x.*)::text FROM (' || (SELECT query FROM btyd_queries WHERE step = 'f grp') || ') AS x' INTO g;
    INSERT INTO btyd_agree VALUES (p = g);
END $$;
CREATE TEMP TABLE btyd_median AS
SELECT step, percentile_disc(0.5) WITHIN GROUP (ORDER BY ms) AS ms FROM btyd_results GROUP BY step;

\pset format unaligned
\pset tuples_only on
SELECT '';
SELECT format('BTYD flow. Orders: %s, customers: %s; PostgreSQL %s, jit %s, 0 workers; median of 5 interleaved runs after a warm-up (ms). The fits by population equal the GROUP BY form''s: %s.',
              (SELECT count(*) FROM bench_orders), (SELECT count(DISTINCT customer_id) FROM bench_orders),
              current_setting('server_version'), current_setting('jit'), (SELECT CASE WHEN same THEN 'yes' ELSE 'NO' END FROM btyd_agree));
SELECT '';
SELECT '| (s pop) summary by population | (s grp) summary GROUP BY | (s grp)/(s pop) | (s pop) per 1M orders | (f pop) orders to BG/NBD + Gamma-Gamma by population | (f grp) the same by GROUP BY | (f grp)/(f pop) |';
SELECT '|---:|---:|---:|---:|---:|---:|---:|';
SELECT format('| %s | %s | %s | %s | %s | %s | %s |',
              round(sp.ms::numeric, 1), round(sg.ms::numeric, 1), round((sg.ms / sp.ms)::numeric, 2),
              round((sp.ms * 1e6 / (SELECT count(*) FROM bench_orders))::numeric, 1),
              round(fp.ms::numeric, 1), round(fg.ms::numeric, 1), round((fg.ms / fp.ms)::numeric, 2))
FROM btyd_median AS sp, btyd_median AS sg, btyd_median AS fp, btyd_median AS fg
WHERE sp.step = 's pop' AND sg.step = 's grp' AND fp.step = 'f pop' AND fg.step = 'f grp';
