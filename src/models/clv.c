/*-------------------------------------------------------------------------
 *
 * clv.c
 *	  Discounted customer lifetime value from a continuous purchase model
 *	  (BG/NBD, MBG/NBD or Pareto/NBD) and a Gamma-Gamma spend model: the
 *	  cltv(model, gamma_gamma, ...) overloads of DESIGN sections 5 and 7
 *	  (SQL name cltv, C symbols cltv_btyd, cltv_mbgnbd, cltv_pareto_nbd),
 *	  and cltv_interval, the same value with a confidence interval from
 *	  both models' parameter covariances (DESIGN section 6).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "base/checks.h"
#include "base/composite.h"
#include "base/time_unit.h"
#include "models/bgnbd.h"
#include "models/btyd.h"
#include "models/gamma_gamma.h"
#include "models/mbgnbd.h"
#include "models/model_value.h"
#include "models/pareto_nbd.h"
#include "retention.h"

/*
 * The discounted sum stops once what the remaining months can add is below
 * this share of the sum (the models' own accuracy is about 1e-10).
 */
#define CLTV_EPS			1e-12

/*
 * Budget of the discounted sum, in units of about 40 series terms (the
 * month costs of ClvPurchaseModel): the sum over the months may cost at
 * most this many units (about a second); a call that needs more (with
 * BG/NBD a monthly discount below about 0.01 with a horizon of decades
 * and more, in weeks or days) is refused with 54000 rather than left
 * running.
 */
#define CLTV_MAX_WORK		1e6

/*
 * Parameters of the two models: r, alpha, a, b (or r, alpha, s, beta) and
 * p, q, v.
 */
#define CLTV_PURCHASE_PARAMS	4
#define CLTV_SPEND_PARAMS		3

/*
 * Relative step of the central differences of the value in each
 * parameter: truncation error about step^2 = 1e-8, rounding about the
 * value's accuracy (1e-10) / step = 1e-6, relative; plenty for a standard
 * error.
 */
#define CLTV_GRADIENT_STEP		1e-4

/* The arguments of one lifetime value, the models apart. */
typedef struct ClvCustomer
{
	int32		x;
	double		tx;
	double		t;
	double		monetary_value;
	int32		months;
	double		discount;
	double		month_length;	/* f: a month in the models' time unit */
} ClvCustomer;

/*
 * A continuous purchase model the value can use: how to read its
 * composite (false when a parameter is NULL), its conditional expected
 * purchases in (t, t + horizon] of a history (which checks its result,
 * 22003), its parameter names (for error details), and the cost of month
 * i's expectation in units of CLTV_MAX_WORK.
 */
typedef struct ClvPurchaseModel
{
	bool		(*params) (HeapTupleHeader model, double *params);
	double		(*expected) (const double *params, double x, double tx,
							 double t, double horizon);
	double		(*month_cost) (const double *params, const ClvCustomer *c,
							   int32 i);
	const char *names[CLTV_PURCHASE_PARAMS];
} ClvPurchaseModel;

/*
 * Cost of month i under BG/NBD or MBG/NBD: a hypergeometric series of
 * about 40 (1 + i f / (alpha + t)) terms (bgnbd_alive_expected).
 */
static double
clv_cost_bgnbd(const double *params, const ClvCustomer *c, int32 i)
{
	return 1.0 + i * c->month_length / (params[1] + c->t);
}

/*
 * Cost of month i under Pareto/NBD: the expectation is a closed form times
 * P(alive), whose two series need about (max(alpha, beta) + t_x) /
 * (min(alpha, beta) + t_x) terms whatever the month.
 */
static double
clv_cost_pareto_nbd(const double *params, const ClvCustomer *c, int32 i)
{
	return 1.0 + (fmax(params[1], params[3]) + c->tx) /
		(fmin(params[1], params[3]) + c->tx) / 40.0;
}

static const ClvPurchaseModel clv_bgnbd = {
	bgnbd_params, bgnbd_expected, clv_cost_bgnbd, {"r", "alpha", "a", "b"}
};

/* MBG/NBD's composite holds BG/NBD's parameters, in the same order */
static const ClvPurchaseModel clv_mbgnbd = {
	bgnbd_params, mbgnbd_expected, clv_cost_bgnbd, {"r", "alpha", "a", "b"}
};

