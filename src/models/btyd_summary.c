/*-------------------------------------------------------------------------
 *
 * btyd_summary.c
 *	  The btyd_summary aggregate: one customer's (frequency, recency, t,
 *	  monetary_value) from their orders, the input of the buy-till-you-die
 *	  models (DESIGN section 5, doc/btyd_summary.md).
 *
 * Orders are reduced to purchase days: every order falls on a day, counted
 * back from as_of (k = 0 is the as_of day), and orders on the same day merge
 * into one purchase whose value is their sum. For a date, k = as_of - date;
 * for a timestamptz, k = floor((as_of - order_at) / 24 h), the 24-hour
 * windows of rfm, so nothing depends on the session's TimeZone. With F the
 * first purchase day (the largest k), L the last one (the smallest k) and
 * n the number of distinct purchase days:
 *
 *		frequency		= n - 1
 *		recency			= (F - L) / u
 *		t				= F / u
 *		monetary_value	= (sum of the amounts not on day F) / (n - 1), 0 if n = 1
 *
 * where u is the length of the unit in days: 1 ('day'), 7 ('week'), 30
 * ('month'). The unit scales time and never changes which orders merge:
 * that is the convention of Fader & Hardie's CDNOW summaries (lifetimes'
 * freq = 'D', freq_multiplier = 7), which count distinct days and measure
 * weeks as days / 7.
 *
 * The state keeps the two sums (the first day's amounts and the others'),
 * exact (common/exactsum.h), so that monetary_value does not depend on the
 * order of the rows or on how a parallel plan splits them,
 * and a list of purchase days that may hold duplicates: consecutive equal
 * days are not appended, and a full list is sorted and deduplicated before
 * it grows, so it never holds more than twice the distinct days. Small
 * lists live inside the state, so a customer with few purchase days costs
 * one allocation and no memory context.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "common/int.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/fmgrprotos.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "base/checks.h"
#include "base/codec.h"
#include "base/composite.h"
#include "base/exactsum.h"
#include "base/radix_sort.h"
#include "base/scaled.h"
#include "base/time_unit.h"
#include "models/btyd_summary.h"
#include "retention.h"

/* The most list entries one allocation can hold. */
#define BTYD_MAX_DAYS		((int32) (MaxAllocSize / sizeof(int32)))

/* First byte of the serialized state; bump on any layout change. */
#define BTYD_STATE_VERSION	4

#ifdef USE_ASSERT_CHECKING
/* The invariants every function leaves the state in. */
static void
AssertCheckBtydState(const BtydState *state)
{
	int32		max = -1;

	Assert(state->unit == TIME_UNIT_DAY || state->unit == TIME_UNIT_WEEK ||
		   state->unit == TIME_UNIT_MONTH);
	Assert(state->ndays >= 0 && state->ndays <= state->maxdays);
	Assert(state->maxdays >= BTYD_INLINE_DAYS);
	Assert((state->days == state->inline_days) ==
		   (state->maxdays == BTYD_INLINE_DAYS));
	for (int32 i = 0; i < state->ndays; i++)
	{
		Assert(state->days[i] >= 0);
		max = Max(max, state->days[i]);
	}
	Assert(max == state->first_day);
	Assert(exactsum_problem(&state->first_sum) == NULL);
	Assert(exactsum_problem(&state->repeat_sum) == NULL);
	Assert(state->ndays > 0 ||
		   (exactsum_is_zero(&state->first_sum) && exactsum_is_zero(&state->repeat_sum)));
	Assert(!state->partial || (state->as_of == BTYD_PARTIAL_ANCHOR && state->ndays > 0 &&
							   state->unit == TIME_UNIT_DAY));
}
#else
#define AssertCheckBtydState(state) ((void) 0)
#endif

/*
 * A new, empty state in the given context. A partial state (btyd_partial)
 * counts days back from BTYD_PARTIAL_ANCHOR, so its days never move.
 */
BtydState *
btyd_state_create(MemoryContext context, int64 as_of, uint8 unit, bool partial)
{
	BtydState  *state = MemoryContextAlloc(context, sizeof(BtydState));

	btyd_state_init(state, as_of, unit, partial);
	return state;
}

/*
 * Makes *state an empty state in place (a population's customer, whose
 * state lives in its table's blocks): as btyd_state_create.
 */
