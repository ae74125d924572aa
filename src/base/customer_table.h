/*-------------------------------------------------------------------------
 *
 * customer_table.h
 *	  The hash of customers of the population aggregates (rfm_population,
 *	  btyd_population): every customer's per-customer state, found by its
 *	  bigint id or, in a table of text keys, by the bytes of its text id,
 *	  in one table in the aggregate's memory context (customer_table.c).
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

/*
 * A text id, kept in the table's arena: its bytes and their hash under the
 * table's key. A table of text keys stores the address of one in the place
 * of a bigint id.
 */
typedef struct CustomerTextKey
{
	uint32		hash;
	uint32		len;
	char		data[FLEXIBLE_ARRAY_MEMBER];
} CustomerTextKey;

struct customer_hash_hash;
struct customer_text_hash_hash;

typedef struct CustomerTable
{
	struct customer_hash_hash *hash;	/* id -> index */
	struct customer_text_hash_hash *text_hash;	/* text id -> index, instead */
	KeyedHashSeed seed;			/* this table's secret hash key */
	MemoryContext context;
	const char *type_name;		/* for the limit error */
	Size		state_size;		/* bytes of one customer's state */
	bool		movable;		/* states may move while the first block grows */
	bool		text_keys;		/* ids are CustomerTextKey addresses */
	CustomerTextKey *probe;		/* a text id being looked up */
	Size		probe_size;
	char	   *arena;			/* where the next kept text id goes */
	Size		arena_free;
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
extern CustomerTable *customer_table_create_text(MemoryContext context, Size state_size,
												 bool movable, uint32 customers,
												 const char *type_name);
extern void *customer_table_lookup(CustomerTable *table, int64 id, bool *found);
extern void *customer_table_lookup_text(CustomerTable *table, const char *data, Size len,
										bool *found);
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

/*
 * The byte order of text ids (memcmp, a shorter prefix first: the order of
 * COLLATE "C"): <0, 0 or >0.
 */
static inline int
customer_text_id_cmp(const char *a, Size alen, const char *b, Size blen)
{
	int			c = memcmp(a, b, Min(alen, blen));

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

/* Customer i's text id, in a table of text keys. */
static inline const CustomerTextKey *
customer_table_text_id(const CustomerTable *table, uint32 i)
{
	return (const CustomerTextKey *) (uintptr_t) customer_table_id(table, i);
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

/*
 * customer_table_get of a table of text keys: the state of the customer
 * whose id is the len bytes at data (compared exactly).
 */
static inline void *
customer_table_get_text(CustomerTable *table, const char *data, Size len, bool *found)
{
	if (table->last != NULL)
	{
		const CustomerTextKey *last = (const CustomerTextKey *) (uintptr_t) table->last_id;

		if (last->len == len && memcmp(last->data, data, len) == 0)
		{
			*found = true;
			return table->last;
		}
	}
	return customer_table_lookup_text(table, data, len, found);
}

#endif							/* RETENTION_CUSTOMER_TABLE_H */
