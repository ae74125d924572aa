# Cancel and limits: statement_timeout and pg_cancel_backend stop a large
# cohort_retention aggregate (serial and parallel) and a long Pareto/NBD
# fit within a generous bound
# (the measured latency is reported with note); an error that only a
# parallel worker sees surfaces as a normal ERROR with its SQLSTATE and the
# session stays usable; hash aggregates that spill to disk (work_mem 64kB)
# give exactly the answers of in-memory ones for btyd_summary, rfm per
# customer and cohort_retention per group.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time sleep);

# A cancel must land within this many seconds (it takes well under one on
# an idle machine; the bound leaves room for a busy shared one).
my $bound = 5;

my $node = PostgreSQL::Test::Cluster->new('limits');
$node->init;
$node->append_conf('postgresql.conf', <<'CONF');
max_worker_processes = 8
max_parallel_workers = 4
max_parallel_workers_per_gather = 2
shared_buffers = 128MB
CONF
$node->start;
$node->safe_psql('postgres', <<'SQL');
CREATE EXTENSION retention;
-- 600,000 orders of 60,000 customers over two years, deterministic
CREATE TABLE orders AS
SELECT (g % 60000)::bigint AS customer_id,
       date '2023-01-01' + (hashint4(g) & 511) AS order_date,
       timestamptz '2023-01-01 00:00+00' + (hashint4(g) & 511) * interval '1 day'
           + (hashint4(g + 1) & 1023) * interval '1 minute' AS order_at,
       round(((hashint4(g + 2) & 65535) / 100.0)::numeric, 2) AS amount
FROM generate_series(1, 600000) AS g;
ANALYZE orders;
SQL

# The long aggregate: 20 million rows from a nested loop of two small
# function scans (nothing is materialized in bulk), 300,000 customers.
my $serial_query = q{SELECT cohort_retention((a * 4000 + b) % 300000, date '2020-01-01' + (a * 7 + b * 13) % 1000, 'day') IS NOT NULL
FROM generate_series(1, 5000) AS a, generate_series(1, 4000) AS b};
# Its parallel form: a partial aggregate per worker over orders x 40.
my $parallel_setup = q{SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 2;};
my $parallel_query = q{SELECT cohort_retention(customer_id * 41 + k, order_date, 'day') IS NOT NULL
FROM orders, generate_series(1, 40) AS k};
# A long fit: Pareto/NBD over 20,000 distinct customer summaries (well over
# 30 s here), whose rows take a fraction of a second, so the cancel lands
# in the optimizer of the final function.
my $fit_query = q{SELECT pareto_nbd_fit(f, CASE WHEN f = 0 THEN 0 ELSE r END, t) IS NOT NULL
FROM (SELECT g % 7 AS f, (g % 997)::float8 / 10 AS r, 100 + (g % 1009)::float8 / 7 AS t
      FROM generate_series(1, 20000) AS g) AS s};

like($node->safe_psql('postgres', "$parallel_setup EXPLAIN (COSTS OFF) $parallel_query"),
	qr/Gather.*Partial Aggregate/s, 'the parallel form has a Gather over a Partial Aggregate');

my @long = ([ 'serial cohort_retention', '', $serial_query ],
	[ 'parallel cohort_retention', $parallel_setup, $parallel_query ],
	[ 'pareto_nbd_fit', '', $fit_query ]);

# statement_timeout: the error and the time it took past the timeout.
for my $case (@long)
{
	my ($name, $setup, $query) = @$case;
	my $start = time;
	my ($rc, $out, $err) = $node->psql('postgres', "$setup SET statement_timeout = '1s'; $query");
	my $late = time - $start - 1;
	like($err, qr/canceling statement due to statement timeout/,
		"statement_timeout stops the $name aggregate");
	note(sprintf('%s: stopped %.3f s after statement_timeout', $name, $late));
	cmp_ok($late, '<', $bound, "$name: statement_timeout takes effect within $bound s");
}

# pg_cancel_backend from another session while the aggregate runs.
for my $case (@long)
{
	my ($name, $setup, $query) = @$case;
	my $bg = $node->background_psql('postgres', on_error_stop => 0);
	my $pid = $bg->query_safe('SELECT pg_backend_pid()');
	$bg->query_safe($setup) if $setup;
	$bg->query_until(qr/started/, "\\echo started\n$query;\n");
	$node->poll_query_until('postgres',
		"SELECT state = 'active' AND now() - query_start > interval '0.5 s' FROM pg_stat_activity WHERE pid = $pid")
	  or die "the $name query did not start";
	my $start = time;
	$node->safe_psql('postgres', "SELECT pg_cancel_backend($pid)");
	$bg->{run}->pump() until $bg->{stderr} =~ /canceling statement due to user request/
	  || $bg->{timeout}->is_expired;
	my $late = time - $start;
	like($bg->{stderr}, qr/canceling statement due to user request/,
		"pg_cancel_backend stops the $name aggregate");
	note(sprintf('%s: stopped %.3f s after pg_cancel_backend', $name, $late));
	cmp_ok($late, '<', $bound, "$name: the cancel takes effect within $bound s");
	$bg->{stderr} = '';
	is($bg->query('SELECT 41 + 1'), '42', "$name: the cancelled session is usable");
	$bg->quit;
}

