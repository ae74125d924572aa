-- Sweep of every model accessor over extreme parameters and arguments
-- (issue 12): each parameter takes the values {1e-320, 1e-300, 1e-10, 0.5,
-- 1, 1.0000001, 2, 7.5, 1e10, 1e300, DBL_MAX} (1.8e308 is not a float8;
-- DBL_MAX = 1.7976931348623157e308 stands for it), the arguments horizons
-- {0, 1e-308, 1, 1e12, 1e300}, frequencies {0, 1, 1e6} and the like. Every
-- call is made and checked: it returns a finite number or raises one of the
-- documented SQLSTATEs (22003 out of range, 22023 bad parameter, 54000
-- limit). For the four-parameter models the grid is the one-at-a-time
-- variations around a base model plus every model with all parameters
-- equal plus 150 models drawn by an LCG from the full grid.
--
-- The full sweep is about 24,000 calls and takes a minute and a half in the
-- assertion build; under valgrind memcheck that is over an hour. The
-- valgrind stage (tools/valgrind.sh) sets retention_test.sweep_sample = 40,
-- and then a fixed one call in 40 (chosen by a hash of its SQL text, so the
-- same calls every run) is made, checked by the same tests.
BEGIN;
SELECT plan(6);

CREATE TEMP TABLE sweep_values(v float8);
INSERT INTO sweep_values VALUES (1e-320), (1e-300), (1e-10), (0.5), (1), (1.0000001),
    (2), (7.5), (1e10), (1e300), (1.7976931348623157e308);
CREATE TEMP TABLE sweep_calls(accessor text, sql text);
CREATE TEMP TABLE sweep_results(accessor text, sql text, outcome text);

-- four-parameter models: base variations, the diagonal, an LCG sample
CREATE TEMP TABLE sweep_models4 AS
WITH v AS (SELECT array_agg(v ORDER BY v) AS a FROM sweep_values),
base AS (SELECT ARRAY[0.5, 7.5, 0.5, 2]::float8[] AS b),
lcg AS (
    SELECT i, ((1103515245::bigint * i * 7919 + 12345) % 2147483648) AS s
    FROM generate_series(1, 150) i)
SELECT DISTINCT p FROM (
    SELECT (SELECT b FROM base)[1:k - 1] || v.v || (SELECT b FROM base)[k + 1:4] AS p
    FROM sweep_values v, generate_series(1, 4) k
    UNION ALL
    SELECT ARRAY[v, v, v, v] FROM sweep_values
    UNION ALL
    SELECT ARRAY[a[1 + s % 11], a[1 + (s / 11) % 11], a[1 + (s / 121) % 11], a[1 + (s / 1331) % 11]]
    FROM lcg, v) m;

CREATE TEMP TABLE sweep_histories(x integer, tx float8, t float8);
INSERT INTO sweep_histories VALUES (0, 0, 1e-308), (0, 0, 1), (1, 1, 1), (1, 1e-308, 1e12),
    (1000000, 30, 40), (1, 0.5, 1e300);
CREATE TEMP TABLE sweep_horizons(h float8);
INSERT INTO sweep_horizons VALUES (0), (1e-308), (1), (1e12), (1e300);

INSERT INTO sweep_calls
SELECT 'bgnbd_expected_purchases', format('bgnbd_expected_purchases(row(%s, %s, %s, %s, NULL, NULL, NULL, NULL)::bgnbd, %s, %s, %s, %s)',
                                          p[1], p[2], p[3], p[4], h, x, tx, t)
FROM sweep_models4, sweep_horizons, sweep_histories
UNION ALL
SELECT 'bgnbd_expected_purchases new', format('bgnbd_expected_purchases(row(%s, %s, %s, %s, NULL, NULL, NULL, NULL)::bgnbd, %s)',
                                              p[1], p[2], p[3], p[4], h)
FROM sweep_models4, sweep_horizons
UNION ALL
SELECT 'bgnbd_p_alive', format('bgnbd_p_alive(row(%s, %s, %s, %s, NULL, NULL, NULL, NULL)::bgnbd, %s, %s, %s)',
                               p[1], p[2], p[3], p[4], x, tx, t)
FROM sweep_models4, sweep_histories
UNION ALL
SELECT 'bgnbd_prob_purchases', format('bgnbd_prob_purchases(row(%s, %s, %s, %s, NULL, NULL, NULL, NULL)::bgnbd, %s, %s)',
                                      p[1], p[2], p[3], p[4], n, h)
FROM sweep_models4, sweep_horizons, (VALUES (0), (1), (1000000)) n(n)
UNION ALL
SELECT 'pareto_nbd_p_alive', format('pareto_nbd_p_alive(row(%s, %s, %s, %s, NULL, NULL, NULL, NULL)::pareto_nbd, %s, %s, %s)',
                                    p[1], p[2], p[3], p[4], x, tx, t)
