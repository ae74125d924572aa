/*-------------------------------------------------------------------------
 *
 * scaled.c
 *	  Exact scaled integers for numeric values (see scaled.h).
 *
 * The digits of a numeric are read in place from its stored form, whose
 * layout pg_upgrade freezes (numeric_parts), so a money amount becomes an
 * integer without the text round trip and allocations of numeric_out.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/int.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"

#include "base/scaled.h"
#include "retention.h"

const int64 scaled_pow10[SCALED_MAX_DIGITS + 1] = {
	INT64CONST(1), INT64CONST(10), INT64CONST(100), INT64CONST(1000),
	INT64CONST(10000), INT64CONST(100000), INT64CONST(1000000),
	INT64CONST(10000000), INT64CONST(100000000), INT64CONST(1000000000),
	INT64CONST(10000000000), INT64CONST(100000000000),
	INT64CONST(1000000000000), INT64CONST(10000000000000),
	INT64CONST(100000000000000), INT64CONST(1000000000000000),
	INT64CONST(10000000000000000), INT64CONST(100000000000000000),
	INT64CONST(1000000000000000000)
};

/*
 * numeric.c's on-disk header bits. The format is frozen, since pg_upgrade
 * keeps numeric data files as they are: a uint16 that is either a short
 * header (sign, display scale, weight) or the first half of a long one
 * (sign and display scale, then an int16 weight), then base-10000 digits.
 * A special value (NaN, and from PostgreSQL 14 the infinities) has the two
 * top bits set.
 */
#define NUMERIC_SIGN_MASK				0xC000
#define NUMERIC_NEG						0x4000
#define NUMERIC_SHORT					0x8000
#define NUMERIC_SPECIAL					0xC000
#define NUMERIC_DSCALE_MASK				0x3FFF
#define NUMERIC_SHORT_SIGN_MASK			0x2000
#define NUMERIC_SHORT_DSCALE_MASK		0x1F80
#define NUMERIC_SHORT_DSCALE_SHIFT		7
#define NUMERIC_SHORT_WEIGHT_SIGN_MASK	0x0040
#define NUMERIC_SHORT_WEIGHT_MASK		0x003F
#define NUMERIC_BASE					10000

static void
invalid_numeric(int len)
{
	elog(ERROR, "invalid numeric of %d bytes", len);
}

/*
 * Reads the parts of the numeric datum num in place: no copy of a short
 * varlena, no allocation unless the value is compressed or out of line.
 */
void
numeric_parts(Datum num, NumericParts *parts)
{
	struct varlena *raw = PG_DETOAST_DATUM_PACKED(num);
	const char *data = VARDATA_ANY(raw);
	int			len = VARSIZE_ANY_EXHDR(raw);
	uint16		header;

	if (len < (int) sizeof(uint16))
		invalid_numeric(len);
	memcpy(&header, data, sizeof(uint16));
	memset(parts, 0, sizeof(NumericParts));
	parts->special = (header & NUMERIC_SIGN_MASK) == NUMERIC_SPECIAL;
	if (parts->special)
		return;
	if ((header & NUMERIC_SIGN_MASK) == NUMERIC_SHORT)
	{
		parts->negative = (header & NUMERIC_SHORT_SIGN_MASK) != 0;
		parts->dscale = (header & NUMERIC_SHORT_DSCALE_MASK) >> NUMERIC_SHORT_DSCALE_SHIFT;
		parts->weight = (header & NUMERIC_SHORT_WEIGHT_MASK) |
			((header & NUMERIC_SHORT_WEIGHT_SIGN_MASK) ? ~NUMERIC_SHORT_WEIGHT_MASK : 0);
		data += sizeof(uint16);
		len -= sizeof(uint16);
	}
	else
	{
		int16		weight;

		if (len < (int) (sizeof(uint16) + sizeof(int16)))
			invalid_numeric(len);
		parts->negative = (header & NUMERIC_SIGN_MASK) == NUMERIC_NEG;
		parts->dscale = header & NUMERIC_DSCALE_MASK;
		memcpy(&weight, data + sizeof(uint16), sizeof(int16));
		parts->weight = weight;
		data += sizeof(uint16) + sizeof(int16);
		len -= sizeof(uint16) + sizeof(int16);
	}
	parts->ndigits = len / (int) sizeof(int16);
	parts->digits = data;
}

