/*-------------------------------------------------------------------------
 *
 * checks.h
 *	  Argument checkers shared by the SQL-callable functions: each raises
 *	  the error PostgreSQL itself would (SQLSTATE, message, a detail that
 *	  names the bad value) so callers validate in one line.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_CHECKS_H
#define RETENTION_CHECKS_H

#include <math.h>

#include "fmgr.h"
#include "utils/float.h"
#include "utils/fmgrprotos.h"
#include "utils/numeric.h"

/* A float8 argument must be a number: NaN and +-Infinity are refused. */
static inline void
check_finite(double value, const char *argname)
{
	if (unlikely(isnan(value) || isinf(value)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite number", argname),
				 errdetail("%s is %s.", argname, float8out_internal(value))));
}

/* A numeric argument must be a number: NaN and +-Infinity are refused. */
static inline void
check_finite_numeric(Numeric value, const char *argname)
{
	if (unlikely(numeric_is_nan(value)
#if PG_VERSION_NUM >= 140000
				 || numeric_is_inf(value)
#endif
				 ))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite number", argname),
				 errdetail("%s is %s.", argname,
						   DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(value))))));
}

/* A finite float8 argument that must not be negative. */
static inline void
check_nonnegative(double value, const char *argname)
{
	check_finite(value, argname);
	if (unlikely(value < 0.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be negative", argname),
				 errdetail("%s is %s.", argname, float8out_internal(value))));
}

/* A rate such as churn: a finite number between 0 and 1 inclusive. */
static inline void
check_fraction(double value, const char *argname)
{
	check_finite(value, argname);
	if (unlikely(value < 0.0 || value > 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be between 0 and 1", argname),
				 errdetail("%s is %s.", argname, float8out_internal(value))));
}

/*
 * A float8 result that overflowed to infinity is an error (22003), never a
 * silent Infinity; call after the arithmetic that can overflow.
 */
static inline double
check_float_result(double value)
{
	if (unlikely(isinf(value)))
		float_overflow_error();
	Assert(!isnan(value));
	return value;
}

#endif							/* RETENTION_CHECKS_H */
