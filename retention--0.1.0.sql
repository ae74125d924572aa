/* retention--0.1.0.sql: install script of the retention extension */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION retention" to load this file. \quit

-- Sections follow DESIGN.md: RFM, segments, retention and cohorts, simple
-- lifetime value, probabilistic models. Within each: types, functions,
-- private (support) functions, aggregates. Default marking is
-- IMMUTABLE STRICT PARALLEL SAFE; any other carries a comment saying why.

------------------------------------------------------------------------------
-- 1. RFM
------------------------------------------------------------------------------

-- end of section 1

------------------------------------------------------------------------------
-- 2. Segments
------------------------------------------------------------------------------

CREATE FUNCTION segment(r integer, f integer)
RETURNS text
AS 'MODULE_PATHNAME', 'segment'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION segment(r integer, f integer, m integer)
RETURNS text
AS 'MODULE_PATHNAME', 'segment'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION segment(r integer, f integer, m integer, rules jsonb)
RETURNS text
AS 'MODULE_PATHNAME', 'segment_rules'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION segment(integer, integer) IS
'named customer segment of R and F scores (1..5) in the default 10-segment map';
COMMENT ON FUNCTION segment(integer, integer, integer) IS
'named customer segment of R, F and M scores (1..5) in the default 10-segment map (M is checked, not used)';
COMMENT ON FUNCTION segment(integer, integer, integer, jsonb) IS
'named customer segment of R, F and M scores by user rules: the first matching rule of a jsonb array wins, NULL if none';

-- end of section 2

------------------------------------------------------------------------------
-- 3. Retention and churn
------------------------------------------------------------------------------

CREATE FUNCTION retention_rate(start_count bigint, end_count bigint, new_count bigint)
RETURNS float8
AS 'MODULE_PATHNAME', 'retention_rate'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION churn_rate(start_count bigint, end_count bigint, new_count bigint)
RETURNS float8
AS 'MODULE_PATHNAME', 'churn_rate'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION retention_rate(bigint, bigint, bigint) IS
'customer retention rate (end - new) / start as a fraction; NULL when start is 0';
COMMENT ON FUNCTION churn_rate(bigint, bigint, bigint) IS
'customer churn rate 1 - (end - new) / start as a fraction; NULL when start is 0';

-- end of section 3

------------------------------------------------------------------------------
-- 4. Lifetime value, simple
------------------------------------------------------------------------------

CREATE FUNCTION cltv(avg_revenue float8, churn_rate float8,
                     discount_rate float8 DEFAULT 0, margin float8 DEFAULT 1,
                     horizon integer DEFAULT NULL)
RETURNS float8
AS 'MODULE_PATHNAME', 'cltv'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: a NULL horizon means no horizon

CREATE FUNCTION payback_periods(cac float8, margin_per_period float8,
                                churn_rate float8 DEFAULT 0)
RETURNS integer
AS 'MODULE_PATHNAME', 'payback_periods'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION cltv(float8, float8, float8, float8, integer) IS
'customer lifetime value: discounted expected margin under geometric churn, over a horizon of periods or unbounded (avg_revenue / churn_rate with the defaults)';
COMMENT ON FUNCTION payback_periods(float8, float8, float8) IS
'periods until the cumulative expected margin reaches the acquisition cost; NULL when churn makes it unreachable';

-- end of section 4

------------------------------------------------------------------------------
-- 5. Lifetime value, probabilistic (buy-till-you-die)
------------------------------------------------------------------------------

-- 5a. btyd_summary and simulate_orders

-- end of section 5a

-- 5b. model fits (BG/NBD, Pareto/NBD, Gamma-Gamma, sBG) and their accessors, cltv

-- end of section 5b
