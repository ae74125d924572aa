# Version bookkeeping: the Makefile's EXTVERSION, the control file's
# default_version and an install script agree, and a fresh cluster can
# CREATE and DROP the extension, relocated into another schema too.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $root = $ENV{RETENTION_ROOT} or die "RETENTION_ROOT is not set";

my ($extversion) = slurp_file("$root/Makefile") =~ /^EXTVERSION\s*=\s*(\S+)/m;
my ($default)    = slurp_file("$root/retention.control") =~ /^default_version\s*=\s*'([^']+)'/m;
ok(defined $extversion, 'Makefile sets EXTVERSION');
is($default, $extversion, 'control default_version equals Makefile EXTVERSION');
ok(-f "$root/retention--$extversion.sql", "install script retention--$extversion.sql exists");

my $node = PostgreSQL::Test::Cluster->new('version');
$node->init;
$node->start;

$node->safe_psql('postgres', 'CREATE EXTENSION retention');
is($node->safe_psql('postgres', "SELECT extversion FROM pg_extension WHERE extname = 'retention'"),
    $extversion, 'installed version is EXTVERSION');
$node->safe_psql('postgres', 'DROP EXTENSION retention');

$node->safe_psql('postgres', 'CREATE SCHEMA analytics; CREATE EXTENSION retention SCHEMA analytics');
is($node->safe_psql('postgres', 'SELECT analytics.retention_rate(150, 200, 80)'),
    '0.8', 'relocated into another schema');
$node->safe_psql('postgres', 'ALTER EXTENSION retention SET SCHEMA public');
is($node->safe_psql('postgres', 'SELECT public.churn_rate(150, 200, 80)'),
    '0.2', 'ALTER EXTENSION SET SCHEMA moves it');
$node->safe_psql('postgres', 'DROP EXTENSION retention');

$node->stop;
done_testing();
