--
-- Product-analytics retention (doc/product_retention.md): activity_matrix,
-- bracket_retention, recurring_retention, n_day_retention and stickiness
-- against plain SQL over many generated tables, and the worked examples.
--
SET extra_float_digits = 0;

-- activity of 25 generated tables (LCG streams: 1 to 25 users, 1 to 90
-- days, repeated days, gaps)
CREATE TABLE pa_events AS
WITH p AS (
    SELECT s, 1 + (s * 7) % 25 AS nusers, 1 + (s * 37) % 90 AS ndays, 5 + (s * 11) % 150 AS nrows
    FROM generate_series(1::bigint, 25) AS s
)
SELECT s::int AS s, (((g * 2654435761 + s * 40503) % 1000003) % nusers)::bigint AS user_id,
       date '2024-01-29' + (((g * 1103515245 + s * 12345) % 2147483647) % ndays)::int AS d
FROM p, generate_series(1::bigint, nrows) AS g;

-- offsets between two period starts, in periods of the unit
CREATE FUNCTION off(unit text, a date, b date) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
SELECT CASE unit
    WHEN 'day' THEN b - a
    WHEN 'week' THEN (b - a) / 7
    WHEN 'month' THEN ((extract(year FROM b) - extract(year FROM a)) * 12 + extract(month FROM b) - extract(month FROM a))::int
    WHEN 'quarter' THEN ((extract(year FROM b) - extract(year FROM a)) * 4 + extract(quarter FROM b) - extract(quarter FROM a))::int
    ELSE (extract(year FROM b) - extract(year FROM a))::int END
$$;

CREATE TABLE pa_act AS
SELECT DISTINCT s, unit, user_id, date_trunc(unit, d)::date AS p
FROM pa_events, unnest(ARRAY['day', 'week', 'month', 'quarter', 'year']) AS unit;
CREATE TABLE pa_cohorts AS
SELECT s, unit, user_id, min(p) AS c, max(max(p)) OVER (PARTITION BY s, unit) AS last
FROM pa_act GROUP BY s, unit, user_id;

CREATE TABLE pa_matrices AS
SELECT s, unit, activity_matrix(user_id, d, unit::time_unit) AS m
FROM pa_events, unnest(ARRAY['day', 'week', 'month', 'quarter', 'year']) AS unit GROUP BY s, unit;

-- activity_matrix is revenue_retention with every amount 0
SELECT count(*) AS pa_matrices,
       count(*) FILTER (WHERE m::text = (SELECT revenue_retention(user_id, d, 0, x.unit::time_unit)::text
                                        FROM pa_events AS e WHERE e.s = x.s)) AS same
FROM pa_matrices AS x;

-- bracket_retention against plain SQL
CREATE TABLE pa_brackets AS SELECT ARRAY['[0,1)', '[1,3)', '[3,8)', '[8,)']::int4range[] AS b;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE x.s IS NULL OR r.s IS NULL OR x.cohort_size <> r.cohort_size OR x.active <> r.active
                          OR x.retention <> r.retention OR x.complete <> r.complete) AS differ
FROM (SELECT s, unit, (bracket_retention(m, (SELECT b FROM pa_brackets))).* FROM pa_matrices) AS x
FULL JOIN (
    SELECT c.s, c.unit, c.c AS cohort, br AS bracket, count(*) AS cohort_size,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM pa_act AS a WHERE a.s = c.s AND a.unit = c.unit AND a.user_id = c.user_id
                                           AND off(c.unit, c.c, a.p) <@ br)) AS active,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM pa_act AS a WHERE a.s = c.s AND a.unit = c.unit AND a.user_id = c.user_id
                                           AND off(c.unit, c.c, a.p) <@ br))::float8 / count(*) AS retention,
           NOT upper_inf(br) AND off(c.unit, c.c, min(c.last)) >= upper(br) - 1 AS complete
    FROM pa_cohorts AS c, unnest((SELECT b FROM pa_brackets)) AS br
    WHERE off(c.unit, c.c, c.last) >= lower(br)
    GROUP BY c.s, c.unit, c.c, br
) AS r USING (s, unit, cohort, bracket);

-- recurring_retention against plain SQL
SELECT count(*) AS rows,
       count(*) FILTER (WHERE x.s IS NULL OR r.s IS NULL OR x.base_users <> r.base_users OR x.active <> r.active
                          OR x.retention <> r.retention) AS differ
FROM (SELECT s, unit, (recurring_retention(m)).* FROM pa_matrices) AS x
FULL JOIN (
    SELECT b.s, b.unit, b.p AS period, k AS period_offset, b.base_users,
           (SELECT count(*) FROM pa_act AS a JOIN pa_act AS a2 USING (s, unit, user_id)
            WHERE a.s = b.s AND a.unit = b.unit AND a.p = b.p AND off(b.unit, a.p, a2.p) = k) AS active,
           (SELECT count(*) FROM pa_act AS a JOIN pa_act AS a2 USING (s, unit, user_id)
            WHERE a.s = b.s AND a.unit = b.unit AND a.p = b.p AND off(b.unit, a.p, a2.p) = k)::float8 / b.base_users AS retention
    FROM (SELECT s, unit, p, count(*) AS base_users, min(last) AS last
          FROM pa_act JOIN (SELECT DISTINCT s, unit, last FROM pa_cohorts) AS l USING (s, unit) GROUP BY s, unit, p) AS b,
         generate_series(0, off(b.unit, b.p, b.last)) AS k
) AS r USING (s, unit, period, period_offset);

