/*-------------------------------------------------------------------------
 *
 * btyd_holdout.c
 *	  The btyd_holdout aggregate: one customer's calibration/holdout split
 *	  (DESIGN section 6, doc/btyd_summary.md), the data of a model check on
 *	  purchases the fit did not see.
 *
 * The orders on or before calibration_end make the calibration part, which
 * is exactly btyd_summary as of calibration_end (the same state, the same
 * code). The orders in (calibration_end, holdout_end] make the holdout
 * part: their purchase days, counted back from holdout_end in the same
 * way (a date's day, or 24-hour windows for a timestamptz), merge as
 * btyd_summary merges them, and
 *
 *		frequency_holdout		= distinct holdout purchase days
 *		monetary_value_holdout	= (sum of the holdout amounts) / frequency_holdout,
 *								  0 when there is none
 *		duration_holdout		= (holdout_end - calibration_end) / u
 *
 * with u the length of the unit in days, as in btyd_summary. Orders after
 * holdout_end are ignored; a customer with no order on or before
 * calibration_end gives NULL. Each part is a BtydState (btyd_summary.h),
 * created on its first purchase, so the state of a customer without
 * holdout purchases costs what btyd_summary's does.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/int.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/fmgrprotos.h"
#include "utils/timestamp.h"

#include "base/checks.h"
#include "base/codec.h"
#include "base/composite.h"
#include "base/exactsum.h"
#include "base/time_unit.h"
#include "models/btyd_summary.h"
#include "retention.h"

/* First byte of the serialized state; bump on any layout change. */
#define HOLDOUT_STATE_VERSION	1

/*
 * One customer's state: the group's two ends and unit, and the purchase
 * days of each part (NULL before the part's first purchase), cal counting
 * back from calibration_end and hold from holdout_end.
 */
typedef struct HoldoutState
{
	int64		calibration_end;	/* DateADT or TimestampTz, as given */
	int64		holdout_end;
	int64		holdout_days;	/* number of possible holdout days */
	uint8		unit;			/* a TimeUnit: day, week or month */
	bool		timestamptz;	/* the ends and orders are timestamptz */
	BtydState  *cal;
	BtydState  *hold;
} HoldoutState;

#ifdef USE_ASSERT_CHECKING
/* The invariants every function leaves the state in. */
static void
AssertCheckHoldoutState(const HoldoutState *state)
{
	Assert(state->holdout_end >= state->calibration_end);
	Assert(state->holdout_days >= 0);
	Assert(state->cal == NULL ||
		   (state->cal->as_of == state->calibration_end && state->cal->unit == state->unit &&
			!state->cal->partial && state->cal->ndays > 0));
	Assert(state->hold == NULL ||
		   (state->hold->as_of == state->holdout_end && state->hold->unit == state->unit &&
			!state->hold->partial && state->hold->ndays > 0 &&
			state->hold->first_day < state->holdout_days));
}
#else
#define AssertCheckHoldoutState(state) ((void) 0)
#endif

/* An end of the split as text, for error details. */
static char *
end_text(bool timestamptz, int64 value)
{
	if (timestamptz)
		return DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(value)));
	return DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum((DateADT) value)));
}

/*
 * The number of days a holdout purchase can fall on: for dates the days
 * after calibration_end up to holdout_end; for timestamptz the 24-hour
 * windows counted back from holdout_end that start after calibration_end.
 * Both ends must be finite and holdout_end not before calibration_end
 * (22023 naming them otherwise).
 */
static int64
holdout_days_between(bool timestamptz, int64 calibration_end, int64 holdout_end)
{
	const char *kind = timestamptz ? "timestamp" : "date";
	bool		cal_infinite = timestamptz ? TIMESTAMP_NOT_FINITE(calibration_end) :
		DATE_NOT_FINITE((DateADT) calibration_end);
	bool		hold_infinite = timestamptz ? TIMESTAMP_NOT_FINITE(holdout_end) :
		DATE_NOT_FINITE((DateADT) holdout_end);
	int64		usecs;

	if (unlikely(cal_infinite))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("calibration_end must be a finite %s", kind),
				 errdetail("calibration_end is %s.", end_text(timestamptz, calibration_end))));
	if (unlikely(hold_infinite))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("holdout_end must be a finite %s", kind),
				 errdetail("holdout_end is %s.", end_text(timestamptz, holdout_end))));
	if (unlikely(holdout_end < calibration_end))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("holdout_end must not be before calibration_end"),
				 errdetail("holdout_end is %s and calibration_end is %s.",
						   end_text(timestamptz, holdout_end),
						   end_text(timestamptz, calibration_end))));
	if (!timestamptz)
		return holdout_end - calibration_end;
	if (holdout_end == calibration_end)
		return 0;
	if (unlikely(pg_sub_s64_overflow(holdout_end, calibration_end, &usecs)))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("holdout_end is too far after calibration_end"),
				 errdetail("The time between them does not fit in an interval.")));
	return (usecs - 1) / USECS_PER_DAY + 1;
}

