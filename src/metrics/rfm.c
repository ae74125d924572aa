/*-------------------------------------------------------------------------
 *
 * rfm.c
 *	  The rfm aggregate: one customer's recency, frequency, monetary value
 *	  and tenure in one pass over their orders (DESIGN section 1).
 *
 * One transition call per row updates a fixed-size state allocated once per
 * group in the aggregate context. For numeric amounts the sum is exact and
 * kept as a scaled int64 (common/scaled.h) while the amounts fit, which is
 * the case for money columns; an amount or a sum that does not fit goes to
 * a numeric accumulator instead, so the result always equals sum(amount).
 * For float8 amounts the sum is exact (common/exactsum.h) and rounded to
 * float8 once, at the end, so it does not depend on the order of the rows
 * or on how a parallel plan splits them.
 *
 * Times are kept as int64 in the input's own unit: days for date,
 * microseconds for timestamptz. Recency and tenure are whole days (24-hour
 * units for timestamptz), so no result depends on the session's TimeZone.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "common/int.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/fmgrprotos.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

#include "base/codec.h"
#include "base/checks.h"
#include "base/composite.h"
#include "base/exactsum.h"
#include "base/scaled.h"
#include "metrics/rfm.h"
#include "retention.h"

#define RFM_STATE_VERSION	5

/*
 * A finite time in the range of its type, as every row's order_at and
 * as_of are: then the days between two of them fit an int32 (days_to).
 */
static inline bool
time_in_range(int64 t, char time_kind)
{
	if (time_kind == RFM_DATE)
		return t >= PG_INT32_MIN && t <= PG_INT32_MAX && IS_VALID_DATE((DateADT) t);
	return IS_VALID_TIMESTAMP(t);
}

/*
 * What is wrong with a state, or NULL when it is sound. Deserialize reports
 * it as an error; trans and combine assert it.
 */
const char *
rfm_state_problem(const RfmState *state)
{
	if (state->time_kind != RFM_DATE && state->time_kind != RFM_TIMESTAMPTZ)
		return "an unknown time kind";
	if (state->partial && state->time_kind != RFM_DATE)
		return "a partial state of timestamps";
	if (!time_in_range(state->as_of, state->time_kind) ||
		(state->frequency > 0 && (!time_in_range(state->first, state->time_kind) ||
								  !time_in_range(state->last, state->time_kind))))
		return "a time out of range";
	if (state->amount_kind != RFM_NUMERIC && state->amount_kind != RFM_FLOAT8)
		return "an unknown amount kind";
	if (state->frequency < 0 || state->rows < state->frequency)
		return "negative counts";
	if (state->frequency > 0 && !(state->first <= state->last && state->last <= state->as_of))
		return "order times out of order";
	if (state->partial && state->rows == 0)
		return "no rows";
	if (state->iscale < 0 || state->iscale > SCALED_MAX_DIGITS)
		return "a scale out of range";
	if (state->amount_kind == RFM_FLOAT8 && (state->isum != 0 || state->nsum != NULL))
		return "a numeric sum in a float8 state";
	if (state->amount_kind == RFM_FLOAT8 && exactsum_problem(&state->fsum) != NULL)
		return exactsum_problem(&state->fsum);
	if (state->amount_kind == RFM_NUMERIC && state->fsum.n != 0)
		return "a float8 sum in a numeric state";
	if (state->nsum != NULL && (numeric_is_nan(state->nsum)
#if PG_VERSION_NUM >= 140000
								|| numeric_is_inf(state->nsum)
#endif
								))
		return "a numeric sum that is not finite";
	return NULL;
}

/* The invariants of a state, checked after transition and combine. */
#define AssertCheckRfmState(state) Assert(rfm_state_problem(state) == NULL)

/* A time of the state's kind as text, for error details. */
static char *
time_text(int64 t, char time_kind)
{
	if (time_kind == RFM_DATE)
		return DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum((DateADT) t)));
	return DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(t)));
}

