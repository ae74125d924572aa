/*-------------------------------------------------------------------------
 *
 * tracking.c
 *	  The tracking aggregates of DESIGN section 6, bgnbd_tracking,
 *	  mbgnbd_tracking and pareto_nbd_tracking (doc/clv.md, "Tracking"):
 *	  over one row per
 *	  customer, the expected cumulative repeat purchases of the whole
 *	  population at the end of each of `periods` units after `start`,
 *	  lifetimes' expected_cumulative_transactions.
 *
 * Element k (1-based) is
 *		sum over the customers of E[X(t_k)],	t_k = (start + k u - first) / u,
 * E[X(t)] the model's expected repeat purchases of a new customer in its
 * first t units (FHL 2005 eq. 9 for BG/NBD; Batislam et al. 2007 eq. 10
 * for MBG/NBD; Schmittlein et al. 1987 for Pareto/NBD), u the length of the unit in days (1, 7, 30: the unit only
 * scales time, DESIGN section 5) and first the customer's first purchase;
 * customers first seen at or after start + k units add nothing to it.
 * For timestamptz the days are 24-hour windows, whole as btyd_summary
 * counts them: t_k is btyd_summary's t of the customer as of start + k u
 * days of 24 hours, floor((start - first) / 24 h) + k u days.
 *
 * The result depends on the customers only through the number of them per
 * whole-day offset o = start - first (in days, negative after start), so
 * the state is that count per distinct offset: the size of the state is
 * the number of distinct first-purchase days, not of customers. Offsets
 * arrive appended (a repeat of the last one adds to its count); a full
 * list is sorted and merged before it grows, so it never holds more than
 * twice the distinct offsets. The final function sums over the sorted
 * offsets, so the result does not depend on the order of the rows or on
 * how a parallel plan splits them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "common/int.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/float.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "base/checks.h"
#include "base/codec.h"
#include "base/time_unit.h"
#include "models/bgnbd.h"
#include "models/btyd_population.h"
#include "models/mbgnbd.h"
#include "models/pareto_nbd.h"
#include "retention.h"

/* First byte of the serialized state; bump on any layout change. */
#define TRACKING_STATE_VERSION	1

/*
 * The most periods of one call: 10,000 (27 years of days, 190 of weeks,
 * 833 of months). A period costs an evaluation of E[X(t)] per distinct
 * first-purchase day (fewer with the memo below), and BG/NBD's costs
 * about t / alpha series terms, so a longer curve costs hours and is a
 * mistake in the call.
 */
#define TRACKING_MAX_PERIODS	10000

/*
 * No two finite dates are more days apart than this (about 2.15e9), so a
 * stored offset beyond it is corrupt; o + k u stays far from int64's end.
 */
#define TRACKING_MAX_OFFSET		(INT64CONST(1) << 32)

/* Offsets held before the list first grows. */
#define TRACKING_INITIAL_ENTRIES	16

/* The most list entries one allocation can hold. */
#define TRACKING_MAX_ENTRIES	((int32) (MaxAllocSize / sizeof(TrackingEntry)))

/* The model of a state (stored in it). */
typedef enum TrackingModel
{
	TRACKING_BGNBD = 1,
	TRACKING_PARETO_NBD,
	TRACKING_MBGNBD
} TrackingModel;

/* Customers whose first purchase is `offset` whole days before start. */
typedef struct TrackingEntry
{
	int64		offset;
	int64		count;
} TrackingEntry;

/*
 * The state of one group: the constant arguments, and the count of
 * customers per offset (possibly repeated until the list is compacted).
 */
typedef struct TrackingState
{
	uint8		model;			/* TrackingModel */
	bool		timestamptz;	/* start and first_purchase are timestamptz */
	uint8		unit;			/* TimeUnit: day, week or month */
	bool		params_null;	/* the model has a NULL parameter (failed fit) */
	int32		periods;
	int64		start;			/* DateADT or TimestampTz, as given */
	double		params[4];
	int32		nentries;
	int32		maxentries;
	TrackingEntry *entries;
	/* the bytes of a model datum already read (not serialized), or NULL */
	HeapTupleHeader model_datum;
} TrackingState;

