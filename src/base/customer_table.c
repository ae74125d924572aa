/*-------------------------------------------------------------------------
 *
 * customer_table.c
 *	  The hash of customers of the population aggregates
 *	  (customer_table.h): an open-addressing hash table (lib/simplehash.h)
 *	  keyed by the bigint customer id and hashed with SipHash under a
 *	  secret key drawn for each table (base/keyed_hash.h), as
 *	  cohort_retention's, whose 16-byte entries hold the id and the index
 *	  of the customer in blocks of ids and states. A table of text keys
 *	  keeps each text id once in an arena (8 bytes of length and hash
 *	  before its bytes, 4-aligned) and holds its address in the place of
 *	  the bigint id: the id's bytes are hashed with the table's SipHash key
 *	  and compared exactly (memcmp), as cohort_retention's text keys are,
 *	  in a hash table of its own whose 24-byte entries also hold the hash,
 *	  so that probing and growing the table read no id but an equal-hash one.
 *
 * The table is a power of two of entries, grown when 90% full, so a
 * customer takes 16 to 32 bytes of table beside its id and state. The
 * small entries keep the moves of the table's inserts cheap.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/memutils.h"

#include "base/customer_table.h"
#include "base/radix_sort.h"
#include "retention.h"

#define CUSTOMER_TABLE_INITIAL		256
#define CUSTOMER_FIRST_BLOCK		16
#define CUSTOMER_ARENA_BLOCK		(64 * 1024)

/* A hash table entry of 16 bytes: a customer id and its index. */
typedef struct CustomerEntry
{
	int64		id;
	uint32		index;
	char		status;			/* used by simplehash */
} CustomerEntry;

#define SH_PREFIX customer_hash
#define SH_ELEMENT_TYPE CustomerEntry
#define SH_KEY_TYPE int64
#define SH_KEY id
#define SH_HASH_KEY(tb, k) \
	(keyed_hash_uint64(&((const CustomerTable *) (tb)->private_data)->seed, (uint64) (k)))
#define SH_EQUAL(tb, a, b) ((a) == (b))
#include "base/customer_hash_growth.h"
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/*
 * A hash table entry of a table of text keys, 24 bytes: the address of the
 * kept id, the customer's index and the id's hash, which the table
 * compares and regrows by without reading the id.
 */
typedef struct CustomerTextEntry
{
	int64		id;
	uint32		index;
	uint32		hash;
	char		status;			/* used by simplehash */
} CustomerTextEntry;

/* The text key whose address a table of text keys holds as an id. */
static inline const CustomerTextKey *
text_key(int64 id)
{
	return (const CustomerTextKey *) (uintptr_t) id;
}

/* Whether two text keys of equal hashes hold the same bytes. */
static inline bool
text_key_equal(int64 a, int64 b)
{
	const CustomerTextKey *ka = text_key(a);
	const CustomerTextKey *kb = text_key(b);

	return ka->len == kb->len && memcmp(ka->data, kb->data, ka->len) == 0;
}

#define SH_PREFIX customer_text_hash
#define SH_ELEMENT_TYPE CustomerTextEntry
#define SH_KEY_TYPE int64
#define SH_KEY id
#define SH_HASH_KEY(tb, k) (text_key(k)->hash)
#define SH_EQUAL(tb, a, b) text_key_equal(a, b)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#include "base/customer_hash_growth.h"
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* A new table with no hash yet (see customer_table_create). */
static CustomerTable *
table_new(MemoryContext context, Size state_size, bool movable, const char *type_name)
{
	CustomerTable *table = MemoryContextAllocZero(context, sizeof(CustomerTable));

	Assert(state_size == MAXALIGN(state_size));
	table->context = context;
	table->state_size = state_size;
	table->movable = movable;
	table->type_name = type_name;
	keyed_hash_new_seed(&table->seed);
	return table;
}

/*
 * A new, empty table in `context` for states of state_size bytes, sized
 * for `customers`; type_name names the population in the limit error.
 */
CustomerTable *
customer_table_create(MemoryContext context, Size state_size, bool movable,
					  uint32 customers, const char *type_name)
{
	CustomerTable *table = table_new(context, state_size, movable, type_name);

	table->hash = customer_hash_create(context, Max(customers, CUSTOMER_TABLE_INITIAL), table);
	return table;
}

