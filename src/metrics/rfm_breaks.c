/*-------------------------------------------------------------------------
 *
 * rfm_breaks.c
 *	  Fixed score breaks (DESIGN section 1): the rfm_breaks aggregate, which
 *	  finds the cut values of the window scoring of a population, and the
 *	  rfm_breaks(bins, r, f, m) constructor for business-chosen thresholds.
 *
 * The window score of a higher-is-better value v among n values is
 * s(v) = 1 + floor(bins * L(v) / n), L(v) = #{values < v}, which does not
 * decrease with v. For k = 1 .. bins - 1 the cut b_k is the smallest value
 * with s(v) > k, that is with L(v) >= ceil(k n / bins), or +Infinity when
 * there is none. Then for every value v of the population
 * #{k : b_k <= v} = s(v) - 1, so scoring with the cuts gives the window
 * score exactly. Recency is mirrored: with G(v) = #{values > v}, b_k is the
 * largest value with G(v) >= ceil(k n / bins) (or -Infinity), and
 * s(v) = 1 + #{k : b_k >= v}; its cuts are stored in ascending order too.
 * Cuts can repeat when ties or a small n make a score skip a step.
 *
 * Cuts are float8 (DESIGN); integers up to 2^53 and numerics of at most 15
 * significant digits convert exactly enough that distinct values stay
 * distinct, which is all the equivalence needs.
 *
 * The aggregate state keeps each column as (value, count) pairs, compacted
 * by sorting and merging equal values whenever the array fills up, so a
 * column with few distinct values (recency in days, order counts) stays
 * small however many rows it sees.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "base/codec.h"
#include "base/checks.h"
#include "base/composite.h"
#include "base/scaled.h"
#include "metrics/rfm_breaks.h"
#include "retention.h"

#define BREAKS_STATE_VERSION	2
#define BREAKS_DEFAULT_BINS		5
#define BREAKS_INITIAL_SIZE		64

static const char *const column_names[3] = {"r", "f", "m"};
static const Oid breaks_field_types[4] = {INT4OID, FLOAT8ARRAYOID, FLOAT8ARRAYOID, FLOAT8ARRAYOID};

typedef struct BreaksValue
{
	double		value;
	int64		count;
} BreaksValue;

/* One column's values as (value, count) pairs; n is the sum of the counts. */
typedef struct BreaksColumn
{
	BreaksValue *items;
	int64		len;
	int64		size;
	int64		n;
} BreaksColumn;

typedef struct BreaksState
{
	int32		bins;
	BreaksColumn columns[3];
} BreaksState;

/*
 * bins must be 2..9; returns it.
 */
int32
rfm_check_bins(int32 bins)
{
	if (bins < 2 || bins > RFM_MAX_BINS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("bins must be between 2 and %d", RFM_MAX_BINS),
				 errdetail("bins is %d.", bins)));
	return bins;
}

/*
 * Checks one column's cuts (a float8[] of bins - 1 non-NULL, non-NaN,
 * non-decreasing values) and copies them to cuts.
 */
static void
parse_cuts(ArrayType *array, int32 bins, int column, double *cuts)
{
	const char *name = column_names[column];
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;

	if (ARR_NDIM(array) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("breaks %s must be a one-dimensional array", name),
				 errdetail("%s has %d dimensions.", name, ARR_NDIM(array))));
	deconstruct_array(array, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &nulls, &nelems);
	if (nelems != bins - 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("breaks %s must have bins - 1 elements", name),
				 errdetail("%s has %d elements and bins is %d.", name, nelems, bins)));
	for (int i = 0; i < nelems; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("breaks %s must not contain NULL", name),
					 errdetail("Element %d of %s is NULL.", i + 1, name)));
		cuts[i] = DatumGetFloat8(elems[i]);
		if (isnan(cuts[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("breaks %s must not contain NaN", name),
					 errdetail("Element %d of %s is NaN.", i + 1, name)));
		if (i > 0 && cuts[i] < cuts[i - 1])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("breaks %s must be in ascending order", name),
					 errdetail("Element %d of %s is %s, below element %d, %s.", i + 1, name,
							   float8out_internal(cuts[i]), i, float8out_internal(cuts[i - 1]))));
	}
	pfree(elems);
	pfree(nulls);
}