static const char *const model_names[] = {NULL, "bgnbd", "pareto_nbd", "mbgnbd"};

/* A stored model byte names one of the models. */
static inline bool
known_model(uint8 model)
{
	return model == TRACKING_BGNBD || model == TRACKING_PARETO_NBD ||
		model == TRACKING_MBGNBD;
}

#ifdef USE_ASSERT_CHECKING
/* The invariants every function leaves the state in. */
static void
AssertCheckTrackingState(const TrackingState *state)
{
	Assert(known_model(state->model));
	Assert(state->unit == TIME_UNIT_DAY || state->unit == TIME_UNIT_WEEK ||
		   state->unit == TIME_UNIT_MONTH);
	Assert(state->periods >= 1 && state->periods <= TRACKING_MAX_PERIODS);
	Assert(state->nentries >= 0 && state->nentries <= state->maxentries);
	for (int32 i = 0; i < state->nentries; i++)
	{
		Assert(state->entries[i].count > 0);
		Assert(state->entries[i].offset >= -TRACKING_MAX_OFFSET &&
			   state->entries[i].offset <= TRACKING_MAX_OFFSET);
	}
	for (int i = 0; i < 4 && !state->params_null; i++)
		Assert(isfinite(state->params[i]) && state->params[i] > 0.0);
}
#else
#define AssertCheckTrackingState(state) ((void) 0)
#endif

/* qsort order of entries by offset. */
static int
compare_entries(const void *a, const void *b)
{
	int64		x = ((const TrackingEntry *) a)->offset;
	int64		y = ((const TrackingEntry *) b)->offset;

	return (x > y) - (x < y);
}

/* Sorts the entries by offset and merges equal offsets, adding counts. */
static void
state_compact(TrackingState *state)
{
	int32		m = 0;

	if (state->nentries <= 1)
		return;
	qsort(state->entries, state->nentries, sizeof(TrackingEntry), compare_entries);
	for (int32 i = 1; i < state->nentries; i++)
	{
		if (state->entries[i].offset == state->entries[m].offset)
			state->entries[m].count = check_add_count(state->entries[m].count,
													  state->entries[i].count, "customers");
		else
			state->entries[++m] = state->entries[i];
	}
	state->nentries = m + 1;
}

/*
 * Adds count customers at offset, growing the list in context when
 * compacting it does not free enough room.
 */
static void
state_add(TrackingState *state, int64 offset, int64 count, MemoryContext context)
{
	if (state->nentries > 0 && state->entries[state->nentries - 1].offset == offset)
	{
		state->entries[state->nentries - 1].count =
			check_add_count(state->entries[state->nentries - 1].count, count,
							"customers");
		return;
	}
	if (state->nentries == state->maxentries)
	{
		state_compact(state);
		if (state->nentries > state->maxentries / 2)
		{
			if (state->maxentries > TRACKING_MAX_ENTRIES / 2)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("too many distinct first purchase days in one tracking group"),
						 errdetail("A group has more than %d distinct first purchase days.",
								   state->maxentries)));
			state->maxentries *= 2;
			state->entries = repalloc(state->entries,
									  state->maxentries * sizeof(TrackingEntry));
		}
	}
	state->entries[state->nentries].offset = offset;
	state->entries[state->nentries].count = count;
	state->nentries++;
}

/* A new state without customers, in context. */
static TrackingState *
state_create(MemoryContext context, uint8 model, bool timestamptz, uint8 unit,
			 bool params_null, int32 periods, int64 start, const double *params)
{
	TrackingState *state = MemoryContextAllocZero(context, sizeof(TrackingState));

	state->model = model;
	state->timestamptz = timestamptz;
	state->unit = unit;
	state->params_null = params_null;
	state->periods = periods;
	state->start = start;
	if (!params_null)
		memcpy(state->params, params, sizeof(state->params));
	state->maxentries = TRACKING_INITIAL_ENTRIES;
	state->entries = MemoryContextAlloc(context,
										state->maxentries * sizeof(TrackingEntry));
	return state;
}

/* A start or first_purchase as text, for an error detail. */
static char *
instant_text(bool timestamptz, int64 value)
{
	if (timestamptz)
		return DatumGetCString(DirectFunctionCall1(timestamptz_out,
												   TimestampTzGetDatum(value)));
	return DatumGetCString(DirectFunctionCall1(date_out,
											   DateADTGetDatum((DateADT) value)));
}

