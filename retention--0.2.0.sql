/* retention--0.2.0.sql: install script of the retention extension */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION retention" to load this file. \quit

-- Sections follow DESIGN.md: RFM, segments, retention and cohorts, simple
-- lifetime value, probabilistic models. Within each: types, functions,
-- private (support) functions, aggregates. Default marking is
-- IMMUTABLE STRICT PARALLEL SAFE; any other carries a comment saying why.

------------------------------------------------------------------------------
-- 0. Shared types
------------------------------------------------------------------------------

-- An enum, not text: text arguments are collatable, and postgres_fdw does
-- not ship an aggregate whose input collation is not a foreign column's,
-- so btyd_summary(..., 'week') could not be pushed down to shards.
CREATE TYPE time_unit AS ENUM ('day', 'week', 'month', 'quarter', 'year');
COMMENT ON TYPE time_unit IS
'calendar unit of btyd_summary, cohort_retention and the probabilistic cltv: day, week, month, quarter or year';

-- text values (a column, a bound parameter) convert by the enum's input
CREATE CAST (text AS time_unit) WITH INOUT AS IMPLICIT;

------------------------------------------------------------------------------
-- 1. RFM
------------------------------------------------------------------------------

CREATE TYPE rfm AS (recency_days integer, frequency bigint, monetary numeric, tenure_days integer);

COMMENT ON TYPE rfm IS
'one customer''s RFM values: whole days since the last order, orders, monetary value (refunds included) and whole days since the first order';

CREATE TYPE rfm_score AS (r integer, f integer, m integer, code text);

CREATE TYPE rfm_breaks AS (bins integer, r float8[], f float8[], m float8[]);

COMMENT ON TYPE rfm_score IS
'R, F and M scores (1 = worst, bins = best) and their code, such as 545';
COMMENT ON TYPE rfm_breaks IS
'fixed score breaks: per score, bins - 1 ascending cut values (see rfm_score(..., rfm_breaks))';

-- rfm_score window functions read their arguments themselves (WINDOW
-- functions are never STRICT); a NULL value gives a NULL score.

CREATE FUNCTION rfm_score(recency_days integer, frequency bigint, monetary numeric)
RETURNS rfm_score
AS 'MODULE_PATHNAME', 'rfm_score_window'
LANGUAGE C IMMUTABLE WINDOW PARALLEL SAFE;  -- not STRICT: window function

CREATE FUNCTION rfm_score(recency_days integer, frequency bigint, monetary numeric, bins integer)
RETURNS rfm_score
AS 'MODULE_PATHNAME', 'rfm_score_window'
LANGUAGE C IMMUTABLE WINDOW PARALLEL SAFE;  -- not STRICT: window function

CREATE FUNCTION rfm_score(rfm rfm)
RETURNS rfm_score
AS 'MODULE_PATHNAME', 'rfm_score_window'
LANGUAGE C IMMUTABLE WINDOW PARALLEL SAFE;  -- not STRICT: window function

CREATE FUNCTION rfm_score(rfm rfm, bins integer)
RETURNS rfm_score
AS 'MODULE_PATHNAME', 'rfm_score_window'
LANGUAGE C IMMUTABLE WINDOW PARALLEL SAFE;  -- not STRICT: window function

CREATE FUNCTION rfm_breaks(bins integer, r float8[], f float8[], m float8[])
RETURNS rfm_breaks
AS 'MODULE_PATHNAME', 'rfm_breaks_make'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION rfm_score(recency_days integer, frequency bigint, monetary numeric, breaks rfm_breaks)
RETURNS rfm_score
AS 'MODULE_PATHNAME', 'rfm_score_breaks'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: a NULL value gives a NULL score

CREATE FUNCTION rfm_score(rfm rfm, breaks rfm_breaks)
RETURNS rfm_score
AS 'MODULE_PATHNAME', 'rfm_score_breaks'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: a NULL value gives a NULL score

COMMENT ON FUNCTION rfm_score(integer, bigint, numeric) IS
'window function: tie-consistent R, F and M scores 1..5 of each row against its window partition';
COMMENT ON FUNCTION rfm_score(integer, bigint, numeric, integer) IS
'window function: tie-consistent R, F and M scores 1..bins of each row against its window partition';
COMMENT ON FUNCTION rfm_score(rfm) IS
'window function: tie-consistent R, F and M scores 1..5 of each rfm value against its window partition';
COMMENT ON FUNCTION rfm_score(rfm, integer) IS
'window function: tie-consistent R, F and M scores 1..bins of each rfm value against its window partition';
COMMENT ON FUNCTION rfm_breaks(integer, float8[], float8[], float8[]) IS
'fixed score breaks from chosen thresholds, validated: bins 2..9, bins - 1 ascending values per score';
COMMENT ON FUNCTION rfm_score(integer, bigint, numeric, rfm_breaks) IS
'R, F and M scores with fixed breaks; on the population the breaks came from, equal to the window scores';
COMMENT ON FUNCTION rfm_score(rfm, rfm_breaks) IS
'R, F and M scores of an rfm value with fixed breaks; on the population the breaks came from, equal to the window scores';

-- rfm aggregate support functions. The transition functions are not STRICT:
-- they skip rows with a NULL argument themselves and keep the internal state.

CREATE FUNCTION rfm_trans(internal, date, numeric, date)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_trans_date_numeric'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state

