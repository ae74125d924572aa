# btyd_holdout against lifetimes' calibration_and_holdout_data(..., freq='D')
# on the full CDNOW data (CDNOW_master.txt: 69,659 transactions of 23,570
# customers), calibration end 1997-09-30, holdout end 1998-06-30, as
# computed by test/btyd_holdout_reference.py (lifetimes' algorithm in plain
# Python). Every column of every customer agrees: the counts and times
# exactly, the means within 1e-9 relative; monetary_value_holdout is the
# mean per purchase day, which the reference also computes, and equals
# lifetimes' mean of raw rows for every customer with at most one order per
# holdout day (the documented difference, doc/btyd_summary.md). Skips when
# the data file is absent. The file is loaded with \copy, one line a row,
# and split in SQL, as doc/loading.md does.
use strict;
use warnings;
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $root = $ENV{RETENTION_ROOT} or die "RETENTION_ROOT is not set";
my $data = "$root/../shared/data/CDNOW_master.txt";
plan skip_all => "reference data $data is absent" unless -r $data;

my ($stdout, $stderr);
IPC::Run::run([ 'python3', "$root/test/btyd_holdout_reference.py", $data, '19970930', '19980630' ],
	'>', \$stdout, '2>', \$stderr)
  or die "btyd_holdout_reference.py failed: $stderr";

my $node = PostgreSQL::Test::Cluster->new('holdout_cdnow');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION retention');
$node->safe_psql('postgres', <<"SQL");
CREATE TABLE cdnow_raw (line text);
\\copy cdnow_raw FROM '$data'
CREATE TABLE cdnow AS
SELECT f[1]::integer AS id, to_date(f[2], 'YYYYMMDD') AS order_date, f[4]::numeric AS dollars
FROM (SELECT regexp_split_to_array(btrim(line), '\\s+') AS f FROM cdnow_raw
      WHERE btrim(line) ~ '^\\d') AS s;
CREATE TABLE lifetimes (id integer, frequency_cal integer, recency_cal float8, t_cal float8,
  monetary_value_cal float8, frequency_holdout integer, monetary_value_holdout float8,
  duration_holdout float8, mean_per_day float8);
COPY lifetimes FROM STDIN;
$stdout\\.
CREATE TABLE ours AS
SELECT id, (btyd_holdout(order_date, dollars, date '1997-09-30', date '1998-06-30', 'day')).*
FROM cdnow GROUP BY id;
SQL

is($node->safe_psql('postgres', 'SELECT count(*), count(DISTINCT id) FROM cdnow'),
	'69659|23570', 'CDNOW_master.txt loaded: 69,659 transactions of 23,570 customers');
is($node->safe_psql('postgres', 'SELECT count(*) FROM lifetimes'), '23570',
	'the reference has a row for every customer');

is($node->safe_psql('postgres', <<'SQL'),
SELECT count(*) FROM lifetimes AS l FULL JOIN ours AS o USING (id)
WHERE o.frequency_cal IS DISTINCT FROM l.frequency_cal
   OR o.recency_cal IS DISTINCT FROM l.recency_cal
   OR o.t_cal IS DISTINCT FROM l.t_cal
   OR o.frequency_holdout IS DISTINCT FROM l.frequency_holdout
   OR o.duration_holdout IS DISTINCT FROM l.duration_holdout
SQL
	'0', 'frequency_cal, recency_cal, T_cal, frequency_holdout and duration_holdout of all 23,570 customers');

is($node->safe_psql('postgres', <<'SQL'),
SELECT count(*) FROM lifetimes AS l JOIN ours AS o USING (id)
WHERE abs(o.monetary_value_cal - l.monetary_value_cal) > 1e-9 * greatest(1, abs(l.monetary_value_cal))
SQL
	'0', 'monetary_value_cal of all customers within 1e-9');

is($node->safe_psql('postgres', <<'SQL'),
SELECT count(*) FROM lifetimes AS l JOIN ours AS o USING (id)
WHERE abs(o.monetary_value_holdout - l.mean_per_day) > 1e-9 * greatest(1, abs(l.mean_per_day))
SQL
	'0', 'monetary_value_holdout of all customers is the mean per holdout purchase day');

# lifetimes' mean of raw rows: the same wherever no holdout day has two rows
my $multi = q{
    SELECT id FROM cdnow WHERE order_date > date '1997-09-30' AND order_date <= date '1998-06-30'
    GROUP BY id HAVING count(*) > count(DISTINCT order_date)
};
is($node->safe_psql('postgres', <<"SQL"),
SELECT count(*) FROM lifetimes AS l JOIN ours AS o USING (id)
WHERE id NOT IN ($multi)
  AND abs(o.monetary_value_holdout - l.monetary_value_holdout) > 1e-9 * greatest(1, abs(l.monetary_value_holdout))
SQL
	'0', "monetary_value_holdout equals lifetimes' wherever every holdout day has one order");
my $differ = $node->safe_psql('postgres', <<"SQL");
SELECT count(*) FROM lifetimes AS l JOIN ours AS o USING (id)
WHERE abs(o.monetary_value_holdout - l.monetary_value_holdout) > 1e-9 * greatest(1, abs(l.monetary_value_holdout))
SQL
my $multi_count = $node->safe_psql('postgres', "SELECT count(*) FROM ($multi) AS m");
ok($differ > 0 && $differ <= $multi_count,
	"monetary_value_holdout differs from lifetimes' raw-row mean for $differ of the $multi_count customers with several orders on a holdout day");

done_testing();
