# doc/loading.md runs as it reads: every ```sql block runs in order in psql
# (one database, psql in the folder of the CDNOW data), without an error
# unless the ```text block that follows it shows one, and when a ```text
# block follows, psql prints exactly that. The blocks between
# <!-- cdnow --> and <!-- /cdnow --> need ../shared/data/CDNOW_master.txt
# and are skipped (counted as skipped) when it is absent; the data is never
# copied into the project.
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

my @blocks = doc_blocks("$root/doc/loading.md");
ok(@blocks >= 10, scalar(@blocks) . ' SQL blocks in doc/loading.md');
ok((grep { $_->{cdnow} } @blocks) >= 3, 'the CDNOW part has its blocks');

my $node = PostgreSQL::Test::Cluster->new('loading');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE loading');
$node->safe_psql('loading', 'CREATE EXTENSION retention');

for my $block (@blocks)
{
	my $name = "doc/loading.md line $block->{line}";
	if ($block->{cdnow} && !$have_cdnow)
	{
	  SKIP: { skip "$data/CDNOW_master.txt is absent", 1; }
		next;
	}
	my $out = run_doc_block($node, 'loading', $block, $have_cdnow ? $data : $root);
	if (defined $block->{expected})
	{
		is($out, $block->{expected}, "$name prints what the doc shows");
	}
	else
	{
		is($out, '', "$name runs without an error or a notice");
	}
}

$node->stop;
done_testing();
