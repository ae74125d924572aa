-- aggstate_fuzz: corrupted serialized states fed to the deserialize functions
-- of every aggregate of the extension with internal state (the helper
-- retention_test.fuzz_deserialize, test/modules/retention_test). For each
-- sample: the state built from the rows round-trips exactly (same bytes,
-- same final result, also after a combine into nothing); of thousands of
-- mutations (every truncation, every bit flip, large length fields at
-- every offset, every other version byte, LCG-random edits with seed 7)
-- deserialize rejects some with its own SQLSTATE and accepts the rest,
-- which then survive serialize, combine and final, raising at most the
-- errors a valid state of another group could raise. A crash ends the
-- session and fails the file. An internal-state aggregate without a sample
-- fails the coverage test, so new aggregates must be added here.
BEGIN;
CREATE EXTENSION retention_test;

CREATE TEMP TABLE fuzz_samples (agg regprocedure, rows_query text, final_share float8 DEFAULT 1);
INSERT INTO fuzz_samples (agg, rows_query) VALUES
-- rfm: date and timestamptz orders, numeric (scaled int64, and a sum too
-- large for it: the numeric accumulator) and float8 amounts, refunds,
-- explicit as_of and the current_date / now() forms
('rfm(date,numeric,date)',
 $$SELECT date '2024-01-01' + g * 3, g * 2.5 - 5, date '2024-03-01' FROM generate_series(1, 12) AS g$$),
('rfm(date,numeric,date)',
 $$SELECT date '2024-01-01' + g, 9e17::numeric * g, date '2024-03-01' FROM generate_series(1, 3) AS g$$),
('rfm(date,numeric)',
 $$SELECT date '2024-01-01' + g * 3, g * 1.125 FROM generate_series(1, 5) AS g$$),
('rfm(date,float8,date)',
 $$SELECT date '2024-01-01' + g * 3, g * 0.1::float8 - 0.3, date '2024-02-01' FROM generate_series(1, 8) AS g$$),
('rfm(date,float8)',
 $$SELECT date '2024-01-01' + g * 3, g * 0.1::float8 FROM generate_series(1, 5) AS g$$),
('rfm(timestamptz,numeric,timestamptz)',
 $$SELECT timestamptz '2024-01-01 10:00+00' + g * interval '29 hours', g * 7.5,
          timestamptz '2024-03-01 00:00+00' FROM generate_series(1, 10) AS g$$),
('rfm(timestamptz,numeric)',
 $$SELECT timestamptz '2024-01-01 10:00+00' + g * interval '29 hours', g * 7.5 FROM generate_series(1, 4) AS g$$),
('rfm(timestamptz,float8,timestamptz)',
 $$SELECT timestamptz '2024-01-01 10:00+00' + g * interval '29 hours', g * 1.5::float8,
          timestamptz '2024-03-01 00:00+00' FROM generate_series(1, 10) AS g$$),
('rfm(timestamptz,float8)',
 $$SELECT timestamptz '2024-01-01 10:00+00' + g * interval '29 hours', g * 1.5::float8 FROM generate_series(1, 4) AS g$$),
-- rfm_breaks: repeated values (counts above 1), NULLs, default and 3 bins
('rfm_breaks(integer,bigint,numeric)',
 $$SELECT g % 7, (g % 4)::bigint, CASE WHEN g % 6 = 0 THEN NULL ELSE (g % 5) * 10.5 END
   FROM generate_series(1, 20) AS g$$),
('rfm_breaks(integer,bigint,numeric,integer)',
 $$SELECT g * 3, (g % 3)::bigint, g * 2.0, 3 FROM generate_series(1, 9) AS g$$),
-- cohort_retention: bitmap sets (month, quarter, year), spilled sets
-- (days and weeks spanning more than 64 periods, and every set with
-- amounts), text ids including the empty one
('cohort_retention(bigint,date,time_unit)',
 $$SELECT (g % 3)::bigint, date '2024-01-01' + (g * 37 % 400), 'day'::time_unit FROM generate_series(1, 12) AS g$$),
('cohort_retention(bigint,date,time_unit)',
 $$SELECT (g % 6)::bigint, date '2023-01-01' + (g * 53 % 700), 'month'::time_unit FROM generate_series(1, 30) AS g$$),
('cohort_retention(bigint,date,time_unit,numeric)',
 $$SELECT (g % 4)::bigint, date '2022-01-01' + (g * 91 % 1400), 'quarter'::time_unit,
          CASE WHEN g % 5 = 0 THEN NULL ELSE g * 1.25 END FROM generate_series(1, 14) AS g$$),
('cohort_retention(bigint,timestamptz,time_unit)',
 $$SELECT (g % 3)::bigint, timestamptz '2023-01-01 12:00+00' + (g * 61 % 600) * interval '1 day', 'week'::time_unit
   FROM generate_series(1, 15) AS g$$),
