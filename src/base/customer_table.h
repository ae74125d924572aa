/*-------------------------------------------------------------------------
 *
 * customer_table.h
 *	  The hash of customers of the population aggregates (rfm_population,
 *	  btyd_population): every customer's per-customer state, found by its
 *	  bigint id, in one table in the aggregate's memory context
 *	  (customer_table.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_CUSTOMER_TABLE_H
#define RETENTION_CUSTOMER_TABLE_H

#include "utils/memutils.h"

#include "base/keyed_hash.h"

/*
 * The customers' ids and states, in the order they arrived, live in blocks
 * of CUSTOMER_BLOCK: a state never moves once its block is full. The first
 * block of a table whose states may move (`movable`) starts small and
 * doubles up to CUSTOMER_BLOCK, so a population of one customer stays
 * small; a table of states that point into themselves allocates it whole.
 */
#define CUSTOMER_BLOCK_BITS		10
#define CUSTOMER_BLOCK			(1 << CUSTOMER_BLOCK_BITS)

typedef struct CustomerBlock
{
	int64	   *ids;
	char	   *states;
} CustomerBlock;

/*
 * The largest population value, varlena header included: 2^30 - 2 bytes,
 * so that the buffer it is written in never asks for more than
 * MaxAllocSize (1 GB).
 */
#define CUSTOMER_TABLE_MAX_BYTES	((Size) MaxAllocSize - 1)

struct customer_hash_hash;

typedef struct CustomerTable
{
	struct customer_hash_hash *hash;	/* id -> index */
	KeyedHashSeed seed;			/* this table's secret hash key */
	MemoryContext context;
	const char *type_name;		/* for the limit error */
	Size		state_size;		/* bytes of one customer's state */
	bool		movable;		/* states may move while the first block grows */
	uint32		count;			/* customers */
	uint32		first_capacity; /* of blocks[0] */
	int			nblocks;		/* allocated */
	int			maxblocks;		/* room in blocks[] */
	CustomerBlock *blocks;
	void	   *last;			/* the latest customer's state, or NULL */
	int64		last_id;
} CustomerTable;

extern CustomerTable *customer_table_create(MemoryContext context, Size state_size, bool movable,
											uint32 customers, const char *type_name);
extern void *customer_table_lookup(CustomerTable *table, int64 id, bool *found);
extern int32 *customer_table_sorted(const CustomerTable *table);
extern void customer_table_check_size(const char *type_name, Size have, Size more,
									  uint64 customers, const char *per_customer,
									  const char *hint);

/* Customer i's id. */
static inline int64
customer_table_id(const CustomerTable *table, uint32 i)
{
	return table->blocks[i >> CUSTOMER_BLOCK_BITS].ids[i & (CUSTOMER_BLOCK - 1)];
}

/* Customer i's state. */
static inline void *
customer_table_state(const CustomerTable *table, uint32 i)
{
	return table->blocks[i >> CUSTOMER_BLOCK_BITS].states +
		(Size) (i & (CUSTOMER_BLOCK - 1)) * table->state_size;
}

/*
 * The state of customer id, appended uninitialised when new (*found
 * false: the caller fills it). Rows of one customer that arrive together
 * (a table clustered by customer) skip the hash.
 */
static inline void *
customer_table_get(CustomerTable *table, int64 id, bool *found)
{
	if (table->last != NULL && table->last_id == id)
	{
		*found = true;
		return table->last;
	}
	return customer_table_lookup(table, id, found);
}

#endif							/* RETENTION_CUSTOMER_TABLE_H */
