--
-- Hostile inputs for revenue retention (DESIGN section 8): revenue_retention
-- with NULLs, bad and varying units, amounts that are not finite or do not
-- fit, dates outside the supported years; mrr_movements and
-- net_revenue_retention with nobody paying, NULL and out-of-range lags; the
-- text and binary forms of revenue_matrix, malformed in every way a reader
-- could trip on. Every error is checked with its SQLSTATE.
--
BEGIN;
SELECT plan(69);

\ir lib/setup.sql

-- NULLs: rows with a NULL id, date or unit are skipped; a NULL amount is a
-- period with revenue 0 (not paying)
SELECT is((SELECT revenue_retention(c, d, 1.0, 'month') FROM (VALUES (NULL::bigint, '2024-01-01'::date), (1, NULL)) v(c, d))::text,
          NULL, 'revenue_retention: rows with a NULL id or date are skipped, none left gives NULL');
SELECT is((SELECT revenue_retention(1::bigint, '2024-01-01'::date, 1.0, NULL::time_unit))::text, NULL,
          'revenue_retention: a NULL unit skips the row');
SELECT is(revenue_retention(1::bigint, '2024-01-15'::date, NULL::numeric, 'month')::text,
          'unit=month; 1: 2024-01-01 0', 'revenue_retention: a NULL amount is a period with revenue 0');
SELECT is((SELECT count(*) FROM mrr_movements((SELECT revenue_retention(1::bigint, '2024-01-15'::date, NULL::numeric, 'month')))),
          0::bigint, 'mrr_movements: nobody ever pays, no rows');
SELECT is((SELECT count(*) FROM mrr_movements(NULL::revenue_matrix)), 0::bigint, 'mrr_movements: NULL matrix, no rows');
SELECT is((SELECT count(*) FROM net_revenue_retention('unit=month; 1: 2024-01-01 5', NULL)), 0::bigint,
          'net_revenue_retention: NULL lag, no rows');

-- one customer, one period; refunds that cancel; negative sums
SELECT results_eq($$SELECT period, customers, mrr, new, churned FROM mrr_movements('unit=month; 7: 2024-03-01 9.99')$$,
                  $$VALUES ('2024-03-01'::date, 1::bigint, 9.99, 9.99, 0.00)$$, 'mrr_movements: one customer, one period');
SELECT results_eq($$SELECT customers, mrr, churned, reactivation FROM mrr_movements(
                      (SELECT revenue_retention(c, d, a, 'month') FROM (VALUES (1::bigint, '2024-01-05'::date, 10.0),
                       (1, '2024-02-05', 10.0), (1, '2024-02-06', -10.0), (1, '2024-03-05', 4.0), (2, '2024-02-01', -3)) v(c, d, a)))$$,
                  $$VALUES (1::bigint, 10.0, 0.0, 0.0), (0, 0.0, 10.0, 0.0), (1, 4.0, 0.0, 4.0)$$,
                  'mrr_movements: a refund that cancels a period churns it; a negative sum never pays');

-- units: labels outside the enum, units that vary within a group
SELECT throws_ok($$SELECT revenue_retention(1::bigint, '2024-01-01'::date, 1.0, 'fortnight')$$, '22P02',
                 'invalid input value for enum time_unit: "fortnight"');
SELECT throws_ok($$SELECT revenue_retention(c, '2024-01-01'::date, 1.0, u::time_unit) FROM (VALUES (1::bigint, 'month'), (2, 'week')) v(c, u)$$,
                 '22023', 'period must be the same for every row of a group');

-- amounts: not finite, too large, too many decimals, sums that overflow
SELECT throws_ok($$SELECT revenue_retention(1::bigint, '2024-01-01'::date, 'NaN'::numeric, 'month')$$, '22023',
                 'amount must be a finite number');
SELECT throws_ok($$SELECT revenue_retention(1::bigint, '2024-01-01'::date, 'Infinity'::numeric, 'month')$$, '22023',
                 'amount must be a finite number');
SELECT throws_ok($$SELECT revenue_retention(1::bigint, '2024-01-01'::date, 1e30, 'month')$$, '22003',
                 'amount is out of range for revenue_retention', 'revenue_retention: an amount beyond bigint units is 22003');
SELECT throws_ok($$SELECT revenue_retention(1::bigint, '2024-01-01'::date, 9e18::numeric, 'month') FROM generate_series(1, 2)$$,
                 '22003', 'revenue is out of range for revenue_retention', 'revenue_retention: a sum beyond bigint units is 22003');
