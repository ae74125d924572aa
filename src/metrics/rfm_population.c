/*-------------------------------------------------------------------------
 *
 * rfm_population.c
 *	  The rfm_population aggregate (DESIGN section 10): every customer's
 *	  rfm state in one pass over the orders, with the extension's own hash
 *	  of customers (no executor grouping, no sort), and the storable
 *	  rfm_population value it returns; of text ids, the rfm_population_text
 *	  value.
 *
 * The aggregate state is one customer table (base/customer_table.h: the
 * extension's hash of customers, keyed by the bigint id under a secret
 * SipHash key, as cohort_retention's) in the aggregate's memory context,
 * of RfmStates (rfm.h, 104 bytes a customer), which the rfm aggregate's
 * own code updates (rfm_state_add_row) and merges (rfm_state_merge): one
 * customer's state in a population is the state rfm builds over the same
 * rows, so every figure is the rfm aggregate's. A customer takes about 122
 * to 140 bytes, plus 552 bytes for a float8 sum that outgrows 2^-64 ..
 * 2^32 and the numeric accumulator of a sum that leaves bigint units; an
 * empty population about 10 kB. Rows of one customer that arrive together
 * (a table clustered by customer) find their state without hashing.
 *
 * The stored form (and the serialized aggregate state) goes through the
 * one codec (base/codec.h), format RFM_POPULATION_VERSION: the time and
 * amount kinds (1 byte each), as_of (int64), the customer count (int64),
 * then per customer its id, frequency and rows (int64), first and last
 * order (int64, only when frequency > 0), and the sum: for numeric amounts
 * its scale (1 byte), the scaled int64 sum and a flag byte followed by the
 * numeric accumulator when there is one; for float8 amounts the exact sum
 * (exactsum_send). A stored value lists its customers by increasing id.
 * A numeric customer with orders takes 50 bytes, so a value of at most
 * RFM_POPULATION_MAX_BYTES holds about 21.4 million of them; past the
 * limit the final function raises 54000.
 *
 * Text ids: the customer table keeps each id's bytes once
 * (customer_table.h, 8 bytes plus the id, 4-aligned), hashes them with its
 * SipHash key and compares them exactly. The value has its own format,
 * RFM_POPULATION_TEXT_VERSION, so neither type reads the other's bytes:
 * the same fields, each id written as its length (int32) and bytes, valid
 * in the database encoding; a stored value lists its customers by the
 * byte order of their ids (COLLATE "C"). A numeric customer with orders
 * takes 46 bytes plus its id's.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/date.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "base/codec.h"
#include "base/exactsum.h"
#include "base/customer_table.h"
#include "base/stored_state.h"
#include "metrics/rfm.h"
#include "metrics/rfm_population.h"
#include "retention.h"

#define RFM_POPULATION_VERSION			1
#define RFM_POPULATION_TEXT_VERSION		2

/* The largest value (base/customer_table.h) */
#define RFM_POPULATION_MAX_BYTES		CUSTOMER_TABLE_MAX_BYTES

/* The fewest bytes a customer takes: id, frequency, rows, an empty float8 sum */
#define RFM_POPULATION_MIN_CUSTOMER		(3 * sizeof(int64) + 2 * sizeof(int16))

/* The same with an empty text id (its int32 length) */
#define RFM_POPULATION_TEXT_MIN_CUSTOMER	(sizeof(int32) + 2 * sizeof(int64) + 2 * sizeof(int16))

typedef struct RfmPopulation
{
	CustomerTable *customers;	/* of RfmStates */
	MemoryContext context;
	RfmState	header;			/* an empty state of the kinds and as_of */
	bool		text_ids;		/* an rfm_population_text */
} RfmPopulation;

/* The name of a population's type. */
static inline const char *
type_name(bool text_ids)
{
	return text_ids ? "rfm_population_text" : "rfm_population";
}

/* A new, empty population in `context`, sized for `customers`. */
static RfmPopulation *
population_new(MemoryContext context, const RfmState *header, uint32 customers, bool text_ids)
{
	RfmPopulation *pop = MemoryContextAllocZero(context, sizeof(RfmPopulation));

	pop->context = context;
	pop->header = *header;
	pop->text_ids = text_ids;
	if (text_ids)
		pop->customers = customer_table_create_text(context, sizeof(RfmState), true, customers,
													type_name(true));
	else
		pop->customers = customer_table_create(context, sizeof(RfmState), true, customers,
											   type_name(false));
	return pop;
}

