# MBG/NBD (issue 16 item 1, doc/btyd_family.md) against independent
# references:
#  - test/mbgnbd_reference.py: every accessor (mbgnbd_p_alive, both
#    mbgnbd_expected_purchases, mbgnbd_prob_purchases) written from the
#    equations of Batislam, Denizel & Filiztekin (2007) in mpmath at 50
#    digits, at a grid of parameters and histories, to a relative 1e-9;
#  - the CDNOW summary of ../shared/data (README.md there): lifetimes'
#    ModifiedBetaGeoFitter test expects (r, alpha, a, b) = (0.525, 6.183,
#    0.891, 1.614) to 3 decimals; the fitted loglik is the mpmath
#    log-likelihood (eq. 7) at the fitted parameters, and at least the one
#    at lifetimes' rounded values; the grouped, weighted fit is the same
#    model. The CDNOW part skips when the file is absent.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use lib "$ENV{RETENTION_ROOT}/test/lib";
use CsvTable;
use ReferenceCases;

my $root = $ENV{RETENTION_ROOT} or die "RETENTION_ROOT is not set";
my $summary = "$root/../shared/data/cdnow_customers_summary.csv";

my @cases = reference_cases('mbgnbd_reference.py', 250);

my $node = PostgreSQL::Test::Cluster->new('mbgnbd');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION retention');

is(reference_mismatches($node, \@cases), 0, scalar(@cases) . ' accessor values agree with mpmath to a relative 1e-9');

SKIP:
{
	skip "CDNOW summary not found at $summary", 8 unless -r $summary;
	load_cdnow($node, $summary);
	$node->safe_psql('postgres',
		'CREATE TABLE fit AS SELECT mbgnbd_fit(frequency, recency, t) AS m FROM cdnow');
	my ($r, $alpha, $a, $b, $ll, $n, $conv) = split /\|/, $node->safe_psql('postgres',
		'SET extra_float_digits = 3; SELECT (m).r, (m).alpha, (m).a, (m).b, (m).loglik, (m).n, (m).converged FROM fit');
	is($conv, 't', 'CDNOW: the fit converges');
	is($n, 2357, 'CDNOW: n is 2,357');
	is(sprintf('%.3f %.3f %.3f %.3f', $r, $alpha, $a, $b), '0.525 6.183 0.891 1.614',
		"CDNOW: (r, alpha, a, b) = lifetimes' (0.525, 6.183, 0.891, 1.614) to 3 decimals");
	my $ref_ll = `python3 $root/test/mbgnbd_reference.py loglik $r $alpha $a $b $summary`;
	chomp $ref_ll;
	cmp_ok(abs($ll - $ref_ll), '<=', 1e-9 * abs($ref_ll),
		"CDNOW: loglik $ll is the mpmath log-likelihood $ref_ll at the fitted parameters");
	my $lifetimes_ll = `python3 $root/test/mbgnbd_reference.py loglik 0.525 6.183 0.891 1.614 $summary`;
	chomp $lifetimes_ll;
	cmp_ok($ll, '>=', $lifetimes_ll, "CDNOW: loglik at least the one at lifetimes' rounded values ($lifetimes_ll)");
	is($node->safe_psql('postgres', q{
		SELECT count(*) FROM fit, mbgnbd_params(m) AS p
		WHERE p.std_error > 0 AND p.lower_95 < p.estimate AND p.estimate < p.upper_95}),
		'4', 'CDNOW: mbgnbd_params gives four positive standard errors');
	is($node->safe_psql('postgres', q{
		SELECT (SELECT mbgnbd_fit(frequency, recency, t, w)::text
		        FROM (SELECT frequency, recency, t, count(*) AS w FROM cdnow GROUP BY 1, 2, 3) AS g)
		     = (SELECT m::text FROM fit)}),
		't', 'CDNOW: the weighted fit of the grouped rows is the row-level fit');
	is($node->safe_psql('postgres', q{
		SELECT (SELECT mbgnbd_fit(frequency::float8, recency, t, 1::integer, 0.0)::text FROM cdnow)
		     = (SELECT m::text FROM fit)}),
		't', 'CDNOW: float8 frequency, weight 1 and penalizer 0 give the same fit');
}

$node->stop;
done_testing();
