# CsvTable: load_csv(NODE, TABLE, COLUMNS, FILE) creates TABLE (COLUMNS) in
# database postgres of NODE and fills it from the CSV file FILE (with a
# header line) through COPY FROM STDIN, so the server needs no access to
# the file; carriage returns are dropped. cdnow_files() gives the paths of
# the two CDNOW summaries of ../shared/data (README.md there) and skips
# the whole test file when either is absent; load_cdnow(NODE, SUMMARY
# [, SPEND]) loads them as the tables cdnow (id, frequency, recency, t:
# 2,357 customers in weeks) and cdnow_spend (id, x, t_x, t, zbar). Used by
# the tests on the data of ../shared/data (test/t/020, 200, 250, 251, 253).
package CsvTable;
use strict;
use warnings;
use Exporter 'import';
use PostgreSQL::Test::Utils;
use Test::More ();

our @EXPORT = qw(load_csv cdnow_files load_cdnow);

sub load_csv
{
	my ($node, $table, $columns, $file) = @_;
	my $csv = slurp_file($file);
	$csv =~ s/\r//g;
	$csv .= "\n" unless $csv =~ /\n\z/;
	$node->safe_psql('postgres',
		"CREATE TABLE $table ($columns);\n"
		  . "COPY $table FROM STDIN WITH (FORMAT csv, HEADER true);\n"
		  . $csv . "\\.\n");
	return;
}

sub cdnow_files
{
	my $root = $ENV{RETENTION_ROOT} or die "RETENTION_ROOT is not set";
	my $data = "$root/../shared/data";
	my $summary = "$data/cdnow_customers_summary.csv";
	my $spend = "$data/cdnow_customers_summary_with_transactions.csv";
	Test::More::plan(skip_all => "CDNOW reference data not found in $data")
	  unless -r $summary && -r $spend;
	return ($summary, $spend);
}

sub load_cdnow
{
	my ($node, $summary, $spend) = @_;
	load_csv($node, 'cdnow', 'id integer, frequency integer, recency float8, t float8', $summary);
	load_csv($node, 'cdnow_spend', 'id integer, x integer, t_x float8, t float8, zbar float8', $spend)
	  if defined $spend;
	return;
}

1;