/* A model's parameters as text, "(r = 0.243, alpha = 4.414, ...)". */
static char *
params_text(uint8 model, bool params_null, const double *params)
{
	static const char *const names[][4] = {
		{NULL}, {"r", "alpha", "a", "b"}, {"r", "alpha", "s", "beta"},
		{"r", "alpha", "a", "b"}
	};
	StringInfoData buf;

	if (params_null)
		return "a model with a NULL parameter";
	initStringInfo(&buf);
	appendStringInfoChar(&buf, '(');
	for (int i = 0; i < 4; i++)
		appendStringInfo(&buf, "%s%s = %s", i > 0 ? ", " : "", names[model][i],
						 float8out_internal(params[i]));
	appendStringInfoChar(&buf, ')');
	return buf.data;
}

/*
 * The arguments of a row or another state must be those of the group:
 * the same model parameters, start, periods and unit (22023 naming both
 * values otherwise).
 */
static void
check_same_group(const TrackingState *state, bool params_null, const double *params,
				 int64 start, int32 periods, uint8 unit)
{
	if (unlikely(state->params_null != params_null ||
				 (!params_null && memcmp(state->params, params, sizeof(state->params)) != 0)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model must be the same for every row of a group"),
				 errdetail("A group mixes the %s models %s and %s.",
						   model_names[state->model],
						   params_text(state->model, state->params_null, state->params),
						   params_text(state->model, params_null, params))));
	if (unlikely(state->start != start))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("start must be the same for every row of a group"),
				 errdetail("A group mixes start %s and %s.",
						   instant_text(state->timestamptz, state->start),
						   instant_text(state->timestamptz, start))));
	if (unlikely(state->periods != periods))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("periods must be the same for every row of a group"),
				 errdetail("A group mixes periods %d and %d.", state->periods, periods)));
	if (unlikely(state->unit != unit))
		time_unit_mixed_error(state->unit, unit);
}

/* periods must be 1 .. TRACKING_MAX_PERIODS (22023). */
static inline int32
check_periods(int32 periods)
{
	if (unlikely(periods < 1 || periods > TRACKING_MAX_PERIODS))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("periods must be between 1 and %d", TRACKING_MAX_PERIODS),
				 errdetail("periods is %d.", periods)));
	return periods;
}

/* A date or timestamptz argument must be finite (22023 naming it). */
static inline void
check_finite_instant(bool timestamptz, int64 value, const char *argname)
{
	if (unlikely(timestamptz ? TIMESTAMP_NOT_FINITE(value) :
				 DATE_NOT_FINITE((DateADT) value)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be finite", argname),
				 errdetail("%s is %s.", argname, instant_text(timestamptz, value))));
}

/*
 * Whole days from first to start: start - first for dates; for
 * timestamptz floor((start - first) / 24 h), the 24-hour windows of
 * btyd_summary. Both are finite; valid timestamps span more microseconds
 * than int64 holds (4714 BC to 294276 AD), so the difference of two of
 * them may overflow: error 22008.
 */
static inline int64
day_offset(bool timestamptz, int64 start, int64 first)
{
	int64		diff;

	if (!timestamptz)
		return start - first;
	if (unlikely(pg_sub_s64_overflow(start, first, &diff)))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("first_purchase is too far from start"),
				 errdetail("first_purchase is %s and start is %s; the time between them does not fit in an interval.",
						   instant_text(true, first), instant_text(true, start))));
	return diff >= 0 ? diff / USECS_PER_DAY :
		-((-(diff + 1)) / USECS_PER_DAY) - 1;
}

/*
 * One row of any overload: the state after it. A row with a NULL argument
 * is skipped (a NULL model too: a fit over no rows); the rest are
 * validated before the state is touched. A model whose parameters are
 * NULL (a fit that failed) is kept, and the result is NULL, as the
 * accessors give for it. A model datum with the bytes of the one read
 * before is that model, unread.
 */
