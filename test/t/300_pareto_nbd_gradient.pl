# The analytic gradient of the Pareto/NBD fit's log-likelihood
# (src/models/pareto_nbd_loglik.c), through the test module's
# pareto_nbd_loglik_gradient, against two independent references at many
# parameter points (alpha < beta, alpha > beta, alpha = beta, alpha and
# beta a thousand times apart, large and small r and s) and rows (no
# repeat purchase, t_x = T, t_x near T, short and long ages, x up to 300,
# several rows sharing x, t_x or T, as the likelihood's caches see them):
#
#   - mpmath (test/covariance_reference.py: Fader & Hardie (2005) eq. 22
#     with A_0 by mpmath's hyp2f1 at 40 digits, none of the extension's
#     series), differentiated by mpmath's diff at 40 digits: the value
#     within 1e-10 and each component of the gradient in log-parameters
#     (p_i dLL/dp_i, what the optimiser sees) within 1e-8 of
#     max(1, |reference|) times the rows' weight;
#   - central differences of the extension's own value (step 1e-5 on the
#     log scale: truncation about 1e-10 of the second derivative), within
#     1e-5 of max(1, |gradient|) times the rows' weight.
#
# The value with and without the gradient is the same number, and where
# the series cannot be summed within the fit's budget (alpha and beta
# 1e8 apart, beyond the binomial form's exponents) both are NULL: the
# gradient path fails where the value fails.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use lib "$ENV{RETENTION_ROOT}/test/lib";
use ReferenceCases;

my $root = $ENV{RETENTION_ROOT} or die "RETENTION_ROOT is not set";
skip_without_mpmath();

my $node = PostgreSQL::Test::Cluster->new('pareto_gradient');
$node->init;
$node->start;
$node->safe_psql('postgres',
	'CREATE EXTENSION retention; CREATE EXTENSION retention_test');

# rows: [x, t_x, T, weight]
my @mixed = (
	[ 0, 0, 39, 3 ], [ 0, 0, 12.5, 1 ], [ 1, 2, 39, 2 ], [ 1, 30, 39, 1 ],
	[ 3, 38.99, 39, 1 ], [ 3, 10, 39, 4 ], [ 3, 10, 52, 1 ], [ 7, 7, 7, 1 ],
	[ 20, 35, 39, 1 ], [ 20, 0.5, 39, 2 ],
);
my @heavy = ([ 150, 38, 39, 1 ], [ 150, 5, 39, 1 ], [ 300, 51.9, 52, 1 ],
	[ 300, 20, 52, 2 ]);
my @young = ([ 0, 0, 0.5, 2 ], [ 2, 0.1, 3, 1 ], [ 2, 1, 5, 1 ],
	[ 5, 4.5, 5, 1 ]);
my %rows = (mixed => \@mixed, heavy => \@heavy, young => \@young);

# [name, r, alpha, s, beta, row set]
my @cases = (
	[ 'CDNOW optimum, alpha < beta', 0.55, 10.58, 0.61, 11.67, 'mixed' ],
	[ 'alpha > beta', 0.8, 20, 1.5, 2, 'mixed' ],
	[ 'alpha = beta', 0.5, 5, 0.7, 5, 'mixed' ],
	[ 'alpha = beta + 1e-9', 2, 7 + 1e-9, 3, 7, 'mixed' ],
	[ 'alpha << beta (hash summaries optimum)', 0.1458, 0.0436, 2.2689, 30.537, 'mixed' ],
	[ 'alpha << beta, young rows', 0.1458, 0.0436, 2.2689, 30.537, 'young' ],
	[ 'alpha >> beta', 1.2, 40, 0.4, 0.05, 'mixed' ],
	[ 'alpha >> beta, young rows', 1.2, 40, 0.4, 0.05, 'young' ],
	[ 'alpha 1000 beta, large r', 30, 500, 0.5, 0.5, 'mixed' ],
	[ 'beta 1000 alpha, large s', 0.3, 0.02, 25, 20, 'mixed' ],
	[ 'large x, alpha < beta', 0.55, 10.58, 0.61, 11.67, 'heavy' ],
	[ 'large x, alpha > beta', 0.8, 20, 1.5, 2, 'heavy' ],
	[ 'large x, alpha << beta', 0.1458, 0.0436, 2.2689, 30.537, 'heavy' ],
	[ 'large x, alpha >> beta', 1.2, 40, 0.4, 0.05, 'heavy' ],
	[ 'large x, alpha = beta', 0.5, 5, 0.7, 5, 'heavy' ],
);

