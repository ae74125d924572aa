# Hash flooding (issue 12, item 7): cohort_retention over customer ids
# crafted so that the hash the aggregate used before 0.2.0 gives them all
# the same 32 bits (bigint ids: the MurmurHash3 finalizer inverted in SQL;
# text ids: PostgreSQL's hash_bytes, Jenkins' lookup3, inverted here in
# Perl) must take about as long as ordinary ids, and give the same answer
# as plain SQL and as a parallel plan. Before 0.2.0 the crafted bigint ids
# took 2.4 s against 9 ms (40,000 ids), growing quadratically. Times are
# compared as a ratio (the best of five runs each), never in absolute terms;
# the measured times are reported with note.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $n = 40000;
# crafted ids may cost at most this many times ordinary ones
my $max_ratio = 5;

my $node = PostgreSQL::Test::Cluster->new('hash_flooding');
$node->init;
$node->start;
# SQL_ASCII takes any byte but NUL as text, so lookup3 preimages are ids
$node->safe_psql('postgres',
	"CREATE DATABASE flood ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
$node->safe_psql('flood', <<"SQL");
CREATE EXTENSION retention;
-- unsigned 64-bit arithmetic on bit(64) through numeric
CREATE FUNCTION u64(b bit(64)) RETURNS numeric LANGUAGE sql IMMUTABLE
AS \$\$ SELECT CASE WHEN b::bigint < 0 THEN b::bigint + 18446744073709551616 ELSE b::bigint END::numeric \$\$;
CREATE FUNCTION b64(v numeric) RETURNS bit(64) LANGUAGE sql IMMUTABLE
AS \$\$ SELECT (CASE WHEN v >= 9223372036854775808 THEN v - 18446744073709551616 ELSE v END)::bigint::bit(64) \$\$;
CREATE FUNCTION mul64(b bit(64), hex text) RETURNS bit(64) LANGUAGE sql IMMUTABLE
AS \$\$ SELECT b64(mod(u64(b) * u64(('x' || hex)::bit(64)), 18446744073709551616)) \$\$;
CREATE FUNCTION xs33(b bit(64)) RETURNS bit(64) LANGUAGE sql IMMUTABLE
AS \$\$ SELECT b # (b >> 33) \$\$;
-- MurmurHash3's fmix64 (the 0.1.0 hash of a bigint id, low 32 bits kept)
CREATE FUNCTION old_hash(id bigint) RETURNS bigint LANGUAGE sql IMMUTABLE
AS \$\$ SELECT u64(xs33(mul64(xs33(mul64(xs33(id::bit(64)), 'ff51afd7ed558ccd')), 'c4ceb9fe1a85ec53')))::bigint & 4294967295 \$\$;
-- its inverse: x ^= x >> 33 is an involution, the constants' inverses mod 2^64
CREATE FUNCTION old_hash_preimage(h numeric) RETURNS bigint LANGUAGE sql IMMUTABLE
AS \$\$ SELECT xs33(mul64(xs33(mul64(xs33(b64(h)), '9cb4b2f8129337db')), '4f74430c22a54005'))::bigint \$\$;
CREATE TABLE crafted_ids AS
SELECT old_hash_preimage(i * 4294967296::numeric + 12345) AS id FROM generate_series(1, $n) AS i;
CREATE TABLE ordinary_ids AS
SELECT (i * 7919 + 13)::bigint AS id FROM generate_series(1, $n) AS i;
SQL

is($node->safe_psql('flood',
		'SELECT count(DISTINCT id) || \' \' || count(DISTINCT old_hash(id)) || \' \' || min(old_hash(id)) FROM crafted_ids'),
	"$n 1 12345", "the $n crafted bigint ids are distinct and share the old hash's 32 bits");

# lookup3 (PostgreSQL's hash_bytes) on 12 bytes: one mix() of the three
# words plus the initial value, then final(); both are invertible, so any
# final state (a, b, c) with c fixed has a 12-byte preimage.
my $M = 0xffffffff;
sub rot { my ($x, $k) = @_; return (($x << $k) | ($x >> (32 - $k))) & $M; }

sub final_inverse
{
	my ($a, $b, $c) = @_;
	$c = ($c + rot($b, 24)) & $M; $c ^= $b;
	$b = ($b + rot($a, 14)) & $M; $b ^= $a;
	$a = ($a + rot($c, 4)) & $M;  $a ^= $c;
	$c = ($c + rot($b, 16)) & $M; $c ^= $b;
	$b = ($b + rot($a, 25)) & $M; $b ^= $a;
	$a = ($a + rot($c, 11)) & $M; $a ^= $c;
	$c = ($c + rot($b, 14)) & $M; $c ^= $b;
	return ($a, $b, $c);
}

sub mix_inverse
{
	my ($a, $b, $c) = @_;
	$b = ($b - $a) & $M; $c ^= rot($b, 4);  $c = ($c + $b) & $M;
	$a = ($a - $c) & $M; $b ^= rot($a, 19); $b = ($b + $a) & $M;
	$c = ($c - $b) & $M; $a ^= rot($c, 16); $a = ($a + $c) & $M;
	$b = ($b - $a) & $M; $c ^= rot($b, 8);  $c = ($c + $b) & $M;
	$a = ($a - $c) & $M; $b ^= rot($a, 6);  $b = ($b + $a) & $M;
	$c = ($c - $b) & $M; $a ^= rot($c, 4);  $a = ($a + $c) & $M;
	return ($a, $b, $c);
}

my $init = (0x9e3779b9 + 12 + 3923095) & $M;
my @text_ids;
for (my $i = 1; @text_ids < $n; $i++)
{
	my ($a, $b, $c) = mix_inverse(final_inverse($i, ($i * 2654435761) & $M, 12345));
	my $bytes = pack('V3', ($a - $init) & $M, ($b - $init) & $M, ($c - $init) & $M);
	push @text_ids, unpack('H*', $bytes) unless $bytes =~ /\0/;
}
$node->safe_psql('flood',
	"CREATE TABLE crafted_text AS SELECT convert_from(decode(h, 'hex'), 'SQL_ASCII') AS id FROM unnest(ARRAY['"
	  . join("','", @text_ids) . "']) AS h;
	 CREATE TABLE ordinary_text AS SELECT 'customer' || lpad(i::text, 5, '0') AS id FROM generate_series(1, $n) AS i;");
is($node->safe_psql('flood',
		'SELECT count(DISTINCT id) || \' \' || count(DISTINCT hashtext(id)) || \' \' || min(octet_length(id)) FROM crafted_text'),
	"$n 1 12", "the $n crafted text ids are distinct 12-byte ids with one hash_bytes value");

# The best of five execution times of a query, in ms.
sub best_ms
{
	my ($query) = @_;
	my $best;
	for (1 .. 5)
	{
		my $plan = $node->safe_psql('flood',
			"SET max_parallel_workers_per_gather = 0; EXPLAIN (ANALYZE, TIMING OFF) $query");
		$plan =~ /Execution Time: ([0-9.]+) ms/ or die "no execution time in $plan";
		$best = $1 if !defined $best || $1 < $best;
	}
	return $best;
}

# Each id is active in two months, so every customer goes through the table twice.
my $agg = "cohort_retention(id, d, 'month')";
my $from = "CROSS JOIN (VALUES (date '2024-01-15'), (date '2024-03-02')) AS v(d)";
for my $kind (['bigint', 'crafted_ids', 'ordinary_ids'], ['text', 'crafted_text', 'ordinary_text'])
{
	my ($type, $crafted, $ordinary) = @$kind;
	my $t_crafted = best_ms("SELECT $agg FROM $crafted $from");
	my $t_ordinary = best_ms("SELECT $agg FROM $ordinary $from");
	note sprintf('%s ids: crafted %.1f ms, ordinary %.1f ms, ratio %.2f',
		$type, $t_crafted, $t_ordinary, $t_crafted / $t_ordinary);
	cmp_ok($t_crafted / $t_ordinary, '<', $max_ratio,
		"crafted $type ids cost less than $max_ratio times ordinary ones");

	# the answer: every customer in the January cohort, active in month 2
	is($node->safe_psql('flood',
			"SELECT string_agg(period_offset || ':' || cohort_size || ':' || active, ' ' ORDER BY period_offset)
			 FROM cohort_table((SELECT $agg FROM $crafted $from))"),
		"0:$n:$n 1:$n:0 2:$n:$n", "crafted $type ids: the matrix counts every customer");
	# no hash order reaches the result: two sessions (two keys) and a parallel plan agree
	my $serial = $node->safe_psql('flood', "SELECT $agg::text FROM $crafted $from");
	is($node->safe_psql('flood', "SELECT $agg::text FROM $crafted $from"),
		$serial, "crafted $type ids: another session's table gives the same matrix");
	is($node->safe_psql('flood',
			"SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
			 SET max_parallel_workers_per_gather = 2; SELECT $agg::text FROM $crafted $from"),
		$serial, "crafted $type ids: a parallel plan gives the same matrix");
}

$node->stop;
done_testing();
