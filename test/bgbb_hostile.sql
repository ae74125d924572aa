--
-- Hostile inputs for BG/BB (DESIGN section 7, doc/btyd_family.md): the
-- fit (all overloads) and every accessor with NULL in each argument, bad
-- histories (recency > n_periods, frequency > recency, non-whole float8
-- values, negatives), negative weights, model composites with bad fields,
-- period counts beyond the limits. Named cases assert the SQLSTATE and the
-- detail naming the value; a sweep calls every accessor over hostile values
-- and asserts NULL only with a NULL argument, a finite value in range, or
-- error 22023 / 22003 / 54000: never NaN, never another error.
--
BEGIN;
SELECT plan(32);
SET LOCAL statement_timeout = '60s';
\ir lib/setup.sql

CREATE FUNCTION pg_temp.m() RETURNS bgbb LANGUAGE sql IMMUTABLE
AS $$SELECT bgbb_model(1.204, 0.750, 0.657, 2.783)$$;

-- bad histories in the fit, each error naming the values
SELECT is(pg_temp.failure($$SELECT bgbb_fit(2, 7, 6)$$), '22023 recency is 7 and n_periods is 6.',
          'bgbb_fit: recency > n_periods is refused, naming both');
SELECT is(pg_temp.failure($$SELECT bgbb_fit(4, 3, 6)$$),
          '22023 frequency is 4 and recency is 3: the last of 4 transactions cannot be before opportunity 4.',
          'bgbb_fit: frequency > recency is refused, naming both');
SELECT is(pg_temp.failure($$SELECT bgbb_fit(0, 2, 6)$$), '22023 recency is 2 with frequency 0.',
          'bgbb_fit: recency without a transaction is refused');
SELECT is(pg_temp.failure($$SELECT bgbb_fit(-1, 2, 6)$$), '22023 frequency is -1, recency 2 and n_periods 6.',
          'bgbb_fit: a negative frequency is refused');
SELECT is(pg_temp.failure($$SELECT bgbb_fit(1.5::float8, 2, 6)$$), '22023 frequency is 1.5.',
          'bgbb_fit: a non-whole float8 frequency is refused, naming it');
SELECT is(pg_temp.failure($$SELECT bgbb_fit(1::float8, 2.25, 6)$$), '22023 recency is 2.25.',
          'bgbb_fit: a non-whole float8 recency is refused, naming it');
SELECT is(pg_temp.failure($$SELECT bgbb_fit(1::float8, 2, 'NaN')$$), '22023 n_periods is NaN.',
          'bgbb_fit: a NaN n_periods is refused');
SELECT is(pg_temp.failure($$SELECT bgbb_fit(1, 2, 100001)$$), '54000 n_periods is 100001.',
          'bgbb_fit: n_periods beyond 100000 is a limit, named');
SELECT is(pg_temp.failure($$SELECT bgbb_fit(1, 2, 6, -3)$$), '22023 weight is -3.',
          'bgbb_fit: a negative weight is refused, naming it');
SELECT is(pg_temp.failure($$SELECT bgbb_fit(1::float8, 2, 6, -3::bigint)$$), '22023 weight is -3.',
          'bgbb_fit: a negative bigint weight with float8 values is refused');
SELECT is((SELECT bgbb_fit(x, tx, n) FROM (VALUES (NULL::integer, 1, 6), (1, NULL, 6), (1, 1, NULL)) AS v(x, tx, n)), NULL,
          'bgbb_fit: rows with a NULL are skipped; none left gives NULL');
SELECT is((SELECT bgbb_fit(0, 0, 0)), NULL, 'bgbb_fit: a donor with no opportunity yet is skipped');
SELECT is((SELECT (bgbb_fit(0, 0, n)).converged FROM generate_series(1, 9) AS n), false,
          'bgbb_fit: nobody ever transacting has no maximum: converged is false');
