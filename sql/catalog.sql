--
-- catalog: what \dx+ shows is clean. Every function, aggregate and type of
-- the extension has a COMMENT, every function is PARALLEL SAFE with the
-- intended volatility (IMMUTABLE unless listed as STABLE below), every
-- aggregate has a combine function and, for internal state, serialize and
-- deserialize functions; the control file and the installed version agree.
-- Each query lists offenders and must return zero rows.
--
CREATE TEMP VIEW extension_functions AS
SELECT p.oid, p.oid::regprocedure::text AS func, p.prokind, p.provolatile, p.proparallel
FROM pg_depend AS d
JOIN pg_proc AS p ON p.oid = d.objid
WHERE d.classid = 'pg_proc'::regclass
  AND d.refclassid = 'pg_extension'::regclass
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'retention')
  AND d.deptype = 'e';

-- functions that read current_date or the session's TimeZone (STABLE)
CREATE TEMP TABLE stable_functions (func text);
-- cohort_retention over timestamptz: periods of the session TimeZone
INSERT INTO stable_functions VALUES
    ('cohort_retention_trans(internal,bigint,timestamptz,time_unit)'::regprocedure::text),
    ('cohort_retention_trans(internal,bigint,timestamptz,time_unit,numeric)'::regprocedure::text),
    ('cohort_retention_trans(internal,text,timestamptz,time_unit)'::regprocedure::text),
    ('cohort_retention_trans(internal,text,timestamptz,time_unit,numeric)'::regprocedure::text);
-- rfm(order_at, amount): as_of is current_date or now(). PostgreSQL records
-- every aggregate as IMMUTABLE in pg_proc; the transition function carries it.
INSERT INTO stable_functions VALUES
    ('rfm_trans(internal,date,numeric)'),
    ('rfm_trans(internal,date,double precision)'),
    ('rfm_trans(internal,timestamp with time zone,numeric)'),
    ('rfm_trans(internal,timestamp with time zone,double precision)');

SELECT count(*) > 0 AS has_functions FROM extension_functions;

SELECT func, 'no comment' AS problem FROM extension_functions
WHERE obj_description(oid, 'pg_proc') IS NULL
UNION ALL
SELECT func, 'not parallel safe' FROM extension_functions WHERE proparallel <> 's'
UNION ALL
SELECT func, 'volatility ' || provolatile::text FROM extension_functions
WHERE provolatile <> CASE WHEN func IN (SELECT func FROM stable_functions) THEN 's' ELSE 'i' END
UNION ALL
SELECT f.func, 'aggregate without combine function' FROM extension_functions AS f
JOIN pg_aggregate AS a ON a.aggfnoid = f.oid WHERE a.aggcombinefn = 0
UNION ALL
SELECT f.func, 'internal state without serialize/deserialize' FROM extension_functions AS f
JOIN pg_aggregate AS a ON a.aggfnoid = f.oid
WHERE a.aggtranstype = 'internal'::regtype AND (a.aggserialfn = 0 OR a.aggdeserialfn = 0)
UNION ALL
SELECT t.oid::regtype::text, 'type without comment' FROM pg_depend AS d
JOIN pg_type AS t ON t.oid = d.objid
WHERE d.classid = 'pg_type'::regclass
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'retention')
  AND d.deptype = 'e' AND obj_description(t.oid, 'pg_type') IS NULL
  -- the array type made with each type (a member too since PostgreSQL 17)
  AND NOT EXISTS (SELECT 1 FROM pg_type AS e WHERE e.typarray = t.oid)
UNION ALL
SELECT s.func, 'listed as stable but missing' FROM stable_functions AS s
WHERE s.func NOT IN (SELECT func FROM extension_functions)
ORDER BY 1, 2;

-- no SECURITY DEFINER anywhere
SELECT func FROM extension_functions AS f JOIN pg_proc AS p ON p.oid = f.oid WHERE p.prosecdef;

-- the installed version is the control file's default_version
SELECT e.extversion = a.default_version AS version_matches_control
FROM pg_extension AS e JOIN pg_available_extensions AS a ON a.name = e.extname
WHERE e.extname = 'retention';
