/*-------------------------------------------------------------------------
 *
 * cohort_state.c
 *	  The state of the cohort_retention, revenue_retention and
 *	  activity_matrix aggregates (cohort_state.h): a hash of customers,
 *	  each with the set of periods they were active in, its merge and its
 *	  serialized form.
 *
 * Each customer's cohort is the period of their first activity, which an
 * unsorted input only reveals at the end; so the state keeps, per customer,
 * the set of periods they were active in (and, with amounts, the revenue
 * per period). The aggregates' final functions (cohort.c) turn the sets
 * into a cohort_matrix or a revenue_matrix.
 *
 * The state is one open-addressing hash table (lib/simplehash.h) in the
 * aggregate's memory context, keyed by the customer id: a bigint, or the
 * bytes of a text id kept in an arena and compared exactly (a hash alone
 * could merge two customers). Ids are hashed with SipHash under a secret
 * key drawn for each table (base/keyed_hash.h), so crafted ids cannot
 * collide on purpose; nothing that reaches the result or the serialized
 * state depends on the table's order. An entry is 24 bytes: the key, and the
 * periods as a 64-bit bitmap relative to the first period, which holds
 * every customer whose activity spans fewer than 64 periods (two years of
 * months, a year of weeks); others, and all customers when amounts are
 * summed, spill to a sorted array of periods (4 bytes each, 12 with
 * revenue). Revenue is summed exactly as int64 units of 10^-scale, scale
 * being the largest number of decimals among the amounts seen.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/int.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "base/codec.h"
#include "base/keyed_hash.h"
#include "base/scaled.h"
#include "base/time_unit.h"
#include "metrics/cohort_matrix.h"
#include "metrics/cohort_state.h"
#include "retention.h"

#define COHORT_STATE_VERSION	2
#define COHORT_ARENA_BLOCK		(64 * 1024)
#define COHORT_INITIAL_CUSTOMERS 256

const CohortAggregate cohort_aggregate = {"cohort_retention", "activity_at"};
const CohortAggregate revenue_aggregate = {"revenue_retention", "period_at"};
const CohortAggregate activity_aggregate = {"activity_matrix", "active_at"};

static inline const CohortTextKey *
text_key(uint64 key)
{
	return (const CohortTextKey *) (uintptr_t) key;
}

static inline uint32
cohort_key_hash(const CohortState *state, uint64 key)
{
	return state->text_keys ? text_key(key)->hash :
		keyed_hash_uint64(&state->seed, key);
}

static inline bool
cohort_key_equal(const CohortState *state, uint64 a, uint64 b)
{
	const CohortTextKey *ka;
	const CohortTextKey *kb;

	if (!state->text_keys)
		return a == b;
	ka = text_key(a);
	kb = text_key(b);
	return ka->hash == kb->hash && ka->len == kb->len &&
		memcmp(ka->data, kb->data, ka->len) == 0;
}

#define SH_PREFIX cohort_hash
#define SH_ELEMENT_TYPE CohortCustomer
#define SH_KEY_TYPE uint64
#define SH_KEY key
#define SH_HASH_KEY(tb, k) cohort_key_hash((const CohortState *) (tb)->private_data, k)
#define SH_EQUAL(tb, a, b) cohort_key_equal((const CohortState *) (tb)->private_data, a, b)
#include "base/customer_hash_growth.h"
#define SH_SCOPE extern
#define SH_DEFINE
#include "lib/simplehash.h"

/* Bytes of a spill of capacity cap. */
static inline Size
spill_size(int32 cap, bool has_revenue)
{
	return TYPEALIGN(sizeof(int64), offsetof(CohortSpill, periods) + sizeof(int32) * (Size) cap) +
		(has_revenue ? sizeof(int64) * (Size) cap : 0);
}

/*
 * A spill able to hold at least `need` periods, with the capacity that
 * fills the power-of-two chunk the allocator hands out anyway; holds the
 * contents of `old` (freed) if there is one.
 */
