-- bench/lib/setup.sql: how the benchmarks on bench_orders start (read
-- with \ir lib/setup.sql): stop at the first error, no notices, psql
-- variable customers (default 1000000; a script that wants another
-- default sets it before reading this file), jit off unless -v jit=on
-- (so that compile time does not blur small runs), and bench_orders
-- (bench/orders.sql) of that many customers: kept as it is with -v reuse=1
-- (bench/run.sh generates it once for every script), otherwise built when
-- it is missing or of another size.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
\if :{?customers}
\else
\set customers 1000000
\endif
\if :{?jit}
\else
\set jit off
\endif
SET jit = :jit;
\if :{?reuse}
\else
SELECT to_regclass('bench_orders') IS NULL AS bench_missing \gset
\if :bench_missing
\ir ../orders.sql
\else
SELECT (SELECT max(customer_id) FROM bench_orders) IS DISTINCT FROM :customers AS bench_other_size \gset
\if :bench_other_size
\ir ../orders.sql
\endif
\endif
\endif
