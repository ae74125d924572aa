-- aggstate_corrupt: named regression tests for the bugs the state fuzz
-- (aggstate_fuzz.sql) found, each a serialized state with one chosen field
-- corrupted (retention_test.state_bytes / deserialize_final).
--
-- rfm_deserialize_time_range: rfm_deserialize accepted order times and
-- as_of outside the range of date and timestamptz as long as first <= last
-- <= as_of held, and rfm_final then computed days that do not fit an int32
-- (an assertion failure in assert builds, a wrong recency and tenure
-- otherwise). The rfm state is format 5 (doc/incremental.md): version,
-- flags (bytes 0-1), as_of (int32 days or int64 microseconds from byte
-- 2), then varints: the order and refund counts, the distances back to the
-- last and to the first order; then the sum. The date state is rebuilt
-- byte by byte by pg_temp.rfm_bytes (test/lib/setup.sql) and checked
-- against the aggregate's bytes; the timestamptz state (a float8 sum)
-- has its varints replaced where pg_temp.varint of its figures puts them.
-- Each corrupt state must fail the range check (pg_temp.failure: SQLSTATE
-- and detail), not another one.
--
-- fit_deserialize_row_checks: fit_deserialize (bgnbd_fit, pareto_nbd_fit,
-- gamma_gamma_fit) checked only that row values were finite and
-- non-negative, so it accepted rows the transition functions never store
-- (recency above t, a fractional or huge frequency, recency without
-- repeat purchases, a Gamma-Gamma row without repeat purchases) and the
-- fits returned models of impossible customers. The state is: version,
-- kind, penalizer flag (bytes 0-2), penalizer, customers, rows (3 x 8
-- bytes), then per row frequency, recency (or spend), t (or 0) as float8
-- and a weight as int64, in host byte order (little-endian here); the
-- first row's values start at bytes 27, 35 and 43.
BEGIN;
SELECT plan(15);
\ir lib/setup.sql
CREATE EXTENSION retention_test;

CREATE TEMP TABLE rfm_states AS
SELECT retention_test.state_bytes('rfm(date,numeric,date)',
    $$SELECT date '2024-01-01' + g * 3, g * 2.5, date '2024-03-01' FROM generate_series(1, 4) AS g$$) AS d,
       retention_test.state_bytes('rfm(timestamptz,float8,timestamptz)',
    $$SELECT timestamptz '2024-01-01 10:00+00' + g * interval '29 hours', g * 1.5::float8,
             timestamptz '2024-03-01 00:00+00' FROM generate_series(1, 4) AS g$$) AS t;

SELECT is(retention_test.deserialize_final('rfm(date,numeric,date)', d),
          (SELECT rfm(date '2024-01-01' + g * 3, g * 2.5, date '2024-03-01')::text
           FROM generate_series(1, 4) AS g),
          'rfm_deserialize_time_range: an intact date state finalizes as the aggregate does')
FROM rfm_states;

SELECT is(retention_test.deserialize_final('rfm(timestamptz,float8,timestamptz)', t),
          (SELECT rfm(timestamptz '2024-01-01 10:00+00' + g * interval '29 hours', g * 1.5::float8,
                      timestamptz '2024-03-01 00:00+00')::text
           FROM generate_series(1, 4) AS g),
          'rfm_deserialize_time_range: an intact timestamptz state finalizes as the aggregate does')
FROM rfm_states;

CREATE TEMP TABLE fit_states AS
SELECT retention_test.state_bytes('bgnbd_fit(integer,float8,float8)', $$SELECT 2, 10::float8, 30::float8$$) AS b,
       retention_test.state_bytes('gamma_gamma_fit(integer,float8)', $$SELECT 2, 10::float8$$) AS g;

SELECT is(retention_test.deserialize_final('bgnbd_fit(integer,float8,float8)', b),
          (SELECT bgnbd_fit(2, 10::float8, 30::float8)::text),
          'fit_deserialize_row_checks: an intact fit state finalizes as the aggregate does')
FROM fit_states;

-- the figures of the two rfm states by plain SQL: as_of, the last order,
-- the first order (days for the date state, microseconds for the other)
CREATE TEMP TABLE rfm_figures AS
SELECT date '2024-03-01' AS d_as_of, max(date '2024-01-01' + g * 3) AS d_last, min(date '2024-01-01' + g * 3) AS d_first,
       sum(g * 2.5) AS d_sum,
       extract(epoch FROM timestamptz '2024-03-01 00:00+00' - max(timestamptz '2024-01-01 10:00+00' + g * interval '29 hours')) * 1000000
           AS t_to_last,
       extract(epoch FROM max(timestamptz '2024-01-01 10:00+00' + g * interval '29 hours')
                          - min(timestamptz '2024-01-01 10:00+00' + g * interval '29 hours')) * 1000000 AS t_to_first,
       extract(epoch FROM max(timestamptz '2024-01-01 10:00+00' + g * interval '29 hours')
                          - timestamptz '4714-11-24 00:00+00 BC') * 1000000 AS t_last_from_min