SELECT is((SELECT (bgbb_fit(n, n, n)).converged FROM generate_series(1, 9) AS n), false,
          'bgbb_fit: everybody transacting at every opportunity: converged is false');
SELECT ok((SELECT (m).n = 8 AND (m).loglik < 0 AND (m).loglik > -100
           FROM (SELECT bgbb_fit(x, tx, n) AS m
                 FROM (VALUES (0, 0, 6), (1, 3, 6), (2, 6, 6), (0, 0, 4), (3, 4, 4), (1, 1, 10), (5, 9, 10), (0, 0, 10)) AS v(x, tx, n)) AS f),
          'bgbb_fit: histories with different n_periods are accepted (the model allows it): a finite loglik over 8 donors');

-- accessors
SELECT is(bgbb_p_alive(pg_temp.m(), 0, 6, 6, 6), 1::float8, 'bgbb_p_alive: a transaction at the last opportunity means alive now');
SELECT ok(bgbb_p_alive(pg_temp.m(), 3, 6, 6, 6) < 1, 'bgbb_p_alive: but not for sure 3 opportunities later');
SELECT is(bgbb_expected_purchases(pg_temp.m(), 0, 2, 4, 6), 0::float8, 'bgbb_expected_purchases: 0 future periods, 0 transactions');
SELECT is(bgbb_expected_purchases(pg_temp.m(), 0), 0::float8, 'bgbb_expected_purchases: a new customer in 0 opportunities');
SELECT is(pg_temp.failure($$SELECT bgbb_p_alive(pg_temp.m(), -1, 2, 4, 6)$$), '22023 m_periods is -1.',
          'bgbb_p_alive: a negative m_periods is refused');
SELECT is(pg_temp.failure($$SELECT bgbb_expected_purchases(pg_temp.m(), 20000000, 2, 4, 6)$$), '54000 m_periods is 20000000.',
          'bgbb_expected_purchases: m_periods beyond 10,000,000 is a limit, named');
SELECT is(pg_temp.failure($$SELECT bgbb_expected_purchases(pg_temp.m(), -2)$$), '22023 n_periods is -2.',
          'bgbb_expected_purchases: a negative n_periods for a new customer is refused');
SELECT is(pg_temp.failure($$SELECT bgbb_p_alive(pg_temp.m(), 1, 3, 2, 6)$$),
          '22023 frequency is 3 and recency is 2: the last of 3 transactions cannot be before opportunity 3.',
          'bgbb_p_alive: frequency > recency is refused');
SELECT is(pg_temp.failure($$SELECT bgbb_expected_purchases(pg_temp.m(), 1, 1, 7, 6)$$), '22023 recency is 7 and n_periods is 6.',
          'bgbb_expected_purchases: recency > n_periods is refused');
SELECT throws_ok($$SELECT bgbb_model(1, 1, 0, 1)$$, '22023', 'model parameter gamma must be positive');
SELECT throws_ok($$SELECT bgbb_p_alive(ROW(1, 'NaN', 1, 1, NULL, NULL, NULL, NULL)::bgbb, 1, 2, 4, 6)$$,
                 '22023', 'beta must be a finite number');
SELECT is(bgbb_p_alive(ROW(1, 1, NULL, 1, NULL, NULL, NULL, NULL)::bgbb, 1, 2, 4, 6), NULL,
          'bgbb_p_alive: a model with a NULL parameter gives NULL');
SELECT is((SELECT count(*) FROM bgbb_params(pg_temp.m()) WHERE std_error IS NULL), 4::bigint,
          'bgbb_params of a built model: no standard errors');

