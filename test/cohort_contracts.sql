--
-- Contracts of the retention aggregates and cohort functions of DESIGN
-- section 3: signatures and markings, error paths with their SQLSTATEs,
-- and the memory of a cohort_retention state of 200,000 customers
-- (HashAggregate's peak memory, which holds the state).
--
BEGIN;
SELECT plan(32);

SELECT has_type('cohort_matrix');
SELECT has_type('retention_counts');
SELECT has_function('retention_rate', ARRAY['date', 'date', 'daterange']);
SELECT has_function('retention_rate', ARRAY['timestamp with time zone', 'timestamp with time zone', 'tstzrange']);
SELECT has_function('retention_counts', ARRAY['date', 'date', 'daterange']);
SELECT has_function('retention_counts', ARRAY['timestamp with time zone', 'timestamp with time zone', 'tstzrange']);
SELECT has_function('cohort_retention', ARRAY['bigint', 'date', 'time_unit']);
SELECT has_function('cohort_retention', ARRAY['text', 'timestamp with time zone', 'time_unit', 'numeric']);
SELECT function_returns('cohort_retention', ARRAY['bigint', 'timestamp with time zone', 'time_unit'], 'cohort_matrix');
SELECT function_returns('retention_curve', ARRAY['cohort_matrix', 'text'], 'double precision[]');
SELECT function_returns('cohort_table', ARRAY['cohort_matrix'], 'setof record');
SELECT is_aggregate('cohort_retention', ARRAY['bigint', 'date', 'time_unit', 'numeric']);
SELECT volatility_is('cohort_retention_trans', ARRAY['internal', 'bigint', 'timestamp with time zone', 'time_unit'], 'stable',
                     'periods of a timestamptz follow the session TimeZone');
SELECT volatility_is('cohort_retention_trans', ARRAY['internal', 'bigint', 'date', 'time_unit'], 'immutable');
SELECT is((SELECT count(*)::int FROM pg_aggregate AS a JOIN pg_proc AS p ON p.oid = a.aggfnoid
           WHERE p.proname IN ('cohort_retention', 'retention_rate', 'retention_counts')
             AND p.proparallel = 's' AND a.aggcombinefn <> 0), 12, 'all 12 aggregates are parallel safe with a combine function');

-- errors
SELECT throws_ok($$SELECT retention_rate(date '2025-01-02', date '2025-01-01', daterange('2025-01-01', '2025-02-01'))$$,
                 '22023', 'ended_at must not be before started_at');
SELECT throws_ok($$SELECT retention_rate(date '2025-01-01', NULL, 'empty'::daterange)$$, '22023', 'period must not be empty');
SELECT throws_ok($$SELECT retention_counts(timestamptz '2025-01-01', NULL, tstzrange(NULL, '2025-01-01'))$$,
                 '22023', 'period must have finite bounds');
SELECT throws_ok($$SELECT retention_rate(s, NULL, p) FROM (VALUES (date '2025-01-01', daterange('2025-01-01', '2025-02-01')), (date '2025-01-01', daterange('2025-01-01', '2025-03-01'))) AS v(s, p)$$,
                 '22023', 'period must be the same for every row of a group');
SELECT throws_ok($$SELECT cohort_retention(1, date '2025-01-01', 'Month')$$, '22P02',
                 'invalid input value for enum time_unit: "Month"');
SELECT throws_ok($$SELECT cohort_retention(c, date '2025-01-01', p) FROM (VALUES (1, 'day'), (2, 'year')) AS v(c, p)$$,
                 '22023', 'period must be the same for every row of a group');
SELECT throws_ok($$SELECT cohort_retention(1, date '10000-01-01', 'day')$$, '22003', 'activity_at is out of range for cohort_retention');
-- numeric has infinities since PostgreSQL 14 (13 refuses the input)
SELECT CASE WHEN pg_version_num() >= 140000
    THEN throws_ok($$SELECT cohort_retention('a', date '2025-01-01', 'day', 'Infinity'::numeric)$$, '22023', 'amount must be a finite number')
    ELSE skip('numeric has no infinity before PostgreSQL 14', 1) END;
SELECT throws_ok($$SELECT cohort_retention('a', date '2025-01-01', 'day', 1e19)$$, '22003', 'amount is out of range for cohort_retention');
SELECT throws_ok($$SELECT * FROM cohort_table('{"unit": "day", "last": "2025-01-01", "cohorts": [{"start": "2025-01-01", "size": 1, "active": [1], "rolling": [1]}]}', 'n-day')$$,
                 '22023', 'mode must be ''classic'' or ''rolling''');
SELECT throws_ok($$SELECT '{"unit": "day"}'::cohort_matrix$$, '22P02', 'invalid input syntax for type cohort_matrix');
SELECT throws_ok($$SELECT '{"unit": "day", "last": "2025-01-01", "cohorts": [{"start": "2025-01-01", "size": 1, "active": [1], "rolling": [2]}]}'::cohort_matrix$$,
                 '22P02', 'invalid cohort_matrix value');
SELECT throws_ok($$SELECT '{"unit": "day", "last": "2025-01-01"'::cohort_matrix$$, '22P02', NULL, 'malformed JSON is 22P02');

-- memory: 200,000 customers in one state, measured as HashAggregate's peak
-- memory (the state lives in the hash table's context)
CREATE FUNCTION pg_temp.bytes_per_customer(query text) RETURNS numeric
LANGUAGE plpgsql AS $$
DECLARE plan json;
BEGIN
    SET LOCAL enable_sort = off;
    EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ' || query INTO plan;
    RETURN round((plan->0->'Plan'->>'Peak Memory Usage')::numeric * 1024 / 200000, 1);
END $$;
CREATE TEMP TABLE memory AS
SELECT 'bigint ids, 5 activities in 1-2 months' AS shape,
       pg_temp.bytes_per_customer($$SELECT cohort_retention(c, date '2024-01-01' + (c + j * 7) % 700, 'month')
                                    FROM generate_series(1, 200000) AS c, generate_series(1, 5) AS j GROUP BY c / 1000000$$) AS bytes
UNION ALL
SELECT 'bigint ids, 5 days spread over two years (spilled sets)',
       pg_temp.bytes_per_customer($$SELECT cohort_retention(c, date '2024-01-01' + (c + j * 97) % 700, 'day')
                                    FROM generate_series(1, 200000) AS c, generate_series(1, 5) AS j GROUP BY c / 1000000$$)
UNION ALL
SELECT 'text ids of 15 bytes, months',
       pg_temp.bytes_per_customer($$SELECT cohort_retention('customer-' || c, date '2024-01-01' + (c + j * 7) % 700, 'month')
                                    FROM generate_series(1, 200000) AS c, generate_series(1, 5) AS j GROUP BY c / 1000000$$)
UNION ALL
SELECT 'bigint ids with revenue, months',
       pg_temp.bytes_per_customer($$SELECT cohort_retention(c, date '2024-01-01' + (c + j * 7) % 700, 'month', 9.99)
                                    FROM generate_series(1, 200000) AS c, generate_series(1, 5) AS j GROUP BY c / 1000000$$);
SELECT diag(shape || ': ' || bytes || ' bytes per customer') FROM memory;
SELECT cmp_ok((SELECT bytes FROM memory WHERE shape LIKE 'bigint ids, 5 activities%'), '<=', 40.0,
              'a monthly state of 200,000 customers takes at most 40 bytes per customer');
SELECT cmp_ok((SELECT bytes FROM memory WHERE shape LIKE 'bigint ids, 5 days%'), '<=', 160.0,
              'a daily state with 5 distinct days per customer takes at most 160 bytes per customer');
SELECT cmp_ok((SELECT bytes FROM memory WHERE shape LIKE 'text%'), '<=', 64.0,
              'a text-id state takes at most 64 bytes per customer');
SELECT cmp_ok((SELECT bytes FROM memory WHERE shape LIKE '%revenue%'), '<=', 128.0,
              'a state with revenue takes at most 128 bytes per customer');

SELECT * FROM finish();
ROLLBACK;
