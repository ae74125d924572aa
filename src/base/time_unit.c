/*-------------------------------------------------------------------------
 *
 * time_unit.c
 *	  Units of time (time_unit.h): reading a time_unit enum argument, unit
 *	  lengths for the buy-till-you-die functions, calendar periods for the
 *	  cohort functions and the text of the date a period starts on. No
 *	  other file names a unit.
 *
 * Units are an enum type of the extension, not text: a text argument is
 * collatable, and postgres_fdw will not ship an aggregate whose input
 * collation does not come from a foreign column, so btyd_summary(...,
 * 'week') could never be pushed down to a shard. An enum has no collation,
 * literals such as 'week' still resolve to it, and a bad label is refused
 * by the enum's own input function (22P02).
 *
 * Transition functions read the unit on every row, so the last value read
 * is cached by its OID; any change to pg_enum drops the cache.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_enum.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/inval.h"
#include "utils/syscache.h"

#include "base/time_unit.h"
#include "retention.h"

static const char *const unit_names[TIME_UNIT_MAX + 1] = {
	NULL, "day", "week", "month", "quarter", "year"
};

/* 2000-01-03, the Monday that starts ISO week 0 */
#define WEEK_EPOCH	2

static Oid	cached_oid = InvalidOid;
static TimeUnit cached_unit;
static bool callback_registered = false;

static void
time_unit_invalidate(Datum arg, int cacheid, uint32 hashvalue)
{
	cached_oid = InvalidOid;
}

/* The unit of a time_unit value. */
TimeUnit
time_unit_of(Datum value)
{
	Oid			label_oid = DatumGetObjectId(value);
	HeapTuple	tuple;
	const char *label;
	TimeUnit	unit;

	if (OidIsValid(cached_oid) && label_oid == cached_oid)
		return cached_unit;

	tuple = SearchSysCache1(ENUMOID, ObjectIdGetDatum(label_oid));
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for time_unit value %u", label_oid);
	label = NameStr(((Form_pg_enum) GETSTRUCT(tuple))->enumlabel);
	unit = time_unit_lookup(label, strlen(label));
	if (unit == 0)
		elog(ERROR, "unknown time_unit label \"%s\"", label);
	ReleaseSysCache(tuple);

	if (!callback_registered)
	{
		CacheRegisterSyscacheCallback(ENUMOID, time_unit_invalidate, (Datum) 0);
		callback_registered = true;
	}
	cached_oid = label_oid;
	cached_unit = unit;
	return unit;
}

/* The name of a unit ("month"). */
const char *
time_unit_name(TimeUnit unit)
{
	Assert(unit >= TIME_UNIT_DAY && unit <= TIME_UNIT_MAX);
	return unit_names[unit];
}

/* The unit called name[0..len), or 0 if there is none. */
TimeUnit
time_unit_lookup(const char *name, int len)
{
	for (int unit = TIME_UNIT_DAY; unit <= TIME_UNIT_MAX; unit++)
		if (strlen(unit_names[unit]) == (size_t) len &&
			memcmp(unit_names[unit], name, len) == 0)
			return (TimeUnit) unit;
	return 0;
}

/*
 * A unit of the buy-till-you-die functions, which count time in days,
 * weeks or months; 'quarter' and 'year' are error 22023.
 */
TimeUnit
time_unit_check_btyd(TimeUnit unit)
{
	if (unit != TIME_UNIT_DAY && unit != TIME_UNIT_WEEK && unit != TIME_UNIT_MONTH)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unit must be day, week or month"),
				 errdetail("unit is \"%s\".", time_unit_name(unit)),
				 errhint("Valid units are \"day\", \"week\" and \"month\".")));
	return unit;
}

/*
 * Error 22023 for a row whose unit differs from its group's: every row of
 * an aggregate's group must count time in one unit.
 */
void
time_unit_mixed_error(TimeUnit group_unit, TimeUnit unit)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unit must be the same for every row of a group"),
			 errdetail("A group mixes the units \"%s\" and \"%s\".",
					   time_unit_name(group_unit), time_unit_name(unit))));
}

/*
 * The length of a buy-till-you-die unit in days: 1, 7 or 30 (DESIGN
 * section 5: the unit only scales time).
 */
double
time_unit_days(TimeUnit unit)
{
	switch (time_unit_check_btyd(unit))
	{
		case TIME_UNIT_DAY:
			return 1.0;
		case TIME_UNIT_WEEK:
			return 7.0;
		default:
			return 30.0;
	}
}