('cohort_retention(bigint,timestamptz,time_unit,numeric)',
 $$SELECT (g % 4)::bigint - 2, timestamptz '2019-06-01 00:00+00' + (g * 97 % 2000) * interval '1 day', 'year'::time_unit,
          g * 10.5 FROM generate_series(1, 12) AS g$$),
('cohort_retention(text,date,time_unit)',
 $$SELECT CASE WHEN g % 5 = 0 THEN '' ELSE 'c' || (g % 5) END, date '2023-01-01' + (g * 41 % 500), 'month'::time_unit
   FROM generate_series(1, 20) AS g$$),
('cohort_retention(text,date,time_unit,numeric)',
 $$SELECT 'customer-' || (g % 3), date '2023-01-01' + (g * 41 % 500), 'month'::time_unit, (g * 3)::numeric
   FROM generate_series(1, 10) AS g$$),
('cohort_retention(text,timestamptz,time_unit)',
 $$SELECT 'c' || (g % 4), timestamptz '2023-01-01 00:00+00' + (g * 67 % 800) * interval '1 day', 'week'::time_unit
   FROM generate_series(1, 16) AS g$$),
('cohort_retention(text,timestamptz,time_unit,numeric)',
 $$SELECT 'c' || (g % 3), timestamptz '2023-01-01 00:00+00' + (g * 67 % 800) * interval '1 day', 'quarter'::time_unit,
          g * 0.001 FROM generate_series(1, 10) AS g$$),
-- revenue_retention: cohort_retention's state with amounts, in its own
-- argument order (refunds, a NULL amount, several decimals)
('revenue_retention(bigint,date,numeric,time_unit)',
 $$SELECT (g % 5)::bigint, date '2023-01-01' + (g * 47 % 700),
          CASE WHEN g % 7 = 0 THEN NULL ELSE g * 2.25 - 20 END, 'month'::time_unit FROM generate_series(1, 25) AS g$$),
('activity_matrix(bigint,date,time_unit)',
 $$SELECT (g % 4)::bigint, date '2024-01-01' + (g * 13 % 90), 'day'::time_unit FROM generate_series(1, 20) AS g$$),
-- the fits (bgnbd_fit, pareto_nbd_fit, gamma_gamma_fit): weighted distinct
-- rows, with and without a penalizer, repeated rows (weights above 1)
('bgnbd_fit(integer,float8,float8)',
 $$SELECT g % 4, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 3 % 20)::float8 END, (30 + g % 9)::float8
   FROM generate_series(1, 24) AS g$$),
('bgnbd_fit(integer,float8,float8,float8)',
 $$SELECT g % 3, CASE WHEN g % 3 = 0 THEN 0 ELSE (g * 7 % 25)::float8 END, (26 + g)::float8, 0.01::float8
   FROM generate_series(1, 10) AS g$$),
('bgnbd_fit(float8,float8,float8)',
 $$SELECT (g % 5)::float8, CASE WHEN g % 5 = 0 THEN 0 ELSE (g * 3 % 20)::float8 + 0.5 END, 39::float8
   FROM generate_series(1, 12) AS g$$),
('bgnbd_fit(float8,float8,float8,float8)',
 $$SELECT (g % 2)::float8, CASE WHEN g % 2 = 0 THEN 0 ELSE g::float8 END, 20::float8, 0.1::float8
   FROM generate_series(1, 10) AS g$$),
('pareto_nbd_fit(integer,float8,float8)',
 $$SELECT g % 4, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 3 % 20)::float8 END, (30 + g % 9)::float8
   FROM generate_series(1, 24) AS g$$),
('pareto_nbd_fit(float8,float8,float8)',
 $$SELECT (g % 3)::float8, CASE WHEN g % 3 = 0 THEN 0 ELSE (g * 5 % 17)::float8 END, 20::float8
   FROM generate_series(1, 9) AS g$$),
('gamma_gamma_fit(integer,float8)',
 $$SELECT 1 + g % 3, 10 + g * 2.5::float8 FROM generate_series(1, 16) AS g$$),
('gamma_gamma_fit(integer,float8,float8)',
 $$SELECT g % 3, CASE WHEN g % 3 = 0 THEN 0 ELSE 5 + g::float8 END, 0.05::float8 FROM generate_series(1, 12) AS g$$),
('gamma_gamma_fit(float8,float8)',
 $$SELECT (1 + g % 2)::float8, 20 + (g % 4) * 1.25::float8 FROM generate_series(1, 12) AS g$$),
('gamma_gamma_fit(float8,float8,float8)',
 $$SELECT (1 + g % 4)::float8, 8 + g::float8, 0.001::float8 FROM generate_series(1, 10) AS g$$),
-- the fits with weights (section 7): weights 0 to 4, with and without a
-- penalizer
('pareto_nbd_fit(integer,float8,float8,float8)',
 $$SELECT g % 4, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 3 % 20)::float8 END, (30 + g % 9)::float8, 0.02::float8
   FROM generate_series(1, 20) AS g$$),
