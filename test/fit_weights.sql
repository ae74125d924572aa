--
-- Explicit weights of the fit aggregates (DESIGN section 7, issue 16 item
-- 5, doc/clv.md): bgnbd_fit(frequency, recency, t, weight) and
-- (..., weight, penalizer), the same for gamma_gamma_fit, with integer and
-- float8 frequencies. A weighted fit is the fit over the expanded rows:
-- the state is the same, so the model is the same to the last bit
-- (compared as text, covariance included). An integer or bigint argument
-- after the values is a weight, never a penalizer; a float8 or numeric one
-- is a penalizer. The CDNOW summary grouped into weighted rows is in
-- test/t/250_fit_weights_cdnow.pl.
--
BEGIN;
SELECT plan(46);
\ir lib/setup.sql

CREATE TEMP TABLE customers AS SELECT * FROM pg_temp.simulated_customers(800, 11);

-- pre-aggregated: one row per distinct history with its count
CREATE TEMP TABLE grouped AS
SELECT x, tx, t, count(*) AS w FROM customers GROUP BY x, tx, t;
CREATE TEMP TABLE grouped_spend AS
SELECT x, m, count(*) AS w FROM customers WHERE x > 0 GROUP BY x, m;
-- the expanded form of hash weights 0..4 per customer
CREATE TEMP TABLE hashed AS
SELECT i, x, tx, t, m, pg_temp.h(i, 1, 5) AS w FROM customers;
CREATE TEMP TABLE expanded AS
SELECT h.* FROM hashed AS h, generate_series(1, h.w::integer);

SELECT ok((SELECT count(*) FROM grouped) < (SELECT count(*) FROM customers),
          'the grouped data have fewer rows than customers');

-- weighted fit == fit of the expanded rows, bit for bit
SELECT is((SELECT bgnbd_fit(x, tx, t, w)::text FROM grouped),
          (SELECT bgnbd_fit(x, tx, t)::text FROM customers),
          'bgnbd_fit with bigint weights of grouped rows is the row-level fit');
SELECT is((SELECT bgnbd_fit(x, tx, t, w::integer)::text FROM grouped),
          (SELECT bgnbd_fit(x, tx, t)::text FROM customers),
          'bgnbd_fit with integer weights is the row-level fit');
SELECT is((SELECT bgnbd_fit(x::float8, tx, t, w)::text FROM grouped),
          (SELECT bgnbd_fit(x, tx, t)::text FROM customers),
          'bgnbd_fit with a float8 frequency and weights is the row-level fit');
SELECT is((SELECT bgnbd_fit(x::float8, tx, t, w::integer)::text FROM grouped),
          (SELECT bgnbd_fit(x, tx, t)::text FROM customers),
          'bgnbd_fit with a float8 frequency and integer weights is the row-level fit');
SELECT is((SELECT bgnbd_fit(x, tx, t, w, 0.05)::text FROM grouped),
          (SELECT bgnbd_fit(x, tx, t, 0.05)::text FROM customers),
          'bgnbd_fit with weights and a penalizer is the penalized row-level fit');
SELECT is((SELECT bgnbd_fit(x::float8, tx, t, w, 0.05)::text FROM grouped),
          (SELECT bgnbd_fit(x, tx, t, 0.05)::text FROM customers),
          'bgnbd_fit with a float8 frequency, weights and a penalizer is the penalized row-level fit');
SELECT is((SELECT bgnbd_fit(x, tx, t, w)::text FROM hashed),
          (SELECT bgnbd_fit(x, tx, t)::text FROM expanded),
          'bgnbd_fit with weights 0..4 is the fit of the rows repeated that often');
SELECT is((SELECT (bgnbd_fit(x, tx, t, w)).n FROM hashed),
          (SELECT count(*) FROM expanded)::bigint,
          'n of a weighted fit is the sum of the weights');
SELECT is((SELECT gamma_gamma_fit(x, m, w)::text FROM grouped_spend),
          (SELECT gamma_gamma_fit(x, m)::text FROM customers),
          'gamma_gamma_fit with bigint weights is the row-level fit');
SELECT is((SELECT gamma_gamma_fit(x::float8, m, w::integer)::text FROM grouped_spend),
          (SELECT gamma_gamma_fit(x, m)::text FROM customers),
          'gamma_gamma_fit with a float8 frequency and integer weights is the row-level fit');
SELECT is((SELECT gamma_gamma_fit(x, m, w, 0.05)::text FROM hashed),
          (SELECT gamma_gamma_fit(x, m, 0.05)::text FROM expanded),
          'gamma_gamma_fit with weights 0..4 and a penalizer is the penalized fit of the expanded rows');
