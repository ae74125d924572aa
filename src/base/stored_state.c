/*-------------------------------------------------------------------------
 *
 * stored_state.c
 *	  Input, receive, merge and rollup of the storable states
 *	  (stored_state.h), shared by rfm_state and btyd_state.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/date.h"

#include "base/codec.h"
#include "base/stored_state.h"
#include "retention.h"

/*
 * <type>_in(cstring): the hexadecimal text form (codec_text_in), 22P02 when
 * it is not hexadecimal, 22P03 when its bytes are not a sound state.
 */
Datum
stored_state_in(FunctionCallInfo fcinfo, const StoredStateType *type)
{
	bytea	   *bytes = codec_text_in(PG_GETARG_CSTRING(0), type->type_name);

	type->read(bytes);
	PG_RETURN_BYTEA_P(bytes);
}

/* <type>_recv(internal): the bytes, checked as text input is. */
Datum
stored_state_recv(FunctionCallInfo fcinfo, const StoredStateType *type)
{
	bytea	   *bytes = codec_recv_bytes((StringInfo) PG_GETARG_POINTER(0));

	type->read(bytes);
	PG_RETURN_BYTEA_P(bytes);
}

/*
 * rfm_state_out and btyd_state_out (<type>) returns cstring: the
 * hexadecimal text form.
 */
PG_FUNCTION_INFO_V1(stored_state_out);
Datum
stored_state_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(codec_text_out(PG_GETARG_BYTEA_PP(0)));
}

/* rfm_state_send and btyd_state_send (<type>) returns bytea: the bytes. */
PG_FUNCTION_INFO_V1(stored_state_send);
Datum
stored_state_send(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(codec_send_bytes(PG_GETARG_BYTEA_PP(0)));
}

/*
 * <type>_merge(a, b): the state of both states' orders. Not STRICT: a NULL
 * side is no orders, so the other side is returned (NULL when both are).
 */
Datum
stored_state_merge(FunctionCallInfo fcinfo, const StoredStateType *type)
{
	void	   *dst;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0) && PG_ARGISNULL(1))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(PG_ARGISNULL(0) ? 1 : 0));
	}
	dst = type->read(PG_GETARG_BYTEA_PP(0));
	type->merge(dst, type->read(PG_GETARG_BYTEA_PP(1)), CurrentMemoryContext);
	PG_RETURN_BYTEA_P(type->write(dst));
}

/*
 * <type>_rollup_trans(internal, <type>): transition of the rollup
 * aggregate, whose state is the aggregate's own internal state. Not
 * STRICT: a NULL state (a group with no order) is skipped.
 */
Datum
stored_state_rollup_trans(FunctionCallInfo fcinfo, const StoredStateType *type)
{
	MemoryContext aggcontext;
	void	   *state;
	void	   *src;

	if (!codec_begin_trans(fcinfo, type->type_name, 1, &aggcontext, &state))
		return codec_combine_left(fcinfo);
	src = type->read(PG_GETARG_BYTEA_PP(1));
	if (state == NULL)
		state = type->create_like(aggcontext, src);
	type->merge(state, src, aggcontext);
	PG_RETURN_POINTER(state);
}

/*
 * The as_of a stored state is read at must be a finite date on or after
 * the state's latest order (a date): a state cannot forget orders, so an
 * earlier as_of is 22023, naming both dates.
 */
void
stored_state_check_as_of(int32 as_of, int32 latest, const char *type_name)
{
	if (DATE_NOT_FINITE((DateADT) as_of))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("as_of must be finite"),
				 errdetail("as_of is %s.",
						   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(as_of))))));
	if (as_of < latest)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("as_of must not be before the latest order of the %s", type_name),
				 errdetail("as_of is %s and the state's latest order is on %s.",
						   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(as_of))),
						   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(latest)))),
				 errhint("A state cannot forget orders: build it from the orders up to as_of.")));
}