('pareto_nbd_fit(float8,float8,float8,float8)',
 $$SELECT (g % 4)::float8, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 3 % 20)::float8 END, (30 + g % 9)::float8, 0.02::float8
   FROM generate_series(1, 20) AS g$$),
('pareto_nbd_fit(integer,float8,float8,bigint)',
 $$SELECT (g % 4), CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 3 % 20)::float8 END, (30 + g % 9)::float8, (g % 4)::bigint
   FROM generate_series(1, 20) AS g$$),
('pareto_nbd_fit(integer,float8,float8,integer)',
 $$SELECT (g % 4), CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 3 % 20)::float8 END, (30 + g % 9)::float8, (g % 4)::integer
   FROM generate_series(1, 20) AS g$$),
('pareto_nbd_fit(integer,float8,float8,smallint)',
 $$SELECT (g % 4), CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 3 % 20)::float8 END, (30 + g % 9)::float8, (g % 4)::smallint
   FROM generate_series(1, 20) AS g$$),
('pareto_nbd_fit(integer,float8,float8,bigint,float8)',
 $$SELECT (g % 4), CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 3 % 20)::float8 END, (30 + g % 9)::float8, (g % 5)::bigint, 0.02::float8
   FROM generate_series(1, 20) AS g$$),
('pareto_nbd_fit(float8,float8,float8,bigint)',
 $$SELECT (g % 4)::float8, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 3 % 20)::float8 END, (30 + g % 9)::float8, (g % 4)::bigint
   FROM generate_series(1, 20) AS g$$),
('pareto_nbd_fit(float8,float8,float8,integer)',
 $$SELECT (g % 4)::float8, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 3 % 20)::float8 END, (30 + g % 9)::float8, (g % 4)::integer
   FROM generate_series(1, 20) AS g$$),
('pareto_nbd_fit(float8,float8,float8,smallint)',
 $$SELECT (g % 4)::float8, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 3 % 20)::float8 END, (30 + g % 9)::float8, (g % 4)::smallint
   FROM generate_series(1, 20) AS g$$),
('pareto_nbd_fit(float8,float8,float8,bigint,float8)',
 $$SELECT (g % 4)::float8, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 3 % 20)::float8 END, (30 + g % 9)::float8, (g % 5)::bigint, 0.02::float8
   FROM generate_series(1, 20) AS g$$),
('bgnbd_fit(integer,float8,float8,bigint)',
 $$SELECT g % 4, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 3 % 20)::float8 END, (30 + g % 9)::float8, (g % 4)::bigint
   FROM generate_series(1, 20) AS g$$),
('gamma_gamma_fit(integer,float8,bigint)',
 $$SELECT g % 4, CASE WHEN g % 4 = 0 THEN 0 ELSE 5 + g::float8 END, (g % 4)::bigint FROM generate_series(1, 14) AS g$$),
('bgnbd_fit(integer,float8,float8,integer)',
 $$SELECT g % 4, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 3 % 20)::float8 END, (30 + g % 9)::float8, (1 + g % 3)::integer
   FROM generate_series(1, 20) AS g$$),
('gamma_gamma_fit(integer,float8,integer)',
 $$SELECT g % 4, CASE WHEN g % 4 = 0 THEN 0 ELSE 5 + g::float8 END, (1 + g % 3)::integer FROM generate_series(1, 14) AS g$$),
('bgnbd_fit(integer,float8,float8,bigint,float8)',
 $$SELECT g % 4, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 3 % 20)::float8 END, (30 + g % 9)::float8, (g % 5)::bigint, 0.02::float8
   FROM generate_series(1, 20) AS g$$),
('gamma_gamma_fit(integer,float8,bigint,float8)',
 $$SELECT g % 4, CASE WHEN g % 4 = 0 THEN 0 ELSE 5 + g::float8 END, (g % 5)::bigint, 0.02::float8 FROM generate_series(1, 14) AS g$$),
('bgnbd_fit(float8,float8,float8,bigint)',
 $$SELECT (g % 4)::float8, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 3 % 20)::float8 END, (30 + g % 9)::float8, (g % 4)::bigint
   FROM generate_series(1, 20) AS g$$),
('gamma_gamma_fit(float8,float8,bigint)',
 $$SELECT (g % 4)::float8, CASE WHEN g % 4 = 0 THEN 0 ELSE 5 + g::float8 END, (g % 4)::bigint FROM generate_series(1, 14) AS g$$),
('bgnbd_fit(float8,float8,float8,integer)',
 $$SELECT (g % 4)::float8, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 3 % 20)::float8 END, (30 + g % 9)::float8, (1 + g % 3)::integer
   FROM generate_series(1, 20) AS g$$),
('gamma_gamma_fit(float8,float8,integer)',
 $$SELECT (g % 4)::float8, CASE WHEN g % 4 = 0 THEN 0 ELSE 5 + g::float8 END, (1 + g % 3)::integer FROM generate_series(1, 14) AS g$$),
