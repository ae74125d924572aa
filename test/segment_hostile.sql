--
-- Hostile inputs for segments (DESIGN section 2): segment(r, f [, m]),
-- segment(rfm_score) and segment(r, f, m, rules jsonb) with NULLs, scores
-- at and beyond the limits, integer extremes, and malformed jsonb rules of
-- every shape. Each error is 22023 with the detail naming the rule.
--
BEGIN;
SELECT plan(52);

\ir lib/setup.sql

-- NULLs (STRICT forms) and NULL fields of the composite
SELECT is(segment(NULL, 1), NULL, 'segment(r, f): NULL r');
SELECT is(segment(1, NULL), NULL, 'segment(r, f): NULL f');
SELECT is(segment(1, 1, NULL), NULL, 'segment(r, f, m): NULL m');
SELECT is(segment(NULL, 1, 1, '[]'), NULL, 'segment rules: NULL r');
SELECT is(segment(1, 1, 1, NULL), NULL, 'segment rules: NULL rules');
SELECT is(segment(NULL::rfm_score), NULL, 'segment(rfm_score): NULL composite');
SELECT is(segment('(,1,1,)'::rfm_score), NULL, 'segment(rfm_score): NULL r score');
SELECT is(segment('(1,,1,)'::rfm_score), NULL, 'segment(rfm_score): NULL f score');
SELECT is(segment('(1,1,,)'::rfm_score), 'Hibernating', 'segment(rfm_score): a NULL m score is not needed');
SELECT throws_ok($$SELECT segment('(1,1,7,)'::rfm_score)$$, '22023', 'score m must be between 1 and 5');
SELECT throws_ok($$SELECT segment('(6,1,1,)'::rfm_score)$$, '22023', 'score r must be between 1 and 5');

-- default map: corners, zero, negatives and integer extremes
SELECT is(segment(5, 5), 'Champions', 'segment: (5, 5)');
SELECT is(segment(1, 5, 5), 'Can''t Lose Them', 'segment: (1, 5) with m 5');
SELECT throws_ok('SELECT segment(0, 1)', '22023', 'score r must be between 1 and 5');
SELECT throws_ok('SELECT segment(1, -1)', '22023', 'score f must be between 1 and 5');
SELECT throws_ok('SELECT segment(-2147483648, 1)', '22023', 'score r must be between 1 and 5');
SELECT throws_ok('SELECT segment(1, 2147483647)', '22023', 'score f must be between 1 and 5');
SELECT throws_ok('SELECT segment(1, 1, 0)', '22023', 'score m must be between 1 and 5');
SELECT is(pg_temp.failure('SELECT segment(2147483647, 1)'), '22023 r is 2147483647.', 'segment: the detail names the bad score');

-- rules: scores 1..9
SELECT is(segment(9, 9, 9, '[{"segment": "all"}]'), 'all', 'segment rules: scores up to 9');
SELECT throws_ok($$SELECT segment(10, 1, 1, '[]')$$, '22023', 'score r must be between 1 and 9');
SELECT throws_ok($$SELECT segment(1, 0, 1, '[]')$$, '22023', 'score f must be between 1 and 9');
SELECT throws_ok($$SELECT segment(1, 1, -2147483648, '[]')$$, '22023', 'score m must be between 1 and 9');

-- rules: well-formed edge cases
SELECT is(segment(1, 1, 1, '[]'), NULL, 'segment rules: no rule, no match');
SELECT is(segment(1, 1, 1, '[{"segment": ""}]'), '', 'segment rules: an empty segment name');
SELECT is(segment(2, 1, 1, '[{"segment": "a", "r": [1, 1]}, {"segment": "b"}]'), 'b', 'segment rules: the first matching rule wins');
SELECT is(segment(1, 1, 1, '[{"segment": "a", "segment": "b"}]'), 'b', 'segment rules: a repeated key keeps its last value, as jsonb does');
SELECT is(segment(9, 1, 1, '[{"segment": "a", "r": [1.0, 9.000]}]'), 'a', 'segment rules: whole bounds written with decimals');
SELECT is(segment(3, 3, 3, '[{"segment": "a", "r": [3, 3], "f": [3, 3], "m": [3, 3]}]'), 'a', 'segment rules: one-cell ranges');
SELECT is(segment(3, 3, 4, '[{"segment": "a", "r": [3, 3], "f": [3, 3], "m": [3, 3]}]'), NULL, 'segment rules: m outside its range');