FROM sweep_models4, sweep_histories
UNION ALL
SELECT 'pareto_nbd_expected_purchases', format('pareto_nbd_expected_purchases(row(%s, %s, %s, %s, NULL, NULL, NULL, NULL)::pareto_nbd, %s, %s, %s, %s)',
                                               p[1], p[2], p[3], p[4], h, x, tx, t)
FROM sweep_models4, sweep_horizons, sweep_histories WHERE h IN (0, 1, 1e12)
UNION ALL
SELECT 'pareto_nbd_expected_purchases new', format('pareto_nbd_expected_purchases(row(%s, %s, %s, %s, NULL, NULL, NULL, NULL)::pareto_nbd, %s)',
                                                   p[1], p[2], p[3], p[4], h)
FROM sweep_models4, sweep_horizons
UNION ALL
SELECT 'gamma_gamma_expected_spend', format('gamma_gamma_expected_spend(row(%s, %s, %s, NULL, NULL, NULL, NULL)::gamma_gamma, %s, %s)',
                                            p.v, q.v, v.v, x, m)
FROM sweep_values p, sweep_values q, sweep_values v, (VALUES (0, 0), (1, 1), (1000000, 1e300)) xm(x, m)
UNION ALL
SELECT 'sbg_survival', format('sbg_survival(row(%s, %s, NULL, NULL, NULL)::sbg, %s)', a.v, b.v, t)
FROM sweep_values a, sweep_values b, (VALUES (0), (1), (1000), (2147483647)) t(t)
UNION ALL
SELECT 'sbg_retention', format('sbg_retention(row(%s, %s, NULL, NULL, NULL)::sbg, %s)', a.v, b.v, t)
FROM sweep_values a, sweep_values b, (VALUES (1), (1000), (2147483647)) t(t)
UNION ALL
SELECT 'sbg_derl', format('sbg_derl(row(%s, %s, NULL, NULL, NULL)::sbg, %s, %s)', a.v, b.v, d, n)
FROM sweep_values a, sweep_values b, (VALUES (1e-300), (0.1), (1e300)) d(d), (VALUES (1), (2147483647)) n(n)
UNION ALL
SELECT 'cltv', format('cltv(row(%s, %s, %s, %s, NULL, NULL, NULL, NULL)::bgnbd, row(6.25, 3.74, 15.44, NULL, NULL, NULL, NULL)::gamma_gamma, %s, %s, %s, 20, %s, %s, ''week'')',
                      p[1], p[2], p[3], p[4], x, tx, t, months, d)
FROM sweep_models4, sweep_histories, (VALUES (12, 0.01), (2147483647, 0.1)) md(months, d)
WHERE x < 1000000;

DELETE FROM sweep_calls
WHERE hashtext(sql) % coalesce(nullif(current_setting('retention_test.sweep_sample', true), '')::integer, 1) <> 0;

-- every call, each in its own subtransaction
DO $$
DECLARE
    c record;
    result float8;
    state text;
BEGIN
    FOR c IN SELECT * FROM sweep_calls LOOP
        BEGIN
            EXECUTE 'SELECT ' || c.sql INTO result;
            INSERT INTO sweep_results VALUES (c.accessor, c.sql,
                CASE WHEN result IS NULL THEN 'null'
                     WHEN result = 'NaN'::float8 OR result IN ('Infinity', '-Infinity') THEN 'nonfinite'
                     ELSE 'finite' END);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE;
            INSERT INTO sweep_results VALUES (c.accessor, c.sql, state);
        END;
    END LOOP;
END
$$;

SELECT is((SELECT count(*) FROM sweep_results), (SELECT count(*) FROM sweep_calls),
          'every call of the sweep ran');
SELECT cmp_ok((SELECT count(*) FROM sweep_results)::integer, '>',
              20000 / coalesce(nullif(current_setting('retention_test.sweep_sample', true), '')::integer, 1),
              'the sweep makes more than 20000 calls (20000 / retention_test.sweep_sample when sampled)');
SELECT is((SELECT string_agg(sql, E'\n') FROM sweep_results WHERE outcome = 'nonfinite'), NULL,
          'no call returns NaN or Infinity');
SELECT is((SELECT string_agg(sql, E'\n') FROM sweep_results WHERE outcome = 'null'), NULL,
          'no call returns NULL (no model has a NULL parameter)');
SELECT is((SELECT string_agg(outcome || ' ' || sql, E'\n')
           FROM sweep_results WHERE outcome NOT IN ('finite', '22003', '22023', '54000')), NULL,
          'every error is 22003, 22023 or 54000');
SELECT cmp_ok((SELECT count(*) FROM sweep_results WHERE outcome = 'finite')::integer, '>',
              (SELECT count(*) FROM sweep_results)::integer / 2, 'most calls answer with a number');

SELECT diag('sweep: ' || (SELECT string_agg(outcome || ' ' || n, ', ' ORDER BY outcome)
                           FROM (SELECT outcome, count(*) AS n FROM sweep_results GROUP BY outcome) o));

SELECT * FROM finish();
ROLLBACK;
