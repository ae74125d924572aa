--
-- rfm_score window functions with volatile arguments (issue 12, items 1
-- and 10). PostgreSQL evaluates a window function's argument again on
-- every fetch of a row, so a function that fetched a row twice saw two
-- values of random() or nextval(). Every overload
-- (r, f, m), (r, f, m, bins), (rfm), (rfm, bins) is run with each argument
-- behind a VOLATILE wrapper that counts its calls (a sequence), over
-- LCG data with NULL masks and monetary values both in and beyond the
-- scaled-integer range (20 decimals), in partitions of 1 to 5,000 rows,
-- with whole-partition, ORDER BY, ROWS and GROUPS frames. Each result must
-- equal the same window over the values materialised first, and each
-- wrapper must be called exactly once per row. random() arguments are
-- logged as they are drawn (setseed fixes them) and compared the same way.
-- The 1,000,000-row case is test/t/110_rfm_score_window.pl.
--
-- Named regressions:
--   rfm_score_window_random_crash: the issue's reproducer (heap corruption,
--     "double free or corruption", FailedAssertion("k == m")).
--   rfm_score_window_nextval_once: nextval() was called 20 times for 10 rows.
--   rfm_score_bins_vary: bins varying between rows was accepted (each row
--     scored with its own bins); now 22023 as in the rfm_breaks aggregate.
--   rfm_score_bins_null: a NULL bins in a later row, 22004.
--
BEGIN;
SELECT plan(39);
SET LOCAL client_min_messages = warning;

CREATE TEMP SEQUENCE evals;

-- the deterministic values of row id: an LCG, NULL masks per column
CREATE FUNCTION pg_temp.lcg(id bigint, k integer) RETURNS bigint IMMUTABLE LANGUAGE sql AS
$$ SELECT ((((id * 7919 + k * 104729) % 2147483648) * 1103515245 + 12345) % 2147483648) $$;
CREATE FUNCTION pg_temp.val_r(id bigint) RETURNS integer IMMUTABLE LANGUAGE sql AS
$$ SELECT CASE WHEN pg_temp.lcg(id, 1) % 7 <> 0 THEN (pg_temp.lcg(id, 2) % 400)::integer END $$;
CREATE FUNCTION pg_temp.val_f(id bigint) RETURNS bigint IMMUTABLE LANGUAGE sql AS
$$ SELECT CASE WHEN pg_temp.lcg(id, 3) % 11 <> 0 THEN pg_temp.lcg(id, 4) % 30 END $$;
-- monetary: a third beyond 18 digits (1/3.0 has 20 decimals), the rest cents
CREATE FUNCTION pg_temp.val_m(id bigint) RETURNS numeric IMMUTABLE LANGUAGE sql AS
$$ SELECT CASE WHEN pg_temp.lcg(id, 5) % 13 = 0 THEN NULL
               WHEN pg_temp.lcg(id, 6) % 3 = 0 THEN (pg_temp.lcg(id, 7) % 2000) / 3.0
               ELSE (pg_temp.lcg(id, 7) % 2000) / 100.0 END $$;

-- the same values behind VOLATILE wrappers that count their calls
CREATE FUNCTION pg_temp.vr(id bigint) RETURNS integer VOLATILE LANGUAGE sql AS
$$ SELECT CASE WHEN nextval('evals') > 0 THEN pg_temp.val_r(id) END $$;
CREATE FUNCTION pg_temp.vf(id bigint) RETURNS bigint VOLATILE LANGUAGE sql AS
$$ SELECT CASE WHEN nextval('evals') > 0 THEN pg_temp.val_f(id) END $$;
CREATE FUNCTION pg_temp.vm(id bigint) RETURNS numeric VOLATILE LANGUAGE sql AS
$$ SELECT CASE WHEN nextval('evals') > 0 THEN pg_temp.val_m(id) END $$;
CREATE FUNCTION pg_temp.vrfm(id bigint) RETURNS rfm VOLATILE LANGUAGE sql AS
$$ SELECT CASE WHEN nextval('evals') > 0 AND pg_temp.lcg(id, 8) % 17 <> 0
               THEN ROW(pg_temp.val_r(id), pg_temp.val_f(id), pg_temp.val_m(id), 0)::rfm END $$;
CREATE FUNCTION pg_temp.vbins(id bigint) RETURNS integer VOLATILE LANGUAGE sql AS
$$ SELECT CASE WHEN nextval('evals') > 0 THEN 4 END $$;

