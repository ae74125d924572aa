/*-------------------------------------------------------------------------
 *
 * codec.c
 *	  The one codec of serialized aggregate states (codec.h): writing
 *	  through pqformat, reading with a length check on every field.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "libpq/pqformat.h"
#include "port/pg_bswap.h"

#include "base/codec.h"
#include "retention.h"

/* Starts a serialized state in buf: its varlena header and version byte. */
void
codec_begin_write(StringInfo buf, uint8 version)
{
	pq_begintypsend(buf);
	pq_sendbyte(buf, version);
}

/* The finished serialized state. */
bytea *
codec_end_write(StringInfo buf)
{
	return pq_endtypsend(buf);
}

/*
 * Points reader at the bytes of a serialized state and consumes its
 * format-version byte, which must be `version`.
 */
void
codec_begin_read(StateReader *reader, bytea *bytes, uint8 version,
				 const char *state_name)
{
	reader->data = VARDATA_ANY(bytes);
	reader->len = VARSIZE_ANY_EXHDR(bytes);
	reader->cursor = 0;
	reader->state_name = state_name;
	if (codec_read_uint8(reader) != version)
		codec_corrupt(reader, "an unknown format version");
}

/* The next len bytes of the state, in place; corrupt if fewer are left. */
const char *
codec_read_bytes(StateReader *reader, Size len)
{
	const char *p;

	if (len > reader->len - reader->cursor)
		codec_corrupt(reader, "fewer bytes than its fields need");
	p = reader->data + reader->cursor;
	reader->cursor += len;
	return p;
}

uint8
codec_read_uint8(StateReader *reader)
{
	return (uint8) *codec_read_bytes(reader, 1);
}

int32
codec_read_int32(StateReader *reader)
{
	uint32		n;

	memcpy(&n, codec_read_bytes(reader, sizeof(n)), sizeof(n));
	return (int32) pg_ntoh32(n);
}

int64
codec_read_int64(StateReader *reader)
{
	uint64		n;

	memcpy(&n, codec_read_bytes(reader, sizeof(n)), sizeof(n));
	return (int64) pg_ntoh64(n);
}

double
codec_read_float8(StateReader *reader)
{
	union
	{
		int64		i;
		double		d;
	}			swap;

	swap.i = codec_read_int64(reader);
	return swap.d;
}

/*
 * A count read from the state, of items of at least min_size bytes each,
 * must fit in what is left: checked before anything is allocated for them.
 */
void
codec_check_count(StateReader *reader, uint64 count, Size min_size)
{
	Assert(min_size > 0);
	if (count > (reader->len - reader->cursor) / min_size)
		codec_corrupt(reader, "a count larger than its bytes can hold");
}

/* The state must end here. */
void
codec_end_read(StateReader *reader)
{
	if (reader->cursor != reader->len)
		codec_corrupt(reader, "trailing bytes");
}

/* A serialized state that fails a check: an error, never a crash. */
void
codec_corrupt(const StateReader *reader, const char *problem)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid serialized %s state", reader->state_name),
			 errdetail("The state has %s.", problem)));
}
