/*-------------------------------------------------------------------------
 *
 * fit_state.c
 *	  The shared state of the model-fitting aggregates (bgnbd_fit,
 *	  pareto_nbd_fit, gamma_gamma_fit): customer rows compressed into
 *	  distinct rows with weights, so a fit costs per distinct customer
 *	  history, not per customer. Transition, combine, serialize and
 *	  deserialize functions, and the sorted rows the final functions fit.
 *
 * The state is a table of distinct rows keyed by the exact float8 values of
 * a row (-0 is stored as 0), allocated in the aggregate's memory context:
 * the rows in an array in the order they came, and an open-addressing
 * index of 8-byte slots (the row's keyed hash and its place in the array)
 * over them, so that a new row costs a probe of the small index and an
 * append, not a cache miss in a table of whole rows. The final functions
 * read the rows sorted (a radix sort of the values' bits), so a fit does
 * the same arithmetic in the same order whatever the input order or
 * parallel plan: fits are bit-for-bit deterministic.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type_d.h"
#include "common/int.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "base/checks.h"
#include "base/codec.h"
#include "base/keyed_hash.h"
#include "base/radix_sort.h"
#include "models/bgbb.h"
#include "models/btyd.h"
#include "models/fit_state.h"
#include "retention.h"

typedef struct FitKey
{
	double		v[FIT_KEY_VALUES];
} FitKey;

/* A slot of the index: a row's hash and its place in the array plus 1 (0: empty) */
typedef struct FitSlot
{
	uint32		hash;
	uint32		place;
} FitSlot;

/*
 * The state. Each row is a RadixRecord (radix_sort.h): the bits of its
 * values as the key, its weight as the value, ready for fit_state_rows's
 * sort.
 */
struct FitState
{
	FitKind		kind;
	bool		has_penalizer;
	double		penalizer;
	int64		customers;		/* sum of the weights */
	MemoryContext context;
	RadixRecord *rows;
	int64		nrows;
	int64		capacity;		/* of rows */
	FitSlot    *slots;
	uint32		mask;			/* slots - 1, a power of 2 minus 1 */
	int			npending;		/* rows not yet in the table */
	FitKey		pending[FLEXIBLE_ARRAY_MEMBER];
};

/*
 * Rows a transition collects before it adds them to the table: their
 * slots are fetched from memory together (fit_state_flush), so a table
 * larger than the cache costs one memory latency per batch of rows rather
 * than per row. Only weight-1 rows wait there; every reader of the rows
 * flushes first.
 */
#define FIT_PENDING_ROWS	64

/* A hint that the memory at addr is about to be read. */
#if defined(__GNUC__) || defined(__clang__)
#define fit_prefetch(addr)	__builtin_prefetch(addr)
#else
#define fit_prefetch(addr)	((void) 0)
#endif

/*
 * Initial sizes: small, as most groups of a GROUP BY are. The index grows
 * (doubles) when more than FIT_FILL_NUM / FIT_FILL_DEN of its slots are
 * taken; each of its slots is 8 bytes against a row's 32.
 */
#define FIT_INITIAL_SLOTS	64
#define FIT_INITIAL_ROWS	32
#define FIT_FILL_NUM		3
#define FIT_FILL_DEN		4

/*
 * The most distinct rows of a state: the index, filled to at most 3/4,
 * then has at most 2^32 slots, as a 32-bit hash and mask can address, and
 * a place fits a slot's 32 bits.
 */
#define FIT_MAX_ROWS		(INT64CONST(3) << 30)

/* Serialized form (after the version byte): this header, then per row FIT_KEY_VALUES float8 and an int64. */
#define FIT_FORMAT_VERSION	2
#define FIT_HEADER_SIZE		(2 + sizeof(double) + 2 * sizeof(int64))
#define FIT_ROW_SIZE		(FIT_KEY_VALUES * sizeof(double) + sizeof(int64))

#ifdef USE_ASSERT_CHECKING
/*
 * The weights are positive and add up to the customer count. It walks the
 * whole table, so it runs after combine and deserialize, not after each row
 * (fit_state_add keeps the weights positive there by construction).
 */