/*
 * customer_table_create of a table whose customers are found by text ids
 * (customer_table_get_text).
 */
CustomerTable *
customer_table_create_text(MemoryContext context, Size state_size, bool movable,
						   uint32 customers, const char *type_name)
{
	CustomerTable *table = table_new(context, state_size, movable, type_name);

	table->text_keys = true;
	table->text_hash = customer_text_hash_create(context, Max(customers, CUSTOMER_TABLE_INITIAL),
												 table);
	return table;
}

/*
 * Appends customer id with an uninitialised state; returns its index. A
 * movable table's first block doubles up to CUSTOMER_BLOCK (moving its
 * states); later blocks, and every block of a table whose states must not
 * move, are allocated whole.
 */
static uint32
customer_table_append(CustomerTable *table, int64 id)
{
	uint32		i = table->count;
	int			b = i >> CUSTOMER_BLOCK_BITS;
	CustomerBlock *block;

	if (i == PG_UINT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s of more than %u customers", table->type_name, PG_UINT32_MAX - 1)));
	if (b == 0 && i == table->first_capacity)
	{
		uint32		cap = !table->movable ? CUSTOMER_BLOCK :
			i == 0 ? CUSTOMER_FIRST_BLOCK : 2 * i;

		if (table->maxblocks == 0)
		{
			table->maxblocks = 16;
			table->blocks = MemoryContextAllocZero(table->context,
												   sizeof(CustomerBlock) * table->maxblocks);
			table->nblocks = 1;
		}
		block = &table->blocks[0];
		if (i == 0)
		{
			block->ids = MemoryContextAlloc(table->context, sizeof(int64) * cap);
			block->states = MemoryContextAlloc(table->context, table->state_size * cap);
		}
		else
		{
			Assert(table->movable);
			block->ids = repalloc(block->ids, sizeof(int64) * cap);
			block->states = repalloc(block->states, table->state_size * cap);
		}
		table->first_capacity = cap;
	}
	else if (b > 0 && b == table->nblocks)
	{
		if (b == table->maxblocks)
		{
			table->maxblocks *= 2;
			table->blocks = repalloc_huge(table->blocks, sizeof(CustomerBlock) * table->maxblocks);
		}
		block = &table->blocks[b];
		block->ids = MemoryContextAlloc(table->context, sizeof(int64) * CUSTOMER_BLOCK);
		block->states = MemoryContextAlloc(table->context, table->state_size * CUSTOMER_BLOCK);
		table->nblocks++;
	}
	table->blocks[b].ids[i & (CUSTOMER_BLOCK - 1)] = id;
	table->count++;
	return i;
}

/*
 * customer_table_get's path through the hash: the state of customer id,
 * appended uninitialised if new (*found tells which).
 */
void *
customer_table_lookup(CustomerTable *table, int64 id, bool *found)
{
	CustomerEntry *entry = customer_hash_insert(table->hash, id, found);

	if (!*found)
		entry->index = customer_table_append(table, id);
	table->last = customer_table_state(table, entry->index);
	table->last_id = id;
	return table->last;
}

/*
 * The table's probe key holding the len bytes at data and their hash
 * under the table's key.
 */
static CustomerTextKey *
table_probe(CustomerTable *table, const char *data, Size len)
{
	Size		need = offsetof(CustomerTextKey, data) + len;

	if (len > MaxAllocSize - offsetof(CustomerTextKey, data) - sizeof(uint32))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("customer id is too long")));
	if (table->probe_size < need)
	{
		if (table->probe)
			pfree(table->probe);
		table->probe_size = Max(need, 64);
		table->probe = MemoryContextAlloc(table->context, table->probe_size);
	}
	table->probe->len = (uint32) len;
	memcpy(table->probe->data, data, len);
	table->probe->hash = (uint32) keyed_hash_bytes(&table->seed, data, len);
	return table->probe;
}

