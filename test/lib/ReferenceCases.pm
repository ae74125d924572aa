# ReferenceCases: the mpmath references of the Perl TAP tests.
# reference_cases(SCRIPT, MIN) skips the whole test file when python3 has
# no mpmath; otherwise it runs test/SCRIPT (one of the test/*_reference.py
# scripts, which print name|sql|reference lines), checks that it printed
# more than MIN cases (a test of its own) and returns them as [name, sql,
# reference]. reference_mismatches(NODE, CASES) runs every case of CASES
# in database postgres of NODE, each SQL expression evaluated as float8
# with its error caught, and returns how many differ from the reference by
# more than a relative 1e-9 or raised an error, with a diag line for each
# (test/t/251_mbgnbd.pl, test/t/253_bgbb.pl; test/t/120_models_mpmath.pl
# compares its cases itself). skip_without_mpmath() skips the whole test
# file when python3 has no mpmath (the files that run their own mpmath).
package ReferenceCases;
use strict;
use warnings;
use Exporter 'import';
use Test::More;

our @EXPORT = qw(reference_cases reference_mismatches skip_without_mpmath);

sub skip_without_mpmath
{
	plan skip_all => 'python3 with mpmath is not installed'
	  unless system('python3 -c "import mpmath" 2>/dev/null') == 0;
	return;
}

sub reference_cases
{
	my ($script, $min) = @_;
	my $root = $ENV{RETENTION_ROOT} or die "RETENTION_ROOT is not set";
	skip_without_mpmath();
	my @cases = map { [ split /\|/ ] } split /\n/, `python3 $root/test/$script`;
	die "test/$script failed" if $? != 0;
	cmp_ok(scalar @cases, '>', $min, 'mpmath computed the references');
	return @cases;
}

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
