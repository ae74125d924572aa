--
-- Hostile inputs for MBG/NBD (DESIGN section 7, doc/btyd_family.md): the
-- fit (all overloads) and every accessor with NULL in each argument, zero,
-- negatives, NaN, +-Infinity, extremes, recency > t, model composites with
-- NULL, NaN, zero or negative fields. Named cases assert the SQLSTATE and
-- message; a sweep calls every accessor over a grid of hostile values and
-- asserts that each call gives NULL (only with a NULL), a finite number in
-- range, or error 22023 / 22003: never NaN, never another error.
--
BEGIN;
SELECT plan(36);
SET LOCAL statement_timeout = '60s';
\ir lib/setup.sql

CREATE FUNCTION pg_temp.m() RETURNS mbgnbd LANGUAGE sql IMMUTABLE
AS $$SELECT mbgnbd_model(0.525, 6.183, 0.891, 1.614)$$;

-- the model composite and the constructor
SELECT throws_ok($$SELECT mbgnbd_model(0, 1, 1, 1)$$, '22023', 'model parameter r must be positive');
SELECT throws_ok($$SELECT mbgnbd_model(1, 'NaN', 1, 1)$$, '22023', 'alpha must be a finite number');
SELECT throws_ok($$SELECT mbgnbd_p_alive(ROW(1, 1, 1, 'Infinity', NULL, NULL, NULL, NULL)::mbgnbd, 2, 30, 38)$$,
                 '22023', 'b must be a finite number');
SELECT throws_ok($$SELECT mbgnbd_p_alive(ROW(1, 1, -1, 1, NULL, NULL, NULL, NULL)::mbgnbd, 2, 30, 38)$$,
                 '22023', 'model parameter a must be positive');
SELECT is(mbgnbd_p_alive(ROW(1, NULL, 1, 1, NULL, NULL, NULL, NULL)::mbgnbd, 2, 30, 38), NULL,
          'mbgnbd_p_alive: a model with a NULL parameter (a failed fit) gives NULL');
SELECT is(mbgnbd_expected_purchases(ROW(NULL, 1, 1, 1, NULL, NULL, NULL, NULL)::mbgnbd, 10), NULL,
          'mbgnbd_expected_purchases: a model with NULL r gives NULL');
SELECT is((SELECT count(*) FROM mbgnbd_params(pg_temp.m()) WHERE std_error IS NULL), 4::bigint,
          'mbgnbd_params of a built model: no standard errors');

-- accessors: bad histories and horizons
SELECT throws_ok($$SELECT mbgnbd_p_alive(pg_temp.m(), 2, 40, 38)$$, '22023', NULL, 'recency > t is refused');
SELECT is(pg_temp.failure($$SELECT mbgnbd_p_alive(pg_temp.m(), 2, 40, 38)$$),
          '22023 recency is 40 and t is 38.', 'the error names recency and t');
SELECT throws_ok($$SELECT mbgnbd_p_alive(pg_temp.m(), -1, 0, 38)$$, '22023', NULL, 'a negative frequency is refused');
SELECT throws_ok($$SELECT mbgnbd_p_alive(pg_temp.m(), 0, 3, 38)$$, '22023', NULL, 'recency > 0 with frequency 0 is refused');
SELECT throws_ok($$SELECT mbgnbd_expected_purchases(pg_temp.m(), 'NaN', 2, 30, 38)$$, '22023', 'horizon must be a finite number');
SELECT throws_ok($$SELECT mbgnbd_expected_purchases(pg_temp.m(), -1)$$, '22023', NULL, 'a negative horizon is refused');
SELECT throws_ok($$SELECT mbgnbd_prob_purchases(pg_temp.m(), -1, 10)$$, '22023', 'n must not be negative');
SELECT throws_ok($$SELECT mbgnbd_prob_purchases(pg_temp.m(), 1, 'Infinity')$$, '22023', 'horizon must be a finite number');

-- accessors: values with a known closed form
SELECT is(mbgnbd_expected_purchases(pg_temp.m(), 0), 0::float8, 'horizon 0: no purchases');
SELECT is(mbgnbd_prob_purchases(pg_temp.m(), 0, 0), 1::float8, 'P(0 purchases in no time) is 1');
SELECT ok(abs(mbgnbd_p_alive(pg_temp.m(), 0, 0, 1e-12) - 1.614 / (0.891 + 1.614)) < 1e-12,
          'P(alive) of a customer seen for no time is b / (a + b): the drop-out at the first purchase');