static const ClvPurchaseModel clv_pareto_nbd = {
	pareto_nbd_params, pareto_nbd_expected, clv_cost_pareto_nbd,
	{"r", "alpha", "s", "beta"}
};

/*
 * Discounted expected revenue over the next `months` months:
 *   sum_{i=1}^{months} (E[X(i f)] - E[X((i - 1) f)]) spend / (1 + d)^i,
 * E the purchase model's conditional expected purchases of the customer's
 * history, spend the Gamma-Gamma conditional expected spend, f the length of a
 * month in `unit` (the unit the models were fitted in), d the monthly
 * discount rate. Each month's purchases are discounted at the month's end,
 * as lifetimes' customer_lifetime_value does. 0 for months = 0. At d = 0
 * the sum is E[X(months f)] spend. Otherwise it stops where the rest is
 * provably below CLTV_EPS of the sum: E is concave in the horizon in every
 * model (P(alive) times the alive customer's expectation, for BG/NBD and
 * MBG/NBD E[(1 - exp(-lambda p h)) / p] over the posterior, for Pareto/NBD
 * E[lambda (1 - exp(-mu h)) / mu]), so
 * the months after i add at most (E_i - E_(i-1)) sum_{j>i} (1 + d)^-j =
 * (E_i - E_(i-1)) (1 + d)^-i / d. A sum that needs more than
 * CLTV_MAX_WORK is an error (54000); so is a non-finite value (22003, the
 * models and the arguments in the detail). The arguments are checked by
 * the caller (clv_customer).
 */
static double
clv_value(const ClvPurchaseModel *model, const double *purchase,
		  const double *spend_params, const ClvCustomer *c)
{
	const char *input_names[] = {
		model->names[0], model->names[1], model->names[2], model->names[3],
		"p", "q", "v", "frequency", "recency", "t",
		"monetary_value", "months", "discount_rate"
	};
	double		spend;
	double		previous = 0.0;
	double		value = 0.0;
	double		log_growth;
	double		work = 0.0;
	double		inputs[13];

	memcpy(inputs, purchase, CLTV_PURCHASE_PARAMS * sizeof(double));
	memcpy(inputs + 4, spend_params, CLTV_SPEND_PARAMS * sizeof(double));
	inputs[7] = c->x;
	inputs[8] = c->tx;
	inputs[9] = c->t;
	inputs[10] = c->monetary_value;
	inputs[11] = c->months;
	inputs[12] = c->discount;
	spend = gamma_gamma_spend(spend_params, c->x, c->monetary_value);
	log_growth = log1p(c->discount);

	/* undiscounted, the sum telescopes */
	if (c->discount == 0.0 || c->months == 0)
		return check_model_result(spend * (c->months == 0 ? 0.0 :
										   model->expected(purchase, c->x, c->tx, c->t,
														   (double) c->months * c->month_length)),
								  "lifetime value", 13, input_names, inputs);

	for (int32 i = 1; i <= c->months; i++)
	{
		double		expected;
		double		increment;

		CHECK_FOR_INTERRUPTS();
		work += model->month_cost(purchase, c, i);
		if (work > CLTV_MAX_WORK)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("lifetime value needs too many months of the sum at discount_rate %s",
							float8out_internal(c->discount)),
					 errdetail("After month %d the remaining months can still add more than %g of the value, and the months after it cost more than allowed.",
							   i - 1, CLTV_EPS),
					 errhint("Use fewer months or a larger discount rate.")));
		expected = model->expected(purchase, c->x, c->tx, c->t, i * c->month_length);
		increment = fmax(expected - previous, 0.0) * exp(-i * log_growth);
		value += increment;
		previous = expected;
		if (increment <= CLTV_EPS * c->discount * value)
			break;
	}
	return check_model_result(value * spend, "lifetime value", 13,
							  input_names, inputs);
}

/*
 * The customer and horizon arguments 2 .. 8 of cltv and cltv_interval
 * (frequency, recency, t, monetary_value, months, discount_rate, unit),
 * checked: the history as btyd_check_summary checks it, discount_rate
 * finite and not negative, months not negative (22023).
 */
