--
-- The cohort_matrix type: text form and round trips, binary send/receive
-- round trips through COPY (FORMAT binary), storage in tables (TOAST) and
-- a materialized view, and every kind of malformed or inconsistent input,
-- text (22P02) and binary (22P03).
--
SET extra_float_digits = 0;
SET TimeZone = 'UTC';

CREATE TABLE orders (customer_id bigint, d date, amount numeric(10, 2));
INSERT INTO orders
SELECT c, date '2024-01-01' + (c * 37 + j * 101) % 400, ((c * 13 + j * 7) % 9000) / 100.0 - 5
FROM generate_series(1, 300) AS c, generate_series(1, 1 + c % 5) AS j;

-- text round trip: out(in(out(m))) = out(m), for every unit, with and without revenue
SELECT unit,
       m::text::cohort_matrix::text = m::text AS text_round_trip,
       r::text::cohort_matrix::text = r::text AS text_round_trip_revenue,
       length(m::text) AS text_length
FROM (SELECT unit, cohort_retention(customer_id, d, unit) AS m,
             cohort_retention(customer_id, d, unit, amount) AS r
      FROM orders, unnest(ARRAY['day', 'week', 'month', 'quarter', 'year']) AS unit
      GROUP BY unit) AS x
ORDER BY unit;

-- a hand-written value reads back in canonical form; whitespace, key
-- order and number spelling do not matter; the revenue scale is the
-- largest number of decimals
SELECT '{ "cohorts": [ {"rolling": [3, 1, 1], "active": [3, 0, 1], "size": 3, "start": "2024-11-01",
          "revenue": [10, 0.5, 1e1]},
         {"start": "2025-01-01", "size": 2, "active": [2], "rolling": [2], "revenue": [-1.25]} ],
        "last": "2025-01-01", "unit": "month" }'::cohort_matrix;
SELECT '{"unit": "quarter", "last": "2025-04-01", "cohorts": [{"start": "2025-04-01", "size": 1, "active": [1], "rolling": [1]}]}'::cohort_matrix;
SELECT * FROM cohort_table('{"unit": "week", "last": "2025-01-13", "cohorts": [{"start": "2024-12-30", "size": 4, "active": [4, 1, 2], "rolling": [4, 3, 2]}]}');

-- binary round trip: send, write with COPY (FORMAT binary), read back with
-- COPY FROM, which calls the receive function
SELECT encode(cohort_matrix_send('{"unit": "year", "last": "2025-01-01", "cohorts": [{"start": "2024-01-01", "size": 2, "active": [2, 1], "rolling": [2, 1], "revenue": [1.5, -2.0]}]}'), 'hex') AS binary_form;
CREATE TABLE sent AS
SELECT unit, cohort_matrix_send(cohort_retention(customer_id, d, unit, amount)) AS raw,
       cohort_retention(customer_id, d, unit, amount)::text AS m
FROM orders, unnest(ARRAY['day', 'week', 'month', 'quarter', 'year']) AS unit GROUP BY unit;
CREATE TABLE received (unit text, m cohort_matrix);
DO $$ BEGIN
    EXECUTE format('COPY (SELECT unit, raw FROM sent ORDER BY unit) TO %L (FORMAT binary)',
                   current_setting('data_directory') || '/cohort_matrix_test.bin');
END $$;
COPY received FROM 'cohort_matrix_test.bin' (FORMAT binary);
SELECT s.unit, r.m::text = s.m AS binary_round_trip, cohort_matrix_send(r.m) = s.raw AS same_bytes
FROM sent AS s JOIN received AS r USING (unit) ORDER BY unit;