static void
check_same_as_of(int64 as_of, int64 other, char time_kind)
{
	if (unlikely(as_of != other))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("as_of must be the same in every row of a group"),
				 errdetail("as_of is %s in one row and %s in another.",
						   time_text(as_of, time_kind), time_text(other, time_kind))));
}

/* order_at and as_of must be finite times */
static inline void
check_finite_time(int64 t, char time_kind, const char *argname)
{
	if (unlikely(time_kind == RFM_DATE ? DATE_NOT_FINITE((DateADT) t) : TIMESTAMP_NOT_FINITE(t)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be finite", argname),
				 errdetail("%s is %s.", argname, time_text(t, time_kind))));
}

static void
counter_overflow_error(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("rfm order count out of range for type bigint")));
}

/*
 * as_of of the two-argument forms: current_date for dates (the session's
 * TimeZone decides the day), now() for timestamptz, read once per query.
 */
static int64
current_as_of(FunctionCallInfo fcinfo, char time_kind)
{
	int64	   *cached = (int64 *) fcinfo->flinfo->fn_extra;

	if (cached == NULL)
	{
		cached = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(int64));
		*cached = time_kind == RFM_DATE ? (int64) GetSQLCurrentDate()
			: (int64) GetCurrentTransactionStartTimestamp();
		fcinfo->flinfo->fn_extra = cached;
	}
	return *cached;
}

/* A new, empty state in `context`; a partial one has no as_of yet. */
RfmState *
rfm_state_new(MemoryContext context, char time_kind, char amount_kind, int64 as_of,
			  bool partial)
{
	RfmState   *state = MemoryContextAlloc(context, sizeof(RfmState));

	*state = (RfmState)
	{
		.time_kind = time_kind, .amount_kind = amount_kind, .as_of = as_of,
		.partial = partial
	};
	return state;
}

/* Counts one kept row at time t; an order (not a refund) also moves first/last. */
static inline void
add_row(RfmState *state, int64 t, bool is_order)
{
	if (unlikely(pg_add_s64_overflow(state->rows, 1, &state->rows)))
		counter_overflow_error();
	if (!is_order)
		return;
	if (state->frequency == 0)
		state->first = state->last = t;
	else if (t > state->last)
		state->last = t;
	else if (t < state->first)
		state->first = t;
	state->frequency++;			/* frequency <= rows, which did not overflow */
}

/*
 * Adds value / 10^scale to the scaled int64 sum; false, with the sum still
 * exact (possibly at a larger scale), when the value cannot join it.
 */
static inline bool
add_scaled(RfmState *state, int64 value, int scale)
{
	int64		sum = state->isum;

	if (scale > state->iscale)
	{
		if (!scaled_rescale(&sum, state->iscale, scale))
			return false;
		state->isum = sum;
		state->iscale = scale;
	}
	else if (scale < state->iscale && !scaled_rescale(&value, scale, state->iscale))
		return false;
	if (pg_add_s64_overflow(sum, value, &sum))
		return false;
	state->isum = sum;
	return true;
}

/* Adds an amount to the numeric accumulator, in aggcontext. */
static void
add_numeric_slow(RfmState *state, Numeric amount, MemoryContext aggcontext)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(aggcontext);

	if (state->nsum == NULL)
	{
		state->nsum = palloc(VARSIZE(amount));
		memcpy(state->nsum, amount, VARSIZE(amount));
	}
	else
	{
		Numeric		sum = numeric_add_opt_error(state->nsum, amount, NULL);

		pfree(state->nsum);
		state->nsum = sum;
	}
	MemoryContextSwitchTo(oldcxt);
}

/*
 * Adds a numeric amount; returns whether it is an order (>= 0). A money
 * amount is read in place as a scaled integer, with no allocation; any
 * other goes to the numeric accumulator, after the check for NaN and
 * infinity.
 */