('bgnbd_fit(float8,float8,float8,bigint,float8)',
 $$SELECT (g % 4)::float8, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 3 % 20)::float8 END, (30 + g % 9)::float8, (g % 5)::bigint, 0.02::float8
   FROM generate_series(1, 20) AS g$$),
('gamma_gamma_fit(float8,float8,bigint,float8)',
 $$SELECT (g % 4)::float8, CASE WHEN g % 4 = 0 THEN 0 ELSE 5 + g::float8 END, (g % 5)::bigint, 0.02::float8 FROM generate_series(1, 14) AS g$$),
-- MBG/NBD (section 7): the fit state of bgnbd_fit
('mbgnbd_fit(integer,float8,float8)',
 $$SELECT g % 4, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 5 % 21)::float8 END, (25 + g % 7)::float8
   FROM generate_series(1, 18) AS g$$),
('mbgnbd_fit(integer,float8,float8,float8)',
 $$SELECT g % 4, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 5 % 21)::float8 END, (25 + g % 7)::float8, 0.01::float8
   FROM generate_series(1, 18) AS g$$),
('mbgnbd_fit(integer,float8,float8,bigint)',
 $$SELECT g % 4, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 5 % 21)::float8 END, (25 + g % 7)::float8, (g % 3)::bigint
   FROM generate_series(1, 18) AS g$$),
('mbgnbd_fit(integer,float8,float8,integer)',
 $$SELECT g % 4, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 5 % 21)::float8 END, (25 + g % 7)::float8, (g % 4)::integer
   FROM generate_series(1, 18) AS g$$),
('mbgnbd_fit(integer,float8,float8,bigint,float8)',
 $$SELECT g % 4, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 5 % 21)::float8 END, (25 + g % 7)::float8, (g % 5)::bigint, 0.1::float8
   FROM generate_series(1, 18) AS g$$),
('mbgnbd_fit(float8,float8,float8)',
 $$SELECT (g % 4)::float8, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 5 % 21)::float8 END, (25 + g % 7)::float8
   FROM generate_series(1, 18) AS g$$),
('mbgnbd_fit(float8,float8,float8,float8)',
 $$SELECT (g % 4)::float8, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 5 % 21)::float8 END, (25 + g % 7)::float8, 0.01::float8
   FROM generate_series(1, 18) AS g$$),
('mbgnbd_fit(float8,float8,float8,bigint)',
 $$SELECT (g % 4)::float8, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 5 % 21)::float8 END, (25 + g % 7)::float8, (g % 3)::bigint
   FROM generate_series(1, 18) AS g$$),
('mbgnbd_fit(float8,float8,float8,integer)',
 $$SELECT (g % 4)::float8, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 5 % 21)::float8 END, (25 + g % 7)::float8, (g % 4)::integer
   FROM generate_series(1, 18) AS g$$),
('mbgnbd_fit(float8,float8,float8,bigint,float8)',
 $$SELECT (g % 4)::float8, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 5 % 21)::float8 END, (25 + g % 7)::float8, (g % 5)::bigint, 0.1::float8
   FROM generate_series(1, 18) AS g$$),
-- BG/BB (section 7): the discrete fit state
('bgbb_fit(integer,integer,integer)',
 $$SELECT (g % 4), (CASE WHEN g % 4 = 0 THEN 0 ELSE g % 4 + g % 3 END), (6 + g % 2)
   FROM generate_series(1, 18) AS g$$),
('bgbb_fit(integer,integer,integer,bigint)',
 $$SELECT (g % 4), (CASE WHEN g % 4 = 0 THEN 0 ELSE g % 4 + g % 3 END), (6 + g % 2), (g % 3)::bigint
   FROM generate_series(1, 18) AS g$$),
('bgbb_fit(integer,integer,integer,integer)',
 $$SELECT (g % 4), (CASE WHEN g % 4 = 0 THEN 0 ELSE g % 4 + g % 3 END), (6 + g % 2), (g % 4)::integer
   FROM generate_series(1, 18) AS g$$),
('bgbb_fit(float8,float8,float8)',
 $$SELECT (g % 4)::float8, (CASE WHEN g % 4 = 0 THEN 0 ELSE g % 4 + g % 3 END)::float8, (6 + g % 2)::float8
   FROM generate_series(1, 18) AS g$$),
('bgbb_fit(float8,float8,float8,bigint)',
 $$SELECT (g % 4)::float8, (CASE WHEN g % 4 = 0 THEN 0 ELSE g % 4 + g % 3 END)::float8, (6 + g % 2)::float8, (g % 3)::bigint
   FROM generate_series(1, 18) AS g$$),
('bgbb_fit(float8,float8,float8,integer)',
 $$SELECT (g % 4)::float8, (CASE WHEN g % 4 = 0 THEN 0 ELSE g % 4 + g % 3 END)::float8, (6 + g % 2)::float8, (g % 4)::integer
   FROM generate_series(1, 18) AS g$$),
