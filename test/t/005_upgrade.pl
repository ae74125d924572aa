# Upgrades: for every earlier version that has an install script here,
# install it and store values of that version (a fitted bgnbd, gamma_gamma
# and sbg in a table, a cohort_matrix, rfm_breaks, a materialized view over
# rfm), ALTER EXTENSION retention UPDATE to the current version, and check
# that
#  - every member object equals the one of a fresh install of the current
#    version, definitions included (functions by pg_get_functiondef,
#    aggregates by their pg_aggregate row, types with their input/output
#    functions, composite attributes and enum labels, casts, operators,
#    operator classes, relations, comments, privileges);
#  - the stored values still read as they did, the accessors give on the
#    stored models what they gave before the update, and the materialized
#    view refreshes to the same rows.
# Also: the old install script loads against the new library (CREATE
# EXTENSION ... VERSION validates every C function's symbol) and its fits
# build the old composites (the library fills what the database's type
# has); and every C
# symbol it binds is exported by the installed retention.so (nm -D).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $root = $ENV{RETENTION_ROOT} or die "RETENTION_ROOT is not set";
my ($current) = slurp_file("$root/retention.control") =~ /^default_version\s*=\s*'([^']+)'/m;

sub version_key { return join '', map { sprintf '%05d', $_ } split /\./, $_[0] }
my @older = sort { version_key($a) cmp version_key($b) }
  grep { version_key($_) lt version_key($current) }
  map { m{retention--(\d+\.\d+\.\d+)\.sql$} ? $1 : () } glob("$root/retention--*.sql");

plan skip_all => "no released version before $current to upgrade from" unless @older;