/* The holdout length in days: fractional for timestamptz ends. */
static double
holdout_length_days(const HoldoutState *state)
{
	if (!state->timestamptz)
		return (double) (state->holdout_end - state->calibration_end);
	/* checked not to overflow when the state was made */
	return (double) (state->holdout_end - state->calibration_end) / (double) USECS_PER_DAY;
}

/* Rows and states of one group share both ends and the unit: else 22023. */
static inline void
check_same_group(const HoldoutState *state, int64 calibration_end, int64 holdout_end, uint8 unit)
{
	if (unlikely(state->calibration_end != calibration_end))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("calibration_end must be the same for every row of a group"),
				 errdetail("A group mixes calibration_end %s and %s.",
						   end_text(state->timestamptz, state->calibration_end),
						   end_text(state->timestamptz, calibration_end))));
	if (unlikely(state->holdout_end != holdout_end))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("holdout_end must be the same for every row of a group"),
				 errdetail("A group mixes holdout_end %s and %s.",
						   end_text(state->timestamptz, state->holdout_end),
						   end_text(state->timestamptz, holdout_end))));
	if (unlikely(state->unit != unit))
		time_unit_mixed_error(state->unit, unit);
}

/* A new state without purchases, in context; the ends are checked. */
static HoldoutState *
holdout_create(MemoryContext context, bool timestamptz, int64 calibration_end,
			   int64 holdout_end, uint8 unit)
{
	int64		holdout_days = holdout_days_between(timestamptz, calibration_end, holdout_end);
	HoldoutState *state = MemoryContextAlloc(context, sizeof(HoldoutState));

	state->calibration_end = calibration_end;
	state->holdout_end = holdout_end;
	state->holdout_days = holdout_days;
	state->unit = unit;
	state->timestamptz = timestamptz;
	state->cal = NULL;
	state->hold = NULL;
	return state;
}

/*
 * Files a purchase k days before as_of into *part (k > PG_INT32_MAX cannot
 * come from finite dates), creating the part on its first purchase.
 */
static inline void
part_add(BtydState **part, int64 as_of, uint8 unit, int64 k, double amount,
		 MemoryContext context)
{
	if (unlikely(k > PG_INT32_MAX))
		elog(ERROR, "btyd_holdout day offset out of range");
	if (*part == NULL)
		*part = btyd_state_create(context, as_of, unit, false);
	btyd_state_add(*part, (int32) k, amount, context);
}

/*
 * One row of any overload: the state after it. A row with a NULL argument
 * is skipped; the rest are validated before the state is touched (every
 * row's amount, even one after holdout_end, as btyd_summary does).
 */
static inline Datum
trans_row(FunctionCallInfo fcinfo, bool timestamptz, bool numeric_amount)
{
	MemoryContext aggcontext;
	HoldoutState *state;
	uint8		unit;
	double		amount;
	int64		calibration_end;
	int64		holdout_end;
	int64		k;

	if (!codec_begin_trans(fcinfo, "btyd_holdout_trans", 5, &aggcontext, (void **) &state))
		return codec_combine_left(fcinfo);
	unit = time_unit_check_btyd(time_unit_of(PG_GETARG_DATUM(5)));
	if (numeric_amount)
		amount = btyd_numeric_amount(PG_GETARG_DATUM(2));
	else
	{
		amount = PG_GETARG_FLOAT8(2);
		check_finite(amount, "amount");
	}
	calibration_end = timestamptz ? PG_GETARG_TIMESTAMPTZ(3) : PG_GETARG_DATEADT(3);
	holdout_end = timestamptz ? PG_GETARG_TIMESTAMPTZ(4) : PG_GETARG_DATEADT(4);
	if (state == NULL)
		state = holdout_create(aggcontext, timestamptz, calibration_end, holdout_end, unit);
	else
		check_same_group(state, calibration_end, holdout_end, unit);

	/* the ends are finite, so only order_at can be refused here */
	if (timestamptz)
		k = btyd_timestamptz_offset(PG_GETARG_TIMESTAMPTZ(1), calibration_end);
	else
		k = btyd_date_offset(PG_GETARG_DATEADT(1), (DateADT) calibration_end);
	if (k >= 0)
		part_add(&state->cal, calibration_end, unit, k, amount, aggcontext);
	else
	{
		if (timestamptz)
			k = btyd_timestamptz_offset(PG_GETARG_TIMESTAMPTZ(1), holdout_end);
		else
			k = btyd_date_offset(PG_GETARG_DATEADT(1), (DateADT) holdout_end);
		if (k >= 0)
			part_add(&state->hold, holdout_end, unit, k, amount, aggcontext);
	}
	AssertCheckHoldoutState(state);
	PG_RETURN_POINTER(state);
}

