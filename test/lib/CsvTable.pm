# CsvTable: load_csv(NODE, TABLE, COLUMNS, FILE) creates TABLE (COLUMNS) in
# database postgres of NODE and fills it from the CSV file FILE (with a
# header line) through COPY FROM STDIN, so the server needs no access to
# the file; carriage returns are dropped. Used by the tests on the data of
# ../shared/data (test/t/250_fit_weights_cdnow.pl, 251, 252).
package CsvTable;
use strict;
use warnings;
use Exporter 'import';
use PostgreSQL::Test::Utils;

our @EXPORT = qw(load_csv);

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

1;
