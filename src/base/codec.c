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
#include "utils/fmgrprotos.h"

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

int16
codec_read_int16(StateReader *reader)
{
	uint16		n;

	memcpy(&n, codec_read_bytes(reader, sizeof(n)), sizeof(n));
	return (int16) pg_ntoh16(n);
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
 * numeric_send's sign words of a finite number and largest display scale
 * (numeric.c's NUMERIC_POS, NUMERIC_NEG and NUMERIC_DSCALE_MASK, which no
 * header exports; the wire format is fixed, as pg_upgrade needs).
 */
#define NUMERIC_WIRE_POS		0x0000
#define NUMERIC_WIRE_NEG		0x4000
#define NUMERIC_WIRE_DSCALE_MAX	0x3FFF

/* A finite numeric, in numeric_send's form behind its length (int32). */
void
codec_write_numeric(StringInfo buf, Numeric value)
{
	bytea	   *bytes = DatumGetByteaPP(DirectFunctionCall1(numeric_send,
															NumericGetDatum(value)));

	pq_sendint32(buf, VARSIZE_ANY_EXHDR(bytes));
	pq_sendbytes(buf, VARDATA_ANY(bytes), VARSIZE_ANY_EXHDR(bytes));
}

/*
 * A numeric that codec_write_numeric wrote. Its fields are checked here
 * (length, digit count, sign of a finite number, display scale, digits
 * below 10000) before numeric_recv sees them, so a corrupt one raises the
 * codec's error, not numeric's.
 */
Numeric
codec_read_numeric(StateReader *reader)
{
	int32		len = codec_read_int32(reader);
	StringInfoData num;
	StateReader fields;
	int16		ndigits;
	int16		sign;
	int16		weight;
	int16		dscale;
	Numeric		value;

	if (len < 8)
		codec_corrupt(reader, "a numeric shorter than its header");
	fields = *reader;
	fields.len = fields.cursor + len;
	num.data = (char *) codec_read_bytes(reader, len);
	num.len = num.maxlen = len;
	num.cursor = 0;
	ndigits = codec_read_int16(&fields);
	weight = codec_read_int16(&fields);
	sign = codec_read_int16(&fields);
	dscale = codec_read_int16(&fields);
	if (ndigits < 0 || ndigits > NUMERIC_MAX_PRECISION + NUMERIC_MAX_RESULT_SCALE ||
		weight == PG_INT16_MIN || (sign != NUMERIC_WIRE_POS && sign != NUMERIC_WIRE_NEG) ||
		dscale < 0 || dscale > NUMERIC_WIRE_DSCALE_MAX || len != 8 + 2 * ndigits)
		codec_corrupt(reader, "an invalid numeric");
	for (int i = 0; i < ndigits; i++)
	{
		int16		digit = codec_read_int16(&fields);

		if (digit < 0 || digit >= 10000)
			codec_corrupt(reader, "an invalid numeric digit");
	}
	value = DatumGetNumeric(DirectFunctionCall3(numeric_recv, PointerGetDatum(&num),
												ObjectIdGetDatum(InvalidOid),
												Int32GetDatum(-1)));
	if (num.cursor != num.len)
		codec_corrupt(reader, "trailing bytes after a numeric");
	return value;
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
