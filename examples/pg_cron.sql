-- examples/pg_cron.sql: refresh the BI views of examples/bi_views.sql every
-- night at 03:00 GMT with pg_cron (Debian: postgresql-15-cron; version 1.4
-- reads schedules in GMT, 1.5 and later in cron.timezone, GMT by default).
-- pg_cron must be preloaded, and runs its jobs from the one database named
-- by cron.database_name:
--     shared_preload_libraries = 'pg_cron'
--     cron.database_name = 'analytics'        # where bi_views.sql was loaded
--     cron.use_background_workers = on        # no libpq connection, no password
-- Run this file in that database. cron.schedule with a job name replaces an
-- existing job of that name, so running the file again is harmless.
-- test/t/050_bi_cron.pl runs the job (every minute there) and checks that
-- the views change.
CREATE EXTENSION IF NOT EXISTS pg_cron;

SELECT cron.schedule('retention-bi-refresh', '0 3 * * *', 'CALL refresh_bi_views()');

-- What ran and how it went:
--     SELECT jobid, status, return_message, start_time, end_time
--     FROM cron.job_run_details ORDER BY start_time DESC LIMIT 5;
-- To stop it: SELECT cron.unschedule('retention-bi-refresh');
