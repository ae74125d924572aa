--
-- Hostile inputs for the simple lifetime-value functions (DESIGN section 4):
-- cltv and payback_periods with NULL in each argument, zero, negatives,
-- NaN, +-Infinity, subnormals, integer extremes for horizon, and values
-- whose intermediate products overflow. Each case asserts the exact value,
-- NULL, or the SQLSTATE and message.
--
BEGIN;
SELECT plan(62);

-- cltv: NULL in each argument (horizon NULL means no horizon)
SELECT is(cltv(NULL, 0.1), NULL, 'cltv: NULL avg_revenue gives NULL');
SELECT is(cltv(100, NULL), NULL, 'cltv: NULL churn_rate gives NULL');
SELECT is(cltv(100, 0.1, NULL), NULL, 'cltv: NULL discount_rate gives NULL');
SELECT is(cltv(100, 0.1, 0, NULL), NULL, 'cltv: NULL margin gives NULL');
SELECT is(cltv(100, 0.5, 0, 1, NULL), 200::float8, 'cltv: NULL horizon is the unbounded closed form');
SELECT is(cltv(NULL, 'NaN'), NULL, 'cltv: NULL wins over a NaN in another argument');

-- cltv: NaN and +-Infinity in each float argument
SELECT throws_ok($$SELECT cltv('NaN', 0.1)$$, '22023', 'avg_revenue must be a finite number');
SELECT throws_ok($$SELECT cltv('Infinity', 0.1)$$, '22023', 'avg_revenue must be a finite number');
SELECT throws_ok($$SELECT cltv(100, 'Infinity')$$, '22023', 'churn_rate must be a finite number');
SELECT throws_ok($$SELECT cltv(100, '-Infinity')$$, '22023', 'churn_rate must be a finite number');
SELECT throws_ok($$SELECT cltv(100, 0.1, 'NaN')$$, '22023', 'discount_rate must be a finite number');
SELECT throws_ok($$SELECT cltv(100, 0.1, '-Infinity')$$, '22023', 'discount_rate must be a finite number');
SELECT throws_ok($$SELECT cltv(100, 0.1, 0, 'Infinity')$$, '22023', 'margin must be a finite number');
SELECT throws_ok($$SELECT cltv(100, 0.1, 0, '-Infinity')$$, '22023', 'margin must be a finite number');

-- cltv: zero, negative, boundaries of churn
SELECT is(cltv(0, 0.1), 0::float8, 'cltv: zero revenue is worth 0');
SELECT is(cltv(-100, 0.5), -200::float8, 'cltv: negative revenue gives a negative value');
SELECT is(cltv(100, 0.5, 0, -1), -200::float8, 'cltv: negative margin gives a negative value');
SELECT is(cltv(100, 1), 100::float8, 'cltv: churn 1 keeps only the first period');
SELECT is(cltv(100, 1, 0, 1, 5), 100::float8, 'cltv: churn 1 with a horizon keeps only the first period');
SELECT is(cltv(100, '-0'::float8, 0.25), 500::float8, 'cltv: churn -0 is churn 0: 100 * 1.25 / 0.25');
SELECT is(cltv(100, 0, 0, 1, 12), 1200::float8, 'cltv: churn 0 with a horizon of 12 is 12 periods of revenue');
SELECT throws_ok('SELECT cltv(100, 0)', '22012', 'lifetime value is unbounded with churn_rate 0 and discount_rate 0');
SELECT throws_ok($$SELECT cltv(100, '-1e-300')$$, '22023', 'churn_rate must be between 0 and 1');
SELECT throws_ok($$SELECT cltv(100, 0.5, '-4.9e-324')$$, '22023', 'discount_rate must not be negative');

-- cltv: horizon extremes
SELECT is(cltv(100, 0.5, 0, 1, 0), 0::float8, 'cltv: horizon 0 is an empty sum');
SELECT throws_ok('SELECT cltv(100, 0.1, 0, 1, -2147483648)', '22023', 'horizon must not be negative');
SELECT is(cltv(100, 0, 0, 1, 2147483647), 214748364700::float8, 'cltv: churn 0 over the largest horizon, exact');
SELECT is(cltv(100, 0.5, 0, 1, 2147483647), 200::float8, 'cltv: churn 0.5 over the largest horizon reaches the limit 200');
SELECT ok(abs(cltv(100, 0.01, 0, 1, 1001) - (cltv(100, 0.01, 0, 1, 1000) + 100 * 0.99::float8 ^ 1000)) < 1e-9,
          'cltv: the closed form beyond 1000 periods continues the direct sum');

