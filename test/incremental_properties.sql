--
-- Properties of the storable partial states (DESIGN section 9,
-- doc/incremental.md) on 60 order sets drawn from one linear congruential
-- generator (x' = (1103515245 x + 12345) mod 2^31, seed 20261207): 6
-- customers each, refunds, amounts with up to 20 decimals, amounts too
-- large for the scaled int64 (the numeric accumulator) and float8 amounts
-- that binary fractions cannot hold. The orders are split five ways (by
-- month, by an LCG-random part, by row parity so that orders of one day
-- land in different states, by shard as postgres_fdw shards would split
-- order ids, and into one state per order), each part's state is built
-- with rfm_partial / btyd_partial, and the parts are rolled up in three
-- orders (ascending, descending, LCG-shuffled), folded with rfm_merge /
-- btyd_merge, and rolled up in two levels. Every result must equal the
-- direct aggregate over the orders, as text (so numeric scale included),
-- at two as_of dates (the last order's day and 17 days later) and, for
-- btyd_summary, in every unit.
--
BEGIN;
SELECT plan(18);

CREATE EXTENSION IF NOT EXISTS retention;

CREATE TEMP TABLE lcg AS
WITH RECURSIVE g(i, x) AS (
    SELECT 1, 20261207::bigint
    UNION ALL
    SELECT i + 1, (1103515245 * x + 12345) % 2147483648 FROM g WHERE i < 12000)
SELECT i, x FROM g;

CREATE TEMP TABLE orders AS
SELECT i,
       i % 60 AS set_id,
       (x >> 16) / 150 % 6 AS customer_id,
       date '2023-01-01' + ((x >> 16) % 150)::integer AS order_at,
       CASE WHEN i % 97 = 0 THEN (x::numeric * 1e15 + 0.000001)
            WHEN i % 13 = 0 THEN -((x % 5000) / 100.0)
            ELSE ((x >> 3) % 200000) / 100.0 + CASE WHEN i % 29 = 0 THEN 1e-20 ELSE 0 END END AS amount,
       CASE WHEN i % 11 = 0 THEN -((x % 700) / 7.0)::float8
            ELSE ((x >> 5) % 100000 / 7.0)::float8 * CASE WHEN i % 31 = 0 THEN 1e12 ELSE 1 END END AS famount,
       ((x >> 9) % 1000) AS shuffle
FROM lcg;

-- the splits: each row gets a part in each
CREATE TEMP TABLE split_rows AS
SELECT o.*, s.split, s.part
FROM orders AS o,
LATERAL (VALUES ('month', extract(epoch FROM date_trunc('month', o.order_at))::bigint),
                ('random', (o.shuffle * 7 + o.i) % 5),
                ('day split', (o.i / 60) % 2),
                ('shard', (o.i * 2654435761) % 4),
                ('per order', o.i)) AS s(split, part);

CREATE TEMP TABLE parts AS
SELECT split, set_id, customer_id, part,
       rfm_partial(order_at, amount) AS rn,
       rfm_partial(order_at, famount) AS rf,
       btyd_partial(order_at, amount) AS bn,
       btyd_partial(order_at, famount) AS bf,
       min(shuffle) * 100003 % 1009 AS shuffle
FROM split_rows GROUP BY split, set_id, customer_id, part;

CREATE TEMP TABLE as_of AS
SELECT set_id, customer_id, max(order_at) + k AS as_of
FROM orders, (VALUES (0), (17)) AS ks(k) GROUP BY set_id, customer_id, k;

CREATE TEMP TABLE direct AS
SELECT o.set_id, o.customer_id, a.as_of,
       rfm(o.order_at, o.amount, a.as_of)::text AS rn,
       rfm(o.order_at, o.famount, a.as_of)::text AS rf,
       btyd_summary(o.order_at, o.amount, a.as_of, 'day')::text AS bn_day,
       btyd_summary(o.order_at, o.amount, a.as_of, 'week')::text AS bn_week,
       btyd_summary(o.order_at, o.famount, a.as_of, 'month')::text AS bf_month
FROM orders AS o JOIN as_of AS a USING (set_id, customer_id)
GROUP BY o.set_id, o.customer_id, a.as_of;

-- a left fold in the given order, with the scalar merges
CREATE AGGREGATE pg_temp.rfm_fold(rfm_state) (SFUNC = rfm_merge, STYPE = rfm_state);
CREATE AGGREGATE pg_temp.btyd_fold(btyd_state) (SFUNC = btyd_merge, STYPE = btyd_state);

CREATE TEMP TABLE rolled AS
SELECT split, set_id, customer_id,
       rfm_rollup(rn ORDER BY part) AS rn_asc, rfm_rollup(rn ORDER BY part DESC) AS rn_desc,
       rfm_rollup(rn ORDER BY shuffle, part) AS rn_shuf, pg_temp.rfm_fold(rn ORDER BY shuffle DESC, part) AS rn_fold,
       rfm_rollup(rf ORDER BY part) AS rf_asc, rfm_rollup(rf ORDER BY part DESC) AS rf_desc,
       rfm_rollup(rf ORDER BY shuffle, part) AS rf_shuf, pg_temp.rfm_fold(rf ORDER BY shuffle DESC, part) AS rf_fold,
       btyd_rollup(bn ORDER BY part) AS bn_asc, btyd_rollup(bn ORDER BY part DESC) AS bn_desc,
       btyd_rollup(bn ORDER BY shuffle, part) AS bn_shuf, pg_temp.btyd_fold(bn ORDER BY shuffle DESC, part) AS bn_fold,
       btyd_rollup(bf ORDER BY part) AS bf_asc, pg_temp.btyd_fold(bf ORDER BY shuffle, part) AS bf_fold
FROM parts GROUP BY split, set_id, customer_id;

-- two levels: parts rolled up by part mod 3, then those rolled up
CREATE TEMP TABLE rolled2 AS
SELECT split, set_id, customer_id, rfm_rollup(rn) AS rn, rfm_rollup(rf) AS rf,
       btyd_rollup(bn) AS bn, btyd_rollup(bf) AS bf
FROM (SELECT split, set_id, customer_id, part % 3,
             rfm_rollup(rn) AS rn, rfm_rollup(rf) AS rf, btyd_rollup(bn) AS bn, btyd_rollup(bf) AS bf
      FROM parts GROUP BY 1, 2, 3, 4) AS l
GROUP BY split, set_id, customer_id;

CREATE TEMP TABLE cmp AS
SELECT d.as_of, d.rn, d.rf, d.bn_day, d.bn_week, d.bf_month, r.*, r2.rn AS rn_two, r2.rf AS rf_two, r2.bn AS bn_two, r2.bf AS bf_two
FROM direct AS d
JOIN rolled AS r USING (set_id, customer_id)
JOIN rolled2 AS r2 USING (split, set_id, customer_id);

SELECT is((SELECT count(DISTINCT split) || ' splits, ' || count(*) || ' comparisons' FROM cmp),
          '5 splits, ' || (SELECT 5 * count(*) FROM direct) || ' comparisons',
          'every split of every customer of every set is compared at two as_of dates');
SELECT ok((SELECT count(*) FROM (SELECT set_id, customer_id, order_at FROM orders GROUP BY 1, 2, 3
                                     HAVING count(DISTINCT (i / 60) % 2) = 2) AS x) > 100,
          'the day split puts orders of one day into two states (over 100 such days)');
SELECT ok((SELECT count(*) FROM orders WHERE amount > 1e18) > 50
          AND (SELECT count(*) FROM orders WHERE amount < 0) > 500
          AND (SELECT count(*) FROM orders WHERE scale(amount) = 20) > 100,
          'the orders include numeric amounts beyond int64, refunds and 20 decimals');

SELECT is((SELECT count(*) FROM cmp WHERE rfm(rn_asc, as_of)::text IS DISTINCT FROM rn), 0::bigint,
          'rfm numeric: rfm_rollup of every split, ascending, equals rfm');
SELECT is((SELECT count(*) FROM cmp WHERE rfm(rn_desc, as_of)::text IS DISTINCT FROM rn
           OR rfm(rn_shuf, as_of)::text IS DISTINCT FROM rn), 0::bigint,
          'rfm numeric: rfm_rollup descending and shuffled equals rfm');
SELECT is((SELECT count(*) FROM cmp WHERE rfm(rn_fold, as_of)::text IS DISTINCT FROM rn), 0::bigint,
          'rfm numeric: a left fold of rfm_merge equals rfm');
SELECT is((SELECT count(*) FROM cmp WHERE rfm(rn_two, as_of)::text IS DISTINCT FROM rn), 0::bigint,
          'rfm numeric: two levels of rfm_rollup equal rfm');
SELECT is((SELECT count(*) FROM cmp WHERE rfm(rf_asc, as_of)::text IS DISTINCT FROM rf
           OR rfm(rf_desc, as_of)::text IS DISTINCT FROM rf OR rfm(rf_shuf, as_of)::text IS DISTINCT FROM rf),
          0::bigint, 'rfm float8: rfm_rollup in every order equals rfm (exact sums)');
SELECT is((SELECT count(*) FROM cmp WHERE rfm(rf_fold, as_of)::text IS DISTINCT FROM rf
           OR rfm(rf_two, as_of)::text IS DISTINCT FROM rf), 0::bigint,
          'rfm float8: rfm_merge folds and two-level rollups equal rfm');
SELECT is((SELECT count(*) FROM cmp WHERE btyd_summary(bn_asc, as_of, 'day')::text IS DISTINCT FROM bn_day
           OR btyd_summary(bn_desc, as_of, 'day')::text IS DISTINCT FROM bn_day
           OR btyd_summary(bn_shuf, as_of, 'day')::text IS DISTINCT FROM bn_day), 0::bigint,
          'btyd_summary: btyd_rollup in every order equals btyd_summary (day)');
SELECT is((SELECT count(*) FROM cmp WHERE btyd_summary(bn_fold, as_of, 'week')::text IS DISTINCT FROM bn_week
           OR btyd_summary(bn_two, as_of, 'week')::text IS DISTINCT FROM bn_week), 0::bigint,
          'btyd_summary: btyd_merge folds and two-level rollups equal btyd_summary (week)');
SELECT is((SELECT count(*) FROM cmp WHERE btyd_summary(bf_asc, as_of, 'month')::text IS DISTINCT FROM bf_month
           OR btyd_summary(bf_fold, as_of, 'month')::text IS DISTINCT FROM bf_month
           OR btyd_summary(bf_two, as_of, 'month')::text IS DISTINCT FROM bf_month), 0::bigint,
          'btyd_summary float8: every rollup equals btyd_summary (month)');

-- the text and binary forms round-trip every rolled-up state (binary:
-- COPY in binary format, through send and recv)
CREATE TEMP TABLE copied (LIKE rolled);
DO $$
DECLARE f text := current_setting('data_directory') || '/incremental_properties.copy';
BEGIN
    EXECUTE format('COPY rolled TO %L WITH (FORMAT binary)', f);
    EXECUTE format('COPY copied FROM %L WITH (FORMAT binary)', f);
END $$;
SELECT is((SELECT count(*) FROM rolled WHERE rn_asc::text::rfm_state::text <> rn_asc::text
           OR rf_shuf::text::rfm_state::text <> rf_shuf::text), 0::bigint,
          'rfm_state: the text form round-trips');
SELECT is((SELECT count(*) FROM rolled WHERE bn_asc::text::btyd_state::text <> bn_asc::text
           OR bf_fold::text::btyd_state::text <> bf_fold::text), 0::bigint,
          'btyd_state: the text form round-trips');
SELECT is((SELECT count(*) FROM rolled AS r JOIN copied AS c USING (split, set_id, customer_id)
           WHERE rfm_state_send(r.rn_asc) = rfm_state_send(c.rn_asc)
             AND rfm_state_send(r.rf_fold) = rfm_state_send(c.rf_fold)
             AND btyd_state_send(r.bn_shuf) = btyd_state_send(c.bn_shuf)
             AND btyd_state_send(r.bf_asc) = btyd_state_send(c.bf_asc)),
          (SELECT count(*) FROM rolled),
          'rfm_state and btyd_state: the binary form round-trips');

-- rfm(state, as_of) writes the monetary numeric of a scaled sum itself
-- (scaled_to_numeric_in): it must be the numeric numeric_in makes of the
-- same decimal, digit for digit (numeric_send shows the stored digits,
-- weight, sign and scale; pg_column_size the header form), for values
-- around every power of ten up to 10^18 - 1, both signs and zero, at
-- every scale 0..18
CREATE TEMP TABLE sweep AS
SELECT (v::text || 'e-' || s)::numeric AS amount
FROM generate_series(0, 18) AS s,
     LATERAL (SELECT DISTINCT sign * m AS v
              FROM generate_series(0, 18) AS k,
                   LATERAL (SELECT (10::numeric ^ k)::bigint AS p) AS p,
                   LATERAL (VALUES (p - 1), (p), (p + 1), (7 * p), (1234567891234567891 % p)) AS t(m),
                   (VALUES (1), (-1)) AS g(sign)
              WHERE m < 1000000000000000000) AS vs;
SELECT is((SELECT count(*) FROM sweep, LATERAL (SELECT (rfm(rfm_partial(d, a), date '2024-01-01')).monetary AS m FROM (VALUES (date '2024-01-01', amount)) AS v(d, a)) AS r
           WHERE numeric_send(m) = numeric_send(amount) AND m::text = amount::text AND pg_column_size(m) = pg_column_size(amount)),
          (SELECT count(*) FROM sweep),
          'rfm(state, as_of): the monetary value is numeric''s own, digit for digit, for ' || (SELECT count(*) FROM sweep) || ' values');

-- the as_of rule: the last order's day is accepted (tested above), the
-- day before is an error naming both dates
SELECT throws_ok($$SELECT rfm(rfm_partial(d, 1.0), date '2024-03-09') FROM (VALUES (date '2024-03-10')) AS v(d)$$,
                 '22023', 'as_of must not be before the latest order of the rfm_state',
                 'rfm(state, as_of) before the latest order is 22023');
SELECT throws_ok($$SELECT btyd_summary(btyd_partial(d, 1.0), date '2024-03-09', 'day') FROM (VALUES (date '2024-03-10')) AS v(d)$$,
                 '22023', 'as_of must not be before the latest order of the btyd_state',
                 'btyd_summary(state, as_of, unit) before the latest order is 22023');

SELECT * FROM finish();
ROLLBACK;
