# Explicit weights (issue 16 item 5, doc/clv.md) on the CDNOW data of
# ../shared/data (see its README.md): the 2,357 customers of
# cdnow_customers_summary.csv grouped into one row per distinct history
# with its count fit, with bigint and with integer weights, with and
# without a penalizer, to exactly the model of the row-level fit (compared
# as text, covariance included), and the same for Gamma-Gamma on the 946
# repeat customers of cdnow_customers_summary_with_transactions.csv.
# Skips when the data are absent.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use lib "$ENV{RETENTION_ROOT}/test/lib";
use CsvTable;

my ($summary, $spend) = cdnow_files();

my $node = PostgreSQL::Test::Cluster->new('fit_weights');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION retention');

load_cdnow($node, $summary, $spend);
$node->safe_psql('postgres', q{
    CREATE TABLE grouped AS
    SELECT frequency, recency, t, count(*) AS w FROM cdnow GROUP BY frequency, recency, t;
    CREATE TABLE grouped_spend AS
    SELECT x, zbar, count(*) AS w FROM cdnow_spend WHERE x > 0 GROUP BY x, zbar;
});

my ($rows, $groups) = split /\|/, $node->safe_psql('postgres',
	'SELECT (SELECT count(*) FROM cdnow), (SELECT count(*) FROM grouped)');
is($rows, 2357, 'CDNOW summary: 2,357 customers');
cmp_ok($groups, '<', $rows / 2, "grouped into $groups distinct histories");

my @cases = (
	[ 'bgnbd_fit(frequency, recency, t)', 'cdnow',
	  'bgnbd_fit(frequency, recency, t, w)', 'grouped', 'BG/NBD, bigint weights' ],
	[ 'bgnbd_fit(frequency, recency, t)', 'cdnow',
	  'bgnbd_fit(frequency::float8, recency, t, w::integer)', 'grouped',
	  'BG/NBD, float8 frequency, integer weights' ],
	[ 'bgnbd_fit(frequency, recency, t, 0.1)', 'cdnow',
	  'bgnbd_fit(frequency, recency, t, w, 0.1)', 'grouped', 'BG/NBD, weights and penalizer 0.1' ],
	[ 'gamma_gamma_fit(x, zbar)', 'cdnow_spend',
	  'gamma_gamma_fit(x, zbar, w)', 'grouped_spend', 'Gamma-Gamma, bigint weights' ],
	[ 'gamma_gamma_fit(x, zbar, 0.01)', 'cdnow_spend',
	  'gamma_gamma_fit(x::float8, zbar, w::integer, 0.01)', 'grouped_spend',
	  'Gamma-Gamma, integer weights and penalizer 0.01' ]);
for my $c (@cases)
{
	my ($plain, $from, $weighted, $wfrom, $name) = @$c;
	my $expanded = $node->safe_psql('postgres', "SELECT $plain FROM $from");
	my $got = $node->safe_psql('postgres', "SELECT $weighted FROM $wfrom");
	like($expanded, qr/,t,/, "$name: the row-level fit converges");
	is($got, $expanded, "$name: the weighted fit of the grouped rows is the row-level fit");
}
is($node->safe_psql('postgres', 'SELECT (bgnbd_fit(frequency, recency, t, w)).n FROM grouped'),
	'2357', 'n of the weighted fit is 2,357');

$node->stop;
done_testing();