/*
 * The finite numeric of parts as *value / 10^*scale, with *scale the
 * display scale capped at max_scale (0..SCALED_MAX_DIGITS): false when it
 * is special, has a nonzero digit beyond max_scale decimals, or its value
 * times 10^*scale does not fit in int64 (outputs undefined then). Digits
 * come most significant first, each one at a smaller power of ten.
 */
bool
scaled_from_parts(const NumericParts *parts, int max_scale, int64 *value, int *scale)
{
	int			s = Min(parts->dscale, max_scale);
	uint64		magnitude = 0;

	Assert(max_scale >= 0 && max_scale <= SCALED_MAX_DIGITS);
	if (parts->special)
		return false;
	for (int i = 0; i < parts->ndigits; i++)
	{
		int			digit = numeric_parts_digit(parts, i);
		int			exponent = 4 * (parts->weight - i) + s;	/* of this digit */
		uint64		term;

		if (digit == 0)
			continue;
		if (digit < 0 || digit >= NUMERIC_BASE)
			return false;		/* not a digit numeric.c writes */
		if (exponent >= 0)
		{
			/* 10^19 > -PG_INT64_MIN: a nonzero digit there does not fit */
			if (exponent > SCALED_MAX_DIGITS ||
				pg_mul_u64_overflow((uint64) digit, (uint64) scaled_pow10[exponent], &term))
				return false;
		}
		else
		{
			/* the digit reaches beyond s decimals: only zeros may */
			if (exponent <= -4 || digit % scaled_pow10[-exponent] != 0)
				return false;
			term = digit / scaled_pow10[-exponent];
		}
		if (pg_add_u64_overflow(magnitude, term, &magnitude))
			return false;
	}
	if (magnitude > (uint64) PG_INT64_MAX + (parts->negative ? 1 : 0))
		return false;
	*value = parts->negative ? (int64) (0 - magnitude) : (int64) magnitude;
	*scale = s;
	return true;
}

/*
 * The finite numeric datum num as *value / 10^*scale, where *scale is the
 * numeric's display scale. False (outputs undefined) when it has more than
 * SCALED_MAX_DIGITS significant digits or decimals, or is NaN or infinite.
 */
bool
scaled_from_numeric(Datum num, int64 *value, int *scale)
{
	NumericParts parts;

	numeric_parts(num, &parts);
	if (parts.special || parts.dscale > SCALED_MAX_DIGITS ||
		!scaled_from_parts(&parts, SCALED_MAX_DIGITS, value, scale))
		return false;
	/* 10^18 - 1 is the largest value of SCALED_MAX_DIGITS digits */
	return *value < scaled_pow10[SCALED_MAX_DIGITS] && *value > -scaled_pow10[SCALED_MAX_DIGITS];
}

/*
 * A finite float8 as numeric, exactly as float8_numeric converts it (the
 * value rounded to DBL_DIG = 15 significant digits, trailing zeros
 * dropped), without its text round trip when the double is the nearest
 * double to a decimal v / 10^s of at most 15 digits: that decimal is then
 * the 15-digit rounding, since two such decimals are at least 4.5 ulp
 * apart and the double is within half an ulp of it. Checked by converting
 * back with one correctly rounded division (v < 2^53, 10^s exact).
 */