-- revenue_retention_messages_name_it: the out-of-range errors of
-- revenue_retention and activity_matrix, whose state is cohort_retention's,
-- said "for cohort_retention" and named activity_at; they name the
-- aggregate called and its date argument
SELECT throws_ok($$SELECT revenue_retention(1::bigint, '2024-01-01'::date, a, 'month') FROM (VALUES (9e18::numeric), (0.1)) v(a)$$,
                 '22003', 'revenue is out of range for revenue_retention',
                 'revenue_retention_messages_name_it: a sum brought to more decimals');
SELECT is(pg_temp.failure($$SELECT revenue_retention(1::bigint, '2024-01-01'::date, 1e30, 'month')$$),
          '22003 amount is 1000000000000000000000000000000, which does not fit in a bigint count of 10^-0 units.',
          'revenue_retention_messages_name_it: the detail names the amount');
SELECT throws_ok($$SELECT activity_matrix(1::bigint, '10000-01-01'::date, 'year')$$, '22003',
                 'active_at is out of range for activity_matrix', 'revenue_retention_messages_name_it: activity_matrix, a date after 9999');
SELECT is(pg_temp.failure($$SELECT activity_matrix(1::bigint, '-infinity'::date, 'day')$$),
          '22003 active_at is -infinity; periods cover the dates from 0001-01-01 to 9999-12-31.',
          'revenue_retention_messages_name_it: activity_matrix, the detail names active_at');
SELECT is(pg_temp.failure($$SELECT revenue_retention(1::bigint, '0001-12-31 BC'::date, 1, 'month')$$),
          '22003 period_at is 0001-12-31 BC; periods cover the dates from 0001-01-01 to 9999-12-31.',
          'revenue_retention_messages_name_it: revenue_retention, the detail names period_at');
-- the same under a parallel plan, where the overflow happens in the
-- leader's combine of two deserialized worker states (one partition each,
-- partitionwise partial aggregation), which do not record the aggregate
CREATE TABLE revenue_parts (part integer, g integer, customer_id bigint, d date, amount numeric) PARTITION BY LIST (part);
CREATE TABLE revenue_part1 PARTITION OF revenue_parts FOR VALUES IN (1);
CREATE TABLE revenue_part2 PARTITION OF revenue_parts FOR VALUES IN (2);
INSERT INTO revenue_parts SELECT p, 1, i, '2024-01-01', 0 FROM generate_series(1, 2) AS p, generate_series(2, 1000) AS i;
INSERT INTO revenue_parts VALUES (1, 1, 1, '2024-01-01', 5e18), (2, 1, 1, '2024-01-01', 5e18);
ANALYZE revenue_parts;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL parallel_leader_participation = off;
SET LOCAL enable_partitionwise_aggregate = on;
SELECT matches(pg_temp.plan_of($$SELECT g, revenue_retention(customer_id, d, amount, 'month') FROM revenue_parts GROUP BY g$$),
               'Finalize.*Gather.*Partial.*revenue_part[12].*Partial.*revenue_part[12]',
               'revenue_retention_messages_name_it: the plan combines one partial state per partition');
SELECT throws_ok($$SELECT g, revenue_retention(customer_id, d, amount, 'month') FROM revenue_parts GROUP BY g$$,
                 '22003', 'revenue is out of range for revenue_retention',
                 'revenue_retention_messages_name_it: a sum that overflows in the parallel leader''s combine');
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
RESET enable_partitionwise_aggregate;
SELECT is(revenue_retention(1::bigint, '2024-01-01'::date, 1 / 3.0, 'month')::text,
          'unit=month; 1: 2024-01-01 0.333333333333333333',
          'revenue_retention: an amount with more than 18 decimals is rounded to 18');
SELECT throws_ok($$SELECT * FROM mrr_movements((SELECT revenue_retention(c, '2024-01-01'::date, 9e18::numeric, 'month') FROM generate_series(1::bigint, 2) c))$$,
                 '22003', 'revenue sum is out of range', 'mrr_movements: a total beyond bigint units is 22003');

-- dates outside the supported years
SELECT throws_ok($$SELECT revenue_retention(1::bigint, '10000-01-01'::date, 1.0, 'year')$$, '22003',
                 'period_at is out of range for revenue_retention', 'revenue_retention: a date after 9999 is 22003');
SELECT throws_ok($$SELECT revenue_retention(1::bigint, 'infinity'::date, 1.0, 'day')$$, '22003',
                 'period_at is out of range for revenue_retention', 'revenue_retention: infinity is 22003');
