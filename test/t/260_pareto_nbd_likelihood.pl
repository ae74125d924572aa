# The Pareto/NBD likelihood where its hypergeometric series are long: the
# log-likelihood a fit reports at its optimum against mpmath's at the same
# parameters (test/covariance_reference.py: Fader & Hardie (2005) eq. 22 with
# A_0 by mpmath's hyp2f1 at 40 digits, not the extension's series, its
# binomial form or its cache), on summary sets whose optimum has beta far
# above alpha, where 0.1.0 summed series of thousands of terms a row.
#
# Tolerance: 1e-10 relative. The extension sums its series to 1e-16 of
# their value with at most (5/3)^16 (4e3) of cancellation in the binomial
# form: about 1e-12 of a row's likelihood at worst.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use lib "$ENV{RETENTION_ROOT}/test/lib";
use ReferenceCases;

my $root = $ENV{RETENTION_ROOT} or die "RETENTION_ROOT is not set";
skip_without_mpmath();

my $node = PostgreSQL::Test::Cluster->new('pareto_likelihood');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION retention');

# bench/clv.sh's hash-generated summaries (45% never come back, heavy-tailed
# frequencies, recency uniform in the age): the set that took 28 s at 100k
# customers in 0.1.0; and the same histories with the ages doubled
sub hash_summaries
{
	my ($customers, $stretch) = @_;
	return <<"SQL";
WITH c AS (
    SELECT i,
           ((hashint8extended(i, 1) & 2147483647) + 0.5) / 2147483648.0 AS u1,
           ((hashint8extended(i, 2) & 2147483647) + 0.5) / 2147483648.0 AS u2,
           ((hashint8extended(i, 3) & 2147483647) + 0.5) / 2147483648.0 AS u3,
           ((hashint8extended(i, 4) & 2147483647) + 0.5) / 2147483648.0 AS u4
    FROM generate_series(1, $customers) AS i
), d AS (
    SELECT CASE WHEN u1 < 0.45 THEN 0 ELSE least(300, 1 + floor(3 * u2 ^ -0.9))::integer END AS frequency,
           1 + floor(u3 * 364)::integer AS age_days, u4
    FROM c
)
SELECT frequency,
       ($stretch * CASE WHEN frequency = 0 THEN 0 ELSE greatest(1, floor(u4 * age_days)) / 7.0 END)::float8 AS recency,
       ($stretch * age_days / 7.0)::float8 AS t
FROM d
SQL
}

my %sets = (
	'hash 1500' => hash_summaries(1500, 1),
	'hash 1500, ages doubled' => hash_summaries(1500, 2),
	'hash 4000' => hash_summaries(4000, 1),
);

for my $name (sort keys %sets)
{
	$node->safe_psql('postgres', "CREATE TABLE rows AS $sets{$name}");
	my ($r, $alpha, $s, $beta, $loglik, $converged) = split /\|/, $node->safe_psql('postgres', q{
		SELECT f.r, f.alpha, f.s, f.beta, f.loglik, f.converged
		FROM (SELECT (pareto_nbd_fit(frequency, recency, t)).* FROM rows) AS f});
	is($converged, 't', "$name: the fit converged");
	my $csv = "$PostgreSQL::Test::Utils::tmp_check/pareto_rows.csv";
	open my $fh, '>', $csv or die "$csv: $!";
	print $fh "frequency,recency,T\n",
	  map { join(',', split /\|/) . "\n" }
	  split /\n/, $node->safe_psql('postgres', 'SELECT frequency, recency, t FROM rows');
	close $fh;
	my $reference = `python3 -c "import sys; sys.path.insert(0, '$root/test'); import mpmath as mp; import covariance_reference as c; print(mp.nstr(c.pareto_nbd_loglik(c.bgnbd_rows('$csv'), [mp.mpf(v) for v in sys.argv[1:]]), 20))" $r $alpha $s $beta`;
	die "the mpmath reference failed" if $? != 0;
	chomp $reference;
	note "$name: r $r alpha $alpha s $s beta $beta, loglik $loglik, mpmath $reference";
	cmp_ok($beta / $alpha, '>', 100, "$name: beta / alpha above 100 (long series in 0.1.0)");
	cmp_ok(abs($loglik - $reference), '<=', 1e-10 * abs($reference),
		"$name: the log-likelihood at the optimum matches mpmath's to 1e-10");
	$node->safe_psql('postgres', 'DROP TABLE rows');
}

$node->stop;
done_testing();
