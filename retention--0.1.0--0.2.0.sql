/* retention--0.1.0--0.2.0.sql: update of the retention extension from 0.1.0 to 0.2.0 */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "ALTER EXTENSION retention UPDATE TO '0.2.0'" to load this file. \quit

-- Every change of 0.2.0 stands here and in retention--0.2.0.sql, in the
-- same commit; test/t/005_upgrade.pl checks that an updated catalog equals
-- a fresh install. Sections follow retention--0.2.0.sql.

-- 8. Subscription retention: survival (Kaplan-Meier, the log-rank test)

CREATE TYPE km_curve;

CREATE FUNCTION km_curve_in(cstring)
RETURNS km_curve
AS 'MODULE_PATHNAME', 'km_curve_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION km_curve_out(km_curve)
RETURNS cstring
AS 'MODULE_PATHNAME', 'km_curve_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION km_curve_recv(internal)
RETURNS km_curve
AS 'MODULE_PATHNAME', 'km_curve_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION km_curve_send(km_curve)
RETURNS bytea
AS 'MODULE_PATHNAME', 'km_curve_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE km_curve (
    INPUT = km_curve_in,
    OUTPUT = km_curve_out,
    RECEIVE = km_curve_recv,
    SEND = km_curve_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

CREATE TYPE logrank_result AS (chisq float8, df integer, p_value float8);

COMMENT ON TYPE km_curve IS
'a Kaplan-Meier survival curve: events and censored subjects per distinct time, from kaplan_meier';
COMMENT ON FUNCTION km_curve_in(cstring) IS 'km_curve input function: a JSON array of [time, events, censored]';
COMMENT ON FUNCTION km_curve_out(km_curve) IS 'km_curve output function: a JSON array of [time, events, censored]';
COMMENT ON FUNCTION km_curve_recv(internal) IS 'km_curve binary input function';
COMMENT ON FUNCTION km_curve_send(km_curve) IS 'km_curve binary output function';
COMMENT ON TYPE logrank_result IS
'result of logrank_test: chi-square statistic, degrees of freedom (groups - 1) and p-value';

CREATE FUNCTION km_table(curve km_curve,
    OUT "time" float8, OUT at_risk bigint, OUT events bigint, OUT censored bigint,
    OUT survival float8, OUT std_error float8, OUT lower_95 float8, OUT upper_95 float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'km_table'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION km_survival(curve km_curve, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'km_survival'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION km_median(curve km_curve)
RETURNS float8
AS 'MODULE_PATHNAME', 'km_median'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION km_table(km_curve) IS
'Kaplan-Meier table: per distinct time the subjects at risk, events, censored, survival, Greenwood standard error and 95% log-log interval (R survfit)';
COMMENT ON FUNCTION km_survival(km_curve, float8) IS
'Kaplan-Meier survival S(t), right-continuous: the share surviving beyond time t';
COMMENT ON FUNCTION km_median(km_curve) IS
'median survival time as R''s survival package reports it; NULL when survival never falls to 0.5';

-- private: support functions of the aggregates
CREATE FUNCTION kaplan_meier_trans(internal, float8, boolean)
RETURNS internal
AS 'MODULE_PATHNAME', 'kaplan_meier_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: creates the state on the first row; a NULL argument is an error

CREATE FUNCTION kaplan_meier_trans(internal, date, date, date)
RETURNS internal
AS 'MODULE_PATHNAME', 'kaplan_meier_trans_dates'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: creates the state; a NULL ended_at is a subscription still running

CREATE FUNCTION kaplan_meier_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'kaplan_meier_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: either partial state may be NULL

CREATE FUNCTION kaplan_meier_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'kaplan_meier_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION kaplan_meier_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'kaplan_meier_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION kaplan_meier_final(internal)
RETURNS km_curve
AS 'MODULE_PATHNAME', 'kaplan_meier_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: a group without rows has a NULL state

CREATE FUNCTION logrank_test_trans(internal, float8, boolean, text)
RETURNS internal
AS 'MODULE_PATHNAME', 'logrank_test_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: creates the state on the first row; a NULL argument is an error

CREATE FUNCTION logrank_test_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'logrank_test_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: either partial state may be NULL

CREATE FUNCTION logrank_test_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'logrank_test_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION logrank_test_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'logrank_test_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION logrank_test_final(internal)
RETURNS logrank_result
AS 'MODULE_PATHNAME', 'logrank_test_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: a group without rows has a NULL state

COMMENT ON FUNCTION kaplan_meier_trans(internal, float8, boolean) IS 'aggregate transition function';
COMMENT ON FUNCTION kaplan_meier_trans(internal, date, date, date) IS 'aggregate transition function';
COMMENT ON FUNCTION kaplan_meier_combine(internal, internal) IS 'aggregate combine function';
COMMENT ON FUNCTION kaplan_meier_serialize(internal) IS 'aggregate serial function';
COMMENT ON FUNCTION kaplan_meier_deserialize(bytea, internal) IS 'aggregate deserial function';
COMMENT ON FUNCTION kaplan_meier_final(internal) IS 'aggregate final function';
COMMENT ON FUNCTION logrank_test_trans(internal, float8, boolean, text) IS 'aggregate transition function';
COMMENT ON FUNCTION logrank_test_combine(internal, internal) IS 'aggregate combine function';
COMMENT ON FUNCTION logrank_test_serialize(internal) IS 'aggregate serial function';
COMMENT ON FUNCTION logrank_test_deserialize(bytea, internal) IS 'aggregate deserial function';
COMMENT ON FUNCTION logrank_test_final(internal) IS 'aggregate final function';

-- aggregates
CREATE AGGREGATE kaplan_meier(duration float8, event boolean) (
    SFUNC = kaplan_meier_trans,
    STYPE = internal,
    SSPACE = 2048,
    FINALFUNC = kaplan_meier_final,
    COMBINEFUNC = kaplan_meier_combine,
    SERIALFUNC = kaplan_meier_serialize,
    DESERIALFUNC = kaplan_meier_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE kaplan_meier(started_at date, ended_at date, as_of date) (
    SFUNC = kaplan_meier_trans,
    STYPE = internal,
    SSPACE = 2048,
    FINALFUNC = kaplan_meier_final,
    COMBINEFUNC = kaplan_meier_combine,
    SERIALFUNC = kaplan_meier_serialize,
    DESERIALFUNC = kaplan_meier_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE logrank_test(duration float8, event boolean, grp text) (
    SFUNC = logrank_test_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = logrank_test_final,
    COMBINEFUNC = logrank_test_combine,
    SERIALFUNC = logrank_test_serialize,
    DESERIALFUNC = logrank_test_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE kaplan_meier(float8, boolean) IS
'Kaplan-Meier survival curve of durations, event = the subscription ended (else censored there)';
COMMENT ON AGGREGATE kaplan_meier(date, date, date) IS
'Kaplan-Meier survival curve of subscriptions in days: ended by as_of is an event, else censored at as_of';
COMMENT ON AGGREGATE logrank_test(float8, boolean, text) IS
'log-rank test (R survdiff, rho = 0) that the groups share one survival curve: chi-square, df, p-value';

-- end of section 8
