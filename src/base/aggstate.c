/*-------------------------------------------------------------------------
 *
 * aggstate.c
 *	  Helpers for the serialized form of internal aggregate states
 *	  (aggstate.h). The fields themselves are read with pq_getmsg*, which
 *	  raise an error rather than read past the end of the bytes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "libpq/pqformat.h"

#include "base/aggstate.h"
#include "retention.h"

/*
 * Points buf at the bytes of a serialized state and consumes its
 * format-version byte, which must be `version`.
 */
void
aggstate_begin_read(StringInfo buf, bytea *bytes, int version, const char *state_name)
{
	buf->data = VARDATA_ANY(bytes);
	buf->len = VARSIZE_ANY_EXHDR(bytes);
	buf->maxlen = buf->len;
	buf->cursor = 0;
	if (pq_getmsgbyte(buf) != version)
		aggstate_corrupt(state_name, "an unknown format version");
}

/* A serialized state that fails a check: an error, never a crash. */
void
aggstate_corrupt(const char *state_name, const char *problem)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid serialized %s state", state_name),
			 errdetail("The state has %s.", problem)));
}
