--
-- simulate_orders: synthetic BG/NBD + Gamma-Gamma orders (DESIGN section 5,
-- doc/simulate_orders.md). Covers: fixed rows for a seed (checked against
-- an independent re-implementation of the generators), determinism (same
-- seed same rows, another seed other rows, customer i independent of the
-- number of customers), both overloads, edge sizes, every error, and the
-- statistics of 100,000 customers against the model's closed forms:
--   P(X(t) = 0) = (alpha / (alpha + t))^r             (no repeat purchase)
--   E[X(t)] = (a + b - 1) / (a - 1)
--             * (1 - (alpha / (alpha + t))^r 2F1(r, b; a + b - 1; t / (alpha + t)))
--   E[z] = p v / (q - 1)                               (one order's amount)
-- (Fader, Hardie & Lee 2005, eq. 7 and 8; Fader, Hardie & Lee 2005 JMR,
-- the Gamma-Gamma mean). Each sample mean must lie within 4 standard errors
-- of its expectation (the standard error from the sample variance, or for
-- the amounts from the model's variance, see below).
--
SET extra_float_digits = 0;
SET DateStyle = ISO;

-- the first customers of seed 1: these rows match a separate Python
-- implementation of the same generators (splitmix64, xoshiro256**,
-- Marsaglia-Tsang), so a change here means the stream changed
SELECT * FROM simulate_orders(3, 1);
SELECT * FROM simulate_orders(2, 7, 2, 10, 2, 4, 6.25, 3.74, 15.44, '2023-06-01', 365);

-- determinism
SELECT (SELECT md5(string_agg(s::text, ',' ORDER BY customer_id, order_at, amount)) FROM simulate_orders(5000, 42) AS s)
     = (SELECT md5(string_agg(s::text, ',' ORDER BY customer_id, order_at, amount)) FROM simulate_orders(5000, 42) AS s) AS same_seed_same_rows;
SELECT (SELECT md5(string_agg(s::text, ',' ORDER BY customer_id, order_at, amount)) FROM simulate_orders(5000, 42) AS s)
    <> (SELECT md5(string_agg(s::text, ',' ORDER BY customer_id, order_at, amount)) FROM simulate_orders(5000, 43) AS s) AS other_seed_other_rows;
-- customer i's orders do not depend on how many customers are drawn
SELECT count(*) AS differences FROM (
    (SELECT * FROM simulate_orders(1000, 42) EXCEPT ALL SELECT * FROM simulate_orders(3000, 42) WHERE customer_id <= 1000)
    UNION ALL
    (SELECT * FROM simulate_orders(3000, 42) WHERE customer_id <= 1000 EXCEPT ALL SELECT * FROM simulate_orders(1000, 42))) AS d;
-- the two-argument overload is the CDNOW estimates from 2024-01-01 over 273 days
SELECT count(*) AS differences FROM (
    (SELECT * FROM simulate_orders(2000, 5) EXCEPT ALL
     SELECT * FROM simulate_orders(2000, 5, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '2024-01-01', 273))
    UNION ALL
    (SELECT * FROM simulate_orders(2000, 5, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '2024-01-01', 273) EXCEPT ALL
     SELECT * FROM simulate_orders(2000, 5))) AS d;

-- sizes: no customers; a window of 0 days (first orders only); the
-- customers' first orders are all on start, the others before start + days
SELECT count(*) AS rows FROM simulate_orders(0, 1);
SELECT count(*) AS rows, count(DISTINCT customer_id) AS customers, min(order_at), max(order_at)
FROM simulate_orders(1000, 1, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '2024-01-01', 0);
SELECT min(order_at) = '2024-01-01' AS starts_on_start, max(order_at) < date '2024-01-01' + 273 AS ends_before_end,
       bool_and(amount >= 0 AND scale(amount) = 2) AS amounts_in_cents,
       count(DISTINCT customer_id) = 1000 AS every_customer
FROM simulate_orders(1000, 3);
SELECT bool_and(first = '2024-01-01') AS everyone_starts_on_start
FROM (SELECT min(order_at) AS first FROM simulate_orders(1000, 3) GROUP BY customer_id) AS f;
-- NULL arguments: STRICT, no rows
SELECT count(*) AS rows FROM simulate_orders(10, NULL);

-- errors
SELECT * FROM simulate_orders(-1, 1);
SELECT * FROM simulate_orders(10, 1, 0, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '2024-01-01', 273);
SELECT * FROM simulate_orders(10, 1, 0.243, -4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '2024-01-01', 273);
SELECT * FROM simulate_orders(10, 1, 0.243, 4.414, 'NaN', 2.426, 6.25, 3.74, 15.44, '2024-01-01', 273);
SELECT * FROM simulate_orders(10, 1, 0.243, 4.414, 0.793, 'Infinity', 6.25, 3.74, 15.44, '2024-01-01', 273);
SELECT * FROM simulate_orders(10, 1, 0.243, 4.414, 0.793, 2.426, 0, 3.74, 15.44, '2024-01-01', 273);
SELECT * FROM simulate_orders(10, 1, 0.243, 4.414, 0.793, 2.426, 6.25, -1, 15.44, '2024-01-01', 273);
SELECT * FROM simulate_orders(10, 1, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 0, '2024-01-01', 273);
SELECT * FROM simulate_orders(10, 1, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, 'infinity', 273);
SELECT * FROM simulate_orders(10, 1, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '2024-01-01', -1);
SELECT * FROM simulate_orders(10, 1, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, '5874897-12-01', 31);
-- a purchase rate of about 10^11 a week and a dropout probability of
-- about 10^-12: more than 1,000,000 orders
SELECT count(*) FROM simulate_orders(1, 1, 1, 1e-11, 1e-6, 1e6, 6.25, 3.74, 15.44, '2024-01-01', 273);
-- an amount beyond what a numeric of cents in int64 holds
SELECT count(*) FROM simulate_orders(1, 1, 0.243, 4.414, 0.793, 2.426, 1e20, 3.74, 15.44, '2024-01-01', 0);
-- statement_timeout stops a long simulation: interrupts are checked for
-- every customer and order (100,000,000 customers would take minutes)
SET statement_timeout = '200ms';
SELECT count(*) FROM simulate_orders(100000000, 1);
RESET statement_timeout;

-- Statistics of 100,000 customers with the CDNOW estimates: X(t) is the
-- number of repeat orders (before merging same-day orders) in the first
-- t weeks; orders on start + d fall at times in [d, d + 1) days, so
-- X(13 weeks) counts the orders before start + 91 and X(39 weeks) all.
CREATE TABLE sim AS SELECT * FROM simulate_orders(100000, 2024);
CREATE TABLE sim_x AS
SELECT customer_id, count(*) - 1 AS x39,
       count(*) FILTER (WHERE order_at < date '2024-01-01' + 91) - 1 AS x13,
       (array_agg(amount ORDER BY order_at, amount))[1] AS first_amount
FROM sim GROUP BY customer_id;
-- E[X(t)]: the series 2F1(r, b; c; z) = sum_n (r)_n (b)_n / ((c)_n n!) z^n
CREATE FUNCTION pg_temp.bgnbd_mean(r float8, alpha float8, a float8, b float8, t float8) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
WITH RECURSIVE s(n, term, total) AS (
    SELECT 0, 1.0::float8, 1.0::float8
    UNION ALL
    SELECT n + 1, term * (r + n) * (b + n) / ((a + b - 1 + n) * (n + 1)) * (t / (alpha + t)),
           total + term * (r + n) * (b + n) / ((a + b - 1 + n) * (n + 1)) * (t / (alpha + t))
    FROM s WHERE n < 5000)
SELECT (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ^ r * total) FROM s WHERE n = 5000
$$;
-- the series against mpmath's hyp2f1 (30 digits): 1.19672319332082,
-- 0.534439541094031 and 3.15705414280858
SELECT round(pg_temp.bgnbd_mean(0.243, 4.414, 0.793, 2.426, 39)::numeric, 12) AS ex39,
       round(pg_temp.bgnbd_mean(0.243, 4.414, 0.793, 2.426, 13)::numeric, 12) AS ex13,
       round(pg_temp.bgnbd_mean(2, 10, 2, 4, 365 / 7.0)::numeric, 12) AS ex_other;
SELECT abs(avg(x39) - pg_temp.bgnbd_mean(0.243, 4.414, 0.793, 2.426, 39)) < 4 * stddev(x39) / sqrt(count(*)) AS mean_x39_ok,
       abs(avg(x13) - pg_temp.bgnbd_mean(0.243, 4.414, 0.793, 2.426, 13)) < 4 * stddev(x13) / sqrt(count(*)) AS mean_x13_ok
FROM sim_x;
-- P(X(t) = 0) = (alpha / (alpha + t))^r, binomial standard error
SELECT abs(avg((x39 = 0)::int) - (4.414 / 43.414) ^ 0.243)
         < 4 * sqrt((4.414 / 43.414) ^ 0.243 * (1 - (4.414 / 43.414) ^ 0.243) / count(*)) AS p0_39_ok,
       abs(avg((x13 = 0)::int) - (4.414 / 17.414) ^ 0.243)
         < 4 * sqrt((4.414 / 17.414) ^ 0.243 * (1 - (4.414 / 17.414) ^ 0.243) / count(*)) AS p0_13_ok
FROM sim_x;
-- first orders, one per customer, are independent draws of z: mean
-- p v / (q - 1) = 35.219, variance p (p + 1) v^2 / ((q - 1)(q - 2))
-- - (p v / (q - 1))^2 (finite for q > 2; the sample variance is not
-- reliable, as the fourth moment is infinite for q < 4)
SELECT abs(avg(first_amount) - 6.25 * 15.44 / 2.74)
         < 4 * sqrt((6.25 * 7.25 * 15.44 ^ 2 / (2.74 * 1.74) - (6.25 * 15.44 / 2.74) ^ 2) / count(*)) AS mean_spend_ok
FROM sim_x;
-- another regime (a > 1, many purchases): r 2, alpha 10, a 2, b 4, 365 days
CREATE TABLE sim2 AS
SELECT customer_id, count(*) - 1 AS x FROM simulate_orders(20000, 99, 2, 10, 2, 4, 1, 3, 10, '2023-06-01', 365)
GROUP BY customer_id;
SELECT abs(avg(x) - pg_temp.bgnbd_mean(2, 10, 2, 4, 365 / 7.0)) < 4 * stddev(x) / sqrt(count(*)) AS mean_x_other_ok,
       abs(avg((x = 0)::int) - (10 / (10 + 365 / 7.0)) ^ 2)
         < 4 * sqrt((10 / (10 + 365 / 7.0)) ^ 2 * (1 - (10 / (10 + 365 / 7.0)) ^ 2) / count(*)) AS p0_other_ok
FROM sim2;
-- the summary of the simulated orders: everyone has t = 39 weeks as of
-- start + 273; same-day orders merge, so frequency <= x39
SELECT count(*) AS customers, min((s).t) AS min_t, max((s).t) AS max_t,
       bool_and((s).frequency <= x.x39) AS merged_frequency_le_orders
FROM (SELECT customer_id, btyd_summary(order_at, amount, date '2024-01-01' + 273, 'week') AS s
      FROM sim GROUP BY customer_id) AS b JOIN sim_x AS x USING (customer_id);

DROP TABLE sim, sim_x, sim2;