/* Customer i's id and state. */
static inline int64
population_id(const RfmPopulation *pop, uint32 i)
{
	return customer_table_id(pop->customers, i);
}

static inline RfmState *
population_state(const RfmPopulation *pop, uint32 i)
{
	return (RfmState *) customer_table_state(pop->customers, i);
}

/*
 * The state of customer id, appended empty if new (*found tells which).
 * Rows of one customer that arrive together skip the hash.
 */
static inline RfmState *
population_customer(RfmPopulation *pop, int64 id, bool *found)
{
	RfmState   *state = (RfmState *) customer_table_get(pop->customers, id, found);

	if (!*found)
		*state = pop->header;
	return state;
}

/* population_customer of the customer whose text id is the len bytes at data. */
static inline RfmState *
population_text_customer(RfmPopulation *pop, const char *data, Size len, bool *found)
{
	RfmState   *state = (RfmState *) customer_table_get_text(pop->customers, data, len, found);

	if (!*found)
		*state = pop->header;
	return state;
}

/* The time argument argno as an int64 of its kind: days or microseconds. */
static inline int64
arg_time(FunctionCallInfo fcinfo, int argno, char time_kind)
{
	if (time_kind == RFM_DATE)
		return PG_GETARG_DATEADT(argno);
	return PG_GETARG_TIMESTAMPTZ(argno);
}

/*
 * The transition of the eight rfm_population aggregates: (customer_id,
 * order_at, amount, as_of), the id a bigint or a text (text_ids). Rows
 * with a NULL argument are skipped, rows after as_of ignored; as_of must
 * be the same in every row. A kept row joins its customer's state as it
 * joins rfm's.
 */
static pg_attribute_always_inline Datum
population_trans(FunctionCallInfo fcinfo, char time_kind, char amount_kind, bool text_ids)
{
	MemoryContext aggcontext;
	RfmPopulation *pop;
	int64		order_at;
	int64		as_of;
	RfmState   *customer;
	bool		found;

	if (!codec_begin_trans(fcinfo, "rfm_population_trans", 4, &aggcontext, (void **) &pop))
		return codec_combine_left(fcinfo);

	order_at = arg_time(fcinfo, 2, time_kind);
	as_of = arg_time(fcinfo, 4, time_kind);
	if (pop == NULL)
	{
		RfmState	header;

		rfm_check_finite_time(as_of, time_kind, "as_of");
		memset(&header, 0, sizeof(header));
		header.time_kind = time_kind;
		header.amount_kind = amount_kind;
		header.as_of = as_of;
		pop = population_new(aggcontext, &header, 0, text_ids);
	}
	else if (unlikely(as_of != pop->header.as_of))
		rfm_check_same_as_of(pop->header.as_of, as_of, time_kind);
	rfm_check_finite_time(order_at, time_kind, "order_at");
	if (order_at > as_of)
		PG_RETURN_POINTER(pop);

	if (text_ids)
	{
		text	   *id = PG_GETARG_TEXT_PP(1);

		customer = population_text_customer(pop, VARDATA_ANY(id), VARSIZE_ANY_EXHDR(id), &found);
	}
	else
		customer = population_customer(pop, PG_GETARG_INT64(1), &found);
	rfm_state_add_row(customer, order_at, PG_GETARG_DATUM(3), aggcontext);
	Assert(rfm_state_problem(customer) == NULL);
	PG_RETURN_POINTER(pop);
}

/*
 * rfm_population_trans(internal, bigint, date, numeric, date) and the
 * other three combinations of date/timestamptz order times and
 * numeric/float8 amounts: aggregate transition functions.
 */
SQL_FUNCTION(rfm_population_trans_date_numeric, population_trans(fcinfo, RFM_DATE, RFM_NUMERIC, false));

SQL_FUNCTION(rfm_population_trans_date_float8, population_trans(fcinfo, RFM_DATE, RFM_FLOAT8, false));

SQL_FUNCTION(rfm_population_trans_timestamptz_numeric, population_trans(fcinfo, RFM_TIMESTAMPTZ, RFM_NUMERIC, false));

SQL_FUNCTION(rfm_population_trans_timestamptz_float8, population_trans(fcinfo, RFM_TIMESTAMPTZ, RFM_FLOAT8, false));

/*
 * rfm_population_trans(internal, text, date, numeric, date) and the other
 * three combinations: the transition functions of text ids.
 */
