# statement_timeout and cancel stop a model fit during its optimisation:
# the optimiser callback asks NLopt to stop when an interrupt is pending and
# the error is raised after NLopt's state is freed. The input is built
# first; the fit of it alone takes far longer than the timeout.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $node = PostgreSQL::Test::Cluster->new('cancel');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION retention');

# 400,000 distinct histories: the Pareto/NBD likelihood costs over 100 ms
# an evaluation and a fit dozens of them, seconds in all (its gradient made
# 40,000 histories a fit of half a second, shorter than the timeout)
$node->safe_psql('postgres', q{
    CREATE TABLE histories AS
    SELECT (i % 200) + 1 AS frequency, 30 * (i % 997 + 1) / 1000.0 AS recency, 30 + (i % 13) AS t
    FROM generate_series(1, 400000) AS i});

my $start = time;
my ($ret, $out, $err) = $node->psql('postgres', q{
    SET statement_timeout = '1s';
    SELECT pareto_nbd_fit(frequency, recency::float8, t::float8) FROM histories});
my $elapsed = time - $start;
isnt($ret, 0, 'the fit was stopped');
like($err, qr/canceling statement due to statement timeout/, 'by statement_timeout (57014)');
note("stopped after $elapsed s");

($ret, $out, $err) = $node->psql('postgres', q{
    SET statement_timeout = '1s';
    SELECT bgnbd_fit(frequency, recency::float8, t::float8)
    FROM histories, generate_series(1, 200)});
like($err, qr/canceling statement due to statement timeout/, 'a long BG/NBD aggregation too');

# the backend is fine afterwards and fits again
is($node->safe_psql('postgres', 'SELECT (bgnbd_fit(frequency, recency::float8, t::float8)).n FROM histories'),
    '400000', 'the session still works');

$node->stop;
done_testing();
