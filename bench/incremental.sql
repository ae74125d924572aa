-- bench/incremental.sql: the nightly refresh from stored states
-- (doc/incremental.md) against the full recompute, in one run. On
-- bench_orders (bench/orders.sql), the orders before the last day
-- (2025-12-30) are the history, already merged into customer_state (one
-- rfm_state per customer) and into monthly states (one per customer and
-- month); the last day's orders are the new ones. Times (ms, median of 7
-- runs after a warm-up, numeric amounts, no parallel workers):
--   (R) full recompute: rfm(order_date, amount, as_of) GROUP BY customer_id
--       over every order
--   (M) merge the new day: INSERT INTO customer_state ... rfm_partial(...)
--       over the day's orders (bench_new_day: appended as they arrive, the
--       tail of an orders table that examples/incremental.sql reads by
--       order_id)
--       ON CONFLICT DO UPDATE SET s = rfm_merge(...); each run in a
--       subtransaction that is rolled back, so every run merges the same day
--       (run after run, the four steps interleaved)
--   (S) read every customer's rfm from the states: rfm(s, as_of)
--   (F) the floor of S: the scan of customer_state alone, count(s)
--   (U) roll up the monthly states: rfm(rfm_rollup(s), as_of) GROUP BY customer_id
--   (PM, PS) the same merge and read with plain columns instead of a state
--       ((first_date, last_date, frequency, monetary) per customer, merged
--       by least, greatest and +, read as ROW(...)::rfm): the floor of the
--       refresh's shape, which holds neither refunds apart from orders nor
--       exact float8 sums
-- and the ratios (M + S) / R (the target is at most 0.10), (PM + PS) / R
-- and U / R, and the sizes of the two tables. The
-- window scoring after each (rfm_score() OVER ()) is the same work either
-- way and is not counted. It also checks that the merged states give
-- exactly the recompute.
--
--   psql -X -q -v customers=100000 -f bench/incremental.sql
--   psql -X -q -v reuse=1 -f bench/incremental.sql      (keeps bench_orders)
\if :{?customers}
\else
\set customers 100000
\endif
\ir lib/setup.sql
SET work_mem = '256MB';
SET max_parallel_workers_per_gather = 0;

CREATE INDEX IF NOT EXISTS bench_orders_order_date ON bench_orders (order_date);
DROP TABLE IF EXISTS bench_customer_state, bench_monthly_state, bench_plain_state;
-- fillfactor 90: room on every page, so that the merge's updates are HOT
-- (no new index entry), as examples/incremental.sql sets it
CREATE UNLOGGED TABLE bench_customer_state (customer_id bigint PRIMARY KEY, s rfm_state NOT NULL)
    WITH (fillfactor = 90);
-- the new day's orders as they arrive: appended, so on pages of their own
-- (bench_orders holds them too, scattered among the history, for R)
DROP TABLE IF EXISTS bench_new_day;
CREATE UNLOGGED TABLE bench_new_day AS SELECT * FROM bench_orders WHERE order_date = date '2025-12-30';
INSERT INTO bench_customer_state
SELECT customer_id, rfm_partial(order_date, amount) FROM bench_orders
WHERE order_date < date '2025-12-30' GROUP BY customer_id;
CREATE UNLOGGED TABLE bench_monthly_state AS
SELECT customer_id, date_trunc('month', order_date) AS month, rfm_partial(order_date, amount) AS s
FROM bench_orders GROUP BY 1, 2;
CREATE UNLOGGED TABLE bench_plain_state (customer_id bigint PRIMARY KEY, first_date date, last_date date,
                                          frequency bigint, monetary numeric) WITH (fillfactor = 90);
INSERT INTO bench_plain_state
SELECT customer_id, min(order_date), max(order_date), count(*), sum(amount) FROM bench_orders
WHERE order_date < date '2025-12-30' GROUP BY customer_id;
VACUUM ANALYZE bench_customer_state, bench_monthly_state, bench_plain_state, bench_orders, bench_new_day;

-- the time (ms) of one run of a statement, in a subtransaction rolled
-- back afterwards
CREATE FUNCTION pg_temp.run_ms(query text) RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz;
    ms float8;
BEGIN
    t0 := clock_timestamp();
    EXECUTE query;
    ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
    RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'bench rollback';
EXCEPTION WHEN raise_exception THEN
    RETURN ms;
END $$;