-- cltv: overflow and underflow of intermediate products
SELECT is(cltv(1e300, 0.5, 0, 1e10, 0), 0::float8,
          'cltv: horizon 0 is 0 even when revenue * margin overflows (was NaN, an assertion failure)');
SELECT is(cltv(100, '4.9e-324', 0, 0), 0::float8,
          'cltv: margin 0 is 0 even when the periods overflow (was NaN, an assertion failure)');
SELECT is(cltv(0, '4.9e-324'), 0::float8, 'cltv: revenue 0 is 0 even when the periods overflow');
SELECT throws_ok($$SELECT cltv(100, '4.9e-324')$$, '22003', 'value out of range: overflow');
SELECT throws_ok($$SELECT cltv(100, 0, '1e-320')$$, '22003', 'value out of range: overflow');
SELECT throws_ok('SELECT cltv(1e200, 0.5, 0, 1e200)', '22003', 'value out of range: overflow');
SELECT throws_ok('SELECT cltv(-1e200, 0.5, 0, 1e200, 3)', '22003', 'value out of range: overflow');
SELECT is(cltv(100, 0.5, 1e308), 100::float8, 'cltv: a huge discount leaves the first period only');
SELECT is(cltv(100, 0.5, 1e308, 1, 5000), 100::float8, 'cltv: a huge discount, closed form over a horizon');
SELECT is(cltv(100, 0.5, 1e308, 1, 3), 100::float8, 'cltv: a huge discount, direct sum over a horizon');
SELECT is(cltv('1e-300', 0.5), 2e-300::float8, 'cltv: tiny revenue does not underflow to 0');

-- payback_periods: NULL in each argument (STRICT)
SELECT is(payback_periods(NULL, 10), NULL, 'payback_periods: NULL cac gives NULL');
SELECT is(payback_periods(100, NULL), NULL, 'payback_periods: NULL margin gives NULL');
SELECT is(payback_periods(100, 10, NULL), NULL, 'payback_periods: NULL churn gives NULL');

-- payback_periods: NaN, +-Infinity, negatives
SELECT throws_ok($$SELECT payback_periods('Infinity', 10)$$, '22023', 'cac must be a finite number');
SELECT throws_ok($$SELECT payback_periods(100, 'NaN')$$, '22023', 'margin_per_period must be a finite number');
SELECT throws_ok($$SELECT payback_periods(100, '-Infinity')$$, '22023', 'margin_per_period must be a finite number');
SELECT throws_ok($$SELECT payback_periods(100, 10, 'NaN')$$, '22023', 'churn_rate must be a finite number');
SELECT throws_ok('SELECT payback_periods(100, 10, -0.5)', '22023', 'churn_rate must be between 0 and 1');
SELECT throws_ok($$SELECT payback_periods('-4.9e-324', 10)$$, '22023', 'cac must not be negative');

-- payback_periods: zero, boundaries, extremes
SELECT is(payback_periods(0, 0), 0, 'payback_periods: nothing to recover takes 0 periods, even without margin');
SELECT is(payback_periods(100, 0), NULL, 'payback_periods: no margin never pays back');
SELECT is(payback_periods(100, 25), 4, 'payback_periods: an exact multiple, 100 / 25');
SELECT is(payback_periods(100, 30), 4, 'payback_periods: ceil(100 / 30)');
SELECT is(payback_periods(100, 100, 1), 1, 'payback_periods: churn 1, the first period is enough');
SELECT is(payback_periods(100, 99.99, 1), NULL, 'payback_periods: churn 1, the first period is not enough');
SELECT is(payback_periods(200, 100, 0.5), NULL, 'payback_periods: cac equal to the limit m / c is never reached');
SELECT is(payback_periods(199.99, 100, 0.5), 15, 'payback_periods: 200 (1 - 0.5^n) >= 199.99 first at n = 15');
SELECT is(payback_periods(2147483647, 1), 2147483647, 'payback_periods: the largest integer number of periods');
SELECT throws_ok('SELECT payback_periods(2147483648, 1)', '22003', 'payback period is out of range for type integer');
SELECT throws_ok($$SELECT payback_periods(1, '4.9e-324')$$, '22003', 'payback period is out of range for type integer');
SELECT is(payback_periods(1e308, 1e308), 1, 'payback_periods: huge but equal cac and margin');
SELECT is(payback_periods(1e308, 1e-308, 1e-300), NULL, 'payback_periods: the limit m / c = 1e-8 is far below cac');

SELECT * FROM finish();
ROLLBACK;
