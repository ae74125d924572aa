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

CREATE TYPE bgnbd AS (r float8, alpha float8, a float8, b float8,
                      loglik float8, n bigint, converged boolean);
CREATE TYPE pareto_nbd AS (r float8, alpha float8, s float8, beta float8,
                           loglik float8, n bigint, converged boolean);
CREATE TYPE gamma_gamma AS (p float8, q float8, v float8,
                            loglik float8, n bigint, converged boolean);
CREATE TYPE sbg AS (alpha float8, beta float8, loglik float8, converged boolean);

COMMENT ON TYPE bgnbd IS
'a fitted BG/NBD purchase model: parameters r, alpha (in the time unit of the data), a, b, the log-likelihood, the number of customers and whether the fit converged';
COMMENT ON TYPE pareto_nbd IS
'a fitted Pareto/NBD purchase model: parameters r, alpha, s, beta (alpha and beta in the time unit of the data), the log-likelihood, the number of customers and whether the fit converged';
COMMENT ON TYPE gamma_gamma IS
'a fitted Gamma-Gamma spend model: parameters p, q, v (v in currency), the log-likelihood, the number of repeat customers and whether the fit converged';
COMMENT ON TYPE sbg IS
'a fitted shifted-beta-geometric retention model: parameters alpha, beta, the log-likelihood and whether the fit converged';

