# Partial states on postgres_fdw shards, merged on the coordinator
# (doc/incremental.md): two shard servers each hold a share of every
# customer's orders (split by order number, so orders of one customer on
# one day sit on both shards); the coordinator reads them through foreign
# tables. rfm_partial and btyd_partial GROUP BY customer_id are pushed down
# to each shard (the aggregate in the Remote SQL), the states travel in
# their text form, and rfm_rollup / btyd_rollup on the coordinator equal
# rfm and btyd_summary over all the orders on a single node. (Three
# instances on this machine, Unix sockets only; PostgreSQL::Test::Cluster
# stops them all at exit.)
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

# 2,000 customers, 1 to 12 orders each on 90 days (many on the same day),
# amounts with cents, 1 in 9 a refund; order j of customer c
my $orders_sql = q{
    SELECT c AS customer_id, j,
           date '2024-01-01' + (abs(hashint8extended(c, j)) % 90)::int AS order_date,
           round((abs(hashint8extended(c, j + 100)) % 20000) / 100.0, 2)
             * CASE WHEN abs(hashint8extended(c, j + 200)) % 9 = 0 THEN -1 ELSE 1 END AS amount
    FROM generate_series(1, 2000) AS c,
         generate_series(1, 1 + (abs(hashint8extended(c, 0)) % 12)::int) AS j
};

my @shards;
for my $i (0, 1)
{
    my $shard = PostgreSQL::Test::Cluster->new("incr_shard$i");
    $shard->init;
    $shard->start;
    $shard->safe_psql('postgres', qq{
        CREATE EXTENSION retention;
        CREATE TABLE orders AS SELECT customer_id, order_date, amount FROM ($orders_sql) AS o WHERE j % 2 = $i;
        ANALYZE orders;
    });
    push @shards, $shard;
}

my $coord = PostgreSQL::Test::Cluster->new('incr_coordinator');
$coord->init;
$coord->start;
my $setup = qq{
    CREATE EXTENSION retention;
    CREATE EXTENSION postgres_fdw;
    CREATE TABLE orders_local AS SELECT customer_id, order_date, amount FROM ($orders_sql) AS o;
};
for my $i (0, 1)
{
    my ($host, $port) = ($shards[$i]->host, $shards[$i]->port);
    $setup .= qq{
        CREATE SERVER shard$i FOREIGN DATA WRAPPER postgres_fdw
            OPTIONS (host '$host', port '$port', dbname 'postgres', extensions 'retention');
        CREATE USER MAPPING FOR CURRENT_USER SERVER shard$i;
        CREATE FOREIGN TABLE orders_shard$i (customer_id bigint, order_date date, amount numeric)
            SERVER shard$i OPTIONS (table_name 'orders');
    };
}
$coord->safe_psql('postgres', $setup);

is($coord->safe_psql('postgres', q{
    SELECT count(*) FROM (SELECT customer_id, order_date FROM orders_shard0
                          INTERSECT SELECT customer_id, order_date FROM orders_shard1) AS x}) > 100 ? 'yes' : 'no',
   'yes', 'over 100 customer days have orders on both shards');

my $partials = q{
    SELECT customer_id, rfm_partial(order_date, amount) AS r, btyd_partial(order_date, amount) AS b
    FROM orders_shardN GROUP BY customer_id
};
for my $i (0, 1)
{
    my $plan = $coord->safe_psql('postgres', 'EXPLAIN (VERBOSE, COSTS OFF) ' . ($partials =~ s/N/$i/r));
    my @remote = $plan =~ /Remote SQL: (.*)/g;
    ok((grep { /rfm_partial\(/ && /btyd_partial\(/ && /GROUP BY/ } @remote) == 1,
       "rfm_partial and btyd_partial GROUP BY customer_id are pushed down to shard $i")
      or diag($plan);
}

my $merged = $coord->safe_psql('postgres', qq{
    SELECT string_agg(format('%s %s %s', customer_id, x, y), E'\\n' ORDER BY customer_id)
    FROM (SELECT customer_id, rfm(rfm_rollup(r), date '2024-04-01') AS x,
                 btyd_summary(btyd_rollup(b), date '2024-04-01', 'week') AS y
          FROM (@{[ $partials =~ s/N/0/r ]} UNION ALL @{[ $partials =~ s/N/1/r ]}) AS p
          GROUP BY customer_id) AS s});
my $single = $coord->safe_psql('postgres', q{
    SELECT string_agg(format('%s %s %s', customer_id, x, y), E'\n' ORDER BY customer_id)
    FROM (SELECT customer_id, rfm(order_date, amount, date '2024-04-01') AS x,
                 btyd_summary(order_date, amount, date '2024-04-01', 'week') AS y
          FROM orders_local GROUP BY customer_id) AS s});
is(scalar(() = $merged =~ /\n/g) + 1, 2000, 'the merged states cover the 2,000 customers');
is($merged, $single, 'states from the shards, rolled up on the coordinator, equal rfm and btyd_summary on a single node');

done_testing();
