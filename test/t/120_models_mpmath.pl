# The model accessors against independent references computed at test time
# with mpmath in 60-digit arithmetic (test/mpmath_reference.py: the
# published formulas, quadrature and direct sums, never the extension's
# transformations), over a grid that includes extreme parameters (1e-10,
# 1e10, b up to 1e16, 1e300).
#
# Tolerance: 1e-9 relative. The accessors work in float8 with log-space
# products, series summed to a rigorous tail bound below 1e-16 of the sum,
# Stirling's series for log-beta (truncation below 2e-14 / x) and at most
# 1e4 of cancellation (BG/NBD's closed form for a frequency above a + b -
# r): about 1e-12 at worst, and log-odds up to 700 in size turn an ulp of
# the log into 1.6e-13 of the probability. 1e-9 leaves a factor of 1000
# above that and is still a test of every digit an analyst reads; results
# below 1e-280 are compared absolutely (to 1e-290), where float8 has lost
# relative precision. A call may instead raise 22003 (documented: the value
# cannot be computed accurately); the count of those is reported, and a
# core set of ordinary parameters must all answer.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use lib "$ENV{RETENTION_ROOT}/test/lib";
use ReferenceCases;

my @cases = reference_cases('mpmath_reference.py', 500);

my $node = PostgreSQL::Test::Cluster->new('mpmath');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION retention');
$node->safe_psql('postgres', 'CREATE TABLE got (i integer, value float8, state text)');

# every case in one DO block, errors caught per call
my $calls = join "\n", map {
	my ($name, $sql) = @{ $cases[$_] };
	(my $q = "SELECT $sql") =~ s/'/''/g;
	"BEGIN EXECUTE '$q' INTO v; INSERT INTO got VALUES ($_, v, NULL);"
	  . " EXCEPTION WHEN OTHERS THEN GET STACKED DIAGNOSTICS s = RETURNED_SQLSTATE;"
	  . " INSERT INTO got VALUES ($_, NULL, s); END;"
} 0 .. $#cases;
$node->safe_psql('postgres',
	"SET extra_float_digits = 3; DO \$do\$ DECLARE v float8; s text; BEGIN\n$calls\nEND \$do\$");

my %got;
for my $row (split /\n/,
	$node->safe_psql('postgres', 'SET extra_float_digits = 3; SELECT i, value, state FROM got'))
{
	my ($i, $value, $state) = split /\|/, $row;
	$got{$i} = [ $value, $state ];
}

my ($errors, $bad) = (0, 0);
for my $i (0 .. $#cases)
{
	my ($name, $sql, $ref) = @{ $cases[$i] };
	my ($value, $state) = @{ $got{$i} };
	# core: every number in the call between 1e-9 and 1e4 (or 0)
	my $core = !grep { $_ != 0 && (abs($_) < 1e-9 || abs($_) > 1e4) }
	  ($sql =~ /(?<![\w.])(\d+(?:\.\d*)?(?:e[-+]?\d+)?)/gi);
	if (defined $state && $state ne '')
	{
		$errors++;
		if ($state ne '22003' || $core)
		{
			$bad++;
			diag("$name: error $state for $sql (reference $ref)");
		}
		next;
	}
	my $ok = abs($ref) < 1e-280
	  ? abs($value - $ref) <= 1e-290
	  : abs($value - $ref) <= 1e-9 * abs($ref);
	if (!$ok)
	{
		$bad++;
		diag("$name: $value, reference $ref, relative error "
			  . ($ref != 0 ? abs($value / $ref - 1) : 'inf') . "\n  $sql");
	}
}
is($bad, 0, scalar(@cases) . " accessor values within 1e-9 of mpmath or a 22003 error outside the core set");
note("$errors of " . scalar(@cases) . " calls raised 22003");
cmp_ok($errors, '<', scalar(@cases) / 10, 'fewer than a tenth of the grid is an error');

$node->stop;
done_testing();
