/* retention--0.1.0--0.2.0.sql: update of the retention extension from 0.1.0 to 0.2.0 */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "ALTER EXTENSION retention UPDATE TO '0.2.0'" to load this file. \quit

-- Every change of 0.2.0 stands here and in retention--0.2.0.sql, in the
-- same commit; test/t/005_upgrade.pl checks that an updated catalog equals
-- a fresh install. Sections follow retention--0.2.0.sql.

-- 6. Model validation and uncertainty

CREATE FUNCTION bgnbd_model(r float8, alpha float8, a float8, b float8)
RETURNS bgnbd
AS 'MODULE_PATHNAME', 'bgnbd_model'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION pareto_nbd_model(r float8, alpha float8, s float8, beta float8)
RETURNS pareto_nbd
AS 'MODULE_PATHNAME', 'pareto_nbd_model'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION gamma_gamma_model(p float8, q float8, v float8)
RETURNS gamma_gamma
AS 'MODULE_PATHNAME', 'gamma_gamma_model'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION sbg_model(alpha float8, beta float8)
RETURNS sbg
AS 'MODULE_PATHNAME', 'sbg_model'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_model(float8, float8, float8, float8) IS
'a BG/NBD model with known parameters r, alpha, a, b (each a positive finite number); loglik, n and converged are NULL';
COMMENT ON FUNCTION pareto_nbd_model(float8, float8, float8, float8) IS
'a Pareto/NBD model with known parameters r, alpha, s, beta (each a positive finite number); loglik, n and converged are NULL';
COMMENT ON FUNCTION gamma_gamma_model(float8, float8, float8) IS
'a Gamma-Gamma spend model with known parameters p, q, v (each a positive finite number); loglik, n and converged are NULL';
COMMENT ON FUNCTION sbg_model(float8, float8) IS
'a shifted-beta-geometric retention model with known parameters alpha, beta (each a positive finite number); loglik and converged are NULL';

-- end of section 6
