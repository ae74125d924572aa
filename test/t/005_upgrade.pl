# Upgrades: for every earlier version that has an install script here,
# install it, ALTER EXTENSION retention UPDATE to the current version, and
# compare every member object (identity, definition, markings, comment) with
# a fresh install of the current version. Skips while no earlier version
# has been released.
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

# Every member object with what defines it, one line each, sorted.
my $objects_sql = q{
    SELECT string_agg(line, E'\n' ORDER BY line) FROM (
        SELECT pg_describe_object(d.classid, d.objid, 0) || ' | ' ||
               coalesce(obj_description(d.objid, c.relname), '') || ' | ' ||
               coalesce((SELECT concat_ws(' ', p.provolatile, p.proparallel, p.proisstrict,
                                          p.prorettype::regtype, p.prosrc, p.probin)
                         FROM pg_proc AS p WHERE d.classid = 'pg_proc'::regclass AND p.oid = d.objid), '')
               AS line
        FROM pg_depend AS d JOIN pg_class AS c ON c.oid = d.classid
        WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
          AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'retention')
    ) AS objects
};

my $node = PostgreSQL::Test::Cluster->new('upgrade');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE fresh');
$node->safe_psql('fresh', 'CREATE EXTENSION retention');
my $fresh = $node->safe_psql('fresh', $objects_sql);

for my $old (@older)
{
    $node->safe_psql('postgres', "CREATE DATABASE from_$old" =~ s/\./_/gr);
    my $db = "from_$old" =~ s/\./_/gr;
    $node->safe_psql($db, "CREATE EXTENSION retention VERSION '$old'");
    $node->safe_psql($db, "ALTER EXTENSION retention UPDATE TO '$current'");
    is($node->safe_psql($db, "SELECT extversion FROM pg_extension WHERE extname = 'retention'"),
       $current, "update from $old reaches $current");
    is($node->safe_psql($db, $objects_sql), $fresh, "update from $old gives the objects of a fresh install");
}

$node->stop;
done_testing();
