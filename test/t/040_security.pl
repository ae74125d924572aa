# Security of the install script and of the functions (doc/reliability.md,
# "Security review"): a hostile schema first in search_path, holding
# functions, operators and types named like those the script and our
# functions use, changes neither what CREATE EXTENSION creates (a catalog
# fingerprint equal to a clean install's), also when installed into that
# schema, nor what the functions compute. The extension is trusted: a
# database owner who is not a superuser installs it, cannot build an internal-state aggregate out of
# its support functions (type confusion), and cannot call a function with
# an internal argument directly.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('security');
$node->init;
$node->start;

# Every member object of the extension with what it refers to, all names
# printed schema-qualified (search_path = pg_catalog), the extension's own
# schema written as @extschema@.
my $fingerprint = <<'SQL';
SET search_path = pg_catalog;
WITH ext AS (SELECT oid, extnamespace FROM pg_extension WHERE extname = 'retention'),
members AS (
    SELECT d.classid, d.objid FROM pg_depend AS d, ext
    WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'),
facts AS (
    SELECT pg_describe_object(m.classid, m.objid, 0) AS object,
           concat_ws(' | ',
               (SELECT concat_ws(' ', p.prorettype::regtype, p.proargtypes::regtype[]::text, p.prosrc,
                                 p.probin, p.provolatile, p.proisstrict, p.proparallel, p.prosecdef,
                                 pg_get_expr(p.proargdefaults, 0))
                FROM pg_proc AS p WHERE m.classid = 'pg_proc'::regclass AND p.oid = m.objid),
               (SELECT concat_ws(' ', a.aggtransfn::regprocedure, a.aggfinalfn::regprocedure,
                                 a.aggcombinefn::regprocedure, a.aggserialfn::regprocedure,
                                 a.aggdeserialfn::regprocedure, a.aggtranstype::regtype, a.aggfinalmodify,
                                 a.aggtransspace, a.agginitval)
                FROM pg_aggregate AS a WHERE m.classid = 'pg_proc'::regclass AND a.aggfnoid = m.objid),
               (SELECT concat_ws(' ', t.typinput::regprocedure, t.typoutput::regprocedure,
                                 t.typreceive::regprocedure, t.typsend::regprocedure, t.typlen,
                                 t.typalign, t.typstorage, t.typrelid::regclass)
                FROM pg_type AS t WHERE m.classid = 'pg_type'::regclass AND t.oid = m.objid),
               (SELECT concat_ws(' ', c.castsource::regtype, c.casttarget::regtype, c.castfunc,
                                 c.castcontext, c.castmethod)
                FROM pg_cast AS c WHERE m.classid = 'pg_cast'::regclass AND c.oid = m.objid)) AS refers
    FROM members AS m),
lines AS (
    SELECT replace(object || ' ' || refers, (SELECT extnamespace::regnamespace::text || '.' FROM ext),
                   '@extschema@.') AS line
    FROM facts)
SELECT count(*) || ' objects ' || md5(string_agg(line, E'\n' ORDER BY line)) FROM lines;
SQL

# A clean install.
$node->safe_psql('postgres', 'CREATE DATABASE clean');
$node->safe_psql('clean', 'CREATE EXTENSION retention');
my $clean = $node->safe_psql('clean', $fingerprint);
like($clean, qr/^\d+ objects /, "a clean install: $clean");

# Hostile objects: overloads and look-alikes of what the script names
# (types, support and I/O functions, casts' functions, operators used by
# defaults), created by a role that is not a superuser.
my $plants = <<'SQL';
CREATE SCHEMA evil;
CREATE FUNCTION evil.float8(integer) RETURNS float8 LANGUAGE sql AS 'SELECT 666::float8';
CREATE FUNCTION evil.int8(integer) RETURNS bigint LANGUAGE sql AS 'SELECT 666::bigint';
CREATE FUNCTION evil.numeric(integer) RETURNS numeric LANGUAGE sql AS 'SELECT 666::numeric';
CREATE FUNCTION evil.bad_eq(integer, integer) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR evil.= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = evil.bad_eq);
CREATE FUNCTION evil.bad_minus(date, date) RETURNS integer LANGUAGE sql AS 'SELECT 666';
CREATE OPERATOR evil.- (LEFTARG = date, RIGHTARG = date, FUNCTION = evil.bad_minus);
CREATE FUNCTION evil.segment(smallint, smallint) RETURNS text LANGUAGE sql AS $$SELECT 'owned'$$;
CREATE FUNCTION evil.retention_rate(integer, integer, integer) RETURNS float8 LANGUAGE sql AS 'SELECT 666::float8';
CREATE FUNCTION evil.cohort_matrix_out(anyelement) RETURNS text LANGUAGE sql AS $$SELECT 'owned'$$;
CREATE FUNCTION evil.cohort_retention_final(anyelement) RETURNS text LANGUAGE sql AS $$SELECT 'owned'$$;
CREATE FUNCTION evil.btyd_summary_final(anyelement) RETURNS text LANGUAGE sql AS $$SELECT 'owned'$$;
CREATE FUNCTION evil.time_unit_label(anyelement) RETURNS text LANGUAGE sql AS $$SELECT 'owned'$$;
CREATE TYPE evil.int4 AS (x integer);
CREATE TYPE evil.float8 AS (x integer);
CREATE DOMAIN evil.date AS pg_catalog.date CHECK (VALUE > '3000-01-01');
SQL