SELECT ok(abs(mbgnbd_prob_purchases(pg_temp.m(), 0, 1e300) - 0.891 / (0.891 + 1.614)) < 1e-12,
          'P(0 purchases) at horizon 1e300 is a / (a + b) (the dropped), no NaN');
SELECT ok(abs((SELECT sum(mbgnbd_prob_purchases(pg_temp.m(), n, 20)) FROM generate_series(0, 400) AS n) - 1) < 1e-9,
          'P(n purchases) over n sums to 1');
SELECT ok(abs((SELECT sum(n * mbgnbd_prob_purchases(pg_temp.m(), n, 20)) FROM generate_series(0, 2000) AS n)
              - mbgnbd_expected_purchases(pg_temp.m(), 20)) < 1e-8,
          'the mean of P(n purchases) is the new customer''s expected purchases');
SELECT throws_ok($$SELECT mbgnbd_expected_purchases(pg_temp.m(), 20, 0, 0, 0)$$, '22023', 't must be positive',
                 'a history with t 0 is refused (the two-argument form is the new customer)');

-- the fit: bad rows, NULLs, no repeat purchase
SELECT throws_ok($$SELECT mbgnbd_fit(2, 40, 38)$$, '22023', NULL, 'mbgnbd_fit: recency > t is refused');
SELECT throws_ok($$SELECT mbgnbd_fit(2.5::float8, 3, 38)$$, '22023', NULL, 'mbgnbd_fit: a non-whole float8 frequency is refused');
SELECT throws_ok($$SELECT mbgnbd_fit(2, 3, 'NaN')$$, '22023', NULL, 'mbgnbd_fit: NaN t is refused');
SELECT throws_ok($$SELECT mbgnbd_fit(2, 3, 38, -1)$$, '22023', 'weight must not be negative');
SELECT throws_ok($$SELECT mbgnbd_fit(2, 3, 38, NULL::float8)$$, '22004', 'penalizer must not be NULL');
SELECT throws_ok($$SELECT mbgnbd_fit(2, 3, 38, 1, -0.5)$$, '22023', NULL, 'mbgnbd_fit: a negative penalizer is refused');
SELECT is((SELECT mbgnbd_fit(x, tx, t) FROM (VALUES (NULL::integer, 1.0::float8, 2.0::float8)) AS v(x, tx, t)), NULL,
          'mbgnbd_fit: only NULL rows give NULL');
SELECT is((SELECT (mbgnbd_fit(0, 0, t::float8)).converged FROM generate_series(1, 20) AS t), false,
          'mbgnbd_fit: without a repeat purchase there is no maximum: converged is false');
SELECT is((SELECT (mbgnbd_fit(0, 0, t::float8)).covariance FROM generate_series(1, 20) AS t), NULL,
          'mbgnbd_fit: and the covariance is NULL, never NaN');
SELECT is((SELECT (mbgnbd_fit(0, 0, 0)).n), NULL, 'mbgnbd_fit: a customer seen for no time is skipped');

-- the sweep: every accessor over hostile values in every position
CREATE TEMP TABLE vals(v float8);
INSERT INTO vals VALUES (NULL), ('NaN'), ('Infinity'), ('-Infinity'), (0), ('-0'), (-1), (1e-300), (1e-10),
                        (0.7), (3), (1e10), (1e300);
CREATE TEMP TABLE freqs(x integer);
INSERT INTO freqs VALUES (NULL), (-1), (0), (1), (7), (2147483647);
CREATE TEMP TABLE calls AS
SELECT format('SELECT mbgnbd_p_alive(mbgnbd_model(%L, %L, %L, %L), %L, %L, %L)', p1.v, p2.v, 0.891, 1.614, x, tx.v, t.v) AS q,
       0::float8 AS low, 1::float8 AS high, (p1.v IS NULL OR p2.v IS NULL OR x IS NULL OR tx.v IS NULL OR t.v IS NULL) AS has_null
