/*-------------------------------------------------------------------------
 *
 * btyd_population.c
 *	  The btyd_population aggregate (DESIGN section 10): every customer's
 *	  btyd_summary in one pass over the orders, with the extension's own
 *	  hash of customers (no executor grouping, no sort); the storable
 *	  btyd_population it returns, btyd_table, which lists it, and the rows
 *	  the fits read from it (bgnbd_fit(btyd_population) and the others).
 *
 * The aggregate state is one customer table (base/customer_table.h, as
 * rfm_population's) of BtydStates (btyd_summary.h, 136 bytes a customer),
 * which btyd_summary's own code updates (btyd_state_add) and merges
 * (btyd_state_merge): a customer's state in a population is the state
 * btyd_summary builds over the same rows, so every summary is
 * btyd_summary's (same-day orders merge, the same units and errors). A
 * customer takes about 160 bytes, plus up to 8 bytes a purchase day past
 * 8 and 552 bytes for an amount sum that outgrows 2^-64 .. 2^32.
 *
 * Two forms go through the one codec (base/codec.h). The serialized
 * aggregate state, format BTYD_POPULATION_STATE_VERSION: unit and time
 * kind (1 byte each), as_of (int64), the customer count (int64), then per
 * customer its id (int64) and its state (btyd_state_send_fields). The
 * stored value, format BTYD_POPULATION_VERSION: the same header, then per
 * customer by increasing id: id (int64), frequency, recency and t in days
 * (int32 each) and monetary_value (float8), 28 bytes, so a value holds
 * about 38.3 million customers; past the 1 GB limit the final function
 * raises 54000. Recency and t are kept in days and divided by the unit's
 * length when read, as btyd_summary divides them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/date.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "base/checks.h"
#include "base/codec.h"
#include "base/customer_table.h"
#include "base/stored_state.h"
#include "base/time_unit.h"
#include "models/btyd_population.h"
#include "models/btyd_summary.h"
#include "retention.h"

#define BTYD_POPULATION_VERSION			1
#define BTYD_POPULATION_STATE_VERSION	1

/* Header bytes after the version byte: unit, kind, as_of, count */
#define BTYD_POPULATION_HEADER	(2 + 2 * sizeof(int64))

/* A stored customer: id, frequency, recency and t in days, monetary_value */
#define BTYD_POPULATION_CUSTOMER	(sizeof(int64) + 3 * sizeof(int32) + sizeof(double))

/* The fewest bytes a customer of a serialized state takes */
#define BTYD_STATE_MIN_CUSTOMER		(sizeof(int64) + 2 + 2 * sizeof(int64) + 2 * sizeof(int32) + \
									 4 * sizeof(int16))

/* Time kinds of as_of */
#define BTYD_KIND_DATE			0
#define BTYD_KIND_TIMESTAMPTZ	1

typedef struct BtydPopulation
{
	CustomerTable *customers;	/* of BtydStates */
	MemoryContext context;
	int64		as_of;
	uint8		unit;
	uint8		kind;			/* BTYD_KIND_DATE or BTYD_KIND_TIMESTAMPTZ */
} BtydPopulation;

/* A new, empty population in `context`, sized for `customers`. */
static BtydPopulation *
population_new(MemoryContext context, int64 as_of, uint8 unit, uint8 kind, uint32 customers)
{
	BtydPopulation *pop = MemoryContextAllocZero(context, sizeof(BtydPopulation));

	pop->context = context;
	pop->as_of = as_of;
	pop->unit = unit;
	pop->kind = kind;
	/* a BtydState points into itself (its inline days): states never move */
	pop->customers = customer_table_create(context, sizeof(BtydState), false, customers,
										   "btyd_population");
	return pop;
}

/* The state of customer id, appended empty if new. */
static inline BtydState *
population_customer(BtydPopulation *pop, int64 id, bool *found)
{
	BtydState  *state = (BtydState *) customer_table_get(pop->customers, id, found);

	if (!*found)
		btyd_state_init(state, pop->as_of, pop->unit, false);
	return state;
}

/*
 * The transition of the four btyd_population aggregates: (customer_id,
 * order_at, amount, as_of, unit). A row with a NULL argument is skipped;
 * the others are checked as btyd_summary checks them (finite amounts and
 * times, a unit of day, week or month, the same as_of and unit in every
 * row), and rows after as_of are ignored.
 */