/*
 * Validates an rfm_breaks composite into *breaks. A NULL array means no
 * cuts for that column (its score is NULL); a NULL bins is an error.
 */
void
rfm_breaks_parse(Datum composite, RfmBreaks *breaks)
{
	Datum		values[4];
	bool		nulls[4];

	composite_fields(composite, 4, breaks_field_types, values, nulls);
	if (nulls[0])
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("breaks bins must not be NULL")));
	breaks->bins = rfm_check_bins(DatumGetInt32(values[0]));
	for (int c = 0; c < 3; c++)
	{
		breaks->isnull[c] = nulls[c + 1];
		if (!nulls[c + 1])
			parse_cuts(DatumGetArrayTypeP(values[c + 1]), breaks->bins, c, breaks->cuts[c]);
	}
}

/* The rfm_breaks composite of bins and three float8[] (NULL: none). */
static Datum
breaks_result(FunctionCallInfo fcinfo, int32 bins, Datum *arrays, bool *arraynulls)
{
	Datum		values[4];
	bool		nulls[4];

	values[0] = Int32GetDatum(bins);
	nulls[0] = false;
	for (int c = 0; c < 3; c++)
	{
		values[c + 1] = arrays[c];
		nulls[c + 1] = arraynulls[c];
	}
	PG_RETURN_DATUM(composite_result(fcinfo, 4, values, nulls));
}

/* A one-dimensional, one-based float8[] of n cuts. */
static Datum
cuts_array(const double *cuts, int n)
{
	Datum		elems[RFM_MAX_BINS - 1];

	for (int i = 0; i < n; i++)
		elems[i] = Float8GetDatum(cuts[i]);
	return PointerGetDatum(construct_array(elems, n, FLOAT8OID, sizeof(float8),
										   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * rfm_breaks(bins, r float8[], f float8[], m float8[]) returns rfm_breaks
 *
 * Breaks from business-chosen thresholds, validated: bins 2..9 and, per
 * column, bins - 1 non-decreasing numbers (repeats and +-Infinity allowed,
 * no NULL or NaN). f and m: a value scores 1 + (cuts <= value), so a cut is
 * the smallest value of the next score; r (lower is better): 1 + (cuts >=
 * value), so a cut is the largest recency of the next score.
 */
PG_FUNCTION_INFO_V1(rfm_breaks_make);
Datum
rfm_breaks_make(PG_FUNCTION_ARGS)
{
	int32		bins = rfm_check_bins(PG_GETARG_INT32(0));
	Datum		arrays[3];
	bool		nulls[3] = {false, false, false};

	for (int c = 0; c < 3; c++)
	{
		double		cuts[RFM_MAX_BINS - 1];

		parse_cuts(PG_GETARG_ARRAYTYPE_P(c + 1), bins, c, cuts);
		/* a fresh one-based array, whatever bounds the input had */
		arrays[c] = cuts_array(cuts, bins - 1);
	}
	return breaks_result(fcinfo, bins, arrays, nulls);
}

static int
breaks_value_cmp(const void *a, const void *b)
{
	double		x = ((const BreaksValue *) a)->value;
	double		y = ((const BreaksValue *) b)->value;

	return (x > y) - (x < y);
}

/* Sorts a column and merges equal values. */
static void
compact_column(BreaksColumn *col)
{
	int64		out = 0;

	if (col->len == 0)
		return;
	qsort(col->items, col->len, sizeof(BreaksValue), breaks_value_cmp);
	for (int64 i = 1; i < col->len; i++)
	{
		if (col->items[i].value == col->items[out].value)
			col->items[out].count += col->items[i].count;	/* <= n: no overflow */
		else
			col->items[++out] = col->items[i];
	}
	col->len = out + 1;
}

/* Adds count copies of value to a column whose items live in aggcontext. */
static void
add_value(BreaksColumn *col, double value, int64 count, MemoryContext aggcontext)
{
	if (pg_add_s64_overflow(col->n, count, &col->n))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many rows for rfm_breaks")));
	if (col->len == col->size)
	{
		compact_column(col);
		if (col->size == 0)
		{
			col->size = BREAKS_INITIAL_SIZE;
			col->items = MemoryContextAllocHuge(aggcontext, sizeof(BreaksValue) * col->size);
		}
		else if (col->len > col->size / 2)
		{
			col->size *= 2;
			if ((Size) col->size > MaxAllocHugeSize / sizeof(BreaksValue))
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("too many distinct values for rfm_breaks")));
			col->items = repalloc_huge(col->items, sizeof(BreaksValue) * col->size);
		}
	}
	col->items[col->len].value = value;
	col->items[col->len].count = count;
	col->len++;
}

static BreaksState *
new_state(MemoryContext aggcontext, int32 bins)
{
	BreaksState *state = MemoryContextAllocZero(aggcontext, sizeof(BreaksState));

	state->bins = bins;
	return state;
}

static void
check_same_bins(int32 bins, int32 other)
{
	if (bins != other)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("bins must be the same in every row of a group"),
				 errdetail("bins is %d in one row and %d in another.", bins, other)));
}