-- n_day_retention against plain SQL, classic and rolling, n = 0 .. 40
SELECT mode, count(*) AS cases, count(x) AS not_null,
       count(*) FILTER (WHERE x IS DISTINCT FROM r) AS differ
FROM pa_matrices AS mm, unnest(ARRAY['classic', 'rolling']) AS mode, generate_series(0, 40) AS n,
LATERAL (SELECT n_day_retention(mm.m, n, mode) AS x) AS a,
LATERAL (
    SELECT (count(*) FILTER (WHERE EXISTS (SELECT 1 FROM pa_act AS a WHERE a.s = c.s AND a.unit = c.unit AND a.user_id = c.user_id
                                          AND CASE mode WHEN 'classic' THEN off(c.unit, c.c, a.p) = n
                                                        ELSE off(c.unit, c.c, a.p) >= n END)))::float8
           / nullif(count(*), 0) AS r
    FROM pa_cohorts AS c WHERE c.s = mm.s AND c.unit = mm.unit AND off(c.unit, c.c, c.last) >= n
) AS b
GROUP BY mode ORDER BY mode;
SELECT count(*) FILTER (WHERE n_day_retention(m, 3) IS DISTINCT FROM n_day_retention(m, 3, 'classic')) AS default_is_classic
FROM pa_matrices;

-- stickiness against plain SQL
SELECT count(*) AS rows,
       count(*) FILTER (WHERE x.s IS NULL OR r.s IS NULL OR x.dau <> r.dau OR x.wau <> r.wau OR x.mau <> r.mau
                          OR x.dau_wau IS DISTINCT FROM r.dau_wau OR x.dau_mau IS DISTINCT FROM r.dau_mau) AS differ
FROM (SELECT s, (stickiness(m)).* FROM pa_matrices WHERE unit = 'day') AS x
FULL JOIN (
    SELECT t.s, t.day, dau, wau, mau, dau::float8 / nullif(wau, 0) AS dau_wau, dau::float8 / nullif(mau, 0) AS dau_mau
    FROM (SELECT s, gs::date AS day
          FROM (SELECT s, min(d) AS f, max(d) AS l FROM pa_events GROUP BY s) AS b, generate_series(f, l, '1 day') AS gs) AS t,
    LATERAL (SELECT count(DISTINCT user_id) FILTER (WHERE e.d = t.day) AS dau,
                    count(DISTINCT user_id) FILTER (WHERE e.d > t.day - 7) AS wau,
                    count(DISTINCT user_id) AS mau
             FROM pa_events AS e WHERE e.s = t.s AND e.d > t.day - 30 AND e.d <= t.day) AS c
) AS r USING (s, day);

-- errors
SELECT stickiness(m) FROM pa_matrices WHERE s = 1 AND unit = 'week';
SELECT n_day_retention(m, -1) FROM pa_matrices WHERE s = 1 AND unit = 'day';
SELECT n_day_retention(m, 1, 'bounded') FROM pa_matrices WHERE s = 1 AND unit = 'day';
SELECT bracket_retention(m, '{}') FROM pa_matrices WHERE s = 1 AND unit = 'day';
SELECT bracket_retention(m, '{"[0,1)", NULL}') FROM pa_matrices WHERE s = 1 AND unit = 'day';
SELECT bracket_retention(m, '{"(,3)"}') FROM pa_matrices WHERE s = 1 AND unit = 'day';
SELECT bracket_retention(m, '{"[-1,3)"}') FROM pa_matrices WHERE s = 1 AND unit = 'day';
SELECT bracket_retention(m, '{empty}') FROM pa_matrices WHERE s = 1 AND unit = 'day';
SELECT count(*) FROM recurring_retention('unit=day; 1: 0001-01-01 0, 9999-12-31 0');
SELECT n_day_retention('unit=day; 1: 2024-01-01 0', 5) AS not_reached;

-- the worked examples of doc/product_retention.md (ISO dates, as the doc prints them)
SET DateStyle = ISO;
CREATE TABLE app_events (user_id bigint, seen_on date);
INSERT INTO app_events VALUES
    (1, '2025-03-03'), (1, '2025-03-04'), (1, '2025-03-10'), (1, '2025-03-20'),
    (2, '2025-03-03'), (2, '2025-03-08'),
    (3, '2025-03-04'), (3, '2025-03-05'), (3, '2025-03-06'), (3, '2025-03-07'),
    (4, '2025-03-05');
CREATE TABLE app AS SELECT activity_matrix(user_id, seen_on, 'day') AS m FROM app_events;
SELECT * FROM bracket_retention((SELECT m FROM app), '{"[0,1)", "[1,4)", "[4,15)"}');
SELECT n_day_retention(m, 1) AS day_1, n_day_retention(m, 1, 'rolling') AS day_1_unbounded FROM app;
SELECT * FROM recurring_retention((SELECT activity_matrix(user_id, seen_on, 'week') FROM app_events));
SELECT * FROM stickiness((SELECT m FROM app)) WHERE day IN ('2025-03-05', '2025-03-10', '2025-03-20');

DROP TABLE pa_events, pa_act, pa_cohorts, pa_matrices, pa_brackets, app_events, app;
DROP FUNCTION off(text, date, date);