CREATE FUNCTION bgnbd_expected_purchases(model bgnbd, horizon float8,
                                         frequency integer, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION bgnbd_expected_purchases(model bgnbd, horizon float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases_new'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION bgnbd_p_alive(model bgnbd, frequency integer, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'bgnbd_p_alive'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION bgnbd_prob_purchases(model bgnbd, n integer, horizon float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'bgnbd_prob_purchases'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION pareto_nbd_expected_purchases(model pareto_nbd, horizon float8,
                                              frequency integer, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'pareto_nbd_expected_purchases'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION pareto_nbd_p_alive(model pareto_nbd, frequency integer, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'pareto_nbd_p_alive'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION gamma_gamma_expected_spend(model gamma_gamma, frequency integer,
                                           monetary_value float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'gamma_gamma_expected_spend'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION cltv(purchases bgnbd, spend gamma_gamma, frequency integer,
                     recency float8, t float8, monetary_value float8,
                     months integer, discount_rate float8, unit text)
RETURNS float8
AS 'MODULE_PATHNAME', 'cltv_btyd'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION sbg_fit(survivors bigint[])
RETURNS sbg
AS 'MODULE_PATHNAME', 'sbg_fit'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION sbg_survival(model sbg, t integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'sbg_survival'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION sbg_retention(model sbg, t integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'sbg_retention'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION sbg_derl(model sbg, discount_rate float8, periods_alive integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'sbg_derl'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_expected_purchases(bgnbd, float8, integer, float8, float8) IS
'BG/NBD expected purchases in the next horizon time units of a customer with this frequency, recency and age t';
COMMENT ON FUNCTION bgnbd_expected_purchases(bgnbd, float8) IS
'BG/NBD expected repeat purchases of a new customer in horizon time units after the first purchase';
COMMENT ON FUNCTION bgnbd_p_alive(bgnbd, integer, float8, float8) IS
'BG/NBD probability that a customer with this frequency, recency and age t is still active (1 for frequency 0)';
COMMENT ON FUNCTION bgnbd_prob_purchases(bgnbd, integer, float8) IS
'BG/NBD probability that a new customer makes exactly n repeat purchases in horizon time units';
COMMENT ON FUNCTION pareto_nbd_expected_purchases(pareto_nbd, float8, integer, float8, float8) IS
'Pareto/NBD expected purchases in the next horizon time units of a customer with this frequency, recency and age t';
COMMENT ON FUNCTION pareto_nbd_p_alive(pareto_nbd, integer, float8, float8) IS
'Pareto/NBD probability that a customer with this frequency, recency and age t is still active';
COMMENT ON FUNCTION gamma_gamma_expected_spend(gamma_gamma, integer, float8) IS
'Gamma-Gamma expected spend per transaction of a customer with this frequency and mean repeat spend';
COMMENT ON FUNCTION cltv(bgnbd, gamma_gamma, integer, float8, float8, float8, integer, float8, text) IS
'discounted lifetime value over the next months months from a BG/NBD and a Gamma-Gamma model, monthly discount_rate, models fitted in unit day, week or month';
COMMENT ON FUNCTION sbg_fit(bigint[]) IS
'shifted-beta-geometric retention model fitted to a cohort''s survivor counts at t = 0, 1, 2, ...';
COMMENT ON FUNCTION sbg_survival(sbg, integer) IS
'sBG share of a cohort surviving t periods';
COMMENT ON FUNCTION sbg_retention(sbg, integer) IS
'sBG retention rate of period t (t >= 1)';
COMMENT ON FUNCTION sbg_derl(sbg, float8, integer) IS
'sBG discounted expected residual lifetime, in payments, of a customer active for periods_alive periods';

CREATE FUNCTION btyd_fit_trans(internal, integer, float8, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

CREATE FUNCTION btyd_fit_trans(internal, integer, float8, float8, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

CREATE FUNCTION btyd_fit_trans(internal, float8, float8, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_fit_trans_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

CREATE FUNCTION btyd_fit_trans(internal, float8, float8, float8, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_fit_trans_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

CREATE FUNCTION spend_fit_trans(internal, integer, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'spend_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

CREATE FUNCTION spend_fit_trans(internal, integer, float8, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'spend_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

CREATE FUNCTION spend_fit_trans(internal, float8, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'spend_fit_trans_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

CREATE FUNCTION spend_fit_trans(internal, float8, float8, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'spend_fit_trans_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

CREATE FUNCTION fit_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'fit_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: handles the NULL states itself

CREATE FUNCTION fit_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'fit_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION fit_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'fit_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION bgnbd_fit_final(internal)
RETURNS bgnbd
AS 'MODULE_PATHNAME', 'bgnbd_fit_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION pareto_nbd_fit_final(internal)
RETURNS pareto_nbd
AS 'MODULE_PATHNAME', 'pareto_nbd_fit_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION gamma_gamma_fit_final(internal)
RETURNS gamma_gamma
AS 'MODULE_PATHNAME', 'gamma_gamma_fit_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_fit_trans(internal, integer, float8, float8) IS
'aggregate transition function of bgnbd_fit and pareto_nbd_fit';
COMMENT ON FUNCTION btyd_fit_trans(internal, integer, float8, float8, float8) IS
'aggregate transition function of bgnbd_fit with a penalizer';
COMMENT ON FUNCTION btyd_fit_trans(internal, float8, float8, float8) IS
'aggregate transition function of bgnbd_fit and pareto_nbd_fit with a float8 frequency';
COMMENT ON FUNCTION btyd_fit_trans(internal, float8, float8, float8, float8) IS
'aggregate transition function of bgnbd_fit with a float8 frequency and a penalizer';
COMMENT ON FUNCTION spend_fit_trans(internal, integer, float8) IS
'aggregate transition function of gamma_gamma_fit';
COMMENT ON FUNCTION spend_fit_trans(internal, integer, float8, float8) IS
'aggregate transition function of gamma_gamma_fit with a penalizer';
COMMENT ON FUNCTION spend_fit_trans(internal, float8, float8) IS
'aggregate transition function of gamma_gamma_fit with a float8 frequency';
COMMENT ON FUNCTION spend_fit_trans(internal, float8, float8, float8) IS
'aggregate transition function of gamma_gamma_fit with a float8 frequency and a penalizer';
COMMENT ON FUNCTION fit_combine(internal, internal) IS
'aggregate combine function of the model fits';
COMMENT ON FUNCTION fit_serialize(internal) IS
'aggregate serialize function of the model fits';
COMMENT ON FUNCTION fit_deserialize(bytea, internal) IS
'aggregate deserialize function of the model fits';
COMMENT ON FUNCTION bgnbd_fit_final(internal) IS
'aggregate final function of bgnbd_fit';
COMMENT ON FUNCTION pareto_nbd_fit_final(internal) IS
'aggregate final function of pareto_nbd_fit';
COMMENT ON FUNCTION gamma_gamma_fit_final(internal) IS
'aggregate final function of gamma_gamma_fit';

CREATE AGGREGATE bgnbd_fit(frequency integer, recency float8, t float8) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = bgnbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

CREATE AGGREGATE bgnbd_fit(frequency integer, recency float8, t float8, penalizer float8) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = bgnbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

CREATE AGGREGATE bgnbd_fit(frequency float8, recency float8, t float8) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = bgnbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

CREATE AGGREGATE bgnbd_fit(frequency float8, recency float8, t float8, penalizer float8) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = bgnbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

CREATE AGGREGATE pareto_nbd_fit(frequency integer, recency float8, t float8) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = pareto_nbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

CREATE AGGREGATE pareto_nbd_fit(frequency float8, recency float8, t float8) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = pareto_nbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

CREATE AGGREGATE gamma_gamma_fit(frequency integer, monetary_value float8) (
    SFUNC = spend_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = gamma_gamma_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

CREATE AGGREGATE gamma_gamma_fit(frequency integer, monetary_value float8, penalizer float8) (
    SFUNC = spend_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = gamma_gamma_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

CREATE AGGREGATE gamma_gamma_fit(frequency float8, monetary_value float8) (
    SFUNC = spend_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = gamma_gamma_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

CREATE AGGREGATE gamma_gamma_fit(frequency float8, monetary_value float8, penalizer float8) (
    SFUNC = spend_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = gamma_gamma_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE bgnbd_fit(integer, float8, float8) IS
'maximum-likelihood BG/NBD model (Fader, Hardie & Lee 2005) of customers'' frequency, recency and age t';
COMMENT ON AGGREGATE bgnbd_fit(integer, float8, float8, float8) IS
'BG/NBD model fitted with an L2 penalty penalizer * (r^2 + alpha^2 + a^2 + b^2) on the mean log-likelihood';
COMMENT ON AGGREGATE bgnbd_fit(float8, float8, float8) IS
'maximum-likelihood BG/NBD model; frequency as float8 must be a whole number';
COMMENT ON AGGREGATE bgnbd_fit(float8, float8, float8, float8) IS
'BG/NBD model fitted with an L2 penalty; frequency as float8 must be a whole number';
COMMENT ON AGGREGATE pareto_nbd_fit(integer, float8, float8) IS
'maximum-likelihood Pareto/NBD model (Schmittlein, Morrison & Colombo 1987) of customers'' frequency, recency and age t';
COMMENT ON AGGREGATE pareto_nbd_fit(float8, float8, float8) IS
'maximum-likelihood Pareto/NBD model; frequency as float8 must be a whole number';
COMMENT ON AGGREGATE gamma_gamma_fit(integer, float8) IS
'maximum-likelihood Gamma-Gamma spend model of repeat customers'' frequency and mean repeat spend (frequency 0 rows skipped)';
COMMENT ON AGGREGATE gamma_gamma_fit(integer, float8, float8) IS
'Gamma-Gamma spend model fitted with an L2 penalty penalizer * (p^2 + q^2 + v^2) on the mean log-likelihood';
COMMENT ON AGGREGATE gamma_gamma_fit(float8, float8) IS
'maximum-likelihood Gamma-Gamma spend model; frequency as float8 must be a whole number';
COMMENT ON AGGREGATE gamma_gamma_fit(float8, float8, float8) IS
'Gamma-Gamma spend model fitted with an L2 penalty; frequency as float8 must be a whole number';

-- end of section 5b
