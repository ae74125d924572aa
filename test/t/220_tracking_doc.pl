# doc/clv.md, "Tracking", runs as it reads: the ```sql blocks between
# <!-- tracking --> and <!-- /tracking --> run in order in psql (one
# database), without an error, and when a ```text block follows one, psql
# prints exactly that. The worked example's expected and actual curves
# are computed from simulate_orders, so the doc's numbers are what the
# code gives today; the same tracking curve also equals the plain-SQL sum
# of bgnbd_expected_purchases over the example's customers.
use strict;
use warnings;
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $root = $ENV{RETENTION_ROOT} or die "RETENTION_ROOT is not set";

# The blocks in order: { sql, expected (or undef), line }
my @blocks;
my ($inside, $pending) = (0, undef);
my @lines = split /\n/, slurp_file("$root/doc/clv.md");
for (my $i = 0; $i < @lines; $i++)
{
	my $line = $lines[$i];
	if ($line =~ /^<!-- tracking -->/) { $inside = 1; next; }
	if ($line =~ /^<!-- \/tracking -->/) { $inside = 0; next; }
	next unless $inside && $line =~ /^```(\w*)$/;
	my ($lang, $start, @body) = ($1, $i + 1);
	push @body, $lines[$i] while ++$i < @lines && $lines[$i] ne '```';
	my $text = join("\n", @body) . "\n";
	if ($lang eq 'sql')
	{
		$pending = { sql => $text, line => $start };
		push @blocks, $pending;
	}
	elsif ($lang eq 'text' && $pending)
	{
		$pending->{expected} = $text;
	}
	$pending = undef if $lang ne 'sql';
}
is(scalar(@blocks), 2, 'two SQL blocks in the tracking example of doc/clv.md');
ok((grep { defined $_->{expected} } @blocks) == 1, 'one of them shows its output');

my $node = PostgreSQL::Test::Cluster->new('tracking_doc');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE tracking');
$node->safe_psql('tracking', 'CREATE EXTENSION retention');

for my $block (@blocks)
{
	my $name = "doc/clv.md line $block->{line}";
	my $out = '';
	IPC::Run::run(
		[ 'psql', '-X', '-q', '-d', $node->connstr('tracking'), '-v', 'ON_ERROR_STOP=0' ],
		'<', \$block->{sql}, '>&', \$out);
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

# the example's curve against the sum of the accessor over its customers
is($node->safe_psql('tracking', <<'SQL'), 't', 'the example curve is the sum of bgnbd_expected_purchases (1e-9)');
WITH curve AS (
    SELECT bgnbd_tracking(m.bg, c.first_purchase, date '2024-01-01', 39, 'week') AS c
    FROM customers AS c, model AS m
), reference AS (
    SELECT k, sum(bgnbd_expected_purchases(m.bg, ((date '2024-01-01' + 7 * k) - c.first_purchase) / 7.0::float8)) AS e
    FROM generate_series(1, 39) AS k, customers AS c, model AS m
    WHERE c.first_purchase < date '2024-01-01' + 7 * k
    GROUP BY k
)
SELECT bool_and(abs(curve.c[k] - e) <= 1e-9 * e) AND count(*) = 39 FROM curve, reference
SQL

$node->stop;
done_testing();
