/* retention--0.1.0--0.2.0.sql: update of the retention extension from 0.1.0 to 0.2.0 */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "ALTER EXTENSION retention UPDATE TO '0.2.0'" to load this file. \quit

-- Every change of 0.2.0 stands here and in retention--0.2.0.sql, in the
-- same commit; test/t/005_upgrade.pl checks that an updated catalog equals
-- a fresh install. Sections follow retention--0.2.0.sql.

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
