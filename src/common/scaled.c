/*-------------------------------------------------------------------------
 *
 * scaled.c
 *	  Exact scaled integers for numeric values (see scaled.h).
 *
 * The digits of a numeric are read through numeric_out, its public text
 * form (plain decimal notation, never an exponent), so nothing here
 * depends on the private layout of the numeric type.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/int.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"

#include "common/scaled.h"
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
 * The finite numeric num as *value / 10^*scale, where *scale is the
 * numeric's display scale. False (outputs undefined) when it has more than
 * SCALED_MAX_DIGITS significant digits or decimals, or is NaN or infinite.
 */
bool
scaled_from_numeric(Numeric num, int64 *value, int *scale)
{
	char	   *text = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(num)));
	const char *p = text;
	bool		negative = false;
	int			digits = 0;
	int			decimals = -1;	/* digits after the point; -1 before it */
	int64		v = 0;

	if (*p == '-')
	{
		negative = true;
		p++;
	}
	for (; *p; p++)
	{
		if (*p == '.')
		{
			decimals = 0;
			continue;
		}
		/* NaN, Infinity, or too many digits (leading zeros do not count) */
		if (*p < '0' || *p > '9' || ((v != 0 || *p != '0') && ++digits > SCALED_MAX_DIGITS))
		{
			pfree(text);
			return false;
		}
		v = v * 10 + (*p - '0');
		if (decimals >= 0)
			decimals++;
	}
	pfree(text);
	if (decimals > SCALED_MAX_DIGITS)
		return false;			/* 0.0000000000000000001 has one digit, scale 19 */
	*value = negative ? -v : v;
	*scale = decimals < 0 ? 0 : decimals;
	return true;
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
scaled_numeric_to_double(Numeric num)
{
	int64		value;
	int			scale;

	if (scaled_from_numeric(num, &value, &scale) &&
		value <= (INT64CONST(1) << 53) && value >= -(INT64CONST(1) << 53))
		return (double) value / (double) scaled_pow10[scale];
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(num)));
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
