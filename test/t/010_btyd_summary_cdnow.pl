# btyd_summary reproduces the published CDNOW summaries: over the 6,919
# transactions of CDNOW_sample.txt as of 1997-09-30 with unit 'week', the
# 2,357 customers of cdnow_customers_summary.csv and
# cdnow_customers_summary_with_transactions.csv (Fader & Hardie's files as
# redistributed by lifetimes; ../shared/data/README.md): frequency, recency
# and T equal after rounding to 2 decimals, zbar within half a cent. Skips
# when the reference data is absent.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $root = $ENV{RETENTION_ROOT} or die "RETENTION_ROOT is not set";
my $data = "$root/../shared/data";
my @files = qw(CDNOW_sample.txt cdnow_customers_summary.csv
  cdnow_customers_summary_with_transactions.csv);
for my $file (@files)
{
	plan skip_all => "reference data $data/$file is absent" unless -r "$data/$file";
}

# The data files as COPY text: whitespace-separated CRLF lines and CSV.
sub copy_rows
{
	my ($path, $skip_header, $split, $pick) = @_;
	my @lines = split /\r?\n/, slurp_file($path);
	shift @lines if $skip_header;
	return join('', map { join("\t", @{ $pick->([ $split->($_) ]) }) . "\n" }
		  grep { /\S/ } @lines);
}
my $sample = copy_rows("$data/CDNOW_sample.txt", 0,
	sub { my $l = shift; $l =~ s/^\s+//; split /\s+/, $l },
	sub { my $f = shift; [ $f->[1], $f->[2], $f->[4] ] });
my $summary = copy_rows("$data/cdnow_customers_summary.csv", 1,
	sub { split /,/, shift }, sub { shift });
my $with_tx = copy_rows("$data/cdnow_customers_summary_with_transactions.csv", 1,
	sub { split /,/, shift }, sub { shift });

my $node = PostgreSQL::Test::Cluster->new('cdnow');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION retention');
$node->safe_psql('postgres', <<"SQL");
CREATE TABLE cdnow (id integer, order_date date, dollars numeric);
COPY cdnow FROM STDIN;
$sample\\.
CREATE TABLE published (id integer, frequency integer, recency numeric, t numeric);
COPY published FROM STDIN;
$summary\\.
CREATE TABLE published_tx (id integer, x integer, t_x numeric, t numeric, zbar numeric);
COPY published_tx FROM STDIN;
$with_tx\\.
SQL

is($node->safe_psql('postgres', 'SELECT count(*), count(DISTINCT id) FROM cdnow'),
	'6919|2357', 'CDNOW_sample.txt loaded: 6,919 transactions of 2,357 customers');
is($node->safe_psql('postgres', 'SELECT count(*), count(*) FILTER (WHERE frequency = 0), sum(frequency) FROM published'),
	'2357|1411|2457', 'published summary loaded (README: 1,411 with frequency 0, total 2,457)');

$node->safe_psql('postgres', <<'SQL');
CREATE TABLE ours AS
SELECT id, (btyd_summary(order_date, dollars, date '1997-09-30', 'week')).*
FROM cdnow GROUP BY id;
SQL

is($node->safe_psql('postgres', <<'SQL'),
SELECT count(*) FROM published AS p FULL JOIN ours AS o USING (id)
WHERE o.frequency IS DISTINCT FROM p.frequency
   OR round(o.recency::numeric, 2) IS DISTINCT FROM p.recency
   OR round(o.t::numeric, 2) IS DISTINCT FROM p.t
SQL
	'0', 'cdnow_customers_summary.csv: frequency, recency and T of all 2,357 customers');

is($node->safe_psql('postgres', <<'SQL'),
SELECT count(*) FROM published_tx AS p FULL JOIN ours AS o USING (id)
WHERE o.frequency IS DISTINCT FROM p.x
   OR round(o.recency::numeric, 2) IS DISTINCT FROM p.t_x
   OR round(o.t::numeric, 2) IS DISTINCT FROM p.t
SQL
	'0', 'cdnow_customers_summary_with_transactions.csv: x, t_x and T of all 2,357 customers');

is($node->safe_psql('postgres', <<'SQL'),
SELECT count(*) FILTER (WHERE abs(o.monetary_value - p.zbar::float8) > 0.005 + 1e-9),
       count(*) FILTER (WHERE round(o.monetary_value::numeric, 2) <> p.zbar)
FROM published_tx AS p JOIN ours AS o USING (id)
SQL
	'0|0', 'zbar of all 2,357 customers within half a cent, and equal after rounding to 2 decimals');

# the other overloads give the same summaries: float8 amounts, and
# timestamptz orders at midnight UTC with as_of at midnight UTC
is($node->safe_psql('postgres', <<'SQL'),
SET TimeZone = 'Pacific/Auckland';
SELECT count(*) FROM ours AS o FULL JOIN (
    SELECT id, (btyd_summary(order_date::timestamp AT TIME ZONE 'UTC', dollars::float8,
                             timestamptz '1997-09-30 00:00+00', 'week')).*
    FROM cdnow GROUP BY id) AS f USING (id)
WHERE o.frequency IS DISTINCT FROM f.frequency OR o.recency IS DISTINCT FROM f.recency
   OR o.t IS DISTINCT FROM f.t OR abs(o.monetary_value - f.monetary_value) > 1e-9
SQL
	'0', 'timestamptz and float8 overloads agree with the date and numeric one');

$node->stop;
done_testing();
