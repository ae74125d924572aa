-- examples/subscriptions.sql: survival curves by plan for a BI tool, over a
-- subscriptions table
--     subscriptions (id bigint, plan text, started_at date, ended_at date)
-- with ended_at NULL for a subscription still running. The curves are
-- taken as of current_date at refresh time; a line chart of survival
-- against days_subscribed by plan, with lower_95 and upper_95 as a band,
-- is the survival picture of doc/subscriptions.md. Every column is of a
-- plain built-in type, and the unique index lets REFRESH MATERIALIZED
-- VIEW CONCURRENTLY run without blocking readers (doc/bi.md).
-- test/t/171_subscriptions_example.pl loads this file and checks the view
-- against km_table.

CREATE MATERIALIZED VIEW survival_by_plan AS
SELECT c.plan,
       current_date AS as_of,
       t."time"::integer AS days_subscribed,
       t.at_risk, t.events AS ended, t.censored AS still_running,
       t.survival, t.lower_95, t.upper_95,
       km_median(c.curve) AS median_days
FROM (SELECT plan, kaplan_meier(started_at, ended_at, current_date) AS curve
      FROM subscriptions GROUP BY plan) AS c,
     km_table(c.curve) AS t
WHERE c.curve IS NOT NULL;
CREATE UNIQUE INDEX survival_by_plan_key ON survival_by_plan (plan, days_subscribed);

-- Do the plans differ? One row: the log-rank test over all plans.
CREATE MATERIALIZED VIEW survival_plan_test AS
SELECT current_date AS as_of, (r).chisq, (r).df, (r).p_value
FROM (SELECT logrank_test((least(coalesce(ended_at, current_date), current_date) - started_at)::float8,
                          coalesce(ended_at <= current_date, false), plan) AS r
      FROM subscriptions WHERE started_at <= current_date) AS s;
CREATE UNIQUE INDEX survival_plan_test_key ON survival_plan_test (as_of);