sub arrays
{
	my ($rows) = @_;
	my @cols;
	for my $j (0 .. 3)
	{
		push @cols, '{' . join(',', map { $_->[$j] } @$rows) . '}';
	}
	return @cols;
}

# the extension's value and gradient (with_gradient true) or value alone
sub extension
{
	my ($p, $rows, $with) = @_;
	my ($x, $tx, $t, $w) = arrays($rows);
	my $out = $node->safe_psql('postgres',
		"SELECT retention_test.pareto_nbd_loglik_gradient('{"
		  . join(',', @$p)
		  . "}', '$x', '$tx', '$t', '$w', $with)");
	return undef if $out eq '';
	$out =~ s/[{}]//g;
	return [ split /,/, $out ];
}

# mpmath's value and gradient in log-parameters
my $python = <<'PY';
import sys
sys.path.insert(0, sys.argv[1])
import mpmath as mp
import covariance_reference as c
mp.mp.dps = 40
v = [mp.mpf(a) for a in sys.argv[2:]]
p = v[:4]
rows = [((v[i], v[i + 1], v[i + 2]), v[i + 3]) for i in range(4, len(v), 4)]
def at(q):
    return c.pareto_nbd_loglik(rows, q)
print(mp.nstr(at(p), 25))
for i in range(4):
    def f(u, i=i):
        q = list(p)
        q[i] = mp.exp(u)
        return at(q)
    print(mp.nstr(mp.diff(f, mp.log(p[i])), 25))
PY

for my $case (@cases)
{
	my ($name, @rest) = @$case;
	my @p = @rest[ 0 .. 3 ];
	my $rows = $rows{ $rest[4] };
	my $weight = 0;
	$weight += $_->[3] for @$rows;

	my $g = extension(\@p, $rows, 'true');
	my $v = extension(\@p, $rows, 'false');
	ok(defined $g && defined $v, "$name: evaluates") or next;
	is($v->[0], $g->[0], "$name: the same value with and without the gradient");

	my @args = (@p, map { @$_ } @$rows);
	my @ref = split /\n/, `python3 -c '$python' $root/test @args`;
	die "the mpmath reference failed" if $? != 0 || @ref != 5;
	cmp_ok(abs($g->[0] - $ref[0]), '<=', 1e-10 * abs($ref[0]),
		"$name: value $g->[0] is mpmath's $ref[0]");
	my @names = qw(r alpha s beta);
	for my $i (0 .. 3)
	{
		my $mine = $g->[ $i + 1 ] * $p[$i];
		cmp_ok(abs($mine - $ref[ $i + 1 ]), '<=',
			1e-8 * $weight * (abs($ref[ $i + 1 ]) > 1 ? abs($ref[ $i + 1 ]) : 1),
			"$name: p dLL/d$names[$i] $mine is mpmath's $ref[$i + 1]");

		my $h = 1e-5;
		my @up = @p;
		my @down = @p;
		$up[$i] = $p[$i] * exp($h);
		$down[$i] = $p[$i] * exp(-$h);
		my $fd = (extension(\@up, $rows, 'false')->[0] -
			  extension(\@down, $rows, 'false')->[0]) / (2 * $h);
		cmp_ok(abs($mine - $fd), '<=',
			1e-5 * $weight * (abs($mine) > 1 ? abs($mine) : 1),
			"$name: p dLL/d$names[$i] $mine is the central difference $fd");
	}
}

# beyond the series budget: alpha 1e8 beta with x = 20 (the binomial form
# takes exponents up to 16) needs about 1e8 terms; the same point with
# x = 3 takes the binomial form and evaluates
my @far = (0.5, 1e4, 0.5, 1e-4);
is(extension(\@far, [ [ 20, 1, 39, 1 ] ], 'false'), undef,
	'alpha 1e8 beta, x = 20: the value cannot be evaluated');
is(extension(\@far, [ [ 20, 1, 39, 1 ] ], 'true'), undef,
	'alpha 1e8 beta, x = 20: nor the value with the gradient');
ok(defined extension(\@far, [ [ 3, 1, 39, 1 ] ], 'true'),
	'alpha 1e8 beta, x = 3: the binomial form evaluates, gradient too');

$node->stop;
done_testing();
