/*-------------------------------------------------------------------------
 *
 * btyd_state.c
 *	  The storable btyd_state (DESIGN section 9, doc/incremental.md): a
 *	  partial btyd_summary state that can be kept in a table, merged with
 *	  the state of newer orders, and read as btyd_summary at any as_of on
 *	  or after its latest purchase.
 *
 * A stored btyd_state is the btyd_summary aggregate's serialized state
 * (btyd_summary.c) with the partial flag set, written and read by the one
 * codec, so every value read from disk, from a client or from text is
 * checked as a deserialized aggregate state is (base/stored_state.c). The
 * text form is the same bytes in hexadecimal.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/date.h"

#include "base/stored_state.h"
#include "base/time_unit.h"
#include "models/btyd_summary.h"
#include "retention.h"

/*
 * A stored state: any sound partial state. The bytes may come from a
 * client, so a sound complete state is refused too.
 */
static void *
read_stored(bytea *bytes)
{
	BtydState  *state = btyd_state_read(bytes);

	if (!state->partial)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid serialized btyd_summary state"),
				 errdetail("The state is not a partial state.")));
	return state;
}

static bytea *
write_stored(const void *state)
{
	return btyd_state_write((const BtydState *) state);
}

/* An empty partial state. */
static void *
create_like(MemoryContext context, const void *src)
{
	return btyd_state_create(context, BTYD_PARTIAL_ANCHOR, TIME_UNIT_DAY, true);
}

static void
merge(void *dst, const void *src, MemoryContext context)
{
	btyd_state_merge((BtydState *) dst, (const BtydState *) src, context);
}

static const StoredStateType btyd_stored = {"btyd_state", read_stored, write_stored, create_like, merge};

/* btyd_state_in(cstring) returns btyd_state: the hexadecimal text form. */
SQL_FUNCTION(btyd_state_in, stored_state_in(fcinfo, &btyd_stored));

/* btyd_state_recv(internal) returns btyd_state: checked as text input is. */
SQL_FUNCTION(btyd_state_recv, stored_state_recv(fcinfo, &btyd_stored));

/* btyd_rollup_trans(internal, btyd_state) returns internal; not STRICT. */
SQL_FUNCTION(btyd_rollup_trans, stored_state_rollup_trans(fcinfo, &btyd_stored));

/*
 * btyd_merge(btyd_state, btyd_state) returns btyd_state: same-day
 * purchases merge; not STRICT (a NULL side is no orders).
 */
SQL_FUNCTION(btyd_merge, stored_state_merge(fcinfo, &btyd_stored));

/*
 * btyd_summary(btyd_state, as_of date, unit time_unit) returns
 * btyd_summary: what the btyd_summary aggregate gives over the state's
 * orders at as_of. An as_of before the state's latest purchase is 22023.
 * Days count back from the anchor; from as_of they are BTYD_PARTIAL_ANCHOR
 * - as_of fewer, which fits an int32 (as_of is a finite date).
 */
PG_FUNCTION_INFO_V1(btyd_summary_of_state);
Datum
btyd_summary_of_state(PG_FUNCTION_ARGS)
{
	BtydState  *state = read_stored(PG_GETARG_BYTEA_PP(0));
	DateADT		as_of = PG_GETARG_DATEADT(1);
	TimeUnit	unit = time_unit_check_btyd(time_unit_of(PG_GETARG_DATUM(2)));

	stored_state_check_as_of(as_of, (DateADT) state->latest, "btyd_state");
	return btyd_state_result(fcinfo, state, BTYD_PARTIAL_ANCHOR - as_of, unit);
}