static void
AssertCheckFitState(FitState *state)
{
	int64		total = 0;
	int64		taken = 0;

	Assert(state->npending == 0);
	Assert(state->kind == FIT_BTYD || state->kind == FIT_SPEND ||
		   state->kind == FIT_DISCRETE);
	for (int64 i = 0; i < state->nrows; i++)
	{
		double		v[FIT_KEY_VALUES];

		memcpy(v, state->rows[i].key, sizeof(v));
		Assert(state->rows[i].value > 0);
		for (int j = 0; j < FIT_KEY_VALUES; j++)
			Assert(isfinite(v[j]));
		total += state->rows[i].value;
	}
	Assert(total == state->customers);
	for (uint64 i = 0; i <= state->mask; i++)
		if (state->slots[i].place != 0)
		{
			Assert(state->slots[i].place <= state->nrows);
			taken++;
		}
	Assert(taken == state->nrows);
}
#else
#define AssertCheckFitState(state) ((void) 0)
#endif

/* A new, empty state in context. */
static FitState *
fit_state_new(MemoryContext context, FitKind kind)
{
	FitState   *state = MemoryContextAllocZero(context,
											   offsetof(FitState, pending) +
											   FIT_PENDING_ROWS * sizeof(FitKey));

	state->kind = kind;
	state->context = context;
	state->capacity = FIT_INITIAL_ROWS;
	state->rows = MemoryContextAlloc(context, FIT_INITIAL_ROWS * sizeof(RadixRecord));
	state->slots = MemoryContextAllocZero(context, FIT_INITIAL_SLOTS * sizeof(FitSlot));
	state->mask = FIT_INITIAL_SLOTS - 1;
	return state;
}

/* The index of state with twice the slots, every row placed again by its hash. */
static void
fit_state_grow_index(FitState *state)
{
	uint64		size = ((uint64) state->mask + 1) * 2;
	uint32		mask = (uint32) (size - 1);
	FitSlot    *slots = MemoryContextAllocExtended(state->context,
												   mul_size(size, sizeof(FitSlot)),
												   MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);

	for (uint64 i = 0; i <= state->mask; i++)
	{
		uint32		j;

		if (state->slots[i].place == 0)
			continue;
		for (j = state->slots[i].hash & mask; slots[j].place != 0; j = (j + 1) & mask)
			;
		slots[j] = state->slots[i];
	}
	pfree(state->slots);
	state->slots = slots;
	state->mask = mask;
}

/* The keyed hash of a row's values (keyed_hash.h: no flooding by chosen rows). */
static inline uint32
fit_key_hash(const FitKey *key)
{
	return (uint32) keyed_hash_bytes(keyed_hash_process_seed(), key, sizeof(FitKey));
}

/*
 * The row of state with the values of key (no -0 among them) and the
 * hash fit_key_hash(key), added with weight 0 when it is new (*found
 * false). A state is limited to FIT_MAX_ROWS distinct rows (54000), and
 * its array to a huge allocation.
 */
static RadixRecord *
fit_state_lookup_hash(FitState *state, const FitKey *key, uint32 hash,
					  bool *found)
{
	uint32		i;
	RadixRecord *row;

	StaticAssertStmt(sizeof(FitKey) == sizeof(((RadixRecord *) NULL)->key),
					 "a fit row's values are a radix record's key");
	for (i = hash & state->mask; state->slots[i].place != 0; i = (i + 1) & state->mask)
	{
		row = &state->rows[state->slots[i].place - 1];
		if (state->slots[i].hash == hash &&
			memcmp(row->key, key, sizeof(FitKey)) == 0)
		{
			*found = true;
			return row;
		}
	}
	*found = false;
	if (state->nrows >= FIT_MAX_ROWS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many distinct rows in one fit"),
				 errdetail("A fit holds at most " INT64_FORMAT " distinct rows.",
						   FIT_MAX_ROWS)));
	if (state->nrows == state->capacity)
	{
		state->capacity *= 2;
		state->rows = repalloc_huge(state->rows,
									mul_size(state->capacity, sizeof(RadixRecord)));
	}
	row = &state->rows[state->nrows++];
	memcpy(row->key, key, sizeof(FitKey));
	row->value = 0;
	state->slots[i].hash = hash;
	state->slots[i].place = (uint32) state->nrows;
	if ((uint64) state->nrows * FIT_FILL_DEN > ((uint64) state->mask + 1) * FIT_FILL_NUM)
		fit_state_grow_index(state);
	return row;
}