static Datum
trans_row(FunctionCallInfo fcinfo, uint8 model, bool timestamptz)
{
	TrackingState *state;
	MemoryContext aggcontext;
	double		params[4] = {0.0, 0.0, 0.0, 0.0};
	bool		params_null;
	HeapTupleHeader tuple;
	uint32		tuple_len;
	int64		first;
	int64		start;
	int32		periods;
	uint8		unit;

	if (!codec_begin_trans(fcinfo, "tracking transition function", 5, &aggcontext,
						   (void **) &state))
		return codec_combine_left(fcinfo);
	unit = time_unit_check_btyd(time_unit_of(PG_GETARG_DATUM(5)));
	periods = check_periods(PG_GETARG_INT32(4));
	first = timestamptz ? PG_GETARG_TIMESTAMPTZ(2) : PG_GETARG_DATEADT(2);
	start = timestamptz ? PG_GETARG_TIMESTAMPTZ(3) : PG_GETARG_DATEADT(3);
	check_finite_instant(timestamptz, start, "start");
	check_finite_instant(timestamptz, first, "first_purchase");
	tuple = PG_GETARG_HEAPTUPLEHEADER(1);
	tuple_len = HeapTupleHeaderGetDatumLength(tuple);

	/* the model of every row is usually the same datum: compare its bytes */
	if (state != NULL && state->model_datum != NULL &&
		HeapTupleHeaderGetDatumLength(state->model_datum) == tuple_len &&
		memcmp(state->model_datum, tuple, tuple_len) == 0)
		check_same_group(state, state->params_null, state->params, start, periods, unit);
	else
	{
		/* MBG/NBD's composite holds BG/NBD's parameters, in the same order */
		if (model == TRACKING_BGNBD || model == TRACKING_MBGNBD)
			params_null = !bgnbd_params(tuple, params);
		else
			params_null = !pareto_nbd_params(tuple, params);
		if (state == NULL)
			state = state_create(aggcontext, model, timestamptz, unit, params_null,
								 periods, start, params);
		else
			check_same_group(state, params_null, params, start, periods, unit);
		if (state->model_datum == NULL)
		{
			state->model_datum = MemoryContextAlloc(aggcontext, tuple_len);
			memcpy(state->model_datum, tuple, tuple_len);
		}
	}
	state_add(state, day_offset(timestamptz, start, first), 1, aggcontext);
	AssertCheckTrackingState(state);
	PG_RETURN_POINTER(state);
}

/*
 * bgnbd_tracking_trans(internal, bgnbd, first_purchase date, start date,
 * periods integer, unit time_unit) returns internal, and the timestamptz,
 * mbgnbd and pareto_nbd forms below. Not STRICT: a row with a NULL
 * argument is skipped.
 */
SQL_FUNCTION(bgnbd_tracking_trans, trans_row(fcinfo, TRACKING_BGNBD, false));

SQL_FUNCTION(bgnbd_tracking_trans_timestamptz, trans_row(fcinfo, TRACKING_BGNBD, true));

SQL_FUNCTION(mbgnbd_tracking_trans, trans_row(fcinfo, TRACKING_MBGNBD, false));

SQL_FUNCTION(mbgnbd_tracking_trans_timestamptz, trans_row(fcinfo, TRACKING_MBGNBD, true));

SQL_FUNCTION(pareto_nbd_tracking_trans, trans_row(fcinfo, TRACKING_PARETO_NBD, false));

SQL_FUNCTION(pareto_nbd_tracking_trans_timestamptz, trans_row(fcinfo, TRACKING_PARETO_NBD, true));

/*
 * tracking_combine(internal, internal) returns internal
 *
 * Adds the right state's counts to the left's. Either may be NULL (no row
 * with every argument set); a NULL left side gets a copy of the right one
 * in the aggregate context. States of different arguments are 22023.
 */
PG_FUNCTION_INFO_V1(tracking_combine);
Datum
tracking_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	TrackingState *left;
	TrackingState *right;

	if (!codec_begin_combine(fcinfo, "tracking", &aggcontext, (void **) &left, (void **) &right))
		return codec_combine_left(fcinfo);
	if (left == NULL)
		left = state_create(aggcontext, right->model, right->timestamptz, right->unit,
							right->params_null, right->periods, right->start,
							right->params);
	else
	{
		if (left->model != right->model || left->timestamptz != right->timestamptz)
			elog(ERROR, "cannot combine tracking states of different aggregates");
		check_same_group(left, right->params_null, right->params, right->start,
						 right->periods, right->unit);
	}
	for (int32 i = 0; i < right->nentries; i++)
	{
		CHECK_FOR_INTERRUPTS();
		state_add(left, right->entries[i].offset, right->entries[i].count, aggcontext);
	}
	AssertCheckTrackingState(left);
	PG_RETURN_POINTER(left);
}