SELECT is((SELECT gamma_gamma_fit(x::float8, m, w::integer, 0)::text FROM hashed),
          (SELECT gamma_gamma_fit(x, m)::text FROM expanded),
          'gamma_gamma_fit with a float8 frequency, integer weights and penalizer 0 is the unpenalized fit');

-- a fourth argument 1 is a weight whatever its integer type; 0.5 and
-- 1.0::float8 are penalizers. Why the integer overload exists: with only
-- (..., float8) and (..., bigint), PostgreSQL resolves an int4 argument to
-- float8, the preferred numeric type.
CREATE SCHEMA overload_probe;
CREATE FUNCTION overload_probe.f(integer, float8) RETURNS text LANGUAGE sql AS $$ SELECT 'float8' $$;
CREATE FUNCTION overload_probe.f(integer, bigint) RETURNS text LANGUAGE sql AS $$ SELECT 'bigint' $$;
SELECT is(overload_probe.f(1, 1), 'float8',
          'without an integer overload an int4 literal goes to the float8 overload');
SELECT is((SELECT bgnbd_fit(x, tx, t, 1)::text FROM customers),
          (SELECT bgnbd_fit(x, tx, t)::text FROM customers),
          'bgnbd_fit(f, r, t, 1): the literal 1 is a weight');
SELECT is((SELECT bgnbd_fit(x, tx, t, 1::bigint)::text FROM customers),
          (SELECT bgnbd_fit(x, tx, t)::text FROM customers),
          'bgnbd_fit(f, r, t, 1::bigint) is a weight (in 0.1.0 it was penalizer 1)');
SELECT is((SELECT bgnbd_fit(x, tx, t, 1::integer)::text FROM customers),
          (SELECT bgnbd_fit(x, tx, t)::text FROM customers),
          'bgnbd_fit(f, r, t, 1::integer) is a weight');
SELECT is((SELECT bgnbd_fit(x::float8, tx, t, 1)::text FROM customers),
          (SELECT bgnbd_fit(x, tx, t)::text FROM customers),
          'bgnbd_fit(float8 f, r, t, 1) is a weight');
SELECT is((SELECT bgnbd_fit(x, tx, t, 1::smallint)::text FROM customers),
          (SELECT bgnbd_fit(x, tx, t)::text FROM customers),
          'bgnbd_fit(f, r, t, 1::smallint) is a weight');
SELECT is((SELECT bgnbd_fit(x, tx, t, w::smallint)::text FROM grouped),
          (SELECT bgnbd_fit(x, tx, t)::text FROM customers),
          'bgnbd_fit with smallint weights is the row-level fit');
SELECT is((SELECT gamma_gamma_fit(x::float8, m, w::smallint)::text FROM grouped_spend),
          (SELECT gamma_gamma_fit(x, m)::text FROM customers),
          'gamma_gamma_fit with smallint weights is the row-level fit');
SELECT is((SELECT mbgnbd_fit(x, tx, t, w::smallint)::text FROM grouped),
          (SELECT mbgnbd_fit(x, tx, t)::text FROM customers),
          'mbgnbd_fit with smallint weights is the row-level fit');
SELECT is((SELECT bgbb_fit(least(x, 6), least(6, ceil(tx / 5)::integer) + least(x, 6), 12, 2::smallint)::text FROM customers),
          (SELECT bgbb_fit(least(x, 6), least(6, ceil(tx / 5)::integer) + least(x, 6), 12, 2::bigint)::text FROM customers),
          'bgbb_fit with a smallint weight is the bigint-weight fit');
SELECT is(pg_temp.failure($$SELECT bgnbd_fit(2, 3, 5, -4::smallint)$$), '22023 weight is -4.',
          'a negative smallint weight is refused, naming it');
SELECT isnt((SELECT bgnbd_fit(x, tx, t, 0.5)::text FROM customers),
            (SELECT bgnbd_fit(x, tx, t)::text FROM customers),
            'bgnbd_fit(f, r, t, 0.5) is a penalizer (the fit changes)');
SELECT is((SELECT bgnbd_fit(x, tx, t, 0.5)::text FROM customers),
          (SELECT bgnbd_fit(x, tx, t, 1::bigint, 0.5)::text FROM customers),
          'bgnbd_fit(f, r, t, 0.5) is the fit with weight 1 and penalizer 0.5');
SELECT is((SELECT bgnbd_fit(x, tx, t, 1.0::float8)::text FROM customers),
          (SELECT bgnbd_fit(x, tx, t, 1::bigint, 1.0)::text FROM customers),
          'bgnbd_fit(f, r, t, 1.0::float8) is penalizer 1');
SELECT is((SELECT gamma_gamma_fit(x, m, 1)::text FROM customers),
          (SELECT gamma_gamma_fit(x, m)::text FROM customers),
          'gamma_gamma_fit(f, m, 1): the literal 1 is a weight');