void
btyd_state_init(BtydState *state, int64 as_of, uint8 unit, bool partial)
{
	state->partial = partial;
	state->latest = 0;
	state->as_of = as_of;
	exactsum_init(&state->first_sum);
	exactsum_init(&state->repeat_sum);
	state->first_day = -1;
	state->ndays = 0;
	state->maxdays = BTYD_INLINE_DAYS;
	state->unit = unit;
	state->days = state->inline_days;
}

/* Rows of one group must share as_of and unit: a mixed group is 22023. */
static inline void
check_same_group(const BtydState *state, int64 as_of, uint8 unit)
{
	if (unlikely(state->as_of != as_of))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("as_of must be the same for every row of a group"),
				 errdetail("A group mixes two as_of values.")));
	if (unlikely(state->unit != unit))
		time_unit_mixed_error(state->unit, unit);
}

/* check_same_group for the population aggregate (btyd_population.c). */
void
btyd_check_same_group(const BtydState *state, int64 as_of, uint8 unit)
{
	check_same_group(state, as_of, unit);
}

/*
 * Sorts days[0 .. n) and removes duplicates; returns the new count. Days
 * are >= 0, so they sort as unsigned values (radix_sort_uint32, with a
 * buffer on the stack for up to 512 days).
 */
static int32
sort_unique_days(int32 *days, int32 n)
{
	uint32		stack_tmp[512];
	uint32	   *tmp;
	int32		m = 0;

	if (n <= 1)
		return n;
	tmp = n <= RADIX_SORT_SMALL ? NULL : n <= (int32) lengthof(stack_tmp) ? stack_tmp :
		palloc(n * sizeof(uint32));
	radix_sort_uint32((uint32 *) days, n, tmp);
	if (tmp != NULL && tmp != stack_tmp)
		pfree(tmp);
	for (int32 i = 1; i < n; i++)
		if (days[i] != days[m])
			days[++m] = days[i];
	return m + 1;
}

/*
 * Files purchase day k in the day list, growing it in `context` when
 * deduplication does not free enough room. The sums are not touched.
 */
static void
state_add_day(BtydState *state, int32 k, MemoryContext context)
{
	if (state->ndays > 0 && state->days[state->ndays - 1] == k)
		return;
	if (state->ndays == state->maxdays)
	{
		state->ndays = sort_unique_days(state->days, state->ndays);
		if (state->ndays > state->maxdays / 2)
		{
			int32		newmax;

			if (state->maxdays > BTYD_MAX_DAYS / 2)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("too many purchase days in one btyd_summary group"),
						 errdetail("A group has more than %d distinct purchase days.",
								   state->maxdays)));
			newmax = state->maxdays * 2;
			if (state->days == state->inline_days)
			{
				state->days = MemoryContextAlloc(context, newmax * sizeof(int32));
				memcpy(state->days, state->inline_days, state->ndays * sizeof(int32));
			}
			else
				state->days = repalloc(state->days, newmax * sizeof(int32));
			state->maxdays = newmax;
		}
	}
	state->days[state->ndays++] = k;
}

/* Records a purchase of `amount` on day k (k >= 0 days before as_of). */
static inline void
state_add(BtydState *state, int32 k, double amount, MemoryContext context)
{
	if (k > state->first_day)
	{
		exactsum_merge(&state->repeat_sum, &state->first_sum, context);
		exactsum_reset(&state->first_sum);
		exactsum_add(&state->first_sum, amount, context);
		state->first_day = k;
	}
	else if (k == state->first_day)
		exactsum_add(&state->first_sum, amount, context);
	else
		exactsum_add(&state->repeat_sum, amount, context);
	state_add_day(state, k, context);
}

/* btyd_state_add: state_add for the other aggregates over purchase days. */
void
btyd_state_add(BtydState *state, int32 k, double amount, MemoryContext context)
{
	state_add(state, k, amount, context);
}

/* An amount must be a finite number (NaN and infinity are 22023). */
static inline double
amount_value(double amount)
{
	check_finite(amount, "amount");
	return amount;
}