# Errors that only a parallel worker sees (the leader does not scan):
# bad arguments on one row, raised in the worker, reported with their
# SQLSTATE by the leader; then the session goes on.
my $worker_setup = "$parallel_setup SET parallel_leader_participation = off; \\set VERBOSITY verbose";
for my $case (
	[ 'cohort_retention', "cohort_retention(customer_id, order_date, 'month', CASE WHEN customer_id = 4242 THEN 'NaN' ELSE amount END)",
		'22023', qr/amount must be a finite number/ ],
	[ 'btyd_summary', "btyd_summary(order_date, amount, date '2024-06-01', CASE WHEN customer_id = 4242 THEN 'year' ELSE 'week' END)",
		'22023', qr/unit must be day, week or month/ ],
	[ 'rfm', "rfm(CASE WHEN customer_id = 4242 THEN 'infinity'::date ELSE order_date END, amount, date '2024-06-01')",
		'22023', qr/order_at must be finite/ ])
{
	my ($name, $call, $sqlstate, $message) = @$case;
	like($node->safe_psql('postgres', "$worker_setup\nEXPLAIN (COSTS OFF) SELECT $call IS NULL FROM orders"),
		qr/Gather.*Partial Aggregate/s, "$name: the plan aggregates in workers");
	my ($rc, $out, $err) = $node->psql('postgres',
		"$worker_setup\nSELECT $call IS NULL FROM orders;\nSELECT 'still here';", on_error_stop => 0);
	like($err, qr/ERROR:  $sqlstate: .*$message/, "$name: the worker's error is an ERROR $sqlstate");
	like($err, qr/CONTEXT:  parallel worker/, "$name: the error came from a parallel worker");
	like($out, qr/still here/, "$name: the session goes on after the error");
}

# Hash aggregates that spill: the same answers as in memory. Each query
# lists every group's result in a checksum; the spilled run must report
# more than one batch or disk usage in EXPLAIN ANALYZE. Scans start at the
# table's first block (no synchronized scans), so both runs see the rows
# in one order: btyd_summary's float8 sums may differ in the last bit
# between row orders.
my $serial = "SET max_parallel_workers_per_gather = 0; SET enable_sort = off; SET synchronize_seqscans = off;";
my $spill = "$serial SET work_mem = '64kB'; SET hash_mem_multiplier = 1;";
my $memory = "$serial SET work_mem = '1GB';";
for my $case (
	[ 'btyd_summary per customer', 'customer_id', "btyd_summary(order_date, amount, date '2024-06-01', 'week')" ],
	[ 'btyd_summary per customer (timestamptz, float8)', 'customer_id',
		"btyd_summary(order_at, amount::float8, timestamptz '2024-06-01 00:00+00', 'day')" ],
	[ 'rfm per customer', 'customer_id', "rfm(order_date, amount, date '2024-06-01')" ],
	[ 'rfm per customer (timestamptz)', 'customer_id', "rfm(order_at, amount, timestamptz '2024-06-01 00:00+00')" ],
	[ 'cohort_retention per group', 'customer_id % 2000', "cohort_retention(customer_id, order_date, 'month', amount)" ])
{
	my ($name, $key, $agg) = @$case;
	my $query = "SELECT $key AS k, $agg AS v FROM orders GROUP BY 1";
	my $sum = "SELECT count(*), md5(string_agg(k || ':' || v::text, ',' ORDER BY k)) FROM ($query) AS s";
	my $plan = $node->safe_psql('postgres', "$spill EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, FORMAT JSON) $query");
	my ($batches) = $plan =~ /"HashAgg Batches": (\d+)/;
	my ($disk) = $plan =~ /"Disk Usage": (\d+)/;
	ok(defined $batches && ($batches > 1 || ($disk // 0) > 0),
		"$name: the small work_mem hash aggregate spills (" . ($batches // 'no') . " batches, "
		  . ($disk // 0) . ' kB on disk)');
	my $spilled = $node->safe_psql('postgres', "$spill $sum");
	my $in_memory = $node->safe_psql('postgres', "$memory $sum");
	is($spilled, $in_memory, "$name: spilled and in-memory hash aggregates agree ($in_memory)");
}

$node->stop;
done_testing();
