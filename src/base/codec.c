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

/*
 * A deserialize function runs only inside an aggregate (an elog naming
 * <state_name>_deserialize otherwise); returns the aggregate's memory
 * context.
 */
MemoryContext
codec_deserialize_context(FunctionCallInfo fcinfo, const char *state_name)
{
	MemoryContext aggcontext;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "%s_deserialize called in non-aggregate context", state_name);
	return aggcontext;
}

/*
 * The start of a deserialize function that reads its bytea argument
 * itself: codec_deserialize_context, then codec_begin_read of the bytes.
 */
MemoryContext
codec_begin_deserialize(FunctionCallInfo fcinfo, StateReader *reader, uint8 version,
						const char *state_name)
{
	MemoryContext aggcontext = codec_deserialize_context(fcinfo, state_name);

	codec_begin_read(reader, PG_GETARG_BYTEA_PP(0), version, state_name);
	return aggcontext;
}

/*
 * The start of a serialize function: the state to write (its first
 * argument), once the call is checked to come from an aggregate.
 */
void *
codec_serialize_state(FunctionCallInfo fcinfo, const char *state_name)
{
	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "%s_serialize called in non-aggregate context", state_name);
	return PG_GETARG_POINTER(0);
}

/*
 * An aggregate's serialize function: the version byte, then what write
 * appends for the state of codec_serialize_state.
 */
Datum
codec_serialize(FunctionCallInfo fcinfo, const char *state_name, uint8 version,
				CodecWriter write)
{
	void	   *state = codec_serialize_state(fcinfo, state_name);
	StringInfoData buf;

	codec_begin_write(&buf, version);
	write(&buf, state);
	PG_RETURN_BYTEA_P(codec_end_write(&buf));
}

/*
 * The start of a combine function: the aggregate's memory context and the
 * two states, *left NULL when the group has none yet. False when the right
 * state is NULL: there is nothing to merge, and the combine function
 * returns codec_combine_left(fcinfo).
 */
bool
codec_begin_combine(FunctionCallInfo fcinfo, const char *state_name,
					MemoryContext *aggcontext, void **left, void **right)
{
	if (!AggCheckCallContext(fcinfo, aggcontext))
		elog(ERROR, "%s_combine called in non-aggregate context", state_name);
	*left = PG_ARGISNULL(0) ? NULL : PG_GETARG_POINTER(0);
	*right = PG_ARGISNULL(1) ? NULL : PG_GETARG_POINTER(1);
	return *right != NULL;
}

/*
 * The state in argument 0, NULL when there is none: a combine function's
 * result when the right state is NULL, and a transition's when it skips a
 * row (codec_begin_trans).
 */
Datum
codec_combine_left(FunctionCallInfo fcinfo)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_POINTER(PG_GETARG_POINTER(0));
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
 * An unsigned varint (codec_read_varint in codec.h): 7 bits a byte, low
 * groups first, the high bit set on every byte but the last; 1 to 10
 * bytes, in the shortest form.
 */
void
codec_write_varint(StringInfo buf, uint64 value)
{
	char		bytes[10];
	int			n = 0;

	while (value >= 0x80)
	{
		bytes[n++] = (char) (value | 0x80);
		value >>= 7;
	}
	bytes[n++] = (char) value;
	appendBinaryStringInfo(buf, bytes, n);
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

/*
 * The text form of a stored state: its serialized bytes in lower-case
 * hexadecimal, two digits a byte (so text and binary forms hold the same
 * versioned bytes).
 */
char *
codec_text_out(bytea *bytes)
{
	static const char digits[] = "0123456789abcdef";
	const uint8 *data = (const uint8 *) VARDATA_ANY(bytes);
	Size		len = VARSIZE_ANY_EXHDR(bytes);
	char	   *text = palloc(mul_size(len, 2) + 1);

	for (Size i = 0; i < len; i++)
	{
		text[2 * i] = digits[data[i] >> 4];
		text[2 * i + 1] = digits[data[i] & 15];
	}
	text[2 * len] = '\0';
	return text;
}

/* The value of a hexadecimal digit, or -1. */
static inline int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The bytes of a state's text form (codec_text_out). Anything but pairs of
 * hexadecimal digits is 22P02; the caller checks the bytes themselves
 * through the codec.
 */
bytea *
codec_text_in(const char *text, const char *type_name)
{
	Size		len = strlen(text);
	bytea	   *bytes;
	uint8	   *data;

	if (len == 0 || len % 2 != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s", type_name),
				 errdetail("The value has %zu characters; it needs a positive, even number of hexadecimal digits.", len)));
	bytes = palloc(VARHDRSZ + len / 2);
	SET_VARSIZE(bytes, VARHDRSZ + len / 2);
	data = (uint8 *) VARDATA(bytes);
	for (Size i = 0; i < len; i += 2)
	{
		int			hi = hex_value(text[i]);
		int			lo = hex_value(text[i + 1]);

		if (hi < 0 || lo < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type %s", type_name),
					 errdetail("Character %zu is not a hexadecimal digit.", hi < 0 ? i + 1 : i + 2)));
		data[i / 2] = (uint8) (hi << 4 | lo);
	}
	return bytes;
}

/*
 * The rest of a binary-input message (a type's receive function) as a
 * bytea, for the codec to check.
 */
bytea *
codec_recv_bytes(StringInfo buf)
{
	Size		len = buf->len - buf->cursor;
	bytea	   *bytes = palloc(VARHDRSZ + len);

	SET_VARSIZE(bytes, VARHDRSZ + len);
	memcpy(VARDATA(bytes), buf->data + buf->cursor, len);
	buf->cursor = buf->len;
	return bytes;
}

/* The binary-output message of a stored state: its bytes. */
bytea *
codec_send_bytes(bytea *bytes)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbytes(&buf, VARDATA_ANY(bytes), VARSIZE_ANY_EXHDR(bytes));
	return pq_endtypsend(&buf);
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