-- smallint weights (section 7)
('bgnbd_fit(integer,float8,float8,smallint)',
 $$SELECT g % 4, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 3 % 20)::float8 END, (30 + g % 9)::float8, (g % 3)::smallint
   FROM generate_series(1, 16) AS g$$),
('mbgnbd_fit(integer,float8,float8,smallint)',
 $$SELECT g % 4, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 3 % 20)::float8 END, (30 + g % 9)::float8, (g % 3)::smallint
   FROM generate_series(1, 16) AS g$$),
('gamma_gamma_fit(integer,float8,smallint)',
 $$SELECT g % 4, CASE WHEN g % 4 = 0 THEN 0 ELSE 5 + g::float8 END, (g % 3)::smallint FROM generate_series(1, 14) AS g$$),
('bgbb_fit(integer,integer,integer,smallint)',
 $$SELECT (g % 4), (CASE WHEN g % 4 = 0 THEN 0 ELSE g % 4 + g % 3 END), (6 + g % 2), (g % 3)::smallint
   FROM generate_series(1, 18) AS g$$),
('bgnbd_fit(float8,float8,float8,smallint)',
 $$SELECT (g % 4)::float8, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 3 % 20)::float8 END, (30 + g % 9)::float8, (g % 3)::smallint
   FROM generate_series(1, 16) AS g$$),
('mbgnbd_fit(float8,float8,float8,smallint)',
 $$SELECT (g % 4)::float8, CASE WHEN g % 4 = 0 THEN 0 ELSE (g * 3 % 20)::float8 END, (30 + g % 9)::float8, (g % 3)::smallint
   FROM generate_series(1, 16) AS g$$),
('gamma_gamma_fit(float8,float8,smallint)',
 $$SELECT (g % 4)::float8, CASE WHEN g % 4 = 0 THEN 0 ELSE 5 + g::float8 END, (g % 3)::smallint FROM generate_series(1, 14) AS g$$),
('bgbb_fit(float8,float8,float8,smallint)',
 $$SELECT (g % 4)::float8, (CASE WHEN g % 4 = 0 THEN 0 ELSE g % 4 + g % 3 END)::float8, (6 + g % 2)::float8, (g % 3)::smallint
   FROM generate_series(1, 18) AS g$$),
-- btyd_summary: a day list inside the state (at most 8 entries) and one
-- moved out of it, every unit, orders after as_of and same-day orders
('btyd_summary(date,numeric,date,time_unit)',
 $$SELECT date '2024-01-01' + (g * 7 % 50), g * 3.25, date '2024-03-01', 'week'::time_unit FROM generate_series(1, 30) AS g$$),
('btyd_summary(date,float8,date,time_unit)',
 $$SELECT date '2024-01-01' + g % 5, g * 0.5::float8, date '2024-01-10', 'day'::time_unit FROM generate_series(1, 6) AS g$$),
('btyd_summary(timestamptz,numeric,timestamptz,time_unit)',
 $$SELECT timestamptz '2024-01-01 00:00+00' + (g * 29 % 90) * interval '1 day', g * 1.5,
          timestamptz '2024-03-01 00:00+00', 'month'::time_unit FROM generate_series(1, 20) AS g$$),
('btyd_summary(timestamptz,float8,timestamptz,time_unit)',
 $$SELECT timestamptz '2024-01-01 06:00+00' + (g * 13 % 40) * interval '1 day', g::float8,
          timestamptz '2024-02-01 00:00+00', 'day'::time_unit FROM generate_series(1, 12) AS g$$),
-- btyd_holdout: both parts, a calibration day list moved out of the
-- state, same-day orders, orders after holdout_end, a customer without
-- holdout purchases (float8) and timestamptz ends within a day
('btyd_holdout(date,numeric,date,date,time_unit)',
 $$SELECT date '2024-01-01' + (g * 7 % 80), g * 3.25, date '2024-02-10', date '2024-03-10', 'week'::time_unit FROM generate_series(1, 30) AS g$$),
('btyd_holdout(date,float8,date,date,time_unit)',
 $$SELECT date '2024-01-01' + g % 5, g * 0.5::float8, date '2024-01-10', date '2024-01-20', 'day'::time_unit FROM generate_series(1, 6) AS g$$),
('btyd_holdout(timestamptz,numeric,timestamptz,timestamptz,time_unit)',
 $$SELECT timestamptz '2024-01-01 00:00+00' + (g * 29 % 90) * interval '1 day', g * 1.5,
          timestamptz '2024-02-01 06:00+00', timestamptz '2024-03-01 00:00+00', 'month'::time_unit FROM generate_series(1, 20) AS g$$),
('btyd_holdout(timestamptz,float8,timestamptz,timestamptz,time_unit)',
 $$SELECT timestamptz '2024-01-01 06:00+00' + (g * 13 % 40) * interval '1 day', g::float8,
          timestamptz '2024-01-20 00:00+00', timestamptz '2024-01-30 18:00+00', 'day'::time_unit FROM generate_series(1, 12) AS g$$),
