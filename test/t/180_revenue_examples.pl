# examples/revenue.sql: the BI views of revenue retention load over an
# invoices table, every column is of a plain built-in type (pg_catalog, no
# composite, no array), the waterfall balances in every month and equals
# mrr_movements field by field, NRR/GRR equal net_revenue_retention at lags
# 1 and 12, and a refresh after new invoices shows them.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use lib "$ENV{RETENTION_ROOT}/test/lib";
use ExampleFiles;

my $node = PostgreSQL::Test::Cluster->new('revenue_examples');
$node->init;
$node->start;

# 300 customers over 30 months: plans that change, skipped months, refunds
$node->safe_psql('postgres', <<'SQL');
CREATE EXTENSION retention;
CREATE TABLE invoices (customer_id bigint, invoiced_on date, amount numeric);
INSERT INTO invoices
SELECT c, date '2023-01-01' + make_interval(months => m) + (c % 27) * interval '1 day',
       CASE WHEN (c * 7 + m) % 41 = 0 THEN -10.00 ELSE round((c % 4 + 1) * 19.90 * (1 + (m + c) % 5 * 0.25), 2) END
FROM generate_series(1, 300) AS c, generate_series(c % 12, 29) AS m
WHERE (c * 3 + m * 5) % 13 <> 0 AND m < c % 12 + 4 + c % 19;
SQL

run_example($node, 'examples/revenue.sql');

is($node->safe_psql('postgres', <<'SQL'), '0', 'every view column is a plain built-in type');
SELECT count(*) FROM pg_attribute AS a JOIN pg_class AS c ON c.oid = a.attrelid JOIN pg_type AS t ON t.oid = a.atttypid
WHERE c.relname IN ('mrr_waterfall', 'revenue_retention_by_month') AND a.attnum > 0
  AND (t.typnamespace <> 'pg_catalog'::regnamespace OR t.typtype <> 'b' OR t.typcategory = 'A');
SQL

sub check_views
{
	my ($label) = @_;
	is($node->safe_psql('postgres', 'SELECT count(*) FILTER (WHERE NOT balanced) || \' \' || count(*) FROM mrr_waterfall'),
		'0 ' . $node->safe_psql('postgres', q{SELECT count(*) FROM mrr_movements((SELECT revenue_retention(customer_id, invoiced_on, amount, 'month') FROM invoices))}),
		"$label: the waterfall balances in every month, one row per month");
	is($node->safe_psql('postgres', <<'SQL'), '0', "$label: the waterfall equals mrr_movements");
SELECT count(*) FROM (
    (SELECT month, customers, mrr, new, expansion, reactivation, contraction, churned FROM mrr_waterfall
     EXCEPT ALL
     SELECT period, customers, mrr, new, expansion, reactivation, -contraction, -churned
     FROM mrr_movements((SELECT revenue_retention(customer_id, invoiced_on, amount, 'month') FROM invoices)))
    UNION ALL
    (SELECT period, customers, mrr, new, expansion, reactivation, -contraction, -churned
     FROM mrr_movements((SELECT revenue_retention(customer_id, invoiced_on, amount, 'month') FROM invoices))
     EXCEPT ALL
     SELECT month, customers, mrr, new, expansion, reactivation, contraction, churned FROM mrr_waterfall)) AS d
SQL
	is($node->safe_psql('postgres', <<'SQL'), '0', "$label: NRR/GRR equal net_revenue_retention at lags 1 and 12");
SELECT count(*) FROM (
    (SELECT month, lag_months, starting_mrr, nrr, grr FROM revenue_retention_by_month
     EXCEPT ALL
     SELECT n.period, l, n.starting_mrr, n.nrr, n.grr FROM unnest(ARRAY[1, 12]) AS l,
            net_revenue_retention((SELECT revenue_retention(customer_id, invoiced_on, amount, 'month') FROM invoices), l) AS n)
    UNION ALL
    (SELECT n.period, l, n.starting_mrr, n.nrr, n.grr FROM unnest(ARRAY[1, 12]) AS l,
            net_revenue_retention((SELECT revenue_retention(customer_id, invoiced_on, amount, 'month') FROM invoices), l) AS n
     EXCEPT ALL
     SELECT month, lag_months, starting_mrr, nrr, grr FROM revenue_retention_by_month)) AS d
SQL
}

check_views('initial');
ok($node->safe_psql('postgres', 'SELECT count(*) FROM revenue_retention_by_month WHERE lag_months = 12') > 0,
	'yearly NRR has rows');

$node->safe_psql('postgres', q{INSERT INTO invoices SELECT 1000 + g, date '2025-07-03', 99.00 FROM generate_series(1, 5) AS g});
$node->safe_psql('postgres', 'REFRESH MATERIALIZED VIEW monthly_revenue');
is($node->safe_psql('postgres', q{SELECT new >= 495 FROM mrr_waterfall WHERE month = '2025-07-01'}), 't',
	'after a refresh the new invoices are new MRR');
check_views('after refresh');

$node->stop;
done_testing();
