-- aggstate_corrupt: named regression tests for the bugs the state fuzz
-- (aggstate_fuzz.sql) found, each a serialized state with one chosen field
-- corrupted (retention_test.state_bytes / deserialize_final).
--
-- rfm_deserialize_time_range: rfm_deserialize accepted order times and
-- as_of outside the range of date and timestamptz as long as first <= last
-- <= as_of held, and rfm_final then computed days that do not fit an int32
-- (an assertion failure in assert builds, a wrong recency and tenure
-- otherwise). The rfm state is: version, time kind, amount kind, scale
-- (bytes 0-3), then as_of, first, last as int64 in network byte order
-- (bytes 4-11, 12-19, 20-27).
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
SELECT plan(13);
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

-- each corrupted state. rfm: the sign bit of first (a first order some
-- 2^63 days or microseconds back), as_of = 2^63 - 1 (after every order,
-- and infinity for timestamptz), a date as_of that fits int64 but not the
-- int32 of date values. Fits: rows the transition functions refuse.
SELECT throws_ok(format('SELECT retention_test.deserialize_final(%L, %L)', c.agg, c.bytes),
                 c.sqlstate, c.message, c.test || ': ' || c.what || ' is rejected')
FROM rfm_states AS s, fit_states AS f,
LATERAL (VALUES
    (1, 'rfm(date,numeric,date)', set_byte(s.d, 12, get_byte(s.d, 12) # 128),
     'a date first order below the range of date'),
    (2, 'rfm(timestamptz,float8,timestamptz)', set_byte(s.t, 12, get_byte(s.t, 12) # 128),
     'a timestamptz first order below the range'),
    (3, 'rfm(date,numeric,date)', overlay(s.d PLACING '\x7fffffffffffffff'::bytea FROM 5),
     'a date as_of above the range of date'),
    (4, 'rfm(timestamptz,float8,timestamptz)', overlay(s.t PLACING '\x7fffffffffffffff'::bytea FROM 5),
     'timestamptz as_of infinity'),
    (5, 'rfm(date,numeric,date)', overlay(s.d PLACING '\x0000000080000000'::bytea FROM 5),
     'a date as_of beyond int32'),
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
) AS v(n, agg, bytes, what),
LATERAL (SELECT v.*,
                '22P03' AS sqlstate,
                CASE WHEN v.agg LIKE 'rfm%' THEN 'invalid serialized rfm state'
                     ELSE 'invalid serialized fit state' END AS message,
                CASE WHEN v.agg LIKE 'rfm%' THEN 'rfm_deserialize_time_range'
                     ELSE 'fit_deserialize_row_checks' END AS test) AS c
ORDER BY c.n;

SELECT * FROM finish();
ROLLBACK;
