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

CREATE TYPE btyd_summary AS (
    frequency integer,
    recency float8,
    t float8,
    monetary_value float8
);

COMMENT ON TYPE btyd_summary IS
'one customer''s buy-till-you-die summary: repeat purchase days, first to last purchase, first purchase to as_of (in the unit asked for), mean repeat purchase value';

CREATE FUNCTION simulate_orders(customers integer, seed integer,
                                r float8, alpha float8, a float8, b float8,
                                p float8, q float8, v float8,
                                start date, days integer)
RETURNS TABLE (customer_id bigint, order_at date, amount numeric)
AS 'MODULE_PATHNAME', 'simulate_orders'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE  -- the rows are a function of the arguments (own PRNG)
ROWS 100000;

CREATE FUNCTION simulate_orders(customers integer, seed integer)
RETURNS TABLE (customer_id bigint, order_at date, amount numeric)
AS 'MODULE_PATHNAME', 'simulate_orders_cdnow'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE  -- the rows are a function of the arguments (own PRNG)
ROWS 100000;

COMMENT ON FUNCTION simulate_orders(integer, integer, float8, float8, float8, float8, float8, float8, float8, date, integer) IS
'synthetic orders of a BG/NBD purchase process (r, alpha per week; a, b) with Gamma-Gamma spend (p, q, v): every customer buys first on start and is observed for days days; deterministic for a seed';
COMMENT ON FUNCTION simulate_orders(integer, integer) IS
'synthetic orders with the CDNOW estimates (r 0.243, alpha 4.414, a 0.793, b 2.426 per week; p 6.25, q 3.74, v 15.44) from 2024-01-01 over 273 days (39 weeks); deterministic for a seed';

CREATE FUNCTION btyd_summary_trans(internal, date, numeric, date, text)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_trans_date_numeric'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: rows with a NULL are skipped

CREATE FUNCTION btyd_summary_trans(internal, date, float8, date, text)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_trans_date_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: rows with a NULL are skipped

CREATE FUNCTION btyd_summary_trans(internal, timestamptz, numeric, timestamptz, text)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_trans_timestamptz_numeric'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: rows with a NULL are skipped; 24-hour days, no TimeZone

CREATE FUNCTION btyd_summary_trans(internal, timestamptz, float8, timestamptz, text)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_trans_timestamptz_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: rows with a NULL are skipped; 24-hour days, no TimeZone

CREATE FUNCTION btyd_summary_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: either partial state may be NULL

CREATE FUNCTION btyd_summary_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'btyd_summary_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION btyd_summary_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION btyd_summary_final(internal)
RETURNS btyd_summary
AS 'MODULE_PATHNAME', 'btyd_summary_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_summary_trans(internal, date, numeric, date, text) IS
'aggregate transition function';
COMMENT ON FUNCTION btyd_summary_trans(internal, date, float8, date, text) IS
'aggregate transition function';
COMMENT ON FUNCTION btyd_summary_trans(internal, timestamptz, numeric, timestamptz, text) IS
'aggregate transition function';
COMMENT ON FUNCTION btyd_summary_trans(internal, timestamptz, float8, timestamptz, text) IS
'aggregate transition function';
COMMENT ON FUNCTION btyd_summary_combine(internal, internal) IS
'aggregate combine function';
COMMENT ON FUNCTION btyd_summary_serialize(internal) IS
'aggregate serialization function';
COMMENT ON FUNCTION btyd_summary_deserialize(bytea, internal) IS
'aggregate deserialization function';
COMMENT ON FUNCTION btyd_summary_final(internal) IS
'aggregate final function';

CREATE AGGREGATE btyd_summary(order_at date, amount numeric, as_of date, unit text) (
    SFUNC = btyd_summary_trans,
    STYPE = internal,
    SSPACE = 96,
    FINALFUNC = btyd_summary_final,
    COMBINEFUNC = btyd_summary_combine,
    SERIALFUNC = btyd_summary_serialize,
    DESERIALFUNC = btyd_summary_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE btyd_summary(order_at date, amount float8, as_of date, unit text) (
    SFUNC = btyd_summary_trans,
    STYPE = internal,
    SSPACE = 96,
    FINALFUNC = btyd_summary_final,
    COMBINEFUNC = btyd_summary_combine,
    SERIALFUNC = btyd_summary_serialize,
    DESERIALFUNC = btyd_summary_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE btyd_summary(order_at timestamptz, amount numeric, as_of timestamptz, unit text) (
    SFUNC = btyd_summary_trans,
    STYPE = internal,
    SSPACE = 96,
    FINALFUNC = btyd_summary_final,
    COMBINEFUNC = btyd_summary_combine,
    SERIALFUNC = btyd_summary_serialize,
    DESERIALFUNC = btyd_summary_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE btyd_summary(order_at timestamptz, amount float8, as_of timestamptz, unit text) (
    SFUNC = btyd_summary_trans,
    STYPE = internal,
    SSPACE = 96,
    FINALFUNC = btyd_summary_final,
    COMBINEFUNC = btyd_summary_combine,
    SERIALFUNC = btyd_summary_serialize,
    DESERIALFUNC = btyd_summary_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE btyd_summary(date, numeric, date, text) IS
'buy-till-you-die summary (frequency, recency, t, monetary_value) of one customer''s orders as of a day, times in days, weeks (days / 7) or months (days / 30); same-day orders merge';
COMMENT ON AGGREGATE btyd_summary(date, float8, date, text) IS
'buy-till-you-die summary (frequency, recency, t, monetary_value) of one customer''s orders as of a day, times in days, weeks (days / 7) or months (days / 30); same-day orders merge';
COMMENT ON AGGREGATE btyd_summary(timestamptz, numeric, timestamptz, text) IS
'buy-till-you-die summary (frequency, recency, t, monetary_value) of one customer''s orders as of a moment, days being 24-hour windows back from as_of; times in days, weeks (days / 7) or months (days / 30)';
COMMENT ON AGGREGATE btyd_summary(timestamptz, float8, timestamptz, text) IS
'buy-till-you-die summary (frequency, recency, t, monetary_value) of one customer''s orders as of a moment, days being 24-hour windows back from as_of; times in days, weeks (days / 7) or months (days / 30)';

-- end of section 5a

-- 5b. model fits (BG/NBD, Pareto/NBD, Gamma-Gamma, sBG) and their accessors, cltv

-- end of section 5b