SQL_FUNCTION(rfm_population_text_trans_date_numeric, population_trans(fcinfo, RFM_DATE, RFM_NUMERIC, true));

SQL_FUNCTION(rfm_population_text_trans_date_float8, population_trans(fcinfo, RFM_DATE, RFM_FLOAT8, true));

SQL_FUNCTION(rfm_population_text_trans_timestamptz_numeric, population_trans(fcinfo, RFM_TIMESTAMPTZ, RFM_NUMERIC, true));

SQL_FUNCTION(rfm_population_text_trans_timestamptz_float8, population_trans(fcinfo, RFM_TIMESTAMPTZ, RFM_FLOAT8, true));

/*
 * Merges the customers of src into dst: a customer in both gets the state
 * of both sides' rows (rfm_state_merge, which also refuses two as_of).
 */
static void
population_merge(RfmPopulation *dst, RfmPopulation *src)
{
	if (dst->header.time_kind != src->header.time_kind ||
		dst->header.amount_kind != src->header.amount_kind || dst->text_ids != src->text_ids)
		elog(ERROR, "cannot combine rfm_population states of different kinds");
	if (dst->header.as_of != src->header.as_of)
		rfm_check_same_as_of(dst->header.as_of, src->header.as_of, dst->header.time_kind);
	for (uint32 i = 0; i < src->customers->count; i++)
	{
		bool		found;
		RfmState   *to;

		if (src->text_ids)
		{
			/* a text key carries its hash under src's key: dst hashes it anew */
			const CustomerTextKey *key = customer_table_text_id(src->customers, i);

			to = population_text_customer(dst, key->data, key->len, &found);
		}
		else
			to = population_customer(dst, population_id(src, i), &found);

		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		rfm_state_merge(to, population_state(src, i), dst->context);
	}
}

/*
 * rfm_population_combine(internal, internal) returns internal: aggregate
 * combine function. A NULL side is no rows; when the left state is NULL,
 * the right one is copied into aggcontext unless it lives there already.
 */
PG_FUNCTION_INFO_V1(rfm_population_combine);
Datum
rfm_population_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	RfmPopulation *left;
	RfmPopulation *right;

	if (!codec_begin_combine(fcinfo, "rfm_population", &aggcontext, (void **) &left, (void **) &right))
		return codec_combine_left(fcinfo);
	if (left == NULL)
	{
		/*
		 * A state that deserialize built in this aggcontext (a parallel
		 * worker's) already is what a copy into aggcontext would be: the
		 * leader keeps it instead of hashing its customers again.
		 */
		if (right->context == aggcontext)
			PG_RETURN_POINTER(right);
		left = population_new(aggcontext, &right->header, right->customers->count,
							  right->text_ids);
	}
	population_merge(left, right);
	PG_RETURN_POINTER(left);
}

/* Customer i's bytes (see the file header). */
static void
write_customer(StringInfo buf, const RfmPopulation *pop, uint32 i, const RfmState *state)
{
	if (pop->text_ids)
	{
		const CustomerTextKey *key = customer_table_text_id(pop->customers, i);

		pq_sendint32(buf, (int32) key->len);
		pq_sendbytes(buf, key->data, (int) key->len);
	}
	else
		pq_sendint64(buf, population_id(pop, i));
	pq_sendint64(buf, state->frequency);
	pq_sendint64(buf, state->rows);
	if (state->frequency > 0)
	{
		pq_sendint64(buf, state->first);
		pq_sendint64(buf, state->last);
	}
	if (state->amount_kind == RFM_FLOAT8)
		exactsum_send(buf, &state->fsum);
	else
	{
		pq_sendbyte(buf, (uint8) state->iscale);
		pq_sendint64(buf, state->isum);
		pq_sendbyte(buf, state->nsum != NULL);
		if (state->nsum != NULL)
			codec_write_numeric(buf, state->nsum);
	}
}

/*
 * A value of `have` bytes may take `more` only while it stays within
 * RFM_POPULATION_MAX_BYTES; past it, 54000 naming the customer count.
 * Exported for the test module (test/modules/retention_test), which
 * checks the limit with byte counts no test could allocate.
 */
void
rfm_population_check_size(Size have, Size more, uint64 customers)
{
	customer_table_check_size("rfm_population", have, more, customers,
							  "a customer with orders and a numeric sum takes 50",
							  "Use rfm() with GROUP BY customer_id, or build one population per group of customers.");
}