/* Exact powers of ten in float8: 10^0 .. 10^22. */
static const double exact_powers_of_ten[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

/*
 * A numeric amount as float8, correctly rounded: the value numeric_float8
 * gives. Money has few digits, and a number of at most four base-10000
 * digits, M * 10^e with M < 2^53 and |e| <= 22, is one exact integer times
 * or divided by one exact power of ten, so a single correctly rounded
 * operation (Clinger 1990, "How to read floating point numbers
 * accurately", the fast path). That reads the digits in place, without the
 * text round trip and the allocations of numeric_float8, which gets every
 * other number. NaN and infinity are 22023.
 */
double
btyd_numeric_amount(Datum datum)
{
	NumericParts parts;
	uint64		mantissa = 0;
	int			exponent;

	numeric_parts(datum, &parts);
	exponent = 4 * (parts.weight - parts.ndigits + 1);
	if (parts.special || parts.ndigits > 4 || exponent < -22 || exponent > 22)
		return amount_value(DatumGetFloat8(DirectFunctionCall1(numeric_float8, datum)));
	for (int i = 0; i < parts.ndigits; i++)
		mantissa = mantissa * 10000 + (uint64) numeric_parts_digit(&parts, i);
	if (mantissa > (UINT64CONST(1) << 53))
		return amount_value(DatumGetFloat8(DirectFunctionCall1(numeric_float8, datum)));
	{
		double		value = (double) mantissa;

		value = exponent < 0 ? value / exact_powers_of_ten[-exponent] :
			value * exact_powers_of_ten[exponent];
		return parts.negative && mantissa != 0 ? -value : value;
	}
}

/*
 * Shared body of the four transition functions: the state after one order
 * k days before as_of (k < 0: after as_of, ignored). Creates the state in
 * the aggregate context on the first row.
 */
static inline BtydState *
trans_common(MemoryContext aggcontext, BtydState *state, int64 as_of, uint8 unit,
			 int64 k, double amount)
{
	if (state == NULL)
		state = btyd_state_create(aggcontext, as_of, unit, false);
	else
		check_same_group(state, as_of, unit);
	if (k >= 0)
	{
		/* a finite date or timestamp range spans fewer days than this */
		if (unlikely(k > PG_INT32_MAX))
			elog(ERROR, "btyd_summary day offset out of range");
		state_add(state, (int32) k, amount, aggcontext);
	}
	AssertCheckBtydState(state);
	return state;
}

/* Days from a date order to a date as_of; both must be finite. */
int64
btyd_date_offset(DateADT order_at, DateADT as_of)
{
	if (unlikely(DATE_NOT_FINITE(order_at)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("order_at must be a finite date"),
				 errdetail("order_at is %s.",
						   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(order_at))))));
	if (unlikely(DATE_NOT_FINITE(as_of)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("as_of must be a finite date"),
				 errdetail("as_of is %s.",
						   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(as_of))))));
	return (int64) as_of - (int64) order_at;
}

/* Whole 24-hour days from a timestamptz order to as_of, -1 when after it. */
int64
btyd_timestamptz_offset(TimestampTz order_at, TimestampTz as_of)
{
	int64		usecs;

	if (unlikely(TIMESTAMP_NOT_FINITE(order_at)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("order_at must be a finite timestamp"),
				 errdetail("order_at is %s.",
						   DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(order_at))))));
	if (unlikely(TIMESTAMP_NOT_FINITE(as_of)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("as_of must be a finite timestamp"),
				 errdetail("as_of is %s.",
						   DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(as_of))))));
	if (order_at > as_of)
		return -1;
	/* both are finite, so the difference only overflows across 290,000 years */
	if (unlikely(pg_sub_s64_overflow(as_of, order_at, &usecs)))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("order_at is too far before as_of"),
				 errdetail("The time between them does not fit in an interval.")));
	return usecs / USECS_PER_DAY;
}

/*
 * One row of any overload: the state after it. A row with a NULL argument
 * is skipped; the rest are validated before the state is touched. The
 * flags are constants in each caller, so each gets its own inlined copy.
 */
static inline Datum
trans_row(FunctionCallInfo fcinfo, bool timestamptz_orders, bool numeric_amount)
{
	MemoryContext aggcontext;
	BtydState  *state;
	uint8		unit;
	double		amount;
	int64		as_of;
	int64		k;

	if (!codec_begin_trans(fcinfo, "btyd_summary_trans", 4, &aggcontext, (void **) &state))
		return codec_combine_left(fcinfo);
	unit = time_unit_check_btyd(time_unit_of(PG_GETARG_DATUM(4)));
	amount = numeric_amount ? btyd_numeric_amount(PG_GETARG_DATUM(2)) :
		amount_value(PG_GETARG_FLOAT8(2));
	if (timestamptz_orders)
	{
		as_of = PG_GETARG_TIMESTAMPTZ(3);
		k = btyd_timestamptz_offset(PG_GETARG_TIMESTAMPTZ(1), as_of);
	}
	else
	{
		as_of = PG_GETARG_DATEADT(3);
		k = btyd_date_offset(PG_GETARG_DATEADT(1), as_of);
	}
	PG_RETURN_POINTER(trans_common(aggcontext, state, as_of, unit, k, amount));
}

