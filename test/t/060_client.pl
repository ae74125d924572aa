# A real client: test/client.py, psycopg2 (Debian's python3-psycopg2) over
# libpq and the node's Unix socket, reads every result type of the extension
# and checks what it decoded against plain SQL. Its TAP lines become tests
# here; its plan, exit status and silence on stderr are checked too.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $root = $ENV{RETENTION_ROOT} or die "RETENTION_ROOT is not set";
# Debian's python, which has python3-psycopg2 (a pyenv python may be first on PATH)
my $python = '/usr/bin/python3';

my $node = PostgreSQL::Test::Cluster->new('client');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION retention');

local $ENV{PGHOST} = $node->host;
local $ENV{PGPORT} = $node->port;
local $ENV{PGDATABASE} = 'postgres';
my ($stdout, $stderr) = run_command([ $python, "$root/test/client.py" ]);

my ($tests, $plan) = (0, undef);
my @lines = split /\n/, $stdout;
for my $i (0 .. $#lines)
{
	if ($lines[$i] =~ /^(not )?ok (\d+) - (.*)$/)
	{
		my ($failed, $name) = ($1, $3);
		$tests++;
		my @diag;
		push @diag, $1 while $i + @diag + 1 <= $#lines && $lines[$i + @diag + 1] =~ /^# (.*)$/;
		ok(!$failed, "client: $name") or diag(join "\n", @diag);
	}
	elsif ($lines[$i] =~ /^1\.\.(\d+)$/)
	{
		$plan = $1;
	}
}
ok($tests > 0 && defined $plan && $plan == $tests, "client ran all its $tests tests to the plan")
  or diag($stdout);
is($stderr, '', 'client wrote nothing to stderr');

$node->stop;
done_testing();
