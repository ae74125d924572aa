--
-- rfm_population: the examples of doc/rfm.md (the orders of
-- sql/rfm_score.sql): one pass to a population, rfm_segments with the
-- default map, other bins and custom rules, rfm_breaks of the population,
-- the same scores as the GROUP BY form, a stored population, one
-- population per group, and the error of a varying as_of.
--
CREATE TABLE orders (customer_id bigint, order_date date, amount numeric(10, 2));
INSERT INTO orders VALUES
    (1, '2025-12-20', 120.00), (1, '2025-11-02', 80.00), (1, '2025-06-15', 45.50),
    (2, '2025-03-01', 20.00),
    (3, '2025-12-28', 300.00), (3, '2025-12-01', 250.00), (3, '2025-10-10', 199.99), (3, '2025-12-29', -50.00),
    (4, '2024-12-24', 35.00), (4, '2025-01-10', 15.00),
    (5, '2025-12-30', 60.00), (5, '2026-01-05', 75.00);

-- the one-pass pipeline
SELECT * FROM rfm_segments((SELECT rfm_population(customer_id, order_date, amount, date '2026-01-01') FROM orders));
SELECT customer_id, code, segment
FROM rfm_segments((SELECT rfm_population(customer_id, order_date, amount, date '2026-01-01') FROM orders), 3);
SELECT customer_id, code, segment
FROM rfm_segments((SELECT rfm_population(customer_id, order_date, amount, date '2026-01-01') FROM orders),
                  rules => '[{"segment": "active", "r": [4, 5]}, {"segment": "lapsed"}]');
SELECT rfm_breaks(rfm_population(customer_id, order_date, amount, date '2026-01-01')) FROM orders;

-- the GROUP BY form gives the same rows
SELECT count(*) AS differing_rows
FROM rfm_segments((SELECT rfm_population(customer_id, order_date, amount, date '2026-01-01') FROM orders)) AS p
FULL JOIN (SELECT customer_id, (x).recency_days, (x).frequency, (x).monetary, (x).tenure_days,
                  (s).r, (s).f, (s).m, (s).code, segment(s) AS segment
           FROM (SELECT customer_id, x, rfm_score(x) OVER () AS s
                 FROM (SELECT customer_id, rfm(order_date, amount, date '2026-01-01') AS x
                       FROM orders GROUP BY customer_id) AS c) AS t) AS g USING (customer_id)
WHERE ROW(p.*)::text IS DISTINCT FROM ROW(g.*)::text;

-- stored, then read: the same rows
CREATE TABLE rfm_population_2025_12 AS
SELECT rfm_population(customer_id, order_date, amount, date '2026-01-01') AS population FROM orders;
SELECT length(rfm_population_send(population)) AS bytes FROM rfm_population_2025_12;
SELECT customer_id, code, segment FROM rfm_population_2025_12, rfm_segments(population);

-- one population per group: customers 1-3 and 4-5 scored apart
SELECT g, s.customer_id, s.code
FROM (SELECT customer_id <= 3 AS g, rfm_population(customer_id, order_date, amount, date '2026-01-01') AS p
      FROM orders GROUP BY 1) AS pops, rfm_segments(p) AS s
ORDER BY g, s.customer_id;

-- errors
SELECT rfm_population(customer_id, order_date, amount, date '2026-01-01' + (customer_id = 3)::integer) FROM orders;
SELECT * FROM rfm_segments((SELECT population FROM rfm_population_2025_12), 10);
SELECT '01'::rfm_population;

DROP TABLE orders, rfm_population_2025_12;