/*
 * btyd_summary_trans(internal, order_at, amount, as_of date|timestamptz,
 * unit text) returns internal, one C function per (order_at, amount) type
 * pair. Not STRICT: a row with a NULL argument is skipped.
 */
SQL_FUNCTION(btyd_summary_trans_date_numeric, trans_row(fcinfo, false, true));

SQL_FUNCTION(btyd_summary_trans_date_float8, trans_row(fcinfo, false, false));

SQL_FUNCTION(btyd_summary_trans_timestamptz_numeric, trans_row(fcinfo, true, true));

SQL_FUNCTION(btyd_summary_trans_timestamptz_float8, trans_row(fcinfo, true, false));

/*
 * btyd_summary_combine(internal, internal) returns internal
 *
 * Merges two partial states of one group. Either may be NULL (no row
 * with all arguments set); a NULL left side gets a copy of the right one in
 * the aggregate context. States with different as_of or unit are 22023.
 */
PG_FUNCTION_INFO_V1(btyd_summary_combine);
Datum
btyd_summary_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	BtydState  *left;
	BtydState  *right;

	if (!codec_begin_combine(fcinfo, "btyd_summary", &aggcontext, (void **) &left, (void **) &right))
		return codec_combine_left(fcinfo);
	if (left == NULL)
		left = btyd_state_create(aggcontext, right->as_of, right->unit, right->partial);
	btyd_state_merge(left, right, aggcontext);
	PG_RETURN_POINTER(left);
}

/*
 * Merges right into left (in `context`): the same as_of and unit (22023
 * otherwise); purchases on the same day merge into one.
 */
void
btyd_state_merge(BtydState *left, const BtydState *right, MemoryContext aggcontext)
{
	if (left->partial != right->partial)
		elog(ERROR, "cannot combine btyd_summary states of different kinds");
	check_same_group(left, right->as_of, right->unit);
	if (left->partial)
		left->latest = Max(left->latest, right->latest);

	if (right->first_day > left->first_day)
	{
		exactsum_merge(&left->repeat_sum, &left->first_sum, aggcontext);
		exactsum_merge(&left->repeat_sum, &right->repeat_sum, aggcontext);
		exactsum_reset(&left->first_sum);
		exactsum_merge(&left->first_sum, &right->first_sum, aggcontext);
		left->first_day = right->first_day;
	}
	else if (right->first_day == left->first_day)
	{
		exactsum_merge(&left->first_sum, &right->first_sum, aggcontext);
		exactsum_merge(&left->repeat_sum, &right->repeat_sum, aggcontext);
	}
	else
	{
		exactsum_merge(&left->repeat_sum, &right->first_sum, aggcontext);
		exactsum_merge(&left->repeat_sum, &right->repeat_sum, aggcontext);
	}
	for (int32 i = 0; i < right->ndays; i++)
		state_add_day(left, right->days[i], aggcontext);
	AssertCheckBtydState(left);
}

/*
 * The serialized form of a state, which is also the stored form of
 * btyd_state. Layout (network byte order), format version 4: version
 * byte, unit byte, partial byte, as_of int64, latest int64, first_day
 * int32, ndays int32, ndays int32 days, then first_sum and repeat_sum
 * (exactsum_send: first chunk, count, chunks).
 */
bytea *
btyd_state_write(const BtydState *state)
{
	StringInfoData buf;

	codec_begin_write(&buf, BTYD_STATE_VERSION);
	btyd_state_send_fields(&buf, state);
	return codec_end_write(&buf);
}

/*
 * The fields of a state after the version byte: btyd_state_write's body,
 * which a state holding BtydStates (btyd_holdout) writes in its own.
 */
void
btyd_state_send_fields(StringInfo buf, const BtydState *state)
{
	pq_sendbyte(buf, state->unit);
	pq_sendbyte(buf, state->partial);
	pq_sendint64(buf, state->as_of);
	pq_sendint64(buf, state->latest);
	pq_sendint32(buf, state->first_day);
	pq_sendint32(buf, state->ndays);
	for (int32 i = 0; i < state->ndays; i++)
		pq_sendint32(buf, state->days[i]);
	exactsum_send(buf, &state->first_sum);
	exactsum_send(buf, &state->repeat_sum);
}

