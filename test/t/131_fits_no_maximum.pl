# converged against an independent reference (issue 12, item 4): the
# log-likelihood in 50-digit arithmetic (mpmath, Debian python3-mpmath),
# from the formulas of the papers and not from our C code (Pareto/NBD's
# death term as the integral s * int_{t_x}^{T} (alpha + y)^-(r + x)
# (beta + y)^-(s + 1) dy by quadrature, not by 2F1), evaluated at the
# parameters a fit returns and at points around them:
#
# * where the fit says converged = false for the two cases of the issue,
#   the likelihood rises along a ray from the returned point (so there is
#   no maximum there to converge to);
# * where a fit says converged = true (BG/NBD on simulated customers), the
#   returned point is higher than its neighbours 0.05 away on each
#   log-parameter, both ways.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use lib "$ENV{RETENTION_ROOT}/test/lib";
use ReferenceCases;
use IPC::Run qw(run);

skip_without_mpmath();

# The reference: reads "model", then one line "x tx T weight" per row,
# then "points" and one line of log-parameters per point; prints
# loglik(point) - loglik(first point) for every point after the first.
my $reference = <<'PY';
import sys
from mpmath import mp, mpf, exp, log, loggamma, beta as B, quad
mp.dps = 50
lines = sys.stdin.read().split('\n')
model = lines[0].strip()
k = lines.index('points')
rows = [[mpf(v) for v in l.split()] for l in lines[1:k] if l.strip()]
points = [[mpf(v) for v in l.split()] for l in lines[k + 1:] if l.strip()]

def bgnbd(r, al, a, b, x, tx, T):
    # Fader, Hardie & Lee (2005) eq. 6
    c = loggamma(r + x) - loggamma(r) + r * log(al)
    A = B(a, b + x) / B(a, b) * (al + T) ** (-(r + x))
    if x > 0:
        A += B(a + 1, b + x - 1) / B(a, b) * (al + tx) ** (-(r + x))
    return c + log(A)

def pareto(r, al, s, be, x, tx, T):
    # Fader & Hardie (2005), "A note on deriving the Pareto/NBD model", eq. 19
    alive = (al + T) ** (-(r + x)) * (be + T) ** (-s)
    dead = s * quad(lambda y: (al + y) ** (-(r + x)) * (be + y) ** (-(s + 1)), [tx, T])
    return loggamma(r + x) - loggamma(r) + r * log(al) + s * log(be) + log(alive + dead)

f = bgnbd if model == 'bgnbd' else pareto
def ll(theta):
    p = [exp(t) for t in theta]
    return sum(w * f(*p, x, tx, T) for x, tx, T, w in rows)
base = ll(points[0])
for p in points[1:]:
    print(mp.nstr(ll(p) - base, 10))
PY

# differences(model, rows, points): loglik(point) - loglik(points[0])
sub differences
{
	my ($model, $rows, $points) = @_;
	my $in = "$model\n" . join('', map { "@$_\n" } @$rows) . "points\n"
	  . join('', map { "@$_\n" } @$points);
	my ($out, $err);
	run([ 'python3', '-c', $reference ], '<', \$in, '>', \$out, '2>', \$err)
	  or die "mpmath reference failed: $err";
	return split /\n/, $out;
}

my $node = PostgreSQL::Test::Cluster->new('no_maximum');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION retention');

# fit(sql): the log-parameters and converged of the fit sql selects as m
sub fit
{
	my ($sql, @names) = @_;
	my $cols = join(', ', map { "ln((m).$_)" } @names);
	my @v = split /\|/, $node->safe_psql('postgres', "SELECT $cols, (m).converged FROM ($sql) AS f");
	my $converged = pop @v;
	return ($converged, @v);
}

# 1. BG/NBD over (1000000, 10, 10), (0, 0, 10): a -> 0 (nobody drops out)
my @rows = ([ 1000000, 10, 10, 1 ], [ 0, 0, 10, 1 ]);
my ($converged, @theta) = fit(q{SELECT bgnbd_fit(f, r, t) AS m
    FROM (VALUES (1000000, 10::float8, 10::float8), (0, 0, 10)) AS v(f, r, t)},
	qw(r alpha a b));
is($converged, 'f', 'issue 12: bgnbd_fit over (1000000, 10, 10), (0, 0, 10) is not converged');
my @ray = map { my $d = $_; [ @theta[ 0, 1 ], $theta[2] - $d, $theta[3] ] } (0, 1, 2, 4);
my @d = differences('bgnbd', \@rows, \@ray);
note("BG/NBD: log-likelihood along log a - 1, 2, 4 from the fit: @d");
ok($d[0] > 0 && $d[1] > $d[0] && $d[2] > $d[1],
	'in 50 digits its likelihood rises as a falls from the returned point: no maximum');

# 2. Pareto/NBD of one customer (3, 5, 10): towards homogeneous rates,
#    every parameter up by the same factor
@rows = ([ 3, 5, 10, 1 ]);
($converged, @theta) = fit('SELECT pareto_nbd_fit(3, 5.0, 10.0) AS m', qw(r alpha s beta));
is($converged, 'f', 'issue 12: pareto_nbd_fit(3, 5.0, 10.0) is not converged');
@ray = map { my $d = $_; [ map { $_ + $d } @theta ] } (0, 1, 2, 4);
@d = differences('pareto', \@rows, \@ray);
note("Pareto/NBD: log-likelihood along every log-parameter + 1, 2, 4 from the fit: @d");
ok($d[0] > 0 && $d[1] > $d[0] && $d[2] > $d[1],
	'in 50 digits its likelihood rises along the ray from the returned point: no maximum');

# 3. A converged fit is a maximum: BG/NBD over 2,000 simulated customers,
#    its distinct rows with their weights
$node->safe_psql('postgres', q{
    CREATE TABLE summaries AS
    SELECT o.customer_id, (btyd_summary(o.order_at, o.amount, date '2015-01-01' + 2730, 'week')).*
    FROM simulate_orders(2000, 11, 0.243, 44.14, 0.793, 2.426, 6.25, 3.74, 15.44, date '2015-01-01', 2730) AS o
    GROUP BY o.customer_id});
($converged, @theta) = fit('SELECT bgnbd_fit(frequency, recency, t) AS m FROM summaries', qw(r alpha a b));
is($converged, 't', 'bgnbd_fit of 2,000 simulated customers converges');
@rows = map { [ split /\|/ ] } split /\n/, $node->safe_psql('postgres',
	q{SELECT frequency, recency, t, count(*) FROM summaries GROUP BY 1, 2, 3});
my @around = ([@theta]);
for my $i (0 .. 3)
{
	for my $step (-0.05, 0.05)
	{
		my @p = @theta;
		$p[$i] += $step;
		push @around, \@p;
	}
}
@d = differences('bgnbd', \@rows, \@around);
note("BG/NBD simulated: log-likelihood 0.05 away on each log-parameter: @d");
is(scalar(grep { $_ < 0 } @d), 8, 'in 50 digits the converged point is higher than its 8 neighbours');

$node->stop;
done_testing();
