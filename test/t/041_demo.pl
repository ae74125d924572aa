# The product tour (demo/report.sql, what tools/demo.sh prints) runs without
# an error or a warning on a fresh node, prints every section, and the
# tables it leaves behind hold sane numbers: every simulated customer is
# there once, segments and cohorts add up to the totals, retention lies in
# [0, 1], and the stored May breaks score the May population exactly as the
# window form does.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $root = $ENV{RETENTION_ROOT} or die "RETENTION_ROOT is not set";

my $node = PostgreSQL::Test::Cluster->new('demo');
$node->init;
$node->start;

my ($out, $err) = ('', '');
my $rc = $node->psql('postgres', '',
	stdout => \$out, stderr => \$err,
	extra_params => [ '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', "$root/demo/report.sql" ]);
is($rc, 0, 'demo/report.sql runs to the end');
is($err, '', 'no error, warning or notice on stderr');
for my $section ('== Orders', '== RFM segments', '== Cohort retention', 'pooled over the cohorts',
	'== BG/NBD', '== The ten most valuable', '== Stored breaks', '== Segment migration',
	'== Customer lifetimes', '== Model check', '== Monthly revenue movements',
	'== Net and gross revenue retention')
{
	like($out, qr/\Q$section\E/, "prints section '$section'");
}

# 18 cohorts of 4,000 + 250 m customers, m = 0..17; every simulated customer
# has a first order at the start of the cohort's month
my $customers = 0;
$customers += 4000 + 250 * $_ for 0 .. 17;
is($node->safe_psql('postgres',
	'SELECT count(DISTINCT customer_id), count(*) BETWEEN 200000 AND 400000, min(order_date), max(order_date) FROM orders'),
	"$customers|t|2024-01-01|2025-06-30", "$customers customers, a few hundred thousand orders, January 2024 to June 2025");

is($node->safe_psql('postgres', q{
	SELECT count(*), count(DISTINCT customer_id), count(segment), count(DISTINCT segment),
	       sum((rfm).monetary) = (SELECT sum(amount) FROM orders),
	       sum((rfm).frequency) = (SELECT count(*) FROM orders WHERE amount >= 0)
	FROM rfm_june}),
	"$customers|$customers|$customers|10|t|t",
	'RFM: one row per customer, all 10 segments used, revenue and orders add up');

is($node->safe_psql('postgres', q{
	SELECT count(DISTINCT cohort), sum(cohort_size) FILTER (WHERE period_offset = 0),
	       bool_and(retention BETWEEN 0 AND 1), bool_and(retention = 1) FILTER (WHERE period_offset = 0),
	       sum(revenue) = (SELECT sum(amount) FROM orders),
	       bool_and(retention BETWEEN 0.10 AND 0.25) FILTER (WHERE period_offset = 1)
	FROM cohorts, cohort_table(matrix)}),
	"18|$customers|t|t|t|t",
	'cohorts: 18 months, sizes add up, retention in [0, 1], revenue adds up, month-1 retention 10-25 %');

# the fits converge near the simulated truth (alpha is biased up by the
# merging of same-day orders, doc/simulate_orders.md: allow 15 %)
is($node->safe_psql('postgres', q{
	SELECT (bgnbd).converged, (gamma_gamma).converged, (bgnbd).n, (gamma_gamma).n = (SELECT count(*) FROM summaries WHERE frequency > 0),
	       abs((bgnbd).r / 0.243 - 1) < 0.15 AND abs((bgnbd).alpha / 2.5 - 1) < 0.15
	       AND abs((bgnbd).a / 0.793 - 1) < 0.15 AND abs((bgnbd).b / 2.426 - 1) < 0.15,
	       abs((gamma_gamma).p / 6.25 - 1) < 0.15 AND abs((gamma_gamma).q / 3.74 - 1) < 0.15
	       AND abs((gamma_gamma).v / 15.44 - 1) < 0.15
	FROM fits}),
	"t|t|$customers|t|t|t", 'BG/NBD and Gamma-Gamma fits converge within 15 % of the truth');
is($node->safe_psql('postgres', q{
	SELECT bool_and(p BETWEEN 0 AND 1), bool_and(c >= 0), count(*) FILTER (WHERE c > 1000) BETWEEN 1 AND 10000
	FROM (SELECT bgnbd_p_alive(bgnbd, frequency, recency, t) AS p,
	             cltv(bgnbd, gamma_gamma, frequency, recency, t, monetary_value, 12, 0.01, 'week') AS c
	      FROM summaries, fits) AS x}),
	't|t|t', 'P(alive) in [0, 1], CLV not negative, a few customers above 1,000');

is($node->safe_psql('postgres', q{
	SELECT count(*), count(*) FILTER (WHERE may IS NULL), count(*) FILTER (WHERE june IS NULL)
	FROM migration}),
	"$customers|8250|0", 'migration: every customer, the 8,250 of June new, none lost');

is($node->safe_psql('postgres', q{
	SELECT count(*) FILTER (WHERE rfm_score(x, b.breaks) IS DISTINCT FROM w)
	FROM (SELECT x, rfm_score(x) OVER () AS w
	      FROM (SELECT rfm(order_date, amount, date '2025-05-31') AS x
	            FROM orders GROUP BY customer_id) AS c
	      WHERE x IS NOT NULL) AS s, rfm_breaks_2025_05 AS b}),
	'0', 'the stored May breaks score the May population as the window form does');