SELECT is((SELECT gamma_gamma_fit(x, m, 0.5)::text FROM customers),
          (SELECT gamma_gamma_fit(x, m, 1, 0.5)::text FROM customers),
          'gamma_gamma_fit(f, m, 0.5) is a penalizer');

-- NULL, zero, negative and overflowing weights; a NULL penalizer
SELECT is((SELECT bgnbd_fit(x, tx, t, CASE WHEN i % 7 = 0 THEN NULL ELSE 1 END)::text FROM customers),
          (SELECT bgnbd_fit(x, tx, t)::text FROM customers WHERE i % 7 <> 0),
          'a row with a NULL weight is skipped');
SELECT is((SELECT bgnbd_fit(x, tx, t, CASE WHEN i % 7 = 0 THEN 0 ELSE 1 END)::text FROM customers),
          (SELECT bgnbd_fit(x, tx, t)::text FROM customers WHERE i % 7 <> 0),
          'a row with weight 0 adds nobody');
SELECT is((SELECT bgnbd_fit(x, tx, t, 0) FROM customers), NULL,
          'all weights 0: NULL, as for no rows');
SELECT throws_ok($$SELECT bgnbd_fit(2, 3, 5, -1::bigint)$$, '22023', 'weight must not be negative',
                 'a negative bigint weight is refused');
SELECT is(pg_temp.failure($$SELECT bgnbd_fit(2, 3, 5, -7)$$), '22023 weight is -7.',
          'the error names the negative weight');
SELECT is(pg_temp.failure($$SELECT gamma_gamma_fit(0, 3, -2)$$), '22023 weight is -2.',
          'a negative weight is refused on a row the fit skips (frequency 0)');
SELECT throws_ok($$SELECT bgnbd_fit(x, tx, t, 9223372036854775807) FROM (VALUES (1, 2.0, 5.0), (2, 3.0, 6.0)) AS v(x, tx, t)$$,
                 '22003', 'too many customers in one fit',
                 'weights whose sum overflows bigint: 22003');
SELECT throws_ok($$SELECT gamma_gamma_fit(x, m, 9223372036854775807) FROM (VALUES (1, 2.0), (2, 3.0)) AS v(x, m)$$,
                 '22003', 'too many customers in one fit',
                 'gamma_gamma_fit weights whose sum overflows bigint: 22003');
SELECT throws_ok($$SELECT bgnbd_fit(2, 3, 5, 1, NULL)$$, '22004', 'penalizer must not be NULL',
                 'a NULL penalizer with a weight is an error');
SELECT throws_ok($$SELECT bgnbd_fit(2, 3, 5, NULL::float8)$$, '22004', 'penalizer must not be NULL',
                 'a NULL penalizer without a weight is an error');
SELECT throws_ok($$SELECT bgnbd_fit(2, 4, 3, 5)$$, '22023', NULL,
                 'a weighted row is checked like any row (recency > t)');

-- Pareto/NBD takes the same weights (section 7e); an int4 literal, a
-- smallint and a bigint are weights, never a penalizer
SELECT is((SELECT pareto_nbd_fit(x, tx, t, w)::text FROM grouped),
          (SELECT pareto_nbd_fit(x, tx, t)::text FROM customers),
          'pareto_nbd_fit with bigint weights of grouped rows is the row-level fit');
SELECT is((SELECT pareto_nbd_fit(x::float8, tx, t, w::smallint)::text FROM grouped),
          (SELECT pareto_nbd_fit(x, tx, t)::text FROM customers),
          'pareto_nbd_fit with a float8 frequency and smallint weights is the row-level fit');
SELECT is((SELECT pareto_nbd_fit(x, tx, t, w, 0.05)::text FROM grouped),
          (SELECT pareto_nbd_fit(x, tx, t, 0.05)::text FROM customers),
          'pareto_nbd_fit with weights and a penalizer is the penalized row-level fit');
SELECT is((SELECT pareto_nbd_fit(x, tx, t, 1)::text FROM customers),
          (SELECT pareto_nbd_fit(x, tx, t)::text FROM customers),
          'pareto_nbd_fit(f, r, t, 1): the int4 literal is a weight, not a penalizer');
SELECT is((SELECT pareto_nbd_fit(x, tx, t, 1::bigint)::text FROM customers),
          (SELECT pareto_nbd_fit(x, tx, t)::text FROM customers),
          'pareto_nbd_fit(f, r, t, 1::bigint) is a weight');
SELECT throws_ok($$SELECT pareto_nbd_fit(x, tx, t, -1) FROM customers$$, '22023', NULL,
                 'pareto_nbd_fit: a negative weight is 22023');

SELECT * FROM finish();
ROLLBACK;
