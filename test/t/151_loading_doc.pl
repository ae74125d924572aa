# doc/loading.md runs as it reads: every ```sql block runs in order in psql
# (one database, psql in the folder of the CDNOW data), without an error
# unless the ```text block that follows it shows one, and when a ```text
# block follows, psql prints exactly that. The blocks between
# <!-- cdnow --> and <!-- /cdnow --> need ../shared/data/CDNOW_master.txt
# and are skipped (counted as skipped) when it is absent; the data is never
# copied into the project.
use strict;
use warnings;
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $root = $ENV{RETENTION_ROOT} or die "RETENTION_ROOT is not set";
my $data = "$root/../shared/data";
my $have_cdnow = -r "$data/CDNOW_master.txt";

# The blocks in order: { sql, expected (or undef), cdnow, line }
my @blocks;
my ($in_cdnow, $pending) = (0, undef);
my @lines = split /\n/, slurp_file("$root/doc/loading.md");
for (my $i = 0; $i < @lines; $i++)
{
	my $line = $lines[$i];
	if ($line =~ /^<!-- cdnow -->/) { $in_cdnow = 1; next; }
	if ($line =~ /^<!-- \/cdnow -->/) { $in_cdnow = 0; next; }
	next unless $line =~ /^```(\w*)$/;
	my ($lang, $start, @body) = ($1, $i + 1);
	push @body, $lines[$i] while ++$i < @lines && $lines[$i] ne '```';
	my $text = join("\n", @body) . "\n";
	if ($lang eq 'sql')
	{
		$pending = { sql => $text, cdnow => $in_cdnow, line => $start };
		push @blocks, $pending;
	}
	elsif ($lang eq 'text' && $pending)
	{
		$pending->{expected} = $text;
	}
	# a block of another kind between them does not belong to the query
	$pending = undef if $lang ne 'sql';
}
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
	my $out = '';
	IPC::Run::run(
		[ 'psql', '-X', '-q', '-d', $node->connstr('loading'), '-v', 'ON_ERROR_STOP=0' ],
		'<', \$block->{sql}, '>&', \$out,
		init => sub { chdir($have_cdnow ? $data : $root) or die "chdir: $!" });
	$out =~ s/^psql:<stdin>:\d+: //mg;
	$out =~ s/\n+\z/\n/;    # psql ends a result with an empty line
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