-- stored in a table (the day matrix is TOASTed) and a materialized view
CREATE TABLE stored (unit text, m cohort_matrix);
INSERT INTO stored SELECT unit, cohort_retention(customer_id, d, unit, amount)
FROM orders, unnest(ARRAY['day', 'month']) AS unit GROUP BY unit;
SELECT s.unit, pg_column_size(s.m) < octet_length(x.raw) AS compressed, s.m::text = x.m AS stored_equals
FROM stored AS s JOIN sent AS x USING (unit) ORDER BY unit;
CREATE MATERIALIZED VIEW monthly_cohorts AS
SELECT cohort_retention(customer_id, d, 'month', amount) AS m FROM orders;
INSERT INTO orders VALUES (1000, '2025-02-10', 12.34);
SELECT count(*) AS rows_before FROM monthly_cohorts, cohort_table(m);
REFRESH MATERIALIZED VIEW monthly_cohorts;
SELECT count(*) AS rows_after FROM monthly_cohorts, cohort_table(m);
SELECT cohort, active, revenue FROM monthly_cohorts, cohort_table(m) WHERE cohort = '2025-02-01';

-- malformed text: each is 22P02 with a detail saying what is wrong
\set VERBOSITY default
SELECT 'hello'::cohort_matrix;
SELECT '[1, 2]'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-01-01"}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-01-01", "cohorts": [], "extra": 1}'::cohort_matrix;
SELECT '{"unit": "fortnight", "last": "2025-01-01", "cohorts": []}'::cohort_matrix;
SELECT '{"unit": 3, "last": "2025-01-01", "cohorts": []}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-01-02", "cohorts": []}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-02-30", "cohorts": []}'::cohort_matrix;
SELECT '{"unit": "month", "last": "10000-01-01", "cohorts": []}'::cohort_matrix;
SELECT '{"unit": "month", "last": "0000-01-01", "cohorts": []}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-01-01", "cohorts": []}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-01-01", "cohorts": {}}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-01-01", "cohorts": [1]}'::cohort_matrix;
SELECT '{"unit": "week", "last": "2025-01-01", "cohorts": [{"start": "2025-01-01", "size": 1, "active": [1], "rolling": [1]}]}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-01-01", "cohorts": [{"start": "2025-01-01", "size": 1, "active": [1]}]}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-01-01", "cohorts": [{"start": "2025-01-01", "size": 1, "active": [1], "rolling": [1], "colour": "red"}]}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-02-01", "cohorts": [{"start": "2025-01-01", "size": 1, "active": [1], "rolling": [1]}]}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-01-01", "cohorts": [{"start": "2025-02-01", "size": 1, "active": [1], "rolling": [1]}]}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-02-01", "cohorts": [{"start": "2025-01-01", "size": 1, "active": [1, 1], "rolling": [1, 1]}, {"start": "2025-01-01", "size": 1, "active": [1, 1], "rolling": [1, 1]}]}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-01-01", "cohorts": [{"start": "2025-01-01", "size": 2, "active": [1], "rolling": [1]}]}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-01-01", "cohorts": [{"start": "2025-01-01", "size": 1.5, "active": [1], "rolling": [1]}]}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-02-01", "cohorts": [{"start": "2025-01-01", "size": 1, "active": [1, 0.5], "rolling": [1, 1]}]}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-02-01", "cohorts": [{"start": "2025-01-01", "size": 1, "active": [1, "1"], "rolling": [1, 1]}]}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-01-01", "cohorts": [{"start": "2025-01-01", "size": 1e30, "active": [1e30], "rolling": [1e30]}]}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-01-01", "cohorts": [{"start": "2025-01-01", "size": 0, "active": [0], "rolling": [0]}]}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-02-01", "cohorts": [{"start": "2025-01-01", "size": 2, "active": [2, -1], "rolling": [2, 1]}]}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-02-01", "cohorts": [{"start": "2025-01-01", "size": 2, "active": [2, 2], "rolling": [2, 1]}]}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-03-01", "cohorts": [{"start": "2025-01-01", "size": 2, "active": [2, 1, 1], "rolling": [2, 1, 2]}]}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-03-01", "cohorts": [{"start": "2025-01-01", "size": 3, "active": [3, 0, 1], "rolling": [3, 2, 1]}]}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-02-01", "cohorts": [{"start": "2025-01-01", "size": 2, "active": [2, 1], "rolling": [2, 2]}]}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-02-01", "cohorts": [{"start": "2025-01-01", "size": 2, "active": [2, 0], "rolling": [2, 0]}]}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-01-01", "cohorts": [{"start": "2024-12-01", "size": 1, "active": [1, 1], "rolling": [1, 1], "revenue": [1, 2]}, {"start": "2025-01-01", "size": 1, "active": [1], "rolling": [1]}]}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-01-01", "cohorts": [{"start": "2025-01-01", "size": 1, "active": [1], "rolling": [1], "revenue": [0.0000000000000000001]}]}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-01-01", "cohorts": [{"start": "2025-01-01", "size": 1, "active": [1], "rolling": [1], "revenue": ["ten"]}]}'::cohort_matrix;
SELECT '{"unit": "month", "last": "2025-02-01", "cohorts": [{"start": "2025-01-01", "size": 1, "active": [1, 1], "rolling": [1, 1], "revenue": [92233720368547758.07, 0.001]}]}'::cohort_matrix;