static pg_attribute_always_inline Datum
population_trans(FunctionCallInfo fcinfo, bool timestamptz_orders, bool numeric_amount)
{
	MemoryContext aggcontext;
	BtydPopulation *pop = PG_ARGISNULL(0) ? NULL : (BtydPopulation *) PG_GETARG_POINTER(0);
	uint8		unit;
	double		amount;
	int64		as_of;
	int64		k;
	bool		found;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "btyd_population_trans called in non-aggregate context");
	for (int i = 1; i <= 5; i++)
		if (PG_ARGISNULL(i))
		{
			if (pop == NULL)
				PG_RETURN_NULL();
			PG_RETURN_POINTER(pop);
		}
	unit = time_unit_check_btyd(time_unit_of(PG_GETARG_DATUM(5)));
	if (numeric_amount)
		amount = btyd_numeric_amount(PG_GETARG_DATUM(3));
	else
	{
		amount = PG_GETARG_FLOAT8(3);
		check_finite(amount, "amount");
	}
	if (timestamptz_orders)
	{
		as_of = PG_GETARG_TIMESTAMPTZ(4);
		k = btyd_timestamptz_offset(PG_GETARG_TIMESTAMPTZ(2), as_of);
	}
	else
	{
		as_of = PG_GETARG_DATEADT(4);
		k = btyd_date_offset(PG_GETARG_DATEADT(2), as_of);
	}
	if (pop == NULL)
		pop = population_new(aggcontext, as_of, unit,
							 timestamptz_orders ? BTYD_KIND_TIMESTAMPTZ : BTYD_KIND_DATE, 0);
	else if (unlikely(as_of != pop->as_of || unit != pop->unit))
	{
		BtydState	header;

		btyd_state_init(&header, pop->as_of, pop->unit, false);
		btyd_check_same_group(&header, as_of, unit);
	}
	if (k < 0)
		PG_RETURN_POINTER(pop);
	/* a finite date or timestamp range spans fewer days than this */
	if (unlikely(k > PG_INT32_MAX))
		elog(ERROR, "btyd_population day offset out of range");
	btyd_state_add(population_customer(pop, PG_GETARG_INT64(1), &found), (int32) k, amount,
				   aggcontext);
	PG_RETURN_POINTER(pop);
}

/*
 * btyd_population_trans(internal, bigint, date, numeric, date, time_unit)
 * and the other three combinations of date/timestamptz order times and
 * numeric/float8 amounts: aggregate transition functions.
 */
SQL_FUNCTION(btyd_population_trans_date_numeric, population_trans(fcinfo, false, true));

SQL_FUNCTION(btyd_population_trans_date_float8, population_trans(fcinfo, false, false));

SQL_FUNCTION(btyd_population_trans_timestamptz_numeric, population_trans(fcinfo, true, true));

SQL_FUNCTION(btyd_population_trans_timestamptz_float8, population_trans(fcinfo, true, false));

/*
 * Merges the customers of src into dst: a customer in both gets the state
 * of both sides' rows (btyd_state_merge: same-day purchases merge). Two
 * as_of or units are 22023, as in btyd_summary.
 */
static void
population_merge(BtydPopulation *dst, const BtydPopulation *src)
{
	if (dst->kind != src->kind)
		elog(ERROR, "cannot combine btyd_population states of different kinds");
	for (uint32 i = 0; i < src->customers->count; i++)
	{
		bool		found;
		BtydState  *to = population_customer(dst, customer_table_id(src->customers, i), &found);

		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		btyd_state_merge(to, (const BtydState *) customer_table_state(src->customers, i),
						 dst->context);
	}
}

/*
 * btyd_population_combine(internal, internal) returns internal: aggregate
 * combine function. A NULL side is no rows; when the left state is NULL,
 * the right one is kept if deserialize built it in aggcontext (a parallel
 * worker's), else copied there.
 */
PG_FUNCTION_INFO_V1(btyd_population_combine);
Datum
btyd_population_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	BtydPopulation *left;
	BtydPopulation *right;

	if (!codec_begin_combine(fcinfo, "btyd_population", &aggcontext, (void **) &left, (void **) &right))
		return codec_combine_left(fcinfo);
	if (left == NULL)
	{
		if (right->context == aggcontext)
			PG_RETURN_POINTER(right);
		left = population_new(aggcontext, right->as_of, right->unit, right->kind,
							  right->customers->count);
	}
	else if (left->as_of != right->as_of || left->unit != right->unit)
	{
		BtydState	header;

		btyd_state_init(&header, left->as_of, left->unit, false);
		btyd_check_same_group(&header, right->as_of, right->unit);
	}
	population_merge(left, right);
	PG_RETURN_POINTER(left);
}