-- the storable partial states (doc/incremental.md): rfm_partial with
-- refunds, a numeric sum too large for the scaled int64 and float8
-- amounts; rfm_rollup and btyd_rollup of monthly states; btyd_partial
-- with a day list moved out of the state and same-day orders
('rfm_partial(date,numeric)',
 $$SELECT date '2024-01-01' + g * 5, CASE WHEN g % 4 = 0 THEN -g * 1.5 ELSE g * 12.25 END FROM generate_series(1, 9) AS g$$),
('rfm_partial(date,numeric)',
 $$SELECT date '2024-01-01' + g, 1e30 * g + 0.001 FROM generate_series(1, 3) AS g$$),
('rfm_partial(date,float8)',
 $$SELECT date '2024-01-01' + g % 7, g * 0.1::float8 FROM generate_series(1, 8) AS g$$),
('rfm_rollup(rfm_state)',
 $$SELECT rfm_partial(date '2024-01-01' + g * 11, g * 3.75) FROM generate_series(1, 20) AS g
   GROUP BY date_trunc('month', date '2024-01-01' + g * 11)$$),
('btyd_partial(date,numeric)',
 $$SELECT date '2024-01-01' + (g * 7 % 50), g * 3.25 FROM generate_series(1, 30) AS g$$),
('btyd_partial(date,float8)',
 $$SELECT date '2024-01-01' + g % 5, g * 0.5::float8 FROM generate_series(1, 6) AS g$$),
('btyd_rollup(btyd_state)',
 $$SELECT btyd_partial(date '2024-01-01' + g * 3 % 70, g::float8) FROM generate_series(1, 25) AS g
   GROUP BY g % 3$$);
-- survival: whole-day times (the dense array), fractional and large times
-- (the hash table), subscriptions still running, three groups
INSERT INTO fuzz_samples (agg, rows_query) VALUES
('kaplan_meier(float8,boolean)',
 $$SELECT CASE WHEN g % 3 = 0 THEN g * 0.375 ELSE (g % 7)::float8 END + CASE WHEN g = 5 THEN 1e6 ELSE 0 END,
          g % 2 = 0 FROM generate_series(1, 20) AS g$$),
('kaplan_meier(date,date,date)',
 $$SELECT date '2024-01-01' + g * 5, CASE WHEN g % 3 = 0 THEN NULL ELSE date '2024-01-01' + g * 5 + g * 11 % 90 END,
          date '2024-06-01' FROM generate_series(1, 20) AS g$$),
('logrank_test(float8,boolean,text)',
 $$SELECT (g * 7 % 30)::float8 / CASE WHEN g % 4 = 0 THEN 2 ELSE 1 END, g % 3 <> 0, 'plan ' || (g % 3)
   FROM generate_series(1, 24) AS g$$);

-- tracking: first purchases before and after start, repeated days,
-- NULL rows, every unit, a model with a NULL parameter (a failed fit)
INSERT INTO fuzz_samples (agg, rows_query) VALUES
('bgnbd_tracking(bgnbd,date,date,integer,time_unit)',
 $$SELECT bgnbd_model(0.243, 4.414, 0.793, 2.426), CASE WHEN g % 9 = 0 THEN NULL ELSE date '2024-01-01' + (g * 37 % 120) END,
          date '2024-03-01', 12, 'week'::time_unit FROM generate_series(1, 40) AS g$$),
('bgnbd_tracking(bgnbd,timestamptz,timestamptz,integer,time_unit)',
 $$SELECT bgnbd_model(0.5, 30, 0.8, 2.5), timestamptz '2024-01-01 10:00+00' + g * interval '29 hours',
          timestamptz '2024-01-20 00:00+00', 20, 'day'::time_unit FROM generate_series(1, 25) AS g$$),
('pareto_nbd_tracking(pareto_nbd,date,date,integer,time_unit)',
 $$SELECT pareto_nbd_model(0.55, 10.58, 0.61, 11.67), date '2023-06-01' + (g * 53 % 400), date '2024-01-01', 6, 'month'::time_unit
   FROM generate_series(1, 30) AS g$$),
('pareto_nbd_tracking(pareto_nbd,timestamptz,timestamptz,integer,time_unit)',
 $$SELECT jsonb_populate_record(NULL::pareto_nbd, '{"n": 3}'), timestamptz '2024-01-01 00:00+00' + g * interval '1 day',
          timestamptz '2024-01-05 00:00+00', 3, 'week'::time_unit FROM generate_series(1, 6) AS g$$);