static CohortSpill *
spill_alloc(CohortState *state, CohortSpill *old, int32 need)
{
	Size		target = spill_size(need, state->has_revenue);
	int32		cap;
	CohortSpill *spill;

	target = target <= 8192 ? pg_nextpower2_64(target) : target + target / 2;
	cap = (int32) Min((target - offsetof(CohortSpill, periods)) /
					  (state->has_revenue ? 12 : 4), PG_INT32_MAX / 16);
	while (spill_size(cap, state->has_revenue) > target)
		cap--;
	Assert(cap >= need);
	spill = MemoryContextAlloc(state->context, spill_size(cap, state->has_revenue));
	spill->cap = cap;
	spill->n = 0;
	if (old)
	{
		spill->n = old->n;
		memcpy(spill->periods, old->periods, sizeof(int32) * old->n);
		if (state->has_revenue)
			memcpy(cohort_spill_revenue(spill), cohort_spill_revenue(old), sizeof(int64) * old->n);
		pfree(old);
	}
	return spill;
}

/*
 * The name of the aggregate a state belongs to, for messages: a state
 * that was deserialized and never combined under a known aggregate (only
 * the test module makes one) is named by the state's own aggregate,
 * cohort_retention.
 */
static inline const char *
state_name(const CohortState *state)
{
	return state->aggregate ? state->aggregate->name : cohort_aggregate.name;
}

/* Add revenue to a cell of aggregate `name`'s state, refusing to wrap. */
void
cohort_add_revenue(const char *name, int64 *cell, int64 revenue)
{
	if (unlikely(pg_add_s64_overflow(*cell, revenue, cell)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("revenue is out of range for %s", name),
				 errdetail("A sum of amounts does not fit in bigint units of the amounts' smallest decimal.")));
}

/* Add a period (and its revenue) to a spilled set. */
static void
spill_add(CohortState *state, CohortCustomer *customer, int32 period, int64 revenue)
{
	CohortSpill *spill = customer->set.spill;
	int32		lo = 0;
	int32		hi = spill->n;

	/* activity usually comes in time order: try the end first */
	if (spill->n > 0 && spill->periods[spill->n - 1] < period)
		lo = spill->n;
	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (spill->periods[mid] < period)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < spill->n && spill->periods[lo] == period)
	{
		if (state->has_revenue)
			cohort_add_revenue(state_name(state), &cohort_spill_revenue(spill)[lo], revenue);
		return;
	}
	if (spill->n == spill->cap)
		customer->set.spill = spill = spill_alloc(state, spill, spill->n + 1);
	memmove(&spill->periods[lo + 1], &spill->periods[lo], sizeof(int32) * (spill->n - lo));
	spill->periods[lo] = period;
	if (state->has_revenue)
	{
		int64	   *rev = cohort_spill_revenue(spill);

		memmove(&rev[lo + 1], &rev[lo], sizeof(int64) * (spill->n - lo));
		rev[lo] = revenue;
	}
	spill->n++;
}

/*
 * Add an active period (and its revenue, with amounts) to a customer;
 * `fresh` for a customer just inserted, whose set is still empty.
 */
static inline void
cohort_customer_add(CohortState *state, CohortCustomer *customer, bool fresh,
			 int32 period, int64 revenue)
{
	int64		d;

	state->min_period = Min(state->min_period, period);
	state->max_period = Max(state->max_period, period);
	if (fresh)
	{
		customer->spilled = state->has_revenue;
		customer->base = period;
		if (!customer->spilled)
		{
			customer->set.bits = 1;
			return;
		}
		customer->set.spill = spill_alloc(state, NULL, 1);
	}
	if (customer->spilled)
	{
		spill_add(state, customer, period, revenue);
		return;
	}
	d = (int64) period - customer->base;
	if (d >= 0 && d < 64)
	{
		customer->set.bits |= UINT64CONST(1) << d;
		return;
	}
	if (d < 0 && -d + pg_leftmost_one_pos64(customer->set.bits) < 64)
	{
		customer->set.bits = (customer->set.bits << -d) | 1;
		customer->base = period;
		return;
	}
	/* the set spans 64 periods or more: spill it */
	{
		uint64		bits = customer->set.bits;
		CohortSpill *spill = spill_alloc(state, NULL, pg_popcount64(bits) + 1);

		while (bits)
		{
			int			k = pg_rightmost_one_pos64(bits);

			spill->periods[spill->n++] = customer->base + k;
			bits &= bits - 1;
		}
		customer->spilled = true;
		customer->set.spill = spill;
		spill_add(state, customer, period, 0);
	}
}