Numeric
scaled_double_to_numeric(double value)
{
	double		magnitude = fabs(value);

	Assert(isfinite(value));
	for (int scale = 0; scale <= 15 && magnitude * scaled_pow10[scale] < 1e15; scale++)
	{
		double		shifted = value * (double) scaled_pow10[scale];
		int64		v = (int64) llrint(shifted);

		if ((double) v / (double) scaled_pow10[scale] == value)
		{
			while (scale > 0 && v % 10 == 0)
			{
				v /= 10;
				scale--;
			}
			return scaled_to_numeric(v, scale);
		}
	}
	return DatumGetNumeric(DirectFunctionCall1(float8_numeric, Float8GetDatum(value)));
}

/*
 * The float8 nearest to a numeric, as numeric_float8 computes it, without
 * its text round trip when the value is an integer of at most 53 bits over
 * a power of ten: one correctly rounded division gives the same double.
 * NaN and infinities convert as numeric_float8 converts them.
 */
double
scaled_numeric_to_double(Datum num)
{
	int64		value;
	int			scale;

	if (scaled_from_numeric(num, &value, &scale) &&
		value <= (INT64CONST(1) << 53) && value >= -(INT64CONST(1) << 53))
		return (double) value / (double) scaled_pow10[scale];
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8, num));
}

/*
 * Rescales *value from from_scale to the larger or equal to_scale (both in
 * 0..SCALED_MAX_DIGITS); false, leaving *value alone, when it overflows.
 */
bool
scaled_rescale(int64 *value, int from_scale, int to_scale)
{
	int64		result;

	Assert(from_scale >= 0 && from_scale <= to_scale && to_scale <= SCALED_MAX_DIGITS);
	if (pg_mul_s64_overflow(*value, scaled_pow10[to_scale - from_scale], &result))
		return false;
	*value = result;
	return true;
}

/*
 * value / 10^scale as a numeric with display scale `scale`.
 */
Numeric
scaled_to_numeric(int64 value, int scale)
{
	Assert(scale >= 0 && scale <= SCALED_MAX_DIGITS);
#if PG_VERSION_NUM >= 140000
	return int64_div_fast_to_numeric(value, scale);
#else
	{
		/* PostgreSQL 13 has no int64 to numeric helper: go through text */
		char		buf[32];
		int64		whole = value / scaled_pow10[scale];
		int64		frac = value % scaled_pow10[scale];

		if (scale == 0)
			snprintf(buf, sizeof(buf), INT64_FORMAT, value);
		else
			snprintf(buf, sizeof(buf), "%s" INT64_FORMAT ".%0*" INT64_MODIFIER "d",
					 (value < 0 && whole == 0) ? "-" : "", whole, scale,
					 frac < 0 ? -frac : frac);
		return DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(buf),
												   ObjectIdGetDatum(InvalidOid),
												   Int32GetDatum(-1)));
	}
#endif
}

/*
 * value / 10^scale as a numeric with display scale `scale`, written into
 * buf with no allocation: the bytes scaled_to_numeric's make_result
 * writes (numeric.c), which is the frozen on-disk form numeric_parts
 * reads. The digits are base 10000 with zero digits stripped at both
 * ends; zero has no digits, weight 0 and a positive sign. A scaled int64
 * always has the short header: its weight lies in -5..4 and its scale in
 * 0..SCALED_MAX_DIGITS, inside the short header's -64..63 and 0..63.
 * Valid while buf is; a row built from it (heap_form_tuple) copies it.
 */
