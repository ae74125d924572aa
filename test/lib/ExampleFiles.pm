# ExampleFiles: run_example(NODE, FILE) runs FILE of the checkout (an
# examples/ script) as a user would, psql -X -q -v ON_ERROR_STOP=1 -f FILE
# in database postgres of NODE, and tests that it exits 0 ("FILE loads")
# and writes nothing on stderr ("FILE: nothing on stderr"); cron_node(NAME)
# is a started cluster NAME that preloads pg_cron for database postgres,
# its jobs run by background workers (test/t/050_bi_cron.pl, 180, 190).
package ExampleFiles;
use strict;
use warnings;
use Exporter 'import';
use PostgreSQL::Test::Cluster;
use Test::More;

our @EXPORT = qw(run_example cron_node);

sub run_example
{
	my ($node, $file) = @_;
	my $root = $ENV{RETENTION_ROOT} or die "RETENTION_ROOT is not set";
	my ($out, $err) = ('', '');
	my $rc = $node->psql('postgres', '', stdout => \$out, stderr => \$err,
		extra_params => [ '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', "$root/$file" ]);
	is($rc, 0, "$file loads");
	is($err, '', "$file: nothing on stderr");
	return;
}

sub cron_node
{
	my ($name) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init;
	$node->append_conf('postgresql.conf', <<'CONF');
shared_preload_libraries = 'pg_cron'
cron.database_name = 'postgres'
cron.use_background_workers = on
max_worker_processes = 16
CONF
	$node->start;
	return $node;
}

1;