#ifdef USE_ASSERT_CHECKING
/* Invariants of one customer's set. */
void
AssertCheckCohortCustomer(const CohortState *state, const CohortCustomer *customer)
{
	int32		first;
	int32		last;

	Assert(!state->has_revenue || customer->spilled);
	if (customer->spilled)
	{
		const CohortSpill *spill = customer->set.spill;

		Assert(spill->n >= 1 && spill->n <= spill->cap);
		for (int32 i = 1; i < spill->n; i++)
			Assert(spill->periods[i - 1] < spill->periods[i]);
	}
	else
		Assert(customer->set.bits & 1);
	cohort_customer_span(customer, &first, &last);
	Assert(first >= state->min_period && last <= state->max_period);
}

/* Invariants of a whole state (after combine and deserialize). */
void
AssertCheckCohortState(CohortState *state)
{
	cohort_hash_iterator it;
	CohortCustomer *customer;
	uint64		n = 0;

	Assert(state->unit >= TIME_UNIT_DAY && state->unit <= TIME_UNIT_MAX);
	Assert(state->revenue_scale >= 0 && state->revenue_scale <= COHORT_MAX_REVENUE_SCALE);
	cohort_hash_start_iterate(state->customers, &it);
	while ((customer = cohort_hash_iterate(state->customers, &it)) != NULL)
	{
		AssertCheckCohortCustomer(state, customer);
		n++;
	}
	Assert(n == state->customers->members);
}
#endif

/* A new, empty state in the aggregate's memory context. */
CohortState *
cohort_state_create(MemoryContext context, bool text_keys, bool has_revenue, TimeUnit unit,
			 uint32 customers)
{
	CohortState *state = MemoryContextAlloc(context, sizeof(CohortState));

	*state = (CohortState)
	{
		.context = context, .text_keys = text_keys, .has_revenue = has_revenue,
		.unit = unit, .min_period = PG_INT32_MAX, .max_period = PG_INT32_MIN
	};
	keyed_hash_new_seed(&state->seed);
	state->customers = cohort_hash_create(context, Max(customers, COHORT_INITIAL_CUSTOMERS),
										  state);
	return state;
}

/* Make the state's probe key hold a text id of len bytes. */
CohortTextKey *
cohort_state_probe(CohortState *state, const char *data, Size len)
{
	Size		need = offsetof(CohortTextKey, data) + len;

	if (len > MaxAllocSize - offsetof(CohortTextKey, data) - sizeof(uint32))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("customer id is too long")));
	if (state->probe_size < need)
	{
		if (state->probe)
			pfree(state->probe);
		state->probe_size = Max(need, 64);
		state->probe = MemoryContextAlloc(state->context, state->probe_size);
	}
	state->probe->len = (uint32) len;
	memcpy(state->probe->data, data, len);
	state->probe->hash = (uint32) keyed_hash_bytes(&state->seed, data, len);
	return state->probe;
}

/* A copy of a text key in the state's arena, for a new customer. */
static uint64
state_keep_key(CohortState *state, const CohortTextKey *key)
{
	Size		size = TYPEALIGN(sizeof(uint32), offsetof(CohortTextKey, data) + key->len);
	CohortTextKey *copy;

	if (size > COHORT_ARENA_BLOCK / 8)
		copy = MemoryContextAlloc(state->context, size);
	else
	{
		if (state->arena_free < size)
		{
			state->arena = MemoryContextAlloc(state->context, COHORT_ARENA_BLOCK);
			state->arena_free = COHORT_ARENA_BLOCK;
		}
		copy = (CohortTextKey *) state->arena;
		state->arena += size;
		state->arena_free -= size;
	}
	memcpy(copy, key, offsetof(CohortTextKey, data) + key->len);
	return (uint64) (uintptr_t) copy;
}

/*
 * The entry of a customer (key is a bigint or a probe CohortTextKey),
 * inserted if new; *fresh tells which.
 */
static inline CohortCustomer *
cohort_state_customer(CohortState *state, uint64 key, bool *fresh)
{
	bool		found;
	CohortCustomer *customer = cohort_hash_insert(state->customers, key, &found);

	*fresh = !found;
	if (!found && state->text_keys)
		customer->key = state_keep_key(state, text_key(key));
	return customer;
}

/*
 * Files one row: the customer of key (a bigint id, or the probe of
 * cohort_state_probe) active in period with revenue. A transition's whole
 * work per row is this one call, in which the hash insert inlines.
 */