$node->safe_psql('postgres', 'CREATE ROLE mallory LOGIN; CREATE DATABASE hostile OWNER mallory');
$node->safe_psql('hostile', $plants, extra_params => [ '-U', 'mallory' ]);

# The superuser installs into public with the hostile schema first.
$node->safe_psql('hostile', "SET search_path = evil, public, pg_catalog; CREATE EXTENSION retention SCHEMA public");
is($node->safe_psql('hostile', $fingerprint), $clean,
	'with a hostile schema first in search_path, CREATE EXTENSION creates what a clean install creates');

# What the functions compute: the same with and without the hostile
# schema first. The calls are qualified and typed exactly, as the docs
# advise under a hostile path (a plain date literal would resolve to
# evil.date): what is shown is that nothing inside our functions (defaults,
# result types, time_unit labels) is looked up through search_path.
my $computations = <<'SQL';
SELECT public.retention_rate(150::bigint, 200::bigint, 80::bigint),
       public.cltv(100::double precision, 0.1::double precision),
       public.cltv(100::double precision, 0.1::double precision, 0.05::double precision, 0.5::double precision, 12::integer),
       public.payback_periods(500::double precision, 60::double precision, 0.05::double precision),
       public.segment(5::integer, 5::integer), public.segment(1::integer, 1::integer, 1::integer);
SELECT public.rfm(d, a, pg_catalog.date '2024-03-01') FROM (VALUES (pg_catalog.date '2024-01-05', 10.5), (pg_catalog.date '2024-02-10', 20.25)) AS o(d, a);
SELECT public.btyd_summary(d, a, pg_catalog.date '2024-03-01', 'week'::public.time_unit) FROM (VALUES (pg_catalog.date '2024-01-05', 10.5), (pg_catalog.date '2024-02-10', 20.25)) AS o(d, a);
SELECT public.cohort_table(public.cohort_retention(c::bigint, d, 'month'::public.time_unit))
FROM (VALUES (1, pg_catalog.date '2024-01-05'), (1, pg_catalog.date '2024-02-10'), (2, pg_catalog.date '2024-02-11')) AS o(c, d);
SQL
my $plain = $node->safe_psql('hostile', "SET search_path = public, pg_catalog;\n$computations");
my $under_attack = $node->safe_psql('hostile', "SET search_path = evil, public, pg_catalog;\n$computations",
	extra_params => [ '-U', 'mallory' ]);
is($under_attack, $plain, 'our functions compute the same with a hostile schema first in search_path');
unlike($plain, qr/666|owned/, 'and no hostile object answered');

