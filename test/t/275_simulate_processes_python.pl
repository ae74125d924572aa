# simulate_orders, simulate_mbgnbd_orders, simulate_pareto_nbd_orders and
# simulate_bgbb_histories (doc/simulate_orders.md) against a second
# implementation of their generators and processes in Python
# (test/simulate_reference.py, written from the doc): the same rows, bit
# for bit, for several seeds (a negative one too), cohort and staggered
# acquisition, and parameters where the samplers take their other branches
# (shapes below 1, a Beta draw that rounds to 0 or 1, lifetimes that
# underflow or overflow).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $root = $ENV{RETENTION_ROOT} or die "RETENTION_ROOT is not set";
plan skip_all => 'python3 is not installed' unless system('python3 -c "import math" 2>/dev/null') == 0;

my $node = PostgreSQL::Test::Cluster->new('simulate_python');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION retention');

# [process, customers, seed, six parameters and p, start, days, acquisition_days]
my @orders = (
	[ 'bgnbd',      2000, 11,  0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '2024-01-01', 273, 1 ],
	[ 'bgnbd',      2000, -7,  0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '2024-01-01', 366, 180 ],
	[ 'mbgnbd',     2000, 11,  0.525, 6.183, 0.891, 1.614, 6.25, 3.74, 15.44, '2024-01-01', 273, 1 ],
	[ 'mbgnbd',     2000, -7,  0.525, 6.183, 0.891, 1.614, 6.25, 3.74, 15.44, '2023-06-01', 365, 84 ],
	[ 'mbgnbd',     500,  3,   2,     10,    1e-3,  1e3,   0.5,  2.5,  3,     '2024-01-01', 100, 1 ],
	[ 'pareto_nbd', 2000, 11,  0.55,  10.58, 0.61,  11.67, 6.25, 3.74, 15.44, '2024-01-01', 273, 1 ],
	[ 'pareto_nbd', 2000, -7,  0.55,  10.58, 0.61,  11.67, 6.25, 3.74, 15.44, '2024-01-01', 2730, 365 ],
	[ 'pareto_nbd', 300,  5,   1,     1,     1e6,   1e-300, 6.25, 3.74, 15.44, '2024-01-01', 273, 1 ],
	[ 'pareto_nbd', 100,  5,   1,     1,     1e-300, 1,    0.3,  2.5,  2,     '2024-01-01', 60, 1 ],
);
for my $case (@orders)
{
	my ($process, @args) = @$case;
	my $function = $process eq 'bgnbd' ? 'simulate_orders' : "simulate_${process}_orders";
	my $expected = `python3 $root/test/simulate_reference.py $process @args`;
	die "test/simulate_reference.py failed" if $? != 0;
	my ($n, $seed, @rest) = @args;
	my ($start, $days, $acquisition) = @rest[ 7 .. 9 ];
	my $params = join(', ', @rest[ 0 .. 6 ]);
	my $got = $node->safe_psql('postgres',
		"SELECT customer_id || '|' || order_at || '|' || amount
		 FROM $function($n, $seed, $params, '$start', $days, $acquisition)");
	chomp $expected;
	my $rows = () = $expected =~ /\n/g;
	cmp_ok($rows, '>=', $n - 1, "$function($n, $seed, $params, $start, $days, $acquisition): Python drew its orders");
	is($got, $expected, "$function($n, $seed, $params, $start, $days, $acquisition): the rows of the Python implementation");
}

my @histories = (
	[ 3000, 11, 1.204, 0.750, 0.657, 2.783, 6 ],
	[ 3000, -7, 2, 3, 1, 4, 40 ],
	[ 500,  3,  1e-3, 1e3, 1e3, 1e-3, 20 ],
	[ 20,   3,  0.5, 0.5, 1e-6, 1e6, 100000 ],
);
for my $case (@histories)
{
	my @args = @$case;
	my $expected = `python3 $root/test/simulate_reference.py bgbb @args`;
	die "test/simulate_reference.py failed" if $? != 0;
	chomp $expected;
	my $call = 'simulate_bgbb_histories(' . join(', ', @args) . ')';
	my $got = $node->safe_psql('postgres',
		"SELECT concat_ws('|', customer_id, frequency, recency, n_periods) FROM $call");
	is($got, $expected, "$call: the histories of the Python implementation");
}

$node->stop;
done_testing();