/*
 * What is wrong with a state, or NULL when it is sound: deserialize reports
 * it, trans and combine assert it.
 */
static const char *
breaks_state_problem(const BreaksState *state)
{
	if (state->bins < 2 || state->bins > RFM_MAX_BINS)
		return "bins out of range";
	for (int c = 0; c < 3; c++)
	{
		const BreaksColumn *col = &state->columns[c];
		int64		n = 0;

		if (col->len < 0 || col->len > col->size || (col->size > 0) != (col->items != NULL))
			return "a bad column length";
		for (int64 i = 0; i < col->len; i++)
		{
			if (!isfinite(col->items[i].value) || col->items[i].count <= 0 ||
				pg_add_s64_overflow(n, col->items[i].count, &n))
				return "a bad value or count";
		}
		if (n != col->n)
			return "counts that do not add up";
	}
	return NULL;
}

/* The invariants of a state, checked after transition and combine. */
#define AssertCheckBreaksState(state) Assert(breaks_state_problem(state) == NULL)

/*
 * rfm_breaks_trans(internal, recency_days, frequency, monetary [, bins])
 * returns internal: aggregate transition function. A NULL value is not
 * counted in its column; bins (default 5) must be the same in every row.
 */
PG_FUNCTION_INFO_V1(rfm_breaks_trans);
Datum
rfm_breaks_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	BreaksState *state = PG_ARGISNULL(0) ? NULL : (BreaksState *) PG_GETARG_POINTER(0);
	int32		bins = BREAKS_DEFAULT_BINS;
	double		values[3];

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "rfm_breaks_trans called in non-aggregate context");

	if (PG_NARGS() > 4)
	{
		if (PG_ARGISNULL(4))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("bins must not be NULL")));
		bins = rfm_check_bins(PG_GETARG_INT32(4));
	}
	if (state == NULL)
		state = new_state(aggcontext, bins);
	else
		check_same_bins(state->bins, bins);

	if (!PG_ARGISNULL(1))
		values[0] = PG_GETARG_INT32(1);
	if (!PG_ARGISNULL(2))
		values[1] = (double) PG_GETARG_INT64(2);
	if (!PG_ARGISNULL(3))
	{
		values[2] = scaled_numeric_to_double(PG_GETARG_DATUM(3));
		check_finite(values[2], "monetary");
	}
	for (int c = 0; c < 3; c++)
		if (!PG_ARGISNULL(c + 1))
			add_value(&state->columns[c], values[c], 1, aggcontext);

	AssertCheckBreaksState(state);
	PG_RETURN_POINTER(state);
}

