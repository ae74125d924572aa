-- bench/lib/timings.sql: how the bench/*.sql scripts time a query (read
-- with \ir): bench_ms, median_ms, and timings_report() for the scripts
-- that compare queries against count(*) and a plain-SQL baseline
-- (bench/cohorts.sql, bench/survival.sql). bench/incremental.sql times its
-- statements by the clock instead, each in a subtransaction rolled back,
-- as its merge writes.

-- bench_ms(query, runs, warm_up): the median of `runs` execution times
-- (ms) of EXPLAIN (ANALYZE, TIMING OFF) of the query, which evaluates every
-- output column, after one unmeasured run when warm_up; whether the plan
-- has a Partial Aggregate, and how many workers it launched
CREATE FUNCTION pg_temp.bench_ms(query text, runs integer, warm_up boolean DEFAULT true,
                                 OUT ms float8, OUT partial boolean, OUT launched integer)
LANGUAGE plpgsql AS $$
DECLARE
    plan json;
    times float8[] := '{}';
BEGIN
    IF warm_up THEN
        EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ' || query INTO plan;
    END IF;
    FOR i IN 1..runs LOOP
        EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ' || query INTO plan;
        times := times || (plan -> 0 ->> 'Execution Time')::float8;
    END LOOP;
    SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY t) INTO ms FROM unnest(times) AS t;
    partial := position('"Partial Mode": "Partial"' IN plan::text) > 0;
    launched := coalesce((SELECT sum(m[1]::int) FROM regexp_matches(plan::text, '"Workers Launched": (\d+)', 'g') AS m), 0);
END $$;

-- median_ms(query, workers): bench_ms of 5 runs, no warm-up, with at most
-- the given parallel workers
CREATE FUNCTION pg_temp.median_ms(query text, workers integer, OUT ms float8, OUT launched integer)
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('max_parallel_workers_per_gather', workers::text, true);
    SELECT b.ms, b.launched INTO ms, launched FROM pg_temp.bench_ms(query, 5, false) AS b;
END $$;

-- timings_report(): every query of the temporary table queries (ord,
-- name, query, baseline: the name of the plain-SQL query it is compared
-- with, or NULL; the query named count(*) the floor) timed by median_ms
-- with 0 and with 2 parallel workers, as the lines of a Markdown table:
-- the median, the ratio to count(*) and the speed-up over the baseline in
-- the same run
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
