# The BI layer of examples/ and its pg_cron schedule. On a node with pg_cron
# preloaded (background workers, no TCP), over simulated orders:
# examples/bi_views.sql creates views whose every column is of a plain
# built-in type (pg_catalog, no composite, no array) with a unique index
# each, so REFRESH ... CONCURRENTLY works; their values equal the
# extension's own results field by field; examples/pg_cron.sql schedules
# the nightly refresh; run every minute, the job refreshes the views after
# new orders arrive (waits at most 130 s for pg_cron's next minute).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(sleep);
use lib "$ENV{RETENTION_ROOT}/test/lib";
use ExampleFiles;

my @views = qw(customer_rfm segment_summary cohort_heatmap customer_clv);

my $node = cron_node('bi_cron');


# three monthly cohorts of simulated customers, orders to the end of last month
$node->safe_psql('postgres', <<'SQL');
CREATE EXTENSION retention;
CREATE TABLE orders AS
SELECT m * 1000000 + o.customer_id AS customer_id, o.order_at AS order_date, o.amount
FROM generate_series(0, 2) AS m,
     LATERAL simulate_orders(300, 7 + m, 0.243, 2.5, 0.793, 2.426, 6.25, 3.74, 15.44,
         (date_trunc('month', current_date) - make_interval(months => 3 - m))::date,
         date_trunc('month', current_date)::date
           - (date_trunc('month', current_date) - make_interval(months => 3 - m))::date) AS o;
SQL
run_example($node, 'examples/bi_views.sql');

# what a BI tool sees: plain built-in types only
is($node->safe_psql('postgres', q{
	SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_class AS c
	WHERE c.relkind = 'm' AND c.relnamespace = 'public'::regnamespace}),
	join(',', sort @views), 'the BI views exist');
is($node->safe_psql('postgres', q{
	SELECT coalesce(string_agg(c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', '), 'none')
	FROM pg_class AS c
	JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
	JOIN pg_type AS t ON t.oid = a.atttypid
	WHERE c.relkind = 'm' AND c.relnamespace = 'public'::regnamespace
	  AND (t.typnamespace <> 'pg_catalog'::regnamespace OR t.typtype <> 'b' OR t.typcategory = 'A')}),
	'none', 'every column of every BI view is a built-in scalar type (pg_catalog, not composite, not array)');
for my $view (@views)
{
	is($node->safe_psql('postgres', qq{
		SELECT count(*) FROM pg_index
		WHERE indrelid = '$view'::regclass AND indisunique AND indpred IS NULL AND indexprs IS NULL}),
		'1', "$view has a unique index on plain columns");
	is($node->psql('postgres', "REFRESH MATERIALIZED VIEW CONCURRENTLY $view"), 0,
		"REFRESH MATERIALIZED VIEW CONCURRENTLY $view works");
}
$node->safe_psql('postgres', 'CALL refresh_bi_views()');

# the plain columns hold the extension's values
is($node->safe_psql('postgres', q{
	SELECT count(*), count(*) FILTER (WHERE v.customer_id IS NULL OR d.customer_id IS NULL
	    OR (v.recency_days, v.frequency, v.monetary, v.tenure_days, v.r_score, v.f_score, v.m_score, v.rfm_code, v.segment)
	       IS DISTINCT FROM ((d.x).recency_days, (d.x).frequency, (d.x).monetary, (d.x).tenure_days,
	                         (d.s).r, (d.s).f, (d.s).m, (d.s).code, segment(d.s)))
	FROM customer_rfm AS v
	FULL JOIN (SELECT customer_id, x, rfm_score(x) OVER () AS s
	           FROM (SELECT customer_id, rfm(order_date, amount, current_date) AS x
	                 FROM orders GROUP BY customer_id) AS c) AS d USING (customer_id)}),
	'900|0', 'customer_rfm: 900 customers, every field equals rfm, rfm_score and segment');
is($node->safe_psql('postgres', q{
	SELECT sum(customers) = (SELECT count(*) FROM customer_rfm),
	       sum(revenue) = (SELECT sum(amount) FROM orders),
	       abs(sum(customer_share) - 1) < 1e-12 AND abs(sum(revenue_share) - 1) < 1e-12
	FROM segment_summary}),
	't|t|t', 'segment_summary adds up to the customers and the revenue');
is($node->safe_psql('postgres', q{
	SELECT count(*), count(*) FILTER (WHERE h.cohort IS NULL OR t.cohort IS NULL
	    OR (h.cohort_size, h.active, h.retention, h.revenue) IS DISTINCT FROM (t.cohort_size, t.active, t.retention, t.revenue)
	    OR h.period <> (h.cohort + h.period_offset * interval '1 month'))
	FROM cohort_heatmap AS h
	FULL JOIN (SELECT t.* FROM (SELECT cohort_retention(customer_id, order_date, 'month', amount) AS m FROM orders) AS x,
	           cohort_table(x.m) AS t) AS t USING (cohort, period_offset)}),
	'6|0', 'cohort_heatmap: the 6 cells of 3 cohorts, equal to cohort_table');