# Every member object of the extension with what defines it, one line
# each, sorted. Names are printed through reg* casts and format_type, never
# as OIDs, so that two databases compare.
my $objects_sql = q{
    WITH members AS (
        SELECT d.classid, d.objid, c.relname AS catalog
        FROM pg_depend AS d JOIN pg_class AS c ON c.oid = d.classid
        WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
          AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'retention')
    )
    SELECT string_agg(line, E'\n' ORDER BY line) FROM (
        SELECT pg_describe_object(m.classid, m.objid, 0) || E'\n  comment: ' ||
               coalesce(obj_description(m.objid, m.catalog), '') || E'\n  ' ||
               coalesce(CASE m.catalog
               WHEN 'pg_proc' THEN (
                   SELECT concat_ws(E'\n  ', p.prokind, concat_ws(' ', p.provolatile, p.proparallel, p.proisstrict,
                                                                p.prosecdef, p.proleakproof),
                                    p.procost, p.prorows, p.prosupport::regprocedure, p.proconfig::text,
                                    p.proacl::text,
                                    CASE WHEN p.prokind = 'a' THEN
                                        pg_get_function_arguments(p.oid) || ' -> ' || pg_get_function_result(p.oid)
                                    ELSE pg_get_functiondef(p.oid) END,
                                    (SELECT concat_ws(' ', a.aggkind, a.aggnumdirectargs,
                                                      a.aggtransfn::regprocedure, a.aggfinalfn::regprocedure,
                                                      a.aggcombinefn::regprocedure, a.aggserialfn::regprocedure,
                                                      a.aggdeserialfn::regprocedure, a.aggmtransfn::regprocedure,
                                                      a.aggminvtransfn::regprocedure, a.aggmfinalfn::regprocedure,
                                                      a.aggfinalextra, a.aggmfinalextra, a.aggfinalmodify,
                                                      a.aggmfinalmodify, a.aggsortop::regoperator,
                                                      format_type(a.aggtranstype, NULL), a.aggtransspace,
                                                      format_type(a.aggmtranstype, NULL), a.aggmtransspace,
                                                      coalesce(a.agginitval, '<null>'),
                                                      coalesce(a.aggminitval, '<null>'))
                                     FROM pg_aggregate AS a WHERE a.aggfnoid = p.oid))
                   FROM pg_proc AS p WHERE p.oid = m.objid)
               WHEN 'pg_type' THEN (
                   SELECT concat_ws(E'\n  ', concat_ws(' ', t.typtype, t.typlen, t.typbyval, t.typcategory,
                                                         t.typispreferred, t.typalign, t.typstorage, t.typdelim),
                                    t.typinput::regprocedure, t.typoutput::regprocedure,
                                    t.typreceive::regprocedure, t.typsend::regprocedure,
                                    t.typmodin::regprocedure, t.typmodout::regprocedure,
                                    t.typanalyze::regprocedure, t.typsubscript::regprocedure,
                                    format_type(t.typelem, NULL), format_type(t.typbasetype, NULL),
                                    t.typnotnull::text, t.typdefault, t.typacl::text,
                                    'array ' || coalesce(format_type(nullif(t.typarray, 0), NULL), '-'),
                                    -- composite: the attributes in order (dropped ones left out)
                                    (SELECT 'attributes ' || string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                                                                        || coalesce(' comment ' || col_description(a.attrelid, a.attnum), ''),
                                                                        ', ' ORDER BY a.attnum)
                                     FROM pg_attribute AS a
                                     WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped),
                                    -- enum: the labels in order
                                    (SELECT 'labels ' || string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder)
                                     FROM pg_enum AS e WHERE e.enumtypid = t.oid))
                   FROM pg_type AS t WHERE t.oid = m.objid)
               WHEN 'pg_cast' THEN (
                   SELECT concat_ws(' ', format_type(k.castsource, NULL), format_type(k.casttarget, NULL),
                                    k.castfunc::regprocedure, k.castcontext, k.castmethod)
                   FROM pg_cast AS k WHERE k.oid = m.objid)
               WHEN 'pg_operator' THEN (
                   SELECT concat_ws(' ', o.oprname, o.oprkind, format_type(o.oprleft, NULL),
                                    format_type(o.oprright, NULL), format_type(o.oprresult, NULL),
                                    o.oprcode::regprocedure, o.oprcom::regoperator, o.oprnegate::regoperator,
                                    o.oprrest::regprocedure, o.oprjoin::regprocedure,
                                    o.oprcanmerge::text, o.oprcanhash::text)
                   FROM pg_operator AS o WHERE o.oid = m.objid)
               WHEN 'pg_opclass' THEN (
                   SELECT concat_ws(' ', am.amname, format_type(c.opcintype, NULL), c.opcdefault::text,
                                    format_type(nullif(c.opckeytype, 0), NULL),
                                    (SELECT string_agg(ao.amopstrategy || ':' || ao.amopopr::regoperator, ' '
                                                       ORDER BY ao.amopstrategy)
                                     FROM pg_amop AS ao WHERE ao.amopfamily = c.opcfamily),
                                    (SELECT string_agg(ap.amprocnum || ':' || ap.amproc::regprocedure, ' '
                                                       ORDER BY ap.amprocnum)
                                     FROM pg_amproc AS ap WHERE ap.amprocfamily = c.opcfamily))
                   FROM pg_opclass AS c JOIN pg_am AS am ON am.oid = c.opcmethod WHERE c.oid = m.objid)
               WHEN 'pg_class' THEN (
                   SELECT concat_ws(' ', r.relkind, r.relacl::text,
                                    CASE WHEN r.relkind IN ('v', 'm') THEN pg_get_viewdef(r.oid) END,
                                    (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod),
                                                       ', ' ORDER BY a.attnum)
                                     FROM pg_attribute AS a
                                     WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped))
                   FROM pg_class AS r WHERE r.oid = m.objid)
               END, '<no definition read for this kind of object>') AS line
        FROM members AS m
    ) AS objects
};

my $node = PostgreSQL::Test::Cluster->new('upgrade');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE fresh');
$node->safe_psql('fresh', 'CREATE EXTENSION retention');
my $fresh = $node->safe_psql('fresh', $objects_sql);
like($fresh, qr/^  CREATE OR REPLACE FUNCTION public\.rfm_final\(internal\)\n RETURNS rfm\n/m,
	'the catalog listing holds function definitions');
like($fresh, qr/^type rfm\n(?:  .*\n)*  attributes recency_days integer, frequency bigint, monetary numeric, tenure_days integer$/m,
	'the catalog listing holds composite attributes');
like($fresh, qr/^function rfm\(date,numeric,date\)\n(?:.*\n)*?.*rfm_trans\(internal,date,numeric,date\) .*rfm_final\(internal\)/m,
	'the catalog listing holds aggregate definitions');