-- mbgnbd_tracking: as bgnbd_tracking's, and a failed fit
INSERT INTO fuzz_samples (agg, rows_query) VALUES
('mbgnbd_tracking(mbgnbd,date,date,integer,time_unit)',
 $$SELECT mbgnbd_model(0.525, 6.183, 0.891, 1.614), CASE WHEN g % 7 = 0 THEN NULL ELSE date '2024-01-01' + (g * 41 % 150) END,
          date '2024-03-01', 10, 'month'::time_unit FROM generate_series(1, 35) AS g$$),
('mbgnbd_tracking(mbgnbd,timestamptz,timestamptz,integer,time_unit)',
 $$SELECT jsonb_populate_record(NULL::mbgnbd, '{"r": 1}'), timestamptz '2024-01-01 06:00+00' + g * interval '31 hours',
          timestamptz '2024-01-10 00:00+00', 5, 'day'::time_unit FROM generate_series(1, 12) AS g$$);
-- rfm_population: several customers (refunds, a refund-only customer, a
-- numeric sum beyond the scaled int64), a state with no customer (every
-- row after as_of, as a parallel worker may have), timestamps, float8 sums
INSERT INTO fuzz_samples (agg, rows_query) VALUES
('rfm_population(bigint,date,numeric,date)',
 $$SELECT g::bigint % 5 - 2, date '2024-01-01' + g * 3, CASE WHEN g % 5 = 0 THEN -g * 1.25 WHEN g = 7 THEN 1e30 ELSE g * 10.5 END,
          date '2024-06-01' FROM generate_series(1, 24) AS g$$),
('rfm_population(bigint,date,float8,date)',
 $$SELECT g::bigint % 4, date '2024-01-01' + g % 9, g * 0.1::float8 - 0.5, date '2024-03-01' FROM generate_series(1, 16) AS g$$),
('rfm_population(bigint,timestamptz,numeric,timestamptz)',
 $$SELECT g::bigint % 3 * 1000000007, timestamptz '2024-01-01 00:00+00' + g * interval '17 hours', g * 2.5,
          timestamptz '2024-02-01 00:00+00' FROM generate_series(1, 15) AS g$$),
('rfm_population(bigint,date,numeric,date)',
 $$SELECT g::bigint, date '2024-07-01' + g, g * 1.5, date '2024-06-01' FROM generate_series(1, 5) AS g$$),
('rfm_population(bigint,timestamptz,float8,timestamptz)',
 $$SELECT -g::bigint % 4, timestamptz '2024-01-01 00:00+00' + g * interval '1 day', g::float8,
          timestamptz '2024-01-20 00:00+00' FROM generate_series(1, 12) AS g$$);
-- rfm_population of text ids: the empty id, ids that differ only in a
-- trailing byte, multibyte and long ids, a state with no customer
INSERT INTO fuzz_samples (agg, rows_query) VALUES
('rfm_population(text,date,numeric,date)',
 $$SELECT (ARRAY['', 'a', 'a ', 'é', repeat('z', 1500)])[g % 5 + 1], date '2024-01-01' + g * 3,
          CASE WHEN g % 5 = 0 THEN -g * 1.25 WHEN g = 7 THEN 1e30 ELSE g * 10.5 END,
          date '2024-06-01' FROM generate_series(1, 24) AS g$$),
('rfm_population(text,date,float8,date)',
 $$SELECT 'c' || g % 4, date '2024-01-01' + g % 9, g * 0.1::float8 - 0.5, date '2024-03-01' FROM generate_series(1, 16) AS g$$),
('rfm_population(text,timestamptz,numeric,timestamptz)',
 $$SELECT 'клиент' || g % 3, timestamptz '2024-01-01 00:00+00' + g * interval '17 hours', g * 2.5,
          timestamptz '2024-02-01 00:00+00' FROM generate_series(1, 15) AS g$$),
('rfm_population(text,date,numeric,date)',
 $$SELECT g::text, date '2024-07-01' + g, g * 1.5, date '2024-06-01' FROM generate_series(1, 5) AS g$$),
('rfm_population(text,timestamptz,float8,timestamptz)',
 $$SELECT repeat('x', g % 4), timestamptz '2024-01-01 00:00+00' + g * interval '1 day', g::float8,
          timestamptz '2024-01-20 00:00+00' FROM generate_series(1, 12) AS g$$);
-- btyd_population: several customers (same-day orders, refunds, a
-- customer with more than 8 purchase days), a state with no customer
-- (every row after as_of), timestamps, float8 amounts, each unit
INSERT INTO fuzz_samples (agg, rows_query) VALUES
('btyd_population(bigint,date,numeric,date,time_unit)',
 $$SELECT g::bigint % 5 - 2, date '2024-01-01' + g * 3 % 40, CASE WHEN g % 5 = 0 THEN -g * 1.25 ELSE g * 10.5 END,
          date '2024-06-01', 'week'::time_unit FROM generate_series(1, 40) AS g$$),
('btyd_population(bigint,date,float8,date,time_unit)',
 $$SELECT g::bigint % 4, date '2024-01-01' + g % 9, g * 0.1::float8 - 0.5, date '2024-03-01', 'day'::time_unit FROM generate_series(1, 16) AS g$$),
