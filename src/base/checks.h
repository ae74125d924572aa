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

#include "common/int.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/float.h"
#include "utils/fmgrprotos.h"
#include "utils/numeric.h"

/*
 * The error of a float8 argument outside its domain (22023): the message
 * is errmsg_format with the argument's name (say what it must be), the
 * detail names its value. Every float8 checker below raises it.
 */
static inline void
check_refuse(const char *errmsg_format, const char *argname, double value)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg(errmsg_format, argname),
			 errdetail("%s is %s.", argname, float8out_internal(value))));
}

/* A float8 argument must be a number: NaN and +-Infinity are refused. */
static inline void
check_finite(double value, const char *argname)
{
	if (unlikely(isnan(value) || isinf(value)))
		check_refuse("%s must be a finite number", argname, value);
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
		check_refuse("%s must not be negative", argname, value);
}

/* An integer argument that must not be negative (22023 naming it). */
static inline void
check_nonnegative_int(int32 value, const char *argname)
{
	if (unlikely(value < 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be negative", argname),
				 errdetail("%s is %d.", argname, value)));
}

/* A rate such as churn: a finite number between 0 and 1 inclusive. */
static inline void
check_fraction(double value, const char *argname)
{
	check_finite(value, argname);
	if (unlikely(value < 0.0 || value > 1.0))
		check_refuse("%s must be between 0 and 1", argname, value);
}

/*
 * A float8 result that is not a number (NaN, +-Infinity: an overflow or an
 * undefined operation) is an error (22003), never a silent value; call
 * after the arithmetic. The accessors of the models use
 * check_model_result, which also names the inputs.
 */
static inline double
check_float_result(double value)
{
	if (unlikely(isinf(value)))
		float_overflow_error();
	if (unlikely(isnan(value)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("value out of range: not a number")));
	return value;
}

/*
 * A model parameter must be finite and positive (the domain of every
 * parameter of bgnbd, pareto_nbd, gamma_gamma and sbg): else 22023 naming
 * the parameter and its value.
 */
static inline void
check_model_param(double value, const char *name)
{
	check_finite(value, name);
	if (unlikely(value <= 0.0))
		check_refuse("model parameter %s must be positive", name, value);
}

/*
 * The result of a model accessor: value when it is finite, else 22003
 * naming the quantity and, in the detail, the n inputs (the model's
 * parameters and the call's arguments) as name = value.
 */
static inline double
check_model_result(double value, const char *quantity, int n,
				   const char *const *names, const double *inputs)
{
	if (unlikely(isnan(value) || isinf(value)))
	{
		StringInfoData buf;

		initStringInfo(&buf);
		for (int i = 0; i < n; i++)
			appendStringInfo(&buf, "%s%s = %s", i > 0 ? ", " : "", names[i],
							 float8out_internal(inputs[i]));
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s is out of range: %s", quantity,
						isnan(value) ? "not a number" : "infinite"),
				 errdetail("The inputs are %s.", buf.data)));
	}
	return value;
}

/*
 * a + b of two counts of what (subjects, customers), or error 22003 when
 * the sum overflows bigint.
 */
static inline int64
check_add_count(int64 a, int64 b, const char *what)
{
	int64		sum;

	if (unlikely(pg_add_s64_overflow(a, b, &sum)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("bigint out of range"),
				 errdetail("The number of %s overflows bigint.", what)));
	return sum;
}

#endif							/* RETENTION_CHECKS_H */