/*
 * tracking_serialize(internal) returns bytea
 *
 * Layout (network byte order), format version 1: version byte, model,
 * timestamptz, unit and params_null bytes, periods int32, start int64, the
 * four parameters float8, the number of offsets int32, then per offset in
 * increasing order the offset and its count (int64): compacted first, so a
 * state has the same bytes however its rows arrived.
 */
static void
write_tracking(StringInfo buf, void *arg)
{
	TrackingState *state = (TrackingState *) arg;
	char		flags[4] = {state->model, state->timestamptz, state->unit,
	state->params_null};

	state_compact(state);
	pq_sendbytes(buf, flags, sizeof(flags));
	pq_sendint32(buf, state->periods);
	pq_sendint64(buf, state->start);
	for (int i = 0; i < 4; i++)
		pq_sendfloat8(buf, state->params[i]);
	pq_sendint32(buf, state->nentries);
	for (const TrackingEntry *entry = state->entries;
		 entry < state->entries + state->nentries; entry++)
	{
		pq_sendint64(buf, entry->offset);
		pq_sendint64(buf, entry->count);
	}
}

/* tracking_serialize(internal) returns bytea: aggregate serialize function, write_tracking. */
SQL_FUNCTION(tracking_serialize, codec_serialize(fcinfo, "tracking", TRACKING_STATE_VERSION, write_tracking));

/*
 * tracking_deserialize(bytea, internal) returns internal
 *
 * Reads tracking_serialize's bytes, checking every field (a known model
 * and unit, flags 0 or 1, periods in range, a finite start, positive
 * finite parameters unless params_null, offsets in range and increasing,
 * positive counts whose total fits in bigint); a corrupt state is the
 * codec's error 22P03.
 */
PG_FUNCTION_INFO_V1(tracking_deserialize);
Datum
tracking_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	StateReader r;
	TrackingState *state;
	uint8		model;
	uint8		timestamptz;
	uint8		unit;
	uint8		params_null;
	int32		periods;
	int64		start;
	double		params[4];
	int32		n;
	int64		total = 0;

	aggcontext = codec_begin_deserialize(fcinfo, &r, TRACKING_STATE_VERSION, "tracking");
	model = codec_read_uint8(&r);
	if (!known_model(model))
		codec_corrupt(&r, "an unknown model");
	timestamptz = codec_read_uint8(&r);
	if (timestamptz > 1)
		codec_corrupt(&r, "an invalid timestamptz flag");
	unit = codec_read_uint8(&r);
	if (unit != TIME_UNIT_DAY && unit != TIME_UNIT_WEEK && unit != TIME_UNIT_MONTH)
		codec_corrupt(&r, "an unknown unit");
	params_null = codec_read_uint8(&r);
	if (params_null > 1)
		codec_corrupt(&r, "an invalid params_null flag");
	periods = codec_read_int32(&r);
	if (periods < 1 || periods > TRACKING_MAX_PERIODS)
		codec_corrupt(&r, "an invalid number of periods");
	start = codec_read_int64(&r);
	if (timestamptz ? (TIMESTAMP_NOT_FINITE(start) || !IS_VALID_TIMESTAMP(start)) :
		(start < PG_INT32_MIN || start > PG_INT32_MAX ||
		 DATE_NOT_FINITE((DateADT) start) || !IS_VALID_DATE((DateADT) start)))
		codec_corrupt(&r, "an invalid start");
	for (int i = 0; i < 4; i++)
	{
		params[i] = codec_read_float8(&r);
		if (params_null ? params[i] != 0.0 : !(isfinite(params[i]) && params[i] > 0.0))
			codec_corrupt(&r, "an invalid model parameter");
	}
	n = codec_read_int32(&r);
	if (n < 0)
		codec_corrupt(&r, "an invalid number of offsets");
	codec_check_count(&r, (uint64) n, 2 * sizeof(int64));
	state = state_create(aggcontext, model, timestamptz, unit, params_null,
						 periods, start, params);
	for (int32 i = 0; i < n; i++)
	{
		int64		offset = codec_read_int64(&r);
		int64		count = codec_read_int64(&r);

		CHECK_FOR_INTERRUPTS();
		if (offset < -TRACKING_MAX_OFFSET || offset > TRACKING_MAX_OFFSET)
			codec_corrupt(&r, "an offset out of range");
		if (i > 0 && offset <= state->entries[state->nentries - 1].offset)
			codec_corrupt(&r, "offsets out of order");
		if (count <= 0 || pg_add_s64_overflow(total, count, &total))
			codec_corrupt(&r, "an invalid count");
		state_add(state, offset, count, aggcontext);
	}
	codec_end_read(&r);
	AssertCheckTrackingState(state);
	PG_RETURN_POINTER(state);
}