is($node->safe_psql('postgres', q{
	WITH s AS (SELECT customer_id, btyd_summary(order_date, amount, current_date, 'week') AS x
	           FROM orders WHERE order_date < current_date GROUP BY customer_id),
	     f AS (SELECT bgnbd_fit((x).frequency, (x).recency, (x).t) AS bg,
	                  gamma_gamma_fit((x).frequency, (x).monetary_value) AS gg FROM s)
	SELECT count(*), count(*) FILTER (WHERE v.customer_id IS NULL OR s.customer_id IS NULL
	    OR (v.frequency, v.recency_weeks, v.age_weeks, v.monetary_value) IS DISTINCT FROM ((s.x).frequency, (s.x).recency, (s.x).t, (s.x).monetary_value)
	    OR v.p_alive IS DISTINCT FROM bgnbd_p_alive(f.bg, (s.x).frequency, (s.x).recency, (s.x).t)
	    OR v.expected_spend IS DISTINCT FROM gamma_gamma_expected_spend(f.gg, (s.x).frequency, (s.x).monetary_value)
	    OR v.clv_12m IS DISTINCT FROM cltv(f.bg, f.gg, (s.x).frequency, (s.x).recency, (s.x).t, (s.x).monetary_value, 12, 0.01, 'week')
	    OR (v.fit_r, v.fit_alpha, v.fit_a, v.fit_b, v.fit_p, v.fit_q, v.fit_v) IS DISTINCT FROM ((f.bg).r, (f.bg).alpha, (f.bg).a, (f.bg).b, (f.gg).p, (f.gg).q, (f.gg).v)),
	       bool_and(v.fit_converged)
	FROM customer_clv AS v FULL JOIN s USING (customer_id), f}),
	'900|0|t', 'customer_clv: 900 customers, every field equals btyd_summary, the fits and their accessors');

# the schedule: nightly at 03:00
run_example($node, 'examples/pg_cron.sql');
is($node->safe_psql('postgres', q{SELECT schedule, command, database FROM cron.job WHERE jobname = 'retention-bi-refresh'}),
	'0 3 * * *|CALL refresh_bi_views()|postgres', 'pg_cron.sql schedules the nightly refresh');

# run it every minute, add orders, and wait for a run that started after them
$node->safe_psql('postgres', q{SELECT cron.schedule('retention-bi-refresh', '* * * * *', 'CALL refresh_bi_views()')});
my $before = $node->safe_psql('postgres', 'SELECT count(*) FROM customer_rfm');
my $inserted = $node->safe_psql('postgres', q{
	INSERT INTO orders SELECT 9000000 + i, current_date - 1, 10 * i FROM generate_series(1, 50) AS i;
	SELECT now()});
my $run = '';
for (my $waited = 0; $waited < 130; $waited += 0.5)
{
	$run = $node->safe_psql('postgres', qq{
		SELECT status || ': ' || coalesce(return_message, '') FROM cron.job_run_details
		WHERE start_time > '$inserted' AND status IN ('succeeded', 'failed')
		ORDER BY start_time LIMIT 1});
	last if $run ne '';
	sleep 0.5;
}
like($run, qr/^succeeded: CALL/, 'the cron job ran after the insert and succeeded')
  or diag("job run: '$run'");
is($node->safe_psql('postgres', q{
	SELECT count(*), count(*) FILTER (WHERE customer_id > 9000000 AND segment = 'New Customers' AND recency_days = 1)
	FROM customer_rfm}),
	($before + 50) . '|50', 'customer_rfm changed: the 50 new customers of yesterday are there, as New Customers');
is($node->safe_psql('postgres', q{
	SELECT sum(cohort_size) FILTER (WHERE period_offset = 0), sum(revenue) = (SELECT sum(amount) FROM orders)
	FROM cohort_heatmap}),
	($before + 50) . '|t', 'cohort_heatmap changed: cohort sizes and revenue include the new customers');
is($node->safe_psql('postgres', q{
	SELECT count(*), count(*) FILTER (WHERE customer_id > 9000000 AND frequency = 0 AND abs(age_weeks - 1 / 7.0) < 1e-12)
	FROM customer_clv}),
	($before + 50) . '|50', 'customer_clv changed: the 50 new customers are there, with no repeat purchase yet');

$node->safe_psql('postgres', q{SELECT cron.unschedule('retention-bi-refresh')});
$node->stop;
done_testing();
