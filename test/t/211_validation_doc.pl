# doc/validation.md runs as it reads (test/lib/DocBlocks.pm, as
# test/t/151_loading_doc.pl runs doc/loading.md): every ```sql block runs in
# order in psql, in the folder of the CDNOW data, without an error, and
# prints exactly the ```text block that follows it. The blocks between
# <!-- cdnow --> and <!-- /cdnow --> load ../shared/data/CDNOW_master.txt
# with the page's \copy commands and are skipped (counted as skipped) when
# it is absent. Also checks what the tables say beyond the printed digits:
# the split's calibration columns are btyd_summary as of the calibration
# end, and its holdout frequencies the purchase days of the holdout.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use lib "$ENV{RETENTION_ROOT}/test/lib";
use DocBlocks;

my $root = $ENV{RETENTION_ROOT} or die "RETENTION_ROOT is not set";
my $data = "$root/../shared/data";
my $have_cdnow = -r "$data/CDNOW_master.txt";

my @blocks = doc_blocks("$root/doc/validation.md");
ok(@blocks >= 6, scalar(@blocks) . ' SQL blocks in doc/validation.md');
ok((grep { $_->{cdnow} } @blocks) >= 4, 'the CDNOW part has its blocks');
ok((grep { defined $_->{expected} } @blocks) == @blocks, 'every block shows its output');

my $node = PostgreSQL::Test::Cluster->new('validation');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE validation');
$node->safe_psql('validation', 'CREATE EXTENSION retention');

for my $block (@blocks)
{
	my $name = "doc/validation.md line $block->{line}";
	if ($block->{cdnow} && !$have_cdnow)
	{
	  SKIP: { skip "$data/CDNOW_master.txt is absent", 1; }
		next;
	}
	my $out = run_doc_block($node, 'validation', $block, $have_cdnow ? $data : $root);
	is($out, $block->{expected}, "$name prints what the doc shows");
}

SKIP:
{
	skip "$data/CDNOW_master.txt is absent", 2 unless $have_cdnow;
	is($node->safe_psql('validation', q{
		SELECT count(*) FROM cdnow_split AS h
		FULL JOIN (SELECT customer_id, (btyd_summary(order_date, amount, date '1997-09-30', 'week')).*
		           FROM cdnow_orders WHERE order_date <= date '1997-09-30' GROUP BY customer_id) AS s USING (customer_id)
		WHERE (h.frequency_cal, h.recency_cal, h.t_cal, h.monetary_value_cal)
		      IS DISTINCT FROM (s.frequency, s.recency, s.t, s.monetary_value)}),
		'0', 'the calibration columns are btyd_summary as of 1997-09-30');
	is($node->safe_psql('validation', q{
		SELECT count(*) FROM cdnow_split AS h
		LEFT JOIN (SELECT customer_id, count(DISTINCT order_date) AS n FROM cdnow_orders
		           WHERE order_date > date '1997-09-30' AND order_date <= date '1998-06-30'
		           GROUP BY customer_id) AS d USING (customer_id)
		WHERE h.frequency_holdout <> coalesce(d.n, 0)}),
		'0', 'the holdout frequencies are the purchase days after 1997-09-30');
}

$node->stop;
done_testing();