/* fit_state_lookup_hash of key, hashed here. */
static RadixRecord *
fit_state_lookup(FitState *state, const FitKey *key, bool *found)
{
	return fit_state_lookup_hash(state, key, fit_key_hash(key), found);
}

/*
 * Adds the pending rows (each of weight 1, counted in customers already)
 * to the table: all their hashes first, with a prefetch of each slot, then
 * the lookups, whose memory is then on its way.
 */
static void
fit_state_flush(FitState *state)
{
	uint32		hashes[FIT_PENDING_ROWS];

	for (int i = 0; i < state->npending; i++)
	{
		hashes[i] = fit_key_hash(&state->pending[i]);
		fit_prefetch(&state->slots[hashes[i] & state->mask]);
	}
	for (int i = 0; i < state->npending; i++)
	{
		bool		found;

		fit_state_lookup_hash(state, &state->pending[i], hashes[i], &found)->value++;
	}
	state->npending = 0;
}

/*
 * Add weight customers with the row key: a row of weight 1 waits among the
 * pending ones (FIT_PENDING_ROWS).
 */
static void
fit_state_add(FitState *state, FitKey *key, int64 weight)
{
	bool		found;

	for (int j = 0; j < FIT_KEY_VALUES; j++)
		if (key->v[j] == 0.0)
			key->v[j] = 0.0;	/* -0 and 0 are one row */
	if (pg_add_s64_overflow(state->customers, weight, &state->customers))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("too many customers in one fit"),
				 errdetail("Adding weight " INT64_FORMAT " to " INT64_FORMAT " customers overflows bigint.",
						   weight, state->customers)));
	if (weight == 1)
	{
		state->pending[state->npending++] = *key;
		if (state->npending == FIT_PENDING_ROWS)
			fit_state_flush(state);
		return;
	}
	fit_state_lookup(state, key, &found)->value += weight;
}

/* The penalizer of a row: the same for every row of a fit, finite, >= 0. */
static void
fit_state_set_penalizer(FitState *state, double penalizer)
{
	check_nonnegative(penalizer, "penalizer");
	if (state->has_penalizer && state->penalizer != penalizer)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("penalizer must be the same for every row of a fit"),
				 errdetail("penalizer is %s, and %s in an earlier row.",
						   float8out_internal(penalizer),
						   float8out_internal(state->penalizer))));
	state->has_penalizer = true;
	state->penalizer = penalizer;
}

/*
 * The optional arguments of a fit row after its values, which start at
 * argument first: a weight (smallint, integer or bigint) and a penalizer
 * (float8),
 * told apart by the declared argument types of the transition function
 * (pg_proc of fn_oid), never by position alone, so that no overload can
 * read a weight as a penalizer. Every fit aggregate's transition goes
 * through here, whatever its overloads: a new overload needs only its SQL
 * declaration. Looked up once per call site and kept in fn_extra.
 */
typedef struct FitExtras
{
	int			weight_arg;		/* -1 without a weight (weight 1) */
	Oid			weight_type;	/* INT8OID, INT4OID or INT2OID */
	int			penalizer_arg;	/* -1 without a penalizer */
} FitExtras;