like($fresh, qr/^cast from text to time_unit\n.*\n  text time_unit - i i$/m, 'the catalog listing holds casts');
my $extension_sql = q{SELECT extrelocatable, extconfig, extcondition FROM pg_extension WHERE extname = 'retention'};
my $fresh_extension = $node->safe_psql('fresh', $extension_sql);

# The installed library: the one on PATH's server tree
my ($pkglibdir) = run_command([ 'pg_config', '--pkglibdir' ]);
chomp $pkglibdir;
my ($nm_out) = run_command([ 'nm', '-D', '--defined-only', "$pkglibdir/retention.so" ]);
my %exported = map { (split ' ')[-1] => 1 } split /\n/, $nm_out;
ok(exists $exported{Pg_magic_func}, "nm -D reads $pkglibdir/retention.so");

# Values of the old version, what the update must keep readable: the
# models fitted on simulated orders, a cohort matrix, stored breaks, and
# a materialized view of rfm values.
my $store_sql = q{
    CREATE TABLE orders AS SELECT * FROM simulate_orders(400, 7);
    CREATE TABLE summaries AS
        SELECT customer_id, (btyd_summary(order_at, amount, date '2024-09-30', 'week')).*
        FROM orders GROUP BY customer_id;
    CREATE TABLE fits AS
        SELECT (SELECT bgnbd_fit(frequency::integer, recency, t) FROM summaries) AS bgnbd,
               (SELECT gamma_gamma_fit(frequency::integer, monetary_value) FROM summaries WHERE frequency > 0) AS gamma_gamma,
               sbg_fit(ARRAY[1000, 631, 468, 382, 326]::bigint[]) AS sbg;
    CREATE TABLE cohorts AS
        SELECT cohort_retention(customer_id, order_at, 'month', amount) AS matrix FROM orders;
    CREATE TABLE breaks AS
        SELECT rfm_breaks((x).recency_days, (x).frequency, (x).monetary) AS breaks
        FROM (SELECT rfm(order_at, amount, date '2024-09-30') AS x FROM orders GROUP BY customer_id) AS c;
    CREATE MATERIALIZED VIEW rfm_view AS
        SELECT customer_id, rfm(order_at, amount, date '2024-09-30') AS x
        FROM orders GROUP BY customer_id;
};
# What the stored values read as, and what the accessors give on them (the
# models by their 0.1.0 attributes: 0.2.0 adds covariance, NULL on them).
my $read_sql = q{
    SELECT (SELECT string_agg(concat_ws(',',
                ROW((bgnbd).r, (bgnbd).alpha, (bgnbd).a, (bgnbd).b, (bgnbd).loglik, (bgnbd).n, (bgnbd).converged),
                ROW((gamma_gamma).p, (gamma_gamma).q, (gamma_gamma).v, (gamma_gamma).loglik, (gamma_gamma).n,
                    (gamma_gamma).converged),
                ROW((sbg).alpha, (sbg).beta, (sbg).loglik, (sbg).converged)), E'\n') FROM fits)
        || E'\n' || (SELECT md5(string_agg(matrix::text, '')) FROM cohorts)
        || E'\n' || (SELECT string_agg(b::text, E'\n') FROM breaks AS b)
        || E'\n' || (SELECT md5(string_agg(v::text, E'\n' ORDER BY customer_id)) FROM rfm_view AS v)
        || E'\n' || (SELECT md5(string_agg(c::text, E'\n' ORDER BY c.cohort, c.period_offset))
                     FROM cohorts, cohort_table(matrix) AS c)
        || E'\n' || (SELECT retention_curve(matrix)::text FROM cohorts)
        || E'\n' || (SELECT concat_ws(' ', bgnbd_expected_purchases(bgnbd, 10),
                                      bgnbd_p_alive(bgnbd, 3, 20, 39),
                                      gamma_gamma_expected_spend(gamma_gamma, 3, 25),
                                      cltv(bgnbd, gamma_gamma, 3, 20, 39, 25, 12, 0.01, 'week'),
                                      sbg_survival(sbg, 5), sbg_retention(sbg, 5), sbg_derl(sbg, 0.1, 5))
                     FROM fits)
        || E'\n' || (SELECT md5(string_agg(rfm_score(v.x, b.breaks)::text, ',' ORDER BY customer_id))
                     FROM rfm_view AS v, breaks AS b)
};