/*
 * btyd_holdout_trans(internal, order_at, amount, calibration_end,
 * holdout_end, unit) returns internal, one C function per (order_at,
 * amount) type pair. Not STRICT: a row with a NULL argument is skipped.
 */
SQL_FUNCTION(btyd_holdout_trans_date_numeric, trans_row(fcinfo, false, true));

SQL_FUNCTION(btyd_holdout_trans_date_float8, trans_row(fcinfo, false, false));

SQL_FUNCTION(btyd_holdout_trans_timestamptz_numeric, trans_row(fcinfo, true, true));

SQL_FUNCTION(btyd_holdout_trans_timestamptz_float8, trans_row(fcinfo, true, false));

/* Merges the part src into *dst (created in context when NULL). */
static void
part_merge(BtydState **dst, const BtydState *src, MemoryContext context)
{
	if (src == NULL)
		return;
	if (*dst == NULL)
		*dst = btyd_state_create(context, src->as_of, src->unit, false);
	btyd_state_merge(*dst, src, context);
}

/*
 * btyd_holdout_combine(internal, internal) returns internal
 *
 * Merges two partial states of one group. Either may be NULL; a NULL left
 * side gets a copy of the right one in the aggregate context. States with
 * different ends or units are 22023.
 */
PG_FUNCTION_INFO_V1(btyd_holdout_combine);
Datum
btyd_holdout_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	HoldoutState *left;
	HoldoutState *right;

	if (!codec_begin_combine(fcinfo, "btyd_holdout", &aggcontext, (void **) &left, (void **) &right))
		return codec_combine_left(fcinfo);
	if (left == NULL)
		left = holdout_create(aggcontext, right->timestamptz, right->calibration_end,
							  right->holdout_end, right->unit);
	else
	{
		if (left->timestamptz != right->timestamptz)
			elog(ERROR, "cannot combine btyd_holdout states of different kinds");
		check_same_group(left, right->calibration_end, right->holdout_end, right->unit);
	}
	part_merge(&left->cal, right->cal, aggcontext);
	part_merge(&left->hold, right->hold, aggcontext);
	AssertCheckHoldoutState(left);
	PG_RETURN_POINTER(left);
}

/*
 * btyd_holdout_serialize(internal) returns bytea
 *
 * Layout (network byte order), format version 1: version byte, unit byte,
 * timestamptz byte, calibration_end int64, holdout_end int64, then for cal
 * and for hold a presence byte and, when present, the part's fields as
 * btyd_state_send writes them.
 */
static void
write_holdout(StringInfo buf, void *arg)
{
	HoldoutState *state = (HoldoutState *) arg;

	pq_sendbyte(buf, state->unit);
	pq_sendbyte(buf, state->timestamptz);
	pq_sendint64(buf, state->calibration_end);
	pq_sendint64(buf, state->holdout_end);
	pq_sendbyte(buf, state->cal != NULL);
	if (state->cal != NULL)
		btyd_state_send_fields(buf, state->cal);
	pq_sendbyte(buf, state->hold != NULL);
	if (state->hold != NULL)
		btyd_state_send_fields(buf, state->hold);
}

/* btyd_holdout_serialize(internal) returns bytea: aggregate serialize function, write_holdout. */
SQL_FUNCTION(btyd_holdout_serialize, codec_serialize(fcinfo, "btyd_holdout", HOLDOUT_STATE_VERSION, write_holdout));

/*
 * A part as btyd_holdout_serialize wrote it, or NULL when absent; a
 * present part must be a complete state with purchases at as_of in unit.
 */
