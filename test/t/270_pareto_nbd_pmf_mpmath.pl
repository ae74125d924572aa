# pareto_nbd_prob_purchases (issue 16 item 3, doc/clv.md) against
# test/pareto_nbd_pmf_reference.py: the conditional PMF as Fader & Hardie's
# note 028 eq. 16 (and lifetimes' conditional_probability_of_n_purchases_
# up_to_time) writes it, a difference of 2F1 terms, in mpmath at 80 digits
# and more, over about 900 cases (4 parameter sets with alpha below, above
# and equal to beta; 7 histories, frequency up to 600; horizons 0.25 ..
# 520; n 0 .. 150), to a relative 1e-9 (observed: 2.5e-13 at most).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use lib "$ENV{RETENTION_ROOT}/test/lib";
use ReferenceCases;

my $root = $ENV{RETENTION_ROOT} or die "RETENTION_ROOT is not set";
skip_without_mpmath();

my @cases = map { [ split /\|/ ] } split /\n/, `python3 $root/test/pareto_nbd_pmf_reference.py`;
die "test/pareto_nbd_pmf_reference.py failed" if $? != 0;
cmp_ok(scalar @cases, '>', 850, 'mpmath computed the references');

my $node = PostgreSQL::Test::Cluster->new('pareto_nbd_pmf');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION retention');

my $bad = reference_mismatches($node, \@cases);
is($bad, 0, scalar(@cases) . ' conditional probabilities agree with mpmath to a relative 1e-9');

$node->stop;
done_testing();
