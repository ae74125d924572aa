--
-- Contracts of the scalar functions of DESIGN sections 2-4: signatures,
-- volatility and strictness as documented, and every error path with its
-- SQLSTATE and message.
--
BEGIN;
SELECT plan(39);

-- signatures and markings
SELECT has_function('segment', ARRAY['integer', 'integer']);
SELECT has_function('segment', ARRAY['integer', 'integer', 'integer']);
SELECT has_function('segment', ARRAY['integer', 'integer', 'integer', 'jsonb']);
SELECT has_function('retention_rate', ARRAY['bigint', 'bigint', 'bigint']);
SELECT has_function('churn_rate', ARRAY['bigint', 'bigint', 'bigint']);
SELECT has_function('cltv', ARRAY['double precision', 'double precision', 'double precision', 'double precision', 'integer']);
SELECT has_function('payback_periods', ARRAY['double precision', 'double precision', 'double precision']);
SELECT function_returns('retention_rate', ARRAY['bigint', 'bigint', 'bigint'], 'double precision');
SELECT function_returns('payback_periods', ARRAY['double precision', 'double precision', 'double precision'], 'integer');
SELECT function_returns('segment', ARRAY['integer', 'integer'], 'text');
SELECT volatility_is('cltv', ARRAY['double precision', 'double precision', 'double precision', 'double precision', 'integer'], 'immutable');
SELECT isnt_strict('cltv', ARRAY['double precision', 'double precision', 'double precision', 'double precision', 'integer'],
                   'cltv is not STRICT: a NULL horizon means no horizon');
SELECT is_strict('payback_periods', ARRAY['double precision', 'double precision', 'double precision']);
SELECT is(cltv(10000, 0.01), 1000000::float8, 'cltv defaults: avg_revenue / churn_rate');
SELECT is(payback_periods(100000, 10000), 10, 'payback_periods default churn 0');

-- retention_rate / churn_rate
SELECT throws_ok('SELECT retention_rate(-1, 0, 0)', '22023', 'customer counts must not be negative');
SELECT throws_ok('SELECT churn_rate(0, 0, -3)', '22023', 'customer counts must not be negative');
SELECT throws_ok('SELECT retention_rate(10, 5, 6)', '22023', 'new_count must not exceed end_count');
SELECT throws_ok('SELECT churn_rate(10, 20, 5)', '22023', 'more customers retained than there were at the start');

-- cltv
SELECT throws_ok('SELECT cltv(100, 0)', '22012', 'lifetime value is unbounded with churn_rate 0 and discount_rate 0');
SELECT throws_ok('SELECT cltv(100, -0.1)', '22023', 'churn_rate must be between 0 and 1');
SELECT throws_ok('SELECT cltv(100, 1.0000001)', '22023', 'churn_rate must be between 0 and 1');
SELECT throws_ok($$SELECT cltv(100, 'NaN')$$, '22023', 'churn_rate must be a finite number');
SELECT throws_ok($$SELECT cltv('-Infinity', 0.1)$$, '22023', 'avg_revenue must be a finite number');
SELECT throws_ok('SELECT cltv(100, 0.1, -0.05)', '22023', 'discount_rate must not be negative');
SELECT throws_ok($$SELECT cltv(100, 0.1, 'Infinity')$$, '22023', 'discount_rate must be a finite number');
SELECT throws_ok($$SELECT cltv(100, 0.1, 0, 'NaN')$$, '22023', 'margin must be a finite number');
SELECT throws_ok('SELECT cltv(100, 0.1, 0, 1, -1)', '22023', 'horizon must not be negative');
SELECT throws_ok('SELECT cltv(1e308, 0.001)', '22003', 'value out of range: overflow');
SELECT throws_ok('SELECT cltv(1e300, 0, 0, 1e10, 100)', '22003', 'value out of range: overflow');

-- payback_periods
SELECT throws_ok('SELECT payback_periods(-1, 100)', '22023', 'cac must not be negative');
SELECT throws_ok('SELECT payback_periods(100, -1)', '22023', 'margin_per_period must not be negative');
SELECT throws_ok('SELECT payback_periods(100, 10, 2)', '22023', 'churn_rate must be between 0 and 1');
SELECT throws_ok($$SELECT payback_periods('NaN', 10)$$, '22023', 'cac must be a finite number');
SELECT throws_ok('SELECT payback_periods(1e12, 1e-3)', '22003', 'payback period is out of range for type integer');

-- segment
SELECT throws_ok('SELECT segment(0, 1)', '22023', 'score r must be between 1 and 5');
SELECT throws_ok('SELECT segment(1, 1, 6)', '22023', 'score m must be between 1 and 5');
SELECT throws_ok($$SELECT segment(1, 1, 10, '[]')$$, '22023', 'score m must be between 1 and 9');
SELECT throws_ok($$SELECT segment(1, 1, 1, '[{"segment": "a", "q": [1, 2]}]')$$, '22023', 'invalid segment rules');

SELECT * FROM finish();
ROLLBACK;
