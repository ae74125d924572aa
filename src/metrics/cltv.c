/*-------------------------------------------------------------------------
 *
 * cltv.c
 *	  Simple customer lifetime value and acquisition-cost payback: the
 *	  geometric-retention formulas of DESIGN section 4.
 *
 * With a per-period revenue R, margin m, churn c and discount d, a customer
 * who is still there in period t (t = 0, 1, ...) with probability (1 - c)^t
 * is worth m R (1 - c)^t / (1 + d)^t in that period. The infinite sum is
 * m R (1 + d) / (d + c) (Gupta & Lehmann 2003, "Customers as assets",
 * Journal of Interactive Marketing 17(1), with the first period
 * undiscounted); with d = 0 it is the familiar R / c.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "miscadmin.h"

#include "base/checks.h"
#include "retention.h"

/*
 * Up to these many periods the finite sums are added period by period, as a
 * spreadsheet would, so that exact inputs give exact answers; beyond them
 * the closed forms are used. cltv runs once per row, so its bound is low.
 */
#define CLTV_DIRECT_SUM_MAX_HORIZON		1000
#define PAYBACK_DIRECT_SUM_MAX_PERIODS	1000000

/*
 * Sum_{t=0}^{H-1} q^t for q = (1 - churn) / (1 + discount), H >= 1.
 */
static double
retained_periods(double churn, double discount, int32 horizon)
{
	double		survival = 1.0 - churn;
	double		growth = 1.0 + discount;

	if (horizon <= CLTV_DIRECT_SUM_MAX_HORIZON)
	{
		double		sum = 0.0;
		double		weight = 1.0;

		for (int32 t = 0; t < horizon; t++)
		{
			sum += weight;
			weight = weight * survival / growth;
		}
		return sum;
	}
	if (churn + discount == 0.0)
		return (double) horizon;
	/* (1 - q^H) / (1 - q), with 1 - q = (c + d) / (1 + d), stable near q = 1 */
	return -expm1((double) horizon * (log1p(-churn) - log1p(discount))) *
		growth / (churn + discount);
}

/*
 * cltv(avg_revenue, churn_rate, discount_rate DEFAULT 0, margin DEFAULT 1,
 *		horizon DEFAULT NULL) returns float8
 *
 * Expected discounted margin of a customer over `horizon` periods, or over
 * an unbounded lifetime when horizon is NULL. Not STRICT, because a NULL
 * horizon means "no horizon"; a NULL in any other argument gives NULL.
 */
PG_FUNCTION_INFO_V1(cltv);
Datum
cltv(PG_FUNCTION_ARGS)
{
	double		avg_revenue;
	double		churn;
	double		discount;
	double		margin;
	double		periods;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_NULL();
	avg_revenue = PG_GETARG_FLOAT8(0);
	churn = PG_GETARG_FLOAT8(1);
	discount = PG_GETARG_FLOAT8(2);
	margin = PG_GETARG_FLOAT8(3);

	check_finite(avg_revenue, "avg_revenue");
	check_fraction(churn, "churn_rate");
	check_nonnegative(discount, "discount_rate");
	check_finite(margin, "margin");

	if (!PG_ARGISNULL(4))
	{
		int32		horizon = PG_GETARG_INT32(4);

		if (horizon < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("horizon must not be negative"),
					 errdetail("horizon is %d.", horizon)));
		periods = horizon == 0 ? 0.0 : retained_periods(churn, discount, horizon);
	}
	else
	{
		if (churn + discount == 0.0)
			ereport(ERROR,
					(errcode(ERRCODE_DIVISION_BY_ZERO),
					 errmsg("lifetime value is unbounded with churn_rate 0 and discount_rate 0"),
					 errhint("Give a horizon, a churn_rate above 0 or a discount_rate above 0.")));
		periods = (1.0 + discount) / (churn + discount);
	}

	/*
	 * A zero factor makes the value 0 even when another factor alone
	 * overflows (0 * Infinity would be NaN).
	 */
	if (periods == 0.0 || margin == 0.0 || avg_revenue == 0.0)
		PG_RETURN_FLOAT8(0.0);
	PG_RETURN_FLOAT8(check_float_result(margin * avg_revenue * periods));
}

/*
 * Periods until the cumulative expected margin Sum_{t=0}^{n-1} m (1 - c)^t
 * reaches cac, added period by period; -1 when that takes more than
 * PAYBACK_DIRECT_SUM_MAX_PERIODS (the caller then uses the closed form).
 */
static int64
payback_by_summing(double cac, double margin, double churn)
{
	double		cumulative = 0.0;
	double		expected_margin = margin;

	for (int64 n = 1; n <= PAYBACK_DIRECT_SUM_MAX_PERIODS; n++)
	{
		if ((n & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		cumulative += expected_margin;
		if (cumulative >= cac)
			return n;
		expected_margin *= 1.0 - churn;
	}
	return -1;
}

/*
 * payback_periods(cac, margin_per_period, churn_rate DEFAULT 0) returns
 * integer
 *
 * The smallest n with Sum_{t=0}^{n-1} m (1 - c)^t >= cac: 0 when cac is 0,
 * NULL when the sum never gets there (its limit m / c is at most cac, or
 * the margin is 0). More periods than an integer holds is error 22003.
 */
PG_FUNCTION_INFO_V1(payback_periods);
Datum
payback_periods(PG_FUNCTION_ARGS)
{
	double		cac = PG_GETARG_FLOAT8(0);
	double		margin = PG_GETARG_FLOAT8(1);
	double		churn = PG_GETARG_FLOAT8(2);
	double		periods;
	int64		n;

	check_nonnegative(cac, "cac");
	check_nonnegative(margin, "margin_per_period");
	check_fraction(churn, "churn_rate");

	if (cac == 0.0)
		PG_RETURN_INT32(0);
	/* the limit m / c is approached but, unless c = 1, never reached */
	if (margin == 0.0 || (churn == 1.0 && margin < cac) ||
		(churn > 0.0 && churn < 1.0 && cac >= margin / churn))
		PG_RETURN_NULL();
	if (churn == 1.0)
		PG_RETURN_INT32(1);

	/* the closed form first, to know whether summing is affordable */
	if (churn == 0.0)
		periods = ceil(cac / margin);
	else
		periods = ceil(log1p(-cac * churn / margin) / log1p(-churn));

	n = periods <= PAYBACK_DIRECT_SUM_MAX_PERIODS ?
		payback_by_summing(cac, margin, churn) : -1;
	if (n < 0)
	{
		if (periods > PG_INT32_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("payback period is out of range for type integer"),
					 errdetail("Reaching cac %s takes about %s periods.",
							   float8out_internal(cac), float8out_internal(periods))));
		n = (int64) periods;
	}
	PG_RETURN_INT32((int32) n);
}