/*
 * The length of a month in a buy-till-you-die unit, for the discounted
 * CLV: 30 days, 4.345 weeks (52.14 weeks a year / 12, as lifetimes uses) or
 * 1 month.
 */
double
time_unit_month_length(TimeUnit unit)
{
	switch (time_unit_check_btyd(unit))
	{
		case TIME_UNIT_DAY:
			return 30.0;
		case TIME_UNIT_WEEK:
			return 4.345;
		default:
			return 1.0;
	}
}

/* Floor division by a positive divisor. */
static inline int32
floor_div(int32 a, int32 b)
{
	return (a >= 0) ? a / b : -((-a + b - 1) / b);
}

/*
 * The index of the period of the given unit holding a date of the
 * supported range (callers check the range).
 */
int32
time_unit_period(TimeUnit unit, DateADT date)
{
	int			year;
	int			month;
	int			day;

	switch (unit)
	{
		case TIME_UNIT_DAY:
			return date;
		case TIME_UNIT_WEEK:
			return floor_div(date - WEEK_EPOCH, 7);
		default:
			break;
	}
	j2date(date + POSTGRES_EPOCH_JDATE, &year, &month, &day);
	if (unit == TIME_UNIT_MONTH)
		return year * 12 + month - 1;
	if (unit == TIME_UNIT_QUARTER)
		return year * 4 + (month - 1) / 3;
	return year;
}

/* The first day of period number `period`. */
DateADT
time_unit_period_start(TimeUnit unit, int32 period)
{
	switch (unit)
	{
		case TIME_UNIT_DAY:
			return period;
		case TIME_UNIT_WEEK:
			return WEEK_EPOCH + 7 * period;
		case TIME_UNIT_MONTH:
			return date2j(period / 12, period % 12 + 1, 1) - POSTGRES_EPOCH_JDATE;
		case TIME_UNIT_QUARTER:
			return date2j(period / 4, (period % 4) * 3 + 1, 1) - POSTGRES_EPOCH_JDATE;
		case TIME_UNIT_YEAR:
			return date2j(period, 1, 1) - POSTGRES_EPOCH_JDATE;
	}
	elog(ERROR, "unknown time unit %d", (int) unit);
	return 0;					/* keep compiler quiet */
}

/* The first and last period of the supported date range. */
int32
time_unit_first_period(TimeUnit unit)
{
	return time_unit_period(unit, date2j(TIME_UNIT_MIN_YEAR, 1, 1) - POSTGRES_EPOCH_JDATE);
}

int32
time_unit_last_period(TimeUnit unit)
{
	return time_unit_period(unit, date2j(TIME_UNIT_MAX_YEAR, 12, 31) - POSTGRES_EPOCH_JDATE);
}

/*
 * The period that starts on the date written "YYYY-MM-DD" in text: a valid
 * date of the supported years on which a period of the unit starts. On
 * success *period is set and the result is NULL; otherwise the result is
 * the detail of the error, naming text, for the caller's own ereport (the
 * types that read periods raise their own message and SQLSTATE).
 */
char *
time_unit_parse_start(const char *text, TimeUnit unit, int32 *period)
{
	int			year;
	int			month;
	int			day;
	int			y;
	int			m;
	int			d;
	DateADT		date;

	if (strlen(text) != 10 || text[4] != '-' || text[7] != '-' ||
		strspn(text, "0123456789") != 4 || strspn(text + 5, "0123456789") != 2 ||
		strspn(text + 8, "0123456789") != 2)
		return psprintf("\"%s\" is not a date YYYY-MM-DD.", text);
	year = atoi(text);
	month = atoi(text + 5);
	day = atoi(text + 8);
	if (year < TIME_UNIT_MIN_YEAR || month < 1 || month > 12 || day < 1 || day > 31)
		return psprintf("\"%s\" is not a valid date of the years %d to %d.",
						text, TIME_UNIT_MIN_YEAR, TIME_UNIT_MAX_YEAR);
	date = date2j(year, month, day) - POSTGRES_EPOCH_JDATE;
	j2date(date + POSTGRES_EPOCH_JDATE, &y, &m, &d);
	if (y != year || m != month || d != day)
		return psprintf("\"%s\" is not a valid date.", text);
	*period = time_unit_period(unit, date);
	if (time_unit_period_start(unit, *period) != date)
		return psprintf("\"%s\" is not the first day of a %s.", text, time_unit_name(unit));
	return NULL;
}
