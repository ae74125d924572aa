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
#include "models/btyd.h"
#include "models/gamma_gamma.h"
#include "retention.h"

/*
 * The discounted sum stops once what the remaining months can add is below
 * this share of the sum (the models' own accuracy is about 1e-10).
 */
#define CLTV_EPS			1e-12

/*
 * Budget of the discounted sum, in units of alpha + t: month i costs a
 * hypergeometric series of about 40 (1 + i f / (alpha + t)) terms, so the
 * sum over the months may cost at most this many units (about a second);
 * a call that needs more (a monthly discount below about 0.01 with a
 * horizon of decades and more, in weeks or days) is refused with 54000
 * rather than left running.
 */
#define CLTV_MAX_WORK		1e6

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
 * model has a NULL parameter. At d = 0 the sum is E[X(months f)] spend.
 * Otherwise it stops where the rest is provably below CLTV_EPS of the sum:
 * E is concave in the horizon (E[(1 - exp(-lambda p h)) / p] over the
 * posterior, times P(alive)), so the months after i add at most
 * (E_i - E_(i-1)) sum_{j>i} (1 + d)^-j = (E_i - E_(i-1)) (1 + d)^-i / d.
 * A sum that needs more than CLTV_MAX_WORK is an error (54000).
 */
PG_FUNCTION_INFO_V1(cltv_btyd);
Datum
cltv_btyd(PG_FUNCTION_ARGS)
{
	static const char *const input_names[] = {
		"r", "alpha", "a", "b", "p", "q", "v", "frequency", "recency", "t",
		"monetary_value", "months", "discount_rate"
	};
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
	double		work = 0.0;
	double		inputs[13];

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
	memcpy(inputs, purchase, sizeof(purchase));
	memcpy(inputs + 4, spend_params, sizeof(spend_params));
	inputs[7] = x;
	inputs[8] = tx;
	inputs[9] = t;
	inputs[10] = monetary_value;
	inputs[11] = months;
	inputs[12] = discount;
	spend = gamma_gamma_spend(spend_params, x, monetary_value);
	log_growth = log1p(discount);

	/* undiscounted, the sum telescopes */
	if (discount == 0.0 || months == 0)
		PG_RETURN_FLOAT8(check_model_result(spend * (months == 0 ? 0.0 :
													 bgnbd_expected(purchase, x, tx, t, (double) months * f)),
											"lifetime value", 13, input_names, inputs));

	for (int32 i = 1; i <= months; i++)
	{
		double		expected;
		double		increment;

		CHECK_FOR_INTERRUPTS();
		work += 1.0 + i * f / (purchase[1] + t);
		if (work > CLTV_MAX_WORK)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("lifetime value needs too many months of the sum at discount_rate %s",
							float8out_internal(discount)),
					 errdetail("After month %d the remaining months can still add more than %g of the value, and the months after it cost more than allowed.",
							   i - 1, CLTV_EPS),
					 errhint("Use fewer months or a larger discount rate.")));
		expected = bgnbd_expected(purchase, x, tx, t, i * f);
		increment = fmax(expected - previous, 0.0) * exp(-i * log_growth);
		value += increment;
		previous = expected;
		if (increment <= CLTV_EPS * discount * value)
			break;
	}
	PG_RETURN_FLOAT8(check_model_result(value * spend, "lifetime value", 13,
										input_names, inputs));
}
