/*-------------------------------------------------------------------------
 *
 * retention_rate.c
 *	  Customer retention rate (CRR) and churn rate from period counts.
 *
 * CRR = (E - N) / S, with S the customers at the start of a period, E those
 * at its end and N the new customers acquired during it (Reichheld's
 * customer retention rate; see doc/retention.md).
 *
 * The aggregates retention_rate(started_at, ended_at, period) and
 * retention_counts(...) count S, E and N over rows with an active interval
 * [started_at, ended_at) (ended_at NULL = still active) and a period [L, U):
 * a row counts at a boundary instant b when it was active just before b,
 * started_at < b <= ended_at. S counts it at L (active on the last day, or
 * instant, before the period), E at U (active on the last day of the
 * period), N = started in [L, U) and counted in E. So E of one period is S
 * of the next, N is exactly E minus S, and E - N <= S always holds.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/rangetypes.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

#include "base/composite.h"
#include "retention.h"

/*
 * The int8[] state of retention_counts and retention_rate: the rows seen,
 * the period as canonical half-open bounds [L, U) in days or microseconds,
 * and the three counts.
 */
#define RC_ROWS			0
#define RC_LOWER		1
#define RC_UPPER		2
#define RC_START		3
#define RC_END			4
#define RC_NEW			5
#define RC_STATE_LEN	6

/*
 * Refuse counts that cannot describe a real period: negative counts, more
 * new customers than customers at the end, or more customers retained
 * (E - N) than there were at the start.
 */
static inline void
check_retention_counts(int64 start_count, int64 end_count, int64 new_count)
{
	if (start_count < 0 || end_count < 0 || new_count < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("customer counts must not be negative"),
				 errdetail("start_count is " INT64_FORMAT ", end_count is " INT64_FORMAT ", new_count is " INT64_FORMAT ".",
						   start_count, end_count, new_count)));
	if (new_count > end_count)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("new_count must not exceed end_count"),
				 errdetail("new_count is " INT64_FORMAT " and end_count is " INT64_FORMAT ".",
						   new_count, end_count),
				 errhint("New customers are counted among the customers at the end of the period.")));
	if (end_count - new_count > start_count)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("more customers retained than there were at the start"),
				 errdetail("end_count - new_count is " INT64_FORMAT " but start_count is " INT64_FORMAT ".",
						   end_count - new_count, start_count),
				 errhint("Customers at the end who are not new must have been customers at the start.")));
}

/*
 * The checked counts of a retention_rate or churn_rate call: *start and
 * *retained = end - new; false when start is 0, where no rate exists.
 */
static bool
period_counts(FunctionCallInfo fcinfo, int64 *start, int64 *retained)
{
	int64		start_count = PG_GETARG_INT64(0);
	int64		end_count = PG_GETARG_INT64(1);
	int64		new_count = PG_GETARG_INT64(2);

	check_retention_counts(start_count, end_count, new_count);
	*start = start_count;
	*retained = end_count - new_count;
	return start_count != 0;
}

/*
 * retention_rate(start_count, end_count, new_count) returns float8
 *
 * (E - N) / S as a fraction; NULL when S = 0, where no rate exists.
 */
PG_FUNCTION_INFO_V1(retention_rate);
Datum
retention_rate(PG_FUNCTION_ARGS)
{
	int64		start;
	int64		retained;

	if (!period_counts(fcinfo, &start, &retained))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) retained / (double) start);
}

/*
 * churn_rate(start_count, end_count, new_count) returns float8
 *
 * 1 - CRR, computed as lost / S (lost = S - (E - N)) so that exact inputs
 * give exact outputs (0.2, not 0.19999999999999996); NULL when S = 0.
 */
PG_FUNCTION_INFO_V1(churn_rate);
Datum
churn_rate(PG_FUNCTION_ARGS)
{
	int64		start;
	int64		retained;

	if (!period_counts(fcinfo, &start, &retained))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) (start - retained) / (double) start);
}

/*
 * The int64 elements of a retention_counts state array, after checking its
 * shape: one dimension of RC_STATE_LEN int8 without NULLs (a state passed
 * by hand to a support function may be anything).
 */
static int64 *
retention_counts_state(ArrayType *state)
{
	if (ARR_NDIM(state) != 1 || ARR_DIMS(state)[0] != RC_STATE_LEN ||
		ARR_HASNULL(state) || ARR_ELEMTYPE(state) != INT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid retention_counts state"),
				 errdetail("The state must be an int8 array of %d elements without NULLs.",
						   RC_STATE_LEN)));
	/* no NULLs, so the data follows the fixed overhead of one dimension */
	return (int64 *) ((char *) state + ARR_OVERHEAD_NONULLS(1));
}