void
cohort_state_add_row(CohortState *state, uint64 key, int32 period, int64 revenue)
{
	bool		fresh;
	CohortCustomer *customer = cohort_state_customer(state, key, &fresh);

	cohort_customer_add(state, customer, fresh, period, revenue);
	AssertCheckCohortCustomer(state, customer);
}

/* Bring every revenue of the state to a larger scale. */
static void
state_rescale(CohortState *state, int scale)
{
	cohort_hash_iterator it;
	CohortCustomer *customer;

	cohort_hash_start_iterate(state->customers, &it);
	while ((customer = cohort_hash_iterate(state->customers, &it)) != NULL)
	{
		int64	   *rev = cohort_spill_revenue(customer->set.spill);

		CHECK_FOR_INTERRUPTS();
		for (int32 i = 0; i < customer->set.spill->n; i++)
			if (!scaled_rescale(&rev[i], state->revenue_scale, scale))
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("revenue is out of range for %s", state_name(state)),
						 errdetail("A sum of amounts does not fit in bigint units of 10^-%d.", scale)));
	}
	state->revenue_scale = scale;
}

/*
 * An amount as int64 units of the state's scale, raising the state's scale
 * when the amount has more decimals. An amount with a nonzero digit beyond
 * 18 decimals (1 / 3.0 prints 20) is first rounded to 18, half away from
 * zero as round(amount, 18) does: revenue is stored as bigint units of at
 * most 18 decimals.
 */
int64
cohort_state_amount(CohortState *state, Datum amount)
{
	NumericParts parts;
	int64		units;
	int			scale;

	numeric_parts(amount, &parts);
	if (parts.special)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("amount must be a finite number"),
				 errdetail("amount is %s.",
						   DatumGetCString(DirectFunctionCall1(numeric_out, amount)))));
	if (!scaled_from_parts(&parts, COHORT_MAX_REVENUE_SCALE, &units, &scale))
	{
		Datum		rounded = amount;

		if (parts.dscale > COHORT_MAX_REVENUE_SCALE)
		{
			rounded = DirectFunctionCall2(numeric_round, amount,
										  Int32GetDatum(COHORT_MAX_REVENUE_SCALE));
			numeric_parts(rounded, &parts);
		}
		if (!scaled_from_parts(&parts, COHORT_MAX_REVENUE_SCALE, &units, &scale))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("amount is out of range for %s", state_name(state)),
					 errdetail("amount is %s, which does not fit in a bigint count of 10^-%d units.",
							   DatumGetCString(DirectFunctionCall1(numeric_out, amount)),
							   Min(parts.dscale, COHORT_MAX_REVENUE_SCALE)),
					 errhint("Round amounts to the decimals they need, for example round(amount, 2).")));
	}
	if (scale > state->revenue_scale)
		state_rescale(state, scale);
	else if (!scaled_rescale(&units, scale, state->revenue_scale))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("amount is out of range for %s", state_name(state)),
				 errdetail("amount does not fit in bigint units of 10^-%d.",
						   state->revenue_scale)));
	return units;
}

/* Merge the customers of `from` into `into` (same kind of state). */
void
cohort_state_merge(CohortState *into, CohortState *from)
{
	cohort_hash_iterator it;
	CohortCustomer *src;

	if (into->unit != from->unit)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("period must be the same for every row of a group"),
				 errdetail("Partial states have the periods '%s' and '%s'.",
						   time_unit_name(into->unit), time_unit_name(from->unit))));
	if (into->text_keys != from->text_keys || into->has_revenue != from->has_revenue)
		elog(ERROR, "cannot combine cohort_retention states of different aggregates");
	if (from->revenue_scale > into->revenue_scale)
		state_rescale(into, from->revenue_scale);

	cohort_hash_start_iterate(from->customers, &it);
	while ((src = cohort_hash_iterate(from->customers, &it)) != NULL)
	{
		bool		fresh;
		uint64		key = src->key;
		CohortCustomer *dst;

		CHECK_FOR_INTERRUPTS();
		/* a text key carries its hash under `from`'s key: hash it anew */
		if (into->text_keys)
			key = (uint64) (uintptr_t) cohort_state_probe(into, text_key(key)->data,
												   text_key(key)->len);
		dst = cohort_state_customer(into, key, &fresh);
		if (!src->spilled)
		{
			uint64		bits = src->set.bits;

			while (bits)
			{
				cohort_customer_add(into, dst, fresh, src->base + pg_rightmost_one_pos64(bits), 0);
				fresh = false;
				bits &= bits - 1;
			}
		}
		else
		{
			CohortSpill *spill = src->set.spill;

			for (int32 i = 0; i < spill->n; i++)
			{
				int64		revenue = 0;

				if (into->has_revenue)
				{
					revenue = cohort_spill_revenue(spill)[i];
					if (!scaled_rescale(&revenue, from->revenue_scale, into->revenue_scale))
						ereport(ERROR,
								(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
								 errmsg("revenue is out of range for %s", state_name(into)),
								 errdetail("A sum of amounts does not fit in bigint units of 10^-%d.",
										   into->revenue_scale)));
				}
				cohort_customer_add(into, dst, fresh, spill->periods[i], revenue);
				fresh = false;
			}
		}
	}
}