/*
 * The state btyd_state_write wrote, rebuilt in the current memory context,
 * checking the version, every length and every invariant of the state.
 */
BtydState *
btyd_state_read(bytea *bytes)
{
	StateReader reader;
	BtydState  *state;

	codec_begin_read(&reader, bytes, BTYD_STATE_VERSION, "btyd_summary");
	state = btyd_state_recv_fields(&reader);
	codec_end_read(&reader);
	return state;
}

/*
 * The fields btyd_state_send_fields wrote, rebuilt in the current memory context
 * and checked as btyd_state_read checks them; the reader goes on after them.
 */
BtydState *
btyd_state_recv_fields(StateReader *reader)
{
	BtydState  *state;
	uint8		unit;
	uint8		partial;
	int64		as_of;
	int64		latest;
	int32		first_day;
	int32		ndays;
	int32		max = -1;

	unit = codec_read_uint8(reader);
	if (unit != TIME_UNIT_DAY && unit != TIME_UNIT_WEEK && unit != TIME_UNIT_MONTH)
		codec_corrupt(reader, "an unknown unit");
	partial = codec_read_uint8(reader);
	if (partial > 1)
		codec_corrupt(reader, "an invalid partial flag");
	as_of = codec_read_int64(reader);
	latest = codec_read_int64(reader);
	first_day = codec_read_int32(reader);
	ndays = codec_read_int32(reader);
	if (ndays < 0 || ndays > BTYD_MAX_DAYS)
		codec_corrupt(reader, "an invalid day count");
	codec_check_count(reader, (uint64) ndays, sizeof(int32));
	if (partial)
	{
		/* a partial state: its days count back from the anchor, latest is a day */
		if (as_of != BTYD_PARTIAL_ANCHOR || unit != TIME_UNIT_DAY || ndays == 0)
			codec_corrupt(reader, "an invalid partial state header");
		if (latest < (int64) BTYD_PARTIAL_ANCHOR - PG_INT32_MAX || latest > BTYD_PARTIAL_ANCHOR ||
			!IS_VALID_DATE((DateADT) latest))
			codec_corrupt(reader, "a latest order out of range");
	}
	else if (latest != 0)
		codec_corrupt(reader, "a latest order in a complete state");

	state = btyd_state_create(CurrentMemoryContext, as_of, unit, partial);
	state->latest = latest;
	if (ndays > BTYD_INLINE_DAYS)
	{
		state->days = palloc(ndays * sizeof(int32));
		state->maxdays = ndays;
	}
	for (int32 i = 0; i < ndays; i++)
	{
		int32		k = codec_read_int32(reader);

		if (k < 0)
			codec_corrupt(reader, "a negative day");
		if (partial && k < BTYD_PARTIAL_ANCHOR - latest)
			codec_corrupt(reader, "a purchase after its latest order");
		state->days[i] = k;
		max = Max(max, k);
	}
	if (max != first_day)
		codec_corrupt(reader, "a first day that is not its earliest purchase");
	if (partial && (int64) BTYD_PARTIAL_ANCHOR - first_day < -(int64) POSTGRES_EPOCH_JDATE)
		codec_corrupt(reader, "a purchase before the first valid date");
	exactsum_recv(reader, &state->first_sum);
	exactsum_recv(reader, &state->repeat_sum);
	if (ndays == 0 && (!exactsum_is_zero(&state->first_sum) || !exactsum_is_zero(&state->repeat_sum)))
		codec_corrupt(reader, "amounts but no purchase");
	state->first_day = first_day;
	state->ndays = ndays;
	AssertCheckBtydState(state);
	return state;
}

/* btyd_summary_serialize(internal) returns bytea */
SQL_FUNCTION(btyd_summary_serialize,
			 PointerGetDatum(btyd_state_write((BtydState *) codec_serialize_state(fcinfo, "btyd_summary"))));

/* btyd_summary_deserialize(bytea, internal) returns internal */
PG_FUNCTION_INFO_V1(btyd_summary_deserialize);
Datum
btyd_summary_deserialize(PG_FUNCTION_ARGS)
{
	codec_deserialize_context(fcinfo, "btyd_summary");
	PG_RETURN_POINTER(btyd_state_read(PG_GETARG_BYTEA_PP(0)));
}

/*
 * btyd_summary_final(internal) returns btyd_summary
 *
 * The summary of the state; NULL when no order fell on or before as_of.
 */
