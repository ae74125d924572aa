-- bench/orders.sql: the deterministic benchmark order set shared by every
-- benchmark. psql variable :customers (default 1000000) sets the size; the
-- set has about 10 orders per customer, skewed as real shops are: 45% of
-- the customers buy once, the others 1 + floor(3 u^-0.9) times (a Pareto
-- tail, capped at 1,000 orders), over two years of dates, with 1% refunds. No random(): every value is a hash of the customer and order
-- numbers, so the same size always gives the same table.
--
--   psql -v customers=100000 -f bench/orders.sql
\if :{?customers}
\else
\set customers 1000000
\endif
SET TimeZone = 'UTC';
DROP TABLE IF EXISTS bench_orders;
CREATE UNLOGGED TABLE bench_orders (
    customer_id bigint NOT NULL,
    order_date date NOT NULL,
    order_at timestamptz NOT NULL,
    amount numeric(12, 2) NOT NULL,
    amount_f float8 NOT NULL
);
-- u(c, k): a uniform number in (0, 1) from a hash of customer c and key k
CREATE OR REPLACE FUNCTION pg_temp.u(c bigint, k bigint) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ((hashint8extended(c, k) & 2147483647) + 0.5) / 2147483648.0 $$;

INSERT INTO bench_orders
SELECT c, d, d + make_interval(secs => (pg_temp.u(c, 3 * j + 2) * 86399)::int),
       a, a::float8
FROM generate_series(1, :customers) AS c,
     LATERAL generate_series(1, CASE WHEN pg_temp.u(c, 0) < 0.45 THEN 1
                                     ELSE least(1000, 1 + floor(3 * pg_temp.u(c, 1) ^ -0.9))::int END) AS j,
     LATERAL (SELECT date '2024-01-01' + floor(pg_temp.u(c, 3 * j) * 730)::int AS d,
                     (CASE WHEN pg_temp.u(c, 3 * j + 1) < 0.01 THEN -1 ELSE 1 END)
                     * round((5 + 200 * pg_temp.u(c, 3 * j + 1) ^ 2)::numeric, 2) AS a) AS v;
ANALYZE bench_orders;
SELECT count(*) AS orders, count(DISTINCT customer_id) AS customers FROM bench_orders;