static inline bool
add_numeric(RfmState *state, Datum amount, MemoryContext aggcontext)
{
	int64		value;
	int			scale;
	Numeric		num;

	if (likely(scaled_from_numeric(amount, &value, &scale)))
	{
		if (unlikely(!add_scaled(state, value, scale)))
			add_numeric_slow(state, DatumGetNumeric(amount), aggcontext);
		return value >= 0;
	}
	num = DatumGetNumeric(amount);
	check_finite_numeric(num, "amount");
	add_numeric_slow(state, num, aggcontext);
	return DatumGetInt32(DirectFunctionCall1(numeric_int4,
											 DirectFunctionCall1(numeric_sign, NumericGetDatum(num)))) >= 0;
}

/*
 * Adds a kept row (order_at on or before as_of, amount not NULL): the
 * amount to the sum (NaN and infinity are an error), the row to the
 * counts. Inlined into the transition, so amount_kind is a constant there.
 */
static pg_attribute_always_inline void
add_kept_row(RfmState *state, char amount_kind, int64 order_at, Datum amount,
			 MemoryContext aggcontext)
{
	bool		is_order;

	if (amount_kind == RFM_FLOAT8)
	{
		double		value = DatumGetFloat8(amount);

		check_finite(value, "amount");
		exactsum_add(&state->fsum, value, aggcontext);
		is_order = value >= 0.0;
	}
	else
		is_order = add_numeric(state, amount, aggcontext);
	add_row(state, order_at, is_order);
}

/*
 * The transition of all eight rfm aggregates: (order_at, amount [, as_of]),
 * and of rfm_partial (order_at, amount), whose as_of is its latest row.
 * Rows with a NULL argument are skipped; rows after as_of are ignored.
 * Inlined into each entry point, so the kinds are constants there.
 */
static pg_attribute_always_inline Datum
rfm_trans_common(FunctionCallInfo fcinfo, char time_kind, char amount_kind, bool partial)
{
	MemoryContext aggcontext;
	RfmState   *state;
	bool		explicit_as_of = !partial && PG_NARGS() > 3;
	int64		order_at;
	int64		as_of;

	if (!codec_begin_trans(fcinfo, "rfm_trans", explicit_as_of ? 3 : 2, &aggcontext,
						   (void **) &state))
		return codec_combine_left(fcinfo);

	if (partial)
	{
		order_at = PG_GETARG_DATEADT(1);
		check_finite_time(order_at, time_kind, "order_at");
		as_of = state == NULL || order_at > state->as_of ? order_at : state->as_of;
		if (state != NULL)
			state->as_of = as_of;
	}
	else if (time_kind == RFM_DATE)
	{
		order_at = PG_GETARG_DATEADT(1);
		as_of = explicit_as_of ? PG_GETARG_DATEADT(3) : current_as_of(fcinfo, time_kind);
	}
	else
	{
		order_at = PG_GETARG_TIMESTAMPTZ(1);
		as_of = explicit_as_of ? PG_GETARG_TIMESTAMPTZ(3) : current_as_of(fcinfo, time_kind);
	}

	if (state == NULL)
	{
		check_finite_time(as_of, time_kind, "as_of");
		state = rfm_state_new(aggcontext, time_kind, amount_kind, as_of, partial);
	}
	else
		check_same_as_of(state->as_of, as_of, time_kind);
	check_finite_time(order_at, time_kind, "order_at");

	if (order_at > as_of)
		PG_RETURN_POINTER(state);

	add_kept_row(state, amount_kind, order_at, PG_GETARG_DATUM(2), aggcontext);

	AssertCheckRfmState(state);
	PG_RETURN_POINTER(state);
}

/*
 * rfm_population's step for one customer's row (rfm_population.c): the
 * row of a finite order_at on or before the state's as_of, whose amount is
 * not NULL, joins the state as it would in rfm.
 */
void
rfm_state_add_row(RfmState *state, int64 order_at, Datum amount, MemoryContext aggcontext)
{
	Assert(order_at <= state->as_of && !state->partial);
	add_kept_row(state, state->amount_kind, order_at, amount, aggcontext);
}