static const FitExtras *
fit_extras(FunctionCallInfo fcinfo, int first)
{
	FitExtras  *extras = (FitExtras *) fcinfo->flinfo->fn_extra;
	Oid		   *types;
	int			nargs;

	if (extras != NULL)
		return extras;
	extras = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(FitExtras));
	extras->weight_arg = -1;
	extras->weight_type = InvalidOid;
	extras->penalizer_arg = -1;
	get_func_signature(fcinfo->flinfo->fn_oid, &types, &nargs);
	for (int i = first; i < nargs; i++)
	{
		if ((types[i] == INT8OID || types[i] == INT4OID || types[i] == INT2OID) &&
			extras->weight_arg < 0 && extras->penalizer_arg < 0)
		{
			extras->weight_arg = i;
			extras->weight_type = types[i];
		}
		else if (types[i] == FLOAT8OID && extras->penalizer_arg < 0)
			extras->penalizer_arg = i;
		else
			elog(ERROR, "fit transition function declared with an unexpected argument %d of type %u",
				 i, types[i]);
	}
	pfree(types);
	fcinfo->flinfo->fn_extra = extras;
	return extras;
}

/*
 * The weight of a row (not NULL): 1 without a weight argument; a negative
 * weight is error 22023 naming it. 0 means the row adds nobody.
 */
static int64
fit_row_weight(FunctionCallInfo fcinfo, const FitExtras *extras)
{
	int64		weight;

	if (extras->weight_arg < 0)
		return 1;
	if (extras->weight_type == INT8OID)
		weight = PG_GETARG_INT64(extras->weight_arg);
	else if (extras->weight_type == INT4OID)
		weight = PG_GETARG_INT32(extras->weight_arg);
	else
		weight = PG_GETARG_INT16(extras->weight_arg);
	if (weight < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("weight must not be negative"),
				 errdetail("weight is " INT64_FORMAT ".", weight)));
	return weight;
}

/*
 * Add a checked row (key) with the row's weight, and the row's penalizer
 * when the aggregate has one. A weight-0 row, or a NULL key (a row that
 * carries no information), still has its weight and penalizer checked
 * and sets the penalizer, but adds nobody.
 */
static void
fit_state_add_row(FunctionCallInfo fcinfo, FitState *state,
				  const FitExtras *extras, FitKey *key)
{
	int64		weight = fit_row_weight(fcinfo, extras);

	if (extras->penalizer_arg >= 0)
		fit_state_set_penalizer(state, PG_GETARG_FLOAT8(extras->penalizer_arg));
	if (weight > 0 && key != NULL)
		fit_state_add(state, key, weight);
}

/*
 * The start of a BG/NBD or Pareto/NBD fit, in log-parameters: r and the
 * third and fourth parameters 1, alpha for a purchase rate near the
 * observed one; *mean_t is the customers' mean age (Pareto/NBD starts
 * beta there). False when nobody made a repeat purchase: neither model
 * has a maximum then.
 */
bool
btyd_fit_start(const FitRows *rows, double *theta, double *mean_t)
{
	double		sum_frequency = 0.0;
	double		sum_t = 0.0;

	for (int64 i = 0; i < rows->nrows; i++)
	{
		sum_frequency += rows->weight[i] * rows->values[0][i];
		sum_t += rows->weight[i] * rows->values[2][i];
	}
	theta[0] = 0.0;
	theta[1] = log(sum_t / (sum_frequency + (double) rows->customers));
	theta[2] = 0.0;
	theta[3] = 0.0;
	*mean_t = sum_t / (double) rows->customers;
	return sum_frequency > 0.0;
}

/*
 * btyd_fit_start as a FitModel's start, for the models that do not use the
 * mean age (BG/NBD, MBG/NBD): r = a = b = 1, alpha for the rate; false
 * when nobody made a repeat purchase.
 */
bool
btyd_fit_start_model(const void *data, double *theta)
{
	double		mean_t;

	return btyd_fit_start((const FitRows *) data, theta, &mean_t);
}

/* The aggregate state of fcinfo's first argument, created on first use. */
static FitState *
fit_state_get(FunctionCallInfo fcinfo, FitKind kind)
{
	MemoryContext aggcontext;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "fit transition function called in non-aggregate context");
	if (!PG_ARGISNULL(0))
		return (FitState *) PG_GETARG_POINTER(0);
	return fit_state_new(aggcontext, kind);
}