-- check(n, parts, call, matcall, win, calls_per_row): over rows 1..n in
-- partitions id % parts, the window `call` with volatile arguments against
-- `matcall` over the materialised values; 'ok', or what differs
CREATE FUNCTION pg_temp.check(n integer, parts integer, call text, matcall text, win text,
                              calls_per_row integer) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    mismatches bigint;
    calls bigint;
BEGIN
    DROP TABLE IF EXISTS src, mat, got;
    CREATE TEMP TABLE src AS SELECT id::bigint AS id, id % parts AS p FROM generate_series(1, n) AS id;
    CREATE TEMP TABLE mat AS
    SELECT id, p, pg_temp.val_r(id) AS r, pg_temp.val_f(id) AS f, pg_temp.val_m(id) AS m,
           CASE WHEN pg_temp.lcg(id, 8) % 17 <> 0
                THEN ROW(pg_temp.val_r(id), pg_temp.val_f(id), pg_temp.val_m(id), 0)::rfm END AS x
    FROM src;
    PERFORM setval('evals', 1, false);
    EXECUTE format('CREATE TEMP TABLE got AS SELECT id, %s OVER w AS s FROM src WINDOW w AS (%s)', call, win);
    calls := currval('evals');
    EXECUTE format('SELECT count(*) FROM ((SELECT id, s FROM got EXCEPT ALL SELECT id, %1$s OVER w FROM mat WINDOW w AS (%2$s))
                    UNION ALL (SELECT id, %1$s OVER w FROM mat WINDOW w AS (%2$s) EXCEPT ALL SELECT id, s FROM got)) AS d',
                   matcall, win) INTO mismatches;
    IF mismatches <> 0 THEN
        RETURN mismatches || ' rows differ';
    END IF;
    IF calls <> n::bigint * calls_per_row THEN
        RETURN 'arguments evaluated ' || calls || ' times for ' || n || ' rows';
    END IF;
    RETURN 'ok';
END $$;

-- every overload x frame x partition size
CREATE TEMP TABLE cases (overload text, call text, matcall text, per_row integer);
INSERT INTO cases VALUES
('(r, f, m)', 'rfm_score(pg_temp.vr(id), pg_temp.vf(id), pg_temp.vm(id))', 'rfm_score(r, f, m)', 3),
('(r, f, m, bins)', 'rfm_score(pg_temp.vr(id), pg_temp.vf(id), pg_temp.vm(id), pg_temp.vbins(id))', 'rfm_score(r, f, m, 4)', 4),
('(rfm)', 'rfm_score(pg_temp.vrfm(id))', 'rfm_score(x)', 1),
('(rfm, bins)', 'rfm_score(pg_temp.vrfm(id), pg_temp.vbins(id))', 'rfm_score(x, 4)', 2);
CREATE TEMP TABLE shapes (n integer, parts integer, win text);
INSERT INTO shapes VALUES
(1, 1, ''),
(7, 7, 'PARTITION BY p'),
(300, 3, 'PARTITION BY p ORDER BY id'),
(300, 1, 'ORDER BY id DESC ROWS BETWEEN 1 PRECEDING AND CURRENT ROW'),
(1000, 10, 'PARTITION BY p ORDER BY id % 7 GROUPS BETWEEN CURRENT ROW AND 2 FOLLOWING'),
(1000, 1000, 'PARTITION BY p ORDER BY id'),
(5000, 1, '');

SELECT is(pg_temp.check(s.n, s.parts, c.call, c.matcall, s.win, c.per_row), 'ok',
          'rfm_score' || c.overload || ' with volatile arguments, ' || s.n || ' rows in '
          || s.parts || ' partitions, OVER (' || s.win || '): each argument once per row, '
          || 'same scores as over the materialised values')
FROM cases AS c, shapes AS s
ORDER BY c.overload, s.n, s.parts;

-- random() arguments: each drawn value is logged; the scores must be those
-- of the logged values, and each row drew once
CREATE TEMP TABLE drawn (id bigint, m numeric);
CREATE FUNCTION pg_temp.draw(id bigint) RETURNS numeric VOLATILE LANGUAGE plpgsql AS $$
DECLARE
    v numeric := CASE WHEN random() < 0.5 THEN round((random() * 1000)::numeric) / 3.0 END;
BEGIN
    INSERT INTO drawn VALUES (id, v);
    RETURN v;
