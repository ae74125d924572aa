# ReferenceCases: reference_mismatches(NODE, CASES) runs every case of
# CASES (array of [name, sql, reference], as the test/*_reference.py
# scripts print them) in database postgres of NODE, each SQL expression
# evaluated as float8 with its error caught, and returns how many differ
# from the reference by more than a relative 1e-9 or raised an error, with
# a diag line for each (test/t/251_mbgnbd.pl, test/t/253_bgbb.pl).
package ReferenceCases;
use strict;
use warnings;
use Exporter 'import';
use Test::More;

our @EXPORT = qw(reference_mismatches);

sub reference_mismatches
{
	my ($node, $cases) = @_;
	my $values = join ",\n", map { "($_, \$q\$SELECT $cases->[$_][1]\$q\$)" } 0 .. $#$cases;
	$node->safe_psql('postgres',
		"CREATE TABLE reference_calls (i integer, q text); INSERT INTO reference_calls VALUES $values");
	my %got = map { my ($i, $v) = split /\|/; ($i => $v) } split /\n/, $node->safe_psql('postgres', q{
	    SET extra_float_digits = 3;
	    CREATE FUNCTION reference_run(q text) RETURNS text LANGUAGE plpgsql AS $f$
	    DECLARE v float8;
	    BEGIN EXECUTE q INTO v; RETURN v::text;
	    EXCEPTION WHEN OTHERS THEN RETURN 'error ' || SQLSTATE || ' ' || SQLERRM; END $f$;
	    SELECT i, reference_run(q) FROM reference_calls ORDER BY i});
	my $bad = 0;
	for my $i (0 .. $#$cases)
	{
		my ($name, $sql, $ref) = @{ $cases->[$i] };
		my $v = $got{$i};
		if (!defined $v || $v =~ /^error/ || abs($v - $ref) > 1e-9 * abs($ref))
		{
			$bad++;
			diag("$name: got " . ($v // 'nothing') . ", mpmath $ref");
		}
	}
	return $bad;
}

1;