/* The finite-time check of order_at and as_of, for rfm_population. */
void
rfm_check_finite_time(int64 t, char time_kind, const char *argname)
{
	check_finite_time(t, time_kind, argname);
}

/* The one-as_of-per-group check, for rfm_population. */
void
rfm_check_same_as_of(int64 as_of, int64 other, char time_kind)
{
	check_same_as_of(as_of, other, time_kind);
}

/*
 * rfm_trans(internal, date, numeric [, date]) and the other three
 * combinations of date/timestamptz order times and numeric/float8 amounts:
 * aggregate transition functions.
 */
SQL_FUNCTION(rfm_trans_date_numeric, rfm_trans_common(fcinfo, RFM_DATE, RFM_NUMERIC, false));

SQL_FUNCTION(rfm_trans_date_float8, rfm_trans_common(fcinfo, RFM_DATE, RFM_FLOAT8, false));

SQL_FUNCTION(rfm_trans_timestamptz_numeric, rfm_trans_common(fcinfo, RFM_TIMESTAMPTZ, RFM_NUMERIC, false));

SQL_FUNCTION(rfm_trans_timestamptz_float8, rfm_trans_common(fcinfo, RFM_TIMESTAMPTZ, RFM_FLOAT8, false));

/*
 * rfm_partial_trans(internal, date, numeric|float8): transition of the
 * rfm_partial aggregates, whose state's as_of is its latest row.
 */
SQL_FUNCTION(rfm_partial_trans_numeric, rfm_trans_common(fcinfo, RFM_DATE, RFM_NUMERIC, true));

SQL_FUNCTION(rfm_partial_trans_float8, rfm_trans_common(fcinfo, RFM_DATE, RFM_FLOAT8, true));

/*
 * Merges src into dst (which lives in aggcontext). Both must have the same
 * as_of: a group that sees two snapshots is an error wherever it is split.
 * Partial states keep the later of their latest rows. A numeric state and
 * a float8 one do not merge (22023): the sum of one is exact in numeric,
 * of the other exact in binary, and no result is both.
 */
void
rfm_state_merge(RfmState *dst, const RfmState *src, MemoryContext aggcontext)
{
	if (dst->time_kind != src->time_kind || dst->partial != src->partial)
		elog(ERROR, "cannot combine rfm states of different kinds");
	if (dst->amount_kind != src->amount_kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge an rfm state of numeric amounts with one of float8 amounts"),
				 errdetail("The states were built from amounts of type %s and %s.",
						   dst->amount_kind == RFM_NUMERIC ? "numeric" : "float8",
						   src->amount_kind == RFM_NUMERIC ? "numeric" : "float8"),
				 errhint("Build every partial state from the same amount type.")));
	if (dst->partial)
		dst->as_of = Max(dst->as_of, src->as_of);
	else
		check_same_as_of(dst->as_of, src->as_of, dst->time_kind);

	if (src->frequency > 0)
	{
		if (dst->frequency == 0 || src->first < dst->first)
			dst->first = src->first;
		if (dst->frequency == 0 || src->last > dst->last)
			dst->last = src->last;
	}
	if (pg_add_s64_overflow(dst->frequency, src->frequency, &dst->frequency) ||
		pg_add_s64_overflow(dst->rows, src->rows, &dst->rows))
		counter_overflow_error();

	if (dst->amount_kind == RFM_FLOAT8)
	{
		exactsum_merge(&dst->fsum, &src->fsum, aggcontext);
		return;
	}
	if (!add_scaled(dst, src->isum, src->iscale))
		add_numeric_slow(dst, scaled_to_numeric(src->isum, src->iscale), aggcontext);
	if (src->nsum != NULL)
		add_numeric_slow(dst, src->nsum, aggcontext);
}