/*
 * E[X(t)] depends on a customer only through the whole days d = o + k u
 * since the first purchase, so the values are kept per d in [lo, lo +
 * span) when that range holds at most TRACKING_MEMO_MAX days (8 MB;
 * 2,870 years of days): with first purchases on every day, a daily curve
 * then costs one evaluation per day of the range instead of one per
 * first-purchase day and period. A wider range (first purchases
 * thousands of years apart) is evaluated without it.
 */
#define TRACKING_MEMO_MAX	(1 << 20)

typedef struct TrackingMemo
{
	int64		lo;
	int64		span;			/* 0: no memo */
	double	   *values;			/* NaN until computed */
} TrackingMemo;

/* E[X(days / u)] of a new customer of the state's model, days >= 1. */
static double
expected_new(const TrackingState *state, TrackingMemo *memo, int64 days, int64 u)
{
	double		t = (double) days / (double) u;
	double	   *slot = NULL;

	if (memo->span > 0)
	{
		Assert(days >= memo->lo && days - memo->lo < memo->span);
		slot = &memo->values[days - memo->lo];
		if (!isnan(*slot))
			return *slot;
	}
	if (state->model == TRACKING_BGNBD)
		t = bgnbd_expected(state->params, 0.0, 0.0, 0.0, t);
	else if (state->model == TRACKING_MBGNBD)
		t = mbgnbd_expected(state->params, 0.0, 0.0, 0.0, t);
	else
		t = pareto_nbd_expected(state->params, 0.0, 0.0, 0.0, t);
	if (slot != NULL)
		*slot = t;
	return t;
}

static Datum tracking_curve(FunctionCallInfo fcinfo, TrackingState *state);

/*
 * tracking_final(internal) returns float8[]
 *
 * The curve: element k (1 .. periods) is the sum over the offsets o in
 * increasing order of count(o) E[X((o + k u) / u)] for o + k u > 0
 * (customers first seen at or after start + k units add nothing), each
 * E evaluated once per distinct o + k u when the range is small. NULL
 * without any row (or with only NULL arguments) and for a model with a
 * NULL parameter; 22003 where E[X(t)] cannot be computed (the accessors'
 * errors) or the sum overflows. It compacts the list of offsets, which
 * leaves the state's meaning unchanged: a later transition or a second
 * final call sees the same customers (FINALFUNC_MODIFY = READ_ONLY holds).
 */
PG_FUNCTION_INFO_V1(tracking_final);
Datum
tracking_final(PG_FUNCTION_ARGS)
{
	TrackingState *state = PG_ARGISNULL(0) ? NULL : (TrackingState *) PG_GETARG_POINTER(0);

	if (state == NULL || state->params_null)
		PG_RETURN_NULL();
	return tracking_curve(fcinfo, state);
}

/*
 * The curve of a state with a model (tracking_final's result), for the
 * final function and the population forms.
 */
