/*-------------------------------------------------------------------------
 *
 * btyd.c
 *	  Checks of the customer summary the buy-till-you-die models share
 *	  (btyd.h): frequency x (repeat purchases), recency t_x (time of the
 *	  last one) and t (age), all measured from the first purchase; and the
 *	  reading of a BG/NBD, MBG/NBD or Pareto/NBD accessor's arguments and
 *	  the check of a model accessor's result.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "utils/float.h"

#include "base/checks.h"
#include "models/btyd.h"
#include "models/model_value.h"
#include "retention.h"

/* A frequency must not be negative (22023 naming it). */
int32
btyd_check_frequency(int32 frequency)
{
	if (frequency < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("frequency must be a non-negative integer"),
				 errdetail("frequency is %d.", frequency)));
	return frequency;
}

/* A frequency given as float8 must be a whole number from 0 to INT_MAX. */
int32
btyd_frequency_from_float8(double frequency)
{
	check_finite(frequency, "frequency");
	if (frequency != floor(frequency) || frequency < 0.0 || frequency > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("frequency must be a non-negative integer"),
				 errdetail("frequency is %s.", float8out_internal(frequency))));
	return (int32) frequency;
}

/*
 * Check one customer summary (frequency x, recency t_x, age T) as the
 * buy-till-you-die models define it: x >= 0, 0 <= t_x <= T, T > 0, and
 * t_x = 0 when x = 0; error 22023 naming the value otherwise.
 */
void
btyd_check_summary(int32 frequency, double recency, double t)
{
	btyd_check_frequency(frequency);
	check_nonnegative(recency, "recency");
	check_finite(t, "t");
	if (t <= 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("t must be positive"),
				 errdetail("t is %s.", float8out_internal(t))));
	if (recency > t)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("recency must not exceed t"),
				 errdetail("recency is %s and t is %s.",
						   float8out_internal(recency), float8out_internal(t))));
	if (frequency == 0 && recency != 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("recency must be 0 when frequency is 0"),
				 errdetail("recency is %s with frequency 0.",
						   float8out_internal(recency))));
}

/*
 * An accessor's result of a four-parameter model of a customer's history
 * (the purchase models, BG/BB), checked: finite, else 22003 with the
 * model's parameters (named by names) and the call's four inputs (named by
 * call_names; NaN for those the call does not have) in the detail.
 */
double
btyd_check_model_result(double value, const char *quantity,
						const char *const *names, const double *params,
						const char *const *call_names, const double *call)
{
	const char *const input_names[8] = {
		names[0], names[1], names[2], names[3],
		call_names[0], call_names[1], call_names[2], call_names[3]
	};
	double		inputs[8] = {params[0], params[1], params[2], params[3],
	call[0], call[1], call[2], call[3]};

	return check_model_result(value, quantity, 8, input_names, inputs);
}

/*
 * An accessor's result of a four-parameter purchase model (BG/NBD,
 * MBG/NBD, Pareto/NBD), checked (btyd_check_model_result) with the call's
 * horizon, frequency, recency and t.
 */
double
btyd_check_result(double value, const char *quantity,
				  const char *const *names, const double *params,
				  double horizon, double x, double tx, double t)
{
	static const char *const call_names[4] = {"horizon", "frequency", "recency", "t"};
	double		call[4] = {horizon, x, tx, t};

	return btyd_check_model_result(value, quantity, names, params, call_names, call);
}

/*
 * Read and check the arguments of a four-parameter purchase model's
 * accessor of this shape into *args, in the order every such accessor
 * checks them: the horizon (finite, non-negative), then the model's
 * parameters (named by names), then the customer summary
 * (btyd_check_summary) or n (non-negative). False, with nothing checked
 * after the parameters, when the model has a NULL parameter: the accessor
 * returns NULL.
 */
bool
btyd_accessor_args(FunctionCallInfo fcinfo, BtydAccessorShape shape,
				   const char *const *names, BtydAccessorArgs *args)
{
	bool		history = (shape == BTYD_HORIZON_HISTORY || shape == BTYD_HISTORY);
	int			next = 1;

	args->horizon = NAN;
	args->x = 0;
	args->tx = 0.0;
	args->t = 0.0;
	if (shape == BTYD_COUNT_HORIZON)
	{
		args->x = PG_GETARG_INT32(next++);
		args->tx = NAN;
		args->t = NAN;
	}
	if (shape != BTYD_HISTORY)
	{
		args->horizon = PG_GETARG_FLOAT8(next++);
		check_nonnegative(args->horizon, "horizon");
	}
	if (history)
	{
		args->x = PG_GETARG_INT32(next);
		args->tx = PG_GETARG_FLOAT8(next + 1);
		args->t = PG_GETARG_FLOAT8(next + 2);
	}
	if (!model_params(PG_GETARG_HEAPTUPLEHEADER(0), 4, names, args->params))
		return false;
	if (history)
		btyd_check_summary(args->x, args->tx, args->t);
	if (shape == BTYD_COUNT_HORIZON && args->x < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n must not be negative"),
				 errdetail("n is %d.", args->x)));
	return true;
}
