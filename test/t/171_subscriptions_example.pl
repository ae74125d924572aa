# examples/subscriptions.sql: its views build over a subscriptions table,
# every column is of a plain built-in type, the survival view equals
# km_table of kaplan_meier per plan, the test view equals logrank_test, and
# REFRESH MATERIALIZED VIEW CONCURRENTLY works (the unique indexes).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $root = $ENV{RETENTION_ROOT} or die "RETENTION_ROOT is not set";
my $node = PostgreSQL::Test::Cluster->new('subscriptions_example');
$node->init;
$node->start;
$node->safe_psql('postgres', <<'SQL');
CREATE EXTENSION retention;
CREATE TABLE subscriptions AS
SELECT s AS id, 'plan ' || (s % 3) AS plan, current_date - 400 + s % 300 AS started_at,
       CASE WHEN s % 4 <> 0 THEN current_date - 400 + s % 300 + (s * 7919 % 500) / (1 + s % 3) END AS ended_at
FROM generate_series(1, 3000) AS s;
SQL
my ($out, $err) = ('', '');
my $rc = $node->psql('postgres', '', stdout => \$out, stderr => \$err,
	extra_params => [ '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', "$root/examples/subscriptions.sql" ]);
is($rc, 0, 'examples/subscriptions.sql loads') or diag($err);

is($node->safe_psql('postgres', <<'SQL'), '', 'every column of the views is a plain built-in type');
SELECT string_agg(a.attrelid::regclass || '.' || a.attname || ' ' || a.atttypid::regtype, ', ')
FROM pg_attribute AS a
WHERE a.attrelid IN ('survival_by_plan'::regclass, 'survival_plan_test'::regclass) AND a.attnum > 0
  AND a.atttypid NOT IN ('text'::regtype, 'date'::regtype, 'integer'::regtype, 'bigint'::regtype, 'double precision'::regtype)
SQL

is($node->safe_psql('postgres', <<'SQL'), '3|0', 'survival_by_plan equals km_table per plan');
SELECT count(DISTINCT plan),
       (SELECT count(*) FROM (
          (SELECT plan, days_subscribed::float8, at_risk, ended, still_running, survival FROM survival_by_plan
           EXCEPT SELECT c.plan, t."time", t.at_risk, t.events, t.censored, t.survival
           FROM (SELECT plan, kaplan_meier(started_at, ended_at, current_date) AS curve FROM subscriptions GROUP BY plan) AS c,
                km_table(c.curve) AS t)
          UNION ALL
          (SELECT c.plan, t."time", t.at_risk, t.events, t.censored, t.survival
           FROM (SELECT plan, kaplan_meier(started_at, ended_at, current_date) AS curve FROM subscriptions GROUP BY plan) AS c,
                km_table(c.curve) AS t
           EXCEPT SELECT plan, days_subscribed::float8, at_risk, ended, still_running, survival FROM survival_by_plan)) AS d)
FROM survival_by_plan
SQL

is($node->safe_psql('postgres', <<'SQL'), 't|2', 'survival_plan_test is the log-rank test over the plans');
SELECT abs(v.chisq - (r).chisq) <= 1e-12 * (r).chisq, v.df
FROM survival_plan_test AS v,
     (SELECT logrank_test((least(coalesce(ended_at, current_date), current_date) - started_at)::float8,
                          coalesce(ended_at <= current_date, false), plan) AS r FROM subscriptions) AS s
SQL

$node->safe_psql('postgres', 'REFRESH MATERIALIZED VIEW CONCURRENTLY survival_by_plan; REFRESH MATERIALIZED VIEW CONCURRENTLY survival_plan_test');
pass('both views refresh concurrently');

$node->stop;
done_testing();
