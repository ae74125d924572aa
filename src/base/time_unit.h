/*-------------------------------------------------------------------------
 *
 * time_unit.h
 *	  Units of time, in one place: the time_unit enum argument ('day',
 *	  'week', 'month', 'quarter', 'year') read into TimeUnit, the length of
 *	  a unit for the buy-till-you-die functions (which scale time), and the
 *	  calendar periods of the cohort functions.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_TIME_UNIT_H
#define RETENTION_TIME_UNIT_H

#include "fmgr.h"
#include "utils/date.h"

/* The values of the SQL enum time_unit, in its order (stored in states). */
typedef enum TimeUnit
{
	TIME_UNIT_DAY = 1,
	TIME_UNIT_WEEK,
	TIME_UNIT_MONTH,
	TIME_UNIT_QUARTER,
	TIME_UNIT_YEAR
} TimeUnit;

#define TIME_UNIT_MAX		TIME_UNIT_YEAR

/* Calendar periods are supported from 0001-01-01 to 9999-12-31. */
#define TIME_UNIT_MIN_YEAR	1
#define TIME_UNIT_MAX_YEAR	9999

extern TimeUnit time_unit_of(Datum value);
extern const char *time_unit_name(TimeUnit unit);
extern TimeUnit time_unit_lookup(const char *name, int len);

/* The buy-till-you-die functions: day, week or month only. */
extern TimeUnit time_unit_check_btyd(TimeUnit unit);
extern void time_unit_mixed_error(TimeUnit group_unit, TimeUnit unit) pg_attribute_noreturn();
extern double time_unit_days(TimeUnit unit);
extern double time_unit_month_length(TimeUnit unit);

/*
 * Calendar periods, named by an int32 index: days since 2000-01-01, ISO
 * weeks since Monday 2000-01-03, months, quarters or years since year 0
 * (year * 12 + month - 1, year * 4 + quarter - 1, year).
 */
extern int32 time_unit_period(TimeUnit unit, DateADT date);
extern DateADT time_unit_period_start(TimeUnit unit, int32 period);
extern int32 time_unit_first_period(TimeUnit unit);
extern int32 time_unit_last_period(TimeUnit unit);
extern char *time_unit_parse_start(const char *text, TimeUnit unit, int32 *period);

#endif							/* RETENTION_TIME_UNIT_H */