('btyd_population(bigint,timestamptz,numeric,timestamptz,time_unit)',
 $$SELECT g::bigint % 3 * 1000000007, timestamptz '2024-01-01 00:00+00' + g * interval '17 hours', g * 2.5,
          timestamptz '2024-02-01 00:00+00', 'month'::time_unit FROM generate_series(1, 15) AS g$$),
('btyd_population(bigint,date,numeric,date,time_unit)',
 $$SELECT g::bigint, date '2024-07-01' + g, g * 1.5, date '2024-06-01', 'day'::time_unit FROM generate_series(1, 5) AS g$$),
('btyd_population(bigint,timestamptz,float8,timestamptz,time_unit)',
 $$SELECT -g::bigint % 4, timestamptz '2024-01-01 00:00+00' + g * interval '1 day', g::float8,
          timestamptz '2024-01-20 00:00+00', 'week'::time_unit FROM generate_series(1, 12) AS g$$);

-- a fit runs an optimizer (a Pareto/NBD one with hypergeometric series
-- per row): only a share of the accepted fit states is finalized
UPDATE fuzz_samples SET final_share = CASE WHEN agg::text LIKE 'pareto_nbd_fit(%' THEN 0.01 ELSE 0.05 END
WHERE agg::text ~ '^(bgnbd|mbgnbd|bgbb|pareto_nbd|gamma_gamma)_fit\(';

SELECT plan(2 + 5 * (SELECT count(*) FROM fuzz_samples)::integer);

-- every aggregate of the extension with internal state has a sample
SELECT is(array_agg(p.oid::regprocedure::text ORDER BY 1), NULL,
          'every internal-state aggregate of retention has a fuzz sample')
FROM pg_depend AS d
JOIN pg_proc AS p ON p.oid = d.objid
JOIN pg_aggregate AS a ON a.aggfnoid = p.oid
WHERE d.classid = 'pg_proc'::regclass
  AND d.refclassid = 'pg_extension'::regclass
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'retention')
  AND a.aggtranstype = 'internal'::regtype
  AND p.oid NOT IN (SELECT agg FROM fuzz_samples);

CREATE TEMP TABLE fuzz_results AS
SELECT s.agg::text AS agg, s.rows_query, r.*
FROM fuzz_samples AS s, retention_test.fuzz_deserialize(s.agg, s.rows_query, 1000, 7, s.final_share) AS r;

-- the same bytes again, except for the fits and cohort_retention: their
-- state is a hash table serialized in table order, which a rebuilt table
-- may change (cohort_retention's and rfm_population's tables each hash
-- under their own secret key, so a rebuilt table has another order)
SELECT ok(round_trip AND (bytes_identical OR agg ~ '^((bgnbd|mbgnbd|bgbb|pareto_nbd|gamma_gamma)_fit|(cohort|revenue)_retention|activity_matrix|rfm_population)\('),
          agg || ': deserialize(serialize(state)) re-serializes to '
          || CASE WHEN bytes_identical THEN 'the same ' ELSE '' END
          || state_bytes || ' bytes and finalizes to the same result')
FROM fuzz_results ORDER BY agg, rows_query;

SELECT ok(rejected > 0 AND accepted + rejected = cases AND finalized > 0,
          agg || ': ' || cases || ' mutated states, ' || rejected || ' rejected, '
          || accepted || ' accepted and used (' || finalized || ' finalized), no crash')
FROM fuzz_results ORDER BY agg, rows_query;

-- deserialize errors: every state goes through the one codec (src/base/
-- codec.c), so every rejection is 22P03 "invalid serialized <state> state";
-- never an internal error (XX000), a protocol error (08P01) or an
-- allocation failure
SELECT ok(reject_sqlstates = ARRAY['22P03'],
          agg || ': deserialize rejects with ' || reject_sqlstates::text)
FROM fuzz_results ORDER BY agg, rows_query;

-- errors of using an accepted state: those a valid state of another group
-- can raise (22023 another unit or as_of, 22003 a sum overflowing, 54000 a
-- matrix too large), and XX000 for a state of another overload combined
-- with the original (the next test checks those messages)
SELECT ok(later_sqlstates <@ ARRAY['22003', '22023', '54000', 'XX000'],
          agg || ': accepted states raise only ' || later_sqlstates::text
          || ' (' || later_errors || ' times) in serialize, combine and final')
FROM fuzz_results ORDER BY agg, rows_query;

SELECT is(array(SELECT m FROM unnest(internal_errors) AS m
                WHERE m !~ '^cannot combine [a-z_]+ states of different (kinds|aggregates)$'),
          '{}'::text[],
          agg || ': the only internal errors are combines of states of two overloads')
FROM fuzz_results ORDER BY agg, rows_query;

SELECT is((SELECT sum(cases) FROM fuzz_results) > 0, true, 'the session survived every case');

SELECT * FROM finish();
ROLLBACK;
