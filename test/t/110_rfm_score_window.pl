# rfm_score window functions at 1,000,000 rows with volatile arguments (the
# large end of test/rfm_score_window.sql): each argument behind a VOLATILE
# wrapper that counts its calls, LCG values with NULL masks and monetary
# amounts both within and beyond the scaled-integer range, in one partition
# of 1,000,000 rows and in 1,000 partitions under an ORDER BY frame. The
# scores must equal those over the materialised values, and each wrapper
# must run once per row. Also the issue's reproducer at 1,000,000 rows.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $rows = 1_000_000;
my $node = PostgreSQL::Test::Cluster->new('rfm_score_window');
$node->init;
$node->append_conf('postgresql.conf', "work_mem = '256MB'\n");
$node->start;
$node->safe_psql('postgres', <<"SQL");
CREATE EXTENSION retention;
CREATE SEQUENCE evals;
CREATE FUNCTION lcg(id bigint, k integer) RETURNS bigint IMMUTABLE LANGUAGE sql AS
\$\$ SELECT ((((id * 7919 + k * 104729) % 2147483648) * 1103515245 + 12345) % 2147483648) \$\$;
CREATE FUNCTION val_r(id bigint) RETURNS integer IMMUTABLE LANGUAGE sql AS
\$\$ SELECT CASE WHEN lcg(id, 1) % 7 <> 0 THEN (lcg(id, 2) % 400)::integer END \$\$;
CREATE FUNCTION val_f(id bigint) RETURNS bigint IMMUTABLE LANGUAGE sql AS
\$\$ SELECT CASE WHEN lcg(id, 3) % 11 <> 0 THEN lcg(id, 4) % 30 END \$\$;
CREATE FUNCTION val_m(id bigint) RETURNS numeric IMMUTABLE LANGUAGE sql AS
\$\$ SELECT CASE WHEN lcg(id, 5) % 13 = 0 THEN NULL
               WHEN lcg(id, 6) % 3 = 0 THEN (lcg(id, 7) % 200000) / 3.0
               ELSE (lcg(id, 7) % 200000) / 100.0 END \$\$;
CREATE FUNCTION vr(id bigint) RETURNS integer VOLATILE LANGUAGE sql AS
\$\$ SELECT CASE WHEN nextval('evals') > 0 THEN val_r(id) END \$\$;
CREATE FUNCTION vf(id bigint) RETURNS bigint VOLATILE LANGUAGE sql AS
\$\$ SELECT CASE WHEN nextval('evals') > 0 THEN val_f(id) END \$\$;
CREATE FUNCTION vm(id bigint) RETURNS numeric VOLATILE LANGUAGE sql AS
\$\$ SELECT CASE WHEN nextval('evals') > 0 THEN val_m(id) END \$\$;
CREATE FUNCTION vrfm(id bigint) RETURNS rfm VOLATILE LANGUAGE sql AS
\$\$ SELECT CASE WHEN nextval('evals') > 0 THEN ROW(val_r(id), val_f(id), val_m(id), 0)::rfm END \$\$;
CREATE TABLE src AS SELECT id::bigint AS id, id % 1000 AS p FROM generate_series(1, $rows) AS id;
CREATE TABLE mat AS SELECT id, p, val_r(id) AS r, val_f(id) AS f, val_m(id) AS m FROM src;
ANALYZE src, mat;
SQL

# compare(call, matcall, window, calls per row): mismatching rows and calls
sub compare
{
	my ($call, $matcall, $win, $per_row) = @_;
	return $node->safe_psql('postgres', <<"SQL");
SET max_parallel_workers_per_gather = 0;
SELECT setval('evals', 1, false);
CREATE TEMP TABLE got AS SELECT id, $call OVER w AS s FROM src WINDOW w AS ($win);
CREATE TEMP TABLE want AS SELECT id, $matcall OVER w AS s FROM mat WINDOW w AS ($win);
SELECT (SELECT count(*) FROM got JOIN want USING (id) WHERE got.s IS DISTINCT FROM want.s)
       || '|' || (SELECT count(*) FROM got) || '|' || (currval('evals') = ${rows}::bigint * $per_row);
SQL
}

my $want = "1\n0|$rows|true";
is(compare('rfm_score(vr(id), vf(id), vm(id))', 'rfm_score(r, f, m)', '', 3),
	$want, "rfm_score(r, f, m) with volatile arguments over one partition of $rows rows");
is(compare('rfm_score(vrfm(id), 7)', 'rfm_score(ROW(r, f, m, 0)::rfm, 7)', 'PARTITION BY p ORDER BY id', 1),
	$want, "rfm_score(rfm, bins) with volatile arguments over 1,000 partitions of 1,000 rows, ORDER BY frame");

is($node->safe_psql('postgres', <<"SQL"), $rows, "the issue's reproducer at $rows rows");
SELECT count(*) FROM (SELECT rfm_score(1, 1::bigint, CASE WHEN random() < 0.5 THEN 1/3.0 END) OVER ()
                      FROM generate_series(1, $rows)) AS s
SQL

$node->stop;
done_testing();