/*
 * rfm_population_check_size of an rfm_population_text, whose customers
 * take bytes by the length of their ids. Exported for the test module.
 */
void
rfm_population_text_check_size(Size have, Size more, uint64 customers)
{
	customer_table_check_size("rfm_population_text", have, more, customers,
							  "a customer with orders and a numeric sum takes 46 plus the bytes of its id",
							  "Use rfm() with GROUP BY customer_id, or build one population per group of customers.");
}

/* The size check of a population's type. */
static void
check_size(const RfmPopulation *pop, Size have, Size more, uint64 customers)
{
	if (pop->text_ids)
		rfm_population_text_check_size(have, more, customers);
	else
		rfm_population_check_size(have, more, customers);
}

/*
 * At least the bytes write_customer writes for a state: exact for a
 * numeric sum in bigint units; a numeric accumulator's numeric_send form
 * is at most its varlena size plus 8 (header words and length), an exact
 * float8 sum at most all its chunks.
 */
static inline Size
customer_bytes_bound(const RfmPopulation *pop, uint32 i, const RfmState *state)
{
	Size		size = 2 * sizeof(int64) + (state->frequency > 0 ? 2 * sizeof(int64) : 0);

	if (pop->text_ids)
		size += sizeof(int32) + customer_table_text_id(pop->customers, i)->len;
	else
		size += sizeof(int64);

	if (state->amount_kind == RFM_FLOAT8)
		return size + 2 * sizeof(int16) + EXACTSUM_CHUNKS * sizeof(int64);
	size += 2 + sizeof(int64);
	if (state->nsum != NULL)
		size += sizeof(int32) + 8 + VARSIZE(state->nsum);
	return size;
}

/*
 * The population's bytes: its customers in the order they came, or by
 * increasing id (`sorted`, the stored form; text ids in byte order). 54000 past the size limit: a
 * customer whose bound does not fit is written apart first, so the check
 * is exact and the buffer never grows past the limit.
 */
static bytea *
population_write(RfmPopulation *pop, bool sorted)
{
	uint32		n = pop->customers->count;
	int32	   *order = NULL;
	StringInfoData buf;
	StringInfoData one;

	if (n > PG_INT32_MAX)
		check_size(pop, 0, (Size) n * RFM_POPULATION_TEXT_MIN_CUSTOMER, n);
	if (sorted)
		order = customer_table_sorted(pop->customers);

	codec_begin_write(&buf, pop->text_ids ? RFM_POPULATION_TEXT_VERSION : RFM_POPULATION_VERSION);
	enlargeStringInfo(&buf, (int) Min((Size) n * 50 + 32, RFM_POPULATION_MAX_BYTES / 2));
	pq_sendbyte(&buf, pop->header.time_kind);
	pq_sendbyte(&buf, pop->header.amount_kind);
	pq_sendint64(&buf, pop->header.as_of);
	pq_sendint64(&buf, (int64) n);
	initStringInfo(&one);
	for (uint32 i = 0; i < n; i++)
	{
		uint32		k = sorted ? (uint32) order[i] : i;
		const RfmState *state = population_state(pop, k);

		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		if (likely(customer_bytes_bound(pop, k, state) <= RFM_POPULATION_MAX_BYTES - buf.len))
		{
			write_customer(&buf, pop, k, state);
			continue;
		}
		/* an id longer than the room left is past the limit before it is copied */
		if (pop->text_ids &&
			customer_table_text_id(pop->customers, k)->len >
			RFM_POPULATION_MAX_BYTES - buf.len - RFM_POPULATION_TEXT_MIN_CUSTOMER)
			check_size(pop, buf.len, RFM_POPULATION_TEXT_MIN_CUSTOMER +
					   customer_table_text_id(pop->customers, k)->len, n);
		resetStringInfo(&one);
		write_customer(&one, pop, k, state);
		check_size(pop, buf.len, one.len, n);
		appendBinaryStringInfo(&buf, one.data, one.len);
	}
	pfree(one.data);
	if (order != NULL)
		pfree(order);
	return codec_end_write(&buf);
}

/*
 * Points r at a population's bytes, of bigint ids or text ids (text_ids),
 * and reads its header: known kinds, a finite as_of, no more customers
 * than the bytes can hold. A stored value (`stored`) has at least one
 * customer and lists its ids in increasing order (text ids in byte order).
 */