/*
 * btyd_population_check_size: a value of `have` bytes may take `more` only
 * while it stays within the 1 GB limit; past it, 54000 naming the
 * customer count. Exported for the test module, which checks the limit
 * with byte counts no test could allocate.
 */
void
btyd_population_check_size(Size have, Size more, uint64 customers)
{
	customer_table_check_size("btyd_population", have, more, customers,
							  "a customer takes 28",
							  "Use btyd_summary() with GROUP BY customer_id, or build one population per group of customers.");
}

/* The header of both forms, after the version byte. */
static void
write_header(StringInfo buf, const BtydPopulation *pop)
{
	pq_sendbyte(buf, pop->unit);
	pq_sendbyte(buf, pop->kind);
	pq_sendint64(buf, pop->as_of);
	pq_sendint64(buf, (int64) pop->customers->count);
}

/*
 * A header read back: a unit of day, week or month, a known kind, a
 * finite as_of of its kind and a customer count the bytes can hold, at
 * least one in a stored value. Returns the count.
 */
static int64
read_header(StateReader *reader, int64 *as_of, uint8 *unit, uint8 *kind, bool stored,
			Size min_customer)
{
	int64		count;

	*unit = codec_read_uint8(reader);
	if (*unit != TIME_UNIT_DAY && *unit != TIME_UNIT_WEEK && *unit != TIME_UNIT_MONTH)
		codec_corrupt(reader, "an unknown unit");
	*kind = codec_read_uint8(reader);
	*as_of = codec_read_int64(reader);
	if (*kind == BTYD_KIND_DATE)
	{
		if (*as_of < PG_INT32_MIN || *as_of > PG_INT32_MAX || DATE_NOT_FINITE((DateADT) *as_of) ||
			!IS_VALID_DATE((DateADT) *as_of))
			codec_corrupt(reader, "an invalid as_of");
	}
	else if (*kind == BTYD_KIND_TIMESTAMPTZ)
	{
		if (TIMESTAMP_NOT_FINITE(*as_of) || !IS_VALID_TIMESTAMP(*as_of))
			codec_corrupt(reader, "an invalid as_of");
	}
	else
		codec_corrupt(reader, "an unknown time kind");
	count = codec_read_int64(reader);
	/* a worker's state may have no customer (every row after as_of) */
	if (count < (stored ? 1 : 0) || count > PG_INT32_MAX)
		codec_corrupt(reader, "an invalid customer count");
	codec_check_count(reader, (uint64) count, min_customer);
	return count;
}

/*
 * An upper bound of the bytes btyd_state_send_fields writes for a state:
 * its fixed fields, its days and two exact sums of every chunk.
 */
static inline Size
state_bytes_bound(const BtydState *state)
{
	return sizeof(int64) + 2 + 2 * sizeof(int64) + 2 * sizeof(int32) +
		(Size) state->ndays * sizeof(int32) + 2 * (2 * sizeof(int16) + EXACTSUM_CHUNKS * sizeof(int64));
}

/*
 * btyd_population_serialize(internal) returns bytea: aggregate serialize
 * function, the customers' states in the table's order. 54000 past the
 * 1 GB limit.
 */
static void
write_population(StringInfo buf, void *arg)
{
	BtydPopulation *pop = (BtydPopulation *) arg;
	uint32		n = pop->customers->count;

	write_header(buf, pop);
	for (uint32 i = 0; i < n; i++)
	{
		const BtydState *state = (const BtydState *) customer_table_state(pop->customers, i);

		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		btyd_population_check_size(buf->len, state_bytes_bound(state), n);
		pq_sendint64(buf, customer_table_id(pop->customers, i));
		btyd_state_send_fields(buf, state);
	}
}

/* btyd_population_serialize(internal) returns bytea: aggregate serialize function, write_population. */
SQL_FUNCTION(btyd_population_serialize, codec_serialize(fcinfo, "btyd_population", BTYD_POPULATION_STATE_VERSION, write_population));

/*
 * btyd_population_deserialize(bytea, internal) returns internal: aggregate
 * deserialize function. Every length and field is checked (each state as
 * btyd_summary's deserialize checks it, with the header's as_of and unit);
 * a customer twice or a state with no purchase is corrupt (22P03).
 */
