--
-- parallel: every aggregate of the extension under a forced parallel plan
-- (zero parallel costs, no leader participation, so the workers' states
-- really go through serialize, deserialize and combine) gives the serial
-- plan's answer, and the plan really is partial with workers launched
-- (checked as booleans, not printed EXPLAIN). A catalog check fails when
-- an aggregate of the extension has no case here. Float results of fits are
-- compared rounded (sums change order across workers).
--
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SET max_parallel_workers = 8;
SET TimeZone = 'UTC';

CREATE TABLE parallel_orders AS
SELECT c AS customer_id, 'c' || c AS customer_text,
       date '2024-01-01' + (abs(hashint8extended(c, j)) % 700)::int AS order_date,
       (date '2024-01-01' + (abs(hashint8extended(c, j)) % 700)::int)::timestamptz
           + make_interval(secs => abs(hashint8extended(c, j + 50)) % 86400) AS order_at,
       round((abs(hashint8extended(c, j + 100)) % 40000) / 100.0 - 20, 2) AS amount,
       ((abs(hashint8extended(c, j + 100)) % 40000) / 100.0 - 20)::float8 AS amount_f
FROM generate_series(1, 8000) AS c, generate_series(1, 1 + (abs(hashint8extended(c, 0)) % 20)::int) AS j;
CREATE TABLE parallel_subscriptions AS
SELECT s AS id, date '2024-01-01' + (s % 400) AS started_at,
       CASE WHEN s % 4 = 0 THEN NULL ELSE date '2024-01-01' + (s % 400) + (s % 97) END AS ended_at