void
rfm_population_begin_read(RfmPopulationReader *r, bytea *bytes, bool stored, bool text_ids)
{
	const char *problem;

	codec_begin_read(&r->reader, bytes,
					 text_ids ? RFM_POPULATION_TEXT_VERSION : RFM_POPULATION_VERSION,
					 type_name(text_ids));
	memset(&r->header, 0, sizeof(RfmState));
	r->header.time_kind = codec_read_uint8(&r->reader);
	r->header.amount_kind = codec_read_uint8(&r->reader);
	r->header.as_of = codec_read_int64(&r->reader);
	if ((problem = rfm_state_problem(&r->header)) != NULL)
		codec_corrupt(&r->reader, problem);
	r->count = codec_read_int64(&r->reader);
	/* a worker's state may have no customer (every row after as_of) */
	if (r->count < (stored ? 1 : 0) || r->count > PG_INT32_MAX)
		codec_corrupt(&r->reader, "an invalid customer count");
	codec_check_count(&r->reader, (uint64) r->count,
					  text_ids ? RFM_POPULATION_TEXT_MIN_CUSTOMER : RFM_POPULATION_MIN_CUSTOMER);
	r->done = 0;
	r->stored = stored;
	r->text_ids = text_ids;
	r->last_id = 0;
	r->text = NULL;
	r->text_len = 0;
}

/*
 * The next text id of r (r->text, r->text_len, pointing into the bytes):
 * a length within the bytes, valid in the database encoding (no NUL), and
 * after the previous one in byte order in a stored value.
 */
static void
read_text_id(RfmPopulationReader *r)
{
	StateReader *reader = &r->reader;
	int32		len = codec_read_int32(reader);
	const char *data;

	if (len < 0)
		codec_corrupt(reader, "a negative id length");
	data = codec_read_bytes(reader, (Size) len);
	if (!pg_verify_mbstr(GetDatabaseEncoding(), data, len, true))
		codec_corrupt(reader, "a customer id not valid in the database encoding");
	if (r->stored && r->done > 0 &&
		customer_text_id_cmp(r->text, r->text_len, data, (Size) len) >= 0)
		codec_corrupt(reader, "customer ids out of order");
	r->text = data;
	r->text_len = (Size) len;
}

/*
 * The next customer's id (*id, or r->text and r->text_len for text ids)
 * and state (allocations in the current memory context), checked as the
 * rfm aggregate's deserialized state is; false after the last one, when
 * the bytes must end.
 */
bool
rfm_population_next(RfmPopulationReader *r, int64 *id, RfmState *state)
{
	StateReader *reader = &r->reader;
	const char *problem;

	if (r->done == r->count)
	{
		codec_end_read(reader);
		return false;
	}
	if (r->text_ids)
	{
		read_text_id(r);
		*id = 0;
	}
	else
	{
		*id = codec_read_int64(reader);
		if (r->stored && r->done > 0 && *id <= r->last_id)
			codec_corrupt(reader, "customer ids out of order");
		r->last_id = *id;
	}
	r->done++;

	*state = r->header;
	state->frequency = codec_read_int64(reader);
	state->rows = codec_read_int64(reader);
	if (state->frequency > 0)
	{
		state->first = codec_read_int64(reader);
		state->last = codec_read_int64(reader);
	}
	if (state->amount_kind == RFM_FLOAT8)
		exactsum_recv(reader, &state->fsum);
	else
	{
		state->iscale = codec_read_uint8(reader);
		state->isum = codec_read_int64(reader);
		switch (codec_read_uint8(reader))
		{
			case 0:
				break;
			case 1:
				state->nsum = codec_read_numeric(reader);
				break;
			default:
				codec_corrupt(reader, "an invalid numeric flag");
		}
	}
	if (state->rows <= 0)
		codec_corrupt(reader, "a customer with no rows");
	if ((problem = rfm_state_problem(state)) != NULL)
		codec_corrupt(reader, problem);
	return true;
}

/*
 * rfm_population_serialize(internal) returns bytea: aggregate serialize
 * function, the customers in the table's order.
 */
PG_FUNCTION_INFO_V1(rfm_population_serialize);
Datum
rfm_population_serialize(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(population_write((RfmPopulation *) codec_serialize_state(fcinfo, "rfm_population"), false));
}

/* rfm_population_text_serialize(internal) returns bytea: the same for text ids. */
PG_FUNCTION_INFO_V1(rfm_population_text_serialize);
Datum
rfm_population_text_serialize(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(population_write((RfmPopulation *) codec_serialize_state(fcinfo, "rfm_population_text"), false));
}

