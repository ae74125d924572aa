# Reference fits on the CDNOW data of Fader, Hardie & Lee (2005), read from
# ../shared/data (see its README.md): BG/NBD and Pareto/NBD on
# cdnow_customers_summary.csv (2,357 customers, weeks), Gamma-Gamma on the
# 946 repeat customers of cdnow_customers_summary_with_transactions.csv.
# Published values (FHL 2005: 0.243, 4.414, 0.793, 2.426, LL -9582.4) to
# the precision lifetimes reproduces them: parameters to 4 significant
# digits, log-likelihoods to 0.01. Skips when the data are absent.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use lib "$ENV{RETENTION_ROOT}/test/lib";
use CsvTable;

my ($summary, $spend) = cdnow_files();

my $node = PostgreSQL::Test::Cluster->new('cdnow');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION retention');

load_cdnow($node, $summary, $spend);
is($node->safe_psql('postgres', 'SELECT count(*) FROM cdnow'), '2357', 'CDNOW summary loaded');
is($node->safe_psql('postgres', 'SELECT count(*) FROM cdnow_spend WHERE x > 0'), '946', '946 repeat customers');

# agree to 4 significant digits: relative difference below 5e-4 of the reference
sub close_to
{
	my ($got, $want, $name) = @_;
	ok(abs($got - $want) <= 5e-4 * abs($want), "$name: $got vs $want");
}

sub fit
{
	my ($sql) = @_;
	return split /\|/, $node->safe_psql('postgres', $sql);
}

my @bg = fit('SELECT (m).r, (m).alpha, (m).a, (m).b, (m).loglik, (m).n, (m).converged
              FROM (SELECT bgnbd_fit(frequency, recency, t) AS m FROM cdnow) AS f');
close_to($bg[0], 0.2426, 'BG/NBD r');
close_to($bg[1], 4.4135, 'BG/NBD alpha');
close_to($bg[2], 0.7929, 'BG/NBD a');
close_to($bg[3], 2.4258, 'BG/NBD b');
ok(abs($bg[4] - -9582.43) < 0.01, "BG/NBD LL $bg[4]");
is($bg[5], '2357', 'BG/NBD n');
is($bg[6], 't', 'BG/NBD converged');

my @pn = fit('SELECT (m).r, (m).alpha, (m).s, (m).beta, (m).loglik, (m).converged
              FROM (SELECT pareto_nbd_fit(frequency, recency, t) AS m FROM cdnow) AS f');
close_to($pn[0], 0.5533, 'Pareto/NBD r');
close_to($pn[1], 10.578, 'Pareto/NBD alpha');
close_to($pn[2], 0.6062, 'Pareto/NBD s');
close_to($pn[3], 11.667, 'Pareto/NBD beta');
ok(abs($pn[4] - -9594.97) < 0.01, "Pareto/NBD LL $pn[4]");
is($pn[5], 't', 'Pareto/NBD converged');

my @gg = fit('SELECT (m).p, (m).q, (m).v, (m).loglik, (m).n, (m).converged
              FROM (SELECT gamma_gamma_fit(x, zbar) AS m FROM cdnow_spend) AS f');
close_to($gg[0], 6.2488, 'Gamma-Gamma p');
close_to($gg[1], 3.7446, 'Gamma-Gamma q');
close_to($gg[2], 15.448, 'Gamma-Gamma v');
ok(abs($gg[3] - -4055.92) < 0.01, "Gamma-Gamma LL $gg[3] (full log-density of the mean spends)");
is($gg[4], '946', 'Gamma-Gamma skips frequency 0');
is($gg[5], 't', 'Gamma-Gamma converged');

# a parallel plan (partial aggregates, serialized states) gives the same fit
$node->safe_psql('postgres', 'CREATE TABLE cdnow_big AS SELECT c.* FROM cdnow AS c, generate_series(1, 20)');
my $parallel = $node->safe_psql('postgres', q{
    SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
    SET max_parallel_workers_per_gather = 2;
    EXPLAIN (COSTS OFF) SELECT bgnbd_fit(frequency, recency, t) FROM cdnow_big});
like($parallel, qr/Partial Aggregate/, 'plan has partial aggregates');
my @big = fit(q{
    SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
    SET max_parallel_workers_per_gather = 2;
    SELECT (m).r, (m).alpha, (m).a, (m).b, (m).n FROM (SELECT bgnbd_fit(frequency, recency, t) AS m FROM cdnow_big) AS f});
is($big[4], '47140', 'parallel fit counts every customer');
for my $i (0 .. 3)
{
	ok(abs($big[$i] - $bg[$i]) <= 1e-6 * abs($bg[$i]), "20 copies of CDNOW: parameter $i $big[$i] equals $bg[$i]");
}

$node->stop;
done_testing();