/*
 * rfm_combine(internal, internal) returns internal: aggregate combine
 * function. A NULL side is an empty group; the left state is copied into
 * aggcontext when it is NULL.
 */
PG_FUNCTION_INFO_V1(rfm_combine);
Datum
rfm_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	RfmState   *dst;
	RfmState   *src;

	if (!codec_begin_combine(fcinfo, "rfm", &aggcontext, (void **) &dst, (void **) &src))
		return codec_combine_left(fcinfo);
	if (dst == NULL)
		dst = rfm_state_new(aggcontext, src->time_kind, src->amount_kind, src->as_of,
							src->partial);
	rfm_state_merge(dst, src, aggcontext);

	AssertCheckRfmState(dst);
	PG_RETURN_POINTER(dst);
}

/*
 * The flags byte of the serialized form: the kinds, the partial flag and
 * whether a numeric accumulator follows. Any other bit is corrupt.
 */
#define RFM_FLAG_TIMESTAMPTZ	0x01
#define RFM_FLAG_FLOAT8			0x02
#define RFM_FLAG_PARTIAL		0x04
#define RFM_FLAG_NSUM			0x08
#define RFM_FLAGS_ALL			0x0F

/*
 * The serialized form of a state, which is also the stored form of
 * rfm_state (one per customer in a table, so it is kept small). Format
 * version 5, no padding:
 *	 version (1 byte), flags (1 byte, RFM_FLAG_*)
 *	 as_of: int32 days for dates, int64 microseconds for timestamptz
 *	 frequency, then rows - frequency (the refunds): varints
 *	 when frequency > 0: as_of - last, then last - first: varints
 *	 numeric: iscale (1 byte), isum (signed varint), then the numeric
 *	   accumulator in numeric_send form when RFM_FLAG_NSUM is set
 *	 float8: the exact sum (exactsum_send: first chunk, count, chunks)
 * A date state of money amounts takes about 15 bytes. Every field is
 * canonical (varints in their shortest form, no first/last without an
 * order), so a state has one encoding and its text form round-trips.
 */
bytea *
rfm_state_write(const RfmState *state)
{
	StringInfoData buf;
	uint8		flags = 0;

	if (state->time_kind == RFM_TIMESTAMPTZ)
		flags |= RFM_FLAG_TIMESTAMPTZ;
	if (state->amount_kind == RFM_FLOAT8)
		flags |= RFM_FLAG_FLOAT8;
	if (state->partial)
		flags |= RFM_FLAG_PARTIAL;
	if (state->nsum != NULL)
		flags |= RFM_FLAG_NSUM;

	codec_begin_write(&buf, RFM_STATE_VERSION);
	pq_sendbyte(&buf, flags);
	if (state->time_kind == RFM_DATE)
		pq_sendint32(&buf, (int32) state->as_of);
	else
		pq_sendint64(&buf, state->as_of);
	codec_write_varint(&buf, (uint64) state->frequency);
	codec_write_varint(&buf, (uint64) (state->rows - state->frequency));
	if (state->frequency > 0)
	{
		/* exact in uint64: both are finite times, last <= as_of */
		codec_write_varint(&buf, (uint64) state->as_of - (uint64) state->last);
		codec_write_varint(&buf, (uint64) state->last - (uint64) state->first);
	}
	if (state->amount_kind == RFM_NUMERIC)
	{
		pq_sendbyte(&buf, state->iscale);
		codec_write_signed_varint(&buf, state->isum);
		if (state->nsum != NULL)
			codec_write_numeric(&buf, state->nsum);
	}
	else
		exactsum_send(&buf, &state->fsum);
	return codec_end_write(&buf);
}

/*
 * A count of the serialized form: a varint that must fit an int64.
 */
static inline int64
read_count(StateReader *reader)
{
	uint64		count = codec_read_varint(reader);

	if (unlikely(count > (uint64) PG_INT64_MAX))
		codec_corrupt(reader, "a count out of range");
	return (int64) count;
}

