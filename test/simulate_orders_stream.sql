--
-- simulate_orders streams (issue 12, item 8): it draws one order per call,
-- so in the select list a LIMIT stops the drawing. Before 0.2.0 it built
-- every row first (simulate_orders(3000000, 1) LIMIT 1: 1.9 s and 182 MB
-- of temporary files). The rows are those of a smaller call, since a
-- customer's orders do not depend on how many customers are asked for.
--
BEGIN;
SELECT plan(4);
-- generous: the streamed calls take milliseconds, the old ones hours
SET LOCAL statement_timeout = '20s';

SELECT is((SELECT simulate_orders(2147483647, 1) LIMIT 1)::text,
          (SELECT o::text FROM simulate_orders(1, 1) AS o LIMIT 1),
          'simulate_orders(2147483647, 1) LIMIT 1 in the select list returns the first order at once');
SELECT is((SELECT array_agg(o::text) FROM (SELECT simulate_orders(2147483647, 7, 0.5, 2.0, 0.3, 3.0, 5.0, 3.0, 10.0, '2020-02-29', 1000) AS o LIMIT 50) AS s),
          (SELECT array_agg(o::text) FROM (SELECT o FROM simulate_orders(100, 7, 0.5, 2.0, 0.3, 3.0, 5.0, 3.0, 10.0, '2020-02-29', 1000) AS o LIMIT 50) AS s),
          'simulate_orders: the first 50 streamed orders of 2^31 - 1 customers are those of 100 customers');
SELECT is((SELECT count(*) FROM simulate_orders(20000, 3)),
          (SELECT sum(n) FROM (SELECT count(*) AS n FROM simulate_orders(10000, 3) UNION ALL
                               SELECT count(*) FROM simulate_orders(20000, 3) WHERE customer_id > 10000) AS s)::bigint,
          'simulate_orders: customers 10001 to 20000 add exactly their own orders');
SELECT throws_ok($$SELECT count(*) FROM (SELECT simulate_orders(10, 1, 1e9, 1e-9, 0.001, 1000, 1, 1, 1, '2024-01-01', 1000)) AS s$$,
                 '54000', 'simulated customer has more than 1000000 orders');

SELECT * FROM finish();
ROLLBACK;