/*
 * Reads the values of one row of a fit transition (none of them NULL)
 * into *key: false when the row carries no information (it is still
 * weighed, fit_state_add_row with a NULL key); a bad value is an error
 * naming it. float8_values says whether the values arrive as float8 (then
 * the counts among them must be whole numbers).
 */
typedef bool (*FitRowReader) (FunctionCallInfo fcinfo, bool float8_values, FitKey *key);

/*
 * Every fit aggregate's transition: (state, values... [, weight]
 * [, penalizer]), the values read by read_row, the weight integer or
 * bigint from argument first on (fit_extras). A row with a NULL value or
 * weight is skipped; a NULL penalizer is error 22004, not a row to skip
 * (skipping every row would turn the fit into a silent NULL); a negative
 * weight is error 22023.
 */
static Datum
fit_trans(FunctionCallInfo fcinfo, FitKind kind, int first, bool float8_values,
		  FitRowReader read_row)
{
	FitState   *state = fit_state_get(fcinfo, kind);
	const FitExtras *extras = fit_extras(fcinfo, first);
	FitKey		key;

	if (extras->penalizer_arg >= 0 && PG_ARGISNULL(extras->penalizer_arg))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("penalizer must not be NULL"),
				 errhint("Use penalizer 0 for no penalty.")));
	for (int i = 1; i < PG_NARGS(); i++)
		if (PG_ARGISNULL(i))
			PG_RETURN_POINTER(state);
	fit_state_add_row(fcinfo, state, extras,
					  read_row(fcinfo, float8_values, &key) ? &key : NULL);
	PG_RETURN_POINTER(state);
}

/*
 * A row of bgnbd_fit, mbgnbd_fit or pareto_nbd_fit: (frequency, recency,
 * t), a bad summary error 22023 naming the value. A customer observed for
 * no time (first purchase on the as_of day: x = 0, t_x = 0, T = 0) has
 * likelihood 1 under these models, so it carries no information: it is
 * skipped rather than failing the fit, so that a scheduled refresh over
 * live orders works on days with new customers.
 */
static bool
btyd_fit_row(FunctionCallInfo fcinfo, bool float8_frequency, FitKey *key)
{
	int32		frequency = float8_frequency ?
		btyd_frequency_from_float8(PG_GETARG_FLOAT8(1)) : PG_GETARG_INT32(1);

	key->v[0] = frequency;
	key->v[1] = PG_GETARG_FLOAT8(2);
	key->v[2] = PG_GETARG_FLOAT8(3);
	if (frequency == 0 && key->v[1] == 0.0 && key->v[2] == 0.0)
		return false;
	btyd_check_summary(frequency, key->v[1], key->v[2]);
	return true;
}

/*
 * A row of gamma_gamma_fit: (frequency, monetary_value). Rows with
 * frequency 0 carry no spend information (their monetary_value is not
 * looked at); a repeat customer needs a positive, finite monetary_value
 * (22023).
 */
static bool
spend_fit_row(FunctionCallInfo fcinfo, bool float8_frequency, FitKey *key)
{
	int32		frequency = float8_frequency ?
		btyd_frequency_from_float8(PG_GETARG_FLOAT8(1)) :
		btyd_check_frequency(PG_GETARG_INT32(1));
	double		monetary_value;

	if (frequency == 0)
		return false;
	monetary_value = PG_GETARG_FLOAT8(2);
	check_finite(monetary_value, "monetary_value");
	if (monetary_value <= 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("monetary_value must be positive for a customer with repeat purchases"),
				 errdetail("monetary_value is %s with frequency %d.",
						   float8out_internal(monetary_value), frequency),
				 errhint("The Gamma-Gamma model needs positive spend; leave such customers out, e.g. WHERE monetary_value > 0.")));
	key->v[0] = frequency;
	key->v[1] = monetary_value;
	key->v[2] = 0.0;
	return true;
}

/*
 * A row of bgbb_fit: (frequency, recency, n_periods), a bad history
 * (bgbb_check_summary) error 22023 naming the value. A donor observed for
 * no opportunity (n_periods 0) has likelihood 1 and is skipped, as in
 * btyd_fit_row.
 */