CREATE FUNCTION rfm_trans(internal, date, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_trans_date_numeric'
LANGUAGE C STABLE PARALLEL SAFE;  -- not STRICT: internal state; STABLE: as_of is current_date

CREATE FUNCTION rfm_trans(internal, date, float8, date)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_trans_date_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state

CREATE FUNCTION rfm_trans(internal, date, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_trans_date_float8'
LANGUAGE C STABLE PARALLEL SAFE;  -- not STRICT: internal state; STABLE: as_of is current_date

CREATE FUNCTION rfm_trans(internal, timestamptz, numeric, timestamptz)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_trans_timestamptz_numeric'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state

CREATE FUNCTION rfm_trans(internal, timestamptz, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_trans_timestamptz_numeric'
LANGUAGE C STABLE PARALLEL SAFE;  -- not STRICT: internal state; STABLE: as_of is now()

CREATE FUNCTION rfm_trans(internal, timestamptz, float8, timestamptz)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_trans_timestamptz_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state

CREATE FUNCTION rfm_trans(internal, timestamptz, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_trans_timestamptz_float8'
LANGUAGE C STABLE PARALLEL SAFE;  -- not STRICT: internal state; STABLE: as_of is now()

CREATE FUNCTION rfm_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: either state may be NULL

CREATE FUNCTION rfm_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'rfm_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION rfm_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION rfm_final(internal)
RETURNS rfm
AS 'MODULE_PATHNAME', 'rfm_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: a NULL state is an empty group

COMMENT ON FUNCTION rfm_trans(internal, date, numeric, date) IS 'aggregate transition function';
COMMENT ON FUNCTION rfm_trans(internal, date, numeric) IS 'aggregate transition function';
COMMENT ON FUNCTION rfm_trans(internal, date, float8, date) IS 'aggregate transition function';
COMMENT ON FUNCTION rfm_trans(internal, date, float8) IS 'aggregate transition function';
COMMENT ON FUNCTION rfm_trans(internal, timestamptz, numeric, timestamptz) IS 'aggregate transition function';
COMMENT ON FUNCTION rfm_trans(internal, timestamptz, numeric) IS 'aggregate transition function';
COMMENT ON FUNCTION rfm_trans(internal, timestamptz, float8, timestamptz) IS 'aggregate transition function';
COMMENT ON FUNCTION rfm_trans(internal, timestamptz, float8) IS 'aggregate transition function';
COMMENT ON FUNCTION rfm_combine(internal, internal) IS 'aggregate combine function';
COMMENT ON FUNCTION rfm_serialize(internal) IS 'aggregate serial function';
COMMENT ON FUNCTION rfm_deserialize(bytea, internal) IS 'aggregate deserial function';
COMMENT ON FUNCTION rfm_final(internal) IS 'aggregate final function';

-- rfm_breaks aggregate support functions; the transition function is not
-- STRICT: a NULL value is skipped for its score only.

CREATE FUNCTION rfm_breaks_trans(internal, integer, bigint, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_breaks_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state

CREATE FUNCTION rfm_breaks_trans(internal, integer, bigint, numeric, integer)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_breaks_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state

CREATE FUNCTION rfm_breaks_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_breaks_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: either state may be NULL

CREATE FUNCTION rfm_breaks_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'rfm_breaks_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION rfm_breaks_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_breaks_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION rfm_breaks_final(internal)
RETURNS rfm_breaks
AS 'MODULE_PATHNAME', 'rfm_breaks_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: a NULL state is an empty group

COMMENT ON FUNCTION rfm_breaks_trans(internal, integer, bigint, numeric) IS 'aggregate transition function';
COMMENT ON FUNCTION rfm_breaks_trans(internal, integer, bigint, numeric, integer) IS 'aggregate transition function';
COMMENT ON FUNCTION rfm_breaks_combine(internal, internal) IS 'aggregate combine function';
COMMENT ON FUNCTION rfm_breaks_serialize(internal) IS 'aggregate serial function';
COMMENT ON FUNCTION rfm_breaks_deserialize(bytea, internal) IS 'aggregate deserial function';
COMMENT ON FUNCTION rfm_breaks_final(internal) IS 'aggregate final function';

CREATE AGGREGATE rfm(order_at date, amount numeric, as_of date) (
    SFUNC = rfm_trans,
    STYPE = internal,
    SSPACE = 96,
    FINALFUNC = rfm_final,
    COMBINEFUNC = rfm_combine,
    SERIALFUNC = rfm_serialize,
    DESERIALFUNC = rfm_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE rfm(order_at date, amount numeric) (
    SFUNC = rfm_trans,
    STYPE = internal,
    SSPACE = 96,
    FINALFUNC = rfm_final,
    COMBINEFUNC = rfm_combine,
    SERIALFUNC = rfm_serialize,
    DESERIALFUNC = rfm_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE rfm(order_at date, amount float8, as_of date) (
    SFUNC = rfm_trans,
    STYPE = internal,
    SSPACE = 96,
    FINALFUNC = rfm_final,
    COMBINEFUNC = rfm_combine,
    SERIALFUNC = rfm_serialize,
    DESERIALFUNC = rfm_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE rfm(order_at date, amount float8) (
    SFUNC = rfm_trans,
    STYPE = internal,
    SSPACE = 96,
    FINALFUNC = rfm_final,
    COMBINEFUNC = rfm_combine,
    SERIALFUNC = rfm_serialize,
    DESERIALFUNC = rfm_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE rfm(order_at timestamptz, amount numeric, as_of timestamptz) (
    SFUNC = rfm_trans,
    STYPE = internal,
    SSPACE = 96,
    FINALFUNC = rfm_final,
    COMBINEFUNC = rfm_combine,
    SERIALFUNC = rfm_serialize,
    DESERIALFUNC = rfm_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE rfm(order_at timestamptz, amount numeric) (
    SFUNC = rfm_trans,
    STYPE = internal,
    SSPACE = 96,
    FINALFUNC = rfm_final,
    COMBINEFUNC = rfm_combine,
    SERIALFUNC = rfm_serialize,
    DESERIALFUNC = rfm_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE rfm(order_at timestamptz, amount float8, as_of timestamptz) (
    SFUNC = rfm_trans,
    STYPE = internal,
    SSPACE = 96,
    FINALFUNC = rfm_final,
    COMBINEFUNC = rfm_combine,
    SERIALFUNC = rfm_serialize,
    DESERIALFUNC = rfm_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE rfm(order_at timestamptz, amount float8) (
    SFUNC = rfm_trans,
    STYPE = internal,
    SSPACE = 96,
    FINALFUNC = rfm_final,
    COMBINEFUNC = rfm_combine,
    SERIALFUNC = rfm_serialize,
    DESERIALFUNC = rfm_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE rfm(date, numeric, date) IS
'recency, frequency, monetary value and tenure of a customer''s orders as of as_of';
COMMENT ON AGGREGATE rfm(date, numeric) IS
'recency, frequency, monetary value and tenure of a customer''s orders as of current_date';
COMMENT ON AGGREGATE rfm(date, float8, date) IS
'recency, frequency, monetary value and tenure of a customer''s orders as of as_of';
COMMENT ON AGGREGATE rfm(date, float8) IS
'recency, frequency, monetary value and tenure of a customer''s orders as of current_date';
COMMENT ON AGGREGATE rfm(timestamptz, numeric, timestamptz) IS
'recency, frequency, monetary value and tenure of a customer''s orders as of as_of';
COMMENT ON AGGREGATE rfm(timestamptz, numeric) IS
'recency, frequency, monetary value and tenure of a customer''s orders as of now()';
COMMENT ON AGGREGATE rfm(timestamptz, float8, timestamptz) IS
'recency, frequency, monetary value and tenure of a customer''s orders as of as_of';
COMMENT ON AGGREGATE rfm(timestamptz, float8) IS
'recency, frequency, monetary value and tenure of a customer''s orders as of now()';

CREATE AGGREGATE rfm_breaks(recency_days integer, frequency bigint, monetary numeric) (
    SFUNC = rfm_breaks_trans,
    STYPE = internal,
    FINALFUNC = rfm_breaks_final,
    FINALFUNC_MODIFY = READ_WRITE,
    COMBINEFUNC = rfm_breaks_combine,
    SERIALFUNC = rfm_breaks_serialize,
    DESERIALFUNC = rfm_breaks_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE rfm_breaks(recency_days integer, frequency bigint, monetary numeric, bins integer) (
    SFUNC = rfm_breaks_trans,
    STYPE = internal,
    FINALFUNC = rfm_breaks_final,
    FINALFUNC_MODIFY = READ_WRITE,
    COMBINEFUNC = rfm_breaks_combine,
    SERIALFUNC = rfm_breaks_serialize,
    DESERIALFUNC = rfm_breaks_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE rfm_breaks(integer, bigint, numeric) IS
'the cut values of the window rfm_score (5 bins) of a population, to score later populations with fixed breaks';
COMMENT ON AGGREGATE rfm_breaks(integer, bigint, numeric, integer) IS
'the cut values of the window rfm_score (the given number of bins) of a population, to score later populations with fixed breaks';

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

CREATE FUNCTION segment(rfm_score)
RETURNS text
AS 'MODULE_PATHNAME', 'segment_rfm_score'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION segment(integer, integer) IS
'named customer segment of R and F scores (1..5) in the default 10-segment map';
COMMENT ON FUNCTION segment(integer, integer, integer) IS
'named customer segment of R, F and M scores (1..5) in the default 10-segment map (M is checked, not used)';
COMMENT ON FUNCTION segment(rfm_score) IS
'named customer segment of an rfm_score in the default 10-segment map; NULL when its R or F score is NULL';
COMMENT ON FUNCTION segment(integer, integer, integer, jsonb) IS
'named customer segment of R, F and M scores by user rules: the first matching rule of a jsonb array wins, NULL if none';

-- end of section 2

------------------------------------------------------------------------------
-- 3. Retention and churn
------------------------------------------------------------------------------

CREATE TYPE retention_counts AS (
    start_count bigint,
    end_count bigint,
    new_count bigint,
    retained bigint,
    rate float8
);

COMMENT ON TYPE retention_counts IS
'customers at the start and at the end of a period, those new in it, those retained (end - new) and the retention rate';

CREATE TYPE cohort_matrix;

CREATE FUNCTION cohort_matrix_in(cstring)
RETURNS cohort_matrix
AS 'MODULE_PATHNAME', 'cohort_matrix_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION cohort_matrix_out(cohort_matrix)
RETURNS cstring
AS 'MODULE_PATHNAME', 'cohort_matrix_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION cohort_matrix_recv(internal)
RETURNS cohort_matrix
AS 'MODULE_PATHNAME', 'cohort_matrix_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION cohort_matrix_send(cohort_matrix)
RETURNS bytea
AS 'MODULE_PATHNAME', 'cohort_matrix_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE cohort_matrix (
    INPUT = cohort_matrix_in,
    OUTPUT = cohort_matrix_out,
    RECEIVE = cohort_matrix_recv,
    SEND = cohort_matrix_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

COMMENT ON TYPE cohort_matrix IS
'acquisition-cohort retention counts (classic and rolling) and revenue by cohort and period offset, from cohort_retention';
COMMENT ON FUNCTION cohort_matrix_in(cstring) IS 'cohort_matrix input function: the JSON text form';
COMMENT ON FUNCTION cohort_matrix_out(cohort_matrix) IS 'cohort_matrix output function: the JSON text form';
COMMENT ON FUNCTION cohort_matrix_recv(internal) IS 'cohort_matrix binary input function';
COMMENT ON FUNCTION cohort_matrix_send(cohort_matrix) IS 'cohort_matrix binary output function';

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

CREATE FUNCTION cohort_table(matrix cohort_matrix)
RETURNS TABLE (cohort date, period_offset integer, cohort_size bigint, active bigint,
               retention float8, revenue numeric)
AS 'MODULE_PATHNAME', 'cohort_table'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION cohort_table(matrix cohort_matrix, mode text)
RETURNS TABLE (cohort date, period_offset integer, cohort_size bigint, active bigint,
               retention float8, revenue numeric)
AS 'MODULE_PATHNAME', 'cohort_table'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION retention_curve(matrix cohort_matrix)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'retention_curve'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION retention_curve(matrix cohort_matrix, mode text)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'retention_curve'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION cohort_table(cohort_matrix) IS
'the rows of a cohort matrix: per cohort and period offset, the cohort size, the customers active in that period, their share and the revenue';
COMMENT ON FUNCTION cohort_table(cohort_matrix, text) IS
'the rows of a cohort matrix; mode ''classic'' counts the customers active in the period, ''rolling'' those active in it or later';
COMMENT ON FUNCTION retention_curve(cohort_matrix) IS
'retention by period offset pooled over the cohorts that have reached that offset';
COMMENT ON FUNCTION retention_curve(cohort_matrix, text) IS
'retention by period offset pooled over the cohorts that have reached that offset, mode ''classic'' or ''rolling''';

-- private: support functions of the aggregates

CREATE FUNCTION retention_counts_trans(int8[], date, date, daterange)
RETURNS int8[]
AS 'MODULE_PATHNAME', 'retention_counts_trans_date'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: a NULL ended_at means still active

CREATE FUNCTION retention_counts_trans(int8[], timestamptz, timestamptz, tstzrange)
RETURNS int8[]
AS 'MODULE_PATHNAME', 'retention_counts_trans_tstz'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: a NULL ended_at means still active

CREATE FUNCTION retention_counts_combine(int8[], int8[])
RETURNS int8[]
AS 'MODULE_PATHNAME', 'retention_counts_combine'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION retention_counts_final(int8[])
RETURNS retention_counts
AS 'MODULE_PATHNAME', 'retention_counts_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION retention_rate_final(int8[])
RETURNS float8
AS 'MODULE_PATHNAME', 'retention_rate_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION cohort_retention_trans(internal, bigint, date, time_unit)
RETURNS internal
AS 'MODULE_PATHNAME', 'cohort_retention_trans_int_date'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: creates the state on the first row

CREATE FUNCTION cohort_retention_trans(internal, bigint, date, time_unit, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'cohort_retention_trans_int_date'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: creates the state; a NULL amount is activity without revenue

CREATE FUNCTION cohort_retention_trans(internal, bigint, timestamptz, time_unit)
RETURNS internal
AS 'MODULE_PATHNAME', 'cohort_retention_trans_int_tstz'
LANGUAGE C STABLE PARALLEL SAFE;  -- STABLE: the periods of a timestamptz are those of the session TimeZone; not STRICT: creates the state

CREATE FUNCTION cohort_retention_trans(internal, bigint, timestamptz, time_unit, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'cohort_retention_trans_int_tstz'
LANGUAGE C STABLE PARALLEL SAFE;  -- STABLE: the periods of a timestamptz are those of the session TimeZone; not STRICT: creates the state

CREATE FUNCTION cohort_retention_trans(internal, text, date, time_unit)
RETURNS internal
AS 'MODULE_PATHNAME', 'cohort_retention_trans_text_date'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: creates the state on the first row

CREATE FUNCTION cohort_retention_trans(internal, text, date, time_unit, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'cohort_retention_trans_text_date'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: creates the state; a NULL amount is activity without revenue

CREATE FUNCTION cohort_retention_trans(internal, text, timestamptz, time_unit)
RETURNS internal
AS 'MODULE_PATHNAME', 'cohort_retention_trans_text_tstz'
LANGUAGE C STABLE PARALLEL SAFE;  -- STABLE: the periods of a timestamptz are those of the session TimeZone; not STRICT: creates the state

CREATE FUNCTION cohort_retention_trans(internal, text, timestamptz, time_unit, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'cohort_retention_trans_text_tstz'
LANGUAGE C STABLE PARALLEL SAFE;  -- STABLE: the periods of a timestamptz are those of the session TimeZone; not STRICT: creates the state

CREATE FUNCTION cohort_retention_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'cohort_retention_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: either partial state may be NULL

CREATE FUNCTION cohort_retention_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'cohort_retention_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION cohort_retention_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'cohort_retention_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION cohort_retention_final(internal)
RETURNS cohort_matrix
AS 'MODULE_PATHNAME', 'cohort_retention_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: a group without rows has a NULL state

COMMENT ON FUNCTION retention_counts_trans(int8[], date, date, daterange) IS 'aggregate transition function';
COMMENT ON FUNCTION retention_counts_trans(int8[], timestamptz, timestamptz, tstzrange) IS 'aggregate transition function';
COMMENT ON FUNCTION retention_counts_combine(int8[], int8[]) IS 'aggregate combine function';
COMMENT ON FUNCTION retention_counts_final(int8[]) IS 'aggregate final function';
COMMENT ON FUNCTION retention_rate_final(int8[]) IS 'aggregate final function';
COMMENT ON FUNCTION cohort_retention_trans(internal, bigint, date, time_unit) IS 'aggregate transition function';
COMMENT ON FUNCTION cohort_retention_trans(internal, bigint, date, time_unit, numeric) IS 'aggregate transition function';
COMMENT ON FUNCTION cohort_retention_trans(internal, bigint, timestamptz, time_unit) IS 'aggregate transition function';
COMMENT ON FUNCTION cohort_retention_trans(internal, bigint, timestamptz, time_unit, numeric) IS 'aggregate transition function';
COMMENT ON FUNCTION cohort_retention_trans(internal, text, date, time_unit) IS 'aggregate transition function';
COMMENT ON FUNCTION cohort_retention_trans(internal, text, date, time_unit, numeric) IS 'aggregate transition function';
COMMENT ON FUNCTION cohort_retention_trans(internal, text, timestamptz, time_unit) IS 'aggregate transition function';
COMMENT ON FUNCTION cohort_retention_trans(internal, text, timestamptz, time_unit, numeric) IS 'aggregate transition function';
COMMENT ON FUNCTION cohort_retention_combine(internal, internal) IS 'aggregate combine function';
COMMENT ON FUNCTION cohort_retention_serialize(internal) IS 'aggregate serial function';
COMMENT ON FUNCTION cohort_retention_deserialize(bytea, internal) IS 'aggregate deserial function';
COMMENT ON FUNCTION cohort_retention_final(internal) IS 'aggregate final function';

-- aggregates

CREATE AGGREGATE retention_counts(started_at date, ended_at date, period daterange) (
    SFUNC = retention_counts_trans,
    STYPE = int8[],
    FINALFUNC = retention_counts_final,
    COMBINEFUNC = retention_counts_combine,
    INITCOND = '{0,0,0,0,0,0}',
    PARALLEL = SAFE
);

CREATE AGGREGATE retention_counts(started_at timestamptz, ended_at timestamptz, period tstzrange) (
    SFUNC = retention_counts_trans,
    STYPE = int8[],
    FINALFUNC = retention_counts_final,
    COMBINEFUNC = retention_counts_combine,
    INITCOND = '{0,0,0,0,0,0}',
    PARALLEL = SAFE
);

CREATE AGGREGATE retention_rate(started_at date, ended_at date, period daterange) (
    SFUNC = retention_counts_trans,
    STYPE = int8[],
    FINALFUNC = retention_rate_final,
    COMBINEFUNC = retention_counts_combine,
    INITCOND = '{0,0,0,0,0,0}',
    PARALLEL = SAFE
);

CREATE AGGREGATE retention_rate(started_at timestamptz, ended_at timestamptz, period tstzrange) (
    SFUNC = retention_counts_trans,
    STYPE = int8[],
    FINALFUNC = retention_rate_final,
    COMBINEFUNC = retention_counts_combine,
    INITCOND = '{0,0,0,0,0,0}',
    PARALLEL = SAFE
);

CREATE AGGREGATE cohort_retention(customer_id bigint, activity_at date, period time_unit) (
    SFUNC = cohort_retention_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = cohort_retention_final,
    COMBINEFUNC = cohort_retention_combine,
    SERIALFUNC = cohort_retention_serialize,
    DESERIALFUNC = cohort_retention_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE cohort_retention(customer_id bigint, activity_at date, period time_unit, amount numeric) (
    SFUNC = cohort_retention_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = cohort_retention_final,
    COMBINEFUNC = cohort_retention_combine,
    SERIALFUNC = cohort_retention_serialize,
    DESERIALFUNC = cohort_retention_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE cohort_retention(customer_id bigint, activity_at timestamptz, period time_unit) (
    SFUNC = cohort_retention_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = cohort_retention_final,
    COMBINEFUNC = cohort_retention_combine,
    SERIALFUNC = cohort_retention_serialize,
    DESERIALFUNC = cohort_retention_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE cohort_retention(customer_id bigint, activity_at timestamptz, period time_unit, amount numeric) (
    SFUNC = cohort_retention_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = cohort_retention_final,
    COMBINEFUNC = cohort_retention_combine,
    SERIALFUNC = cohort_retention_serialize,
    DESERIALFUNC = cohort_retention_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE cohort_retention(customer_id text, activity_at date, period time_unit) (
    SFUNC = cohort_retention_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = cohort_retention_final,
    COMBINEFUNC = cohort_retention_combine,
    SERIALFUNC = cohort_retention_serialize,
    DESERIALFUNC = cohort_retention_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE cohort_retention(customer_id text, activity_at date, period time_unit, amount numeric) (
    SFUNC = cohort_retention_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = cohort_retention_final,
    COMBINEFUNC = cohort_retention_combine,
    SERIALFUNC = cohort_retention_serialize,
    DESERIALFUNC = cohort_retention_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE cohort_retention(customer_id text, activity_at timestamptz, period time_unit) (
    SFUNC = cohort_retention_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = cohort_retention_final,
    COMBINEFUNC = cohort_retention_combine,
    SERIALFUNC = cohort_retention_serialize,
    DESERIALFUNC = cohort_retention_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE cohort_retention(customer_id text, activity_at timestamptz, period time_unit, amount numeric) (
    SFUNC = cohort_retention_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = cohort_retention_final,
    COMBINEFUNC = cohort_retention_combine,
    SERIALFUNC = cohort_retention_serialize,
    DESERIALFUNC = cohort_retention_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE retention_counts(date, date, daterange) IS
'customers at the start and the end of a period and new in it, from active intervals [started_at, ended_at)';
COMMENT ON AGGREGATE retention_counts(timestamptz, timestamptz, tstzrange) IS
'customers at the start and the end of a period and new in it, from active intervals [started_at, ended_at)';
COMMENT ON AGGREGATE retention_rate(date, date, daterange) IS
'customer retention rate (end - new) / start of a period, from active intervals [started_at, ended_at)';
COMMENT ON AGGREGATE retention_rate(timestamptz, timestamptz, tstzrange) IS
'customer retention rate (end - new) / start of a period, from active intervals [started_at, ended_at)';
COMMENT ON AGGREGATE cohort_retention(bigint, date, time_unit) IS
'acquisition-cohort retention matrix in one pass: distinct customers active per cohort (first period) and offset';
COMMENT ON AGGREGATE cohort_retention(bigint, date, time_unit, numeric) IS
'acquisition-cohort retention matrix with the revenue per cohort and offset, in one pass';
COMMENT ON AGGREGATE cohort_retention(bigint, timestamptz, time_unit) IS
'acquisition-cohort retention matrix in one pass: distinct customers active per cohort (first period) and offset (periods of the session TimeZone)';
COMMENT ON AGGREGATE cohort_retention(bigint, timestamptz, time_unit, numeric) IS
'acquisition-cohort retention matrix with the revenue per cohort and offset, in one pass (periods of the session TimeZone)';
COMMENT ON AGGREGATE cohort_retention(text, date, time_unit) IS
'acquisition-cohort retention matrix in one pass: distinct customers active per cohort (first period) and offset';
COMMENT ON AGGREGATE cohort_retention(text, date, time_unit, numeric) IS
'acquisition-cohort retention matrix with the revenue per cohort and offset, in one pass';
COMMENT ON AGGREGATE cohort_retention(text, timestamptz, time_unit) IS
'acquisition-cohort retention matrix in one pass: distinct customers active per cohort (first period) and offset (periods of the session TimeZone)';
COMMENT ON AGGREGATE cohort_retention(text, timestamptz, time_unit, numeric) IS
'acquisition-cohort retention matrix with the revenue per cohort and offset, in one pass (periods of the session TimeZone)';

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

CREATE FUNCTION simulate_orders(customers integer, seed integer,
                                r float8, alpha float8, a float8, b float8,
                                p float8, q float8, v float8,
                                start date, days integer, acquisition_days integer)
RETURNS TABLE (customer_id bigint, order_at date, amount numeric)
AS 'MODULE_PATHNAME', 'simulate_orders_staggered'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE  -- the rows are a function of the arguments (own PRNG)
ROWS 100000;

COMMENT ON FUNCTION simulate_orders(integer, integer, float8, float8, float8, float8, float8, float8, float8, date, integer, integer) IS
'synthetic orders of a BG/NBD purchase process with Gamma-Gamma spend and staggered acquisition: first purchases uniform over the first acquisition_days days from start, all observed to start + days; deterministic for a seed';

-- the other purchase processes of issue 16 (DESIGN section 7): MBG/NBD and
-- Pareto/NBD orders, BG/BB histories

CREATE FUNCTION simulate_mbgnbd_orders(customers integer, seed integer,
                                       r float8, alpha float8, a float8, b float8,
                                       p float8, q float8, v float8,
                                       start date, days integer)
RETURNS TABLE (customer_id bigint, order_at date, amount numeric)
AS 'MODULE_PATHNAME', 'simulate_mbgnbd_orders'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE  -- the rows are a function of the arguments (own PRNG)
ROWS 100000;

COMMENT ON FUNCTION simulate_mbgnbd_orders(integer, integer, float8, float8, float8, float8, float8, float8, float8, date, integer) IS
'synthetic orders of an MBG/NBD purchase process (r, alpha per week; a, b; dropout after every purchase, the first included) with Gamma-Gamma spend (p, q, v): every customer buys first on start and is observed for days days; deterministic for a seed';

CREATE FUNCTION simulate_mbgnbd_orders(customers integer, seed integer,
                                       r float8, alpha float8, a float8, b float8,
                                       p float8, q float8, v float8,
                                       start date, days integer, acquisition_days integer)
RETURNS TABLE (customer_id bigint, order_at date, amount numeric)
AS 'MODULE_PATHNAME', 'simulate_mbgnbd_orders_staggered'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE  -- the rows are a function of the arguments (own PRNG)
ROWS 100000;

COMMENT ON FUNCTION simulate_mbgnbd_orders(integer, integer, float8, float8, float8, float8, float8, float8, float8, date, integer, integer) IS
'synthetic orders of an MBG/NBD purchase process with Gamma-Gamma spend and staggered acquisition: first purchases uniform over the first acquisition_days days from start, all observed to start + days; deterministic for a seed';

CREATE FUNCTION simulate_pareto_nbd_orders(customers integer, seed integer,
                                           r float8, alpha float8, s float8, beta float8,
                                           p float8, q float8, v float8,
                                           start date, days integer)
RETURNS TABLE (customer_id bigint, order_at date, amount numeric)
AS 'MODULE_PATHNAME', 'simulate_pareto_nbd_orders'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE  -- the rows are a function of the arguments (own PRNG)
ROWS 100000;

COMMENT ON FUNCTION simulate_pareto_nbd_orders(integer, integer, float8, float8, float8, float8, float8, float8, float8, date, integer) IS
'synthetic orders of a Pareto/NBD purchase process (r, alpha: purchase rate per week; s, beta: dropout rate per week) with Gamma-Gamma spend (p, q, v): every customer buys first on start and is observed for days days; deterministic for a seed';

CREATE FUNCTION simulate_pareto_nbd_orders(customers integer, seed integer,
                                           r float8, alpha float8, s float8, beta float8,
                                           p float8, q float8, v float8,
                                           start date, days integer, acquisition_days integer)
RETURNS TABLE (customer_id bigint, order_at date, amount numeric)
AS 'MODULE_PATHNAME', 'simulate_pareto_nbd_orders_staggered'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE  -- the rows are a function of the arguments (own PRNG)
ROWS 100000;

COMMENT ON FUNCTION simulate_pareto_nbd_orders(integer, integer, float8, float8, float8, float8, float8, float8, float8, date, integer, integer) IS
'synthetic orders of a Pareto/NBD purchase process with Gamma-Gamma spend and staggered acquisition: first purchases uniform over the first acquisition_days days from start, all observed to start + days; deterministic for a seed';

CREATE FUNCTION simulate_bgbb_histories(customers integer, seed integer,
                                        alpha float8, beta float8, gamma float8, delta float8,
                                        n_periods integer)
RETURNS TABLE (customer_id bigint, frequency integer, recency integer, n_periods integer)
AS 'MODULE_PATHNAME', 'simulate_bgbb_histories'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE  -- the rows are a function of the arguments (own PRNG)
ROWS 100000;

COMMENT ON FUNCTION simulate_bgbb_histories(integer, integer, float8, float8, float8, float8, integer) IS
'synthetic BG/BB histories (frequency, recency, n_periods) of customers observed for n_periods discrete opportunities: transaction probability ~ Beta(alpha, beta), dropout probability per opportunity ~ Beta(gamma, delta); deterministic for a seed';

CREATE FUNCTION btyd_summary_trans(internal, date, numeric, date, time_unit)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_trans_date_numeric'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: rows with a NULL are skipped

CREATE FUNCTION btyd_summary_trans(internal, date, float8, date, time_unit)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_trans_date_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: rows with a NULL are skipped

CREATE FUNCTION btyd_summary_trans(internal, timestamptz, numeric, timestamptz, time_unit)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_trans_timestamptz_numeric'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: rows with a NULL are skipped; 24-hour days, no TimeZone

CREATE FUNCTION btyd_summary_trans(internal, timestamptz, float8, timestamptz, time_unit)
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

COMMENT ON FUNCTION btyd_summary_trans(internal, date, numeric, date, time_unit) IS
'aggregate transition function';
COMMENT ON FUNCTION btyd_summary_trans(internal, date, float8, date, time_unit) IS
'aggregate transition function';
COMMENT ON FUNCTION btyd_summary_trans(internal, timestamptz, numeric, timestamptz, time_unit) IS
'aggregate transition function';
COMMENT ON FUNCTION btyd_summary_trans(internal, timestamptz, float8, timestamptz, time_unit) IS
'aggregate transition function';
COMMENT ON FUNCTION btyd_summary_combine(internal, internal) IS
'aggregate combine function';
COMMENT ON FUNCTION btyd_summary_serialize(internal) IS
'aggregate serial function';
COMMENT ON FUNCTION btyd_summary_deserialize(bytea, internal) IS
'aggregate deserial function';
COMMENT ON FUNCTION btyd_summary_final(internal) IS
'aggregate final function';

CREATE AGGREGATE btyd_summary(order_at date, amount numeric, as_of date, unit time_unit) (
    SFUNC = btyd_summary_trans,
    STYPE = internal,
    SSPACE = 96,
    FINALFUNC = btyd_summary_final,
    COMBINEFUNC = btyd_summary_combine,
    SERIALFUNC = btyd_summary_serialize,
    DESERIALFUNC = btyd_summary_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE btyd_summary(order_at date, amount float8, as_of date, unit time_unit) (
    SFUNC = btyd_summary_trans,
    STYPE = internal,
    SSPACE = 96,
    FINALFUNC = btyd_summary_final,
    COMBINEFUNC = btyd_summary_combine,
    SERIALFUNC = btyd_summary_serialize,
    DESERIALFUNC = btyd_summary_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE btyd_summary(order_at timestamptz, amount numeric, as_of timestamptz, unit time_unit) (
    SFUNC = btyd_summary_trans,
    STYPE = internal,
    SSPACE = 96,
    FINALFUNC = btyd_summary_final,
    COMBINEFUNC = btyd_summary_combine,
    SERIALFUNC = btyd_summary_serialize,
    DESERIALFUNC = btyd_summary_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE btyd_summary(order_at timestamptz, amount float8, as_of timestamptz, unit time_unit) (
    SFUNC = btyd_summary_trans,
    STYPE = internal,
    SSPACE = 96,
    FINALFUNC = btyd_summary_final,
    COMBINEFUNC = btyd_summary_combine,
    SERIALFUNC = btyd_summary_serialize,
    DESERIALFUNC = btyd_summary_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE btyd_summary(date, numeric, date, time_unit) IS
'buy-till-you-die summary (frequency, recency, t, monetary_value) of one customer''s orders as of a day, times in days, weeks (days / 7) or months (days / 30); same-day orders merge';
COMMENT ON AGGREGATE btyd_summary(date, float8, date, time_unit) IS
'buy-till-you-die summary (frequency, recency, t, monetary_value) of one customer''s orders as of a day, times in days, weeks (days / 7) or months (days / 30); same-day orders merge';
COMMENT ON AGGREGATE btyd_summary(timestamptz, numeric, timestamptz, time_unit) IS
'buy-till-you-die summary (frequency, recency, t, monetary_value) of one customer''s orders as of a moment, days being 24-hour windows back from as_of; times in days, weeks (days / 7) or months (days / 30)';
COMMENT ON AGGREGATE btyd_summary(timestamptz, float8, timestamptz, time_unit) IS
'buy-till-you-die summary (frequency, recency, t, monetary_value) of one customer''s orders as of a moment, days being 24-hour windows back from as_of; times in days, weeks (days / 7) or months (days / 30)';

-- end of section 5a

-- 5b. model fits (BG/NBD, Pareto/NBD, Gamma-Gamma, sBG) and their accessors, cltv

CREATE TYPE bgnbd AS (r float8, alpha float8, a float8, b float8,
                      loglik float8, n bigint, converged boolean,
                      covariance float8[]);
CREATE TYPE pareto_nbd AS (r float8, alpha float8, s float8, beta float8,
                           loglik float8, n bigint, converged boolean,
                           covariance float8[]);
CREATE TYPE gamma_gamma AS (p float8, q float8, v float8,
                            loglik float8, n bigint, converged boolean,
                            covariance float8[]);
CREATE TYPE sbg AS (alpha float8, beta float8, loglik float8, converged boolean,
                    covariance float8[]);

COMMENT ON TYPE bgnbd IS
'a fitted BG/NBD purchase model: parameters r, alpha (in the time unit of the data), a, b, the log-likelihood, the number of customers and whether the fit converged, and the k x k covariance of the parameters (NULL if unknown)';
COMMENT ON TYPE pareto_nbd IS
'a fitted Pareto/NBD purchase model: parameters r, alpha, s, beta (alpha and beta in the time unit of the data), the log-likelihood, the number of customers, whether the fit converged and the k x k covariance of the parameters (NULL if unknown)';
COMMENT ON TYPE gamma_gamma IS
'a fitted Gamma-Gamma spend model: parameters p, q, v (v in currency), the log-likelihood, the number of repeat customers and whether the fit converged, and the k x k covariance of the parameters (NULL if unknown)';
COMMENT ON TYPE sbg IS
'a fitted shifted-beta-geometric retention model: parameters alpha, beta, the log-likelihood and whether the fit converged, and the k x k covariance of the parameters (NULL if unknown)';

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
                     months integer, discount_rate float8, unit time_unit)
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
COMMENT ON FUNCTION cltv(bgnbd, gamma_gamma, integer, float8, float8, float8, integer, float8, time_unit) IS
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
'aggregate serial function of the model fits';
COMMENT ON FUNCTION fit_deserialize(bytea, internal) IS
'aggregate deserial function of the model fits';
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


-- 6. Model validation and uncertainty

-- 6a. btyd_holdout: the calibration/holdout split of a model check

CREATE TYPE btyd_holdout AS (
    frequency_cal integer,
    recency_cal float8,
    t_cal float8,
    monetary_value_cal float8,
    frequency_holdout integer,
    monetary_value_holdout float8,
    duration_holdout float8
);

COMMENT ON TYPE btyd_holdout IS
'one customer''s calibration/holdout split: btyd_summary as of calibration_end, then the purchase days in (calibration_end, holdout_end], their mean value per purchase day and the holdout length, in the unit asked for';

CREATE FUNCTION btyd_holdout_trans(internal, date, numeric, date, date, time_unit)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_holdout_trans_date_numeric'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: rows with a NULL are skipped

CREATE FUNCTION btyd_holdout_trans(internal, date, float8, date, date, time_unit)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_holdout_trans_date_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: rows with a NULL are skipped

CREATE FUNCTION btyd_holdout_trans(internal, timestamptz, numeric, timestamptz, timestamptz, time_unit)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_holdout_trans_timestamptz_numeric'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: rows with a NULL are skipped; 24-hour days, no TimeZone

CREATE FUNCTION btyd_holdout_trans(internal, timestamptz, float8, timestamptz, timestamptz, time_unit)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_holdout_trans_timestamptz_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: rows with a NULL are skipped; 24-hour days, no TimeZone

CREATE FUNCTION btyd_holdout_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_holdout_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: either partial state may be NULL

CREATE FUNCTION btyd_holdout_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'btyd_holdout_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION btyd_holdout_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_holdout_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION btyd_holdout_final(internal)
RETURNS btyd_holdout
AS 'MODULE_PATHNAME', 'btyd_holdout_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_holdout_trans(internal, date, numeric, date, date, time_unit) IS
'aggregate transition function';
COMMENT ON FUNCTION btyd_holdout_trans(internal, date, float8, date, date, time_unit) IS
'aggregate transition function';
COMMENT ON FUNCTION btyd_holdout_trans(internal, timestamptz, numeric, timestamptz, timestamptz, time_unit) IS
'aggregate transition function';
COMMENT ON FUNCTION btyd_holdout_trans(internal, timestamptz, float8, timestamptz, timestamptz, time_unit) IS
'aggregate transition function';
COMMENT ON FUNCTION btyd_holdout_combine(internal, internal) IS
'aggregate combine function';
COMMENT ON FUNCTION btyd_holdout_serialize(internal) IS
'aggregate serial function';
COMMENT ON FUNCTION btyd_holdout_deserialize(bytea, internal) IS
'aggregate deserial function';
COMMENT ON FUNCTION btyd_holdout_final(internal) IS
'aggregate final function';

CREATE AGGREGATE btyd_holdout(order_at date, amount numeric, calibration_end date, holdout_end date, unit time_unit) (
    SFUNC = btyd_holdout_trans,
    STYPE = internal,
    SSPACE = 144,
    FINALFUNC = btyd_holdout_final,
    COMBINEFUNC = btyd_holdout_combine,
    SERIALFUNC = btyd_holdout_serialize,
    DESERIALFUNC = btyd_holdout_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE btyd_holdout(order_at date, amount float8, calibration_end date, holdout_end date, unit time_unit) (
    SFUNC = btyd_holdout_trans,
    STYPE = internal,
    SSPACE = 144,
    FINALFUNC = btyd_holdout_final,
    COMBINEFUNC = btyd_holdout_combine,
    SERIALFUNC = btyd_holdout_serialize,
    DESERIALFUNC = btyd_holdout_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE btyd_holdout(order_at timestamptz, amount numeric, calibration_end timestamptz, holdout_end timestamptz, unit time_unit) (
    SFUNC = btyd_holdout_trans,
    STYPE = internal,
    SSPACE = 144,
    FINALFUNC = btyd_holdout_final,
    COMBINEFUNC = btyd_holdout_combine,
    SERIALFUNC = btyd_holdout_serialize,
    DESERIALFUNC = btyd_holdout_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE btyd_holdout(order_at timestamptz, amount float8, calibration_end timestamptz, holdout_end timestamptz, unit time_unit) (
    SFUNC = btyd_holdout_trans,
    STYPE = internal,
    SSPACE = 144,
    FINALFUNC = btyd_holdout_final,
    COMBINEFUNC = btyd_holdout_combine,
    SERIALFUNC = btyd_holdout_serialize,
    DESERIALFUNC = btyd_holdout_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE btyd_holdout(date, numeric, date, date, time_unit) IS
'calibration/holdout split of a customer''s orders: btyd_summary as of calibration_end, then purchase days in (calibration_end, holdout_end], their mean value, the holdout length; NULL if first seen after calibration_end';
COMMENT ON AGGREGATE btyd_holdout(date, float8, date, date, time_unit) IS
'calibration/holdout split of a customer''s orders: btyd_summary as of calibration_end, then purchase days in (calibration_end, holdout_end], their mean value, the holdout length; NULL if first seen after calibration_end';
COMMENT ON AGGREGATE btyd_holdout(timestamptz, numeric, timestamptz, timestamptz, time_unit) IS
'calibration/holdout split of a customer''s orders, days being 24-hour windows: btyd_summary as of calibration_end, then purchase days in (calibration_end, holdout_end], their mean value, the holdout length; NULL if first seen later';
COMMENT ON AGGREGATE btyd_holdout(timestamptz, float8, timestamptz, timestamptz, time_unit) IS
'calibration/holdout split of a customer''s orders, days being 24-hour windows: btyd_summary as of calibration_end, then purchase days in (calibration_end, holdout_end], their mean value, the holdout length; NULL if first seen later';

-- end of section 6a

CREATE FUNCTION bgnbd_model(r float8, alpha float8, a float8, b float8)
RETURNS bgnbd
AS 'MODULE_PATHNAME', 'model_value'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION pareto_nbd_model(r float8, alpha float8, s float8, beta float8)
RETURNS pareto_nbd
AS 'MODULE_PATHNAME', 'model_value'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION gamma_gamma_model(p float8, q float8, v float8)
RETURNS gamma_gamma
AS 'MODULE_PATHNAME', 'model_value'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION sbg_model(alpha float8, beta float8)
RETURNS sbg
AS 'MODULE_PATHNAME', 'model_value'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_model(float8, float8, float8, float8) IS
'a BG/NBD model with known parameters r, alpha, a, b (each a positive finite number); loglik, n, converged and covariance are NULL';
COMMENT ON FUNCTION pareto_nbd_model(float8, float8, float8, float8) IS
'a Pareto/NBD model with known parameters r, alpha, s, beta (each a positive finite number); loglik, n, converged and covariance are NULL';
COMMENT ON FUNCTION gamma_gamma_model(float8, float8, float8) IS
'a Gamma-Gamma spend model with known parameters p, q, v (each a positive finite number); loglik, n, converged and covariance are NULL';
COMMENT ON FUNCTION sbg_model(float8, float8) IS
'a shifted-beta-geometric retention model with known parameters alpha, beta (each a positive finite number); loglik, converged and covariance are NULL';

-- parameter uncertainty: the fits' covariance (doc/uncertainty.md)

CREATE FUNCTION bgnbd_params(model bgnbd,
                             OUT parameter text, OUT estimate float8, OUT std_error float8,
                             OUT lower_95 float8, OUT upper_95 float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'model_params_table'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;

CREATE FUNCTION pareto_nbd_params(model pareto_nbd,
                                  OUT parameter text, OUT estimate float8, OUT std_error float8,
                                  OUT lower_95 float8, OUT upper_95 float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'model_params_table'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;

CREATE FUNCTION gamma_gamma_params(model gamma_gamma,
                                   OUT parameter text, OUT estimate float8, OUT std_error float8,
                                   OUT lower_95 float8, OUT upper_95 float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'model_params_table'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 3;

CREATE FUNCTION sbg_params(model sbg,
                           OUT parameter text, OUT estimate float8, OUT std_error float8,
                           OUT lower_95 float8, OUT upper_95 float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'model_params_table'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 2;

CREATE FUNCTION cltv_interval(purchases bgnbd, spend gamma_gamma, frequency integer,
                              recency float8, t float8, monetary_value float8,
                              months integer, discount_rate float8, unit time_unit,
                              level float8,
                              OUT estimate float8, OUT lower float8, OUT upper float8)
RETURNS record
AS 'MODULE_PATHNAME', 'cltv_interval'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_params(bgnbd) IS
'BG/NBD parameters with standard errors from the fit''s covariance and 95% intervals estimate +- 1.96 standard errors (NULL without a covariance)';
COMMENT ON FUNCTION pareto_nbd_params(pareto_nbd) IS
'Pareto/NBD parameters with standard errors from the fit''s covariance and 95% intervals estimate +- 1.96 standard errors (NULL without a covariance)';
COMMENT ON FUNCTION gamma_gamma_params(gamma_gamma) IS
'Gamma-Gamma parameters with standard errors from the fit''s covariance and 95% intervals estimate +- 1.96 standard errors (NULL without a covariance)';
COMMENT ON FUNCTION sbg_params(sbg) IS
'sBG parameters with standard errors from the fit''s covariance and 95% intervals estimate +- 1.96 standard errors (NULL without a covariance)';
COMMENT ON FUNCTION cltv_interval(bgnbd, gamma_gamma, integer, float8, float8, float8, integer, float8, time_unit, float8) IS
'cltv with a confidence interval at level from both models'' parameter covariances (taken as independent), by the delta method on the log scale; lower and upper NULL when a model has no covariance';

-- tracking: the expected cumulative repeat purchases of a population
-- (bgnbd_tracking, pareto_nbd_tracking; doc/clv.md, "Tracking"). The
-- transition functions are not STRICT: rows with a NULL argument are
-- skipped.

CREATE FUNCTION bgnbd_tracking_trans(internal, bgnbd, date, date, integer, time_unit)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgnbd_tracking_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: rows with a NULL are skipped

CREATE FUNCTION bgnbd_tracking_trans(internal, bgnbd, timestamptz, timestamptz, integer, time_unit)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgnbd_tracking_trans_timestamptz'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: rows with a NULL are skipped; 24-hour days, no TimeZone

CREATE FUNCTION pareto_nbd_tracking_trans(internal, pareto_nbd, date, date, integer, time_unit)
RETURNS internal
AS 'MODULE_PATHNAME', 'pareto_nbd_tracking_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: rows with a NULL are skipped

CREATE FUNCTION pareto_nbd_tracking_trans(internal, pareto_nbd, timestamptz, timestamptz, integer, time_unit)
RETURNS internal
AS 'MODULE_PATHNAME', 'pareto_nbd_tracking_trans_timestamptz'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: rows with a NULL are skipped; 24-hour days, no TimeZone

CREATE FUNCTION tracking_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'tracking_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: either partial state may be NULL

CREATE FUNCTION tracking_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'tracking_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tracking_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'tracking_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tracking_final(internal)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'tracking_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_tracking_trans(internal, bgnbd, date, date, integer, time_unit) IS
'aggregate transition function';
COMMENT ON FUNCTION bgnbd_tracking_trans(internal, bgnbd, timestamptz, timestamptz, integer, time_unit) IS
'aggregate transition function';
COMMENT ON FUNCTION pareto_nbd_tracking_trans(internal, pareto_nbd, date, date, integer, time_unit) IS
'aggregate transition function';
COMMENT ON FUNCTION pareto_nbd_tracking_trans(internal, pareto_nbd, timestamptz, timestamptz, integer, time_unit) IS
'aggregate transition function';
COMMENT ON FUNCTION tracking_combine(internal, internal) IS
'aggregate combine function';
COMMENT ON FUNCTION tracking_serialize(internal) IS
'aggregate serial function';
COMMENT ON FUNCTION tracking_deserialize(bytea, internal) IS
'aggregate deserial function';
COMMENT ON FUNCTION tracking_final(internal) IS
'aggregate final function';

CREATE AGGREGATE bgnbd_tracking(model bgnbd, first_purchase date, start date, periods integer, unit time_unit) (
    SFUNC = bgnbd_tracking_trans,
    STYPE = internal,
    SSPACE = 320,
    FINALFUNC = tracking_final,
    COMBINEFUNC = tracking_combine,
    SERIALFUNC = tracking_serialize,
    DESERIALFUNC = tracking_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE bgnbd_tracking(model bgnbd, first_purchase timestamptz, start timestamptz, periods integer, unit time_unit) (
    SFUNC = bgnbd_tracking_trans,
    STYPE = internal,
    SSPACE = 320,
    FINALFUNC = tracking_final,
    COMBINEFUNC = tracking_combine,
    SERIALFUNC = tracking_serialize,
    DESERIALFUNC = tracking_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE pareto_nbd_tracking(model pareto_nbd, first_purchase date, start date, periods integer, unit time_unit) (
    SFUNC = pareto_nbd_tracking_trans,
    STYPE = internal,
    SSPACE = 320,
    FINALFUNC = tracking_final,
    COMBINEFUNC = tracking_combine,
    SERIALFUNC = tracking_serialize,
    DESERIALFUNC = tracking_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE pareto_nbd_tracking(model pareto_nbd, first_purchase timestamptz, start timestamptz, periods integer, unit time_unit) (
    SFUNC = pareto_nbd_tracking_trans,
    STYPE = internal,
    SSPACE = 320,
    FINALFUNC = tracking_final,
    COMBINEFUNC = tracking_combine,
    SERIALFUNC = tracking_serialize,
    DESERIALFUNC = tracking_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE bgnbd_tracking(bgnbd, date, date, integer, time_unit) IS
'over one row per customer, the BG/NBD expected cumulative repeat purchases at start + k units (k = 1 .. periods): the sum of E[X(start + k units - first_purchase)] over the customers first seen before then; units of 1, 7 or 30 days';
COMMENT ON AGGREGATE bgnbd_tracking(bgnbd, timestamptz, timestamptz, integer, time_unit) IS
'over one row per customer, the BG/NBD expected cumulative repeat purchases at start + k units, k = 1 .. periods, in whole 24-hour days as btyd_summary counts them (units of 1, 7 or 30 days, the unit the model was fitted in)';
COMMENT ON AGGREGATE pareto_nbd_tracking(pareto_nbd, date, date, integer, time_unit) IS
'over one row per customer, the Pareto/NBD expected cumulative repeat purchases at start + k units (k = 1 .. periods): the sum of E[X(start + k units - first_purchase)] over the customers first seen before then; units of 1, 7 or 30 days';
COMMENT ON AGGREGATE pareto_nbd_tracking(pareto_nbd, timestamptz, timestamptz, integer, time_unit) IS
'over one row per customer, the Pareto/NBD expected cumulative repeat purchases at start + k units, k = 1 .. periods, in whole 24-hour days as btyd_summary counts them (units of 1, 7 or 30 days, the unit the model was fitted in)';

-- end of section 6

-- 7. The buy-till-you-die family (DESIGN section 7, doc/btyd_family.md)

-- 7a. explicit weights: pre-aggregated rows with a count. An integer or
-- bigint argument after the values is a weight (the transition reads the
-- declared types, fit_state.c), a float8 one a penalizer: (..., weight
-- integer) exists so that an int4 literal 1 is not resolved to the float8
-- penalizer overload. See doc/clv.md.

CREATE FUNCTION btyd_fit_trans(internal, integer, float8, float8, bigint)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

COMMENT ON FUNCTION btyd_fit_trans(internal, integer, float8, float8, bigint) IS
'aggregate transition function of bgnbd_fit with a weight';

CREATE FUNCTION btyd_fit_trans(internal, integer, float8, float8, integer)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

COMMENT ON FUNCTION btyd_fit_trans(internal, integer, float8, float8, integer) IS
'aggregate transition function of bgnbd_fit with a weight';

CREATE FUNCTION btyd_fit_trans(internal, integer, float8, float8, bigint, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

COMMENT ON FUNCTION btyd_fit_trans(internal, integer, float8, float8, bigint, float8) IS
'aggregate transition function of bgnbd_fit with a weight and a penalizer';

CREATE FUNCTION btyd_fit_trans(internal, float8, float8, float8, bigint)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_fit_trans_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

COMMENT ON FUNCTION btyd_fit_trans(internal, float8, float8, float8, bigint) IS
'aggregate transition function of bgnbd_fit with a weight with a float8 frequency';

CREATE FUNCTION btyd_fit_trans(internal, float8, float8, float8, integer)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_fit_trans_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

COMMENT ON FUNCTION btyd_fit_trans(internal, float8, float8, float8, integer) IS
'aggregate transition function of bgnbd_fit with a weight with a float8 frequency';

CREATE FUNCTION btyd_fit_trans(internal, float8, float8, float8, bigint, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_fit_trans_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

COMMENT ON FUNCTION btyd_fit_trans(internal, float8, float8, float8, bigint, float8) IS
'aggregate transition function of bgnbd_fit with a weight and a penalizer with a float8 frequency';

CREATE FUNCTION spend_fit_trans(internal, integer, float8, bigint)
RETURNS internal
AS 'MODULE_PATHNAME', 'spend_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

COMMENT ON FUNCTION spend_fit_trans(internal, integer, float8, bigint) IS
'aggregate transition function of gamma_gamma_fit with a weight';

CREATE FUNCTION spend_fit_trans(internal, integer, float8, integer)
RETURNS internal
AS 'MODULE_PATHNAME', 'spend_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

COMMENT ON FUNCTION spend_fit_trans(internal, integer, float8, integer) IS
'aggregate transition function of gamma_gamma_fit with a weight';

CREATE FUNCTION spend_fit_trans(internal, integer, float8, bigint, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'spend_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

COMMENT ON FUNCTION spend_fit_trans(internal, integer, float8, bigint, float8) IS
'aggregate transition function of gamma_gamma_fit with a weight and a penalizer';

CREATE FUNCTION spend_fit_trans(internal, float8, float8, bigint)
RETURNS internal
AS 'MODULE_PATHNAME', 'spend_fit_trans_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

COMMENT ON FUNCTION spend_fit_trans(internal, float8, float8, bigint) IS
'aggregate transition function of gamma_gamma_fit with a weight with a float8 frequency';

CREATE FUNCTION spend_fit_trans(internal, float8, float8, integer)
RETURNS internal
AS 'MODULE_PATHNAME', 'spend_fit_trans_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

COMMENT ON FUNCTION spend_fit_trans(internal, float8, float8, integer) IS
'aggregate transition function of gamma_gamma_fit with a weight with a float8 frequency';

CREATE FUNCTION spend_fit_trans(internal, float8, float8, bigint, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'spend_fit_trans_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

COMMENT ON FUNCTION spend_fit_trans(internal, float8, float8, bigint, float8) IS
'aggregate transition function of gamma_gamma_fit with a weight and a penalizer with a float8 frequency';

CREATE AGGREGATE bgnbd_fit(frequency integer, recency float8, t float8, weight bigint) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = bgnbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE bgnbd_fit(integer, float8, float8, bigint) IS
'maximum-likelihood BG/NBD model of pre-aggregated rows, each counted weight (bigint) times: the same fit as over the expanded rows (weight 0 adds nobody, a NULL weight skips the row)';

CREATE AGGREGATE bgnbd_fit(frequency integer, recency float8, t float8, weight integer) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = bgnbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE bgnbd_fit(integer, float8, float8, integer) IS
'maximum-likelihood BG/NBD model of pre-aggregated rows, each counted weight (integer) times: the same fit as over the expanded rows (weight 0 adds nobody, a NULL weight skips the row)';

CREATE AGGREGATE bgnbd_fit(frequency integer, recency float8, t float8, weight bigint, penalizer float8) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = bgnbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE bgnbd_fit(integer, float8, float8, bigint, float8) IS
'BG/NBD model of pre-aggregated rows, each counted weight times (weight 0 adds nobody, a NULL weight skips the row), fitted with an L2 penalty penalizer times the sum of squared parameters';

CREATE AGGREGATE bgnbd_fit(frequency float8, recency float8, t float8, weight bigint) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = bgnbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE bgnbd_fit(float8, float8, float8, bigint) IS
'maximum-likelihood BG/NBD model of pre-aggregated rows, each counted weight (bigint) times: the same fit as over the expanded rows (weight 0 adds nobody, a NULL weight skips the row); frequency as float8 must be a whole number';

CREATE AGGREGATE bgnbd_fit(frequency float8, recency float8, t float8, weight integer) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = bgnbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE bgnbd_fit(float8, float8, float8, integer) IS
'maximum-likelihood BG/NBD model of pre-aggregated rows, each counted weight (integer) times: the same fit as over the expanded rows (weight 0 adds nobody, a NULL weight skips the row); frequency as float8 must be a whole number';

CREATE AGGREGATE bgnbd_fit(frequency float8, recency float8, t float8, weight bigint, penalizer float8) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = bgnbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE bgnbd_fit(float8, float8, float8, bigint, float8) IS
'BG/NBD model of pre-aggregated rows, each counted weight times (weight 0 adds nobody, a NULL weight skips the row), fitted with an L2 penalty penalizer times the sum of squared parameters; frequency as float8 must be a whole number';

CREATE AGGREGATE gamma_gamma_fit(frequency integer, monetary_value float8, weight bigint) (
    SFUNC = spend_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = gamma_gamma_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE gamma_gamma_fit(integer, float8, bigint) IS
'maximum-likelihood Gamma-Gamma model of pre-aggregated rows, each counted weight (bigint) times: the same fit as over the expanded rows (weight 0 adds nobody, a NULL weight skips the row)';

CREATE AGGREGATE gamma_gamma_fit(frequency integer, monetary_value float8, weight integer) (
    SFUNC = spend_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = gamma_gamma_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE gamma_gamma_fit(integer, float8, integer) IS
'maximum-likelihood Gamma-Gamma model of pre-aggregated rows, each counted weight (integer) times: the same fit as over the expanded rows (weight 0 adds nobody, a NULL weight skips the row)';

CREATE AGGREGATE gamma_gamma_fit(frequency integer, monetary_value float8, weight bigint, penalizer float8) (
    SFUNC = spend_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = gamma_gamma_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE gamma_gamma_fit(integer, float8, bigint, float8) IS
'Gamma-Gamma model of pre-aggregated rows, each counted weight times (weight 0 adds nobody, a NULL weight skips the row), fitted with an L2 penalty penalizer times the sum of squared parameters';

CREATE AGGREGATE gamma_gamma_fit(frequency float8, monetary_value float8, weight bigint) (
    SFUNC = spend_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = gamma_gamma_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE gamma_gamma_fit(float8, float8, bigint) IS
'maximum-likelihood Gamma-Gamma model of pre-aggregated rows, each counted weight (bigint) times: the same fit as over the expanded rows (weight 0 adds nobody, a NULL weight skips the row); frequency as float8 must be a whole number';

CREATE AGGREGATE gamma_gamma_fit(frequency float8, monetary_value float8, weight integer) (
    SFUNC = spend_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = gamma_gamma_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE gamma_gamma_fit(float8, float8, integer) IS
'maximum-likelihood Gamma-Gamma model of pre-aggregated rows, each counted weight (integer) times: the same fit as over the expanded rows (weight 0 adds nobody, a NULL weight skips the row); frequency as float8 must be a whole number';

CREATE AGGREGATE gamma_gamma_fit(frequency float8, monetary_value float8, weight bigint, penalizer float8) (
    SFUNC = spend_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = gamma_gamma_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE gamma_gamma_fit(float8, float8, bigint, float8) IS
'Gamma-Gamma model of pre-aggregated rows, each counted weight times (weight 0 adds nobody, a NULL weight skips the row), fitted with an L2 penalty penalizer times the sum of squared parameters; frequency as float8 must be a whole number';

-- end of section 7a

-- 7b. MBG/NBD (Batislam, Denizel & Filiztekin 2007), doc/btyd_family.md

CREATE TYPE mbgnbd AS (r float8, alpha float8, a float8, b float8,
                       loglik float8, n bigint, converged boolean,
                       covariance float8[]);

COMMENT ON TYPE mbgnbd IS
'a fitted MBG/NBD purchase model (Batislam et al. 2007): parameters r, alpha (in the time unit of the data), a, b, the log-likelihood, the number of customers, whether the fit converged and the k x k covariance of the parameters (NULL if unknown)';

CREATE FUNCTION mbgnbd_fit_final(internal)
RETURNS mbgnbd
AS 'MODULE_PATHNAME', 'mbgnbd_fit_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION mbgnbd_fit_final(internal) IS
'aggregate final function of mbgnbd_fit';

CREATE AGGREGATE mbgnbd_fit(frequency integer, recency float8, t float8) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = mbgnbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

CREATE AGGREGATE mbgnbd_fit(frequency integer, recency float8, t float8, penalizer float8) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = mbgnbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

CREATE AGGREGATE mbgnbd_fit(frequency integer, recency float8, t float8, weight bigint) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = mbgnbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

CREATE AGGREGATE mbgnbd_fit(frequency integer, recency float8, t float8, weight integer) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = mbgnbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

CREATE AGGREGATE mbgnbd_fit(frequency integer, recency float8, t float8, weight bigint, penalizer float8) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = mbgnbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

CREATE AGGREGATE mbgnbd_fit(frequency float8, recency float8, t float8) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = mbgnbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

CREATE AGGREGATE mbgnbd_fit(frequency float8, recency float8, t float8, penalizer float8) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = mbgnbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

CREATE AGGREGATE mbgnbd_fit(frequency float8, recency float8, t float8, weight bigint) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = mbgnbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

CREATE AGGREGATE mbgnbd_fit(frequency float8, recency float8, t float8, weight integer) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = mbgnbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

CREATE AGGREGATE mbgnbd_fit(frequency float8, recency float8, t float8, weight bigint, penalizer float8) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = mbgnbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE mbgnbd_fit(integer, float8, float8) IS
'maximum-likelihood MBG/NBD model (Batislam, Denizel & Filiztekin 2007) of customers frequency, recency and age t';
COMMENT ON AGGREGATE mbgnbd_fit(integer, float8, float8, float8) IS
'MBG/NBD model fitted with an L2 penalty penalizer * (r^2 + alpha^2 + a^2 + b^2) on the mean log-likelihood';
COMMENT ON AGGREGATE mbgnbd_fit(integer, float8, float8, bigint) IS
'maximum-likelihood MBG/NBD model of pre-aggregated rows, each counted weight (bigint) times (weight 0 adds nobody, a NULL weight skips the row)';
COMMENT ON AGGREGATE mbgnbd_fit(integer, float8, float8, integer) IS
'maximum-likelihood MBG/NBD model of pre-aggregated rows, each counted weight (integer) times (weight 0 adds nobody, a NULL weight skips the row)';
COMMENT ON AGGREGATE mbgnbd_fit(integer, float8, float8, bigint, float8) IS
'MBG/NBD model of pre-aggregated rows, each counted weight times, fitted with an L2 penalty penalizer * (r^2 + alpha^2 + a^2 + b^2)';
COMMENT ON AGGREGATE mbgnbd_fit(float8, float8, float8) IS
'maximum-likelihood MBG/NBD model (Batislam, Denizel & Filiztekin 2007) of customers frequency, recency and age t; frequency as float8 must be a whole number';
COMMENT ON AGGREGATE mbgnbd_fit(float8, float8, float8, float8) IS
'MBG/NBD model fitted with an L2 penalty penalizer * (r^2 + alpha^2 + a^2 + b^2) on the mean log-likelihood; frequency as float8 must be a whole number';
COMMENT ON AGGREGATE mbgnbd_fit(float8, float8, float8, bigint) IS
'maximum-likelihood MBG/NBD model of pre-aggregated rows, each counted weight (bigint) times (weight 0 adds nobody, a NULL weight skips the row); frequency as float8 must be a whole number';
COMMENT ON AGGREGATE mbgnbd_fit(float8, float8, float8, integer) IS
'maximum-likelihood MBG/NBD model of pre-aggregated rows, each counted weight (integer) times (weight 0 adds nobody, a NULL weight skips the row); frequency as float8 must be a whole number';
COMMENT ON AGGREGATE mbgnbd_fit(float8, float8, float8, bigint, float8) IS
'MBG/NBD model of pre-aggregated rows, each counted weight times, fitted with an L2 penalty penalizer * (r^2 + alpha^2 + a^2 + b^2); frequency as float8 must be a whole number';

CREATE FUNCTION mbgnbd_expected_purchases(model mbgnbd, horizon float8,
                                          frequency integer, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'mbgnbd_expected_purchases'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mbgnbd_expected_purchases(model mbgnbd, horizon float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'mbgnbd_expected_purchases_new'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mbgnbd_p_alive(model mbgnbd, frequency integer, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'mbgnbd_p_alive'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mbgnbd_prob_purchases(model mbgnbd, n integer, horizon float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'mbgnbd_prob_purchases'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mbgnbd_model(r float8, alpha float8, a float8, b float8)
RETURNS mbgnbd
AS 'MODULE_PATHNAME', 'model_value'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mbgnbd_params(model mbgnbd,
                              OUT parameter text, OUT estimate float8, OUT std_error float8,
                              OUT lower_95 float8, OUT upper_95 float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'model_params_table'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;

COMMENT ON FUNCTION mbgnbd_expected_purchases(mbgnbd, float8, integer, float8, float8) IS
'MBG/NBD expected purchases in the next horizon time units of a customer with this history (Batislam et al. 2007 eq. 13)';
COMMENT ON FUNCTION mbgnbd_expected_purchases(mbgnbd, float8) IS
'MBG/NBD expected repeat purchases of a new customer in horizon time units after the first purchase';
COMMENT ON FUNCTION mbgnbd_p_alive(mbgnbd, integer, float8, float8) IS
'MBG/NBD probability that a customer with this history is still active (below 1 with no repeat purchase too)';
COMMENT ON FUNCTION mbgnbd_prob_purchases(mbgnbd, integer, float8) IS
'MBG/NBD probability that a new customer makes exactly n repeat purchases in horizon time units';
COMMENT ON FUNCTION mbgnbd_model(float8, float8, float8, float8) IS
'an MBG/NBD model with known parameters r, alpha, a, b (each a positive finite number); loglik, n, converged and covariance are NULL';
COMMENT ON FUNCTION mbgnbd_params(mbgnbd) IS
'MBG/NBD parameters with standard errors from the fit''s covariance and 95% intervals estimate +- 1.96 standard errors (NULL without a covariance)';

-- end of section 7b

-- 7c. BG/BB (Fader, Hardie & Shang 2010), doc/btyd_family.md

CREATE TYPE bgbb AS (alpha float8, beta float8, gamma float8, delta float8,
                     loglik float8, n bigint, converged boolean,
                     covariance float8[]);

COMMENT ON TYPE bgbb IS
'a fitted BG/BB model of discrete opportunities (Fader, Hardie & Shang 2010): alpha, beta (transactions), gamma, delta (dropout), the log-likelihood, the number of customers, whether the fit converged, the covariance (NULL if unknown)';

CREATE FUNCTION bgbb_fit_final(internal)
RETURNS bgbb
AS 'MODULE_PATHNAME', 'bgbb_fit_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgbb_fit_final(internal) IS
'aggregate final function of bgbb_fit';

CREATE FUNCTION bgbb_fit_trans(internal, integer, integer, integer)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgbb_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

COMMENT ON FUNCTION bgbb_fit_trans(internal, integer, integer, integer) IS
'aggregate transition function of bgbb_fit';

CREATE FUNCTION bgbb_fit_trans(internal, integer, integer, integer, bigint)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgbb_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

COMMENT ON FUNCTION bgbb_fit_trans(internal, integer, integer, integer, bigint) IS
'aggregate transition function of bgbb_fit with a weight';

CREATE FUNCTION bgbb_fit_trans(internal, integer, integer, integer, integer)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgbb_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

COMMENT ON FUNCTION bgbb_fit_trans(internal, integer, integer, integer, integer) IS
'aggregate transition function of bgbb_fit with a weight';

CREATE FUNCTION bgbb_fit_trans(internal, float8, float8, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgbb_fit_trans_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

COMMENT ON FUNCTION bgbb_fit_trans(internal, float8, float8, float8) IS
'aggregate transition function of bgbb_fit with float8 values';

CREATE FUNCTION bgbb_fit_trans(internal, float8, float8, float8, bigint)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgbb_fit_trans_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

COMMENT ON FUNCTION bgbb_fit_trans(internal, float8, float8, float8, bigint) IS
'aggregate transition function of bgbb_fit with a weight with float8 values';

CREATE FUNCTION bgbb_fit_trans(internal, float8, float8, float8, integer)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgbb_fit_trans_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

COMMENT ON FUNCTION bgbb_fit_trans(internal, float8, float8, float8, integer) IS
'aggregate transition function of bgbb_fit with a weight with float8 values';

CREATE AGGREGATE bgbb_fit(frequency integer, recency integer, n_periods integer) (
    SFUNC = bgbb_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = bgbb_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE bgbb_fit(integer, integer, integer) IS
'maximum-likelihood BG/BB model (Fader, Hardie & Shang 2010) of customers'' frequency, recency (last opportunity used) and n_periods (opportunities observed, may differ per customer)';

CREATE AGGREGATE bgbb_fit(frequency integer, recency integer, n_periods integer, weight bigint) (
    SFUNC = bgbb_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = bgbb_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE bgbb_fit(integer, integer, integer, bigint) IS
'maximum-likelihood BG/BB model of pre-aggregated histories, each counted weight (bigint) times (weight 0 adds nobody, a NULL weight skips the row)';

CREATE AGGREGATE bgbb_fit(frequency integer, recency integer, n_periods integer, weight integer) (
    SFUNC = bgbb_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = bgbb_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE bgbb_fit(integer, integer, integer, integer) IS
'maximum-likelihood BG/BB model of pre-aggregated histories, each counted weight (integer) times (weight 0 adds nobody, a NULL weight skips the row)';

CREATE AGGREGATE bgbb_fit(frequency float8, recency float8, n_periods float8) (
    SFUNC = bgbb_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = bgbb_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE bgbb_fit(float8, float8, float8) IS
'maximum-likelihood BG/BB model (Fader, Hardie & Shang 2010) of customers'' frequency, recency (last opportunity used) and n_periods (opportunities observed, may differ per customer); frequency, recency and n_periods as float8 must be whole numbers';

CREATE AGGREGATE bgbb_fit(frequency float8, recency float8, n_periods float8, weight bigint) (
    SFUNC = bgbb_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = bgbb_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE bgbb_fit(float8, float8, float8, bigint) IS
'maximum-likelihood BG/BB model of pre-aggregated histories, each counted weight (bigint) times (weight 0 adds nobody, a NULL weight skips the row); frequency, recency and n_periods as float8 must be whole numbers';

CREATE AGGREGATE bgbb_fit(frequency float8, recency float8, n_periods float8, weight integer) (
    SFUNC = bgbb_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = bgbb_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE bgbb_fit(float8, float8, float8, integer) IS
'maximum-likelihood BG/BB model of pre-aggregated histories, each counted weight (integer) times (weight 0 adds nobody, a NULL weight skips the row); frequency, recency and n_periods as float8 must be whole numbers';

CREATE FUNCTION bgbb_p_alive(model bgbb, m_periods integer, frequency integer,
                             recency integer, n_periods integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'bgbb_p_alive'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION bgbb_expected_purchases(model bgbb, m_periods integer, frequency integer,
                                        recency integer, n_periods integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'bgbb_expected_purchases'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION bgbb_expected_purchases(model bgbb, n_periods integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'bgbb_expected_purchases_new'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION bgbb_model(alpha float8, beta float8, gamma float8, delta float8)
RETURNS bgbb
AS 'MODULE_PATHNAME', 'model_value'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION bgbb_params(model bgbb,
                            OUT parameter text, OUT estimate float8, OUT std_error float8,
                            OUT lower_95 float8, OUT upper_95 float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'model_params_table'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;

COMMENT ON FUNCTION bgbb_p_alive(bgbb, integer, integer, integer, integer) IS
'BG/BB probability that a customer with this history is alive at opportunity n_periods + m_periods (Fader, Hardie & Shang 2010 eq. 11)';
COMMENT ON FUNCTION bgbb_expected_purchases(bgbb, integer, integer, integer, integer) IS
'BG/BB expected transactions in the next m_periods opportunities of a customer with this history (eq. 13)';
COMMENT ON FUNCTION bgbb_expected_purchases(bgbb, integer) IS
'BG/BB expected transactions of a new customer in the first n_periods opportunities (eq. 7)';
COMMENT ON FUNCTION bgbb_model(float8, float8, float8, float8) IS
'a BG/BB model with known parameters alpha, beta, gamma, delta (each a positive finite number); loglik, n, converged and covariance are NULL';
COMMENT ON FUNCTION bgbb_params(bgbb) IS
'BG/BB parameters with standard errors from the fit''s covariance and 95% intervals estimate +- 1.96 standard errors (NULL without a covariance)';

-- end of section 7c

-- 7d. smallint weights: without them PostgreSQL resolves a smallint
-- argument to the float8 penalizer overloads (float8 is the preferred
-- numeric type), so every fit with a weight also takes a smallint one

CREATE FUNCTION btyd_fit_trans(internal, integer, float8, float8, smallint)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

COMMENT ON FUNCTION btyd_fit_trans(internal, integer, float8, float8, smallint) IS
'aggregate transition function of the fits with a smallint weight';

CREATE FUNCTION btyd_fit_trans(internal, float8, float8, float8, smallint)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_fit_trans_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

COMMENT ON FUNCTION btyd_fit_trans(internal, float8, float8, float8, smallint) IS
'aggregate transition function of the fits with a smallint weight';

CREATE FUNCTION spend_fit_trans(internal, integer, float8, smallint)
RETURNS internal
AS 'MODULE_PATHNAME', 'spend_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

COMMENT ON FUNCTION spend_fit_trans(internal, integer, float8, smallint) IS
'aggregate transition function of the fits with a smallint weight';

CREATE FUNCTION spend_fit_trans(internal, float8, float8, smallint)
RETURNS internal
AS 'MODULE_PATHNAME', 'spend_fit_trans_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

COMMENT ON FUNCTION spend_fit_trans(internal, float8, float8, smallint) IS
'aggregate transition function of the fits with a smallint weight';

CREATE FUNCTION bgbb_fit_trans(internal, integer, integer, integer, smallint)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgbb_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

COMMENT ON FUNCTION bgbb_fit_trans(internal, integer, integer, integer, smallint) IS
'aggregate transition function of the fits with a smallint weight';

CREATE FUNCTION bgbb_fit_trans(internal, float8, float8, float8, smallint)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgbb_fit_trans_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: internal state, NULL rows skipped

COMMENT ON FUNCTION bgbb_fit_trans(internal, float8, float8, float8, smallint) IS
'aggregate transition function of the fits with a smallint weight';

CREATE AGGREGATE bgnbd_fit(frequency integer, recency float8, t float8, weight smallint) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = bgnbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE bgnbd_fit(integer, float8, float8, smallint) IS
'BG/NBD model of pre-aggregated rows, each counted weight (smallint) times, as with a bigint weight';

CREATE AGGREGATE bgnbd_fit(frequency float8, recency float8, t float8, weight smallint) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = bgnbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE bgnbd_fit(float8, float8, float8, smallint) IS
'BG/NBD model of pre-aggregated rows, each counted weight (smallint) times, as with a bigint weight';

CREATE AGGREGATE gamma_gamma_fit(frequency integer, monetary_value float8, weight smallint) (
    SFUNC = spend_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = gamma_gamma_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE gamma_gamma_fit(integer, float8, smallint) IS
'Gamma-Gamma model of pre-aggregated rows, each counted weight (smallint) times, as with a bigint weight';

CREATE AGGREGATE gamma_gamma_fit(frequency float8, monetary_value float8, weight smallint) (
    SFUNC = spend_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = gamma_gamma_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE gamma_gamma_fit(float8, float8, smallint) IS
'Gamma-Gamma model of pre-aggregated rows, each counted weight (smallint) times, as with a bigint weight';

CREATE AGGREGATE mbgnbd_fit(frequency integer, recency float8, t float8, weight smallint) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = mbgnbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE mbgnbd_fit(integer, float8, float8, smallint) IS
'MBG/NBD model of pre-aggregated rows, each counted weight (smallint) times, as with a bigint weight';

CREATE AGGREGATE mbgnbd_fit(frequency float8, recency float8, t float8, weight smallint) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = mbgnbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE mbgnbd_fit(float8, float8, float8, smallint) IS
'MBG/NBD model of pre-aggregated rows, each counted weight (smallint) times, as with a bigint weight';

CREATE AGGREGATE bgbb_fit(frequency integer, recency integer, n_periods integer, weight smallint) (
    SFUNC = bgbb_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = bgbb_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE bgbb_fit(integer, integer, integer, smallint) IS
'BG/BB model of pre-aggregated rows, each counted weight (smallint) times, as with a bigint weight';

CREATE AGGREGATE bgbb_fit(frequency float8, recency float8, n_periods float8, weight smallint) (
    SFUNC = bgbb_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = bgbb_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE bgbb_fit(float8, float8, float8, smallint) IS
'BG/BB model of pre-aggregated rows, each counted weight (smallint) times, as with a bigint weight';

-- end of section 7d

-- 7e. Pareto/NBD completed: the penalizer and weight overloads (the
-- transition reads the declared types, as in 7a), a new customer's
-- expected purchases

CREATE AGGREGATE pareto_nbd_fit(frequency integer, recency float8, t float8, penalizer float8) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = pareto_nbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

CREATE AGGREGATE pareto_nbd_fit(frequency float8, recency float8, t float8, penalizer float8) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = pareto_nbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

CREATE FUNCTION pareto_nbd_expected_purchases(model pareto_nbd, horizon float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'pareto_nbd_expected_purchases_new'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON AGGREGATE pareto_nbd_fit(integer, float8, float8, float8) IS
'Pareto/NBD model fitted with an L2 penalty penalizer * (r^2 + alpha^2 + s^2 + beta^2) on the mean log-likelihood';
COMMENT ON AGGREGATE pareto_nbd_fit(float8, float8, float8, float8) IS
'Pareto/NBD model fitted with an L2 penalty; frequency as float8 must be a whole number';
COMMENT ON FUNCTION pareto_nbd_expected_purchases(pareto_nbd, float8) IS
'Pareto/NBD expected repeat purchases of a new customer in horizon time units after the first purchase';

CREATE AGGREGATE pareto_nbd_fit(frequency integer, recency float8, t float8, weight bigint) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = pareto_nbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE pareto_nbd_fit(integer, float8, float8, bigint) IS
'maximum-likelihood Pareto/NBD model of pre-aggregated rows, each counted weight (bigint) times: the same fit as over the expanded rows (weight 0 adds nobody, a NULL weight skips the row)';

CREATE AGGREGATE pareto_nbd_fit(frequency integer, recency float8, t float8, weight integer) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = pareto_nbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE pareto_nbd_fit(integer, float8, float8, integer) IS
'maximum-likelihood Pareto/NBD model of pre-aggregated rows, each counted weight (integer) times: the same fit as over the expanded rows (weight 0 adds nobody, a NULL weight skips the row)';

CREATE AGGREGATE pareto_nbd_fit(frequency integer, recency float8, t float8, weight smallint) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = pareto_nbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE pareto_nbd_fit(integer, float8, float8, smallint) IS
'maximum-likelihood Pareto/NBD model of pre-aggregated rows, each counted weight (smallint) times: the same fit as over the expanded rows (weight 0 adds nobody, a NULL weight skips the row)';

CREATE AGGREGATE pareto_nbd_fit(frequency integer, recency float8, t float8, weight bigint, penalizer float8) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = pareto_nbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE pareto_nbd_fit(integer, float8, float8, bigint, float8) IS
'Pareto/NBD model of pre-aggregated rows, each counted weight times (weight 0 adds nobody, a NULL weight skips the row), fitted with an L2 penalty penalizer times the sum of squared parameters';

CREATE AGGREGATE pareto_nbd_fit(frequency float8, recency float8, t float8, weight bigint) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = pareto_nbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE pareto_nbd_fit(float8, float8, float8, bigint) IS
'maximum-likelihood Pareto/NBD model of pre-aggregated rows, each counted weight (bigint) times: the same fit as over the expanded rows (weight 0 adds nobody, a NULL weight skips the row); frequency as float8 must be a whole number';

CREATE AGGREGATE pareto_nbd_fit(frequency float8, recency float8, t float8, weight integer) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = pareto_nbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE pareto_nbd_fit(float8, float8, float8, integer) IS
'maximum-likelihood Pareto/NBD model of pre-aggregated rows, each counted weight (integer) times: the same fit as over the expanded rows (weight 0 adds nobody, a NULL weight skips the row); frequency as float8 must be a whole number';

CREATE AGGREGATE pareto_nbd_fit(frequency float8, recency float8, t float8, weight smallint) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = pareto_nbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE pareto_nbd_fit(float8, float8, float8, smallint) IS
'maximum-likelihood Pareto/NBD model of pre-aggregated rows, each counted weight (smallint) times: the same fit as over the expanded rows (weight 0 adds nobody, a NULL weight skips the row); frequency as float8 must be a whole number';

CREATE AGGREGATE pareto_nbd_fit(frequency float8, recency float8, t float8, weight bigint, penalizer float8) (
    SFUNC = btyd_fit_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = pareto_nbd_fit_final, COMBINEFUNC = fit_combine,
    SERIALFUNC = fit_serialize, DESERIALFUNC = fit_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE pareto_nbd_fit(float8, float8, float8, bigint, float8) IS
'Pareto/NBD model of pre-aggregated rows, each counted weight times (weight 0 adds nobody, a NULL weight skips the row), fitted with an L2 penalty penalizer times the sum of squared parameters; frequency as float8 must be a whole number';

-- end of section 7e

-- 7f. CLV with any continuous purchase model (cltv and cltv_interval for
-- mbgnbd and pareto_nbd: the one discounted sum of clv.c), MBG/NBD's
-- tracking aggregate, and the Pareto/NBD conditional PMF

CREATE FUNCTION cltv(purchases mbgnbd, spend gamma_gamma, frequency integer,
                     recency float8, t float8, monetary_value float8,
                     months integer, discount_rate float8, unit time_unit)
RETURNS float8
AS 'MODULE_PATHNAME', 'cltv_mbgnbd'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION cltv(purchases pareto_nbd, spend gamma_gamma, frequency integer,
                     recency float8, t float8, monetary_value float8,
                     months integer, discount_rate float8, unit time_unit)
RETURNS float8
AS 'MODULE_PATHNAME', 'cltv_pareto_nbd'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION cltv_interval(purchases mbgnbd, spend gamma_gamma, frequency integer,
                              recency float8, t float8, monetary_value float8,
                              months integer, discount_rate float8, unit time_unit,
                              level float8,
                              OUT estimate float8, OUT lower float8, OUT upper float8)
RETURNS record
AS 'MODULE_PATHNAME', 'cltv_interval_mbgnbd'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION cltv_interval(purchases pareto_nbd, spend gamma_gamma, frequency integer,
                              recency float8, t float8, monetary_value float8,
                              months integer, discount_rate float8, unit time_unit,
                              level float8,
                              OUT estimate float8, OUT lower float8, OUT upper float8)
RETURNS record
AS 'MODULE_PATHNAME', 'cltv_interval_pareto_nbd'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION cltv(mbgnbd, gamma_gamma, integer, float8, float8, float8, integer, float8, time_unit) IS
'discounted lifetime value over the next months months from an MBG/NBD and a Gamma-Gamma model, monthly discount_rate, models fitted in unit day, week or month';
COMMENT ON FUNCTION cltv(pareto_nbd, gamma_gamma, integer, float8, float8, float8, integer, float8, time_unit) IS
'discounted lifetime value over the next months months from a Pareto/NBD and a Gamma-Gamma model, monthly discount_rate, models fitted in unit day, week or month';
COMMENT ON FUNCTION cltv_interval(mbgnbd, gamma_gamma, integer, float8, float8, float8, integer, float8, time_unit, float8) IS
'cltv under MBG/NBD with a confidence interval at level from both models'' parameter covariances (taken as independent), by the delta method on the log scale; lower and upper NULL when a model has no covariance';
COMMENT ON FUNCTION cltv_interval(pareto_nbd, gamma_gamma, integer, float8, float8, float8, integer, float8, time_unit, float8) IS
'cltv under Pareto/NBD with a confidence interval at level from both models'' parameter covariances (taken as independent), by the delta method on the log scale; lower and upper NULL when a model has no covariance';

CREATE FUNCTION mbgnbd_tracking_trans(internal, mbgnbd, date, date, integer, time_unit)
RETURNS internal
AS 'MODULE_PATHNAME', 'mbgnbd_tracking_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: rows with a NULL are skipped

CREATE FUNCTION mbgnbd_tracking_trans(internal, mbgnbd, timestamptz, timestamptz, integer, time_unit)
RETURNS internal
AS 'MODULE_PATHNAME', 'mbgnbd_tracking_trans_timestamptz'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: rows with a NULL are skipped; 24-hour days, no TimeZone

COMMENT ON FUNCTION mbgnbd_tracking_trans(internal, mbgnbd, date, date, integer, time_unit) IS
'aggregate transition function';
COMMENT ON FUNCTION mbgnbd_tracking_trans(internal, mbgnbd, timestamptz, timestamptz, integer, time_unit) IS
'aggregate transition function';

CREATE AGGREGATE mbgnbd_tracking(model mbgnbd, first_purchase date, start date, periods integer, unit time_unit) (
    SFUNC = mbgnbd_tracking_trans,
    STYPE = internal,
    SSPACE = 320,
    FINALFUNC = tracking_final,
    COMBINEFUNC = tracking_combine,
    SERIALFUNC = tracking_serialize,
    DESERIALFUNC = tracking_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE mbgnbd_tracking(model mbgnbd, first_purchase timestamptz, start timestamptz, periods integer, unit time_unit) (
    SFUNC = mbgnbd_tracking_trans,
    STYPE = internal,
    SSPACE = 320,
    FINALFUNC = tracking_final,
    COMBINEFUNC = tracking_combine,
    SERIALFUNC = tracking_serialize,
    DESERIALFUNC = tracking_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE mbgnbd_tracking(mbgnbd, date, date, integer, time_unit) IS
'over one row per customer, the MBG/NBD expected cumulative repeat purchases at start + k units (k = 1 .. periods): the sum of E[X(start + k units - first_purchase)] over the customers first seen before then; units of 1, 7 or 30 days';
COMMENT ON AGGREGATE mbgnbd_tracking(mbgnbd, timestamptz, timestamptz, integer, time_unit) IS
'over one row per customer, the MBG/NBD expected cumulative repeat purchases at start + k units, k = 1 .. periods, in whole 24-hour days as btyd_summary counts them (units of 1, 7 or 30 days, the unit the model was fitted in)';

CREATE FUNCTION pareto_nbd_prob_purchases(model pareto_nbd, n integer, horizon float8,
                                          frequency integer, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'pareto_nbd_prob_purchases'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION pareto_nbd_prob_purchases(pareto_nbd, integer, float8, integer, float8, float8) IS
'Pareto/NBD probability of exactly n purchases in the next horizon time units of a customer with this frequency, recency and age t';

-- end of section 7f

-- end of section 7

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

-- 8. Revenue retention
-- revenue_retention builds a revenue_matrix (revenue per customer and
-- calendar period, on cohort_retention's state); mrr_movements and
-- net_revenue_retention read it. See doc/revenue.md.

CREATE TYPE revenue_matrix;

CREATE FUNCTION revenue_matrix_in(cstring)
RETURNS revenue_matrix
AS 'MODULE_PATHNAME', 'revenue_matrix_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION revenue_matrix_out(revenue_matrix)
RETURNS cstring
AS 'MODULE_PATHNAME', 'revenue_matrix_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION revenue_matrix_recv(internal)
RETURNS revenue_matrix
AS 'MODULE_PATHNAME', 'revenue_matrix_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION revenue_matrix_send(revenue_matrix)
RETURNS bytea
AS 'MODULE_PATHNAME', 'revenue_matrix_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE revenue_matrix (
    INPUT = revenue_matrix_in,
    OUTPUT = revenue_matrix_out,
    RECEIVE = revenue_matrix_recv,
    SEND = revenue_matrix_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

COMMENT ON TYPE revenue_matrix IS
'revenue per customer and calendar period, from revenue_retention; read by mrr_movements and net_revenue_retention';
COMMENT ON FUNCTION revenue_matrix_in(cstring) IS 'revenue_matrix input function: the text form';
COMMENT ON FUNCTION revenue_matrix_out(revenue_matrix) IS 'revenue_matrix output function: the text form';
COMMENT ON FUNCTION revenue_matrix_recv(internal) IS 'revenue_matrix binary input function';
COMMENT ON FUNCTION revenue_matrix_send(revenue_matrix) IS 'revenue_matrix binary output function';

CREATE FUNCTION revenue_retention_trans(internal, bigint, date, numeric, time_unit)
RETURNS internal
AS 'MODULE_PATHNAME', 'revenue_retention_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: the state starts NULL, NULL rows are skipped

CREATE FUNCTION revenue_retention_final(internal)
RETURNS revenue_matrix
AS 'MODULE_PATHNAME', 'revenue_retention_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: a group without rows has a NULL state

COMMENT ON FUNCTION revenue_retention_trans(internal, bigint, date, numeric, time_unit) IS 'aggregate transition function';
COMMENT ON FUNCTION revenue_retention_final(internal) IS 'aggregate final function';

CREATE AGGREGATE revenue_retention(customer_id bigint, period_at date, amount numeric, unit time_unit) (
    SFUNC = revenue_retention_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = revenue_retention_final,
    COMBINEFUNC = cohort_retention_combine,
    SERIALFUNC = cohort_retention_serialize,
    DESERIALFUNC = cohort_retention_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE revenue_retention(bigint, date, numeric, time_unit) IS
'revenue per customer and calendar period (amounts in one period summed exactly, a missing period is 0) as a revenue_matrix, in one pass';

CREATE FUNCTION mrr_movements(matrix revenue_matrix,
    OUT period date, OUT customers bigint, OUT mrr numeric, OUT new numeric,
    OUT expansion numeric, OUT contraction numeric, OUT churned numeric,
    OUT reactivation numeric)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'mrr_movements'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION mrr_movements(revenue_matrix) IS
'MRR waterfall per period: paying customers, mrr, new, expansion, contraction, churned, reactivation; mrr(t) = mrr(t-1) + new + expansion + reactivation - contraction - churned';

CREATE FUNCTION net_revenue_retention(matrix revenue_matrix, lag integer,
    OUT period date, OUT starting_mrr numeric, OUT nrr float8, OUT grr float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'net_revenue_retention'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION net_revenue_retention(revenue_matrix, integer) IS
'net and gross revenue retention over lag periods: over the customers paying at t - lag, their MRR at t (GRR: capped at its t - lag value) over their MRR at t - lag';

-- product-analytics retention over a revenue_matrix (a user is active in a
-- period with a cell there); see doc/product_retention.md
CREATE FUNCTION activity_matrix_trans(internal, bigint, date, time_unit)
RETURNS internal
AS 'MODULE_PATHNAME', 'activity_matrix_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: the state starts NULL, NULL rows are skipped

COMMENT ON FUNCTION activity_matrix_trans(internal, bigint, date, time_unit) IS 'aggregate transition function';

CREATE AGGREGATE activity_matrix(user_id bigint, active_at date, unit time_unit) (
    SFUNC = activity_matrix_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = revenue_retention_final,
    COMBINEFUNC = cohort_retention_combine,
    SERIALFUNC = cohort_retention_serialize,
    DESERIALFUNC = cohort_retention_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE activity_matrix(bigint, date, time_unit) IS
'the periods each user was active in, as a revenue_matrix whose amounts are 0, in one pass';

CREATE FUNCTION bracket_retention(matrix revenue_matrix, brackets int4range[],
    OUT cohort date, OUT bracket int4range, OUT cohort_size bigint, OUT active bigint,
    OUT retention float8, OUT complete boolean)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'bracket_retention'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bracket_retention(revenue_matrix, int4range[]) IS
'per cohort (first active period) and bracket of offsets: the users active at least once in the bracket, and their share';

CREATE FUNCTION recurring_retention(matrix revenue_matrix,
    OUT period date, OUT period_offset integer, OUT base_users bigint, OUT active bigint,
    OUT retention float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'recurring_retention'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION recurring_retention(revenue_matrix) IS
'recurring cohorts: the users active in each period and how many of them are active k periods later';

CREATE FUNCTION n_day_retention(matrix revenue_matrix, n integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'n_day_retention'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION n_day_retention(matrix revenue_matrix, n integer, mode text)
RETURNS float8
AS 'MODULE_PATHNAME', 'n_day_retention'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION n_day_retention(revenue_matrix, integer) IS
'day-N (period-N) retention pooled over the cohorts that have reached offset n: active exactly n periods after the first';
COMMENT ON FUNCTION n_day_retention(revenue_matrix, integer, text) IS
'day-N (period-N) retention pooled over the cohorts that have reached offset n; mode ''classic'' (exactly at n) or ''rolling'' (at n or later)';

CREATE FUNCTION stickiness(matrix revenue_matrix,
    OUT day date, OUT dau bigint, OUT wau bigint, OUT mau bigint,
    OUT dau_wau float8, OUT dau_mau float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'stickiness'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION stickiness(revenue_matrix) IS
'daily, weekly (7 days) and monthly (30 days) active users ending on each day of a matrix by day, and DAU/WAU, DAU/MAU';

-- end of section 8
-- 9. Incremental refresh: storable, mergeable per-customer states
-- (DESIGN section 9, doc/incremental.md)

CREATE TYPE rfm_state;

CREATE FUNCTION rfm_state_in(cstring)
RETURNS rfm_state
AS 'MODULE_PATHNAME', 'rfm_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION rfm_state_out(rfm_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'stored_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION rfm_state_recv(internal)
RETURNS rfm_state
AS 'MODULE_PATHNAME', 'rfm_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION rfm_state_send(rfm_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'stored_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE rfm_state (
    INPUT = rfm_state_in,
    OUTPUT = rfm_state_out,
    RECEIVE = rfm_state_recv,
    SEND = rfm_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE rfm_state IS
'storable, mergeable partial rfm state of one customer''s orders (rfm_partial, rfm_rollup, rfm_merge; read with rfm(state, as_of))';
COMMENT ON FUNCTION rfm_state_in(cstring) IS 'rfm_state input function: the hexadecimal text form, checked';
COMMENT ON FUNCTION rfm_state_out(rfm_state) IS 'rfm_state output function: the hexadecimal text form';
COMMENT ON FUNCTION rfm_state_recv(internal) IS 'rfm_state binary input function, checked';
COMMENT ON FUNCTION rfm_state_send(rfm_state) IS 'rfm_state binary output function';

-- The support functions are not STRICT: rows with a NULL and NULL states
-- are skipped, and a group with no row gives NULL. rfm_merge and
-- btyd_merge are not STRICT either: a NULL side is no orders.
CREATE FUNCTION rfm_partial_trans(internal, date, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_partial_trans_numeric'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION rfm_partial_trans(internal, date, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_partial_trans_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION rfm_rollup_trans(internal, rfm_state)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_rollup_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION rfm_partial_final(internal)
RETURNS rfm_state
AS 'MODULE_PATHNAME', 'rfm_partial_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rfm_partial_trans(internal, date, numeric) IS 'aggregate transition function';
COMMENT ON FUNCTION rfm_partial_trans(internal, date, float8) IS 'aggregate transition function';
COMMENT ON FUNCTION rfm_rollup_trans(internal, rfm_state) IS 'aggregate transition function';
COMMENT ON FUNCTION rfm_partial_final(internal) IS 'aggregate final function';

CREATE AGGREGATE rfm_partial(order_at date, amount numeric) (
    SFUNC = rfm_partial_trans, STYPE = internal, SSPACE = 96,
    FINALFUNC = rfm_partial_final, COMBINEFUNC = rfm_combine,
    SERIALFUNC = rfm_serialize, DESERIALFUNC = rfm_deserialize, PARALLEL = SAFE);

CREATE AGGREGATE rfm_partial(order_at date, amount float8) (
    SFUNC = rfm_partial_trans, STYPE = internal, SSPACE = 96,
    FINALFUNC = rfm_partial_final, COMBINEFUNC = rfm_combine,
    SERIALFUNC = rfm_serialize, DESERIALFUNC = rfm_deserialize, PARALLEL = SAFE);

CREATE AGGREGATE rfm_rollup(rfm_state) (
    SFUNC = rfm_rollup_trans, STYPE = internal, SSPACE = 96,
    FINALFUNC = rfm_partial_final, COMBINEFUNC = rfm_combine,
    SERIALFUNC = rfm_serialize, DESERIALFUNC = rfm_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE rfm_partial(date, numeric) IS
'storable partial rfm state of a customer''s orders, exact numeric sum; roll up with rfm_rollup or rfm_merge, read with rfm(state, as_of)';
COMMENT ON AGGREGATE rfm_partial(date, float8) IS
'storable partial rfm state of a customer''s orders, exact float8 sum; roll up with rfm_rollup or rfm_merge, read with rfm(state, as_of)';
COMMENT ON AGGREGATE rfm_rollup(rfm_state) IS
'merges partial rfm states of any split of one customer''s orders into the state of all of them';

CREATE FUNCTION rfm_merge(a rfm_state, b rfm_state)
RETURNS rfm_state
AS 'MODULE_PATHNAME', 'rfm_merge'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rfm_merge(rfm_state, rfm_state) IS
'the rfm state of the orders of both states (not STRICT: a NULL side is no orders); numeric and float8 states do not mix';

CREATE FUNCTION rfm(state rfm_state, as_of date)
RETURNS rfm
AS 'MODULE_PATHNAME', 'rfm_of_state'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION rfm(rfm_state, date) IS
'rfm of a state''s orders at as_of, exactly what the rfm aggregate gives over them; as_of before the state''s latest order is an error';

CREATE TYPE btyd_state;

CREATE FUNCTION btyd_state_in(cstring)
RETURNS btyd_state
AS 'MODULE_PATHNAME', 'btyd_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION btyd_state_out(btyd_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'stored_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION btyd_state_recv(internal)
RETURNS btyd_state
AS 'MODULE_PATHNAME', 'btyd_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION btyd_state_send(btyd_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'stored_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE btyd_state (
    INPUT = btyd_state_in,
    OUTPUT = btyd_state_out,
    RECEIVE = btyd_state_recv,
    SEND = btyd_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE btyd_state IS
'storable, mergeable partial btyd_summary state of one customer''s orders (btyd_partial, btyd_rollup, btyd_merge; read with btyd_summary(state, as_of, unit))';
COMMENT ON FUNCTION btyd_state_in(cstring) IS 'btyd_state input function: the hexadecimal text form, checked';
COMMENT ON FUNCTION btyd_state_out(btyd_state) IS 'btyd_state output function: the hexadecimal text form';
COMMENT ON FUNCTION btyd_state_recv(internal) IS 'btyd_state binary input function, checked';
COMMENT ON FUNCTION btyd_state_send(btyd_state) IS 'btyd_state binary output function';

-- not STRICT, as rfm_partial_trans (above)
CREATE FUNCTION btyd_partial_trans(internal, date, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_partial_trans_numeric'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION btyd_partial_trans(internal, date, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_partial_trans_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION btyd_rollup_trans(internal, btyd_state)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_rollup_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION btyd_partial_final(internal)
RETURNS btyd_state
AS 'MODULE_PATHNAME', 'btyd_partial_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION btyd_partial_trans(internal, date, numeric) IS 'aggregate transition function';
COMMENT ON FUNCTION btyd_partial_trans(internal, date, float8) IS 'aggregate transition function';
COMMENT ON FUNCTION btyd_rollup_trans(internal, btyd_state) IS 'aggregate transition function';
COMMENT ON FUNCTION btyd_partial_final(internal) IS 'aggregate final function';

CREATE AGGREGATE btyd_partial(order_at date, amount numeric) (
    SFUNC = btyd_partial_trans, STYPE = internal,
    FINALFUNC = btyd_partial_final, COMBINEFUNC = btyd_summary_combine,
    SERIALFUNC = btyd_summary_serialize, DESERIALFUNC = btyd_summary_deserialize, PARALLEL = SAFE);

CREATE AGGREGATE btyd_partial(order_at date, amount float8) (
    SFUNC = btyd_partial_trans, STYPE = internal,
    FINALFUNC = btyd_partial_final, COMBINEFUNC = btyd_summary_combine,
    SERIALFUNC = btyd_summary_serialize, DESERIALFUNC = btyd_summary_deserialize, PARALLEL = SAFE);

CREATE AGGREGATE btyd_rollup(btyd_state) (
    SFUNC = btyd_rollup_trans, STYPE = internal,
    FINALFUNC = btyd_partial_final, COMBINEFUNC = btyd_summary_combine,
    SERIALFUNC = btyd_summary_serialize, DESERIALFUNC = btyd_summary_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE btyd_partial(date, numeric) IS
'storable partial btyd_summary state of a customer''s orders; roll up with btyd_rollup or btyd_merge, read with btyd_summary(state, as_of, unit)';
COMMENT ON AGGREGATE btyd_partial(date, float8) IS
'storable partial btyd_summary state of a customer''s orders; roll up with btyd_rollup or btyd_merge, read with btyd_summary(state, as_of, unit)';
COMMENT ON AGGREGATE btyd_rollup(btyd_state) IS
'merges partial btyd states of any split of one customer''s orders (same-day purchases merge) into the state of all of them';

CREATE FUNCTION btyd_merge(a btyd_state, b btyd_state)
RETURNS btyd_state
AS 'MODULE_PATHNAME', 'btyd_merge'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION btyd_merge(btyd_state, btyd_state) IS
'the btyd state of the orders of both states, same-day purchases merged (not STRICT: a NULL side is no orders)';

CREATE FUNCTION btyd_summary(state btyd_state, as_of date, unit time_unit)
RETURNS btyd_summary
AS 'MODULE_PATHNAME', 'btyd_summary_of_state'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_summary(btyd_state, date, time_unit) IS
'btyd_summary of a state''s orders at as_of in unit, exactly what the btyd_summary aggregate gives over them; as_of before the state''s latest order is an error';

-- end of section 9

-- 10. One pass over the orders: populations (DESIGN section 10, doc/rfm.md)

CREATE TYPE rfm_population;

CREATE FUNCTION rfm_population_in(cstring)
RETURNS rfm_population
AS 'MODULE_PATHNAME', 'rfm_population_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION rfm_population_out(rfm_population)
RETURNS cstring
AS 'MODULE_PATHNAME', 'stored_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION rfm_population_recv(internal)
RETURNS rfm_population
AS 'MODULE_PATHNAME', 'rfm_population_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION rfm_population_send(rfm_population)
RETURNS bytea
AS 'MODULE_PATHNAME', 'stored_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE rfm_population (
    INPUT = rfm_population_in,
    OUTPUT = rfm_population_out,
    RECEIVE = rfm_population_recv,
    SEND = rfm_population_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE rfm_population IS
'every customer''s rfm state at one as_of in one value (the rfm_population aggregate); read with rfm_segments and rfm_breaks';
COMMENT ON FUNCTION rfm_population_in(cstring) IS 'rfm_population input function: the hexadecimal text form, checked';
COMMENT ON FUNCTION rfm_population_out(rfm_population) IS 'rfm_population output function: the hexadecimal text form';
COMMENT ON FUNCTION rfm_population_recv(internal) IS 'rfm_population binary input function, checked';
COMMENT ON FUNCTION rfm_population_send(rfm_population) IS 'rfm_population binary output function';

-- rfm_population aggregate support functions. The transition functions are
-- not STRICT: they skip rows with a NULL argument themselves and keep the
-- internal state; a population with no kept row is NULL.
CREATE FUNCTION rfm_population_trans(internal, bigint, date, numeric, date)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_population_trans_date_numeric'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION rfm_population_trans(internal, bigint, date, float8, date)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_population_trans_date_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION rfm_population_trans(internal, bigint, timestamptz, numeric, timestamptz)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_population_trans_timestamptz_numeric'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION rfm_population_trans(internal, bigint, timestamptz, float8, timestamptz)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_population_trans_timestamptz_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- not STRICT: a NULL side is a partial state with no row
CREATE FUNCTION rfm_population_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_population_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION rfm_population_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'rfm_population_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION rfm_population_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_population_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- not STRICT: a NULL state (no kept row) gives NULL
CREATE FUNCTION rfm_population_final(internal)
RETURNS rfm_population
AS 'MODULE_PATHNAME', 'rfm_population_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rfm_population_trans(internal, bigint, date, numeric, date) IS 'aggregate transition function';
COMMENT ON FUNCTION rfm_population_trans(internal, bigint, date, float8, date) IS 'aggregate transition function';
COMMENT ON FUNCTION rfm_population_trans(internal, bigint, timestamptz, numeric, timestamptz) IS 'aggregate transition function';
COMMENT ON FUNCTION rfm_population_trans(internal, bigint, timestamptz, float8, timestamptz) IS 'aggregate transition function';
COMMENT ON FUNCTION rfm_population_combine(internal, internal) IS 'aggregate combine function';
COMMENT ON FUNCTION rfm_population_serialize(internal) IS 'aggregate serial function';
COMMENT ON FUNCTION rfm_population_deserialize(bytea, internal) IS 'aggregate deserial function';
COMMENT ON FUNCTION rfm_population_final(internal) IS 'aggregate final function';

CREATE AGGREGATE rfm_population(customer_id bigint, order_at date, amount numeric, as_of date) (
    SFUNC = rfm_population_trans, STYPE = internal,
    FINALFUNC = rfm_population_final, COMBINEFUNC = rfm_population_combine,
    SERIALFUNC = rfm_population_serialize, DESERIALFUNC = rfm_population_deserialize,
    PARALLEL = SAFE);

CREATE AGGREGATE rfm_population(customer_id bigint, order_at date, amount float8, as_of date) (
    SFUNC = rfm_population_trans, STYPE = internal,
    FINALFUNC = rfm_population_final, COMBINEFUNC = rfm_population_combine,
    SERIALFUNC = rfm_population_serialize, DESERIALFUNC = rfm_population_deserialize,
    PARALLEL = SAFE);

CREATE AGGREGATE rfm_population(customer_id bigint, order_at timestamptz, amount numeric, as_of timestamptz) (
    SFUNC = rfm_population_trans, STYPE = internal,
    FINALFUNC = rfm_population_final, COMBINEFUNC = rfm_population_combine,
    SERIALFUNC = rfm_population_serialize, DESERIALFUNC = rfm_population_deserialize,
    PARALLEL = SAFE);

CREATE AGGREGATE rfm_population(customer_id bigint, order_at timestamptz, amount float8, as_of timestamptz) (
    SFUNC = rfm_population_trans, STYPE = internal,
    FINALFUNC = rfm_population_final, COMBINEFUNC = rfm_population_combine,
    SERIALFUNC = rfm_population_serialize, DESERIALFUNC = rfm_population_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE rfm_population(bigint, date, numeric, date) IS
'every customer''s rfm as of as_of in one pass with its own hash of customers, exact numeric sums; read with rfm_segments';
COMMENT ON AGGREGATE rfm_population(bigint, date, float8, date) IS
'every customer''s rfm as of as_of in one pass with its own hash of customers, exact float8 sums; read with rfm_segments';
COMMENT ON AGGREGATE rfm_population(bigint, timestamptz, numeric, timestamptz) IS
'every customer''s rfm as of as_of (24-hour days) in one pass with its own hash of customers, exact numeric sums; read with rfm_segments';
COMMENT ON AGGREGATE rfm_population(bigint, timestamptz, float8, timestamptz) IS
'every customer''s rfm as of as_of (24-hour days) in one pass with its own hash of customers, exact float8 sums; read with rfm_segments';

-- not STRICT: a NULL population gives no row, NULL rules mean the default
-- map, a NULL bins is an error (as in rfm_score)
CREATE FUNCTION rfm_segments(population rfm_population, bins integer DEFAULT 5, rules jsonb DEFAULT NULL,
                             OUT customer_id bigint, OUT recency_days integer, OUT frequency bigint,
                             OUT monetary numeric, OUT tenure_days integer, OUT r integer, OUT f integer,
                             OUT m integer, OUT code text, OUT segment text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'rfm_segments'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rfm_segments(rfm_population, integer, jsonb) IS
'every customer of a population with rfm, window scores over the population and segment: exactly rfm + rfm_score() OVER () + segment() over the same orders';

CREATE FUNCTION rfm_breaks(population rfm_population, bins integer DEFAULT 5)
RETURNS rfm_breaks
AS 'MODULE_PATHNAME', 'rfm_breaks_population'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION rfm_breaks(rfm_population, integer) IS
'the cut values of the window rfm_score of a population''s customers, as the rfm_breaks aggregate gives them';

-- rfm_population_text: the population of text customer ids (doc/rfm.md)

CREATE TYPE rfm_population_text;

CREATE FUNCTION rfm_population_text_in(cstring)
RETURNS rfm_population_text
AS 'MODULE_PATHNAME', 'rfm_population_text_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION rfm_population_text_out(rfm_population_text)
RETURNS cstring
AS 'MODULE_PATHNAME', 'stored_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION rfm_population_text_recv(internal)
RETURNS rfm_population_text
AS 'MODULE_PATHNAME', 'rfm_population_text_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION rfm_population_text_send(rfm_population_text)
RETURNS bytea
AS 'MODULE_PATHNAME', 'stored_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE rfm_population_text (
    INPUT = rfm_population_text_in,
    OUTPUT = rfm_population_text_out,
    RECEIVE = rfm_population_text_recv,
    SEND = rfm_population_text_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE rfm_population_text IS
'every customer''s rfm state at one as_of in one value, customers by text id (the rfm_population aggregate of text ids); read with rfm_segments and rfm_breaks';
COMMENT ON FUNCTION rfm_population_text_in(cstring) IS 'rfm_population_text input function: the hexadecimal text form, checked';
COMMENT ON FUNCTION rfm_population_text_out(rfm_population_text) IS 'rfm_population_text output function: the hexadecimal text form';
COMMENT ON FUNCTION rfm_population_text_recv(internal) IS 'rfm_population_text binary input function, checked';
COMMENT ON FUNCTION rfm_population_text_send(rfm_population_text) IS 'rfm_population_text binary output function';

-- the transition functions of text ids, not STRICT as the bigint ones; the
-- combine function is rfm_population_combine
CREATE FUNCTION rfm_population_trans(internal, text, date, numeric, date)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_population_text_trans_date_numeric'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION rfm_population_trans(internal, text, date, float8, date)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_population_text_trans_date_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION rfm_population_trans(internal, text, timestamptz, numeric, timestamptz)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_population_text_trans_timestamptz_numeric'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION rfm_population_trans(internal, text, timestamptz, float8, timestamptz)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_population_text_trans_timestamptz_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION rfm_population_text_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'rfm_population_text_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION rfm_population_text_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_population_text_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- not STRICT: a NULL state (no kept row) gives NULL
CREATE FUNCTION rfm_population_text_final(internal)
RETURNS rfm_population_text
AS 'MODULE_PATHNAME', 'rfm_population_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rfm_population_trans(internal, text, date, numeric, date) IS 'aggregate transition function';
COMMENT ON FUNCTION rfm_population_trans(internal, text, date, float8, date) IS 'aggregate transition function';
COMMENT ON FUNCTION rfm_population_trans(internal, text, timestamptz, numeric, timestamptz) IS 'aggregate transition function';
COMMENT ON FUNCTION rfm_population_trans(internal, text, timestamptz, float8, timestamptz) IS 'aggregate transition function';
COMMENT ON FUNCTION rfm_population_text_serialize(internal) IS 'aggregate serial function';
COMMENT ON FUNCTION rfm_population_text_deserialize(bytea, internal) IS 'aggregate deserial function';
COMMENT ON FUNCTION rfm_population_text_final(internal) IS 'aggregate final function';

CREATE AGGREGATE rfm_population(customer_id text, order_at date, amount numeric, as_of date) (
    SFUNC = rfm_population_trans, STYPE = internal,
    FINALFUNC = rfm_population_text_final, COMBINEFUNC = rfm_population_combine,
    SERIALFUNC = rfm_population_text_serialize, DESERIALFUNC = rfm_population_text_deserialize,
    PARALLEL = SAFE);

CREATE AGGREGATE rfm_population(customer_id text, order_at date, amount float8, as_of date) (
    SFUNC = rfm_population_trans, STYPE = internal,
    FINALFUNC = rfm_population_text_final, COMBINEFUNC = rfm_population_combine,
    SERIALFUNC = rfm_population_text_serialize, DESERIALFUNC = rfm_population_text_deserialize,
    PARALLEL = SAFE);

CREATE AGGREGATE rfm_population(customer_id text, order_at timestamptz, amount numeric, as_of timestamptz) (
    SFUNC = rfm_population_trans, STYPE = internal,
    FINALFUNC = rfm_population_text_final, COMBINEFUNC = rfm_population_combine,
    SERIALFUNC = rfm_population_text_serialize, DESERIALFUNC = rfm_population_text_deserialize,
    PARALLEL = SAFE);

CREATE AGGREGATE rfm_population(customer_id text, order_at timestamptz, amount float8, as_of timestamptz) (
    SFUNC = rfm_population_trans, STYPE = internal,
    FINALFUNC = rfm_population_text_final, COMBINEFUNC = rfm_population_combine,
    SERIALFUNC = rfm_population_text_serialize, DESERIALFUNC = rfm_population_text_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE rfm_population(text, date, numeric, date) IS
'every customer''s rfm as of as_of in one pass with its own hash of text ids (compared exactly), exact numeric sums; read with rfm_segments';
COMMENT ON AGGREGATE rfm_population(text, date, float8, date) IS
'every customer''s rfm as of as_of in one pass with its own hash of text ids (compared exactly), exact float8 sums; read with rfm_segments';
COMMENT ON AGGREGATE rfm_population(text, timestamptz, numeric, timestamptz) IS
'every customer''s rfm as of as_of (24-hour days) in one pass with its own hash of text ids (compared exactly), exact numeric sums; read with rfm_segments';
COMMENT ON AGGREGATE rfm_population(text, timestamptz, float8, timestamptz) IS
'every customer''s rfm as of as_of (24-hour days) in one pass with its own hash of text ids (compared exactly), exact float8 sums; read with rfm_segments';

-- not STRICT, as rfm_segments(rfm_population, ...)
CREATE FUNCTION rfm_segments(population rfm_population_text, bins integer DEFAULT 5, rules jsonb DEFAULT NULL,
                             OUT customer_id text, OUT recency_days integer, OUT frequency bigint,
                             OUT monetary numeric, OUT tenure_days integer, OUT r integer, OUT f integer,
                             OUT m integer, OUT code text, OUT segment text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'rfm_segments_text'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rfm_segments(rfm_population_text, integer, jsonb) IS
'every customer of a population of text ids (in byte order) with rfm, window scores over the population and segment: exactly rfm + rfm_score() OVER () + segment() over the same orders';

CREATE FUNCTION rfm_breaks(population rfm_population_text, bins integer DEFAULT 5)
RETURNS rfm_breaks
AS 'MODULE_PATHNAME', 'rfm_breaks_population_text'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION rfm_breaks(rfm_population_text, integer) IS
'the cut values of the window rfm_score of a population''s customers (text ids), as the rfm_breaks aggregate gives them';

-- end of section 10

-- btyd_population: every customer's btyd_summary in one value (DESIGN
-- section 10, doc/clv.md), btyd_table to list it, and the fits from it

CREATE TYPE btyd_population;

CREATE FUNCTION btyd_population_in(cstring)
RETURNS btyd_population
AS 'MODULE_PATHNAME', 'btyd_population_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION btyd_population_out(btyd_population)
RETURNS cstring
AS 'MODULE_PATHNAME', 'stored_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION btyd_population_recv(internal)
RETURNS btyd_population
AS 'MODULE_PATHNAME', 'btyd_population_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION btyd_population_send(btyd_population)
RETURNS bytea
AS 'MODULE_PATHNAME', 'stored_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE btyd_population (
    INPUT = btyd_population_in,
    OUTPUT = btyd_population_out,
    RECEIVE = btyd_population_recv,
    SEND = btyd_population_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE btyd_population IS
'every customer''s btyd_summary at one as_of and unit in one value (the btyd_population aggregate); read with btyd_table or fit with bgnbd_fit, mbgnbd_fit, pareto_nbd_fit, gamma_gamma_fit';
COMMENT ON FUNCTION btyd_population_in(cstring) IS 'btyd_population input function: the hexadecimal text form, checked';
COMMENT ON FUNCTION btyd_population_out(btyd_population) IS 'btyd_population output function: the hexadecimal text form';
COMMENT ON FUNCTION btyd_population_recv(internal) IS 'btyd_population binary input function, checked';
COMMENT ON FUNCTION btyd_population_send(btyd_population) IS 'btyd_population binary output function';

-- btyd_population aggregate support functions. The transition functions are
-- not STRICT: they skip rows with a NULL argument themselves and keep the
-- internal state; a population with no kept row is NULL.
CREATE FUNCTION btyd_population_trans(internal, bigint, date, numeric, date, time_unit)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_population_trans_date_numeric'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION btyd_population_trans(internal, bigint, date, float8, date, time_unit)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_population_trans_date_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION btyd_population_trans(internal, bigint, timestamptz, numeric, timestamptz, time_unit)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_population_trans_timestamptz_numeric'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION btyd_population_trans(internal, bigint, timestamptz, float8, timestamptz, time_unit)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_population_trans_timestamptz_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- not STRICT: a NULL side is a partial state with no row
CREATE FUNCTION btyd_population_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_population_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION btyd_population_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'btyd_population_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION btyd_population_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_population_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- not STRICT: a NULL state (no kept row) gives NULL
CREATE FUNCTION btyd_population_final(internal)
RETURNS btyd_population
AS 'MODULE_PATHNAME', 'btyd_population_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION btyd_population_trans(internal, bigint, date, numeric, date, time_unit) IS 'aggregate transition function';
COMMENT ON FUNCTION btyd_population_trans(internal, bigint, date, float8, date, time_unit) IS 'aggregate transition function';
COMMENT ON FUNCTION btyd_population_trans(internal, bigint, timestamptz, numeric, timestamptz, time_unit) IS 'aggregate transition function';
COMMENT ON FUNCTION btyd_population_trans(internal, bigint, timestamptz, float8, timestamptz, time_unit) IS 'aggregate transition function';
COMMENT ON FUNCTION btyd_population_combine(internal, internal) IS 'aggregate combine function';
COMMENT ON FUNCTION btyd_population_serialize(internal) IS 'aggregate serial function';
COMMENT ON FUNCTION btyd_population_deserialize(bytea, internal) IS 'aggregate deserial function';
COMMENT ON FUNCTION btyd_population_final(internal) IS 'aggregate final function';

CREATE AGGREGATE btyd_population(customer_id bigint, order_at date, amount numeric, as_of date, unit time_unit) (
    SFUNC = btyd_population_trans, STYPE = internal,
    FINALFUNC = btyd_population_final, COMBINEFUNC = btyd_population_combine,
    SERIALFUNC = btyd_population_serialize, DESERIALFUNC = btyd_population_deserialize,
    PARALLEL = SAFE);

CREATE AGGREGATE btyd_population(customer_id bigint, order_at date, amount float8, as_of date, unit time_unit) (
    SFUNC = btyd_population_trans, STYPE = internal,
    FINALFUNC = btyd_population_final, COMBINEFUNC = btyd_population_combine,
    SERIALFUNC = btyd_population_serialize, DESERIALFUNC = btyd_population_deserialize,
    PARALLEL = SAFE);

CREATE AGGREGATE btyd_population(customer_id bigint, order_at timestamptz, amount numeric, as_of timestamptz, unit time_unit) (
    SFUNC = btyd_population_trans, STYPE = internal,
    FINALFUNC = btyd_population_final, COMBINEFUNC = btyd_population_combine,
    SERIALFUNC = btyd_population_serialize, DESERIALFUNC = btyd_population_deserialize,
    PARALLEL = SAFE);

CREATE AGGREGATE btyd_population(customer_id bigint, order_at timestamptz, amount float8, as_of timestamptz, unit time_unit) (
    SFUNC = btyd_population_trans, STYPE = internal,
    FINALFUNC = btyd_population_final, COMBINEFUNC = btyd_population_combine,
    SERIALFUNC = btyd_population_serialize, DESERIALFUNC = btyd_population_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE btyd_population(bigint, date, numeric, date, time_unit) IS
'every customer''s btyd_summary as of as_of in one pass with its own hash of customers (same-day orders merge); read with btyd_table, fit with bgnbd_fit(btyd_population) and the other fits';
COMMENT ON AGGREGATE btyd_population(bigint, date, float8, date, time_unit) IS
'every customer''s btyd_summary as of as_of in one pass with its own hash of customers (same-day orders merge); read with btyd_table, fit with bgnbd_fit(btyd_population) and the other fits';
COMMENT ON AGGREGATE btyd_population(bigint, timestamptz, numeric, timestamptz, time_unit) IS
'every customer''s btyd_summary as of as_of (24-hour days back from as_of) in one pass with its own hash of customers; read with btyd_table, fit with bgnbd_fit(btyd_population) and the other fits';
COMMENT ON AGGREGATE btyd_population(bigint, timestamptz, float8, timestamptz, time_unit) IS
'every customer''s btyd_summary as of as_of (24-hour days back from as_of) in one pass with its own hash of customers; read with btyd_table, fit with bgnbd_fit(btyd_population) and the other fits';

CREATE FUNCTION btyd_table(population btyd_population,
                           OUT customer_id bigint, OUT frequency integer, OUT recency float8,
                           OUT t float8, OUT monetary_value float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'btyd_table'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_table(btyd_population) IS
'every customer of a population with its btyd_summary, by increasing customer_id: exactly btyd_summary(...) GROUP BY customer_id over the same orders';

CREATE FUNCTION bgnbd_fit(population btyd_population)
RETURNS bgnbd
AS 'MODULE_PATHNAME', 'bgnbd_fit_population'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mbgnbd_fit(population btyd_population)
RETURNS mbgnbd
AS 'MODULE_PATHNAME', 'mbgnbd_fit_population'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION pareto_nbd_fit(population btyd_population)
RETURNS pareto_nbd
AS 'MODULE_PATHNAME', 'pareto_nbd_fit_population'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION gamma_gamma_fit(population btyd_population)
RETURNS gamma_gamma
AS 'MODULE_PATHNAME', 'gamma_gamma_fit_population'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit(btyd_population) IS
'BG/NBD fitted to a population''s customers: exactly bgnbd_fit(frequency, recency, t) over btyd_table(population)';
COMMENT ON FUNCTION mbgnbd_fit(btyd_population) IS
'MBG/NBD fitted to a population''s customers: exactly mbgnbd_fit(frequency, recency, t) over btyd_table(population)';
COMMENT ON FUNCTION pareto_nbd_fit(btyd_population) IS
'Pareto/NBD fitted to a population''s customers: exactly pareto_nbd_fit(frequency, recency, t) over btyd_table(population)';
COMMENT ON FUNCTION gamma_gamma_fit(btyd_population) IS
'Gamma-Gamma fitted to a population''s repeat customers with positive monetary_value: exactly gamma_gamma_fit(frequency, monetary_value) over those rows of btyd_table(population)';

CREATE FUNCTION bgnbd_tracking(model bgnbd, population btyd_population, start date, periods integer)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'bgnbd_tracking_population'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION pareto_nbd_tracking(model pareto_nbd, population btyd_population, start date, periods integer)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'pareto_nbd_tracking_population'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mbgnbd_tracking(model mbgnbd, population btyd_population, start date, periods integer)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'mbgnbd_tracking_population'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_tracking(bgnbd, btyd_population, date, integer) IS
'expected cumulative repeat purchases of a population of date orders at start + k units (its unit), k = 1 .. periods: the bgnbd_tracking aggregate over its customers'' first purchases';
COMMENT ON FUNCTION pareto_nbd_tracking(pareto_nbd, btyd_population, date, integer) IS
'expected cumulative repeat purchases of a population of date orders at start + k units (its unit), k = 1 .. periods: the pareto_nbd_tracking aggregate over its customers'' first purchases';
COMMENT ON FUNCTION mbgnbd_tracking(mbgnbd, btyd_population, date, integer) IS
'expected cumulative repeat purchases of a population of date orders at start + k units (its unit), k = 1 .. periods: the mbgnbd_tracking aggregate over its customers'' first purchases';

-- end of section 10b
