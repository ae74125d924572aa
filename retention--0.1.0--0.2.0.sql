/* retention--0.1.0--0.2.0.sql: update of the retention extension from 0.1.0 to 0.2.0 */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "ALTER EXTENSION retention UPDATE TO '0.2.0'" to load this file. \quit

-- Every change of 0.2.0 stands here and in retention--0.2.0.sql, in the
-- same commit; test/t/005_upgrade.pl checks that an updated catalog equals
-- a fresh install. Sections follow retention--0.2.0.sql.