FROM generate_series(1, 60000) AS s;
-- one BTYD summary per customer of a simulated BG/NBD + Gamma-Gamma
-- cohort (the fits need data with the models' structure to converge),
-- scanned in parallel by the fits
CREATE TABLE parallel_summaries AS
SELECT customer_id, (btyd_summary(order_at, amount, date '2024-01-01' + 273, 'week')).*
FROM simulate_orders(8000, 3) GROUP BY customer_id;
-- monthly partial states per customer (DESIGN section 9), scanned in
-- parallel by the rollups (over 16 groups of customers, so that the
-- planner takes a partial plan)
CREATE TABLE parallel_states AS
SELECT customer_id, customer_id % 16 AS part, date_trunc('month', order_date) AS month,
       rfm_partial(order_date, amount) AS rfm, btyd_partial(order_date, amount) AS btyd
FROM parallel_orders GROUP BY customer_id, date_trunc('month', order_date);
ANALYZE parallel_orders, parallel_subscriptions, parallel_summaries, parallel_states;

CREATE TABLE parallel_cases (agg regprocedure, query text);
INSERT INTO parallel_cases VALUES
('retention_counts(date,date,daterange)',
 $$SELECT retention_counts(started_at, ended_at, daterange('2024-03-01', '2024-04-01'))::text FROM parallel_subscriptions$$),
('retention_rate(date,date,daterange)',
 $$SELECT retention_rate(started_at, ended_at, daterange('2024-03-01', '2024-04-01'))::text FROM parallel_subscriptions$$),
('retention_counts(timestamptz,timestamptz,tstzrange)',
 $$SELECT retention_counts(started_at::timestamptz, ended_at::timestamptz, tstzrange('2024-03-01', '2024-04-01'))::text FROM parallel_subscriptions$$),
('retention_rate(timestamptz,timestamptz,tstzrange)',
 $$SELECT retention_rate(started_at::timestamptz, ended_at::timestamptz, tstzrange('2024-03-01', '2024-04-01'))::text FROM parallel_subscriptions$$),
('cohort_retention(bigint,date,time_unit)',
 $$SELECT cohort_retention(customer_id, order_date, 'month')::text FROM parallel_orders$$),
('cohort_retention(bigint,date,time_unit,numeric)',
 $$SELECT cohort_retention(customer_id, order_date, 'week', amount)::text FROM parallel_orders$$),
('cohort_retention(bigint,timestamptz,time_unit)',
 $$SELECT cohort_retention(customer_id, order_at, 'day')::text FROM parallel_orders$$),
('cohort_retention(bigint,timestamptz,time_unit,numeric)',
 $$SELECT cohort_retention(customer_id, order_at, 'quarter', amount)::text FROM parallel_orders$$),
('cohort_retention(text,date,time_unit)',
 $$SELECT cohort_retention(customer_text, order_date, 'year')::text FROM parallel_orders$$),
('cohort_retention(text,date,time_unit,numeric)',
 $$SELECT cohort_retention(customer_text, order_date, 'month', amount)::text FROM parallel_orders$$),
('cohort_retention(text,timestamptz,time_unit)',
 $$SELECT cohort_retention(customer_text, order_at, 'week')::text FROM parallel_orders$$),
('cohort_retention(text,timestamptz,time_unit,numeric)',
 $$SELECT cohort_retention(customer_text, order_at, 'month', amount)::text FROM parallel_orders$$),
('rfm(date,numeric,date)',
 $$SELECT md5(string_agg(format('%s %s', customer_id, v), ',' ORDER BY customer_id))
   FROM (SELECT customer_id, rfm(order_date, amount, date '2025-06-01') AS v FROM parallel_orders GROUP BY customer_id) AS g$$),
('rfm(date,float8,date)',
 $$SELECT md5(string_agg(format('%s %s', customer_id, v), ',' ORDER BY customer_id))
   FROM (SELECT customer_id, rfm(order_date, amount_f, date '2025-06-01') AS v FROM parallel_orders GROUP BY customer_id) AS g$$),
('rfm(timestamptz,numeric,timestamptz)',
 $$SELECT md5(string_agg(format('%s %s', customer_id, v), ',' ORDER BY customer_id))
   FROM (SELECT customer_id, rfm(order_at, amount, timestamptz '2025-06-01 12:00') AS v FROM parallel_orders GROUP BY customer_id) AS g$$),
('rfm(timestamptz,float8,timestamptz)',
 $$SELECT md5(string_agg(format('%s %s', customer_id, v), ',' ORDER BY customer_id))
   FROM (SELECT customer_id, rfm(order_at, amount_f, timestamptz '2025-06-01 12:00') AS v FROM parallel_orders GROUP BY customer_id) AS g$$),
('rfm(date,numeric)',
 $$SELECT md5(string_agg(format('%s %s', customer_id, v), ',' ORDER BY customer_id))
   FROM (SELECT customer_id, rfm(order_date, amount) AS v FROM parallel_orders GROUP BY customer_id) AS g$$),
('rfm(date,float8)',
 $$SELECT md5(string_agg(format('%s %s', customer_id, v), ',' ORDER BY customer_id))
   FROM (SELECT customer_id, rfm(order_date, amount_f) AS v FROM parallel_orders GROUP BY customer_id) AS g$$),
('rfm(timestamptz,numeric)',
 $$SELECT md5(string_agg(format('%s %s', customer_id, v), ',' ORDER BY customer_id))
   FROM (SELECT customer_id, rfm(order_at, amount) AS v FROM parallel_orders GROUP BY customer_id) AS g$$),
('rfm(timestamptz,float8)',
 $$SELECT md5(string_agg(format('%s %s', customer_id, v), ',' ORDER BY customer_id))
   FROM (SELECT customer_id, rfm(order_at, amount_f) AS v FROM parallel_orders GROUP BY customer_id) AS g$$),
('rfm_breaks(integer,bigint,numeric)',
 $$SELECT rfm_breaks(r, f, m)::text FROM (SELECT (x).recency_days AS r, (x).frequency AS f, (x).monetary AS m
   FROM (SELECT rfm(order_date, amount, date '2026-01-01') AS x FROM parallel_orders GROUP BY customer_id) AS g) AS s$$),
('rfm_breaks(integer,bigint,numeric,integer)',
 $$SELECT rfm_breaks(r, f, m, 7)::text FROM (SELECT (x).recency_days AS r, (x).frequency AS f, (x).monetary AS m
   FROM (SELECT rfm(order_date, amount, date '2026-01-01') AS x FROM parallel_orders GROUP BY customer_id) AS g) AS s$$),
('bgnbd_fit(integer,float8,float8)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).a::numeric, 5), round((m).b::numeric, 5), round((m).loglik::numeric, 5), (m).converged) FROM (SELECT bgnbd_fit(frequency, recency, t) AS m FROM parallel_summaries) AS s$$),
('bgnbd_fit(integer,float8,float8,float8)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).a::numeric, 5), round((m).b::numeric, 5), round((m).loglik::numeric, 5), (m).converged) FROM (SELECT bgnbd_fit(frequency, recency, t, 0.01) AS m FROM parallel_summaries) AS s$$),
('bgnbd_fit(float8,float8,float8)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).a::numeric, 5), round((m).b::numeric, 5), round((m).loglik::numeric, 5), (m).converged) FROM (SELECT bgnbd_fit(frequency::float8, recency, t) AS m FROM parallel_summaries) AS s$$),
('bgnbd_fit(float8,float8,float8,float8)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).a::numeric, 5), round((m).b::numeric, 5), round((m).loglik::numeric, 5), (m).converged) FROM (SELECT bgnbd_fit(frequency::float8, recency, t, 0.01) AS m FROM parallel_summaries) AS s$$),
('pareto_nbd_fit(integer,float8,float8)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).s::numeric, 5), round((m).beta::numeric, 5), round((m).loglik::numeric, 5), (m).converged) FROM (SELECT pareto_nbd_fit(frequency, recency, t) AS m FROM parallel_summaries) AS s$$),
('pareto_nbd_fit(float8,float8,float8)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).s::numeric, 5), round((m).beta::numeric, 5), round((m).loglik::numeric, 5), (m).converged) FROM (SELECT pareto_nbd_fit(frequency::float8, recency, t) AS m FROM parallel_summaries) AS s$$),
('pareto_nbd_fit(integer,float8,float8,float8)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).s::numeric, 5), round((m).beta::numeric, 5), round((m).loglik::numeric, 5), (m).converged) FROM (SELECT pareto_nbd_fit(frequency, recency, t, 0.01) AS m FROM parallel_summaries) AS s$$),
('pareto_nbd_fit(float8,float8,float8,float8)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).s::numeric, 5), round((m).beta::numeric, 5), round((m).loglik::numeric, 5), (m).converged) FROM (SELECT pareto_nbd_fit(frequency::float8, recency, t, 0.01) AS m FROM parallel_summaries) AS s$$),
('gamma_gamma_fit(integer,float8)',
 $$SELECT concat_ws(' ', round((m).p::numeric, 5), round((m).q::numeric, 5), round((m).v::numeric, 5), round((m).loglik::numeric, 5), (m).converged) FROM (SELECT gamma_gamma_fit(frequency, monetary_value) AS m FROM parallel_summaries) AS s$$),
('gamma_gamma_fit(integer,float8,float8)',
 $$SELECT concat_ws(' ', round((m).p::numeric, 5), round((m).q::numeric, 5), round((m).v::numeric, 5), round((m).loglik::numeric, 5), (m).converged) FROM (SELECT gamma_gamma_fit(frequency, monetary_value, 0.01) AS m FROM parallel_summaries) AS s$$),
('gamma_gamma_fit(float8,float8)',
 $$SELECT concat_ws(' ', round((m).p::numeric, 5), round((m).q::numeric, 5), round((m).v::numeric, 5), round((m).loglik::numeric, 5), (m).converged) FROM (SELECT gamma_gamma_fit(frequency::float8, monetary_value) AS m FROM parallel_summaries) AS s$$),
('gamma_gamma_fit(float8,float8,float8)',
 $$SELECT concat_ws(' ', round((m).p::numeric, 5), round((m).q::numeric, 5), round((m).v::numeric, 5), round((m).loglik::numeric, 5), (m).converged) FROM (SELECT gamma_gamma_fit(frequency::float8, monetary_value, 0.01) AS m FROM parallel_summaries) AS s$$),
('btyd_summary(date,numeric,date,time_unit)',
 $$SELECT md5(string_agg(format('%s %s %s %s %s', customer_id, (s).frequency, (s).recency, (s).t, round((s).monetary_value::numeric, 6)), ',' ORDER BY customer_id))
   FROM (SELECT customer_id, btyd_summary(order_date, amount, date '2026-01-01', 'week') AS s FROM parallel_orders GROUP BY customer_id) AS g$$),
('btyd_summary(date,float8,date,time_unit)',
 $$SELECT md5(string_agg(format('%s %s %s %s %s', customer_id, (s).frequency, (s).recency, (s).t, round((s).monetary_value::numeric, 6)), ',' ORDER BY customer_id))
   FROM (SELECT customer_id, btyd_summary(order_date, amount_f, date '2026-01-01', 'day') AS s FROM parallel_orders GROUP BY customer_id) AS g$$),
('btyd_summary(timestamptz,numeric,timestamptz,time_unit)',
 $$SELECT md5(string_agg(format('%s %s %s %s %s', customer_id, (s).frequency, (s).recency, (s).t, round((s).monetary_value::numeric, 6)), ',' ORDER BY customer_id))
   FROM (SELECT customer_id, btyd_summary(order_at, amount, timestamptz '2026-01-01', 'month') AS s FROM parallel_orders GROUP BY customer_id) AS g$$),
('btyd_summary(timestamptz,float8,timestamptz,time_unit)',
 $$SELECT md5(string_agg(format('%s %s %s %s %s', customer_id, (s).frequency, (s).recency, (s).t, round((s).monetary_value::numeric, 6)), ',' ORDER BY customer_id))
   FROM (SELECT customer_id, btyd_summary(order_at, amount_f, timestamptz '2026-01-01', 'week') AS s FROM parallel_orders GROUP BY customer_id) AS g$$),
('btyd_holdout(date,numeric,date,date,time_unit)',
 $$SELECT md5(string_agg(customer_id || ' ' || h::text, ',' ORDER BY customer_id))
   FROM (SELECT customer_id, btyd_holdout(order_date, amount, date '2025-03-01', date '2025-10-31', 'week') AS h FROM parallel_orders GROUP BY customer_id) AS g$$),
('btyd_holdout(date,float8,date,date,time_unit)',
 $$SELECT md5(string_agg(format('%s %s %s', customer_id, (h).frequency_holdout, round((h).monetary_value_holdout::numeric, 6)), ',' ORDER BY customer_id))
   FROM (SELECT customer_id, btyd_holdout(order_date, amount_f, date '2025-03-01', date '2025-10-31', 'day') AS h FROM parallel_orders GROUP BY customer_id) AS g$$),
('btyd_holdout(timestamptz,numeric,timestamptz,timestamptz,time_unit)',
 $$SELECT md5(string_agg(customer_id || ' ' || h::text, ',' ORDER BY customer_id))
   FROM (SELECT customer_id, btyd_holdout(order_at, amount, timestamptz '2025-03-01 06:00', timestamptz '2025-10-31', 'month') AS h FROM parallel_orders GROUP BY customer_id) AS g$$),
('btyd_holdout(timestamptz,float8,timestamptz,timestamptz,time_unit)',
 $$SELECT md5(string_agg(format('%s %s %s %s', customer_id, (h).frequency_cal, (h).frequency_holdout, round((h).monetary_value_holdout::numeric, 6)), ',' ORDER BY customer_id))
   FROM (SELECT customer_id, btyd_holdout(order_at, amount_f, timestamptz '2025-03-01', timestamptz '2025-10-31 12:00', 'week') AS h FROM parallel_orders GROUP BY customer_id) AS g$$),
('revenue_retention(bigint,date,numeric,time_unit)',
 $$SELECT md5(revenue_retention(customer_id, order_date, amount, 'month')::text) FROM parallel_orders$$),
('activity_matrix(bigint,date,time_unit)',
 $$SELECT md5(activity_matrix(customer_id, order_date, 'week')::text) FROM parallel_orders$$),
('rfm_partial(date,numeric)',
 $$SELECT md5(string_agg(customer_id || ' ' || rfm(s, date '2026-01-01')::text, ',' ORDER BY customer_id))
   FROM (SELECT customer_id, rfm_partial(order_date, amount) AS s FROM parallel_orders GROUP BY customer_id) AS g$$),
('rfm_partial(date,float8)',
 $$SELECT md5(string_agg(customer_id || ' ' || rfm(s, date '2026-01-01')::text, ',' ORDER BY customer_id))
   FROM (SELECT customer_id, rfm_partial(order_date, amount_f) AS s FROM parallel_orders GROUP BY customer_id) AS g$$),
('rfm_rollup(rfm_state)',
 $$SELECT md5(string_agg(k || ' ' || rfm(s, date '2026-01-01')::text, ',' ORDER BY k))
   FROM (SELECT part AS k, rfm_rollup(rfm) AS s FROM parallel_states GROUP BY part) AS g$$),
('btyd_partial(date,numeric)',
 $$SELECT md5(string_agg(customer_id || ' ' || btyd_summary(s, date '2026-01-01', 'week')::text, ',' ORDER BY customer_id))
   FROM (SELECT customer_id, btyd_partial(order_date, amount) AS s FROM parallel_orders GROUP BY customer_id) AS g$$),
('btyd_partial(date,float8)',
 $$SELECT md5(string_agg(customer_id || ' ' || btyd_summary(s, date '2026-01-01', 'day')::text, ',' ORDER BY customer_id))
   FROM (SELECT customer_id, btyd_partial(order_date, amount_f) AS s FROM parallel_orders GROUP BY customer_id) AS g$$),
('btyd_rollup(btyd_state)',
 $$SELECT md5(string_agg(k || ' ' || btyd_summary(s, date '2026-01-01', 'month')::text, ',' ORDER BY k))
   FROM (SELECT part AS k, btyd_rollup(btyd) AS s FROM parallel_states GROUP BY part) AS g$$);

-- survival (section 8): durations in days, and in fractions of a day
INSERT INTO parallel_cases VALUES
('kaplan_meier(date,date,date)',
 $$SELECT kaplan_meier(started_at, ended_at, date '2024-09-01')::text FROM parallel_subscriptions$$),
('kaplan_meier(float8,boolean)',
 $$SELECT kaplan_meier(abs(amount_f) / 7, customer_id % 3 = 0)::text FROM parallel_orders$$),
('logrank_test(float8,boolean,text)',
 $$SELECT logrank_test(abs(amount_f), customer_id % 3 = 0, (customer_id % 4)::text)::text FROM parallel_orders$$);

-- tracking (section 6): every order row stands for a customer here (the
-- aggregate counts rows); the final function sums in offset order, so the
-- parallel curve equals the serial one exactly
INSERT INTO parallel_cases VALUES
('bgnbd_tracking(bgnbd,date,date,integer,time_unit)',
 $$SELECT bgnbd_tracking(bgnbd_model(0.243, 4.414, 0.793, 2.426), order_date, date '2024-06-01', 40, 'week')::text FROM parallel_orders$$),
('bgnbd_tracking(bgnbd,timestamptz,timestamptz,integer,time_unit)',
 $$SELECT bgnbd_tracking(bgnbd_model(0.243, 4.414, 0.793, 2.426), order_at, timestamptz '2024-06-01 12:00+00', 90, 'day')::text FROM parallel_orders$$),
('pareto_nbd_tracking(pareto_nbd,date,date,integer,time_unit)',
 $$SELECT pareto_nbd_tracking(pareto_nbd_model(0.55, 10.58, 0.61, 11.67), order_date, date '2024-06-01', 12, 'month')::text FROM parallel_orders$$),
('pareto_nbd_tracking(pareto_nbd,timestamptz,timestamptz,integer,time_unit)',
 $$SELECT pareto_nbd_tracking(pareto_nbd_model(0.55, 10.58, 0.61, 11.67), order_at, timestamptz '2024-06-01 12:00+00', 30, 'week')::text FROM parallel_orders$$);
-- one pass over the orders (section 10): the workers' customer hashes
-- merge in the combine function; the stored value lists customers by id,
-- so equal populations have equal text
INSERT INTO parallel_cases VALUES
('rfm_population(bigint,date,numeric,date)',
 $$SELECT md5(rfm_population(customer_id, order_date, amount, date '2026-01-01')::text) FROM parallel_orders$$),
('rfm_population(bigint,date,float8,date)',
 $$SELECT md5(rfm_population(customer_id, order_date, amount_f, date '2026-01-01')::text) FROM parallel_orders$$),
('rfm_population(bigint,timestamptz,numeric,timestamptz)',
 $$SELECT md5(rfm_population(customer_id, order_at, amount, timestamptz '2026-01-01 12:00')::text) FROM parallel_orders$$),
('rfm_population(bigint,timestamptz,float8,timestamptz)',
 $$SELECT md5(rfm_population(customer_id, order_at, amount_f, timestamptz '2025-06-01')::text) FROM parallel_orders$$);
-- text ids (rfm_population_text): the id's bytes, some over 1 kB
INSERT INTO parallel_cases VALUES
('rfm_population(text,date,numeric,date)',
 $$SELECT md5(rfm_population('c' || customer_id, order_date, amount, date '2026-01-01')::text) FROM parallel_orders$$),
('rfm_population(text,date,float8,date)',
 $$SELECT md5(rfm_population(repeat('é', 600 * (customer_id % 2)::integer) || customer_id, order_date, amount_f, date '2026-01-01')::text) FROM parallel_orders$$),
('rfm_population(text,timestamptz,numeric,timestamptz)',
 $$SELECT md5(rfm_population(customer_id::text, order_at, amount, timestamptz '2026-01-01 12:00')::text) FROM parallel_orders$$),
('rfm_population(text,timestamptz,float8,timestamptz)',
 $$SELECT md5(rfm_population('id ' || customer_id || repeat(' ', (customer_id % 3)::integer), order_at, amount_f, timestamptz '2025-06-01')::text) FROM parallel_orders$$);
INSERT INTO parallel_cases VALUES
('btyd_population(bigint,date,numeric,date,time_unit)',
 $$SELECT md5(btyd_population(customer_id, order_date, amount, date '2026-01-01', 'week')::text) FROM parallel_orders$$),
('btyd_population(bigint,date,float8,date,time_unit)',
 $$SELECT md5(btyd_population(customer_id, order_date, amount_f, date '2025-06-01', 'day')::text) FROM parallel_orders$$),
('btyd_population(bigint,timestamptz,numeric,timestamptz,time_unit)',
 $$SELECT md5(btyd_population(customer_id, order_at, amount, timestamptz '2026-01-01 12:00', 'month')::text) FROM parallel_orders$$),
('btyd_population(bigint,timestamptz,float8,timestamptz,time_unit)',
 $$SELECT md5(btyd_population(customer_id, order_at, amount_f, timestamptz '2025-06-01', 'week')::text) FROM parallel_orders$$);
-- the buy-till-you-die family (section 7): weighted fits
INSERT INTO parallel_cases VALUES
('bgnbd_fit(integer,float8,float8,bigint)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).a::numeric, 5), round((m).b::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT bgnbd_fit(frequency, recency, t, (1 + customer_id % 3)::bigint) AS m FROM parallel_summaries) AS s$$),
('gamma_gamma_fit(integer,float8,bigint)',
 $$SELECT concat_ws(' ', round((m).p::numeric, 5), round((m).q::numeric, 5), round((m).v::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT gamma_gamma_fit(frequency, monetary_value, (1 + customer_id % 3)::bigint) AS m FROM parallel_summaries) AS s$$),
('bgnbd_fit(integer,float8,float8,integer)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).a::numeric, 5), round((m).b::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT bgnbd_fit(frequency, recency, t, (1 + customer_id % 3)::integer) AS m FROM parallel_summaries) AS s$$),
('gamma_gamma_fit(integer,float8,integer)',
 $$SELECT concat_ws(' ', round((m).p::numeric, 5), round((m).q::numeric, 5), round((m).v::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT gamma_gamma_fit(frequency, monetary_value, (1 + customer_id % 3)::integer) AS m FROM parallel_summaries) AS s$$),
('bgnbd_fit(integer,float8,float8,bigint,float8)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).a::numeric, 5), round((m).b::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT bgnbd_fit(frequency, recency, t, (1 + customer_id % 3)::bigint, 0.01) AS m FROM parallel_summaries) AS s$$),
('gamma_gamma_fit(integer,float8,bigint,float8)',
 $$SELECT concat_ws(' ', round((m).p::numeric, 5), round((m).q::numeric, 5), round((m).v::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT gamma_gamma_fit(frequency, monetary_value, (1 + customer_id % 3)::bigint, 0.01) AS m FROM parallel_summaries) AS s$$),
('bgnbd_fit(float8,float8,float8,bigint)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).a::numeric, 5), round((m).b::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT bgnbd_fit(frequency::float8, recency, t, (1 + customer_id % 3)::bigint) AS m FROM parallel_summaries) AS s$$),
('gamma_gamma_fit(float8,float8,bigint)',
 $$SELECT concat_ws(' ', round((m).p::numeric, 5), round((m).q::numeric, 5), round((m).v::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT gamma_gamma_fit(frequency::float8, monetary_value, (1 + customer_id % 3)::bigint) AS m FROM parallel_summaries) AS s$$),
('bgnbd_fit(float8,float8,float8,integer)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).a::numeric, 5), round((m).b::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT bgnbd_fit(frequency::float8, recency, t, (1 + customer_id % 3)::integer) AS m FROM parallel_summaries) AS s$$),
('gamma_gamma_fit(float8,float8,integer)',
 $$SELECT concat_ws(' ', round((m).p::numeric, 5), round((m).q::numeric, 5), round((m).v::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT gamma_gamma_fit(frequency::float8, monetary_value, (1 + customer_id % 3)::integer) AS m FROM parallel_summaries) AS s$$),
('bgnbd_fit(float8,float8,float8,bigint,float8)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).a::numeric, 5), round((m).b::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT bgnbd_fit(frequency::float8, recency, t, (1 + customer_id % 3)::bigint, 0.01) AS m FROM parallel_summaries) AS s$$),
('gamma_gamma_fit(float8,float8,bigint,float8)',
 $$SELECT concat_ws(' ', round((m).p::numeric, 5), round((m).q::numeric, 5), round((m).v::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT gamma_gamma_fit(frequency::float8, monetary_value, (1 + customer_id % 3)::bigint, 0.01) AS m FROM parallel_summaries) AS s$$);

-- MBG/NBD (section 7)
INSERT INTO parallel_cases VALUES
('mbgnbd_fit(integer,float8,float8)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).a::numeric, 5), round((m).b::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT mbgnbd_fit(frequency, recency, t) AS m FROM parallel_summaries) AS s$$),
('mbgnbd_fit(integer,float8,float8,float8)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).a::numeric, 5), round((m).b::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT mbgnbd_fit(frequency, recency, t, 0.01) AS m FROM parallel_summaries) AS s$$),
('mbgnbd_fit(integer,float8,float8,bigint)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).a::numeric, 5), round((m).b::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT mbgnbd_fit(frequency, recency, t, (1 + customer_id % 3)::bigint) AS m FROM parallel_summaries) AS s$$),
('mbgnbd_fit(integer,float8,float8,integer)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).a::numeric, 5), round((m).b::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT mbgnbd_fit(frequency, recency, t, (1 + customer_id % 3)::integer) AS m FROM parallel_summaries) AS s$$),
('mbgnbd_fit(integer,float8,float8,bigint,float8)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).a::numeric, 5), round((m).b::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT mbgnbd_fit(frequency, recency, t, (1 + customer_id % 3)::bigint, 0.01) AS m FROM parallel_summaries) AS s$$),
('mbgnbd_fit(float8,float8,float8)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).a::numeric, 5), round((m).b::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT mbgnbd_fit(frequency::float8, recency, t) AS m FROM parallel_summaries) AS s$$),
('mbgnbd_fit(float8,float8,float8,float8)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).a::numeric, 5), round((m).b::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT mbgnbd_fit(frequency::float8, recency, t, 0.01) AS m FROM parallel_summaries) AS s$$),
('mbgnbd_fit(float8,float8,float8,bigint)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).a::numeric, 5), round((m).b::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT mbgnbd_fit(frequency::float8, recency, t, (1 + customer_id % 3)::bigint) AS m FROM parallel_summaries) AS s$$),
('mbgnbd_fit(float8,float8,float8,integer)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).a::numeric, 5), round((m).b::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT mbgnbd_fit(frequency::float8, recency, t, (1 + customer_id % 3)::integer) AS m FROM parallel_summaries) AS s$$),
('mbgnbd_fit(float8,float8,float8,bigint,float8)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).a::numeric, 5), round((m).b::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT mbgnbd_fit(frequency::float8, recency, t, (1 + customer_id % 3)::bigint, 0.01) AS m FROM parallel_summaries) AS s$$);

-- BG/BB (section 7): discrete histories from the summaries
INSERT INTO parallel_cases VALUES
('bgbb_fit(integer,integer,integer)',
 $$SELECT concat_ws(' ', round((m).alpha::numeric, 5), round((m).beta::numeric, 5), round((m).gamma::numeric, 5), round((m).delta::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT bgbb_fit(x, tx, n) AS m FROM (SELECT customer_id, least(frequency, 6) AS x, CASE WHEN frequency = 0 THEN 0 ELSE greatest(least(frequency, 6), least(6, ceil(recency / 5)::integer)) END AS tx, 6 AS n FROM parallel_summaries) AS d) AS s$$),
('bgbb_fit(integer,integer,integer,bigint)',
 $$SELECT concat_ws(' ', round((m).alpha::numeric, 5), round((m).beta::numeric, 5), round((m).gamma::numeric, 5), round((m).delta::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT bgbb_fit(x, tx, n, (1 + customer_id % 3)::bigint) AS m FROM (SELECT customer_id, least(frequency, 6) AS x, CASE WHEN frequency = 0 THEN 0 ELSE greatest(least(frequency, 6), least(6, ceil(recency / 5)::integer)) END AS tx, 6 AS n FROM parallel_summaries) AS d) AS s$$),
('bgbb_fit(integer,integer,integer,integer)',
 $$SELECT concat_ws(' ', round((m).alpha::numeric, 5), round((m).beta::numeric, 5), round((m).gamma::numeric, 5), round((m).delta::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT bgbb_fit(x, tx, n, (1 + customer_id % 3)::integer) AS m FROM (SELECT customer_id, least(frequency, 6) AS x, CASE WHEN frequency = 0 THEN 0 ELSE greatest(least(frequency, 6), least(6, ceil(recency / 5)::integer)) END AS tx, 6 AS n FROM parallel_summaries) AS d) AS s$$),
('bgbb_fit(float8,float8,float8)',
 $$SELECT concat_ws(' ', round((m).alpha::numeric, 5), round((m).beta::numeric, 5), round((m).gamma::numeric, 5), round((m).delta::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT bgbb_fit(x::float8, tx::float8, n::float8) AS m FROM (SELECT customer_id, least(frequency, 6) AS x, CASE WHEN frequency = 0 THEN 0 ELSE greatest(least(frequency, 6), least(6, ceil(recency / 5)::integer)) END AS tx, 6 AS n FROM parallel_summaries) AS d) AS s$$),
('bgbb_fit(float8,float8,float8,bigint)',
 $$SELECT concat_ws(' ', round((m).alpha::numeric, 5), round((m).beta::numeric, 5), round((m).gamma::numeric, 5), round((m).delta::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT bgbb_fit(x::float8, tx::float8, n::float8, (1 + customer_id % 3)::bigint) AS m FROM (SELECT customer_id, least(frequency, 6) AS x, CASE WHEN frequency = 0 THEN 0 ELSE greatest(least(frequency, 6), least(6, ceil(recency / 5)::integer)) END AS tx, 6 AS n FROM parallel_summaries) AS d) AS s$$),
('bgbb_fit(float8,float8,float8,integer)',
 $$SELECT concat_ws(' ', round((m).alpha::numeric, 5), round((m).beta::numeric, 5), round((m).gamma::numeric, 5), round((m).delta::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT bgbb_fit(x::float8, tx::float8, n::float8, (1 + customer_id % 3)::integer) AS m FROM (SELECT customer_id, least(frequency, 6) AS x, CASE WHEN frequency = 0 THEN 0 ELSE greatest(least(frequency, 6), least(6, ceil(recency / 5)::integer)) END AS tx, 6 AS n FROM parallel_summaries) AS d) AS s$$);

-- smallint weights (section 7)
INSERT INTO parallel_cases VALUES
('bgnbd_fit(integer,float8,float8,smallint)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).a::numeric, 5), round((m).b::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT bgnbd_fit(frequency, recency, t, (1 + customer_id % 3)::smallint) AS m FROM parallel_summaries) AS s$$),
('mbgnbd_fit(integer,float8,float8,smallint)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).a::numeric, 5), round((m).b::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT mbgnbd_fit(frequency, recency, t, (1 + customer_id % 3)::smallint) AS m FROM parallel_summaries) AS s$$),
('gamma_gamma_fit(integer,float8,smallint)',
 $$SELECT concat_ws(' ', round((m).p::numeric, 5), round((m).q::numeric, 5), round((m).v::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT gamma_gamma_fit(frequency, monetary_value, (1 + customer_id % 3)::smallint) AS m FROM parallel_summaries) AS s$$),
('bgbb_fit(integer,integer,integer,smallint)',
 $$SELECT concat_ws(' ', round((m).alpha::numeric, 5), round((m).beta::numeric, 5), round((m).gamma::numeric, 5), round((m).delta::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT bgbb_fit(x, tx, n, (1 + customer_id % 3)::smallint) AS m FROM (SELECT customer_id, least(frequency, 6) AS x, CASE WHEN frequency = 0 THEN 0 ELSE greatest(least(frequency, 6), least(6, ceil(recency / 5)::integer)) END AS tx, 6 AS n FROM parallel_summaries) AS d) AS s$$),
('bgnbd_fit(float8,float8,float8,smallint)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).a::numeric, 5), round((m).b::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT bgnbd_fit(frequency::float8, recency, t, (1 + customer_id % 3)::smallint) AS m FROM parallel_summaries) AS s$$),
('mbgnbd_fit(float8,float8,float8,smallint)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).a::numeric, 5), round((m).b::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT mbgnbd_fit(frequency::float8, recency, t, (1 + customer_id % 3)::smallint) AS m FROM parallel_summaries) AS s$$),
('gamma_gamma_fit(float8,float8,smallint)',
 $$SELECT concat_ws(' ', round((m).p::numeric, 5), round((m).q::numeric, 5), round((m).v::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT gamma_gamma_fit(frequency::float8, monetary_value, (1 + customer_id % 3)::smallint) AS m FROM parallel_summaries) AS s$$),
('bgbb_fit(float8,float8,float8,smallint)',
 $$SELECT concat_ws(' ', round((m).alpha::numeric, 5), round((m).beta::numeric, 5), round((m).gamma::numeric, 5), round((m).delta::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT bgbb_fit(x::float8, tx::float8, n::float8, (1 + customer_id % 3)::smallint) AS m FROM (SELECT customer_id, least(frequency, 6) AS x, CASE WHEN frequency = 0 THEN 0 ELSE greatest(least(frequency, 6), least(6, ceil(recency / 5)::integer)) END AS tx, 6 AS n FROM parallel_summaries) AS d) AS s$$);

-- Pareto/NBD weights (section 7e)
INSERT INTO parallel_cases VALUES
('pareto_nbd_fit(integer,float8,float8,bigint)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).s::numeric, 5), round((m).beta::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT pareto_nbd_fit(frequency, recency, t, (1 + customer_id % 3)::bigint) AS m FROM parallel_summaries) AS s$$),
('pareto_nbd_fit(integer,float8,float8,integer)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).s::numeric, 5), round((m).beta::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT pareto_nbd_fit(frequency, recency, t, (1 + customer_id % 3)::integer) AS m FROM parallel_summaries) AS s$$),
('pareto_nbd_fit(integer,float8,float8,smallint)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).s::numeric, 5), round((m).beta::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT pareto_nbd_fit(frequency, recency, t, (1 + customer_id % 3)::smallint) AS m FROM parallel_summaries) AS s$$),
('pareto_nbd_fit(integer,float8,float8,bigint,float8)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).s::numeric, 5), round((m).beta::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT pareto_nbd_fit(frequency, recency, t, (1 + customer_id % 3)::bigint, 0.01) AS m FROM parallel_summaries) AS s$$),
('pareto_nbd_fit(float8,float8,float8,bigint)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).s::numeric, 5), round((m).beta::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT pareto_nbd_fit(frequency::float8, recency, t, (1 + customer_id % 3)::bigint) AS m FROM parallel_summaries) AS s$$),
('pareto_nbd_fit(float8,float8,float8,integer)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).s::numeric, 5), round((m).beta::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT pareto_nbd_fit(frequency::float8, recency, t, (1 + customer_id % 3)::integer) AS m FROM parallel_summaries) AS s$$),
('pareto_nbd_fit(float8,float8,float8,smallint)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).s::numeric, 5), round((m).beta::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT pareto_nbd_fit(frequency::float8, recency, t, (1 + customer_id % 3)::smallint) AS m FROM parallel_summaries) AS s$$),
('pareto_nbd_fit(float8,float8,float8,bigint,float8)',
 $$SELECT concat_ws(' ', round((m).r::numeric, 5), round((m).alpha::numeric, 5), round((m).s::numeric, 5), round((m).beta::numeric, 5), round((m).loglik::numeric, 5), (m).n, (m).converged) FROM (SELECT pareto_nbd_fit(frequency::float8, recency, t, (1 + customer_id % 3)::bigint, 0.01) AS m FROM parallel_summaries) AS s$$);

-- MBG/NBD tracking (section 7f), as bgnbd_tracking
INSERT INTO parallel_cases VALUES
('mbgnbd_tracking(mbgnbd,date,date,integer,time_unit)',
 $$SELECT mbgnbd_tracking(mbgnbd_model(0.525, 6.183, 0.891, 1.614), order_date, date '2024-06-01', 40, 'week')::text FROM parallel_orders$$),
('mbgnbd_tracking(mbgnbd,timestamptz,timestamptz,integer,time_unit)',
 $$SELECT mbgnbd_tracking(mbgnbd_model(0.525, 6.183, 0.891, 1.614), order_at, timestamptz '2024-06-01 12:00+00', 90, 'day')::text FROM parallel_orders$$);

-- run a case serially and in parallel; report whether the parallel plan
-- was partial with workers launched, and whether the answers agree
CREATE FUNCTION pg_temp.run_parallel_case(query text, OUT partial boolean, OUT launched boolean, OUT same boolean)
LANGUAGE plpgsql AS $fn$
DECLARE
    serial_answer text;
    parallel_answer text;
    plan text := '';
    line text;
BEGIN
    PERFORM set_config('max_parallel_workers_per_gather', '0', true);
    EXECUTE query INTO serial_answer;
    PERFORM set_config('max_parallel_workers_per_gather', '2', true);
    FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || query LOOP
        plan := plan || line || E'\n';
    END LOOP;
    EXECUTE query INTO parallel_answer;
    partial := plan ~ 'Partial (Hash|Group)?Aggregate';
    launched := plan ~ 'Workers Launched: [1-9]';
    same := serial_answer IS NOT DISTINCT FROM parallel_answer AND serial_answer IS NOT NULL;
END
$fn$;

-- unaligned, so that a new case adds a line and leaves the others as they are
\pset format unaligned
SELECT agg, (pg_temp.run_parallel_case(query)).* FROM parallel_cases ORDER BY agg::text;
\pset format aligned

-- every aggregate of the extension has a case
SELECT p.oid::regprocedure AS aggregate_without_parallel_case
FROM pg_proc AS p
JOIN pg_depend AS d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'retention')
  AND p.prokind = 'a' AND p.oid NOT IN (SELECT agg FROM parallel_cases)
ORDER BY 1;

DROP TABLE parallel_orders, parallel_subscriptions, parallel_summaries, parallel_states, parallel_cases;
