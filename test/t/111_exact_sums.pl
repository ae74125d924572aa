# Exact float8 sums against an independent reference: Python's math.fsum
# (Shewchuk's exact partials, correctly rounded). 300 sets of 1 to 120
# float8 values from a Perl LCG: mantissas of 1 to 53 bits, exponents from
# the subnormals (2^-1074) to 2^990, both signs, and sets where most values
# cancel in pairs so that the sum is far below the terms. For each set,
# btyd_summary's monetary_value (the amounts on one repeat day after a first
# day of 0, so it is the sum itself) must equal fsum exactly, in the rows'
# order and reversed; rfm's monetary must equal fsum::numeric. Then the same
# over parallel plans. Needs python3 (Debian's, which the project's tools
# use).
use strict;
use warnings;
use POSIX qw(ldexp);
use IPC::Run qw(run);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

plan skip_all => 'python3 is absent' unless system('python3 -c "import math" 2>/dev/null') == 0;

# a 31-bit LCG (Park-Miller), deterministic
my $seed = 20261207;
sub lcg { $seed = ($seed * 48271) % 2147483647; return $seed; }

my (@sets, @rows);
for my $set (1 .. 300)
{
	my $n = 1 + lcg() % 120;
	my $cancel = $set % 3 == 0;
	my @values;
	# exponent window of this set: wide (any) or narrow (money-like)
	my $wide = $set % 2 == 0;
	while (@values < $n)
	{
		my $bits = 1 + lcg() % 53;
		my $m = 0;
		$m = $m * 2 + (lcg() & 1) for 1 .. $bits;
		$m ||= 1;
		my $e = $wide ? -1074 + lcg() % (990 + 1074 - 53) : -60 + lcg() % 90;
		my $v = ldexp($m, $e);
		$v = -$v if lcg() & 1;
		push @values, $v;
		push @values, -$v if $cancel && @values < $n && lcg() % 4 != 0;
	}
	push @sets, \@values;
	for my $i (0 .. $#values)
	{
		push @rows, sprintf("%d\t%d\t%.17g\n", $set, $i + 1, $values[$i]);
	}
}

# the reference: fsum of each set, as repr (shortest round trip)
my $in = join('', map { join(' ', map { sprintf('%.17g', $_) } @$_) . "\n" } @sets);
my ($out, $err) = ('', '');
run([ 'python3', '-c',
	'import math, sys; print("\n".join(repr(math.fsum(map(float, l.split()))) for l in sys.stdin))' ],
	\$in, \$out, \$err) or die "python3 failed: $err";
my @ref = split /\n/, $out;
is(scalar @ref, 300, 'math.fsum gave 300 reference sums');
my $refs = join('', map { sprintf("%d\t%s\n", $_ + 1, $ref[$_]) } 0 .. $#ref);

my $node = PostgreSQL::Test::Cluster->new('exact_sums');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION retention');
$node->safe_psql('postgres', <<"SQL");
CREATE TABLE amounts (set_id integer, pos integer, a float8);
COPY amounts FROM STDIN;
${\ join('', @rows)}\\.
CREATE TABLE refs (set_id integer, s float8);
COPY refs FROM STDIN;
$refs\\.
-- btyd_summary input: a first day of 0, then the amounts on one repeat day
CREATE TABLE orders AS
SELECT set_id, pos, date '2024-01-02' AS d, a FROM amounts
UNION ALL SELECT set_id, 0, date '2024-01-01', 0 FROM refs;
ALTER TABLE orders SET (parallel_workers = 2);
ANALYZE amounts, refs, orders;
SQL

# sums that are not plain: how many sets a float8 sum in row order gets wrong
my $naive = $node->safe_psql('postgres', <<'SQL');
SELECT count(*) FROM (SELECT set_id, sum(a ORDER BY pos) AS s FROM amounts GROUP BY set_id) AS n
JOIN refs USING (set_id) WHERE n.s <> refs.s
SQL
cmp_ok($naive, '>', 30, "the sets are hard: sum(float8) in row order differs from fsum in $naive of 300");

for my $dir ('ASC', 'DESC')
{
	is($node->safe_psql('postgres', <<"SQL"), '300|0', "btyd_summary monetary_value equals math.fsum exactly in every set (rows $dir)");
SELECT count(*), count(*) FILTER (WHERE (b).monetary_value IS DISTINCT FROM refs.s)
FROM (SELECT set_id, btyd_summary(d, a, date '2024-02-01', 'day' ORDER BY pos $dir) AS b
      FROM orders GROUP BY set_id) AS t JOIN refs USING (set_id)
SQL
	is($node->safe_psql('postgres', <<"SQL"), '300|0', "rfm monetary equals math.fsum::numeric in every set (rows $dir)");
SELECT count(*), count(*) FILTER (WHERE (x).monetary IS DISTINCT FROM refs.s::numeric)
FROM (SELECT set_id, rfm(date '2024-01-01', a, date '2024-02-01' ORDER BY pos $dir) AS x
      FROM amounts GROUP BY set_id) AS t JOIN refs USING (set_id)
SQL
}

# parallel plans: partial states of a set meet in combines
my $parallel = <<'SQL';
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2; SET parallel_leader_participation = off; SET enable_hashagg = off;
SQL
like($node->safe_psql('postgres', $parallel . <<'SQL'), qr/Partial/, 'the parallel plan has a Partial Aggregate');
EXPLAIN SELECT set_id, btyd_summary(d, a, date '2024-02-01', 'day') FROM orders GROUP BY set_id
SQL
is($node->safe_psql('postgres', $parallel . <<'SQL'), '300|0', 'btyd_summary and rfm equal math.fsum in a parallel plan');
SELECT count(*), count(*) FILTER (WHERE (b).monetary_value IS DISTINCT FROM refs.s OR (x).monetary IS DISTINCT FROM refs.s::numeric)
FROM (SELECT set_id, btyd_summary(d, a, date '2024-02-01', 'day') AS b, rfm(d, a, date '2024-02-01') AS x
      FROM orders GROUP BY set_id) AS t JOIN refs USING (set_id)
SQL

$node->stop;
done_testing();
