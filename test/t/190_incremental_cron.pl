# The incremental refresh recipe of examples/incremental.sql with a real
# pg_cron run (doc/incremental.md). On a node with pg_cron preloaded
# (background workers, no TCP), over simulated orders with an identity
# order_id: loading the file builds customer_state from the whole history,
# and the scored view equals a full recompute (rfm + rfm_score + segment
# over the orders, btyd_summary over the orders); the job, scheduled every
# minute, merges new orders (existing customers on a day that already has
# an order, refunds, new customers, a late order for an old day) and the
# view again equals a full recompute; a second run without new orders
# changes nothing (each order is merged once). Waits at most 130 s for
# pg_cron's next minute.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(sleep);
use lib "$ENV{RETENTION_ROOT}/test/lib";
use ExampleFiles;

my $node = cron_node('incremental_cron');

$node->safe_psql('postgres', <<'SQL');
CREATE EXTENSION retention;
CREATE TABLE orders (
    order_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL, order_date date NOT NULL, amount numeric(12, 2) NOT NULL);
INSERT INTO orders (customer_id, order_date, amount)
SELECT o.customer_id, o.order_at, o.amount
FROM simulate_orders(500, 11, 0.243, 2.5, 0.793, 2.426, 6.25, 3.74, 15.44,
                     current_date - 400, 390) AS o
ORDER BY o.order_at, o.customer_id;
SQL

run_example($node, 'examples/incremental.sql');
is($node->safe_psql('postgres', q{SELECT schedule, command FROM cron.job WHERE jobname = 'retention-incremental-refresh'}),
	'0 2 * * *|CALL refresh_customer_states()', 'the nightly job is scheduled');

# the view and the btyd states against a full recompute over the orders
my $recompute = q{
	SELECT count(*) || '|' || count(*) FILTER (WHERE v.customer_id IS NULL OR d.customer_id IS NULL
	    OR (v.recency_days, v.frequency, v.monetary, v.tenure_days, v.r_score, v.f_score, v.m_score, v.rfm_code, v.segment)
	       IS DISTINCT FROM ((d.x).recency_days, (d.x).frequency, (d.x).monetary, (d.x).tenure_days,
	                         (d.s).r, (d.s).f, (d.s).m, (d.s).code, segment(d.s)))
	FROM customer_rfm_incremental AS v
	FULL JOIN (SELECT customer_id, x, rfm_score(x) OVER () AS s
	           FROM (SELECT customer_id, rfm(order_date, amount, current_date) AS x
	                 FROM orders GROUP BY customer_id) AS c) AS d USING (customer_id)
};
my $btyd = q{
	SELECT count(*) || '|' || count(*) FILTER (WHERE s.customer_id IS NULL OR d.customer_id IS NULL
	    OR btyd_summary(s.btyd, current_date, 'week')::text IS DISTINCT FROM d.x::text)
	FROM customer_state AS s
	FULL JOIN (SELECT customer_id, btyd_summary(order_date, amount, current_date, 'week') AS x
	           FROM orders GROUP BY customer_id) AS d USING (customer_id)
};
my $customers = $node->safe_psql('postgres', 'SELECT count(DISTINCT customer_id) FROM orders');
ok($customers > 400, "the orders have $customers customers");
is($node->safe_psql('postgres', $recompute), "$customers|0",
	'after the first run, the scored view equals rfm + rfm_score + segment over the orders');
is($node->safe_psql('postgres', $btyd), "$customers|0",
	'after the first run, btyd_summary of every state equals btyd_summary over the orders');

# new orders: existing customers on a day they already bought on, refunds,
# 30 new customers yesterday, and a late order dated 200 days back
$node->safe_psql('postgres', q{SELECT cron.schedule('retention-incremental-refresh', '* * * * *', 'CALL refresh_customer_states()')});
my $inserted = $node->safe_psql('postgres', q{
	INSERT INTO orders (customer_id, order_date, amount)
	SELECT customer_id, max(order_date), 12.34 FROM orders WHERE customer_id % 7 = 0 GROUP BY customer_id;
	INSERT INTO orders (customer_id, order_date, amount)
	SELECT customer_id, current_date - 1, -5.00 FROM orders WHERE customer_id % 11 = 0 GROUP BY customer_id;
	INSERT INTO orders (customer_id, order_date, amount)
	SELECT 900000 + i, current_date - 1, 10 * i FROM generate_series(1, 30) AS i;
	INSERT INTO orders (customer_id, order_date, amount)
	SELECT min(customer_id), current_date - 200, 99.99 FROM orders;
	SELECT now()});
isnt($node->safe_psql('postgres', $recompute), ($customers + 30) . '|0',
	'before the job runs, the view does not yet equal the recompute');

# wait_for_run(AFTER): the status line of the first run started after AFTER
sub wait_for_run
{
	my ($after) = @_;
	my $run = '';
	for (my $waited = 0; $waited < 130; $waited += 0.5)
	{
		$run = $node->safe_psql('postgres', qq{
			SELECT status || ': ' || coalesce(return_message, '') FROM cron.job_run_details
			WHERE start_time > '$after' AND status IN ('succeeded', 'failed')
			ORDER BY start_time LIMIT 1});
		return $run if $run ne '';
		sleep 0.5;
	}
	return $run;
}
like(wait_for_run($inserted), qr/^succeeded: CALL/, 'the cron job ran after the new orders and succeeded');
is($node->safe_psql('postgres', $recompute), ($customers + 30) . '|0',
	'after the cron run, the scored view equals a full recompute (30 new customers)');
is($node->safe_psql('postgres', $btyd), ($customers + 30) . '|0',
	'after the cron run, every btyd state equals btyd_summary over the orders (same-day purchases merged)');
is($node->safe_psql('postgres', q{SELECT last_order_id = (SELECT max(order_id) FROM orders) FROM customer_state_watermark}),
	't', 'the watermark is the last order merged');

# a run with nothing new changes nothing
my $before = $node->safe_psql('postgres', q{SELECT md5(string_agg(customer_id || rfm::text || btyd::text, ',' ORDER BY customer_id)) FROM customer_state});
my $idle = $node->safe_psql('postgres', 'SELECT now()');
like(wait_for_run($idle), qr/^succeeded: CALL/, 'the next cron run succeeded');
is($node->safe_psql('postgres', q{SELECT md5(string_agg(customer_id || rfm::text || btyd::text, ',' ORDER BY customer_id)) FROM customer_state}),
	$before, 'a run without new orders leaves every state as it was');

$node->safe_psql('postgres', q{SELECT cron.unschedule('retention-incremental-refresh')});
$node->stop;
done_testing();