CREATE TEMP TABLE bench_queries (step text, query text);
INSERT INTO bench_queries VALUES
    ('R', $q$SELECT count(x) FROM (SELECT customer_id, rfm(order_date, amount, date '2026-01-01') AS x
                                   FROM bench_orders GROUP BY customer_id) AS t$q$),
    ('M', $q$INSERT INTO bench_customer_state AS c
            SELECT customer_id, rfm_partial(order_date, amount) FROM bench_new_day GROUP BY customer_id
            ON CONFLICT (customer_id) DO UPDATE SET s = rfm_merge(c.s, EXCLUDED.s)$q$),
    ('S', $q$SELECT count(x) FROM (SELECT customer_id, rfm(s, date '2026-01-01') AS x FROM bench_customer_state) AS t$q$),
    ('F', $q$SELECT count(s) FROM bench_customer_state$q$),
    ('U', $q$SELECT count(x) FROM (SELECT customer_id, rfm(rfm_rollup(s), date '2026-01-01') AS x
                                   FROM bench_monthly_state GROUP BY customer_id) AS t$q$),
    ('PM', $q$INSERT INTO bench_plain_state AS c
             SELECT customer_id, min(order_date), max(order_date), count(*), sum(amount) FROM bench_new_day GROUP BY customer_id
             ON CONFLICT (customer_id) DO UPDATE SET first_date = least(c.first_date, EXCLUDED.first_date),
                 last_date = greatest(c.last_date, EXCLUDED.last_date), frequency = c.frequency + EXCLUDED.frequency,
                 monetary = c.monetary + EXCLUDED.monetary$q$),
    ('PS', $q$SELECT count(x) FROM (SELECT customer_id, ROW(date '2026-01-01' - last_date, frequency, monetary,
                                                        date '2026-01-01' - first_date)::rfm AS x
                                    FROM bench_plain_state) AS t$q$);

-- the steps interleaved, run after run (so that the load of a busy
-- machine falls on all of them alike); run 0 is the warm-up
\set load_before `cut -d ' ' -f 1-3 /proc/loadavg`
CREATE TEMP TABLE bench_times (step text, run integer, ms float8);
DO $$
DECLARE
    q record;
BEGIN
    FOR run IN 0..7 LOOP
        FOR q IN SELECT * FROM bench_queries ORDER BY step LOOP
            INSERT INTO bench_times VALUES (q.step, run, pg_temp.run_ms(q.query));
        END LOOP;
    END LOOP;
END $$;
\set load_after `cut -d ' ' -f 1-3 /proc/loadavg`
CREATE TEMP TABLE bench_results AS
SELECT step, percentile_disc(0.5) WITHIN GROUP (ORDER BY ms) AS ms FROM bench_times WHERE run > 0 GROUP BY step;

-- the merge, for real, and its result against the recompute (and the
-- plain columns' merge, for the sizes)
INSERT INTO bench_customer_state AS c
SELECT customer_id, rfm_partial(order_date, amount) FROM bench_new_day
GROUP BY customer_id
ON CONFLICT (customer_id) DO UPDATE SET s = rfm_merge(c.s, EXCLUDED.s);
INSERT INTO bench_plain_state AS c
SELECT customer_id, min(order_date), max(order_date), count(*), sum(amount) FROM bench_new_day GROUP BY customer_id
ON CONFLICT (customer_id) DO UPDATE SET first_date = least(c.first_date, EXCLUDED.first_date),
    last_date = greatest(c.last_date, EXCLUDED.last_date), frequency = c.frequency + EXCLUDED.frequency,
    monetary = c.monetary + EXCLUDED.monetary;

\pset format unaligned
\pset tuples_only on
SELECT format('Orders: %s (%s on the new day), customers: %s, monthly states: %s; PostgreSQL %s, jit off, 0 workers; median of 7 runs after a warm-up (ms).',
              (SELECT count(*) FROM bench_orders), (SELECT count(*) FROM bench_orders WHERE order_date = date '2025-12-30'),
              (SELECT count(*) FROM bench_customer_state), (SELECT count(*) FROM bench_monthly_state),
              current_setting('server_version'));
SELECT format('Merged states equal the recompute for %s of %s customers.',
              count(*) FILTER (WHERE rfm(c.s, date '2026-01-01')::text = d.x::text), count(*))
FROM bench_customer_state AS c
FULL JOIN (SELECT customer_id, rfm(order_date, amount, date '2026-01-01') AS x FROM bench_orders GROUP BY customer_id) AS d
USING (customer_id);
SELECT '';
SELECT '| recompute R | merge day M | read states S | scan floor F | (M + S) / R | monthly rollup U | U / R | plain PM | plain PS | (PM + PS) / R |';
SELECT '|---|---|---|---|---|---|---|---|---|---|';
SELECT format('| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |',
              round(r::numeric, 1), round(m::numeric, 1), round(s::numeric, 1), round(f::numeric, 1),
              round(((m + s) / r)::numeric, 3), round(u::numeric, 1), round((u / r)::numeric, 3),
              round(pm::numeric, 1), round(ps::numeric, 1), round(((pm + ps) / r)::numeric, 3))
FROM (SELECT max(ms) FILTER (WHERE step = 'R') AS r, max(ms) FILTER (WHERE step = 'M') AS m,
             max(ms) FILTER (WHERE step = 'S') AS s, max(ms) FILTER (WHERE step = 'F') AS f,
             max(ms) FILTER (WHERE step = 'U') AS u, max(ms) FILTER (WHERE step = 'PM') AS pm,
             max(ms) FILTER (WHERE step = 'PS') AS ps
      FROM bench_results) AS t;
SELECT '';
SELECT format('Tables: customer states %s (%s bytes a state on average), plain columns %s; load average %s before the runs, %s after.',
              pg_size_pretty(pg_relation_size('bench_customer_state')),
              (SELECT round(avg(pg_column_size(s)), 1) FROM bench_customer_state),
              pg_size_pretty(pg_relation_size('bench_plain_state')), :'load_before', :'load_after');