/*
 * The time `distance` before t, which must not fall below PG_INT64_MIN;
 * whether it is a time of the state's kind is checked afterwards
 * (rfm_state_problem).
 */
static inline int64
read_time_before(StateReader *reader, int64 t)
{
	uint64		distance = codec_read_varint(reader);

	if (unlikely(distance > (uint64) t - (uint64) PG_INT64_MIN))
		codec_corrupt(reader, "a time out of range");
	return (int64) ((uint64) t - distance);
}

/*
 * Decodes the state that rfm_state_write wrote into *state, every field
 * set (a float8 sum's wide chunks and a numeric sum are allocated in the
 * current memory context). Every length and field is checked; bad bytes
 * are an error (22P03). rfm(rfm_state, as_of) decodes into a local struct
 * this way, once per stored row, without allocating: a date state of
 * numeric amounts with no accumulator allocates nothing.
 */
void
rfm_state_decode(bytea *bytes, RfmState *state)
{
	StateReader reader;
	const char *problem;
	uint8		flags;
	int64		refunds;

	codec_begin_read(&reader, bytes, RFM_STATE_VERSION, "rfm");
	flags = codec_read_uint8(&reader);
	if (flags & ~RFM_FLAGS_ALL)
		codec_corrupt(&reader, "unknown flags");
	state->time_kind = (flags & RFM_FLAG_TIMESTAMPTZ) ? RFM_TIMESTAMPTZ : RFM_DATE;
	state->amount_kind = (flags & RFM_FLAG_FLOAT8) ? RFM_FLOAT8 : RFM_NUMERIC;
	state->partial = (flags & RFM_FLAG_PARTIAL) != 0;
	state->as_of = state->time_kind == RFM_DATE ? codec_read_int32(&reader)
		: codec_read_int64(&reader);
	state->frequency = read_count(&reader);
	refunds = read_count(&reader);
	if (pg_add_s64_overflow(state->frequency, refunds, &state->rows))
		codec_corrupt(&reader, "a count out of range");
	state->first = state->last = 0;
	if (state->frequency > 0)
	{
		state->last = read_time_before(&reader, state->as_of);
		state->first = read_time_before(&reader, state->last);
	}
	state->iscale = 0;
	state->isum = 0;
	state->nsum = NULL;
	if (state->amount_kind == RFM_NUMERIC)
	{
		exactsum_init(&state->fsum);
		state->iscale = codec_read_uint8(&reader);
		state->isum = codec_read_signed_varint(&reader);
		if (flags & RFM_FLAG_NSUM)
			state->nsum = codec_read_numeric(&reader);
	}
	else
	{
		if (flags & RFM_FLAG_NSUM)
			codec_corrupt(&reader, "a numeric sum in a float8 state");
		exactsum_recv(&reader, &state->fsum);
	}
	codec_end_read(&reader);
	if ((problem = rfm_state_problem(state)) != NULL)
		codec_corrupt(&reader, problem);
}

/*
 * The state that rfm_state_write wrote, decoded into a new state in the
 * current memory context.
 */
RfmState *
rfm_state_read(bytea *bytes)
{
	RfmState   *state = palloc(sizeof(RfmState));

	rfm_state_decode(bytes, state);
	return state;
}

/* rfm_serialize(internal) returns bytea: aggregate serialize function. */
PG_FUNCTION_INFO_V1(rfm_serialize);
Datum
rfm_serialize(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(rfm_state_write((RfmState *) codec_serialize_state(fcinfo, "rfm")));
}

/*
 * rfm_deserialize(bytea, internal) returns internal: aggregate deserialize
 * function. Every length and field is checked; bad bytes are an error.
 */
PG_FUNCTION_INFO_V1(rfm_deserialize);
Datum
rfm_deserialize(PG_FUNCTION_ARGS)
{
	codec_deserialize_context(fcinfo, "rfm");
	PG_RETURN_POINTER(rfm_state_read(PG_GETARG_BYTEA_PP(0)));
}