# Installing into the hostile schema itself: the look-alikes sit in the
# script's own first schema, and still nothing of ours refers to them (a
# non-superuser cannot plant what could capture a type I/O or aggregate
# support lookup: SQL functions take neither cstring nor internal).
$node->safe_psql('postgres', 'CREATE DATABASE trap OWNER mallory');
$node->safe_psql('trap', $plants, extra_params => [ '-U', 'mallory' ]);
my ($rc, $out, $err) = $node->psql('trap',
	q{CREATE FUNCTION evil.cohort_matrix_in(cstring, oid, integer) RETURNS evil.int4 LANGUAGE sql AS 'SELECT NULL::evil.int4'},
	extra_params => [ '-U', 'mallory' ]);
like($err, qr/SQL functions cannot have arguments of type cstring/,
	'a non-superuser cannot plant a type input function look-alike');
$node->safe_psql('trap', 'CREATE EXTENSION retention SCHEMA evil');
is($node->safe_psql('trap', $fingerprint), $clean,
	'installed into the schema holding the look-alikes, it creates what a clean install creates');

# trusted = true: the database owner mallory, not a superuser, installs it.
$node->safe_psql('postgres', 'CREATE DATABASE owned OWNER mallory');
($rc, $out, $err) = $node->psql('owned', 'CREATE EXTENSION retention', extra_params => [ '-U', 'mallory' ]);
is($rc, 0, 'a database owner who is not a superuser can CREATE EXTENSION retention (trusted)');
is($node->safe_psql('owned', $fingerprint), $clean, 'and gets the same objects');

# Only superusers can make an aggregate with internal state, so a
# non-superuser cannot pair one aggregate's state with another's final
# function.
($rc, $out, $err) = $node->psql('owned',
	"CREATE AGGREGATE mixed(bigint, date, time_unit) (SFUNC = cohort_retention_trans, STYPE = internal, FINALFUNC = btyd_summary_final)",
	extra_params => [ '-U', 'mallory' ]);
like($err, qr/aggregate transition data type cannot be internal/,
	'a non-superuser cannot build an internal-state aggregate from our support functions');

# Functions with an internal argument cannot be called from SQL at all
# (nothing converts to internal), so forged states reach deserialize only
# through an aggregate: every direct call by mallory, with NULL::internal
# and valid other arguments, is refused before it runs.
my @calls = split /\n/, $node->safe_psql('owned', <<'SQL');
SELECT format('SELECT %s(%s);', p.oid::regproc,
              string_agg(CASE WHEN t = 'internal'::regtype THEN 'NULL::internal'
                              ELSE format('%L::%s', CASE t::regtype::text
                                  WHEN 'bigint' THEN '1' WHEN 'integer' THEN '5' WHEN 'numeric' THEN '1.5'
                                  WHEN 'double precision' THEN '1.5' WHEN 'date' THEN '2024-01-01'
                                  WHEN 'timestamp with time zone' THEN '2024-01-01 00:00+00'
                                  WHEN 'time_unit' THEN 'day' WHEN 'bytea' THEN '\x01'
                                  WHEN 'daterange' THEN '[2024-01-01,2024-02-01)'
                                  WHEN 'tstzrange' THEN '[2024-01-01,2024-02-01)' ELSE 'x' END, t::regtype) END,
                         ', ' ORDER BY n))
FROM pg_proc AS p
JOIN pg_depend AS d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
     AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'retention')
CROSS JOIN LATERAL unnest(p.proargtypes) WITH ORDINALITY AS a(t, n)
WHERE p.prokind = 'f' AND 'internal'::regtype = ANY (p.proargtypes)
GROUP BY p.oid ORDER BY 1;
SQL
my $refused = 0;
for my $call (@calls)
{
	my ($crc, $cout, $cerr) = $node->psql('owned', $call, extra_params => [ '-U', 'mallory' ]);
	$refused++ if $cerr =~ /cannot cast type unknown to internal/;
}
is($refused, scalar(@calls), scalar(@calls) . ' support functions with internal arguments: no direct call runs');
my $log = slurp_file($node->logfile);
unlike($log, qr/terminated by signal|PANIC/, 'no backend crashed');

$node->stop;
done_testing();
