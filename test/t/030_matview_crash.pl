# Fault test: the server is killed (immediate shutdown) in the middle of a
# REFRESH MATERIALIZED VIEW of views built on our aggregates
# (btyd_summary and rfm per customer, cohort_retention per group). After
# crash recovery the views hold exactly their old contents (checksums taken
# before), and new refreshes, plain and CONCURRENTLY, succeed and hold
# exactly what their queries give over the changed orders.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $node = PostgreSQL::Test::Cluster->new('crash');
$node->init;
# every scan starts at block 0, so refreshes and checks see one row order
# (btyd_summary sums float8 amounts in row order)
$node->append_conf('postgresql.conf',
	"max_parallel_workers_per_gather = 0\nshared_buffers = 128MB\nsynchronize_seqscans = off\n");
$node->start;

my $customers = q{SELECT customer_id, btyd_summary(order_date, amount, date '2024-06-01', 'week') AS btyd,
       rfm(order_date, amount, date '2024-06-01') AS rfm
FROM orders GROUP BY customer_id};
my $cohorts = q{SELECT customer_id % 50 AS region, cohort_retention(customer_id, order_date, 'month', amount) AS matrix
FROM orders GROUP BY 1};

# 1.5 million orders of 150,000 customers; a refresh takes seconds
$node->safe_psql('postgres', <<"SQL");
CREATE EXTENSION retention;
CREATE TABLE orders AS
SELECT (g % 150000)::bigint AS customer_id, date '2023-01-01' + (hashint4(g) & 511) AS order_date,
       round(((hashint4(g + 1) & 65535) / 100.0)::numeric, 2) AS amount
FROM generate_series(1, 1500000) AS g;
CREATE MATERIALIZED VIEW customer_summary AS $customers;
CREATE UNIQUE INDEX ON customer_summary (customer_id);
CREATE MATERIALIZED VIEW cohort_summary AS $cohorts;
SQL

# count and checksum of a relation's rows (text form, ordered by the key)
sub checksum
{
	my ($from, $key) = @_;
	return $node->safe_psql('postgres',
		"SELECT count(*) || ':' || md5(string_agg(t::text, ',' ORDER BY t.$key)) FROM ($from) AS t");
}
my $old_customers = checksum('SELECT * FROM customer_summary', 'customer_id');
my $old_cohorts = checksum('SELECT * FROM cohort_summary', 'region');
like($old_customers, qr/^150000:/, 'customer_summary has a row per customer');

# new orders, and every order of some customers gone: new contents
$node->safe_psql('postgres', <<'SQL');
INSERT INTO orders
SELECT (g % 160000)::bigint, date '2024-05-01' + (hashint4(g) & 15), round((g % 500) / 10.0, 1)
FROM generate_series(1, 200000) AS g;
DELETE FROM orders WHERE customer_id % 97 = 0;
SQL

# the refreshes, one transaction killed while the second one runs
my $bg = $node->background_psql('postgres', on_error_stop => 0);
my $pid = $bg->query_safe('SELECT pg_backend_pid()');
$bg->query_until(qr/started/,
	"\\echo started\nBEGIN;\nREFRESH MATERIALIZED VIEW customer_summary;\nREFRESH MATERIALIZED VIEW cohort_summary;\nCOMMIT;\n");
ok($node->poll_query_until('postgres',
	"SELECT query LIKE 'REFRESH MATERIALIZED VIEW cohort_summary%' AND now() - query_start > interval '0.5 s' FROM pg_stat_activity WHERE pid = $pid"),
	'the second refresh of the transaction has run for half a second');
my $during = $node->safe_psql('postgres', "SELECT query FROM pg_stat_activity WHERE pid = $pid");
$node->stop('immediate');
note("killed during: $during");
$bg->{run}->pump_nb() while $bg->{run}->pumpable && !$bg->{timeout}->is_expired
  && $bg->{stderr} !~ /server closed the connection|terminating connection/;
like($bg->{stderr}, qr/server closed the connection|terminating connection/,
	'the refreshing session lost its server');
eval { $bg->quit };

$node->start;
is(checksum('SELECT * FROM customer_summary', 'customer_id'), $old_customers,
	'after crash recovery customer_summary holds its old contents');
is(checksum('SELECT * FROM cohort_summary', 'region'), $old_cohorts,
	'after crash recovery cohort_summary holds its old contents');

my $start = time;
$node->safe_psql('postgres', 'REFRESH MATERIALIZED VIEW CONCURRENTLY customer_summary');
$node->safe_psql('postgres', 'REFRESH MATERIALIZED VIEW cohort_summary');
note(sprintf('the two refreshes took %.1f s', time - $start));
my $new_customers = checksum($customers, 'customer_id');
my $new_cohorts = checksum($cohorts, 'region');
isnt($new_customers, $old_customers, 'the orders changed the customer summaries');
is(checksum('SELECT * FROM customer_summary', 'customer_id'), $new_customers,
	'a concurrent refresh after recovery gives what the query gives');
is(checksum('SELECT * FROM cohort_summary', 'region'), $new_cohorts,
	'a refresh after recovery gives what the query gives');
isnt($new_cohorts, $old_cohorts, 'the orders changed the cohort matrices');

$node->stop;
done_testing();
