# Kaplan-Meier and the log-rank test against R's survival package, the
# reference implementation (Debian's r-cran-survival), run at test time.
# Datasets from a Perl LCG and by hand: ties, all censored, all events, a
# single row (event, censored), an event and a censoring at the same time,
# survival falling to exactly 0.5 on a flat stretch (R's median rule), a
# last time where every subject at risk has the event (S = 0), fractional
# times, two to four groups. For each: every km_table column against
# survfit(Surv(time, status), conf.type = "log-log") (time, n.risk,
# n.event, n.censor, surv, std.err * surv as summary.survfit prints it,
# lower, upper; R's NA and NaN are our NULL), km_median against
# summary(fit)$table["median"], and logrank_test's chisq, df and p_value
# against survdiff. Skips when Rscript or the survival package is absent.
use strict;
use warnings;
use File::Temp qw(tempdir);
use IPC::Run qw(run);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

plan skip_all => 'Rscript with the survival package is absent'
  unless system('Rscript -e "library(survival)" >/dev/null 2>&1') == 0;

# a 31-bit LCG (Park-Miller), deterministic
my $seed = 20261217;
sub lcg { $seed = ($seed * 48271) % 2147483647; return $seed; }

# datasets: name => [ [time, status, group], ... ]
my %data;
$data{ties} = [ map { [ 1 + lcg() % 30, (lcg() % 3 ? 1 : 0), 'g' . (lcg() % 2) ] } 1 .. 200 ];
$data{all_censored} = [ map { [ 1 + lcg() % 7, 0, 'g' . ($_ % 2) ] } 1 .. 10 ];
$data{all_events} = [ map { [ 1 + lcg() % 6, 1, 'g' . ($_ % 3) ] } 1 .. 15 ];
$data{single_event} = [ [ 4.5, 1, 'a' ] ];
$data{single_censored} = [ [ 4.5, 0, 'a' ] ];
$data{same_time} = [ [ 2, 1, 'a' ], [ 2, 0, 'a' ], [ 2, 1, 'b' ], [ 5, 0, 'b' ], [ 5, 1, 'a' ], [ 7, 1, 'b' ], [ 7, 0, 'b' ] ];
$data{flat_half} = [ [ 1, 1, 'a' ], [ 2, 1, 'b' ], [ 3, 0, 'a' ], [ 4, 1, 'b' ], [ 6, 1, 'a' ], [ 6, 0, 'b' ] ];
$data{half_at_end} = [ [ 1, 1, 'a' ], [ 5, 1, 'b' ], [ 7, 0, 'a' ], [ 7, 0, 'b' ] ];
$data{last_all_events} = [ [ 1, 0, 'a' ], [ 2, 1, 'b' ], [ 3, 1, 'a' ], [ 3, 1, 'b' ] ];
$data{fractional} = [ map { [ (lcg() % 400) / 4, (lcg() % 4 ? 1 : 0), 'g' . (lcg() % 3) ] } 1 .. 300 ];
$data{large} = [ map { [ lcg() % 500, (lcg() % 3 ? 1 : 0), 'plan' . (lcg() % 4) ] } 1 .. 2000 ];
my @names = sort keys %data;

my $dir = tempdir(CLEANUP => 1);
my $rows = '';
for my $ds (@names)
{
	$rows .= "$ds,$_->[0],$_->[1],$_->[2]\n" for @{ $data{$ds} };
}
open(my $csv, '>', "$dir/data.csv") or die;
print $csv "ds,time,status,grp\n", $rows;
close $csv;

# the reference, one line per km row, median and test
my $rscript = <<'R';
suppressMessages(library(survival))
d <- read.csv(commandArgs(TRUE)[1], stringsAsFactors = FALSE)
f <- function(x) ifelse(is.na(x) | is.nan(x), "NULL", sprintf("%.17g", x))
for (ds in sort(unique(d$ds))) {
  s <- d[d$ds == ds, ]
  fit <- survfit(Surv(time, status) ~ 1, data = s, conf.type = "log-log")
  for (i in seq_along(fit$time))
    cat("km", ds, i, f(fit$time[i]), fit$n.risk[i], fit$n.event[i], fit$n.censor[i],
        f(fit$surv[i]), f(fit$std.err[i] * fit$surv[i]), f(fit$lower[i]), f(fit$upper[i]), "\n")
  cat("median", ds, f(unname(summary(fit)$table["median"])), "\n")
  if (length(unique(s$grp)) > 1 && sum(s$status) > 0) {
    sd <- survdiff(Surv(time, status) ~ grp, data = s)
    df <- sum(sd$exp > 0) - 1
    cat("logrank", ds, f(sd$chisq), df, f(pchisq(sd$chisq, df, lower.tail = FALSE)), "\n")
  }
}
R
my ($out, $err) = ('', '');
run([ 'Rscript', '-e', $rscript, "$dir/data.csv" ], \undef, \$out, \$err)
  or die "Rscript failed: $err";
