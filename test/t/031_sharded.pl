# Sharded Postgres with postgres_fdw: a coordinator whose orders table is
# hash-partitioned by customer_id into foreign tables on two shard servers
# (three instances on this machine, Unix sockets only). Checks that
# per-customer rfm(), btyd_summary() and btyd_holdout() GROUP BY customer_id are pushed down
# to the shards (partitionwise aggregate; our aggregate in the Remote SQL),
# with results identical to a single-node run; that the pipeline summary on
# the shards -> bgnbd_fit on the coordinator -> CLV per customer gives the
# single-node answer; and that cohort_retention over the sharded table equals
# single node. PostgreSQL::Test::Cluster stops every instance at exit, also
# when a test dies.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my @shards;
for my $i (0, 1)
{
    my $shard = PostgreSQL::Test::Cluster->new("shard$i");
    $shard->init;
    $shard->start;
    $shard->safe_psql('postgres', qq{
        CREATE EXTENSION retention;
        CREATE TABLE orders_p$i (customer_id bigint NOT NULL, order_date date NOT NULL, amount numeric(12, 2) NOT NULL);
    });
    push @shards, $shard;
}

my $coord = PostgreSQL::Test::Cluster->new('coordinator');
$coord->init;
$coord->start;

# The same deterministic orders for the sharded table and a local copy: 3,000
# customers, 1 to 12 orders each over 2024, amounts from hashes.
my $orders_sql = q{
    SELECT c AS customer_id,
           date '2024-01-01' + (abs(hashint8extended(c, j)) % 366)::int AS order_date,
           round(5 + (abs(hashint8extended(c, j + 100)) % 20000) / 100.0, 2) AS amount
    FROM generate_series(1, 3000) AS c,
         generate_series(1, 1 + (abs(hashint8extended(c, 0)) % 12)::int) AS j
};
my $setup = q{
    CREATE EXTENSION retention;
    CREATE EXTENSION postgres_fdw;
    CREATE TABLE orders (customer_id bigint NOT NULL, order_date date NOT NULL, amount numeric(12, 2) NOT NULL)
        PARTITION BY HASH (customer_id);
};
for my $i (0, 1)
{
    my ($host, $port) = ($shards[$i]->host, $shards[$i]->port);
    $setup .= qq{
        CREATE SERVER shard$i FOREIGN DATA WRAPPER postgres_fdw
            OPTIONS (host '$host', port '$port', dbname 'postgres', extensions 'retention', batch_size '1000');
        CREATE USER MAPPING FOR CURRENT_USER SERVER shard$i;
        CREATE FOREIGN TABLE orders_p$i PARTITION OF orders FOR VALUES WITH (MODULUS 2, REMAINDER $i)
            SERVER shard$i OPTIONS (table_name 'orders_p$i');
    };
}
$setup .= qq{
    INSERT INTO orders $orders_sql;
    CREATE TABLE orders_local AS $orders_sql;
    ANALYZE orders_local;
};
$coord->safe_psql('postgres', $setup);
$_->safe_psql('postgres', 'ANALYZE') for @shards;

is($coord->safe_psql('postgres', 'SELECT count(*) FROM orders'),
   $coord->safe_psql('postgres', 'SELECT count(*) FROM orders_local'),
   'the sharded table holds every order');
ok($shards[0]->safe_psql('postgres', 'SELECT count(*) FROM orders_p0') > 0
   && $shards[1]->safe_psql('postgres', 'SELECT count(*) FROM orders_p1') > 0,
   'both shards hold orders');

my $settings = 'SET enable_partitionwise_aggregate = on; SET max_parallel_workers_per_gather = 0;';

# per_customer(TABLE, AGG): one line per customer, in customer order
sub per_customer
{
    my ($table, $agg) = @_;
    return "SELECT string_agg(format('%s %s', customer_id, v), E'\\n' ORDER BY customer_id) FROM "
      . "(SELECT customer_id, $agg AS v FROM $table GROUP BY customer_id) AS s";
}

for my $case (
    [ 'rfm', q{rfm(order_date, amount, date '2025-01-01')} ],
    [ 'btyd_summary', q{btyd_summary(order_date, amount, date '2025-01-01', 'week')} ],
    [ 'btyd_holdout', q{btyd_holdout(order_date, amount, date '2024-09-30', date '2025-01-01', 'week')} ])
{
    my ($name, $agg) = @$case;
    my $plan = $coord->safe_psql('postgres',
        "$settings EXPLAIN (VERBOSE, COSTS OFF) SELECT customer_id, $agg FROM orders GROUP BY customer_id");
    my @remote = $plan =~ /Remote SQL: (.*)/g;
    is(scalar(grep { /\b\Q$name\E\(/ && /GROUP BY/ } @remote), 2,
       "$name GROUP BY customer_id is pushed down to both shards")
      or diag($plan);
    unlike($plan, qr/Partial Aggregate/, "$name needs no partial aggregation on the coordinator");
    is($coord->safe_psql('postgres', $settings . per_customer('orders', $agg)),
       $coord->safe_psql('postgres', per_customer('orders_local', $agg)),
       "$name per customer on the shards equals the single node");
}

# summary on the shards -> BG/NBD and Gamma-Gamma on the coordinator -> CLV
sub pipeline
{
    my ($table) = @_;
    return qq{
      WITH summary AS (
          SELECT customer_id, (btyd_summary(order_date, amount, date '2025-01-01', 'week')).*
          FROM $table GROUP BY customer_id
      ), model AS (
          SELECT bgnbd_fit(frequency, recency, t) AS bg,
                 gamma_gamma_fit(frequency, monetary_value) AS gg
          FROM summary
      )
      SELECT round((model.bg).r::numeric, 6), round((model.bg).alpha::numeric, 6),
             round((model.bg).a::numeric, 6), round((model.bg).b::numeric, 6),
             round(sum(cltv(model.bg, model.gg, s.frequency, s.recency, s.t, s.monetary_value, 12, 0.01, 'week'))::numeric, 2)
      FROM summary AS s, model
      GROUP BY model.bg
    };
}
my $sharded_fit = $coord->safe_psql('postgres', $settings . pipeline('orders'));
like($sharded_fit, qr/^[0-9.]+\|[0-9.]+\|[0-9.]+\|[0-9.]+\|[0-9.]+$/, 'pipeline over shards gives a fit and a CLV total');
is($sharded_fit, $coord->safe_psql('postgres', pipeline('orders_local')),
   'summary on the shards, fit and CLV on the coordinator equal the single node');

# cohorts: the aggregate runs on the coordinator over rows from both shards
my $cohorts = q{
    SELECT string_agg(format('%s %s %s %s %s', cohort, period_offset, cohort_size, active, revenue), E'\n'
                      ORDER BY cohort, period_offset)
    FROM cohort_table((SELECT cohort_retention(customer_id, order_date, 'month', amount) FROM TABLE_NAME))
};
my $cohort_sharded = $coord->safe_psql('postgres', $cohorts =~ s/TABLE_NAME/orders/r);
ok(length($cohort_sharded) > 0, 'cohort matrix over the shards is not empty');
is($cohort_sharded, $coord->safe_psql('postgres', $cohorts =~ s/TABLE_NAME/orders_local/r),
   'cohort_retention over the sharded table equals the single node');

done_testing();