/*
 * rfm_breaks_combine(internal, internal) returns internal: aggregate
 * combine function; copies into aggcontext when the left state is NULL.
 */
PG_FUNCTION_INFO_V1(rfm_breaks_combine);
Datum
rfm_breaks_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	BreaksState *dst;
	BreaksState *src;

	if (!codec_begin_combine(fcinfo, "rfm_breaks", &aggcontext, (void **) &dst, (void **) &src))
		return codec_combine_left(fcinfo);
	if (dst == NULL)
		dst = new_state(aggcontext, src->bins);
	else
		check_same_bins(dst->bins, src->bins);
	for (int c = 0; c < 3; c++)
	{
		const BreaksColumn *col = &src->columns[c];

		for (int64 i = 0; i < col->len; i++)
		{
			add_value(&dst->columns[c], col->items[i].value, col->items[i].count, aggcontext);
			CHECK_FOR_INTERRUPTS();
		}
	}

	AssertCheckBreaksState(dst);
	PG_RETURN_POINTER(dst);
}

/*
 * rfm_breaks_serialize(internal) returns bytea: aggregate serialize
 * function. Format version 1: version, bins, then per column the number
 * of pairs and the (float8 value, int8 count) pairs, compacted.
 */
static void
write_breaks(StringInfo buf, void *arg)
{
	BreaksState *state = (BreaksState *) arg;

	pq_sendint32(buf, state->bins);
	for (int c = 0; c < 3; c++)
	{
		BreaksColumn *col = &state->columns[c];

		compact_column(col);	/* the same values, fewer bytes */
		pq_sendint64(buf, col->len);
		for (int64 i = 0; i < col->len; i++)
		{
			pq_sendfloat8(buf, col->items[i].value);
			pq_sendint64(buf, col->items[i].count);
		}
	}
}

/* rfm_breaks_serialize(internal) returns bytea: aggregate serialize function, write_breaks. */
SQL_FUNCTION(rfm_breaks_serialize, codec_serialize(fcinfo, "rfm_breaks", BREAKS_STATE_VERSION, write_breaks));

/*
 * rfm_breaks_deserialize(bytea, internal) returns internal: aggregate
 * deserialize function. Every length and value is checked.
 */
PG_FUNCTION_INFO_V1(rfm_breaks_deserialize);
Datum
rfm_breaks_deserialize(PG_FUNCTION_ARGS)
{
	StateReader reader;
	BreaksState *state;
	const char *problem;

	codec_begin_deserialize(fcinfo, &reader, BREAKS_STATE_VERSION, "rfm_breaks");
	state = palloc0(sizeof(BreaksState));
	state->bins = codec_read_int32(&reader);
	for (int c = 0; c < 3; c++)
	{
		BreaksColumn *col = &state->columns[c];
		int64		len = codec_read_int64(&reader);

		if (len < 0)
			codec_corrupt(&reader, "a negative column length");
		codec_check_count(&reader, (uint64) len, sizeof(double) + sizeof(int64));
		col->len = col->size = len;
		col->items = len > 0 ? palloc_extended(sizeof(BreaksValue) * len, MCXT_ALLOC_HUGE) : NULL;
		for (int64 i = 0; i < len; i++)
		{
			col->items[i].value = codec_read_float8(&reader);
			col->items[i].count = codec_read_int64(&reader);
			if (col->items[i].count <= 0 || pg_add_s64_overflow(col->n, col->items[i].count, &col->n))
				codec_corrupt(&reader, "an invalid count");
		}
	}
	codec_end_read(&reader);
	if ((problem = breaks_state_problem(state)) != NULL)
		codec_corrupt(&reader, problem);
	PG_RETURN_POINTER(state);
}