Numeric
scaled_to_numeric_in(int64 value, int scale, ScaledNumeric *buf)
{
	uint64		magnitude = value < 0 ? 0 - (uint64) value : (uint64) value;
	int16		digits[8];		/* least significant first */
	int			n = 0;
	int			partial = scale % 4;
	int			lo;
	int			hi;
	int			weight;
	uint16		header;
	int16	   *out;

	Assert(scale >= 0 && scale <= SCALED_MAX_DIGITS);
	/* digit i counts 10000^(i - frac), frac = ceil(scale / 4) */
	if (partial > 0)
	{
		/* constant divisors, which compile to multiplications */
		uint64		rest = partial == 1 ? magnitude / 10 : partial == 2 ? magnitude / 100 : magnitude / 1000;

		digits[n++] = (int16) ((magnitude - rest * scaled_pow10[partial]) * scaled_pow10[4 - partial]);
		magnitude = rest;
	}
	while (magnitude > 0)
	{
		digits[n++] = (int16) (magnitude % NUMERIC_BASE);
		magnitude /= NUMERIC_BASE;
	}
	for (lo = 0; lo < n && digits[lo] == 0; lo++)
		;
	for (hi = n; hi > lo && digits[hi - 1] == 0; hi--)
		;
	weight = hi > lo ? hi - 1 - (scale + 3) / 4 : 0;
	header = NUMERIC_SHORT | (scale << NUMERIC_SHORT_DSCALE_SHIFT) |
		(value < 0 && hi > lo ? NUMERIC_SHORT_SIGN_MASK : 0) |
		(weight < 0 ? NUMERIC_SHORT_WEIGHT_SIGN_MASK : 0) | (weight & NUMERIC_SHORT_WEIGHT_MASK);
	SET_VARSIZE(buf->bytes, VARHDRSZ + sizeof(uint16) + (hi - lo) * sizeof(int16));
	memcpy(buf->bytes + VARHDRSZ, &header, sizeof(uint16));
	out = (int16 *) (buf->bytes + VARHDRSZ + sizeof(uint16));
	for (int i = hi - 1; i >= lo; i--)
		*out++ = digits[i];
	return (Numeric) buf->bytes;
}

/*
 * Parse a plain decimal "-123.45" (what numeric_out prints for a finite
 * value) into units of 10^-scale: *units = -12345, *scale = 2. False for
 * anything else (NaN, Infinity, an exponent), a nonzero digit beyond
 * SCALED_MAX_DIGITS decimals (zeros there are dropped: a division
 * such as 22 / 100.0 prints 20 decimals) or a value that does not fit in
 * int64.
 */
bool
scaled_parse_decimal(const char *str, int64 *units, int *scale)
{
	const char *p = str;
	bool		negative = false;
	bool		digits = false;
	uint64		magnitude = 0;
	int			decimals = -1;

	if (*p == '-')
	{
		negative = true;
		p++;
	}
	for (; *p; p++)
	{
		if (*p == '.' && decimals < 0)
		{
			decimals = 0;
			continue;
		}
		if (*p < '0' || *p > '9')
			return false;
		/* zeros after the last decimal kept do not change the value */
		if (decimals == SCALED_MAX_DIGITS)
		{
			if (p[strspn(p, "0")] != '\0')
				return false;
			break;
		}
		digits = true;
		if (magnitude > (PG_UINT64_MAX - 9) / 10)
			return false;
		magnitude = magnitude * 10 + (*p - '0');
		if (decimals >= 0)
			decimals++;
	}
	if (!digits || magnitude > (uint64) PG_INT64_MAX + (negative ? 1 : 0))
		return false;
	*units = negative ? (int64) (0 - magnitude) : (int64) magnitude;
	*scale = decimals < 0 ? 0 : decimals;
	return true;
}

/* Append units of 10^-scale as a plain decimal with exactly `scale` digits. */
void
scaled_append_decimal(StringInfo out, int64 units, int scale)
{
	uint64		magnitude = units < 0 ? (uint64) 0 - (uint64) units : (uint64) units;
	char		digits[32];
	int			n;

	n = snprintf(digits, sizeof(digits), UINT64_FORMAT, magnitude);
	if (units < 0)
		appendStringInfoChar(out, '-');
	if (n <= scale)
	{
		appendStringInfoString(out, "0.");
		for (int i = n; i < scale; i++)
			appendStringInfoChar(out, '0');
		appendStringInfoString(out, digits);
		return;
	}
	appendBinaryStringInfo(out, digits, n - scale);
	if (scale > 0)
	{
		appendStringInfoChar(out, '.');
		appendStringInfoString(out, digits + n - scale);
	}
}
