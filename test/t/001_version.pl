# Version bookkeeping: the Makefile's EXTVERSION, the control file's
# default_version, META.json (PGXN: its version, the extension's version
# and install script under provides), the upstream part of the top
# debian/changelog entry and an install script agree, and a fresh cluster can
# CREATE and DROP the extension, relocated into another schema too.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use JSON::PP;

my $root = $ENV{RETENTION_ROOT} or die "RETENTION_ROOT is not set";

my ($extversion) = slurp_file("$root/Makefile") =~ /^EXTVERSION\s*=\s*(\S+)/m;
my ($default)    = slurp_file("$root/retention.control") =~ /^default_version\s*=\s*'([^']+)'/m;
ok(defined $extversion, 'Makefile sets EXTVERSION');
is($default, $extversion, 'control default_version equals Makefile EXTVERSION');
ok(-f "$root/retention--$extversion.sql", "install script retention--$extversion.sql exists");

my $meta = decode_json(slurp_file("$root/META.json"));
is($meta->{version}, $extversion, 'META.json version equals EXTVERSION');
is($meta->{provides}{retention}{version}, $extversion, 'META.json provides retention at EXTVERSION');
is($meta->{provides}{retention}{file}, "retention--$extversion.sql", 'META.json names the install script');
is($meta->{'meta-spec'}{version}, '1.0.0', 'META.json follows meta-spec 1.0.0');
is($meta->{name}, 'retention', 'META.json names the distribution retention');

my ($debian) = slurp_file("$root/debian/changelog") =~ /^retention \(([^)]+)\)/;
is($debian =~ s/-[^-]+$//r, $extversion, "debian/changelog's top version $debian is EXTVERSION");
like(slurp_file("$root/debian/control"), qr/^Package: postgresql-15-retention$/m,
	'debian/control (pg_buildext updatecontrol) lists postgresql-15-retention');

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