static void
clv_customer(FunctionCallInfo fcinfo, ClvCustomer *c)
{
	c->x = PG_GETARG_INT32(2);
	c->tx = PG_GETARG_FLOAT8(3);
	c->t = PG_GETARG_FLOAT8(4);
	c->monetary_value = PG_GETARG_FLOAT8(5);
	c->months = PG_GETARG_INT32(6);
	c->discount = PG_GETARG_FLOAT8(7);
	c->month_length = time_unit_month_length(time_unit_of(PG_GETARG_DATUM(8)));
	btyd_check_summary(c->x, c->tx, c->t);
	check_nonnegative(c->discount, "discount_rate");
	if (c->months < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("months must not be negative"),
				 errdetail("months is %d.", c->months)));
}

/*
 * cltv(model, gamma_gamma, frequency, recency, t, monetary_value, months,
 *		discount_rate, unit) returns float8, for every purchase model: the
 * clv_value of the customer under the two models; NULL when a model has
 * a NULL parameter.
 */
static Datum
clv_point(FunctionCallInfo fcinfo, const ClvPurchaseModel *model)
{
	double		purchase[CLTV_PURCHASE_PARAMS];
	double		spend_params[CLTV_SPEND_PARAMS];
	ClvCustomer c;

	if (!model->params(PG_GETARG_HEAPTUPLEHEADER(0), purchase) ||
		!gamma_gamma_params(PG_GETARG_HEAPTUPLEHEADER(1), spend_params))
		PG_RETURN_NULL();
	clv_customer(fcinfo, &c);
	PG_RETURN_FLOAT8(clv_value(model, purchase, spend_params, &c));
}

/* cltv(bgnbd, gamma_gamma, ...): clv_point under BG/NBD. */
SQL_FUNCTION(cltv_btyd, clv_point(fcinfo, &clv_bgnbd));

/* cltv(mbgnbd, gamma_gamma, ...): clv_point under MBG/NBD. */
SQL_FUNCTION(cltv_mbgnbd, clv_point(fcinfo, &clv_mbgnbd));

/* cltv(pareto_nbd, gamma_gamma, ...): clv_point under Pareto/NBD. */
SQL_FUNCTION(cltv_pareto_nbd, clv_point(fcinfo, &clv_pareto_nbd));

/*
 * The standard normal quantile z with P(Z > z) = q, 0 < q <= 0.5: Newton's
 * method on log Q(z) - log q, Q(z) = erfc(z / sqrt 2) / 2, from
 * z = sqrt(-2 log q), which lies above the root (Q(z) <= exp(-z^2 / 2) / 2
 * for z >= 0). log Q is concave and decreasing, so the steps fall to the
 * root monotonically from there, never past it; q >= 1e-17 (what a level
 * below 1 in float8 allows) keeps z below 9, where erfc is accurate.
 */
static double
clv_normal_upper_quantile(double q)
{
	double		z = sqrt(-2.0 * log(q));

	for (int k = 0; k < 100; k++)
	{
		double		upper = 0.5 * erfc(z / M_SQRT2);
		double		density = exp(-0.5 * z * z) / sqrt(2.0 * M_PI);
		double		step = (log(upper) - log(q)) * upper / density;

		z += step;
		if (fabs(step) <= 1e-15 * fabs(z))
			break;
	}
	return z;
}

/*
 * The variance of the value from one model's parameter covariance by the
 * delta method: g' cov g, g the value's gradient in the n parameters of
 * that model (which of the two: params is purchase or spend_params), by
 * central differences with relative steps CLTV_GRADIENT_STEP. A negative
 * result (a covariance that is not positive semi-definite, written by
 * hand) is an error (22023).
 */
static double
clv_delta_variance(const ClvPurchaseModel *model, double *purchase,
				   double *spend_params, double *params, int n,
				   const double *cov, const ClvCustomer *c)
{
	double		g[CLTV_PURCHASE_PARAMS];
	double		variance = 0.0;

	for (int i = 0; i < n; i++)
	{
		double		keep = params[i];
		double		h = CLTV_GRADIENT_STEP * keep;
		double		up;
		double		down;

		params[i] = keep + h;
		up = clv_value(model, purchase, spend_params, c);
		params[i] = keep - h;
		down = clv_value(model, purchase, spend_params, c);
		params[i] = keep;
		g[i] = (up - down) / (2.0 * h);
	}
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			variance += g[i] * cov[i * n + j] * g[j];
	if (variance < 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid covariance in model"),
				 errdetail("The covariance is not positive semi-definite: the variance of the lifetime value is %s.",
						   float8out_internal(variance))));
	return variance;
}