my (%km, %median, %logrank);
for my $line (split /\n/, $out)
{
	my @f = split ' ', $line;
	if ($f[0] eq 'km') { push @{ $km{ $f[1] } }, [ @f[ 3 .. 10 ] ]; }
	elsif ($f[0] eq 'median') { $median{ $f[1] } = $f[2]; }
	elsif ($f[0] eq 'logrank') { $logrank{ $f[1] } = [ @f[ 2 .. 4 ] ]; }
}
is(scalar keys %km, scalar @names, 'R gave a curve for every dataset');

my $node = PostgreSQL::Test::Cluster->new('survival_r');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION retention');
$node->safe_psql('postgres', <<"SQL");
CREATE TABLE obs (ds text, t float8, status integer, grp text);
COPY obs FROM STDIN WITH (FORMAT csv);
$rows\\.
SQL

# equal within a relative (and, below 1, absolute) tolerance; NULL only with NULL
sub close_to
{
	my ($got, $want, $tol) = @_;
	return $got eq 'NULL' && $want eq 'NULL' if $got eq 'NULL' || $want eq 'NULL';
	return abs($got - $want) <= $tol * (abs($want) > 1 ? abs($want) : 1);
}

# equal within a relative tolerance, however small the value (p-values)
sub relative_close
{
	my ($got, $want, $tol) = @_;
	return abs($got - $want) <= $tol * abs($want);
}

my @cols = qw(time at_risk events censored survival std_error lower_95 upper_95);
for my $ds (@names)
{
	my $rows = $node->safe_psql('postgres', <<"SQL");
SELECT concat_ws(' ', "time", at_risk, events, censored,
                 coalesce(survival::text, 'NULL'), coalesce(std_error::text, 'NULL'),
                 coalesce(lower_95::text, 'NULL'), coalesce(upper_95::text, 'NULL'))
FROM km_table((SELECT kaplan_meier(t, status = 1) FROM obs WHERE ds = '$ds'))
SQL
	my @got = map { [ split ' ' ] } split /\n/, $rows;
	my $want = $km{$ds};
	is(scalar @got, scalar @$want, "$ds: km_table has R's number of rows");
	my @bad;
	for my $i (0 .. $#$want)
	{
		for my $c (0 .. 7)
		{
			my $tol = $c >= 1 && $c <= 3 ? 0 : 1e-12;
			push @bad, "row " . ($i + 1) . " $cols[$c]: $got[$i][$c] vs R $want->[$i][$c]"
			  unless defined $got[$i] && close_to($got[$i][$c], $want->[$i][$c], $tol);
		}
	}
	is(join('; ', @bad), '', "$ds: every km_table column equals R's survfit");

	my $median = $node->safe_psql('postgres',
		"SELECT coalesce(km_median(kaplan_meier(t, status = 1))::text, 'NULL') FROM obs WHERE ds = '$ds'");
	ok(close_to($median, $median{$ds}, 1e-12), "$ds: km_median $median equals R's median $median{$ds}");

	next unless $logrank{$ds};
	my $lr = $node->safe_psql('postgres',
		"SELECT concat_ws(' ', chisq, df, p_value) FROM (SELECT (logrank_test(t, status = 1, grp)).* FROM obs WHERE ds = '$ds') AS r");
	my ($chisq, $df, $p) = split ' ', $lr;
	my ($rchisq, $rdf, $rp) = @{ $logrank{$ds} };
	ok(close_to($chisq, $rchisq, 1e-10) && $df == $rdf && relative_close($p, $rp, 1e-10),
		"$ds: logrank_test ($chisq, $df, $p) equals R's survdiff ($rchisq, $rdf, $rp)");
}
ok(scalar(keys %logrank) >= 8, 'the log-rank test was compared on at least 8 datasets');

$node->stop;
done_testing();
