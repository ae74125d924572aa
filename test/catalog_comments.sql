--
-- COMMENT ON texts as a BI tool shows them (a tooltip, a function browser):
-- every function, aggregate and type of the extension has a one-line
-- description (no line break or tab, at most 250 characters, no final
-- period, as PostgreSQL's own descriptions; an ellipsis may end one), and
-- aggregate support functions start with the wording of PostgreSQL's own
-- (obj_description('numeric_avg_serialize'::regproc) is
-- 'aggregate serial function'), optionally followed by ' of ...'.
--
BEGIN;
SELECT plan(4);

CREATE TEMP TABLE ours AS
SELECT d.classid, d.objid, pg_describe_object(d.classid, d.objid, 0) AS object,
       obj_description(d.objid, CASE d.classid WHEN 'pg_proc'::regclass THEN 'pg_proc' ELSE 'pg_type' END) AS comment
FROM pg_depend AS d
WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'retention')
  AND d.classid IN ('pg_proc'::regclass, 'pg_type'::regclass)
  -- the array type made with each type (a member too since PostgreSQL 17)
  AND NOT EXISTS (SELECT 1 FROM pg_type AS e WHERE d.classid = 'pg_type'::regclass AND e.typarray = d.objid);

SELECT cmp_ok((SELECT count(*) FROM ours), '>', 100::bigint, 'the extension''s functions and types are found');

SELECT is_empty($$SELECT object FROM ours WHERE comment IS NULL OR comment = ''$$,
                'every function, aggregate and type has a description');

SELECT is_empty($$SELECT object, comment FROM ours
                  WHERE comment ~ '[\n\r\t]' OR length(comment) > 250 OR comment ~ '[^.]\.$' OR comment ~ '^\s|\s$'$$,
                'every description is one line of at most 250 characters without a final period');

SELECT is_empty($$
    SELECT DISTINCT o.object, o.comment
    FROM ours AS o
    JOIN (SELECT aggtransfn AS fn, 'aggregate transition function' AS want FROM pg_aggregate
          UNION ALL SELECT aggcombinefn, 'aggregate combine function' FROM pg_aggregate
          UNION ALL SELECT aggserialfn, 'aggregate serial function' FROM pg_aggregate
          UNION ALL SELECT aggdeserialfn, 'aggregate deserial function' FROM pg_aggregate
          UNION ALL SELECT aggfinalfn, 'aggregate final function' FROM pg_aggregate) AS s
      ON o.classid = 'pg_proc'::regclass AND o.objid = s.fn::oid
    WHERE o.comment IS DISTINCT FROM s.want AND o.comment NOT LIKE s.want || ' of %'$$,
    'aggregate support functions are described in PostgreSQL''s own words');

SELECT * FROM finish();
ROLLBACK;
