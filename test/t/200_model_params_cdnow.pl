# Standard errors of the fits (DESIGN section 6, doc/uncertainty.md) on the
# CDNOW data of ../shared/data (see its README.md): BG/NBD on
# cdnow_customers_summary.csv (2,357 customers, weeks) and Gamma-Gamma on
# the 946 repeat customers of cdnow_customers_summary_with_transactions.csv.
# Two references:
#  - the standard errors lifetimes' summary publishes for these fits, to 3
#    significant digits (BG/NBD r 0.0126, alpha 0.378, a 0.186, b 0.705;
#    Gamma-Gamma p 1.19, q 0.290, v 4.16);
#  - test/covariance_reference.py: the covariance as the inverse of minus
#    the Hessian of the log-likelihood written from the papers in mpmath at
#    40 digits, by its own finite differences, at the fitted point, to a
#    relative 1e-6 of each element's scale sqrt(c_ii c_jj) (1e-5 for
#    Pareto/NBD, whose Hessian comes from differences of its analytic
#    gradient without an analytic Hessian: measured 5.9e-7); also with a
#    penalizer, and for sBG on a cohort.
# Also: the parameter tables' intervals, the covariance through text and
# binary (COPY) round trips. Skips when the data are absent.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use lib "$ENV{RETENTION_ROOT}/test/lib";
use CsvTable;
use ReferenceCases;

my $root = $ENV{RETENTION_ROOT} or die "RETENTION_ROOT is not set";
my ($summary, $spend) = cdnow_files();
skip_without_mpmath();

my $node = PostgreSQL::Test::Cluster->new('model_params');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION retention');

load_cdnow($node, $summary, $spend);

$node->safe_psql('postgres', q{
    CREATE TABLE fits AS
    SELECT (SELECT bgnbd_fit(frequency, recency, t) FROM cdnow) AS bg,
           (SELECT bgnbd_fit(frequency, recency, t, 0.01) FROM cdnow) AS bg_pen,
           (SELECT pareto_nbd_fit(frequency, recency, t) FROM cdnow) AS pn,
           (SELECT gamma_gamma_fit(x, zbar) FROM cdnow_spend) AS gg,
           sbg_fit(ARRAY[1000, 869, 743, 653, 593, 551, 517, 491]::bigint[]) AS sb
});

# rows (parameter, estimate, std_error, lower_95, upper_95) of a table
sub params_rows
{
	my ($call) = @_;
	return map { [ split /\|/ ] } split /\n/,
	  $node->safe_psql('postgres', "SELECT t.* FROM fits, $call AS t");
}

# the published value to 3 significant digits
sub three_digits
{
	my ($got, $want, $name) = @_;
	my $rounded = sprintf('%.3g', $got);
	ok($rounded == $want, "$name: $got rounds to $rounded, published $want");
}

my %lifetimes = (
	'bgnbd_params(bg)' => [ [ 'r', 0.0126 ], [ 'alpha', 0.378 ], [ 'a', 0.186 ], [ 'b', 0.705 ] ],
	'gamma_gamma_params(gg)' => [ [ 'p', 1.19 ], [ 'q', 0.290 ], [ 'v', 4.16 ] ]);
