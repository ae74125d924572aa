--
-- Hostile inputs of pareto_nbd_prob_purchases (DESIGN section 7): a
-- negative n, a negative or non-finite horizon, recency above t, a
-- negative or non-integer frequency, recency with frequency 0, t <= 0,
-- NULL in each argument and in a parameter, bad model parameters (each the
-- error named in the detail, SQLSTATE 22023 as every accessor), extreme n,
-- horizons and frequencies (a value in [0, 1] or 22003, never NaN), and a
-- sweep of hostile values in every position.
--
BEGIN;
SELECT plan(30);
\ir lib/setup.sql
SET LOCAL statement_timeout = '60s';

CREATE FUNCTION pg_temp.pn() RETURNS pareto_nbd
LANGUAGE sql IMMUTABLE AS $$SELECT pareto_nbd_model(0.553, 10.578, 0.606, 11.669)$$;

-- named errors: SQLSTATE and the detail naming the value
SELECT is(pg_temp.failure($$SELECT pareto_nbd_prob_purchases(pg_temp.pn(), -1, 52, 2, 30, 38)$$),
          '22023 n is -1.', 'negative n is 22023 naming it');
SELECT is(pg_temp.failure($$SELECT pareto_nbd_prob_purchases(pg_temp.pn(), -2147483648, 52, 2, 30, 38)$$),
          '22023 n is -2147483648.', 'n = int4 minimum is 22023 naming it');
SELECT is(pg_temp.failure($$SELECT pareto_nbd_prob_purchases(pg_temp.pn(), 1, -1, 2, 30, 38)$$),
          '22023 horizon is -1.', 'negative horizon is 22023 naming it');
SELECT is(pg_temp.failure($$SELECT pareto_nbd_prob_purchases(pg_temp.pn(), 1, 'NaN', 2, 30, 38)$$),
          '22023 horizon is NaN.', 'NaN horizon is 22023 naming it');
SELECT is(pg_temp.failure($$SELECT pareto_nbd_prob_purchases(pg_temp.pn(), 1, 'Infinity', 2, 30, 38)$$),
          '22023 horizon is Infinity.', 'infinite horizon is 22023 naming it');
SELECT is(pg_temp.failure($$SELECT pareto_nbd_prob_purchases(pg_temp.pn(), 1, 52, 2, 40, 38)$$),
          '22023 recency is 40 and t is 38.', 'recency above t is 22023 naming both');
SELECT is(pg_temp.failure($$SELECT pareto_nbd_prob_purchases(pg_temp.pn(), 1, 52, -2, 30, 38)$$),
          '22023 frequency is -2.', 'negative frequency is 22023 naming it');
SELECT is(pg_temp.failure($$SELECT pareto_nbd_prob_purchases(pg_temp.pn(), 1, 52, 0, 3, 38)$$),
          '22023 recency is 3 with frequency 0.', 'recency with frequency 0 is 22023 naming it');
SELECT is(pg_temp.failure($$SELECT pareto_nbd_prob_purchases(pg_temp.pn(), 1, 52, 0, 0, 0)$$),
          '22023 t is 0.', 't = 0 is 22023 naming it');
SELECT is(pg_temp.failure($$SELECT pareto_nbd_prob_purchases(pg_temp.pn(), 1, 52, 2, 'NaN', 38)$$) ~ '^22023 recency is NaN', true,
          'NaN recency is 22023 naming it');
-- frequency is an integer argument: a non-integer is never rounded in
-- silence: a literal is refused naming it (22P02), a float8 or numeric
-- value finds no function (42883)
SELECT throws_ok($$SELECT pareto_nbd_prob_purchases(pg_temp.pn(), 1, 52, '2.5', 30, 38)$$,
                 '22P02', 'invalid input syntax for type integer: "2.5"', 'a non-integer frequency literal is 22P02 naming it');
SELECT throws_ok($$SELECT pareto_nbd_prob_purchases(pg_temp.pn(), 1, 52, 2.5::float8, 30, 38)$$,
                 '42883', NULL, 'a float8 frequency finds no function (never rounded)');
SELECT throws_ok($$SELECT pareto_nbd_prob_purchases(pg_temp.pn(), 1, 52, 2.5, 30, 38)$$,
                 '42883', NULL, 'a numeric frequency finds no function (never rounded)');
-- bad model parameters: the accessors' error
SELECT throws_ok($$SELECT pareto_nbd_prob_purchases(ROW(0.553, -1, 0.606, 11.669, NULL, NULL, NULL, NULL)::pareto_nbd, 1, 52, 2, 30, 38)$$,
                 '22023', 'model parameter alpha must be positive');
SELECT throws_ok($$SELECT pareto_nbd_prob_purchases(ROW(0.553, 10.578, 'Infinity', 11.669, NULL, NULL, NULL, NULL)::pareto_nbd, 1, 52, 2, 30, 38)$$,
                 '22023', 's must be a finite number');

-- NULLs: NULL in, NULL out (STRICT); a NULL parameter (a failed fit) gives NULL
SELECT is(pareto_nbd_prob_purchases(NULL, 1, 52, 2, 30, 38), NULL, 'NULL model gives NULL');
SELECT is(pareto_nbd_prob_purchases(pg_temp.pn(), NULL, 52, 2, 30, 38), NULL, 'NULL n gives NULL');
SELECT is(pareto_nbd_prob_purchases(pg_temp.pn(), 1, NULL, 2, 30, 38), NULL, 'NULL horizon gives NULL');
SELECT is(pareto_nbd_prob_purchases(pg_temp.pn(), 1, 52, NULL, 30, 38), NULL, 'NULL frequency gives NULL');
SELECT is(pareto_nbd_prob_purchases(ROW(0.553, NULL, 0.606, 11.669, NULL, NULL, NULL, NULL)::pareto_nbd, 1, 52, 2, 30, 38), NULL,
          'a NULL parameter gives NULL');