END $$;
SELECT setseed(0.42);
CREATE TEMP TABLE drawn_scores AS
SELECT g::bigint AS id, rfm_score(g % 50, (g % 9)::bigint, pg_temp.draw(g)) OVER (PARTITION BY g % 3) AS s
FROM generate_series(1, 3000) AS g;
SELECT is((SELECT count(*) FROM drawn), 3000::bigint,
          'rfm_score with random() arguments: one draw per row (3000 rows)');
SELECT is((SELECT count(*) FROM (
    SELECT id, s FROM drawn_scores
    EXCEPT ALL
    SELECT id, rfm_score((id % 50)::integer, id % 9, m) OVER (PARTITION BY id % 3) FROM drawn) AS d),
    0::bigint, 'rfm_score with random() arguments: the scores of the values drawn');

-- rfm_score_window_random_crash: the issue's reproducer
SELECT is((SELECT count(*) FROM (SELECT rfm_score(1, 1::bigint, CASE WHEN random() < 0.5 THEN 1/3.0 END) OVER ()
                                 FROM generate_series(1, 10000)) s),
          10000::bigint, 'rfm_score_window_random_crash: random() NULLs and 20-decimal amounts score every row');
SELECT is((SELECT count(*) FROM (SELECT rfm_score(ROW(1, 1, CASE WHEN random() < 0.5 THEN 1/3.0 END, 1)::rfm) OVER ()
                                 FROM generate_series(1, 10000)) s),
          10000::bigint, 'rfm_score_window_random_crash: the same through the rfm composite');

-- rfm_score_window_nextval_once
CREATE TEMP SEQUENCE once;
SELECT is((SELECT count(*) FROM (SELECT rfm_score(1, nextval('once'), 1.0) OVER () FROM generate_series(1, 10)) s)
          || ' rows, ' || currval('once') || ' calls',
          '10 rows, 10 calls', 'rfm_score_window_nextval_once: nextval() in an argument is called once per row');
SELECT is(array_agg((s).f ORDER BY n)::text, '{1,1,2,2,3,3,4,4,5,5}',
          'rfm_score_window_nextval_once: the scores are those of the values nextval() returned')
FROM (SELECT n, rfm_score(1, nextval('once') - 10, 1.0) OVER () AS s FROM generate_series(1, 10) AS n) AS t;

-- rfm_score_bins_vary / rfm_score_bins_null
CREATE FUNCTION pg_temp.error_of(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    state text;
    message text;
    detail text;
BEGIN
    EXECUTE query;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    RETURN state || ': ' || message || ' / ' || detail;
END $$;
SELECT is(pg_temp.error_of($$SELECT rfm_score(g, g::bigint, g::numeric, 2 + g / 3) OVER () FROM generate_series(1, 5) AS g$$),
          '22023: bins must be the same in every row of a partition / bins is 2 in one row and 3 in another.',
          'rfm_score_bins_vary: bins varying between rows is 22023 naming both values');
SELECT is(pg_temp.error_of($$SELECT rfm_score(ROW(g, g, g, g)::rfm, CASE WHEN g < 4 THEN 5 ELSE 9 END) OVER () FROM generate_series(1, 5) AS g$$),
          '22023: bins must be the same in every row of a partition / bins is 5 in one row and 9 in another.',
          'rfm_score_bins_vary: the same for the composite form');
SELECT is((SELECT count(*) FROM (SELECT rfm_score(g, g::bigint, g::numeric, 2 + g / 3) OVER (PARTITION BY g / 3)
                                 FROM generate_series(1, 8) AS g) s),
          8::bigint, 'rfm_score_bins_vary: bins may differ between partitions');
SELECT is(pg_temp.error_of($$SELECT rfm_score(g, g::bigint, g::numeric, CASE WHEN g < 3 THEN 5 END) OVER () FROM generate_series(1, 5) AS g$$),
          '22004: bins must not be NULL / ',
          'rfm_score_bins_null: a NULL bins in a later row is 22004');
SELECT is(pg_temp.error_of($$SELECT rfm_score(g, g::bigint, g::numeric, CASE WHEN g < 3 THEN 5 ELSE 10 END) OVER () FROM generate_series(1, 5) AS g$$),
          '22023: bins must be between 2 and 9 / bins is 10.',
          'rfm_score_bins_vary: a later bins out of range is 22023');

SELECT * FROM finish();
ROLLBACK;