/*
 * cohort_retention_serialize(internal) returns bytea
 *
 * Through the state codec (codec.h), format COHORT_STATE_VERSION: key
 * kind, unit, revenue flag and scale (1 byte each), the customer count
 * (int64), then per customer the key (int64, or int32 length and bytes), a
 * set kind byte and either the bitmap (int32 base, int64 bits) or the
 * sorted periods (int32 n, int32 periods[n], with revenue int64
 * revenue[n]).
 */
PG_FUNCTION_INFO_V1(cohort_retention_serialize);
Datum
cohort_retention_serialize(PG_FUNCTION_ARGS)
{
	CohortState *state = (CohortState *) PG_GETARG_POINTER(0);
	cohort_hash_iterator it;
	CohortCustomer *customer;
	uint64		size = 5 + sizeof(int64);
	uint64		count = state->customers->members;
	StringInfoData buf;

	cohort_hash_start_iterate(state->customers, &it);
	while ((customer = cohort_hash_iterate(state->customers, &it)) != NULL)
	{
		size += state->text_keys ? sizeof(int32) + text_key(customer->key)->len : sizeof(int64);
		size += 1;
		if (customer->spilled)
			size += sizeof(int32) + (uint64) customer->set.spill->n *
				(sizeof(int32) + (state->has_revenue ? sizeof(int64) : 0));
		else
			size += sizeof(int32) + sizeof(int64);
	}
	if (size > MaxAllocSize - VARHDRSZ - 1)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s state is too large to pass between parallel workers", state_name(state)),
				 errdetail("The state of " UINT64_FORMAT " customers needs " UINT64_FORMAT " bytes.",
						   count, size),
				 errhint("Set max_parallel_workers_per_gather to 0 for this query.")));

	codec_begin_write(&buf, COHORT_STATE_VERSION);
	enlargeStringInfo(&buf, (int) size);
	pq_sendbyte(&buf, state->text_keys);
	pq_sendbyte(&buf, state->unit);
	pq_sendbyte(&buf, state->has_revenue);
	pq_sendbyte(&buf, state->revenue_scale);
	pq_sendint64(&buf, (int64) count);

	cohort_hash_start_iterate(state->customers, &it);
	while ((customer = cohort_hash_iterate(state->customers, &it)) != NULL)
	{
		CHECK_FOR_INTERRUPTS();
		if (state->text_keys)
		{
			const CohortTextKey *key = text_key(customer->key);

			pq_sendint32(&buf, key->len);
			pq_sendbytes(&buf, key->data, key->len);
		}
		else
			pq_sendint64(&buf, (int64) customer->key);
		pq_sendbyte(&buf, customer->spilled);
		if (customer->spilled)
		{
			CohortSpill *spill = customer->set.spill;

			pq_sendint32(&buf, spill->n);
			for (int32 k = 0; k < spill->n; k++)
				pq_sendint32(&buf, spill->periods[k]);
			if (state->has_revenue)
				for (int32 k = 0; k < spill->n; k++)
					pq_sendint64(&buf, cohort_spill_revenue(spill)[k]);
		}
		else
		{
			pq_sendint32(&buf, customer->base);
			pq_sendint64(&buf, (int64) customer->set.bits);
		}
	}
	PG_RETURN_BYTEA_P(codec_end_write(&buf));
}

