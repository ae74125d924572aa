# BG/BB (issue 16 item 2, doc/btyd_family.md) against independent
# references:
#  - test/bgbb_reference.py: bgbb_p_alive and both bgbb_expected_purchases
#    from the equations of Fader, Hardie & Shang (2010) in mpmath at 50
#    digits, with the paper's closed forms, over a grid, to a relative 1e-9;
#  - the paper's donations data (../shared/data/donations.csv, 11,104
#    donors in 22 weighted rows): alpha 1.204, beta 0.750, gamma 0.657,
#    delta 2.783 and LL -33,225.6 to the printed digits; the fitted loglik
#    is the mpmath log-likelihood at the fitted point; the fit of the
#    weighted rows is the fit of the 11,104 expanded rows. The donations
#    part skips when the file is absent.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use lib "$ENV{RETENTION_ROOT}/test/lib";
use CsvTable;
use ReferenceCases;

my $root = $ENV{RETENTION_ROOT} or die "RETENTION_ROOT is not set";
my $donations = "$root/../shared/data/donations.csv";

my @cases = reference_cases('bgbb_reference.py', 250);

my $node = PostgreSQL::Test::Cluster->new('bgbb');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION retention');

is(reference_mismatches($node, \@cases), 0, scalar(@cases) . ' accessor values agree with mpmath to a relative 1e-9');

SKIP:
{
	skip "donations data not found at $donations", 7 unless -r $donations;
	load_csv($node, 'donations', 'frequency integer, recency integer, periods integer, weights bigint', $donations);
	$node->safe_psql('postgres',
		'CREATE TABLE fit AS SELECT bgbb_fit(frequency, recency, periods, weights) AS m FROM donations');
	my ($al, $be, $ga, $de, $ll, $n, $conv) = split /\|/, $node->safe_psql('postgres',
		'SET extra_float_digits = 3; SELECT (m).alpha, (m).beta, (m).gamma, (m).delta, (m).loglik, (m).n, (m).converged FROM fit');
	is($conv, 't', 'donations: the fit converges');
	is($n, 11104, 'donations: n is 11,104 donors');
	is(sprintf('%.3f %.3f %.3f %.3f', $al, $be, $ga, $de), '1.204 0.750 0.657 2.783',
		'donations: (alpha, beta, gamma, delta) = (1.204, 0.750, 0.657, 2.783) as Fader, Hardie & Shang print');
	is(sprintf('%.1f', $ll), '-33225.6', 'donations: LL -33,225.6 as printed');
	my $ref_ll = `python3 $root/test/bgbb_reference.py loglik $al $be $ga $de $donations`;
	chomp $ref_ll;
	cmp_ok(abs($ll - $ref_ll), '<=', 1e-9 * abs($ref_ll),
		"donations: loglik $ll is the mpmath log-likelihood $ref_ll at the fitted parameters");
	is($node->safe_psql('postgres', q{
		SELECT (SELECT bgbb_fit(frequency, recency, periods)::text
		        FROM donations, generate_series(1, weights))
		     = (SELECT m::text FROM fit)}),
		't', 'donations: the fit of the 11,104 expanded rows is the weighted fit');
	is($node->safe_psql('postgres', q{
		SELECT count(*) FROM fit, bgbb_params(m) AS p
		WHERE p.std_error > 0 AND p.lower_95 < p.estimate AND p.estimate < p.upper_95}),
		'4', 'donations: bgbb_params gives four positive standard errors');
}

$node->stop;
done_testing();