static bool
bgbb_fit_row(FunctionCallInfo fcinfo, bool float8_values, FitKey *key)
{
	static const char *const names[3] = {"frequency", "recency", "n_periods"};
	int32		v[3];

	for (int j = 0; j < 3; j++)
	{
		v[j] = float8_values ? bgbb_whole_number(PG_GETARG_FLOAT8(j + 1), names[j]) :
			PG_GETARG_INT32(j + 1);
		key->v[j] = v[j];
	}
	bgbb_check_summary(v[0], v[1], v[2]);
	return v[2] != 0;
}

/* Transition of bgnbd_fit, mbgnbd_fit and pareto_nbd_fit, integer frequency. */
SQL_FUNCTION(btyd_fit_trans, fit_trans(fcinfo, FIT_BTYD, 4, false, btyd_fit_row));

/* Transition of bgnbd_fit, mbgnbd_fit and pareto_nbd_fit, float8 frequency. */
SQL_FUNCTION(btyd_fit_trans_float8, fit_trans(fcinfo, FIT_BTYD, 4, true, btyd_fit_row));

/* Transition of gamma_gamma_fit, integer frequency. */
SQL_FUNCTION(spend_fit_trans, fit_trans(fcinfo, FIT_SPEND, 3, false, spend_fit_row));

/* Transition of gamma_gamma_fit, float8 frequency. */
SQL_FUNCTION(spend_fit_trans_float8, fit_trans(fcinfo, FIT_SPEND, 3, true, spend_fit_row));

/* Transition of bgbb_fit, integer values. */
SQL_FUNCTION(bgbb_fit_trans, fit_trans(fcinfo, FIT_DISCRETE, 4, false, bgbb_fit_row));

/* Transition of bgbb_fit, float8 values. */
SQL_FUNCTION(bgbb_fit_trans_float8, fit_trans(fcinfo, FIT_DISCRETE, 4, true, bgbb_fit_row));

/* Add every row of src to dst, which must be of the same kind and penalizer. */
static void
fit_state_merge(FitState *dst, FitState *src)
{
	if (dst->kind != src->kind)
		elog(ERROR, "cannot combine fit states of different kinds");
	if (src->has_penalizer)
		fit_state_set_penalizer(dst, src->penalizer);
	fit_state_flush(src);
	for (int64 i = 0; i < src->nrows; i++)
	{
		FitKey		key;

		memcpy(key.v, src->rows[i].key, sizeof(FitKey));
		fit_state_add(dst, &key, src->rows[i].value);
	}
}

/*
 * Combine function of every fit aggregate: all four NULL cases; a state
 * built elsewhere is copied into the aggregate context.
 */
PG_FUNCTION_INFO_V1(fit_combine);
Datum
fit_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	FitState   *left;
	FitState   *right;

	if (!codec_begin_combine(fcinfo, "fit", &aggcontext, (void **) &left, (void **) &right))
		return codec_combine_left(fcinfo);
	if (left == NULL)
		left = fit_state_new(aggcontext, right->kind);
	fit_state_merge(left, right);
	fit_state_flush(left);
	AssertCheckFitState(left);
	PG_RETURN_POINTER(left);
}

/*
 * Serialize function of every fit aggregate, through the state codec
 * (codec.h), format FIT_FORMAT_VERSION: kind and penalizer flag (1 byte
 * each), penalizer (float8), customers and rows (int64), then per row
 * FIT_KEY_VALUES float8 and the weight (int64).
 */
