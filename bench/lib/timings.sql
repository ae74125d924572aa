-- bench/lib/timings.sql: what bench/cohorts.sql and bench/survival.sql
-- share (read with \ir): the table queries (ord, name, query, baseline:
-- the name of the plain-SQL query it is compared with, or NULL), which the
-- script fills, its first query the bare count(*) scan, and
-- timings_report(), which times each query 5 times with 0 and with 2
-- parallel workers (median_ms) and gives the Markdown table of the median
-- execution times of EXPLAIN (ANALYZE, TIMING OFF) and the ratios against
-- count(*) and the baseline in the same run, one line a row.
CREATE TEMP TABLE queries (ord serial, name text, query text, baseline text);

-- median of 5 execution times (ms) with the given workers, and how many
-- workers the plan launched
CREATE FUNCTION pg_temp.median_ms(query text, workers integer, OUT ms float8, OUT launched integer)
LANGUAGE plpgsql AS $$
DECLARE
    plan json;
    times float8[] := '{}';
BEGIN
    PERFORM set_config('max_parallel_workers_per_gather', workers::text, true);
    FOR i IN 1..5 LOOP
        EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ' || query INTO plan;
        times := times || (plan->0->>'Execution Time')::float8;
    END LOOP;
    SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY t) INTO ms FROM unnest(times) AS t;
    launched := coalesce((SELECT sum(m[1]::int) FROM regexp_matches(plan::text, '"Workers Launched": (\d+)', 'g') AS m), 0);
END $$;

CREATE FUNCTION pg_temp.timings_report() RETURNS SETOF text
LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE timings AS
    SELECT q.ord, q.name, q.baseline, w AS workers, (pg_temp.median_ms(q.query, w)).*
    FROM queries AS q, (VALUES (0), (2)) AS v(w);
    RETURN NEXT '| query | workers | median ms | × count(*) | vs plain SQL |';
    RETURN NEXT '|---|---|---|---|---|';
    RETURN QUERY
    SELECT format('| %s | %s | %s | %s | %s |', t.name,
                  t.workers || CASE WHEN t.launched <> t.workers THEN ' (' || t.launched || ' launched)' ELSE '' END,
                  round(t.ms::numeric, 1), round((t.ms / c.ms)::numeric, 2),
                  coalesce(round((b.ms / t.ms)::numeric, 1) || '× faster', ''))
    FROM timings AS t
    JOIN timings AS c ON c.name = 'count(*)' AND c.workers = t.workers
    LEFT JOIN timings AS b ON b.name = t.baseline AND b.workers = t.workers
    ORDER BY t.ord, t.workers;
END $$;