PG_FUNCTION_INFO_V1(btyd_population_deserialize);
Datum
btyd_population_deserialize(PG_FUNCTION_ARGS)
{
	StateReader reader;
	MemoryContext aggcontext;
	BtydPopulation *pop;
	int64		count;
	int64		as_of;
	uint8		unit;
	uint8		kind;

	aggcontext = codec_begin_deserialize(fcinfo, &reader, BTYD_POPULATION_STATE_VERSION,
										 "btyd_population");
	count = read_header(&reader, &as_of, &unit, &kind, false, BTYD_STATE_MIN_CUSTOMER);
	pop = population_new(aggcontext, as_of, unit, kind, (uint32) count);
	for (int64 i = 0; i < count; i++)
	{
		int64		id = codec_read_int64(&reader);
		BtydState  *read;
		BtydState  *customer;
		bool		found;

		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		/* the state as read, in the calling context, then merged into aggcontext */
		read = btyd_state_recv_fields(&reader);
		if (read->partial || read->as_of != as_of || read->unit != unit)
			codec_corrupt(&reader, "a customer of another as_of or unit");
		if (read->ndays == 0)
			codec_corrupt(&reader, "a customer with no purchase");
		customer = population_customer(pop, id, &found);
		if (found)
			codec_corrupt(&reader, "a customer twice");
		btyd_state_merge(customer, read, aggcontext);
		if (read->days != read->inline_days)
			pfree(read->days);
		pfree(read);
	}
	codec_end_read(&reader);
	PG_RETURN_POINTER(pop);
}

/*
 * btyd_population_final(internal) returns btyd_population: aggregate
 * final function, the stored form (customers by increasing id, each its
 * btyd_summary in days). NULL when no row was kept; 54000 past the 1 GB
 * limit.
 */
PG_FUNCTION_INFO_V1(btyd_population_final);
Datum
btyd_population_final(PG_FUNCTION_ARGS)
{
	BtydPopulation *pop = PG_ARGISNULL(0) ? NULL : (BtydPopulation *) PG_GETARG_POINTER(0);
	uint32		n;
	int32	   *order;
	StringInfoData buf;

	if (pop == NULL || pop->customers->count == 0)
		PG_RETURN_NULL();
	n = pop->customers->count;
	btyd_population_check_size(1 + VARHDRSZ + BTYD_POPULATION_HEADER,
							   (Size) n * BTYD_POPULATION_CUSTOMER, n);
	order = customer_table_sorted(pop->customers);
	codec_begin_write(&buf, BTYD_POPULATION_VERSION);
	enlargeStringInfo(&buf, (int) (BTYD_POPULATION_HEADER + (Size) n * BTYD_POPULATION_CUSTOMER));
	write_header(&buf, pop);
	for (uint32 i = 0; i < n; i++)
	{
		const BtydState *state = (const BtydState *) customer_table_state(pop->customers, order[i]);
		Datum		values[4];

		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		/* in days, so that recency and t are whole numbers */
		btyd_state_values(state, 0, TIME_UNIT_DAY, values);
		pq_sendint64(&buf, customer_table_id(pop->customers, order[i]));
		pq_sendint32(&buf, DatumGetInt32(values[0]));
		pq_sendint32(&buf, (int32) DatumGetFloat8(values[1]));
		pq_sendint32(&buf, (int32) DatumGetFloat8(values[2]));
		pq_sendfloat8(&buf, DatumGetFloat8(values[3]));
	}
	pfree(order);
	PG_RETURN_BYTEA_P(codec_end_write(&buf));
}

/* Points r at a stored value's bytes and reads its header. */
void
btyd_population_begin_read(BtydPopulationReader *r, bytea *bytes)
{
	uint8		kind;

	codec_begin_read(&r->reader, bytes, BTYD_POPULATION_VERSION, "btyd_population");
	r->count = read_header(&r->reader, &r->as_of, &r->unit, &kind, true, BTYD_POPULATION_CUSTOMER);
	r->timestamptz = kind == BTYD_KIND_TIMESTAMPTZ;
	r->unit_days = time_unit_days((TimeUnit) r->unit);
	r->done = 0;
	r->last_id = 0;
}

/*
 * The next customer, checked: ids increase; 0 <= frequency <= recency <=
 * t days (n distinct purchase days lie within recency + 1 days); one
 * purchase day (frequency 0) means recency and monetary_value 0;
 * monetary_value finite.
 * False after the last one, when the bytes must end.
 */