PG_FUNCTION_INFO_V1(fit_serialize);
Datum
fit_serialize(PG_FUNCTION_ARGS)
{
	FitState   *state = (FitState *) PG_GETARG_POINTER(0);
	Size		size;
	int64		nrows;
	StringInfoData buf;

	fit_state_flush(state);
	size = add_size(FIT_HEADER_SIZE, mul_size(state->nrows, FIT_ROW_SIZE));
	nrows = state->nrows;

	if (size > MaxAllocSize - VARHDRSZ - 1)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("fit state is too large to serialize"),
				 errdetail("It has " INT64_FORMAT " distinct rows.", nrows)));
	codec_begin_write(&buf, FIT_FORMAT_VERSION);
	enlargeStringInfo(&buf, (int) size);
	pq_sendbyte(&buf, state->kind);
	pq_sendbyte(&buf, state->has_penalizer ? 1 : 0);
	pq_sendfloat8(&buf, state->penalizer);
	pq_sendint64(&buf, state->customers);
	pq_sendint64(&buf, nrows);
	for (int64 i = 0; i < nrows; i++)
	{
		for (int j = 0; j < FIT_KEY_VALUES; j++)
			pq_sendint64(&buf, (int64) state->rows[i].key[j]);
		pq_sendint64(&buf, state->rows[i].value);
	}
	PG_RETURN_BYTEA_P(codec_end_write(&buf));
}

/*
 * Whether a row (finite, non-negative values) is one the transition
 * functions store: frequency a whole number up to INT_MAX, no -0; for
 * BG/NBD and Pareto/NBD 0 <= recency <= t, t > 0 and recency 0 when
 * frequency is 0 (btyd_check_summary); for BG/BB whole numbers with
 * frequency <= recency <= n_periods, 1 <= n_periods <= BGBB_MAX_PERIODS
 * and recency 0 when frequency is 0 (bgbb_check_summary); for Gamma-Gamma frequency >= 1,
 * monetary_value > 0 and a 0 third value.
 */
static bool
fit_row_valid(FitKind kind, const FitKey *key)
{
	double		frequency = key->v[0];

	for (int j = 0; j < FIT_KEY_VALUES; j++)
		if (signbit(key->v[j]))
			return false;
	if (frequency != floor(frequency) || frequency > PG_INT32_MAX)
		return false;
	if (kind == FIT_BTYD)
		return key->v[2] > 0.0 && key->v[1] <= key->v[2] &&
			(frequency > 0.0 || key->v[1] == 0.0);
	if (kind == FIT_DISCRETE)
		return key->v[1] == floor(key->v[1]) && key->v[2] == floor(key->v[2]) &&
			key->v[2] >= 1.0 && key->v[2] <= BGBB_MAX_PERIODS &&
			frequency <= key->v[1] && key->v[1] <= key->v[2] &&
			(frequency > 0.0 || key->v[1] == 0.0);
	return frequency >= 1.0 && key->v[1] > 0.0 && key->v[2] == 0.0;
}

/*
 * Deserialize function of every fit aggregate: checks the version, the
 * kind, the row count against the length, every value and weight, and
 * that the weights add up.
 */
PG_FUNCTION_INFO_V1(fit_deserialize);
Datum
fit_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	StateReader r;
	FitState   *state;
	uint8		kind;
	uint8		has_penalizer;
	double		penalizer;
	int64		customers;
	int64		nrows;

	aggcontext = codec_begin_deserialize(fcinfo, &r, FIT_FORMAT_VERSION, "fit");
	kind = codec_read_uint8(&r);
	if (kind != FIT_BTYD && kind != FIT_SPEND && kind != FIT_DISCRETE)
		codec_corrupt(&r, "an unknown kind");
	has_penalizer = codec_read_uint8(&r);
	if (has_penalizer > 1)
		codec_corrupt(&r, "an invalid penalizer flag");
	penalizer = codec_read_float8(&r);
	if (!isfinite(penalizer) || penalizer < 0.0)
		codec_corrupt(&r, "an invalid penalizer");
	customers = codec_read_int64(&r);
	nrows = codec_read_int64(&r);
	if (nrows < 0)
		codec_corrupt(&r, "a negative row count");
	codec_check_count(&r, (uint64) nrows, FIT_ROW_SIZE);

	state = fit_state_new(aggcontext, (FitKind) kind);
	state->has_penalizer = has_penalizer;
	state->penalizer = has_penalizer ? penalizer : 0.0;
	for (int64 i = 0; i < nrows; i++)
	{
		FitKey		key;
		int64		weight;
		bool		found;
		RadixRecord *row;

		for (int j = 0; j < FIT_KEY_VALUES; j++)
		{
			key.v[j] = codec_read_float8(&r);
			if (!isfinite(key.v[j]) || key.v[j] < 0.0)
				codec_corrupt(&r, "a row value that is not a finite non-negative number");
		}
		weight = codec_read_int64(&r);
		if (!fit_row_valid((FitKind) kind, &key))
			codec_corrupt(&r, "a row the transition functions never store");
		if (weight <= 0)
			codec_corrupt(&r, "a row weight that is not positive");
		row = fit_state_lookup(state, &key, &found);
		if (found)
			codec_corrupt(&r, "a row twice");
		row->value = weight;
		if (pg_add_s64_overflow(state->customers, weight, &state->customers))
			codec_corrupt(&r, "weights that overflow");
	}
	codec_end_read(&r);
	if (state->customers != customers)
		codec_corrupt(&r, "weights that do not add up to its customer count");
	AssertCheckFitState(state);
	PG_RETURN_POINTER(state);
}

