/*-------------------------------------------------------------------------
 *
 * clv.c
 *	  Discounted customer lifetime value from a BG/NBD purchase model and a
 *	  Gamma-Gamma spend model: the cltv(bgnbd, gamma_gamma, ...) overload
 *	  of DESIGN section 5 (SQL name cltv, C symbol cltv_btyd).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "base/checks.h"
#include "base/time_unit.h"
#include "models/bgnbd.h"
#include "models/fit.h"
#include "models/gamma_gamma.h"
#include "retention.h"

/*
 * cltv(bgnbd, gamma_gamma, frequency, recency, t, monetary_value, months,
 *		discount_rate, unit) returns float8
 *
 * Discounted expected revenue over the next `months` months:
 *   sum_{i=1}^{months} (E[X(i f)] - E[X((i - 1) f)]) spend / (1 + d)^i,
 * E the BG/NBD conditional expected purchases of the customer's history,
 * spend the Gamma-Gamma conditional expected spend, f the length of a
 * month in `unit` (the unit the models were fitted in), d the monthly
 * discount rate. Each month's purchases are discounted at the month's end,
 * as lifetimes' customer_lifetime_value does. 0 for months = 0; NULL when a
 * model has a NULL parameter. At d = 0 the sum is E[X(months f)] spend;
 * otherwise it stops where the rest is below rounding.
 */
PG_FUNCTION_INFO_V1(cltv_btyd);
Datum
cltv_btyd(PG_FUNCTION_ARGS)
{
	double		purchase[4];
	double		spend_params[3];
	int32		x = PG_GETARG_INT32(2);
	double		tx = PG_GETARG_FLOAT8(3);
	double		t = PG_GETARG_FLOAT8(4);
	double		monetary_value = PG_GETARG_FLOAT8(5);
	int32		months = PG_GETARG_INT32(6);
	double		discount = PG_GETARG_FLOAT8(7);
	double		f = time_unit_month_length(time_unit_of(PG_GETARG_DATUM(8)));
	double		spend;
	double		previous = 0.0;
	double		value = 0.0;
	double		log_growth;
	double		rate;

	if (!bgnbd_params(PG_GETARG_HEAPTUPLEHEADER(0), purchase) ||
		!gamma_gamma_params(PG_GETARG_HEAPTUPLEHEADER(1), spend_params))
		PG_RETURN_NULL();
	btyd_check_summary(x, tx, t);
	check_nonnegative(discount, "discount_rate");
	if (months < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("months must not be negative"),
				 errdetail("months is %d.", months)));
	spend = gamma_gamma_spend(spend_params, x, monetary_value);
	log_growth = log1p(discount);

	/* undiscounted, the sum telescopes */
	if (discount == 0.0 || months == 0)
		PG_RETURN_FLOAT8(check_float_result(spend * (months == 0 ? 0.0 :
													 bgnbd_expected(purchase, x, tx, t, months * f))));

	/*
	 * A month adds at most f (r + x) / (alpha + t) purchases (the rate of a
	 * customer alive for sure), so the months after i add at most
	 * f (r + x) / (alpha + t) (1 + d)^-(i + 1) (1 + d) / d: stop once that is
	 * below the rounding of the sum, so that months in the millions cost
	 * what the discount leaves of them.
	 */
	rate = f * (purchase[0] + x) / (purchase[1] + t) * (1.0 + discount) / discount;
	for (int32 i = 1; i <= months; i++)
	{
		double		expected;

		CHECK_FOR_INTERRUPTS();
		expected = bgnbd_expected(purchase, x, tx, t, i * f);
		value += (expected - previous) * exp(-i * log_growth);
		previous = expected;
		if (rate * exp(-(i + 1.0) * log_growth) <= 1e-17 * value)
			break;
	}
	PG_RETURN_FLOAT8(check_float_result(value * spend));
}
