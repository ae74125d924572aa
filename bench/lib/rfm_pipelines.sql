-- bench/lib/rfm_pipelines.sql: what bench/rfm.sql and bench/population.sql
-- share (read with \ir): the two RFM pipelines both compare with, in
-- bench_pipelines(step, query), AMOUNT standing for the amount column,
-- and bench_time_queries, which times them (bench_ms of timings.sql):
--   (b) plain SQL: per-customer GROUP BY, NTILE(5) scores, CASE segment
--       map, customers and sum of M scores per segment (so no score is
--       left out)
--   (c) retention's GROUP BY form: rfm() per customer, rfm_score() OVER (),
--       segment(), the same counts
\ir timings.sql

CREATE TEMP TABLE bench_pipelines (step text, query text);
INSERT INTO bench_pipelines VALUES
('b', $q$
SELECT segment, count(*), sum(m) FROM (
    SELECT CASE WHEN r <= 2 AND f <= 2 THEN 'Hibernating'
                WHEN r <= 2 AND f <= 4 THEN 'At Risk'
                WHEN r <= 2 THEN 'Can''t Lose Them'
                WHEN r = 3 AND f <= 2 THEN 'About to Sleep'
                WHEN r = 3 AND f = 3 THEN 'Need Attention'
                WHEN r <= 4 AND f >= 4 THEN 'Loyal Customers'
                WHEN r = 4 AND f = 1 THEN 'Promising'
                WHEN r = 5 AND f = 1 THEN 'New Customers'
                WHEN f <= 3 THEN 'Potential Loyalists'
                ELSE 'Champions' END AS segment, m
    FROM (SELECT ntile(5) OVER (ORDER BY recency_days DESC) AS r,
                 ntile(5) OVER (ORDER BY frequency) AS f,
                 ntile(5) OVER (ORDER BY monetary) AS m
          FROM (SELECT customer_id,
                       date '2026-01-01' - max(order_date) FILTER (WHERE AMOUNT >= 0) AS recency_days,
                       count(*) FILTER (WHERE AMOUNT >= 0) AS frequency,
                       sum(AMOUNT) AS monetary
                FROM bench_orders WHERE order_date <= date '2026-01-01'
                GROUP BY customer_id) AS c) AS s) AS t
GROUP BY segment$q$),
('c', $q$
SELECT segment(s) AS segment, count(*), sum((s).m) FROM (
    SELECT rfm_score(x) OVER () AS s
    FROM (SELECT customer_id, rfm(order_date, AMOUNT, date '2026-01-01') AS x
          FROM bench_orders GROUP BY customer_id) AS c) AS t
GROUP BY 1$q$);

-- bench_time_queries: the table bench_results (step, amount, workers,
-- ms, partial): every query of the temporary table bench_queries (step,
-- query) timed by bench_ms (5 runs) for numeric (amount) and float8
-- (amount_f) amounts, AMOUNT in the query standing for the column, with 0
-- and 2 parallel workers; for the 2-worker runs the parallel costs are
-- zeroed so that the planner uses the workers
CREATE PROCEDURE pg_temp.bench_time_queries()
LANGUAGE plpgsql AS $$
DECLARE
    q record;
    w integer;
    a text;
    r record;
BEGIN
    CREATE TEMP TABLE bench_results (step text, amount text, workers integer, ms float8, partial boolean);
    FOREACH a IN ARRAY ARRAY['amount', 'amount_f'] LOOP
        FOREACH w IN ARRAY ARRAY[0, 2] LOOP
            PERFORM set_config('max_parallel_workers_per_gather', w::text, false);
            PERFORM set_config('parallel_setup_cost', CASE WHEN w = 0 THEN '1000' ELSE '0' END, false);
            PERFORM set_config('parallel_tuple_cost', CASE WHEN w = 0 THEN '0.1' ELSE '0' END, false);
            FOR q IN SELECT * FROM bench_queries LOOP
                SELECT * INTO r FROM pg_temp.bench_ms(replace(q.query, 'AMOUNT', a), 5);
                INSERT INTO bench_results VALUES (q.step, a, w, r.ms, r.partial);
            END LOOP;
        END LOOP;
    END LOOP;
    RESET max_parallel_workers_per_gather;
    RESET parallel_setup_cost;
    RESET parallel_tuple_cost;
END $$;