-- the sweep
CREATE TEMP TABLE vals(v float8);
INSERT INTO vals VALUES (NULL), ('NaN'), ('Infinity'), (0), (-1), (1e-300), (1e-8), (0.7), (1), (3), (1e8), (1e300);
CREATE TEMP TABLE ints(i integer);
INSERT INTO ints VALUES (NULL), (-1), (0), (1), (3), (6), (99999), (2147483647);
CREATE TEMP TABLE calls AS
SELECT format('SELECT bgbb_p_alive(bgbb_model(%L, %L, %L, %L), %L, %L, %L, %L)', a.v, b.v, g.v, d.v, m.i, x.i, tx.i, 6) AS q,
       0::float8 AS low, 1::float8 AS high,
       (a.v IS NULL OR b.v IS NULL OR g.v IS NULL OR d.v IS NULL OR m.i IS NULL OR x.i IS NULL OR tx.i IS NULL) AS has_null
FROM vals AS a, vals AS b, vals AS g, vals AS d, ints AS m, ints AS x, ints AS tx
WHERE pg_temp.h(hashtext(concat_ws(',', a.v, b.v, g.v, d.v, m.i, x.i, tx.i, 'p')), 1, 400) = 0
UNION ALL
SELECT format('SELECT bgbb_expected_purchases(bgbb_model(%L, %L, %L, %L), %L, %L, %L, %L)', a.v, b.v, g.v, d.v, m.i, x.i, 6, n.i),
       0, 'Infinity', a.v IS NULL OR b.v IS NULL OR g.v IS NULL OR d.v IS NULL OR m.i IS NULL OR x.i IS NULL OR n.i IS NULL
FROM vals AS a, vals AS b, vals AS g, vals AS d, ints AS m, ints AS x, ints AS n
WHERE pg_temp.h(hashtext(concat_ws(',', a.v, b.v, g.v, d.v, m.i, x.i, n.i, 'e')), 2, 400) = 0
UNION ALL
SELECT format('SELECT bgbb_expected_purchases(bgbb_model(%L, %L, %L, %L), %L)', a.v, b.v, g.v, d.v, n.i),
       0, 'Infinity', a.v IS NULL OR b.v IS NULL OR g.v IS NULL OR d.v IS NULL OR n.i IS NULL
FROM vals AS a, vals AS b, vals AS g, vals AS d, ints AS n
WHERE pg_temp.h(hashtext(concat_ws(',', a.v, b.v, g.v, d.v, n.i, 'n')), 3, 12) = 0;

-- under valgrind (tools/valgrind.sh sets retention_test.sweep_sample = 40)
-- a fixed one call in sweep_sample runs, as in test/models_sweep.sql
DELETE FROM calls WHERE hashtext(q) % coalesce(nullif(current_setting('retention_test.sweep_sample', true), '')::integer, 1) <> 0;
CREATE TEMP TABLE outcomes AS SELECT q, has_null, pg_temp.classify(q, low, high, ARRAY['22023', '22003', '54000']) AS outcome FROM calls;
SELECT ok((SELECT count(*) FROM outcomes) > 3000 / coalesce(nullif(current_setting('retention_test.sweep_sample', true), '')::integer, 1),
          'the sweep makes over 3,000 calls (3,000 / retention_test.sweep_sample when sampled)');
SELECT is((SELECT array_agg(q || ' -> ' || outcome) FROM (SELECT * FROM outcomes WHERE outcome LIKE 'bad%' LIMIT 5) AS s), NULL,
          'sweep: no NaN, no value out of range, no error but 22023, 22003 and 54000');
SELECT is((SELECT array_agg(q) FROM (SELECT * FROM outcomes WHERE (outcome = 'null' AND NOT has_null) OR (outcome = 'value' AND has_null) LIMIT 5) AS s), NULL,
          'sweep: NULL only when an argument is NULL, and then NULL or the error of a bad model argument');
SELECT ok((SELECT count(*) FILTER (WHERE outcome = 'value') > 100 / coalesce(nullif(current_setting('retention_test.sweep_sample', true), '')::integer, 1)
              AND count(*) FILTER (WHERE outcome = 'error') > 300 / coalesce(nullif(current_setting('retention_test.sweep_sample', true), '')::integer, 1) FROM outcomes),
          'sweep: both values and errors occur');

SELECT * FROM finish();
ROLLBACK;
