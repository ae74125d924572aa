--
-- segment: all 25 cells of the default map, its coverage, the M argument,
-- NULLs and out-of-range scores; user rules (first match wins, no match is
-- NULL, a catch-all, rules that vary by row) and every malformed rule.
--

-- the default map, cell by cell
SELECT r, f, segment(r, f) FROM generate_series(1, 5) AS r, generate_series(1, 5) AS f ORDER BY r, f;
-- every cell is mapped exactly once: cells per segment
SELECT segment(r, f) AS segment, count(*) AS cells FROM generate_series(1, 5) AS r, generate_series(1, 5) AS f GROUP BY 1 ORDER BY 1;
-- M is checked but does not change the default segment
SELECT count(*) AS cases, count(*) FILTER (WHERE segment(r, f, m) = segment(r, f)) AS same
FROM generate_series(1, 5) AS r, generate_series(1, 5) AS f, generate_series(1, 5) AS m;
SELECT segment(NULL, 1) IS NULL AS null_r, segment(1, NULL, 1) IS NULL AS null_f;
SELECT segment(0, 1);
SELECT segment(1, 6);
SELECT segment(5, 5, 9);

-- user rules: first match wins, no match gives NULL
SELECT r, f, m, segment(r, f, m, '[{"segment": "Best", "r": [4, 5], "f": [4, 5], "m": [4, 5]},
                                   {"segment": "Big spenders", "m": [5, 5]},
                                   {"segment": "Lapsed", "r": [1, 1]}]')
FROM (VALUES (5, 5, 5), (1, 1, 5), (1, 1, 1), (3, 3, 3), (9, 9, 9)) AS v(r, f, m) ORDER BY r, f, m;
-- a rule without ranges catches everything; an empty array matches nothing
SELECT segment(2, 3, 4, '[{"segment": "Everyone"}]') AS catch_all, segment(2, 3, 4, '[]') IS NULL AS empty_rules;
-- rules that change from row to row
SELECT s, segment(1, 1, 1, rules) FROM (VALUES (1, '[{"segment": "one"}]'::jsonb), (2, '[{"segment": "two"}]'), (3, '[{"segment": "one"}]')) AS v(s, rules) ORDER BY s;

-- scores outside 1..9 and malformed rules
SELECT segment(10, 1, 1, '[]');
SELECT segment(1, 1, 0, '[]');
SELECT segment(1, 1, 1, '{"segment": "x"}');
SELECT segment(1, 1, 1, '"x"');
SELECT segment(1, 1, 1, '[1]');
SELECT segment(1, 1, 1, '[{"r": [1, 2]}]');
SELECT segment(1, 1, 1, '[{"segment": 5}]');
SELECT segment(1, 1, 1, '[{"segment": "a"}, {"segment": "b", "x": [1, 2]}]');
SELECT segment(1, 1, 1, '[{"segment": "a", "r": 3}]');
SELECT segment(1, 1, 1, '[{"segment": "a", "r": [1, 2, 3]}]');
SELECT segment(1, 1, 1, '[{"segment": "a", "f": ["1", "2"]}]');
SELECT segment(1, 1, 1, '[{"segment": "a", "m": [1.5, 2]}]');
SELECT segment(1, 1, 1, '[{"segment": "a", "m": [0, 2]}]');
SELECT segment(1, 1, 1, '[{"segment": "a", "m": [1, 1e400]}]');
SELECT segment(1, 1, 1, '[{"segment": "a", "r": [4, 2]}]');