/*
 * cohort_retention_deserialize(bytea, internal) returns internal
 *
 * Rebuilds a state from cohort_retention_serialize's bytes, checking the
 * version, every length, that periods are sorted and in range and that no
 * customer appears twice: corrupt bytes are an error, never a crash.
 */
PG_FUNCTION_INFO_V1(cohort_retention_deserialize);
Datum
cohort_retention_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	StateReader r;
	uint8		text_keys;
	uint8		unit;
	uint8		has_revenue;
	uint8		revenue_scale;
	int64		count;
	CohortState *state;
	int32		first_period;
	int32		last_period;

	aggcontext = codec_begin_deserialize(fcinfo, &r, COHORT_STATE_VERSION, "cohort_retention");
	text_keys = codec_read_uint8(&r);
	unit = codec_read_uint8(&r);
	has_revenue = codec_read_uint8(&r);
	revenue_scale = codec_read_uint8(&r);
	if (text_keys > 1 || unit < TIME_UNIT_DAY || unit > TIME_UNIT_MAX ||
		has_revenue > 1 || revenue_scale > COHORT_MAX_REVENUE_SCALE ||
		(revenue_scale && !has_revenue))
		codec_corrupt(&r, "an invalid header");
	count = codec_read_int64(&r);
	/* every customer takes at least 13 bytes: a key and a set */
	if (count <= 0 || count > PG_UINT32_MAX)
		codec_corrupt(&r, "an invalid customer count");
	codec_check_count(&r, (uint64) count, 13);
	state = cohort_state_create(aggcontext, text_keys, has_revenue, unit, (uint32) count);
	state->revenue_scale = revenue_scale;
	first_period = time_unit_first_period(state->unit);
	last_period = time_unit_last_period(state->unit);

	for (int64 i = 0; i < count; i++)
	{
		uint64		key;
		uint8		spilled;
		bool		fresh;
		CohortCustomer *customer;

		CHECK_FOR_INTERRUPTS();
		if (state->text_keys)
		{
			int32		len = codec_read_int32(&r);

			if (len < 0)
				codec_corrupt(&r, "a customer id of negative length");
			key = (uint64) (uintptr_t) cohort_state_probe(state, codec_read_bytes(&r, len), len);
		}
		else
			key = (uint64) codec_read_int64(&r);
		spilled = codec_read_uint8(&r);
		customer = cohort_state_customer(state, key, &fresh);
		if (!fresh)
			codec_corrupt(&r, "a customer twice");
		if (spilled > 1 || (state->has_revenue && !spilled))
			codec_corrupt(&r, "a customer with an invalid set kind");
		customer->spilled = spilled;
		if (spilled)
		{
			int32		n = codec_read_int32(&r);
			CohortSpill *spill;

			/* distinct periods: no more than the supported range holds */
			if (n < 1 || n > last_period - first_period + 1)
				codec_corrupt(&r, "a customer with an invalid period count");
			codec_check_count(&r, (uint64) n, sizeof(int32));
			spill = spill_alloc(state, NULL, n);
			customer->set.spill = spill;
			for (int32 k = 0; k < n; k++)
				spill->periods[k] = codec_read_int32(&r);
			if (state->has_revenue)
				for (int32 k = 0; k < n; k++)
					cohort_spill_revenue(spill)[k] = codec_read_int64(&r);
			spill->n = n;
			for (int32 k = 0; k < n; k++)
				if (spill->periods[k] < first_period || spill->periods[k] > last_period ||
					(k > 0 && spill->periods[k] <= spill->periods[k - 1]))
					codec_corrupt(&r, "a customer whose periods are unsorted or out of range");
		}
		else
		{
			customer->base = codec_read_int32(&r);
			customer->set.bits = (uint64) codec_read_int64(&r);
			if (!(customer->set.bits & 1) || customer->base < first_period ||
				customer->base > last_period - pg_leftmost_one_pos64(customer->set.bits))
				codec_corrupt(&r, "a customer with an invalid period bitmap");
		}
		{
			int32		first;
			int32		last;

			cohort_customer_span(customer, &first, &last);
			state->min_period = Min(state->min_period, first);
			state->max_period = Max(state->max_period, last);
		}
	}
	codec_end_read(&r);
	AssertCheckCohortState(state);
	PG_RETURN_POINTER(state);
}