/* Text of a date or timestamptz value (is_tstz) for an error detail. */
static char *
instant_text(int64 value, bool is_tstz)
{
	if (is_tstz)
		return DatumGetCString(DirectFunctionCall1(timestamptz_out,
												   TimestampTzGetDatum(value)));
	return DatumGetCString(DirectFunctionCall1(date_out,
											   DateADTGetDatum((DateADT) value)));
}

/*
 * The canonical half-open bounds [*lower, *upper) of a daterange or
 * tstzrange period. Both types are discrete (days, microseconds), so an
 * exclusive lower bound or an inclusive upper bound moves by one step: the
 * tstzrange '(a, b]' is [a + 1us, b + 1us). An empty, unbounded or infinite
 * period, or one that holds no instant, is an error.
 */
static void
retention_period_bounds(FunctionCallInfo fcinfo, RangeType *period, bool is_tstz,
						int64 *lower, int64 *upper)
{
	TypeCacheEntry *typcache = (TypeCacheEntry *) fcinfo->flinfo->fn_extra;
	RangeBound	lb;
	RangeBound	ub;
	bool		empty;

	if (typcache == NULL || typcache->type_id != RangeTypeGetOid(period))
	{
		typcache = lookup_type_cache(RangeTypeGetOid(period), TYPECACHE_RANGE_INFO);
		fcinfo->flinfo->fn_extra = typcache;
	}
	range_deserialize(typcache, period, &lb, &ub, &empty);
	if (empty)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("period must not be empty"),
				 errdetail("The period is an empty range.")));
	if (lb.infinite || ub.infinite)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("period must have finite bounds"),
				 errdetail("The period has no %s bound.", lb.infinite ? "lower" : "upper")));
	if (is_tstz)
	{
		*lower = DatumGetTimestampTz(lb.val);
		*upper = DatumGetTimestampTz(ub.val);
		if (TIMESTAMP_NOT_FINITE(*lower) || TIMESTAMP_NOT_FINITE(*upper))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("period must have finite bounds"),
					 errdetail("The period runs from %s to %s.",
							   instant_text(*lower, true), instant_text(*upper, true))));
	}
	else
	{
		*lower = DatumGetDateADT(lb.val);
		*upper = DatumGetDateADT(ub.val);
		if (DATE_NOT_FINITE((DateADT) *lower) || DATE_NOT_FINITE((DateADT) *upper))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("period must have finite bounds"),
					 errdetail("The period runs from %s to %s.",
							   instant_text(*lower, false), instant_text(*upper, false))));
	}
	/* finite bounds are far from the int64 limits: no overflow */
	if (!lb.inclusive)
		*lower += 1;
	if (ub.inclusive)
		*upper += 1;
	if (*lower >= *upper)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("period must not be empty"),
				 errdetail("The period holds no %s.", is_tstz ? "instant" : "day")));
}

/* Add one to a counter of the state, refusing to wrap. */
static inline void
retention_count_one(int64 *counter)
{
	if (unlikely(pg_add_s64_overflow(*counter, 1, counter)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("bigint out of range")));
}

/*
 * Transition of retention_counts and retention_rate for one row
 * (started_at, ended_at, period), as dates and a daterange or as
 * timestamptz and a tstzrange (is_tstz). Rows with a NULL started_at or
 * period are skipped; a NULL ended_at means still active. The state is
 * updated in place inside an aggregate.
 */
static Datum
retention_counts_trans_common(FunctionCallInfo fcinfo, bool is_tstz)
{
	ArrayType  *state_array;
	int64	   *state;
	int64		started_at;
	int64		ended_at = 0;
	bool		still_active = PG_ARGISNULL(2);
	int64		lower;
	int64		upper;
	bool		at_lower;
	bool		at_upper;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state_array = AggCheckCallContext(fcinfo, NULL) ?
		PG_GETARG_ARRAYTYPE_P(0) : PG_GETARG_ARRAYTYPE_P_COPY(0);
	state = retention_counts_state(state_array);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(3))
		PG_RETURN_ARRAYTYPE_P(state_array);

	started_at = is_tstz ? PG_GETARG_TIMESTAMPTZ(1) : PG_GETARG_DATEADT(1);
	if (!still_active)
	{
		ended_at = is_tstz ? PG_GETARG_TIMESTAMPTZ(2) : PG_GETARG_DATEADT(2);
		if (ended_at < started_at)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ended_at must not be before started_at"),
					 errdetail("The row has started_at %s and ended_at %s.",
							   instant_text(started_at, is_tstz),
							   instant_text(ended_at, is_tstz))));
	}
	retention_period_bounds(fcinfo, PG_GETARG_RANGE_P(3), is_tstz, &lower, &upper);

	if (state[RC_ROWS] == 0)
	{
		state[RC_LOWER] = lower;
		state[RC_UPPER] = upper;
	}
	else if (state[RC_LOWER] != lower || state[RC_UPPER] != upper)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("period must be the same for every row of a group"),
				 errdetail("The group's period is [%s, %s) but a row has [%s, %s).",
						   instant_text(state[RC_LOWER], is_tstz),
						   instant_text(state[RC_UPPER], is_tstz),
						   instant_text(lower, is_tstz), instant_text(upper, is_tstz))));
	retention_count_one(&state[RC_ROWS]);

	/* counted at instant b when started_at < b <= ended_at */
	at_lower = started_at < lower && (still_active || ended_at >= lower);
	at_upper = started_at < upper && (still_active || ended_at >= upper);
	if (at_lower)
		retention_count_one(&state[RC_START]);
	if (at_upper)
	{
		retention_count_one(&state[RC_END]);
		if (started_at >= lower)
			retention_count_one(&state[RC_NEW]);
	}
	PG_RETURN_ARRAYTYPE_P(state_array);
}