/*
 * cltv_interval(model, gamma_gamma, frequency, recency, t, monetary_value,
 *				 months, discount_rate, unit, level,
 *				 OUT estimate, OUT lower, OUT upper), for every purchase model
 *
 * cltv with a confidence interval at level (0 < level < 1, else 22023) for
 * the customer's expected lifetime value, from the uncertainty of both
 * models' parameters (their covariance attributes, the two fits taken as
 * independent: they are fitted to different data, purchase timing and
 * spend). Delta method on the log scale: with g the value's gradient in
 * all seven parameters (the purchase model's four, Gamma-Gamma's three), Var(log V) = g' Cov g / V^2, and the interval is
 * V exp(-+ z sd(log V)), z the normal quantile of (1 + level) / 2. The log
 * scale keeps the interval positive and asymmetric, as the sampling
 * distribution of a positive value skewed to the right is; both scales
 * agree to first order. lower and upper are NULL when a model has no
 * covariance; all three are NULL when a model has a NULL parameter. A
 * value of 0 (months = 0) has the interval [0, 0].
 */
static Datum
clv_interval(FunctionCallInfo fcinfo, const ClvPurchaseModel *model)
{
	HeapTupleHeader purchase_model = PG_GETARG_HEAPTUPLEHEADER(0);
	HeapTupleHeader spend_model = PG_GETARG_HEAPTUPLEHEADER(1);
	double		level = PG_GETARG_FLOAT8(9);
	double		purchase[CLTV_PURCHASE_PARAMS];
	double		spend_params[CLTV_SPEND_PARAMS];
	double		purchase_cov[CLTV_PURCHASE_PARAMS * CLTV_PURCHASE_PARAMS];
	double		spend_cov[CLTV_SPEND_PARAMS * CLTV_SPEND_PARAMS];
	ClvCustomer c;
	double		value;
	Datum		values[3] = {0};
	bool		nulls[3] = {false, true, true};

	if (!(level > 0.0 && level < 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("level must be between 0 and 1"),
				 errdetail("level is %s; a confidence level is above 0 and below 1, such as 0.95.",
						   float8out_internal(level))));
	if (!model->params(purchase_model, purchase) ||
		!gamma_gamma_params(spend_model, spend_params))
		PG_RETURN_NULL();
	clv_customer(fcinfo, &c);
	value = clv_value(model, purchase, spend_params, &c);
	values[0] = Float8GetDatum(value);
	if (model_covariance(purchase_model, CLTV_PURCHASE_PARAMS, purchase_cov) &&
		model_covariance(spend_model, CLTV_SPEND_PARAMS, spend_cov))
	{
		double		variance;
		double		spread;

		variance = clv_delta_variance(model, purchase, spend_params, purchase,
									  CLTV_PURCHASE_PARAMS, purchase_cov, &c) +
			clv_delta_variance(model, purchase, spend_params, spend_params,
							   CLTV_SPEND_PARAMS, spend_cov, &c);
		spread = value > 0.0 ?
			clv_normal_upper_quantile(0.5 * (1.0 - level)) * sqrt(variance) / value :
			0.0;
		values[1] = Float8GetDatum(value * exp(-spread));
		values[2] = Float8GetDatum(value * exp(spread));
		nulls[1] = nulls[2] = !isfinite(spread);
	}
	PG_RETURN_DATUM(composite_result(fcinfo, 3, values, nulls));
}

/* cltv_interval(bgnbd, gamma_gamma, ...): clv_interval under BG/NBD. */
SQL_FUNCTION(cltv_interval, clv_interval(fcinfo, &clv_bgnbd));

/* cltv_interval(mbgnbd, gamma_gamma, ...): clv_interval under MBG/NBD. */
SQL_FUNCTION(cltv_interval_mbgnbd, clv_interval(fcinfo, &clv_mbgnbd));

/* cltv_interval(pareto_nbd, gamma_gamma, ...): clv_interval under Pareto/NBD. */
SQL_FUNCTION(cltv_interval_pareto_nbd, clv_interval(fcinfo, &clv_pareto_nbd));