-- rules: malformed
SELECT throws_ok($$SELECT segment(1, 1, 1, '{}')$$, '22023', 'invalid segment rules');
SELECT throws_ok($$SELECT segment(1, 1, 1, '"x"')$$, '22023', 'invalid segment rules');
SELECT throws_ok($$SELECT segment(1, 1, 1, 'null')$$, '22023', 'invalid segment rules');
SELECT throws_ok($$SELECT segment(1, 1, 1, '5')$$, '22023', 'invalid segment rules');
SELECT is(pg_temp.failure($$SELECT segment(1, 1, 1, '[null]')$$), '22023 Rule 1: a rule must be a JSON object.', 'segment rules: a null rule');
SELECT is(pg_temp.failure($$SELECT segment(1, 1, 1, '[[1]]')$$), '22023 Rule 1: a rule must be a JSON object.', 'segment rules: an array as a rule');
SELECT is(pg_temp.failure($$SELECT segment(1, 1, 1, '[{}]')$$), '22023 Rule 1: the key "segment" is missing.', 'segment rules: an empty rule');
SELECT is(pg_temp.failure($$SELECT segment(1, 1, 1, '[{"segment": null}]')$$), '22023 Rule 1: "segment" must be a string.', 'segment rules: a null segment');
SELECT is(pg_temp.failure($$SELECT segment(1, 1, 1, '[{"segment": 5}]')$$), '22023 Rule 1: "segment" must be a string.', 'segment rules: a number as segment');
SELECT is(pg_temp.failure($$SELECT segment(1, 1, 1, '[{"segment": "a"}, {"segment": "b", "q": [1, 2]}]')$$),
          '22023 Rule 2: unknown key "q".', 'segment rules: an unknown key, in the second rule');
SELECT is(pg_temp.failure($$SELECT segment(1, 1, 1, '[{"segment": "a", "": 1}]')$$), '22023 Rule 1: unknown key "".', 'segment rules: an empty key');
SELECT is(pg_temp.failure($$SELECT segment(1, 1, 1, '[{"segment": "a", "r": null}]')$$), '22023 Rule 1: the range "r" must be an array [low, high].', 'segment rules: a null range');
SELECT is(pg_temp.failure($$SELECT segment(1, 1, 1, '[{"segment": "a", "f": [1]}]')$$), '22023 Rule 1: the range "f" must be an array [low, high].', 'segment rules: a range of one bound');
SELECT is(pg_temp.failure($$SELECT segment(1, 1, 1, '[{"segment": "a", "m": [1, 2, 3]}]')$$), '22023 Rule 1: the range "m" must be an array [low, high].', 'segment rules: a range of three bounds');
SELECT is(pg_temp.failure($$SELECT segment(1, 1, 1, '[{"segment": "a", "r": {"low": 1}}]')$$), '22023 Rule 1: the range "r" must be an array [low, high].', 'segment rules: an object as range');
SELECT is(pg_temp.failure($$SELECT segment(1, 1, 1, '[{"segment": "a", "r": ["1", 2]}]')$$), '22023 Rule 1: the range "r" must hold two numbers.', 'segment rules: a string bound');
SELECT is(pg_temp.failure($$SELECT segment(1, 1, 1, '[{"segment": "a", "r": [2, 1]}]')$$), '22023 Rule 1: the range "r" has its low above its high.', 'segment rules: low above high');
SELECT is(pg_temp.failure($$SELECT segment(1, 1, 1, '[{"segment": "a", "r": [1.5, 2]}]')$$), '22023 Rule 1: the range "r" must hold whole scores from 1 to 9.', 'segment rules: a fractional bound');
SELECT is(pg_temp.failure($$SELECT segment(1, 1, 1, '[{"segment": "a", "r": [0, 2]}]')$$), '22023 Rule 1: the range "r" must hold whole scores from 1 to 9.', 'segment rules: bound 0');
SELECT is(pg_temp.failure($$SELECT segment(1, 1, 1, '[{"segment": "a", "r": [1, 1e400]}]')$$), '22023 Rule 1: the range "r" must hold whole scores from 1 to 9.', 'segment rules: a bound beyond float8');
SELECT is(pg_temp.failure($$SELECT segment(1, 1, 1, '[{"segment": "a", "r": [0.99999999999999999999, 1]}]')$$), '22023 Rule 1: the range "r" must hold whole scores from 1 to 9.',
          'segment rules: 0.99999999999999999999 is not a whole score (was read as 1)');
SELECT is(pg_temp.failure($$SELECT segment(1, 1, 1, '[{"segment": "a", "r": [1, 9.0000000000000000001]}]')$$), '22023 Rule 1: the range "r" must hold whole scores from 1 to 9.',
          'segment rules: 9.0000000000000000001 is not a whole score (was read as 9)');

SELECT * FROM finish();
ROLLBACK;
