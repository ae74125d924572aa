# DocBlocks: a Markdown page that runs as it reads (test/t/151_loading_doc.pl,
# test/t/211_validation_doc.pl). doc_blocks(PATH) returns the page's ```sql
# blocks in order, each { sql, expected, cdnow, line }: expected is the
# ```text block that follows it (undef when none does), cdnow is set for the
# blocks between <!-- cdnow --> and <!-- /cdnow -->, which need
# ../shared/data/CDNOW_master.txt. run_doc_block(NODE, DB, BLOCK, DIR) runs a
# block in psql in folder DIR and returns what psql printed, with psql's
# "psql:<stdin>:N: " prefixes and the trailing empty lines removed.
package DocBlocks;
use strict;
use warnings;
use Exporter 'import';
use IPC::Run;
use PostgreSQL::Test::Utils;

our @EXPORT = qw(doc_blocks run_doc_block);

sub doc_blocks
{
	my ($path) = @_;
	my @blocks;
	my ($in_cdnow, $pending) = (0, undef);
	my @lines = split /\n/, slurp_file($path);
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
	return @blocks;
}

sub run_doc_block
{
	my ($node, $db, $block, $dir) = @_;
	my $out = '';
	IPC::Run::run(
		[ 'psql', '-X', '-q', '-d', $node->connstr($db), '-v', 'ON_ERROR_STOP=0' ],
		'<', \$block->{sql}, '>&', \$out,
		init => sub { chdir($dir) or die "chdir: $!" });
	$out =~ s/^psql:<stdin>:\d+: //mg;
	$out =~ s/\n+\z/\n/;    # psql ends a result with an empty line
	return $out;
}

1;
