/*-------------------------------------------------------------------------
 *
 * rfm_state.c
 *	  The storable rfm_state (DESIGN section 9, doc/incremental.md): a
 *	  partial rfm state that can be kept in a table, merged with the state
 *	  of newer orders, and read as rfm at any as_of on or after its latest
 *	  row.
 *
 * A stored rfm_state is the rfm aggregate's serialized state (rfm.c) with
 * the partial flag set, so it is written and read by the one codec and
 * every value read from disk, from a client or from text is checked as a
 * deserialized aggregate state is (base/stored_state.c). The text form is
 * the same bytes in hexadecimal.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/date.h"

#include "base/stored_state.h"
#include "metrics/rfm.h"
#include "retention.h"

/*
 * A stored state is a partial state. The bytes may come from a client, so
 * a sound internal (non-partial) state is refused too.
 */
static void
check_partial(const RfmState *state)
{
	if (!state->partial)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid serialized rfm state"),
				 errdetail("The state is not a partial state.")));
}

/* A stored state: any sound partial state, in a new allocation. */
static void *
read_stored(bytea *bytes)
{
	RfmState   *state = rfm_state_read(bytes);

	check_partial(state);
	return state;
}

static bytea *
write_stored(const void *state)
{
	return rfm_state_write((const RfmState *) state);
}

/* An empty partial state of src's amount kind. */
static void *
create_like(MemoryContext context, const void *src)
{
	const RfmState *s = (const RfmState *) src;

	return rfm_state_new(context, s->time_kind, s->amount_kind, s->as_of, true);
}

static void
merge(void *dst, const void *src, MemoryContext context)
{
	rfm_state_merge((RfmState *) dst, (const RfmState *) src, context);
}

static const StoredStateType rfm_stored = {"rfm_state", read_stored, write_stored, create_like, merge};

/* rfm_state_in(cstring) returns rfm_state: the hexadecimal text form. */
SQL_FUNCTION(rfm_state_in, stored_state_in(fcinfo, &rfm_stored));

/* rfm_state_recv(internal) returns rfm_state: checked as text input is. */
SQL_FUNCTION(rfm_state_recv, stored_state_recv(fcinfo, &rfm_stored));

/* rfm_rollup_trans(internal, rfm_state) returns internal; not STRICT. */
SQL_FUNCTION(rfm_rollup_trans, stored_state_rollup_trans(fcinfo, &rfm_stored));

/*
 * rfm_merge(rfm_state, rfm_state) returns rfm_state; not STRICT (a NULL
 * side is no orders). Numeric and float8 states do not mix (22023).
 */
SQL_FUNCTION(rfm_merge, stored_state_merge(fcinfo, &rfm_stored));

/*
 * rfm(rfm_state, as_of date) returns rfm: what the rfm aggregate gives over
 * the state's orders at as_of. An as_of before the state's latest row is
 * 22023: rfm would leave that row out, and a state cannot forget it.
 */
PG_FUNCTION_INFO_V1(rfm_of_state);
Datum
rfm_of_state(PG_FUNCTION_ARGS)
{
	RfmState	state;
	DateADT		as_of = PG_GETARG_DATEADT(1);

	/* decoded in place: this runs once per stored row of a refresh */
	rfm_state_decode(PG_GETARG_BYTEA_PP(0), &state);
	check_partial(&state);
	stored_state_check_as_of(as_of, (DateADT) state.as_of, "rfm_state");
	state.as_of = as_of;
	state.partial = false;
	PG_RETURN_DATUM(rfm_state_result(fcinfo, &state));
}
