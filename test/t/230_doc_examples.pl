# The worked examples of the subscription and revenue pages (issue 17:
# doc/subscriptions.md, doc/revenue.md, doc/product_retention.md) run as
# they read: every ```sql block of a page runs in order in psql, in one
# database per page, without an error or a notice, and when a plain ```
# block follows it directly, psql prints exactly that (aligned, no row
# count footer, no trailing spaces). The regression files (sql/survival.sql,
# sql/revenue.sql, sql/product_retention.sql) hold the same examples; this
# test fails when a page and the code part. A plain block that does not
# follow an SQL block is a signature, or on doc/revenue.md a
# revenue_matrix text form, which must read back to itself.
use strict;
use warnings;
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $root = $ENV{RETENTION_ROOT} or die "RETENTION_ROOT is not set";
my @pages = ('doc/subscriptions.md', 'doc/revenue.md', 'doc/product_retention.md');

# The blocks of a page in order: { lang, text, line, after_sql }
sub blocks
{
	my ($page) = @_;
	my @lines = split /\n/, slurp_file("$root/$page");
	my (@blocks, $previous_end);
	for (my $i = 0; $i < @lines; $i++)
	{
		next unless $lines[$i] =~ /^```(\w*)$/;
		my ($lang, $start, @body) = ($1, $i + 1);
		push @body, $lines[$i] while ++$i < @lines && $lines[$i] ne '```';
		push @blocks, {
			lang => $lang, text => join("\n", @body) . "\n", line => $start,
			after_sql => (@blocks && $blocks[-1]{lang} eq 'sql' && $previous_end == $start - 1) };
		$previous_end = $i + 1;
	}
	return @blocks;
}

my $node = PostgreSQL::Test::Cluster->new('doc_examples');
$node->init;
$node->start;

sub psql_output
{
	my ($db, $sql) = @_;
	my $out = '';
	IPC::Run::run(
		[ 'psql', '-X', '-q', '-d', $node->connstr($db), '-v', 'ON_ERROR_STOP=1', '-P', 'footer=off' ],
		'<', \$sql, '>&', \$out);
	$out =~ s/^psql:<stdin>:\d+: //mg;
	$out =~ s/\n+\z/\n/;    # psql ends a result with an empty line
	$out =~ s/ +$//mg;       # and pads a header's last column; pages do not
	return $out;
}

my $n = 0;
for my $page (@pages)
{
	(my $db = $page) =~ s{^doc/(\w+)\.md$}{$1};
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, 'CREATE EXTENSION retention');
	my @blocks = blocks($page);
	my @sql = grep { $_->{lang} eq 'sql' } @blocks;
	ok(@sql >= 2, scalar(@sql) . " SQL blocks in $page");
	for (my $b = 0; $b < @blocks; $b++)
	{
		my $block = $blocks[$b];
		my $name = "$page line $block->{line}";
		if ($block->{lang} eq 'sql')
		{
			my $next = $blocks[ $b + 1 ];
			my $out = psql_output($db, $block->{text});
			if ($next && $next->{lang} eq '' && $next->{after_sql})
			{
				is($out, $next->{text}, "$name prints what the page shows");
				$n++;
			}
			else
			{
				is($out, '', "$name runs without an error or a notice");
			}
		}
		elsif ($block->{lang} eq '' && !$block->{after_sql} && $block->{text} =~ /^unit=/)
		{
			chomp(my $text = $block->{text});
			is($node->safe_psql($db, "SELECT '$text'::revenue_matrix::text"), $text,
				"$name: the revenue_matrix text form reads back to itself");
		}
	}
}
# subscriptions 3, revenue 2, product_retention 4
is($n, 9, 'every printed result of the three pages was compared');

$node->stop;
done_testing();
