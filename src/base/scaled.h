/*-------------------------------------------------------------------------
 *
 * scaled.h
 *	  Exact scaled integers for numeric values: a finite numeric whose
 *	  digits fit in 18 decimal places is value / 10^scale with an int64
 *	  value, so sums and comparisons of money amounts can run on integers
 *	  and fall back to numeric arithmetic only when a value does not fit.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_SCALED_H
#define RETENTION_SCALED_H

#include "lib/stringinfo.h"
#include "utils/numeric.h"

/* The most decimal digits (and so the largest scale) a scaled int64 holds. */
#define SCALED_MAX_DIGITS	18

/* 10^k for k = 0..SCALED_MAX_DIGITS */
extern const int64 scaled_pow10[SCALED_MAX_DIGITS + 1];

/*
 * A numeric as stored: sign, base-10000 weight, display scale and digits,
 * read in place from a datum that may have a short (1-byte) varlena header.
 * "special" (NaN or an infinity) leaves the other fields zero.
 */
typedef struct NumericParts
{
	bool		special;
	bool		negative;
	int			weight;			/* the first digit counts 10000^weight */
	int			dscale;			/* display scale: decimals printed */
	int			ndigits;
	const char *digits;			/* ndigits int16 digits, maybe unaligned */
} NumericParts;

/*
 * Room for a numeric of a scaled int64 (scaled_to_numeric_in): a 4-byte
 * varlena header, a short numeric header and at most 6 base-10000 digits
 * (|value| <= 2^63 has 19 decimal digits, which the scale may split).
 */
typedef union ScaledNumeric
{
	int32		align;
	char		bytes[VARHDRSZ + sizeof(uint16) + 8 * sizeof(int16)];
} ScaledNumeric;

extern void numeric_parts(Datum num, NumericParts *parts);
extern bool scaled_from_parts(const NumericParts *parts, int max_scale,
							  int64 *value, int *scale);
extern bool scaled_from_numeric(Datum num, int64 *value, int *scale);
extern bool scaled_rescale(int64 *value, int from_scale, int to_scale);
extern Numeric scaled_to_numeric(int64 value, int scale);
extern Numeric scaled_to_numeric_in(int64 value, int scale, ScaledNumeric *buf);
extern double scaled_numeric_to_double(Datum num);
extern Numeric scaled_double_to_numeric(double value);
extern bool scaled_parse_decimal(const char *str, int64 *units, int *scale);
extern void scaled_append_decimal(StringInfo out, int64 units, int scale);

/* Digit i (0-based) of parts, which need not be aligned. */
static inline int
numeric_parts_digit(const NumericParts *parts, int i)
{
	int16		digit;

	memcpy(&digit, parts->digits + i * sizeof(int16), sizeof(int16));
	return digit;
}

#endif							/* RETENTION_SCALED_H */
