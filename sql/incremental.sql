-- incremental: the examples of doc/incremental.md, as they read there
-- (storable rfm_state and btyd_state: partial, rollup, merge, the as_of
-- rule, numeric and float8 states, the text form); tables dropped at the end.
CREATE TABLE orders (customer_id bigint, order_date date, amount numeric);
INSERT INTO orders VALUES
    (1, '2024-01-05', 10.50), (1, '2024-01-05', 2.25), (1, '2024-02-10', 7.00),
    (1, '2024-03-02', -3.00), (2, '2024-02-20', 99.99), (2, '2024-03-15', 5.01);

-- one state per customer and month, rolled up: equal to rfm over the orders
CREATE TABLE monthly AS
SELECT customer_id, date_trunc('month', order_date)::date AS month,
       rfm_partial(order_date, amount) AS rfm, btyd_partial(order_date, amount) AS btyd
FROM orders GROUP BY 1, 2;

SELECT customer_id, rfm(rfm_rollup(rfm), date '2024-03-31') AS from_states,
       (SELECT rfm(order_date, amount, date '2024-03-31') FROM orders AS o
        WHERE o.customer_id = m.customer_id) AS from_orders
FROM monthly AS m GROUP BY customer_id ORDER BY customer_id;

SELECT customer_id, btyd_summary(btyd_rollup(btyd), date '2024-03-31', 'week') AS from_states,
       (SELECT btyd_summary(order_date, amount, date '2024-03-31', 'week') FROM orders AS o
        WHERE o.customer_id = m.customer_id) AS from_orders
FROM monthly AS m GROUP BY customer_id ORDER BY customer_id;

-- merging a new day into a stored state
CREATE TABLE customer_state (customer_id bigint PRIMARY KEY, rfm rfm_state NOT NULL);
INSERT INTO customer_state SELECT customer_id, rfm_partial(order_date, amount) FROM orders GROUP BY customer_id;
CREATE TABLE new_orders (LIKE orders);
INSERT INTO new_orders VALUES (2, '2024-03-15', 1.00), (3, '2024-03-16', 20.00);
INSERT INTO customer_state AS s
SELECT customer_id, rfm_partial(order_date, amount) FROM new_orders GROUP BY customer_id
ON CONFLICT (customer_id) DO UPDATE SET rfm = rfm_merge(s.rfm, EXCLUDED.rfm);
INSERT INTO orders SELECT * FROM new_orders;
SELECT customer_id, rfm(rfm, date '2024-03-31') AS from_states,
       (SELECT rfm(order_date, amount, date '2024-03-31') FROM orders AS o
        WHERE o.customer_id = s.customer_id) AS from_orders
FROM customer_state AS s ORDER BY customer_id;

-- the as_of rule
SELECT rfm(rfm, date '2024-03-01') FROM customer_state WHERE customer_id = 1;

-- numeric and float8 states do not mix
SELECT rfm_merge(rfm_partial(date '2024-01-01', 1.5), rfm_partial(date '2024-01-02', 1.5::float8));

-- the text form is the stored bytes in hexadecimal
SELECT rfm_partial(date '2024-01-01', 1.5);
SELECT rfm('05040000223e01000000011e'::rfm_state,
           date '2024-01-31');
SELECT 'not hex'::rfm_state;

DROP TABLE orders, monthly, customer_state, new_orders;