SELECT is((SELECT count(*) FROM mrr_movements((SELECT revenue_retention(c, d, 1.0, 'week')
                FROM (VALUES (1::bigint, '0001-01-01'::date), (2, '9999-12-31')) v(c, d)))),
          ('9999-12-27'::date - '0001-01-01'::date) / 7 + 1::bigint, 'mrr_movements: every supported week');

-- lags
SELECT throws_ok($$SELECT * FROM net_revenue_retention('unit=month; 1: 2024-01-01 5', 0)$$, '22023',
                 'lag must be between 1 and 119987', 'net_revenue_retention: lag 0');
SELECT throws_ok($$SELECT * FROM net_revenue_retention('unit=month; 1: 2024-01-01 5', -1)$$, '22023', NULL,
                 'net_revenue_retention: a negative lag');
SELECT throws_ok($$SELECT * FROM net_revenue_retention('unit=day; 1: 2024-01-01 5', 2147483647)$$, '22023', NULL,
                 'net_revenue_retention: the largest integer lag');
SELECT is((SELECT count(*) FROM net_revenue_retention('unit=month; 1: 2024-01-01 5, 2024-03-01 5', 3)), 0::bigint,
          'net_revenue_retention: a lag longer than the span, no rows');
SELECT results_eq($$SELECT starting_mrr, nrr, grr FROM net_revenue_retention('unit=month; 1: 2024-01-01 5; 2: 2024-03-01 5', 1)$$,
                  $$VALUES (5::numeric, 0::float8, 0::float8), (0, NULL, NULL)$$,
                  'net_revenue_retention: a period nobody paid before has NULL ratios');

-- product-analytics readers
SELECT throws_ok($$SELECT * FROM stickiness('unit=week; 1: 2024-01-01 0')$$, '22023', 'stickiness needs a matrix by ''day''');
SELECT throws_ok($$SELECT n_day_retention('unit=day; 1: 2024-01-01 0', -1)$$, '22023', 'n must not be negative');
SELECT throws_ok($$SELECT n_day_retention('unit=day; 1: 2024-01-01 0', 1, 'bounded')$$, '22023', 'mode must be ''classic'' or ''rolling''');
SELECT throws_ok($$SELECT * FROM bracket_retention('unit=day; 1: 2024-01-01 0', '{}')$$, '22023', 'brackets must not be empty');
SELECT throws_ok($$SELECT * FROM bracket_retention('unit=day; 1: 2024-01-01 0', '{"[0,1)", NULL}')$$, '22004', 'brackets must not contain NULL');
SELECT throws_ok($$SELECT * FROM bracket_retention('unit=day; 1: 2024-01-01 0', '{"(,3)"}')$$, '22023',
                 'a bracket must be a non-empty range of offsets from 0');
SELECT throws_ok($$SELECT * FROM bracket_retention('unit=day; 1: 2024-01-01 0', '{empty}')$$, '22023',
                 'a bracket must be a non-empty range of offsets from 0');
SELECT throws_ok($$SELECT * FROM recurring_retention('unit=day; 1: 0001-01-01 0, 9999-12-31 0')$$, '54000',
                 'recurring retention would have too many cells');