static BtydState *
part_read(StateReader *reader, int64 as_of, uint8 unit)
{
	uint8		present = codec_read_uint8(reader);
	BtydState  *part;

	if (present > 1)
		codec_corrupt(reader, "an invalid presence flag");
	if (!present)
		return NULL;
	part = btyd_state_recv_fields(reader);
	if (part->partial || part->ndays == 0 || part->as_of != as_of || part->unit != unit)
		codec_corrupt(reader, "a part that does not match its header");
	return part;
}

/*
 * btyd_holdout_deserialize(bytea, internal) returns internal: the state
 * btyd_holdout_serialize wrote, checking every length and invariant (22P03
 * "invalid serialized btyd_holdout state" otherwise).
 */
PG_FUNCTION_INFO_V1(btyd_holdout_deserialize);
Datum
btyd_holdout_deserialize(PG_FUNCTION_ARGS)
{
	StateReader reader;
	HoldoutState *state;
	uint8		unit;
	uint8		timestamptz;
	int64		calibration_end;
	int64		holdout_end;
	int64		span;
	bool		ends_valid;

	codec_begin_deserialize(fcinfo, &reader, HOLDOUT_STATE_VERSION, "btyd_holdout");
	unit = codec_read_uint8(&reader);
	if (unit != TIME_UNIT_DAY && unit != TIME_UNIT_WEEK && unit != TIME_UNIT_MONTH)
		codec_corrupt(&reader, "an unknown unit");
	timestamptz = codec_read_uint8(&reader);
	if (timestamptz > 1)
		codec_corrupt(&reader, "an invalid kind");
	calibration_end = codec_read_int64(&reader);
	holdout_end = codec_read_int64(&reader);
	if (timestamptz)
		ends_valid = IS_VALID_TIMESTAMP(calibration_end) && IS_VALID_TIMESTAMP(holdout_end);
	else
		ends_valid = calibration_end >= PG_INT32_MIN && calibration_end <= PG_INT32_MAX &&
			holdout_end >= PG_INT32_MIN && holdout_end <= PG_INT32_MAX &&
			IS_VALID_DATE((DateADT) calibration_end) && IS_VALID_DATE((DateADT) holdout_end);
	if (!ends_valid || holdout_end < calibration_end ||
		(timestamptz && pg_sub_s64_overflow(holdout_end, calibration_end, &span)))
		codec_corrupt(&reader, "invalid calibration and holdout ends");
	state = holdout_create(CurrentMemoryContext, timestamptz, calibration_end, holdout_end, unit);
	state->cal = part_read(&reader, calibration_end, unit);
	state->hold = part_read(&reader, holdout_end, unit);
	if (state->hold != NULL && state->hold->first_day >= state->holdout_days)
		codec_corrupt(&reader, "a holdout purchase before calibration_end");
	codec_end_read(&reader);
	AssertCheckHoldoutState(state);
	PG_RETURN_POINTER(state);
}

/*
 * btyd_holdout_final(internal) returns btyd_holdout
 *
 * The split of the state; NULL when no order fell on or before
 * calibration_end.
 */
PG_FUNCTION_INFO_V1(btyd_holdout_final);
Datum
btyd_holdout_final(PG_FUNCTION_ARGS)
{
	HoldoutState *state;
	Datum		values[7];
	bool		nulls[7] = {false, false, false, false, false, false, false};
	double		u;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (HoldoutState *) PG_GETARG_POINTER(0);
	if (state->cal == NULL)
		PG_RETURN_NULL();
	AssertCheckHoldoutState(state);
	u = time_unit_days((TimeUnit) state->unit);
	btyd_state_values(state->cal, 0, (TimeUnit) state->unit, values);
	if (state->hold == NULL)
	{
		values[4] = Int32GetDatum(0);
		values[5] = Float8GetDatum(0.0);
	}
	else
	{
		Datum		hold_values[4];
		int32		ndistinct = btyd_state_values(state->hold, 0, (TimeUnit) state->unit,
												  hold_values);
		ExactSum	total;

		exactsum_init(&total);
		exactsum_merge(&total, &state->hold->first_sum, CurrentMemoryContext);
		exactsum_merge(&total, &state->hold->repeat_sum, CurrentMemoryContext);
		values[4] = Int32GetDatum(ndistinct);
		values[5] = Float8GetDatum(exactsum_value(&total) / (double) ndistinct);
	}
	values[6] = Float8GetDatum(holdout_length_days(state) / u);
	return composite_result(fcinfo, 7, values, nulls);
}
