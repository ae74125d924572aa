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

#include "utils/numeric.h"

/* The most decimal digits (and so the largest scale) a scaled int64 holds. */
#define SCALED_MAX_DIGITS	18

/* 10^k for k = 0..SCALED_MAX_DIGITS */
extern const int64 scaled_pow10[SCALED_MAX_DIGITS + 1];

extern bool scaled_from_numeric(Numeric num, int64 *value, int *scale);
extern bool scaled_rescale(int64 *value, int from_scale, int to_scale);
extern Numeric scaled_to_numeric(int64 value, int scale);
extern double scaled_numeric_to_double(Numeric num);
extern Numeric scaled_double_to_numeric(double value);

#endif							/* RETENTION_SCALED_H */