-- extremes: a probability or 22003, never NaN or a value outside [0, 1]
SELECT is(pareto_nbd_prob_purchases(pg_temp.pn(), 2147483647, 52, 2, 30, 38), 0::float8, 'n = int4 maximum: 0');
SELECT is(pareto_nbd_prob_purchases(pg_temp.pn(), 0, 1e-300, 2, 30, 38), 1::float8, 'a horizon of 1e-300: P(0) = 1');
SELECT ok(pareto_nbd_prob_purchases(pg_temp.pn(), 0, 1e300, 2, 30, 38) BETWEEN 0 AND 1, 'a horizon of 1e300: a probability');
SELECT ok(pareto_nbd_prob_purchases(pg_temp.pn(), 1000000, 1e7, 2147483, 38, 38) BETWEEN 0 AND 1,
          'frequency 2,147,483, n = 1,000,000: a probability');
SELECT is(pareto_nbd_prob_purchases(pg_temp.pn(), 0, 1, 2147483647, 30, 38), 1::float8,
          'frequency int4 maximum with a long silence: certainly gone, P(0) = 1');
SELECT is(pg_temp.failure($$SELECT pareto_nbd_prob_purchases(pareto_nbd_model(1e-8, 1e8, 1e-8, 1e-8), 0, 52, 2, 3, 5)$$) ~ '^22003',
          true, 'alpha and beta 1e16 apart: 22003 (P(alive) cannot be computed)');

-- the sweep: hostile values in every position
CREATE TEMP TABLE vals(v float8);
INSERT INTO vals VALUES (NULL), ('NaN'), ('Infinity'), ('-Infinity'), (0), ('-0'), (-1), (1e-300), (1e-10),
                        (0.7), (3), (1e10), (1e300);
CREATE TEMP TABLE ints(x integer);
INSERT INTO ints VALUES (NULL), (-1), (0), (1), (7), (2147483647);
CREATE TEMP TABLE calls AS
SELECT format('SELECT pareto_nbd_prob_purchases(pareto_nbd_model(%L, %L, %L, %L), %L, %L, %L, %L, %L)',
              r.v, al.v, s.v, be.v, n.x, 52, 2, 30, 38) AS q,
       (r.v IS NULL OR al.v IS NULL OR s.v IS NULL OR be.v IS NULL OR n.x IS NULL) AS has_null
FROM vals AS r, vals AS al, vals AS s, vals AS be, ints AS n
WHERE pg_temp.h(hashtext(r.v::text || al.v::text || s.v::text || be.v::text || n.x::text), 1, 40) = 0
UNION ALL
SELECT format('SELECT pareto_nbd_prob_purchases(pareto_nbd_model(%L, %L, %L, %L), %L, %L, %L, %L, %L)',
              0.553, 10.578, 0.606, 11.669, n.x, h.v, x.x, tx.v, t.v),
       (n.x IS NULL OR h.v IS NULL OR x.x IS NULL OR tx.v IS NULL OR t.v IS NULL)
FROM ints AS n, vals AS h, ints AS x, vals AS tx, vals AS t
WHERE pg_temp.h(hashtext(n.x::text || h.v::text || x.x::text || tx.v::text || t.v::text), 2, 15) = 0;

-- under valgrind (tools/valgrind.sh sets retention_test.sweep_sample) a
-- fixed one call in sweep_sample runs, as in test/models_sweep.sql
DELETE FROM calls WHERE hashtext(q) % coalesce(nullif(current_setting('retention_test.sweep_sample', true), '')::integer, 1) <> 0;
CREATE TEMP TABLE outcomes AS SELECT q, has_null, pg_temp.classify(q, 0, 1, ARRAY['22023', '22003']) AS outcome FROM calls;
SELECT ok((SELECT count(*) FROM outcomes) > 2000 / coalesce(nullif(current_setting('retention_test.sweep_sample', true), '')::integer, 1),
          'the sweep makes over 2,000 calls (2,000 / retention_test.sweep_sample when sampled)');
SELECT is((SELECT array_agg(q || ' -> ' || outcome) FROM (SELECT * FROM outcomes WHERE outcome LIKE 'bad%' LIMIT 5) AS s), NULL,
          'sweep: no NaN, no value outside [0, 1], no error but 22023 and 22003');
SELECT is((SELECT array_agg(q) FROM (SELECT * FROM outcomes WHERE (outcome = 'null' AND NOT has_null) OR (outcome = 'value' AND has_null) LIMIT 5) AS s), NULL,
          'sweep: NULL only when an argument is NULL');
SELECT ok((SELECT count(*) FILTER (WHERE outcome = 'value') > 100 / coalesce(nullif(current_setting('retention_test.sweep_sample', true), '')::integer, 1)
              AND count(*) FILTER (WHERE outcome = 'error') > 100 / coalesce(nullif(current_setting('retention_test.sweep_sample', true), '')::integer, 1) FROM outcomes),
          'sweep: both values and errors occur');

SELECT * FROM finish();
ROLLBACK;