/*
 * The population of serialized bytes, in `context`: every field checked, a
 * customer twice is corrupt.
 */
static RfmPopulation *
population_read(bytea *bytes, MemoryContext context, bool text_ids)
{
	RfmPopulationReader r;
	RfmPopulation *pop;
	RfmState	state;
	int64		id;
	MemoryContext oldcxt = MemoryContextSwitchTo(context);

	rfm_population_begin_read(&r, bytes, false, text_ids);
	pop = population_new(context, &r.header, (uint32) r.count, text_ids);
	while (rfm_population_next(&r, &id, &state))
	{
		bool		found;
		RfmState   *customer = text_ids ?
			population_text_customer(pop, r.text, r.text_len, &found) :
			population_customer(pop, id, &found);

		if ((r.done & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		if (found)
			codec_corrupt(&r.reader, "a customer twice");
		*customer = state;
	}
	MemoryContextSwitchTo(oldcxt);
	return pop;
}

/*
 * rfm_population_deserialize(bytea, internal) returns internal: aggregate
 * deserialize function. Every length and field is checked; bad bytes are
 * an error (22P03).
 */
PG_FUNCTION_INFO_V1(rfm_population_deserialize);
Datum
rfm_population_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = codec_deserialize_context(fcinfo, "rfm_population");

	PG_RETURN_POINTER(population_read(PG_GETARG_BYTEA_PP(0), aggcontext, false));
}

/*
 * rfm_population_text_deserialize(bytea, internal) returns internal: the
 * same for text ids.
 */
PG_FUNCTION_INFO_V1(rfm_population_text_deserialize);
Datum
rfm_population_text_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = codec_deserialize_context(fcinfo, "rfm_population_text");

	PG_RETURN_POINTER(population_read(PG_GETARG_BYTEA_PP(0), aggcontext, true));
}

/*
 * rfm_population_final(internal) returns rfm_population: aggregate final
 * function, the stored form (customers by increasing id). NULL when no row
 * was kept; 54000 past the size limit. rfm_population_text_final(internal)
 * returns rfm_population_text through it, its state having text ids.
 */
PG_FUNCTION_INFO_V1(rfm_population_final);
Datum
rfm_population_final(PG_FUNCTION_ARGS)
{
	RfmPopulation *pop = PG_ARGISNULL(0) ? NULL : (RfmPopulation *) PG_GETARG_POINTER(0);

	if (pop == NULL || pop->customers->count == 0)
		PG_RETURN_NULL();
	PG_RETURN_BYTEA_P(population_write(pop, true));
}

/*
 * A stored value from a client or from text, of bigint or text ids: read
 * whole, every customer checked (the reader's allocations are freed with
 * the calling context).
 */
static void *
check_stored_ids(bytea *bytes, bool text_ids)
{
	RfmPopulationReader r;
	RfmState	state;
	int64		id;

	rfm_population_begin_read(&r, bytes, true, text_ids);
	while (rfm_population_next(&r, &id, &state))
		if ((r.done & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	return bytes;
}

/* check_stored_ids of an rfm_population. */
static void *
check_stored(bytea *bytes)
{
	return check_stored_ids(bytes, false);
}

/* check_stored_ids of an rfm_population_text. */
static void *
check_stored_text(bytea *bytes)
{
	return check_stored_ids(bytes, true);
}

/* Only the input functions of stored_state.c serve rfm_population. */
static const StoredStateType population_stored = {"rfm_population", check_stored, NULL, NULL, NULL};

/* rfm_population_in(cstring) returns rfm_population: the hexadecimal text form. */
SQL_FUNCTION(rfm_population_in, stored_state_in(fcinfo, &population_stored));

/* rfm_population_recv(internal) returns rfm_population: checked as text input is. */
SQL_FUNCTION(rfm_population_recv, stored_state_recv(fcinfo, &population_stored));

/* Only the input functions of stored_state.c serve rfm_population_text. */
static const StoredStateType population_text_stored = {"rfm_population_text", check_stored_text, NULL, NULL, NULL};

/* rfm_population_text_in(cstring) returns rfm_population_text: the hexadecimal text form. */
SQL_FUNCTION(rfm_population_text_in, stored_state_in(fcinfo, &population_text_stored));

/* rfm_population_text_recv(internal) returns rfm_population_text: checked as text input is. */
SQL_FUNCTION(rfm_population_text_recv, stored_state_recv(fcinfo, &population_text_stored));
