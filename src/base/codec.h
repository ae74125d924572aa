/*-------------------------------------------------------------------------
 *
 * codec.h
 *	  The one codec of serialized aggregate states: a format-version byte
 *	  first, then fields in network byte order; on the way back every
 *	  length is checked, and a state that fails any check raises the same
 *	  error (22P03, "invalid serialized <state> state") whatever went wrong.
 *
 * Writing is PostgreSQL's pqformat (pq_sendint32 and friends) between
 * codec_begin_write and codec_end_write; reading goes through a
 * StateReader, never through pq_getmsg*, whose overrun error (08P01, a
 * protocol violation) is not a corrupt-state error. A deserialize function
 * starts with codec_begin_deserialize (codec_deserialize_context when the
 * state's own reader starts the StateReader), a serialize function is
 * codec_serialize with the state's writer (codec_serialize_state when the
 * state's bytes are also a stored value its own _write function makes),
 * and a combine function starts with codec_begin_combine.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_CODEC_H
#define RETENTION_CODEC_H

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "port/pg_bswap.h"
#include "utils/numeric.h"

/* Reads one serialized state; every read checks what is left. */
typedef struct StateReader
{
	const char *data;
	Size		len;
	Size		cursor;
	const char *state_name;		/* for the error: "rfm", "fit", ... */
} StateReader;

extern void codec_begin_write(StringInfo buf, uint8 version);
extern bytea *codec_end_write(StringInfo buf);

extern void codec_begin_read(StateReader *reader, bytea *bytes, uint8 version,
							 const char *state_name);
extern MemoryContext codec_deserialize_context(FunctionCallInfo fcinfo,
											   const char *state_name);
extern MemoryContext codec_begin_deserialize(FunctionCallInfo fcinfo, StateReader *reader,
											 uint8 version, const char *state_name);
extern void *codec_serialize_state(FunctionCallInfo fcinfo, const char *state_name);

/* Appends a state's fields to buf (it may compact the state first). */
typedef void (*CodecWriter) (StringInfo buf, void *state);

extern Datum codec_serialize(FunctionCallInfo fcinfo, const char *state_name, uint8 version,
							 CodecWriter write);
extern bool codec_begin_combine(FunctionCallInfo fcinfo, const char *state_name,
								MemoryContext *aggcontext, void **left, void **right);
extern Datum codec_combine_left(FunctionCallInfo fcinfo);
extern void codec_write_numeric(StringInfo buf, Numeric value);
extern void codec_write_varint(StringInfo buf, uint64 value);
extern Numeric codec_read_numeric(StateReader *reader);
extern void codec_check_count(StateReader *reader, uint64 count, Size min_size);
extern void codec_end_read(StateReader *reader);
extern char *codec_text_out(bytea *bytes);
extern bytea *codec_text_in(const char *text, const char *type_name);
extern bytea *codec_recv_bytes(StringInfo buf);
extern bytea *codec_send_bytes(bytea *bytes);
extern void codec_corrupt(const StateReader *reader, const char *problem) pg_attribute_noreturn();

/*
 * The readers are inline: a stored state (rfm_state) is read once per row
 * of a query, and a call per field would cost more than the reading.
 */

/* The next len bytes of the state, in place; corrupt if fewer are left. */
static inline const char *
codec_read_bytes(StateReader *reader, Size len)
{
	const char *p;

	if (unlikely(len > reader->len - reader->cursor))
		codec_corrupt(reader, "fewer bytes than its fields need");
	p = reader->data + reader->cursor;
	reader->cursor += len;
	return p;
}

static inline uint8
codec_read_uint8(StateReader *reader)
{
	return (uint8) *codec_read_bytes(reader, 1);
}

static inline int16
codec_read_int16(StateReader *reader)
{
	const unsigned char *bytes = (const unsigned char *) codec_read_bytes(reader, 2);

	return (int16) ((bytes[0] << 8) | bytes[1]);
}

static inline int32
codec_read_int32(StateReader *reader)
{
	uint32		n;

	memcpy(&n, codec_read_bytes(reader, sizeof(n)), sizeof(n));
	return (int32) pg_ntoh32(n);
}

static inline int64
codec_read_int64(StateReader *reader)
{
	uint64		n;

	memcpy(&n, codec_read_bytes(reader, sizeof(n)), sizeof(n));
	return (int64) pg_ntoh64(n);
}

static inline double
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
 * The start of a one-pass aggregate's transition function fname: the
 * aggregate's memory context and the state so far, *state NULL before the
 * group's first row. False when one of arguments 1 to nrequired is NULL:
 * the row is skipped, and the transition returns codec_combine_left(fcinfo)
 * (the state so far, NULL when there is none). Inline: it runs once per
 * row.
 */
static inline bool
codec_begin_trans(FunctionCallInfo fcinfo, const char *fname, int nrequired,
				  MemoryContext *aggcontext, void **state)
{
	if (!AggCheckCallContext(fcinfo, aggcontext))
		elog(ERROR, "%s called in non-aggregate context", fname);
	*state = PG_ARGISNULL(0) ? NULL : PG_GETARG_POINTER(0);
	for (int i = 1; i <= nrequired; i++)
		if (PG_ARGISNULL(i))
			return false;
	return true;
}

/*
 * An unsigned varint (codec_write_varint): 7 bits a byte, low groups
 * first, the high bit set on every byte but the last; at most 10 bytes.
 * Truncated, longer than 10 bytes, beyond 64 bits or not in its shortest
 * form (a last byte of zero after the first) is corrupt, so every value
 * has one encoding.
 */
static inline uint64
codec_read_varint(StateReader *reader)
{
	uint64		value = 0;

	for (int shift = 0;; shift += 7)
	{
		uint8		b = codec_read_uint8(reader);

		if (unlikely(shift == 63 && b > 1))
			codec_corrupt(reader, "a varint beyond 64 bits");
		value |= (uint64) (b & 0x7F) << shift;
		if (!(b & 0x80))
		{
			if (unlikely(b == 0 && shift > 0))
				codec_corrupt(reader, "an overlong varint");
			return value;
		}
	}
}

/* A signed varint: zigzag-mapped (0, -1, 1, -2, ... to 0, 1, 2, 3, ...). */
static inline void
codec_write_signed_varint(StringInfo buf, int64 value)
{
	codec_write_varint(buf, ((uint64) value << 1) ^ (uint64) (value >> 63));
}

/* The signed varint of codec_write_signed_varint. */
static inline int64
codec_read_signed_varint(StateReader *reader)
{
	uint64		zigzag = codec_read_varint(reader);

	return (int64) (zigzag >> 1) ^ -(int64) (zigzag & 1);
}

#endif							/* RETENTION_CODEC_H */