# the holdout check: the customers of the cohorts acquired by March (m =
# 0..14) have a split, those of April to June none; the model, which is the
# truth here, predicts every class and the total within 15 % (same-day
# merges bias alpha, as above); the actual total is the purchase days after
# March of the customers seen by then
my $acquired_by_march = 0;
$acquired_by_march += 4000 + 250 * $_ for 0 .. 14;
is($node->safe_psql('postgres', q{
	SELECT sum(customers), count(*),
	       bool_and(abs(predicted / actual - 1) < 0.15),
	       abs(sum(customers * predicted) / sum(customers * actual) - 1) < 0.15,
	       round(sum(customers * actual)) = (SELECT count(DISTINCT (customer_id, order_date)) FROM orders
	                                  WHERE order_date > date '2025-03-31'
	                                    AND customer_id IN (SELECT customer_id FROM orders WHERE order_date <= date '2025-03-31'))
	FROM holdout_check}),
	"$acquired_by_march|8|t|t|t", 'holdout check: the customers acquired by March, 8 classes, predictions within 15 % of the actual purchase days');
# Revenue retention against the mrr-playbook in plain SQL (doc/revenue.md):
# a spine of every customer and month from January 2024 to June 2025, the
# customer's MRR the month's order total when it is > 0 (else 0), and each
# change of MRR put in its column by comparing with the month before.
$node->safe_psql('postgres', q{
	CREATE TABLE playbook AS
	SELECT c.customer_id, m.month,
	       coalesce(greatest(t.total, 0), 0) AS mrr,
	       coalesce(lag(greatest(t.total, 0)) OVER w, 0) AS before,
	       count(*) FILTER (WHERE t.total > 0) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS paid_before
	FROM (SELECT DISTINCT customer_id FROM orders) AS c
	CROSS JOIN generate_series(date '2024-01-01', date '2025-06-01', interval '1 month') AS m(month)
	LEFT JOIN (SELECT customer_id, date_trunc('month', order_date) AS month, sum(amount) AS total
	           FROM orders GROUP BY 1, 2) AS t USING (customer_id, month)
	WINDOW w AS (PARTITION BY c.customer_id ORDER BY m.month)});
is($node->safe_psql('postgres', q{
	WITH expected AS (
	    SELECT month::date AS period, count(*) FILTER (WHERE mrr > 0) AS customers, sum(mrr) AS mrr,
	           coalesce(sum(mrr) FILTER (WHERE mrr > 0 AND paid_before = 0), 0) AS new,
	           coalesce(sum(mrr - before) FILTER (WHERE before > 0 AND mrr > before), 0) AS expansion,
	           coalesce(sum(before - mrr) FILTER (WHERE mrr > 0 AND before > mrr), 0) AS contraction,
	           coalesce(sum(before) FILTER (WHERE mrr = 0 AND before > 0), 0) AS churned,
	           coalesce(sum(mrr) FILTER (WHERE mrr > 0 AND before = 0 AND paid_before > 0), 0) AS reactivation
	    FROM playbook GROUP BY month)
	SELECT count(*), count(*) FILTER (WHERE (e.customers, e.mrr, e.new, e.expansion, e.contraction, e.churned, e.reactivation)
	                                      = (m.customers, m.mrr, m.new, m.expansion, m.contraction, m.churned, m.reactivation)),
	       sum(m.new) = (SELECT sum(mrr) FROM playbook WHERE mrr > 0 AND paid_before = 0),
	       bool_and(m.churned > 0 AND m.reactivation > 0) FILTER (WHERE m.period >= '2024-03-01')
	FROM expected AS e FULL JOIN mrr AS m USING (period)}),
	'18|18|t|t',
	'MRR movements: 18 months, every column equal to the plain-SQL playbook, churn and reactivation in every month from March 2024');
is($node->safe_psql('postgres', q{
	SELECT count(*) FILTER (WHERE mrr <> coalesce(prev, 0) + new + expansion + reactivation - contraction - churned)
	FROM (SELECT *, lag(mrr) OVER (ORDER BY period) AS prev FROM mrr) AS m}),
	'0', 'MRR movements: mrr(t) = mrr(t - 1) + new + expansion + reactivation - contraction - churned, exactly');

is($node->safe_psql('postgres', q{
	WITH expected AS (
	    SELECT l.lag, cur.month::date AS period, sum(base.mrr) AS starting_mrr,
	           sum(cur.mrr)::float8 / sum(base.mrr)::float8 AS nrr,
	           sum(least(cur.mrr, base.mrr))::float8 / sum(base.mrr)::float8 AS grr
	    FROM (VALUES (1), (12)) AS l(lag)
	    JOIN playbook AS cur ON cur.month >= date '2024-01-01' + make_interval(months => l.lag)
	    JOIN playbook AS base ON base.customer_id = cur.customer_id
	                         AND base.month = cur.month - make_interval(months => l.lag) AND base.mrr > 0
	    GROUP BY l.lag, cur.month)
	SELECT count(*) FILTER (WHERE lag = 1), count(*) FILTER (WHERE lag = 12),
	       count(*) FILTER (WHERE e.starting_mrr = n.starting_mrr AND abs(e.nrr - n.nrr) <= 1e-12 * e.nrr
	                              AND abs(e.grr - n.grr) <= 1e-12 * e.grr),
	       bool_and(n.grr <= 1 AND n.grr <= n.nrr AND n.grr > 0)
	FROM expected AS e FULL JOIN nrr AS n USING (lag, period)}),
	'17|6|23|t',
	'NRR and GRR at lags 1 and 12 equal the plain-SQL sums over the customers paying lag months before');

$node->stop;
done_testing();