static Datum
tracking_curve(FunctionCallInfo fcinfo, TrackingState *state)
{
	TrackingMemo memo = {0, 0, NULL};
	int64		u;
	Datum	   *values;

	state_compact(state);
	AssertCheckTrackingState(state);
	u = (int64) time_unit_days(state->unit);
	values = palloc(state->periods * sizeof(Datum));
	if (state->nentries > 0)
	{
		/* the days of every customer and period with an age of a day or more */
		int64		lo = Max(1, state->entries[0].offset + u);
		int64		hi = state->entries[state->nentries - 1].offset + state->periods * u;

		if (hi >= lo && hi - lo < TRACKING_MEMO_MAX)
		{
			memo.lo = lo;
			memo.span = hi - lo + 1;
			memo.values = palloc(memo.span * sizeof(double));
			for (int64 i = 0; i < memo.span; i++)
				memo.values[i] = NAN;
		}
	}
	for (int32 k = 1; k <= state->periods; k++)
	{
		double		sum = 0.0;

		CHECK_FOR_INTERRUPTS();
		for (int32 i = 0; i < state->nentries; i++)
		{
			int64		days = state->entries[i].offset + k * u;

			CHECK_FOR_INTERRUPTS();
			if (days <= 0)
				continue;
			sum += (double) state->entries[i].count *
				expected_new(state, &memo, days, u);
		}
		if (unlikely(isinf(sum)))
			float_overflow_error();
		values[k - 1] = Float8GetDatum(sum);
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(values, state->periods, FLOAT8OID,
										  sizeof(float8), FLOAT8PASSBYVAL,
										  TYPALIGN_DOUBLE));
}

/*
 * The curve of a population's customers (btyd_population.h), each first
 * seen on as_of - t days, in the population's unit: what the aggregate
 * gives over one row per customer with its first purchase on or before
 * as_of. A population of date orders only: the 24-hour windows of
 * timestamptz orders count back from as_of, so their first purchases are
 * not instants, and that is 22023. NULL for a model with a NULL parameter.
 */
static Datum
tracking_population(FunctionCallInfo fcinfo, uint8 model)
{
	HeapTupleHeader tuple = PG_GETARG_HEAPTUPLEHEADER(0);
	int64		start = PG_GETARG_DATEADT(2);
	int32		periods = check_periods(PG_GETARG_INT32(3));
	BtydPopulationReader r;
	BtydPopulationCustomer c;
	TrackingState *state;
	double		params[4] = {0.0, 0.0, 0.0, 0.0};
	bool		params_null;

	check_finite_instant(false, start, "start");
	/* bgnbd_params reads MBG/NBD's composite too: the same four names */
	params_null = model == TRACKING_PARETO_NBD ? !pareto_nbd_params(tuple, params) :
		!bgnbd_params(tuple, params);
	btyd_population_begin_read(&r, PG_GETARG_BYTEA_PP(1));
	if (r.timestamptz)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s_tracking needs a population of date orders", model_names[model]),
				 errdetail("The population was built from timestamptz orders, whose days are 24-hour windows back from its as_of."),
				 errhint("Use the %s_tracking aggregate over one row per customer with its first purchase.",
						 model_names[model])));
	if (params_null)
		PG_RETURN_NULL();
	state = state_create(CurrentMemoryContext, model, false, r.unit, params_null, periods,
						 start, params);
	while (btyd_population_next(&r, &c))
	{
		if ((r.done & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		/* start - first purchase, first purchase = as_of - t days */
		state_add(state, start - (r.as_of - c.t_days), 1, CurrentMemoryContext);
	}
	return tracking_curve(fcinfo, state);
}

/*
 * bgnbd_tracking(model bgnbd, population btyd_population, start date,
 * periods integer) returns float8[]: tracking_population. STRICT.
 */
SQL_FUNCTION(bgnbd_tracking_population, tracking_population(fcinfo, TRACKING_BGNBD));

/*
 * pareto_nbd_tracking(model pareto_nbd, population btyd_population, start
 * date, periods integer) returns float8[]: tracking_population. STRICT.
 */
SQL_FUNCTION(pareto_nbd_tracking_population, tracking_population(fcinfo, TRACKING_PARETO_NBD));

/*
 * mbgnbd_tracking(model mbgnbd, population btyd_population, start date,
 * periods integer) returns float8[]: tracking_population. STRICT.
 */
SQL_FUNCTION(mbgnbd_tracking_population, tracking_population(fcinfo, TRACKING_MBGNBD));
