--
-- retention_counts and retention_rate aggregates over active intervals
-- [started_at, ended_at): the seed example on constructed intervals, the
-- boundary instants (a row counts at an instant b when started_at < b <=
-- ended_at), period bound inclusivity, the chain end(p) = start(p + 1),
-- plain-SQL agreement on generated subscriptions, NULLs, errors and a
-- parallel plan.
--
SET extra_float_digits = 0;
SET TimeZone = 'UTC';

-- The seed example: January 2025, 150 customers at the start, 200 at the
-- end, 80 of them new: (200 - 80) / 150 = 0.8.
CREATE TABLE subs (id integer, started_at date, ended_at date);
-- 120 retained: started in 2024, still active or ended on or after 02-01
INSERT INTO subs SELECT g, date '2024-01-01' + g, CASE WHEN g % 3 = 0 THEN date '2025-02-01' + g % 40 END
FROM generate_series(1, 120) AS g;
-- 30 churned: started in 2024, ended in January (10 of them on 01-01:
-- active on 12-31, so counted at the start, and gone)
INSERT INTO subs SELECT 1000 + g, date '2024-06-01', date '2025-01-01' + (g % 3) * 10 FROM generate_series(1, 30) AS g;
-- 80 new: started in January (10 on 01-01), active at its end (10 ending 02-01)
INSERT INTO subs SELECT 2000 + g, date '2025-01-01' + g % 31, CASE WHEN g <= 10 THEN date '2025-02-01' END
FROM generate_series(1, 80) AS g;
-- counted nowhere: started and ended in January, ended before it, started
-- on 02-01, zero-length intervals
INSERT INTO subs SELECT 3000 + g, date '2025-01-05', date '2025-01-20' FROM generate_series(1, 7) AS g;
INSERT INTO subs VALUES (4001, '2024-03-01', '2024-12-31'), (4002, '2025-02-01', NULL),
                        (4003, '2025-01-10', '2025-01-10'), (4004, '2024-12-31', '2024-12-31');
SELECT retention_rate(started_at, ended_at, daterange('2025-01-01', '2025-02-01')) AS crr FROM subs;
SELECT (retention_counts(started_at, ended_at, daterange('2025-01-01', '2025-02-01'))).* FROM subs;
-- the scalar gives the same from the counts
SELECT retention_rate(150, 200, 80) AS crr, churn_rate(150, 200, 80) AS churn;
-- the same intervals as timestamptz at midnight, and the daterange written closed
SELECT (retention_counts(started_at::timestamptz, ended_at::timestamptz,
                         tstzrange('2025-01-01', '2025-02-01'))).* FROM subs;
SELECT (retention_counts(started_at, ended_at, '[2025-01-01,2025-01-31]'::daterange)).* FROM subs;

-- boundary instants with timestamps: '(a, b]' is [a + 1us, b + 1us)
CREATE TABLE edge (started_at timestamptz, ended_at timestamptz);
INSERT INTO edge VALUES ('2025-01-01 00:00', NULL),            -- starts at the lower bound
                        ('2024-12-31 23:59:59.999999', NULL),  -- starts 1us before it
                        ('2024-12-01', '2025-01-01 00:00'),    -- ends at the lower bound
                        ('2024-12-01', '2025-02-01 00:00'),    -- ends at the upper bound
                        ('2025-02-01 00:00', NULL);            -- starts at the upper bound
SELECT (retention_counts(started_at, ended_at, '[2025-01-01, 2025-02-01)'::tstzrange)).* FROM edge;
SELECT (retention_counts(started_at, ended_at, '(2025-01-01, 2025-02-01]'::tstzrange)).* FROM edge;
SELECT (retention_counts(started_at, ended_at, '[2025-01-01, 2025-02-01]'::tstzrange)).* FROM edge;

-- generated subscriptions: 3,000 customers, 1 to 3 intervals each over
-- 2023-2025, a third still active; per month of 2024 against plain SQL
CREATE FUNCTION pg_temp.u(c bigint, k bigint) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ((hashint8extended(c, k) & 2147483647) + 0.5) / 2147483648.0 $$;
CREATE TABLE gen AS
SELECT c AS id, s AS started_at,
       CASE WHEN pg_temp.u(c, 10 * j + 1) < 0.33 THEN NULL
            ELSE s + floor(pg_temp.u(c, 10 * j + 2) * 400)::int END AS ended_at
FROM generate_series(1, 3000) AS c, generate_series(1, 3) AS j,
     LATERAL (SELECT date '2023-01-01' + floor(pg_temp.u(c, 10 * j) * 1000)::int AS s) AS v
WHERE j <= 1 + floor(3 * pg_temp.u(c, 0));
CREATE TABLE months AS
SELECT daterange(m::date, (m + interval '1 month')::date) AS period
FROM generate_series(date '2024-01-01', date '2024-12-01', interval '1 month') AS m;
CREATE TABLE agg AS
SELECT period, (retention_counts(started_at, ended_at, period)).*,
       retention_rate(started_at, ended_at, period) AS crr
