/* retention_test--0.1.sql: test-only helpers of the retention suite */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION retention_test" to load this file. \quit

CREATE FUNCTION fuzz_deserialize(agg regprocedure, rows_query text,
                                 iterations integer, seed integer,
                                 final_share float8 DEFAULT 1,
                                 OUT cases bigint, OUT accepted bigint,
                                 OUT rejected bigint, OUT round_trip boolean,
                                 OUT state_bytes integer, OUT reject_sqlstates text[],
                                 OUT later_errors bigint, OUT later_sqlstates text[],
                                 OUT internal_errors text[], OUT finalized bigint,
                                 OUT bytes_identical boolean)
RETURNS record
AS 'MODULE_PATHNAME', 'fuzz_deserialize'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;  -- runs subtransactions and a query

COMMENT ON FUNCTION fuzz_deserialize(regprocedure, text, integer, integer, float8) IS
'builds the internal state of an aggregate over the rows of a query, checks the serialize/deserialize round trip, then feeds mutated bytes (truncations, bit flips, length fields, version bytes, LCG-random edits) to its deserialize function, and combines every accepted one and finalizes a share of them';

CREATE FUNCTION state_bytes(agg regprocedure, rows_query text)
RETURNS bytea
AS 'MODULE_PATHNAME', 'state_bytes'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;  -- runs a query

CREATE FUNCTION deserialize_final(agg regprocedure, state bytea)
RETURNS text
AS 'MODULE_PATHNAME', 'deserialize_final'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;  -- test helper, no planner assumptions

COMMENT ON FUNCTION state_bytes(regprocedure, text) IS
'the serialized internal state of an aggregate over the rows of a query';
COMMENT ON FUNCTION deserialize_final(regprocedure, bytea) IS
'deserializes a state, combines it into an empty one and returns the final result as text';

CREATE FUNCTION population_size_check(have bigint, more bigint, customers bigint)
RETURNS boolean
AS 'MODULE_PATHNAME', 'population_size_check'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;  -- test helper, no planner assumptions

COMMENT ON FUNCTION population_size_check(bigint, bigint, bigint) IS
'calls retention''s check of the 1 GB limit of an rfm_population value: true when a value of have bytes may take more bytes, its 54000 error otherwise';

CREATE FUNCTION text_population_size_check(have bigint, more bigint, customers bigint)
RETURNS boolean
AS 'MODULE_PATHNAME', 'text_population_size_check'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;  -- test helper, no planner assumptions

COMMENT ON FUNCTION text_population_size_check(bigint, bigint, bigint) IS
'calls retention''s check of the 1 GB limit of an rfm_population_text value: true when a value of have bytes may take more bytes, its 54000 error otherwise';

CREATE FUNCTION btyd_population_size_check(have bigint, more bigint, customers bigint)
RETURNS boolean
AS 'MODULE_PATHNAME', 'btyd_population_size_check'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;  -- test helper, no planner assumptions

COMMENT ON FUNCTION btyd_population_size_check(bigint, bigint, bigint) IS
'calls retention''s check of the 1 GB limit of a btyd_population value: true when a value of have bytes may take more bytes, its 54000 error otherwise';

CREATE FUNCTION pareto_nbd_loglik_gradient(params float8[], x float8[], tx float8[], t float8[],
                                           weight float8[], with_gradient boolean)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'pareto_nbd_loglik_gradient'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;  -- test helper, no planner assumptions

COMMENT ON FUNCTION pareto_nbd_loglik_gradient(float8[], float8[], float8[], float8[], float8[], boolean) IS
'calls retention''s Pareto/NBD fit log-likelihood of the rows (x, tx, t, weight) at params (r, alpha, s, beta): the value, then its gradient when with_gradient; NULL when it cannot be evaluated';