-- text form: every malformation is 22P02
SELECT throws_ok($$SELECT ''::revenue_matrix$$, '22P02', 'invalid revenue_matrix value', 'text: empty');
SELECT throws_ok($$SELECT 'unit=month'::revenue_matrix$$, '22P02', NULL, 'text: no customer');
SELECT throws_ok($$SELECT 'unit=fortnight; 1: 2024-01-01 1'::revenue_matrix$$, '22P02', NULL, 'text: unknown unit');
SELECT throws_ok($$SELECT 'unit=month; 1: 2024-01-02 1'::revenue_matrix$$, '22P02', NULL, 'text: a date that does not start a month');
SELECT throws_ok($$SELECT 'unit=month; 1: 2024-02-30 1'::revenue_matrix$$, '22P02', NULL, 'text: an invalid date');
SELECT throws_ok($$SELECT 'unit=year; 1: 10000-01-01 1'::revenue_matrix$$, '22P02', NULL, 'text: a year after 9999');
SELECT throws_ok($$SELECT 'unit=month; 2: 2024-01-01 1; 1: 2024-01-01 1'::revenue_matrix$$, '22P02', NULL, 'text: ids out of order');
SELECT throws_ok($$SELECT 'unit=month; 1: 2024-01-01 1; 1: 2024-02-01 1'::revenue_matrix$$, '22P02', NULL, 'text: an id twice');
SELECT throws_ok($$SELECT 'unit=month; 1: 2024-02-01 1, 2024-01-01 1'::revenue_matrix$$, '22P02', NULL, 'text: periods out of order');
SELECT throws_ok($$SELECT 'unit=month; 1: 2024-01-01 1, 2024-01-01 1'::revenue_matrix$$, '22P02', NULL, 'text: a period twice');
SELECT throws_ok($$SELECT 'unit=month; 1: 2024-01-01 1e3'::revenue_matrix$$, '22P02', NULL, 'text: an exponent');
SELECT throws_ok($$SELECT 'unit=month; 1: 2024-01-01 NaN'::revenue_matrix$$, '22P02', NULL, 'text: NaN');
SELECT throws_ok($$SELECT 'unit=month; 1: 2024-01-01 0.0000000000000000001'::revenue_matrix$$, '22P02', NULL, 'text: 19 decimals');
SELECT throws_ok($$SELECT 'unit=month; 1: 2024-01-01 92233720368547758.08'::revenue_matrix$$, '22P02', NULL, 'text: beyond bigint units');
SELECT throws_ok($$SELECT 'unit=month; 1: 2024-01-01 92233720368547758.07, 2024-02-01 0.001'::revenue_matrix$$, '22P02', NULL,
                 'text: a scale that makes another amount overflow');
SELECT throws_ok($$SELECT 'unit=month; 1:'::revenue_matrix$$, '22P02', NULL, 'text: a customer without cells');
SELECT throws_ok($$SELECT 'unit=month; 1: 2024-01-01 1 trailing'::revenue_matrix$$, '22P02', NULL, 'text: trailing text');
SELECT throws_ok($$SELECT 'unit=month; 99999999999999999999: 2024-01-01 1'::revenue_matrix$$, '22003', NULL, 'text: an id beyond bigint');
SELECT is('unit=month;-9223372036854775808:2024-01-01 -1.5,2024-02-01 0;9223372036854775807:9999-12-01 92233720368547758.07'::revenue_matrix::text,
          'unit=month; -9223372036854775808: 2024-01-01 -1.50, 2024-02-01 0.00; 9223372036854775807: 9999-12-01 92233720368547758.07',
          'text: extreme ids and amounts, any spacing, read back in the canonical form');

-- binary form: malformed messages are 22P03, before any large allocation
CREATE TEMP TABLE received (label text, m revenue_matrix);
CREATE TEMP TABLE bad (label text, raw bytea);
INSERT INTO bad SELECT 'intact', revenue_matrix_send('unit=month; 1: 2024-01-01 1.5, 2024-03-01 -2; 4: 2024-02-01 3');
INSERT INTO bad SELECT 'truncated', substr(raw, 1, length(raw) - 3) FROM bad WHERE label = 'intact';
INSERT INTO bad SELECT 'trailing byte', raw || '\x00'::bytea FROM bad WHERE label = 'intact';
INSERT INTO bad SELECT 'version 2', set_byte(raw, 0, 2) FROM bad WHERE label = 'intact';
INSERT INTO bad SELECT 'unit 9', set_byte(raw, 1, 9) FROM bad WHERE label = 'intact';
INSERT INTO bad SELECT 'scale 19', set_byte(raw, 2, 19) FROM bad WHERE label = 'intact';
INSERT INTO bad SELECT 'claims 25M cells', '\x01030000'::bytea || int4send(1) || int4send(25000000) FROM bad WHERE label = 'intact';
INSERT INTO bad SELECT 'ids out of order', overlay(raw placing int8send(0) from 25 for 8) FROM bad WHERE label = 'intact';
INSERT INTO bad SELECT 'customer with 0 cells', overlay(raw placing int4send(0) from 21 for 4) FROM bad WHERE label = 'intact';
INSERT INTO bad SELECT 'periods out of order', overlay(raw placing int4send(300) from 49 for 4) FROM bad WHERE label = 'intact';
SELECT is(pg_temp.receive('intact'), 'accepted', 'binary: the intact message reads back');
SELECT is((SELECT m::text FROM received), 'unit=month; 1: 2024-01-01 1.5, 2024-03-01 -2.0; 4: 2024-02-01 3.0', 'binary: the same value');
SELECT is(left(pg_temp.receive(label), 5), '22P03', 'binary: ' || label)
FROM bad WHERE label <> 'intact' ORDER BY label;

SELECT * FROM finish();
ROLLBACK;