bool
btyd_population_next(BtydPopulationReader *r, BtydPopulationCustomer *c)
{
	StateReader *reader = &r->reader;
	int32		recency_days;

	if (r->done == r->count)
	{
		codec_end_read(reader);
		return false;
	}
	c->id = codec_read_int64(reader);
	if (r->done > 0 && c->id <= r->last_id)
		codec_corrupt(reader, "customer ids out of order");
	r->last_id = c->id;
	r->done++;
	c->frequency = codec_read_int32(reader);
	recency_days = codec_read_int32(reader);
	c->t_days = codec_read_int32(reader);
	c->monetary_value = codec_read_float8(reader);
	if (c->frequency < 0 || recency_days < c->frequency || c->t_days < recency_days ||
		(c->frequency == 0 && recency_days != 0))
		codec_corrupt(reader, "an impossible summary");
	if (!isfinite(c->monetary_value) || (c->frequency == 0 && c->monetary_value != 0.0))
		codec_corrupt(reader, "an invalid monetary_value");
	/* the divisions btyd_summary makes (btyd_state_values) */
	c->recency = (double) recency_days / r->unit_days;
	c->t = (double) c->t_days / r->unit_days;
	return true;
}

/*
 * A stored value from a client or from text: read whole, every customer
 * checked.
 */
static void *
check_stored(bytea *bytes)
{
	BtydPopulationReader r;
	BtydPopulationCustomer c;

	btyd_population_begin_read(&r, bytes);
	while (btyd_population_next(&r, &c))
		if ((r.done & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	return bytes;
}

/* Only the input functions of stored_state.c serve btyd_population. */
static const StoredStateType population_stored = {"btyd_population", check_stored, NULL, NULL, NULL};

/* btyd_population_in(cstring) returns btyd_population: the hexadecimal text form. */
SQL_FUNCTION(btyd_population_in, stored_state_in(fcinfo, &population_stored));

/* btyd_population_recv(internal) returns btyd_population: checked as text input is. */
SQL_FUNCTION(btyd_population_recv, stored_state_recv(fcinfo, &population_stored));

/*
 * btyd_table(population btyd_population) returns setof (customer_id
 * bigint, frequency integer, recency float8, t float8, monetary_value
 * float8): the population's customers by increasing id, each as
 * btyd_summary gives it over the same orders. STRICT.
 */
PG_FUNCTION_INFO_V1(btyd_table);
Datum
btyd_table(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	BtydPopulationReader *r;
	BtydPopulationCustomer c;
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext oldcxt;
		TupleDesc	tupdesc;

		funcctx = SRF_FIRSTCALL_INIT();
		oldcxt = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "btyd_table must return a composite");
		funcctx->tuple_desc = BlessTupleDesc(tupdesc);
		r = palloc(sizeof(BtydPopulationReader));
		btyd_population_begin_read(r, PG_GETARG_BYTEA_P_COPY(0));
		funcctx->user_fctx = r;
		MemoryContextSwitchTo(oldcxt);
	}
	funcctx = SRF_PERCALL_SETUP();
	r = (BtydPopulationReader *) funcctx->user_fctx;
	if (!btyd_population_next(r, &c))
		SRF_RETURN_DONE(funcctx);
	values[0] = Int64GetDatum(c.id);
	values[1] = Int32GetDatum(c.frequency);
	values[2] = Float8GetDatum(c.recency);
	values[3] = Float8GetDatum(c.t);
	values[4] = Float8GetDatum(c.monetary_value);
	SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc, values, nulls)));
}

/*
 * The rows of a fit of kind FIT_BTYD or FIT_SPEND over a stored
 * population, compressed into weighted distinct rows as the fit
 * aggregates' state compresses them (fit_state.h), in the current memory
 * context; NULL when no customer is a row. FIT_BTYD: (frequency, recency,
 * t) of every customer but those observed for no time (0, 0, 0), which
 * bgnbd_fit skips as well; FIT_SPEND: (frequency, monetary_value) of the
 * repeat customers with a positive monetary_value (the others, refunds
 * included, are left out, as doc/clv.md's GROUP BY recipe leaves them).
 */
FitRows *
btyd_population_fit_rows(bytea *bytes, FitKind kind)
{
	BtydPopulationReader r;
	BtydPopulationCustomer c;
	FitState   *state = fit_state_create(CurrentMemoryContext, kind);

	Assert(kind == FIT_BTYD || kind == FIT_SPEND);
	btyd_population_begin_read(&r, bytes);
	while (btyd_population_next(&r, &c))
	{
		double		row[FIT_KEY_VALUES];

		if ((r.done & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		row[0] = c.frequency;
		if (kind == FIT_BTYD)
		{
			if (c.frequency == 0 && c.t == 0.0)
				continue;
			row[1] = c.recency;
			row[2] = c.t;
		}
		else
		{
			if (c.frequency == 0 || c.monetary_value <= 0.0)
				continue;
			row[1] = c.monetary_value;
			row[2] = 0.0;
		}
		fit_state_add_values(state, row, 1);
	}
	return fit_state_rows(state);
}