/*
 * The cuts of one compacted, non-empty column as a float8[] (see the file
 * header for the construction).
 */
static Datum
column_cuts(const BreaksColumn *col, int32 bins, bool lower_is_better)
{
	double		cuts[RFM_MAX_BINS - 1];
	int64		n = col->n;

	for (int k = 1; k < bins; k++)
	{
		/* t = ceil(k n / bins); k n <= 8 * 2^63 would overflow, so divide first */
		int64		t = (n / bins) * k + ((n % bins) * k + bins - 1) / bins;
		double		cut;
		int64		below = 0;

		if (!lower_is_better)
		{
			/* the smallest value with L(v) >= t */
			cut = get_float8_infinity();
			for (int64 i = 0; i < col->len; below += col->items[i].count, i++)
				if (below >= t)
				{
					cut = col->items[i].value;
					break;
				}
			cuts[k - 1] = cut;
		}
		else
		{
			/* the largest value with G(v) >= t, stored at bins - 1 - k */
			cut = -get_float8_infinity();
			for (int64 i = col->len - 1; i >= 0; below += col->items[i].count, i--)
				if (below >= t)
				{
					cut = col->items[i].value;
					break;
				}
			cuts[bins - 1 - k] = cut;
		}
	}
	return cuts_array(cuts, bins - 1);
}

/*
 * The breaks of a state, compacting it; NULL when every column is empty
 * (a column with no value gets a NULL array).
 */
static Datum
state_breaks(FunctionCallInfo fcinfo, BreaksState *state)
{
	Datum		arrays[3];
	bool		nulls[3];

	if (state->columns[0].n == 0 && state->columns[1].n == 0 && state->columns[2].n == 0)
		PG_RETURN_NULL();
	for (int c = 0; c < 3; c++)
	{
		BreaksColumn *col = &state->columns[c];

		compact_column(col);
		nulls[c] = col->n == 0;
		arrays[c] = nulls[c] ? (Datum) 0 : column_cuts(col, state->bins, c == 0);
	}
	return breaks_result(fcinfo, state->bins, arrays, nulls);
}

/*
 * rfm_breaks_final(internal) returns rfm_breaks: aggregate final function.
 * NULL for an empty group; a column with no non-NULL value gets a NULL
 * array. Compacts the state (FINALFUNC_MODIFY = READ_WRITE).
 */
PG_FUNCTION_INFO_V1(rfm_breaks_final);
Datum
rfm_breaks_final(PG_FUNCTION_ARGS)
{
	BreaksState *state = PG_ARGISNULL(0) ? NULL : (BreaksState *) PG_GETARG_POINTER(0);

	if (state == NULL)
		PG_RETURN_NULL();
	return state_breaks(fcinfo, state);
}

/*
 * The rfm_breaks of a population held in arrays (rfm_population.c): per
 * column c, n[c] values (monetary as scaled_numeric_to_double gives it,
 * finite), the cuts the aggregate gives over the same values; NULL when
 * every column is empty.
 */
Datum
rfm_breaks_of_columns(FunctionCallInfo fcinfo, int32 bins, double *values[3], const int64 n[3])
{
	BreaksState state;

	state.bins = rfm_check_bins(bins);
	for (int c = 0; c < 3; c++)
	{
		BreaksColumn *col = &state.columns[c];

		col->items = MemoryContextAllocHuge(CurrentMemoryContext,
											sizeof(BreaksValue) * Max(n[c], 1));
		col->len = col->size = col->n = n[c];
		for (int64 i = 0; i < n[c]; i++)
		{
			col->items[i].value = values[c][i];
			col->items[i].count = 1;
		}
	}
	AssertCheckBreaksState(&state);
	return state_breaks(fcinfo, &state);
}