/* A copy of a text key in the table's arena (a long one apart), for a new customer. */
static int64
table_keep_key(CustomerTable *table, const CustomerTextKey *key)
{
	Size		size = TYPEALIGN(sizeof(uint32), offsetof(CustomerTextKey, data) + key->len);
	CustomerTextKey *copy;

	if (size > CUSTOMER_ARENA_BLOCK / 8)
		copy = MemoryContextAlloc(table->context, size);
	else
	{
		if (table->arena_free < size)
		{
			table->arena = MemoryContextAlloc(table->context, CUSTOMER_ARENA_BLOCK);
			table->arena_free = CUSTOMER_ARENA_BLOCK;
		}
		copy = (CustomerTextKey *) table->arena;
		table->arena += size;
		table->arena_free -= size;
	}
	memcpy(copy, key, offsetof(CustomerTextKey, data) + key->len);
	return (int64) (uintptr_t) copy;
}

/*
 * customer_table_get_text's path through the hash: the state of the
 * customer whose text id is the len bytes at data, appended uninitialised
 * (its id kept in the arena) if new; *found tells which.
 */
void *
customer_table_lookup_text(CustomerTable *table, const char *data, Size len, bool *found)
{
	CustomerTextKey *probe = table_probe(table, data, len);
	CustomerTextEntry *entry = customer_text_hash_insert_hash(table->text_hash,
															  (int64) (uintptr_t) probe,
															  probe->hash, found);

	Assert(table->text_keys);
	if (!*found)
	{
		entry->id = table_keep_key(table, probe);
		entry->index = customer_table_append(table, entry->id);
	}
	table->last = customer_table_state(table, entry->index);
	table->last_id = entry->id;
	return table->last;
}

/*
 * A population value of `have` bytes may take `more` only while it stays
 * within CUSTOMER_TABLE_MAX_BYTES; past it, 54000 naming the customer
 * count, with per_customer (what one customer takes) in the detail and
 * the population's way out in the hint.
 */
void
customer_table_check_size(const char *type_name, Size have, Size more, uint64 customers,
						  const char *per_customer, const char *hint)
{
	if (unlikely(more > CUSTOMER_TABLE_MAX_BYTES - have))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s of " UINT64_FORMAT " customers exceeds the 1 GB limit of a value",
						type_name, customers),
				 errdetail("A value holds at most %zu bytes; %s.", CUSTOMER_TABLE_MAX_BYTES, per_customer),
				 errhint("%s", hint)));
}

/*
 * Byte order of two text ids (memcmp, a shorter prefix first: the order of
 * COLLATE "C"), a qsort_arg comparator of customer indexes.
 */
static int
text_id_cmp(const void *a, const void *b, void *arg)
{
	const CustomerTable *table = (const CustomerTable *) arg;
	const CustomerTextKey *ka = customer_table_text_id(table, (uint32) *(const int32 *) a);
	const CustomerTextKey *kb = customer_table_text_id(table, (uint32) *(const int32 *) b);

	return customer_text_id_cmp(ka->data, ka->len, kb->data, kb->len);
}

/*
 * The indexes of the table's customers by increasing id, in the current
 * memory context: a radix sort of bigint ids, a sort of text ids by their
 * bytes (text_id_cmp). The table has at most PG_INT32_MAX customers: the
 * callers' size limits hold far fewer.
 */
int32 *
customer_table_sorted(const CustomerTable *table)
{
	uint32		n = table->count;
	SortItem   *items;
	SortItem   *tmp;
	int32	   *order;

	if (n > PG_INT32_MAX)
		elog(ERROR, "%s of %u customers cannot be sorted", table->type_name, n);
	if (table->text_keys)
	{
		order = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int32) * Max(n, 1));
		for (uint32 i = 0; i < n; i++)
			order[i] = (int32) i;
		qsort_arg(order, n, sizeof(int32), text_id_cmp, (void *) table);
		return order;
	}
	items = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(SortItem) * Max(n, 1));
	tmp = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(SortItem) * Max(n, 1));
	for (uint32 i = 0; i < n; i++)
	{
		items[i].key = customer_table_id(table, i);
		items[i].row = (int32) i;
	}
	radix_sort_items(items, (int64) n, tmp);
	pfree(tmp);
	order = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int32) * Max(n, 1));
	for (uint32 i = 0; i < n; i++)
		order[i] = items[i].row;
	pfree(items);
	return order;
}