FROM vals AS p1, vals AS p2, freqs, (VALUES (NULL::float8), (0), (3), ('NaN')) AS tx(v), (VALUES (NULL::float8), (5), ('Infinity')) AS t(v)
WHERE pg_temp.h(hashtext(p1.v::text || p2.v::text || x::text || tx.v::text || t.v::text), 1, 8) = 0
UNION ALL
SELECT format('SELECT mbgnbd_p_alive(mbgnbd_model(%L, %L, %L, %L), %L, %L, %L)', 0.525, 6.183, a.v, b.v, x, 3, 38),
       0, 1, a.v IS NULL OR b.v IS NULL OR x IS NULL
FROM vals AS a, vals AS b, freqs
UNION ALL
SELECT format('SELECT mbgnbd_expected_purchases(mbgnbd_model(%L, %L, %L, %L), %L, %L, %L, %L)', r.v, 6.183, a.v, b.v, h.v, x, 3, 38),
       0, 'Infinity', r.v IS NULL OR a.v IS NULL OR b.v IS NULL OR h.v IS NULL OR x IS NULL
FROM vals AS r, vals AS a, vals AS b, vals AS h, freqs
WHERE pg_temp.h(hashtext(r.v::text || a.v::text || b.v::text || h.v::text || x::text), 2, 20) = 0
UNION ALL
SELECT format('SELECT mbgnbd_expected_purchases(mbgnbd_model(%L, %L, %L, %L), %L)', r.v, al.v, a.v, 1.614, h.v),
       0, 'Infinity', r.v IS NULL OR al.v IS NULL OR a.v IS NULL OR h.v IS NULL
FROM vals AS r, vals AS al, vals AS a, vals AS h
WHERE pg_temp.h(hashtext(r.v::text || al.v::text || a.v::text || h.v::text), 3, 6) = 0
UNION ALL
SELECT format('SELECT mbgnbd_prob_purchases(mbgnbd_model(%L, %L, %L, %L), %L, %L)', r.v, 6.183, a.v, b.v, n.x, h.v),
       0, 1, r.v IS NULL OR a.v IS NULL OR b.v IS NULL OR n.x IS NULL OR h.v IS NULL
FROM vals AS r, vals AS a, vals AS b, freqs AS n, vals AS h
WHERE pg_temp.h(hashtext(r.v::text || a.v::text || b.v::text || n.x::text || h.v::text), 4, 20) = 0;

-- under valgrind (tools/valgrind.sh sets retention_test.sweep_sample = 40)
-- a fixed one call in sweep_sample runs, as in test/models_sweep.sql
DELETE FROM calls WHERE hashtext(q) % coalesce(nullif(current_setting('retention_test.sweep_sample', true), '')::integer, 1) <> 0;
CREATE TEMP TABLE outcomes AS SELECT q, has_null, pg_temp.classify(q, low, high, ARRAY['22023', '22003']) AS outcome FROM calls;
SELECT ok((SELECT count(*) FROM outcomes) > 3000 / coalesce(nullif(current_setting('retention_test.sweep_sample', true), '')::integer, 1),
          'the sweep makes over 3,000 calls (3,000 / retention_test.sweep_sample when sampled)');
SELECT is((SELECT array_agg(q || ' -> ' || outcome) FROM (SELECT * FROM outcomes WHERE outcome LIKE 'bad%' LIMIT 5) AS s), NULL,
          'sweep: no NaN, no value out of range, no error but 22023 and 22003');
SELECT is((SELECT array_agg(q) FROM (SELECT * FROM outcomes WHERE (outcome = 'null' AND NOT has_null) OR (outcome = 'value' AND has_null) LIMIT 5) AS s), NULL,
          'sweep: NULL only when an argument is NULL, and then NULL or the error of a bad model argument');
SELECT ok((SELECT count(*) FILTER (WHERE outcome = 'value') > 300 / coalesce(nullif(current_setting('retention_test.sweep_sample', true), '')::integer, 1)
              AND count(*) FILTER (WHERE outcome = 'error') > 300 / coalesce(nullif(current_setting('retention_test.sweep_sample', true), '')::integer, 1) FROM outcomes),
          'sweep: both values and errors occur');

SELECT * FROM finish();
ROLLBACK;
