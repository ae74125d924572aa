/*-------------------------------------------------------------------------
 *
 * cohort_state.h
 *	  The state the cohort_retention, revenue_retention and activity_matrix
 *	  aggregates share (cohort_state.c): a hash of customers, each with the
 *	  set of periods they were active in, and with amounts their revenue
 *	  per period. Their entry points and final functions are in cohort.c.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_COHORT_STATE_H
#define RETENTION_COHORT_STATE_H

#include "fmgr.h"
#include "port/pg_bitutils.h"

#include "base/keyed_hash.h"
#include "base/time_unit.h"

struct cohort_hash_hash;

/* The sorted periods of a customer with a wide or revenue-bearing set. */
typedef struct CohortSpill
{
	int32		n;
	int32		cap;
	int32		periods[FLEXIBLE_ARRAY_MEMBER];
	/* with revenue: int64 revenue[cap], see cohort_spill_revenue() */
} CohortSpill;

/* One customer: a hash table entry of 24 bytes. */
typedef struct CohortCustomer
{
	uint64		key;			/* bigint id, or a CohortTextKey pointer */
	int32		base;			/* bitmap: the first period, bit 0 */
	char		status;			/* used by simplehash */
	bool		spilled;
	union
	{
		uint64		bits;		/* bit k: active in period base + k */
		CohortSpill *spill;
	}			set;
} CohortCustomer;

/* A text customer id: hash, length and bytes, kept in the state's arena. */
typedef struct CohortTextKey
{
	uint32		hash;
	uint32		len;
	char		data[FLEXIBLE_ARRAY_MEMBER];
} CohortTextKey;

/*
 * The aggregates that keep this state, named in their error messages with
 * the name of their date argument.
 */
typedef struct CohortAggregate
{
	const char *name;
	const char *date_arg;
} CohortAggregate;


typedef struct CohortState
{
	struct cohort_hash_hash *customers;
	const CohortAggregate *aggregate;	/* NULL when deserialized, until a
										 * combine names it */
	KeyedHashSeed seed;			/* this table's secret hash key */
	MemoryContext context;
	bool		text_keys;
	bool		has_revenue;
	TimeUnit	unit;
	int			revenue_scale;
	int32		min_period;		/* over all activity seen */
	int32		max_period;
	char	   *arena;			/* free space for text keys */
	Size		arena_free;
	CohortTextKey *probe;		/* the current row's text key */
	Size		probe_size;
} CohortState;

/* The aggregates that keep this state. */
extern const CohortAggregate cohort_aggregate;
extern const CohortAggregate revenue_aggregate;
extern const CohortAggregate activity_aggregate;

/* The hash of customers (lib/simplehash.h), defined in cohort_state.c. */
#define SH_PREFIX cohort_hash
#define SH_ELEMENT_TYPE CohortCustomer
#define SH_KEY_TYPE uint64
#define SH_SCOPE extern
#define SH_DECLARE
#include "lib/simplehash.h"

/* The revenue array of a spill, after its periods. */
static inline int64 *
cohort_spill_revenue(CohortSpill *spill)
{
	return (int64 *) ((char *) spill +
					  TYPEALIGN(sizeof(int64), offsetof(CohortSpill, periods) +
								sizeof(int32) * (Size) spill->cap));
}

/* First and last active period of a customer. */
static inline void
cohort_customer_span(const CohortCustomer *customer, int32 *first, int32 *last)
{
	if (customer->spilled)
	{
		*first = customer->set.spill->periods[0];
		*last = customer->set.spill->periods[customer->set.spill->n - 1];
	}
	else
	{
		*first = customer->base;
		*last = customer->base + pg_leftmost_one_pos64(customer->set.bits);
	}
}

extern CohortState *cohort_state_create(MemoryContext context, bool text_keys, bool has_revenue,
										TimeUnit unit, uint32 customers);
extern CohortTextKey *cohort_state_probe(CohortState *state, const char *data, Size len);
extern void cohort_state_add_row(CohortState *state, uint64 key, int32 period, int64 revenue);
extern int64 cohort_state_amount(CohortState *state, Datum amount);
extern void cohort_state_merge(CohortState *into, CohortState *from);
extern void cohort_add_revenue(const char *name, int64 *cell, int64 revenue);

#ifdef USE_ASSERT_CHECKING
extern void AssertCheckCohortCustomer(const CohortState *state, const CohortCustomer *customer);
extern void AssertCheckCohortState(CohortState *state);
#else
#define AssertCheckCohortCustomer(state, customer) ((void) 0)
#define AssertCheckCohortState(state) ((void) 0)
#endif

#endif							/* RETENTION_COHORT_STATE_H */
