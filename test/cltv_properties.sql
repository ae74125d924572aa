--
-- Properties of the simple lifetime-value functions (DESIGN section 4) on
-- 4,000 deterministic pseudo-random parameter sets (hashint8extended):
-- cltv non-increasing in churn and in discount, non-decreasing in the
-- horizon and bounded by the unbounded value (non-negative revenue and
-- margin), never NaN; payback_periods non-decreasing in cac and churn,
-- non-increasing in margin, and the first period where the expected
-- cumulative margin reaches cac.
--
BEGIN;
SELECT plan(12);

\ir lib/setup.sql

-- churn2 = churn + x (1 - churn) is in [churn, 1]; discount2 >= discount
CREATE TEMP TABLE p AS
SELECT q.*,
       churn + round(pg_temp.u(i, 4) * 1000) / 1000 * (1 - churn) AS churn2,
       discount + round(pg_temp.u(i, 6) * 300) / 1000 AS discount2
FROM (SELECT i,
             round(pg_temp.u(i, 1) * 100000) / 100 AS revenue,
             round(pg_temp.u(i, 2) * 1000) / 1000 AS churn,
             round(pg_temp.u(i, 5) * 300) / 1000 AS discount,
             round(pg_temp.u(i, 8) * 100) / 100 AS margin,
             (pg_temp.u(i, 9) * 1500)::integer AS horizon,
             (pg_temp.u(i, 10) * 1500)::integer AS horizon_step,
             round(pg_temp.u(i, 11) * 1e6) / 100 AS cac,
             round(pg_temp.u(i, 12) * 1e6) / 100 AS cac_step,
             1 + round(pg_temp.u(i, 13) * 1e5) / 100 AS margin_pp
      FROM generate_series(1, 4000) AS i) AS q;

CREATE TEMP TABLE v AS
SELECT p.*,
       cltv(revenue, churn, discount, margin) AS c_unbounded,
       cltv(revenue, churn2, discount, margin) AS c_unbounded_churn2,
       cltv(revenue, churn, discount2, margin) AS c_unbounded_discount2,
       cltv(revenue, churn, discount, margin, horizon) AS c_h,
       cltv(revenue, churn2, discount, margin, horizon) AS c_h_churn2,
       cltv(revenue, churn, discount2, margin, horizon) AS c_h_discount2,
       cltv(revenue, churn, discount, margin, horizon + horizon_step) AS c_h2
FROM p
WHERE churn + discount > 0;

SELECT cmp_ok((SELECT count(*) FROM v), '>', 3900::bigint, 'cltv: more than 3,900 parameter sets');
SELECT is((SELECT count(*) FROM v WHERE 'NaN' IN (c_unbounded, c_unbounded_churn2, c_unbounded_discount2, c_h, c_h_churn2, c_h_discount2, c_h2)
           OR c_unbounded IS NULL OR c_h IS NULL), 0::bigint, 'cltv: never NaN, never NULL');
SELECT is((SELECT count(*) FROM v WHERE c_unbounded_churn2 > c_unbounded), 0::bigint,
          'cltv: unbounded value non-increasing in churn (exact)');
SELECT is((SELECT count(*) FROM v WHERE c_unbounded_discount2 > c_unbounded), 0::bigint,
          'cltv: unbounded value non-increasing in discount (exact)');
SELECT is((SELECT count(*) FROM v WHERE c_h_churn2 > c_h * (1 + 1e-12)), 0::bigint,
          'cltv: value over a horizon non-increasing in churn');
SELECT is((SELECT count(*) FROM v WHERE c_h_discount2 > c_h * (1 + 1e-12)), 0::bigint,
          'cltv: value over a horizon non-increasing in discount');
SELECT is((SELECT count(*) FROM v WHERE c_h2 < c_h * (1 - 1e-12) OR c_h > c_unbounded * (1 + 1e-12) OR c_h2 > c_unbounded * (1 + 1e-12)), 0::bigint,
          'cltv: non-decreasing in the horizon and bounded by the unbounded value');

CREATE TEMP TABLE pb AS
SELECT p.*,
       payback_periods(cac, margin_pp, churn) AS n,
       payback_periods(cac + cac_step, margin_pp, churn) AS n_cac2,
       payback_periods(cac, margin_pp, churn2) AS n_churn2,
       payback_periods(cac, margin_pp + 1, churn) AS n_margin2
FROM p;

SELECT cmp_ok((SELECT count(*) FROM pb WHERE n IS NOT NULL AND n > 1), '>', 500::bigint,
              'payback_periods: more than 500 cases that take more than one period');
SELECT is((SELECT count(*) FROM pb WHERE (n IS NULL AND n_cac2 IS NOT NULL) OR n_cac2 < n), 0::bigint,
          'payback_periods: non-decreasing in cac (NULL, unreachable, stays NULL)');
SELECT is((SELECT count(*) FROM pb WHERE (n IS NULL AND n_churn2 IS NOT NULL) OR n_churn2 < n), 0::bigint,
          'payback_periods: non-decreasing in churn');
SELECT is((SELECT count(*) FROM pb WHERE (n_margin2 IS NULL AND n IS NOT NULL) OR n_margin2 > n), 0::bigint,
          'payback_periods: non-increasing in margin');
-- the cumulative expected margin m (1 - (1 - c)^n) / c (m n for c = 0) reaches cac at n, not at n - 1
SELECT is((SELECT count(*) FROM (SELECT i FROM pb,
           LATERAL (SELECT CASE WHEN churn = 0 THEN margin_pp * k ELSE margin_pp * (1 - (1 - churn) ^ k) / churn END AS cum
                    FROM (VALUES (n), (n - 1)) AS x(k)) AS y
           WHERE n IS NOT NULL AND cac > 0
           GROUP BY i, n, cac
           HAVING NOT (max(cum) >= cac * (1 - 1e-12) AND min(cum) < cac * (1 + 1e-12))) AS bad), 0::bigint,
          'payback_periods: the first period where the cumulative expected margin reaches cac');

SELECT * FROM finish();
ROLLBACK;