for my $old (@older)
{
	my $db = "from_$old" =~ s/\./_/gr;
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	my ($rc, $out, $err) = $node->psql($db, "SET check_function_bodies = on; CREATE EXTENSION retention VERSION '$old'");
	is($rc, 0, "the $old install script loads against the new library (every C symbol found)");
	is($err, '', "no error or warning from the $old install script");

	# every symbol the old script binds, read from the script itself
	my @symbols = slurp_file("$root/retention--$old.sql") =~ /'MODULE_PATHNAME',\s*'(\w+)'/g;
	my %seen;
	my @missing = grep { !$exported{$_} } grep { !$seen{$_}++ } @symbols;
	ok(@symbols > 50, scalar(keys %seen) . " C symbols bound by retention--$old.sql");
	is("@missing", '', "retention.so exports every C symbol retention--$old.sql binds");
	# and the ones the catalog holds after the install agree with the script
	is($node->safe_psql($db, q{SELECT string_agg(DISTINCT prosrc, ' ' ORDER BY prosrc) FROM pg_proc WHERE probin = '$libdir/retention'}),
		join(' ', sort keys %seen), "the $old catalog binds the symbols of its script");

	$node->safe_psql($db, $store_sql);
	my $before = $node->safe_psql($db, $read_sql);
	my ($fit_line) = split /\n/, $before;
	is(scalar(() = $fit_line =~ /,t\)/g), 3, "$old: the three stored fits converged ($old code)");
	is($node->safe_psql($db, q{SELECT (SELECT count(*) FROM pg_attribute WHERE attrelid = 'bgnbd'::regclass AND attnum > 0)
	                                  || ' ' || length(bgnbd::text) - length(replace(bgnbd::text, ',', '')) FROM fits}),
		'7 6', "$old: the new library fits a $old model with the $old type's 7 attributes");

	$node->safe_psql($db, "ALTER EXTENSION retention UPDATE TO '$current'");
	is($node->safe_psql($db, "SELECT extversion FROM pg_extension WHERE extname = 'retention'"),
		$current, "update from $old reaches $current");
	my $updated = $node->safe_psql($db, $objects_sql);
	is($updated, $fresh, "update from $old gives the objects of a fresh install, definitions included");
	if ($updated ne $fresh)
	{
		# name the objects that differ
		my %f = map { $_ => 1 } split /\n(?=\S)/, $fresh;
		my %u = map { $_ => 1 } split /\n(?=\S)/, $updated;
		diag("only in the updated install:\n$_") for grep { !$f{$_} } sort keys %u;
		diag("only in the fresh install:\n$_") for grep { !$u{$_} } sort keys %f;
	}
	is($node->safe_psql($db, $extension_sql), $fresh_extension, "update from $old: extension settings as fresh");

	is($node->safe_psql($db, $read_sql), $before,
		"update from $old: the stored models, matrix, breaks and view read as before, accessors give the same");
	$node->safe_psql($db, 'REFRESH MATERIALIZED VIEW rfm_view');
	is($node->safe_psql($db, $read_sql), $before, "update from $old: the materialized view refreshes to the same rows");
	# the models stored by the old version gained a NULL covariance, and
	# a fit in the updated database has one
	is($node->safe_psql($db, q{
		SELECT (bgnbd).covariance IS NULL AND (gamma_gamma).covariance IS NULL AND (sbg).covariance IS NULL
		       AND (SELECT bool_and(std_error IS NULL AND estimate IS NOT NULL) FROM bgnbd_params(bgnbd))
		FROM fits}), 't', "update from $old: stored models read with covariance NULL, no standard errors");
	is($node->safe_psql($db, q{
		SELECT array_dims((bgnbd_fit(frequency::integer, recency, t)).covariance) FROM summaries}),
		'[1:4][1:4]', "update from $old: a new fit carries its covariance");
	# and a new computation in the updated database agrees with the stored one
	is($node->safe_psql($db, q{
		SELECT (SELECT matrix::text FROM cohorts)
		     = (SELECT cohort_retention(customer_id, order_at, 'month', amount)::text FROM orders)}),
		't', "update from $old: a cohort matrix computed now equals the stored one");
}

$node->stop;
done_testing();
