# doc/btyd_family.md runs as it reads (test/lib/DocBlocks.pm): every ```sql
# block runs in order in psql without an error and prints exactly the
# ```text block that follows it.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use lib "$ENV{RETENTION_ROOT}/test/lib";
use DocBlocks;

my $root = $ENV{RETENTION_ROOT} or die "RETENTION_ROOT is not set";
my @blocks = doc_blocks("$root/doc/btyd_family.md");
ok(@blocks >= 2, scalar(@blocks) . ' SQL blocks in doc/btyd_family.md');
ok((grep { defined $_->{expected} } @blocks) == @blocks, 'every block shows its output');

my $node = PostgreSQL::Test::Cluster->new('btyd_family');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE family');
$node->safe_psql('family', 'CREATE EXTENSION retention');

for my $block (@blocks)
{
	my $out = run_doc_block($node, 'family', $block, $root);
	is($out, $block->{expected}, "doc/btyd_family.md line $block->{line} prints what the doc shows");
}

$node->stop;
done_testing();