for my $call (sort keys %lifetimes)
{
	my @rows = params_rows($call);
	my @want = @{ $lifetimes{$call} };
	is(scalar @rows, scalar @want, "$call: one row per parameter");
	for my $i (0 .. $#want)
	{
		my ($name, $estimate, $se, $lower, $upper) = @{ $rows[$i] };
		is($name, $want[$i][0], "$call row " . ($i + 1) . " is $want[$i][0]");
		three_digits($se, $want[$i][1], "$call: std_error of $name as lifetimes' summary");
		ok(abs($lower - ($estimate - 1.96 * $se)) <= 1e-12 * abs($estimate)
			  && abs($upper - ($estimate + 1.96 * $se)) <= 1e-12 * abs($estimate),
			"$call: the interval of $name is estimate -+ 1.96 std_error");
	}
}

# the covariance against mpmath: model, data file, penalizer, composite
sub against_mpmath
{
	my ($label, $model, $file, $penalizer, $column, $names, $tolerance) = @_;
	my @params = split /\|/, $node->safe_psql('postgres',
		'SELECT ' . join(', ', map { "($column).$_" } @$names) . ' FROM fits');
	my @cov = split /\|/, $node->safe_psql('postgres',
		"SELECT array_to_string(($column).covariance, '|') FROM fits");
	my $k = @$names;
	is(scalar @cov, $k * $k, "$label: a $k x $k covariance");
	is($node->safe_psql('postgres', "SELECT array_dims(($column).covariance) FROM fits"),
		"[1:$k][1:$k]", "$label: the covariance is a two-dimensional array");
	my %ref;
	for (split /\n/, `python3 $root/test/covariance_reference.py $model $file $penalizer @params`)
	{
		my @f = split ' ';
		$ref{"$f[0] $f[1]"} = $f[2] if $f[0] ne 'se';
	}
	die "test/covariance_reference.py failed" if $? != 0;
	my $worst = 0;
	for my $i (1 .. $k)
	{
		for my $j (1 .. $k)
		{
			my $scale = sqrt($ref{"$i $i"} * $ref{"$j $j"});
			my $err = abs($cov[ ($i - 1) * $k + $j - 1 ] - $ref{"$i $j"}) / $scale;
			$worst = $err if $err > $worst;
		}
	}
	ok($worst < $tolerance, "$label: covariance within $worst of mpmath's (relative to sqrt(c_ii c_jj)), below $tolerance");
}

against_mpmath('BG/NBD', 'bgnbd', $summary, 0, 'bg', [qw(r alpha a b)], 1e-6);
against_mpmath('BG/NBD penalizer 0.01', 'bgnbd', $summary, 0.01, 'bg_pen', [qw(r alpha a b)], 1e-6);
# derivative-free: second differences of the objective with a step of 1e-3
against_mpmath('Pareto/NBD', 'pareto_nbd', $summary, 0, 'pn', [qw(r alpha s beta)], 1e-5);
against_mpmath('Gamma-Gamma', 'gamma_gamma', $spend, 0, 'gg', [qw(p q v)], 1e-6);
my $cohort = "${\$node->basedir}/cohort.txt";
open my $fh, '>', $cohort or die;
print $fh join("\n", 1000, 869, 743, 653, 593, 551, 517, 491), "\n";
close $fh;
against_mpmath('sBG', 'sbg', $cohort, 0, 'sb', [qw(alpha beta)], 1e-6);

# the covariance survives the text form and the binary form (COPY binary)
is($node->safe_psql('postgres', q{
    SELECT bool_and(m::text::bgnbd = m AND (m::text::bgnbd).covariance = (m).covariance)
    FROM (SELECT bg AS m FROM fits) AS f}), 't', 'bgnbd text round trip keeps the covariance');
is($node->safe_psql('postgres', q{
    SELECT gg::text::gamma_gamma = gg AND sb::text::sbg = sb FROM fits}), 't',
	'gamma_gamma and sbg text round trips keep the covariance');
my $bin = "${\$node->basedir}/fits.bin";
$node->safe_psql('postgres', qq{
    COPY fits TO '$bin' WITH (FORMAT binary);
    CREATE TABLE fits_back (LIKE fits);
    COPY fits_back FROM '$bin' WITH (FORMAT binary);
});
is($node->safe_psql('postgres', q{
    SELECT f.bg = b.bg AND (f.bg).covariance = (b.bg).covariance
       AND f.bg_pen = b.bg_pen AND f.gg = b.gg AND f.sb = b.sb
       AND (b.gg).covariance IS NOT NULL AND (b.sb).covariance IS NOT NULL
    FROM fits AS f, fits_back AS b}), 't', 'the models and covariances survive a binary round trip');

$node->stop;
done_testing();