-- malformed binary: truncated, trailing bytes, wrong version, too many
-- cohorts for the bytes, an inconsistent count; each is 22P03
CREATE TABLE bad (label text, raw bytea);
INSERT INTO bad SELECT 'truncated', substr(raw, 1, length(raw) - 3) FROM sent WHERE unit = 'month';
INSERT INTO bad SELECT 'trailing byte', raw || '\x00'::bytea FROM sent WHERE unit = 'month';
INSERT INTO bad SELECT 'version 2', set_byte(raw, 0, 2) FROM sent WHERE unit = 'month';
INSERT INTO bad SELECT 'unit 9', set_byte(raw, 1, 9) FROM sent WHERE unit = 'month';
INSERT INTO bad SELECT 'huge ncohorts', set_byte(raw, 4, 127) FROM sent WHERE unit = 'month';
INSERT INTO bad SELECT 'rolling above active', set_byte(m, length(m) - 1, 200)
FROM (SELECT cohort_matrix_send(cohort_retention(customer_id, d, 'month')) AS m FROM orders) AS x;
INSERT INTO bad SELECT 'intact', cohort_matrix_send(cohort_retention(customer_id, d, 'month')) FROM orders;
INSERT INTO bad SELECT 'empty', '\x'::bytea;
-- 80 bytes whose header claims 17 cohorts of every day from 0001-01-01 to
-- 9999-12-31 (993 MB of cells), and 20 such cohorts (1.2 GB): refused by
-- the bytes present before any allocation (issue 12: the first allocated
-- 993 MB, the second failed as too large)
INSERT INTO bad SELECT format('claims %s cohorts of days', n),
       '\x01010000'::bytea || int4send(n) || int4send('9999-12-31'::date - '2000-01-01'::date)
       || (SELECT string_agg(int4send('0001-01-01'::date - '2000-01-01'::date + i), '' ORDER BY i) FROM generate_series(0, n - 1) AS i)
FROM (VALUES (17), (20)) AS v(n);
SELECT label, length(raw) FROM bad WHERE label LIKE 'claims%' ORDER BY label;
CREATE FUNCTION pg_temp.receive(label text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    detail text;
BEGIN
    EXECUTE format('COPY (SELECT %L, raw FROM bad WHERE label = %L) TO %L (FORMAT binary)',
                   label, label, current_setting('data_directory') || '/cohort_matrix_test.bin');
    TRUNCATE received;
    COPY received FROM 'cohort_matrix_test.bin' (FORMAT binary);
    RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    RETURN SQLSTATE || ' ' || SQLERRM || ': ' || detail;
END $$;
SELECT label, pg_temp.receive(label) AS result FROM bad ORDER BY label;

DROP MATERIALIZED VIEW monthly_cohorts;
DROP TABLE orders, sent, received, stored, bad;