FROM generate_series(1, 4) AS g;

SELECT is(pg_temp.rfm_bytes(0, pg_temp.days(d_as_of), 4, 0, d_as_of - d_last, d_last - d_first, scale(d_sum),
                            d_sum * 10::numeric ^ scale(d_sum)), d,
          'rfm_deserialize_time_range: the date state is format 5 as documented')
FROM rfm_figures, rfm_states;

-- each corrupted rfm state: a first or last order before the first date
-- or timestamp (one day or microsecond before it, and 2^64 - 1 back), an
-- as_of past the last date, a timestamptz as_of of infinity
SELECT is(pg_temp.failure(format('SELECT retention_test.deserialize_final(%L, %L)', c.agg, c.bytes)),
          '22P03 The state has a time out of range.', 'rfm_deserialize_time_range: ' || c.what || ' is rejected')
FROM rfm_figures AS f, rfm_states AS s,
LATERAL (VALUES
    ('rfm(date,numeric,date)',
     pg_temp.rfm_bytes(0, pg_temp.days(d_as_of), 4, 0, d_as_of - d_last, d_last - date '4714-11-24 BC' + 1, scale(d_sum),
                       d_sum * 10::numeric ^ scale(d_sum)),
     'a date first order the day before the first date'),
    ('rfm(date,numeric,date)',
     pg_temp.rfm_bytes(0, pg_temp.days(d_as_of), 4, 0, d_as_of - date '4714-11-24 BC' + 1, 0, scale(d_sum),
                       d_sum * 10::numeric ^ scale(d_sum)),
     'a date last order the day before the first date'),
    ('rfm(date,numeric,date)',
     pg_temp.rfm_bytes(0, int4send(date '5874897-12-31' - date '2000-01-01' + 1), 4, 0, d_as_of - d_last, d_last - d_first,
                       scale(d_sum), d_sum * 10::numeric ^ scale(d_sum)),
     'a date as_of the day after the last date'),
    ('rfm(timestamptz,float8,timestamptz)',
     overlay(s.t PLACING pg_temp.varint(t_last_from_min + 1)
             FROM 13 + length(pg_temp.varint(t_to_last)) FOR length(pg_temp.varint(t_to_first))),
     'a timestamptz first order a microsecond before the first timestamp'),
    ('rfm(timestamptz,float8,timestamptz)',
     overlay(s.t PLACING pg_temp.varint(2::numeric ^ 64 - 1) FROM 13 FOR length(pg_temp.varint(t_to_last))),
     'a timestamptz last order 2^64 - 1 microseconds back'),
    ('rfm(timestamptz,float8,timestamptz)', overlay(s.t PLACING '\x7fffffffffffffff'::bytea FROM 3),
     'timestamptz as_of infinity')
) AS c(agg, bytes, what);

-- each corrupted fit state: rows the transition functions refuse
SELECT throws_ok(format('SELECT retention_test.deserialize_final(%L, %L)', v.agg, v.bytes),
                 '22P03', 'invalid serialized fit state', 'fit_deserialize_row_checks: ' || v.what || ' is rejected')
FROM fit_states AS f,
LATERAL (VALUES
    (6, 'bgnbd_fit(integer,float8,float8)', overlay(f.b PLACING '\x4044000000000000'::bytea FROM 36),
     'recency 40 above t 30'),
    (7, 'bgnbd_fit(integer,float8,float8)', overlay(f.b PLACING '\x4004000000000000'::bytea FROM 28),
     'frequency 2.5'),
    (8, 'bgnbd_fit(integer,float8,float8)', overlay(f.b PLACING '\x7fe0000000000000'::bytea FROM 28),
     'frequency 2^1023'),
    (9, 'bgnbd_fit(integer,float8,float8)', overlay(f.b PLACING '\x0000000000000000'::bytea FROM 28),
     'frequency 0 with recency 10'),
    (10, 'gamma_gamma_fit(integer,float8)', overlay(f.g PLACING '\x0000000000000000'::bytea FROM 28),
     'a Gamma-Gamma row with frequency 0')
) AS v(n, agg, bytes, what)
ORDER BY v.n;

SELECT * FROM finish();
ROLLBACK;