FROM gen, months GROUP BY period;
CREATE TABLE ref AS
SELECT period,
       count(*) FILTER (WHERE started_at < lower(period) AND (ended_at IS NULL OR ended_at >= lower(period))) AS start_count,
       count(*) FILTER (WHERE started_at < upper(period) AND (ended_at IS NULL OR ended_at >= upper(period))) AS end_count,
       count(*) FILTER (WHERE started_at >= lower(period) AND started_at < upper(period)
                          AND (ended_at IS NULL OR ended_at >= upper(period))) AS new_count
FROM gen, months GROUP BY period;
SELECT count(*) AS periods,
       count(*) FILTER (WHERE a.start_count = r.start_count AND a.end_count = r.end_count
                          AND a.new_count = r.new_count AND a.retained = r.end_count - r.new_count) AS counts_agree,
       count(*) FILTER (WHERE a.rate = a.crr AND a.crr = (r.end_count - r.new_count)::float8 / r.start_count) AS rates_agree
FROM agg AS a JOIN ref AS r USING (period);
-- the end of one month is the start of the next
SELECT count(*) AS chained FROM agg AS a JOIN agg AS b ON upper(a.period) = lower(b.period)
WHERE a.end_count = b.start_count;
SELECT period, start_count, end_count, new_count, retained, round(rate::numeric, 6) AS rate
FROM agg ORDER BY period LIMIT 3;

-- parallel plans equal the serial result
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
CREATE FUNCTION pg_temp.plan_has(query text, node text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE line text;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP
        IF line LIKE '%' || node || '%' THEN RETURN true; END IF;
    END LOOP;
    RETURN false;
END $$;
SELECT pg_temp.plan_has($$SELECT retention_counts(started_at, ended_at, '[2024-03-01,2024-04-01)') FROM gen$$,
                        'Partial Aggregate') AS partial;
SELECT (SELECT retention_counts(started_at, ended_at, '[2024-03-01,2024-04-01)') FROM gen) =
       (SELECT ROW(start_count, end_count, new_count, retained, rate)::retention_counts FROM agg
        WHERE period = '[2024-03-01,2024-04-01)') AS march_agrees,
       (SELECT retention_counts(started_at::timestamptz, ended_at::timestamptz, '[2024-12-01,2025-01-01)') FROM gen) =
       (SELECT ROW(start_count, end_count, new_count, retained, rate)::retention_counts FROM agg
        WHERE period = '[2024-12-01,2025-01-01)') AS december_agrees;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;

-- NULLs and empty input: a NULL started_at or period skips the row, a
-- NULL ended_at is still active; no rows gives NULL; no customer at the
-- start gives a NULL rate but counts
SELECT (retention_counts(s, e, p)).*
FROM (VALUES (NULL::date, NULL::date, daterange('2025-01-01', '2025-02-01')),
             ('2024-12-01', NULL, NULL),
             ('2024-12-01', NULL, daterange('2025-01-01', '2025-02-01'))) AS v(s, e, p);
SELECT retention_counts(started_at, ended_at, daterange('2025-01-01', '2025-02-01')) IS NULL AS empty,
       retention_rate(started_at, ended_at, daterange('2025-01-01', '2025-02-01')) IS NULL AS empty_rate
FROM subs WHERE false;
SELECT retention_counts(s, NULL, daterange('2025-01-01', '2025-02-01')) AS counts,
       retention_rate(s, NULL, daterange('2025-01-01', '2025-02-01')) IS NULL AS no_rate
FROM (VALUES (date '2025-01-15')) AS v(s);

-- errors
SELECT retention_rate(s, e, daterange('2025-01-01', '2025-02-01')) FROM (VALUES (date '2025-01-10', date '2025-01-09')) AS v(s, e);
SELECT retention_rate(s, e, tstzrange('2025-01-01', '2025-02-01')) FROM (VALUES (timestamptz '2025-01-10 12:00', timestamptz '2025-01-10 11:00')) AS v(s, e);
SELECT retention_rate(date '2025-01-01', NULL, 'empty'::daterange);
SELECT retention_rate(date '2025-01-01', NULL, daterange('2025-01-01', NULL));
SELECT retention_rate(date '2025-01-01', NULL, daterange(NULL, '2025-01-01'));
SELECT retention_rate(date '2025-01-01', NULL, daterange('-infinity', '2025-01-01'));
SELECT retention_rate(timestamptz '2025-01-01', NULL, tstzrange('2025-01-01', 'infinity'));
SELECT retention_rate(timestamptz '2025-01-01', NULL, '(2025-01-01 00:00:00, 2025-01-01 00:00:00.000001)'::tstzrange);
SELECT retention_rate(s, NULL, p) FROM (VALUES (date '2025-01-01', daterange('2025-01-01', '2025-02-01')),
                                               (date '2025-01-01', daterange('2025-02-01', '2025-03-01'))) AS v(s, p);

DROP TABLE subs, edge, gen, months, agg, ref;
