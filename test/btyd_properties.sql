--
-- Properties of the buy-till-you-die inputs (DESIGN section 5a):
-- btyd_summary of 3,000 simulated customers in days, weeks and months has
-- frequency >= 0, 0 <= recency <= t, finite values, and equals the plain
-- SQL definitions; simulate_orders is deterministic for a seed, a
-- customer's orders do not depend on how many customers are asked for,
-- another seed gives other orders, and every order lies in the window.
--
BEGIN;
SELECT plan(9);

CREATE TEMP TABLE o AS SELECT * FROM simulate_orders(3000, 20240101);

SELECT cmp_ok((SELECT count(*) FROM o), '>', 5000::bigint, 'simulate_orders: more than 5,000 orders of 3,000 customers');
SELECT is((SELECT count(*) FROM o WHERE order_at NOT BETWEEN '2024-01-01' AND date '2024-01-01' + 272 OR amount < 0 OR amount IS NULL), 0::bigint,
          'simulate_orders: every order within the 273 days from 2024-01-01, amounts >= 0');
SELECT is((SELECT md5(string_agg(format('%s %s %s', customer_id, order_at, amount), ',' ORDER BY customer_id, order_at, amount)) FROM simulate_orders(3000, 20240101)),
          (SELECT md5(string_agg(format('%s %s %s', customer_id, order_at, amount), ',' ORDER BY customer_id, order_at, amount)) FROM o),
          'simulate_orders: the same seed gives the same orders');
SELECT is((SELECT md5(string_agg(format('%s %s %s', customer_id, order_at, amount), ',' ORDER BY customer_id, order_at, amount)) FROM simulate_orders(500, 20240101)),
          (SELECT md5(string_agg(format('%s %s %s', customer_id, order_at, amount), ',' ORDER BY customer_id, order_at, amount)) FROM o WHERE customer_id <= 500),
          'simulate_orders: customer i''s orders do not depend on the number of customers');
SELECT isnt((SELECT md5(string_agg(format('%s %s %s', customer_id, order_at, amount), ',' ORDER BY customer_id, order_at, amount)) FROM simulate_orders(500, 20240102)),
            (SELECT md5(string_agg(format('%s %s %s', customer_id, order_at, amount), ',' ORDER BY customer_id, order_at, amount)) FROM o WHERE customer_id <= 500),
            'simulate_orders: another seed gives other orders');

-- summaries as of 2024-09-30, with a third of the customers' orders as float8
CREATE TEMP TABLE s AS
SELECT customer_id, u, CASE WHEN customer_id % 3 = 0 THEN btyd_summary(order_at, amount::float8, date '2024-09-30', u::time_unit)
                            ELSE btyd_summary(order_at, amount, date '2024-09-30', u::time_unit) END AS x
FROM o, unnest(ARRAY['day', 'week', 'month']) AS u GROUP BY customer_id, u;
CREATE TEMP TABLE ref AS
SELECT customer_id, count(*) - 1 AS frequency, max(day) - min(day) AS recency_days, date '2024-09-30' - min(day) AS t_days,
       CASE WHEN count(*) > 1 THEN (sum(total) - sum(total) FILTER (WHERE day = first_day)) / (count(*) - 1) ELSE 0 END AS monetary
FROM (SELECT customer_id, order_at AS day, sum(amount) AS total, min(order_at) OVER (PARTITION BY customer_id) AS first_day
      FROM o GROUP BY customer_id, order_at) AS d
GROUP BY customer_id;

SELECT is((SELECT count(*) FROM s), 9000::bigint, 'btyd_summary: 9,000 summaries');
SELECT is((SELECT count(*) FROM s WHERE (x).frequency < 0 OR (x).recency < 0 OR (x).recency > (x).t OR (x).t < 0
           OR 'NaN' IN ((x).recency, (x).t, (x).monetary_value) OR 'Infinity' IN ((x).recency, (x).t, (x).monetary_value)), 0::bigint,
          'btyd_summary: frequency >= 0, 0 <= recency <= t, no NaN or infinity');
SELECT is((SELECT count(*) FROM s JOIN ref USING (customer_id),
           LATERAL (SELECT CASE u WHEN 'day' THEN 1 WHEN 'week' THEN 7 ELSE 30 END::float8 AS len) AS l
           WHERE (x).frequency <> ref.frequency OR (x).recency <> recency_days / len OR (x).t <> t_days / len), 0::bigint,
          'btyd_summary: frequency = purchase days - 1, recency and t in the unit, equal plain SQL');
SELECT is((SELECT count(*) FROM s JOIN ref USING (customer_id) WHERE abs((x).monetary_value - monetary::float8) > 1e-9 * (1 + abs(monetary::float8))), 0::bigint,
          'btyd_summary: monetary_value = mean repeat purchase-day value, equal plain SQL');

SELECT * FROM finish();
ROLLBACK;