/*
 * retention_counts_trans(int8[], started_at date, ended_at date, period daterange)
 */
SQL_FUNCTION(retention_counts_trans_date, retention_counts_trans_common(fcinfo, false));

/*
 * retention_counts_trans(int8[], started_at timestamptz, ended_at timestamptz,
 *						  period tstzrange)
 */
SQL_FUNCTION(retention_counts_trans_tstz, retention_counts_trans_common(fcinfo, true));

/*
 * retention_counts_combine(int8[], int8[]) returns int8[]
 *
 * Adds two partial states of the same period; a state without rows takes
 * the other's period. Partial states of different periods are an error.
 */
PG_FUNCTION_INFO_V1(retention_counts_combine);
Datum
retention_counts_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *left_array = AggCheckCallContext(fcinfo, NULL) ?
		PG_GETARG_ARRAYTYPE_P(0) : PG_GETARG_ARRAYTYPE_P_COPY(0);
	int64	   *left = retention_counts_state(left_array);
	int64	   *right = retention_counts_state(PG_GETARG_ARRAYTYPE_P(1));

	if (right[RC_ROWS] == 0)
		PG_RETURN_ARRAYTYPE_P(left_array);
	if (left[RC_ROWS] == 0)
	{
		memcpy(left, right, sizeof(int64) * RC_STATE_LEN);
		PG_RETURN_ARRAYTYPE_P(left_array);
	}
	if (left[RC_LOWER] != right[RC_LOWER] || left[RC_UPPER] != right[RC_UPPER])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("period must be the same for every row of a group"),
				 errdetail("Partial states have the periods [" INT64_FORMAT ", " INT64_FORMAT ") and [" INT64_FORMAT ", " INT64_FORMAT ") in days or microseconds since 2000-01-01.",
						   left[RC_LOWER], left[RC_UPPER], right[RC_LOWER], right[RC_UPPER])));
	for (int i = 0; i < RC_STATE_LEN; i++)
	{
		if (i == RC_LOWER || i == RC_UPPER)
			continue;
		if (unlikely(pg_add_s64_overflow(left[i], right[i], &left[i])))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("bigint out of range")));
	}
	PG_RETURN_ARRAYTYPE_P(left_array);
}

/*
 * retention_counts_final(int8[]) returns retention_counts
 *
 * The composite (start_count, end_count, new_count, retained, rate), with
 * retained = E - N and rate = CRR (NULL when S = 0). No rows gives NULL.
 */
PG_FUNCTION_INFO_V1(retention_counts_final);
Datum
retention_counts_final(PG_FUNCTION_ARGS)
{
	int64	   *state = retention_counts_state(PG_GETARG_ARRAYTYPE_P(0));
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};

	if (state[RC_ROWS] == 0)
		PG_RETURN_NULL();
	check_retention_counts(state[RC_START], state[RC_END], state[RC_NEW]);

	values[0] = Int64GetDatum(state[RC_START]);
	values[1] = Int64GetDatum(state[RC_END]);
	values[2] = Int64GetDatum(state[RC_NEW]);
	values[3] = Int64GetDatum(state[RC_END] - state[RC_NEW]);
	if (state[RC_START] == 0)
		nulls[4] = true;
	else
		values[4] = Float8GetDatum((double) (state[RC_END] - state[RC_NEW]) /
								   (double) state[RC_START]);
	PG_RETURN_DATUM(composite_result(fcinfo, 5, values, nulls));
}

/*
 * retention_rate_final(int8[]) returns float8
 *
 * CRR = (E - N) / S of the aggregated rows; NULL without rows or when S = 0.
 */
PG_FUNCTION_INFO_V1(retention_rate_final);
Datum
retention_rate_final(PG_FUNCTION_ARGS)
{
	int64	   *state = retention_counts_state(PG_GETARG_ARRAYTYPE_P(0));

	if (state[RC_ROWS] == 0)
		PG_RETURN_NULL();
	check_retention_counts(state[RC_START], state[RC_END], state[RC_NEW]);
	if (state[RC_START] == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) (state[RC_END] - state[RC_NEW]) /
					 (double) state[RC_START]);
}
