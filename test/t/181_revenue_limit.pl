# The size limit of revenue_retention: 25,000,000 customer-period cells
# (REVENUE_MAX_CELLS). One day more for 100,000 customers is error 54000,
# raised by the final function before the matrix is allocated; exactly the
# limit is accepted and reads back (the cells counted by mrr_movements'
# customers column). About a minute: it aggregates 25 million rows twice.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('revenue_limit');
$node->init;
$node->append_conf('postgresql.conf', "max_parallel_workers_per_gather = 0\nwork_mem = '64MB'\n");
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION retention');

# 100,000 customers paying every day: 250 days are exactly the limit
my $cells = sub {
	my ($days) = @_;
	return "SELECT revenue_retention(c, date '2020-01-01' + d, 1.00, 'day') "
	  . "FROM generate_series(1::bigint, 100000) AS c, generate_series(0, $days - 1) AS d";
};

my ($rc, $out, $err) = $node->psql('postgres', "SELECT revenue_retention IS NULL FROM (" . $cells->(251) . ") AS m",
	extra_params => [ '-v', 'VERBOSITY=verbose' ]);
isnt($rc, 0, 'one day more than the limit fails');
like($err, qr/ERROR:\s+54000: revenue matrix would have too many cells/, 'error 54000');
like($err, qr/100000 customers by 'day' need 25100000 customer-period cells; the limit is 25000000/,
	'the detail names the cells and the limit');

is($node->safe_psql('postgres',
		"SELECT sum(customers) FROM mrr_movements((" . $cells->(250) . "))"),
	'25000000', 'exactly the limit is accepted: 25,000,000 paying cells');

$node->stop;
done_testing();
