--
-- Hostile inputs for mbgnbd_tracking (DESIGN sections 6 and 7), as
-- test/tracking_hostile.sql checks bgnbd_tracking: NULL in each argument,
-- a model with NULL or bad parameters, periods and units out of range,
-- infinite dates, arguments that vary within a group (the detail names
-- both MBG/NBD models), and a horizon the series cannot reach (22003).
--
BEGIN;
SELECT plan(16);
\ir lib/setup.sql
SET LOCAL TimeZone = 'UTC';
SET LOCAL statement_timeout = '60s';

SELECT is(mbgnbd_tracking(NULL::mbgnbd, date '2024-01-01', date '2024-01-10', 3, 'day'), NULL, 'NULL model: NULL');
SELECT is(mbgnbd_tracking(mbgnbd_model(1, 1, 1, 1), NULL::timestamptz, timestamptz '2024-01-10', 3, 'day'), NULL, 'NULL first_purchase: NULL');
SELECT is(mbgnbd_tracking(mbgnbd_model(1, 1, 1, 1), date '2024-01-01', date '2024-01-10', NULL, 'day'), NULL, 'NULL periods: NULL');
SELECT is((SELECT mbgnbd_tracking(m, d, date '2024-01-10', 3, 'day')
           FROM (VALUES (date '2024-01-09'), (date '2024-01-02')) AS c(d), (VALUES (mbgnbd_model(1, 1, 1, 1)), (NULL)) AS v(m)),
          (SELECT mbgnbd_tracking(mbgnbd_model(1, 1, 1, 1), d, date '2024-01-10', 3, 'day')
           FROM (VALUES (date '2024-01-09'), (date '2024-01-02')) AS c(d)),
          'rows with a NULL model are skipped, the others counted');
SELECT is(mbgnbd_tracking(jsonb_populate_record(NULL::mbgnbd, '{"alpha": 1, "a": 1, "b": 1}'), date '2024-01-01', date '2024-01-10', 3, 'day'),
          NULL, 'a NULL parameter gives NULL');
SELECT throws_ok($$SELECT mbgnbd_tracking(jsonb_populate_record(NULL::mbgnbd, '{"r": 1, "alpha": 1, "a": "NaN", "b": 1}'), date '2024-01-01', date '2024-01-10', 3, 'day')$$,
                 '22023', 'a must be a finite number');
SELECT throws_ok($$SELECT mbgnbd_tracking(jsonb_populate_record(NULL::mbgnbd, '{"r": 1, "alpha": 1, "a": 1, "b": -1}'), date '2024-01-01', date '2024-01-10', 3, 'day')$$,
                 '22023', 'model parameter b must be positive');
SELECT is(pg_temp.failure($$SELECT mbgnbd_tracking(mbgnbd_model(1, 1, 1, 1), date '2024-01-01', date '2024-01-10', 0, 'day')$$),
          '22023 periods is 0.', 'periods 0: the detail names it');
SELECT throws_ok($$SELECT mbgnbd_tracking(mbgnbd_model(1, 1, 1, 1), timestamptz '2024-01-01', timestamptz '2024-01-10', 3, 'year')$$,
                 '22023', 'unit must be day, week or month');
SELECT throws_ok($$SELECT mbgnbd_tracking(mbgnbd_model(1, 1, 1, 1), date 'infinity', date '2024-01-10', 3, 'day')$$,
                 '22023', 'first_purchase must be finite');
SELECT throws_ok($$SELECT mbgnbd_tracking(mbgnbd_model(1, 1, 1, 1), timestamptz '2024-01-01', timestamptz '-infinity', 3, 'week')$$,
                 '22023', 'start must be finite');
SELECT is(pg_temp.failure($$SELECT mbgnbd_tracking(m, date '2024-01-01', date '2024-01-10', 3, 'day') FROM (VALUES (mbgnbd_model(1, 1, 1, 1)), (mbgnbd_model(1, 1, 1, 2))) AS v(m)$$),
          '22023 A group mixes the mbgnbd models (r = 1, alpha = 1, a = 1, b = 1) and (r = 1, alpha = 1, a = 1, b = 2).', 'a varying model: both named');
SELECT is(pg_temp.failure($$SELECT mbgnbd_tracking(mbgnbd_model(1, 1, 1, 1), date '2024-01-01', s, 3, 'day') FROM (VALUES (date '2024-01-10'), (date '2024-01-11')) AS v(s)$$),
          '22023 A group mixes start 2024-01-10 and 2024-01-11.', 'a varying start');
SELECT is(pg_temp.failure($$SELECT mbgnbd_tracking(mbgnbd_model(1, 1, 1, 1), date '2024-01-01', date '2024-01-10', 3, u) FROM (VALUES ('day'::time_unit), ('week')) AS v(u)$$),
          '22023 A group mixes the units "day" and "week".', 'a varying unit');
-- first purchases far apart (no memo) equal the sum of the parts
SELECT is((SELECT mbgnbd_tracking(mbgnbd_model(0.525, 6.183, 0.891, 1.614), d, date '4000-01-01', 5, 'week')
           FROM (VALUES (date '1000-01-01'), (date '3999-12-30')) AS v(d)),
          (SELECT array_agg(a + b ORDER BY k)
           FROM unnest((SELECT mbgnbd_tracking(mbgnbd_model(0.525, 6.183, 0.891, 1.614), date '1000-01-01', date '4000-01-01', 5, 'week')),
                       (SELECT mbgnbd_tracking(mbgnbd_model(0.525, 6.183, 0.891, 1.614), date '3999-12-30', date '4000-01-01', 5, 'week')))
                WITH ORDINALITY AS u(a, b, k)),
          'first purchases 3,000 years apart: the sum of the two curves');
-- a horizon the series cannot reach: 22003 naming it, as the accessor
SELECT is(pg_temp.failure($$SELECT mbgnbd_tracking(mbgnbd_model(0.525, 1e-9, 0.891, 1.614), date '1000-01-01', date '4000-01-01', 2, 'day')$$),
          pg_temp.failure($$SELECT mbgnbd_expected_purchases(mbgnbd_model(0.525, 1e-9, 0.891, 1.614), 1095728)$$),
          'a horizon 1e15 times alpha: the accessor''s 22003');

SELECT * FROM finish();
ROLLBACK;