/*
 * A new, empty state of `kind` in context, for a caller that fills it
 * itself (fit_state_add_values) rather than through a transition.
 */
FitState *
fit_state_create(MemoryContext context, FitKind kind)
{
	return fit_state_new(context, kind);
}

/*
 * Adds weight (> 0) customers with the row values[0 .. FIT_KEY_VALUES),
 * which the caller has checked as the kind's transition checks its rows.
 */
void
fit_state_add_values(FitState *state, const double *values, int64 weight)
{
	FitKey		key;

	Assert(weight > 0);
	for (int j = 0; j < FIT_KEY_VALUES; j++)
		key.v[j] = values[j];
	fit_state_add(state, &key, weight);
}

/*
 * For a final function: the rows of the state in fcinfo's first argument,
 * sorted, in the current memory context; NULL when there is no state or no
 * row (empty input, or only skipped rows). What the state holds does not
 * change.
 */
FitRows *
fit_rows(FunctionCallInfo fcinfo, FitKind kind)
{
	FitState   *state;

	if (PG_ARGISNULL(0))
		return NULL;
	state = (FitState *) PG_GETARG_POINTER(0);
	if (state->kind != kind)
		elog(ERROR, "fit state of the wrong kind");
	return fit_state_rows(state);
}

/*
 * The rows of a state, sorted by their values lexicographically, in the
 * current memory context; NULL when it has none. The state's pending rows
 * join its table; what it holds does not change. The values are finite and not negative, with no -0 (the
 * transitions store no other), so their bits order as unsigned 64-bit
 * numbers as the values do: a radix sort of the bits (radix_sort_records)
 * puts them in the order of the values.
 */
FitRows *
fit_state_rows(FitState *state)
{
	FitRows    *rows;
	RadixRecord *records;
	RadixRecord *tmp;
	int64		n;

	fit_state_flush(state);
	n = state->nrows;
	if (n == 0)
		return NULL;

	rows = palloc(sizeof(FitRows));
	rows->nrows = n;
	rows->customers = state->customers;
	rows->penalizer = state->has_penalizer ? state->penalizer : 0.0;
	records = palloc_extended(mul_size(n, sizeof(RadixRecord)), MCXT_ALLOC_HUGE);
	tmp = palloc_extended(mul_size(n, sizeof(RadixRecord)), MCXT_ALLOC_HUGE);
	memcpy(records, state->rows, n * sizeof(RadixRecord));
	radix_sort_records(records, n, tmp);
	pfree(tmp);

	for (int j = 0; j < FIT_KEY_VALUES; j++)
		rows->values[j] = palloc_extended(mul_size(n, sizeof(double)),
										  MCXT_ALLOC_HUGE);
	rows->weight = palloc_extended(mul_size(n, sizeof(double)), MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < n; i++)
	{
		for (int j = 0; j < FIT_KEY_VALUES; j++)
			memcpy(&rows->values[j][i], &records[i].key[j], sizeof(double));
		rows->weight[i] = (double) records[i].value;
	}
	pfree(records);
	return rows;
}