PG_FUNCTION_INFO_V1(btyd_summary_final);
Datum
btyd_summary_final(PG_FUNCTION_ARGS)
{
	BtydState  *state;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (BtydState *) PG_GETARG_POINTER(0);
	if (state->ndays == 0)
		PG_RETURN_NULL();
	AssertCheckBtydState(state);
	return btyd_state_result(fcinfo, state, 0, (TimeUnit) state->unit);
}

/*
 * The btyd_summary composite of a state with purchases, its days counted
 * back from `shift` days before its as_of (every day must be >= shift), in
 * `unit`. The state is not changed.
 */
Datum
btyd_state_result(FunctionCallInfo fcinfo, const BtydState *state, int32 shift, TimeUnit unit)
{
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};

	btyd_state_values(state, shift, unit, values);
	return composite_result(fcinfo, 4, values, nulls);
}

/*
 * The four btyd_summary fields of a state with purchases (as
 * btyd_state_result) into values[0 .. 3]; returns its number of distinct
 * purchase days. The days are counted in a copy.
 */
int32
btyd_state_values(const BtydState *state, int32 shift, TimeUnit unit, Datum *values)
{
	int32		stack_days[BTYD_INLINE_DAYS * 8];
	int32	   *days;
	int32		ndistinct;
	int32		last_day;
	int32		first_day = state->first_day - shift;
	double		u;

	Assert(state->ndays > 0);
	days = state->ndays <= (int32) lengthof(stack_days) ? stack_days :
		palloc(state->ndays * sizeof(int32));
	memcpy(days, state->days, state->ndays * sizeof(int32));
	ndistinct = sort_unique_days(days, state->ndays);
	last_day = days[0] - shift;
	Assert(last_day >= 0);
	Assert(days[ndistinct - 1] == state->first_day);

	u = time_unit_days(unit);
	values[0] = Int32GetDatum(ndistinct - 1);
	values[1] = Float8GetDatum((double) (first_day - last_day) / u);
	values[2] = Float8GetDatum((double) first_day / u);
	values[3] = Float8GetDatum(ndistinct > 1 ?
							   exactsum_value(&state->repeat_sum) / (double) (ndistinct - 1) : 0.0);
	if (days != stack_days)
		pfree(days);
	return ndistinct;
}

/*
 * One row of btyd_partial: the state after it, counting days back from
 * BTYD_PARTIAL_ANCHOR. A row with a NULL argument is skipped.
 */
static inline Datum
partial_row(FunctionCallInfo fcinfo, bool numeric_amount)
{
	MemoryContext aggcontext;
	BtydState  *state;
	DateADT		order_at;
	double		amount;
	int64		k;

	if (!codec_begin_trans(fcinfo, "btyd_partial_trans", 2, &aggcontext, (void **) &state))
		return codec_combine_left(fcinfo);
	amount = numeric_amount ? btyd_numeric_amount(PG_GETARG_DATUM(2)) :
		amount_value(PG_GETARG_FLOAT8(2));
	order_at = PG_GETARG_DATEADT(1);
	k = btyd_date_offset(order_at, BTYD_PARTIAL_ANCHOR);
	if (state == NULL)
	{
		state = btyd_state_create(aggcontext, BTYD_PARTIAL_ANCHOR, TIME_UNIT_DAY, true);
		state->latest = order_at;
	}
	else
		state->latest = Max(state->latest, order_at);
	/* every finite date is on or before the anchor, and fewer than 2^31 days from it */
	Assert(k >= 0 && k <= PG_INT32_MAX);
	state_add(state, (int32) k, amount, aggcontext);
	AssertCheckBtydState(state);
	PG_RETURN_POINTER(state);
}

/*
 * btyd_partial_trans(internal, date, numeric|float8) returns internal:
 * transition of btyd_partial. Not STRICT: a row with a NULL is skipped.
 */
SQL_FUNCTION(btyd_partial_trans_numeric, partial_row(fcinfo, true));

SQL_FUNCTION(btyd_partial_trans_float8, partial_row(fcinfo, false));

/*
 * btyd_partial_final(internal) returns btyd_state: final function of
 * btyd_partial and btyd_rollup, the stored form of the state; NULL for a
 * group with no purchase.
 */
PG_FUNCTION_INFO_V1(btyd_partial_final);
Datum
btyd_partial_final(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0) || ((BtydState *) PG_GETARG_POINTER(0))->ndays == 0)
		PG_RETURN_NULL();
	PG_RETURN_BYTEA_P(btyd_state_write((BtydState *) PG_GETARG_POINTER(0)));
}