/*
 * Whole days from t to as_of (as_of >= t). Both are finite, so the days fit
 * an integer: dates span fewer than 2^31 days, timestamps about 10^8. The
 * microseconds between two timestamps can exceed int64 (4713 BC to 294276
 * AD) but not uint64, where the difference is exact.
 */
static int32
days_to(int64 t, int64 as_of, char time_kind)
{
	uint64		days = (uint64) as_of - (uint64) t;

	if (time_kind == RFM_TIMESTAMPTZ)
		days /= USECS_PER_DAY;
	Assert(days <= PG_INT32_MAX);
	return (int32) days;
}

/*
 * rfm_final(internal) returns rfm: aggregate final function. NULL for a
 * group with no row left; recency and tenure are NULL when the kept rows
 * are all refunds.
 */
PG_FUNCTION_INFO_V1(rfm_final);
Datum
rfm_final(PG_FUNCTION_ARGS)
{
	RfmState   *state = PG_ARGISNULL(0) ? NULL : (RfmState *) PG_GETARG_POINTER(0);

	if (state == NULL || state->rows == 0)
		PG_RETURN_NULL();
	return rfm_state_result(fcinfo, state);
}

/*
 * The four fields of the rfm composite of a state with rows (recency_days,
 * frequency, monetary, tenure_days); recency and tenure are NULL when the
 * kept rows are all refunds. A scaled numeric sum with no accumulator is
 * written into buf when there is one (no allocation), any other monetary
 * value is allocated in the current memory context.
 */
static inline void
state_fields(const RfmState *state, Datum *values, bool *nulls, ScaledNumeric *buf)
{
	Assert(state->rows > 0);
	nulls[0] = nulls[1] = nulls[2] = nulls[3] = false;

	if (state->frequency > 0)
	{
		values[0] = Int32GetDatum(days_to(state->last, state->as_of, state->time_kind));
		values[3] = Int32GetDatum(days_to(state->first, state->as_of, state->time_kind));
	}
	else
		nulls[0] = nulls[3] = true;
	values[1] = Int64GetDatum(state->frequency);
	if (state->amount_kind == RFM_FLOAT8)
		values[2] = NumericGetDatum(scaled_double_to_numeric(exactsum_value(&state->fsum)));
	else if (state->nsum != NULL)
		values[2] = NumericGetDatum(numeric_add_opt_error(scaled_to_numeric(state->isum, state->iscale),
														  state->nsum, NULL));
	else if (buf != NULL)
		values[2] = NumericGetDatum(scaled_to_numeric_in(state->isum, state->iscale, buf));
	else
		values[2] = NumericGetDatum(scaled_to_numeric(state->isum, state->iscale));
}

/*
 * The rfm composite of a state with rows, at its as_of; recency and tenure
 * are NULL when the kept rows are all refunds. The row is formed from a
 * monetary value on the stack: rfm(rfm_state, as_of) runs once per stored
 * row of a refresh.
 */
Datum
rfm_state_result(FunctionCallInfo fcinfo, const RfmState *state)
{
	Datum		values[4];
	bool		nulls[4];
	ScaledNumeric buf;

	state_fields(state, values, nulls, &buf);
	return composite_result(fcinfo, 4, values, nulls);
}

/*
 * The four fields of the rfm composite of a state with rows, the monetary
 * numeric allocated in the current memory context; rfm_population's rows
 * are read through it too.
 */
void
rfm_state_fields(const RfmState *state, Datum *values, bool *nulls)
{
	state_fields(state, values, nulls, NULL);
}

/*
 * rfm_partial_final(internal) returns rfm_state: the final function of
 * rfm_partial and rfm_rollup, the stored form of the state; NULL for a
 * group with no row.
 */
PG_FUNCTION_INFO_V1(rfm_partial_final);
Datum
rfm_partial_final(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_BYTEA_P(rfm_state_write((RfmState *) PG_GETARG_POINTER(0)));
}
