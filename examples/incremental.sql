-- examples/incremental.sql: a nightly refresh that costs what the new orders
-- cost (doc/incremental.md). Instead of recomputing rfm and btyd_summary
-- over the whole order history, keep one storable state per customer
-- (rfm_state, btyd_state) in customer_state, merge each night's new orders
-- into it, and score from the states.
--
-- It expects an orders table with an ingestion key that only grows:
--     orders (order_id bigint, customer_id bigint, order_date date, amount numeric)
-- Orders are merged once each, by order_id, so orders that arrive late for
-- an earlier day are still merged; an order must never be changed or
-- deleted after it was merged (a state cannot forget orders: rebuild the
-- customer's state from the orders instead, see doc/incremental.md).
-- The nightly job runs with pg_cron (see examples/pg_cron.sql for the
-- settings); test/t/190_incremental_cron.pl runs it and compares the result
-- with a full recompute.

CREATE TABLE customer_state (
    customer_id bigint PRIMARY KEY,
    rfm rfm_state NOT NULL,
    btyd btyd_state NOT NULL
) WITH (fillfactor = 90);   -- room on each page: the nightly updates are HOT

-- the last order_id merged into customer_state
CREATE TABLE customer_state_watermark (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    last_order_id bigint NOT NULL
);
INSERT INTO customer_state_watermark VALUES (true, 0);

-- Merges every order not merged yet into the states, in one transaction:
-- the partial state of each customer's new orders is merged into the
-- stored one (INSERT ... ON CONFLICT DO UPDATE), and the watermark moves to
-- the last order merged. Then the scored view is refreshed from the
-- states.
CREATE PROCEDURE refresh_customer_states()
LANGUAGE plpgsql
AS $$
DECLARE
    since bigint;
    upto bigint;
BEGIN
    SELECT last_order_id INTO since FROM customer_state_watermark FOR UPDATE;
    SELECT coalesce(max(order_id), since) INTO upto FROM orders WHERE order_id > since;

    INSERT INTO customer_state AS s (customer_id, rfm, btyd)
    SELECT customer_id, rfm_partial(order_date, amount), btyd_partial(order_date, amount)
    FROM orders
    WHERE order_id > since AND order_id <= upto
    GROUP BY customer_id
    HAVING rfm_partial(order_date, amount) IS NOT NULL
    ON CONFLICT (customer_id) DO UPDATE
        SET rfm = rfm_merge(s.rfm, EXCLUDED.rfm),
            btyd = btyd_merge(s.btyd, EXCLUDED.btyd);

    UPDATE customer_state_watermark SET last_order_id = upto;
    REFRESH MATERIALIZED VIEW CONCURRENTLY customer_rfm_incremental;
END
$$;

-- The scored view, read from the states: rfm at current_date (every
-- merged order must be dated on or before it), scores and segments over
-- all customers (the window scoring is the same work as over a recompute).
CREATE MATERIALIZED VIEW customer_rfm_incremental AS
SELECT customer_id,
       current_date AS as_of,
       (x).recency_days, (x).frequency, (x).monetary, (x).tenure_days,
       (s).r AS r_score, (s).f AS f_score, (s).m AS m_score, (s).code AS rfm_code,
       segment(s) AS segment
FROM (SELECT customer_id, x, rfm_score(x) OVER () AS s
      FROM (SELECT customer_id, rfm(rfm, current_date) AS x FROM customer_state) AS c) AS t;
CREATE UNIQUE INDEX customer_rfm_incremental_customer_id ON customer_rfm_incremental (customer_id);

-- The first run merges the whole history; later runs only what is new.
CALL refresh_customer_states();

-- Nightly at 02:00 (GMT with pg_cron 1.4); cron.schedule replaces a job of
-- the same name, so loading this file again is harmless.
CREATE EXTENSION IF NOT EXISTS pg_cron;
SELECT cron.schedule('retention-incremental-refresh', '0 2 * * *', 'CALL refresh_customer_states()');
