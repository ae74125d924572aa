/*-------------------------------------------------------------------------
 *
 * sbg.c
 *	  The shifted-beta-geometric model of contractual retention (Fader &
 *	  Hardie 2007, "How to project customer retention", Journal of
 *	  Interactive Marketing 21(1)) and its discounted expected residual
 *	  lifetime (Fader & Hardie 2010, "Customer-base valuation in a
 *	  contractual setting: the perils of ignoring heterogeneity",
 *	  Marketing Science 29(1)): sbg_fit, sbg_survival, sbg_retention,
 *	  sbg_derl.
 *
 * Each customer renews at the end of every period with probability 1 - theta,
 * theta ~ Beta(alpha, beta) across customers. Then
 * P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta) and
 * S(t) = B(alpha, beta + t) / B(alpha, beta).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "base/checks.h"
#include "math/optim.h"
#include "math/specfun.h"
#include "models/fit.h"
#include "models/model_value.h"
#include "retention.h"

#define SBG_NPARAMS	2

static const char *const sbg_names[SBG_NPARAMS] = {"alpha", "beta"};

/* Survivor counts n_0 .. n_{periods} of one cohort. */
typedef struct SbgData
{
	int			periods;
	const int64 *survivors;
} SbgData;

/*
 * log-likelihood of the survivor counts (Fader & Hardie 2007):
 * sum_{t=1}^{n} (n_{t-1} - n_t) log P(T = t) + n_n log S(n), and its
 * gradient in (alpha, beta) when grad is not NULL. NaN when a cancel is
 * pending (optim_cancel_pending).
 */
static double
sbg_loglik(const void *data, const double *params, double *grad)
{
	const SbgData *cohort = (const SbgData *) data;
	double		alpha = params[0];
	double		beta = params[1];
	double		lbeta_ab = specfun_lbeta(alpha, beta);
	double		psi_a = specfun_digamma(alpha);
	double		psi_b = specfun_digamma(beta);
	double		psi_ab = specfun_digamma(alpha + beta);
	double		psi_a1 = specfun_digamma(alpha + 1.0);
	double		sum = 0.0;
	double		ga = 0.0;
	double		gb = 0.0;
	int			n = cohort->periods;

	for (int t = 1; t <= n; t++)
	{
		double		lost = (double) (cohort->survivors[t - 1] - cohort->survivors[t]);

		if (t % OPTIM_CANCEL_INTERVAL == 0 && optim_cancel_pending())
			return NAN;
		if (lost == 0.0)
			continue;
		sum += lost * (specfun_lbeta(alpha + 1.0, beta + t - 1.0) - lbeta_ab);
		if (grad != NULL)
		{
			double		psi_abt = specfun_digamma(alpha + beta + t);

			ga += lost * (psi_a1 - psi_abt - psi_a + psi_ab);
			gb += lost * (specfun_digamma(beta + t - 1.0) - psi_abt - psi_b + psi_ab);
		}
	}
	if (cohort->survivors[n] > 0)
	{
		double		left = (double) cohort->survivors[n];

		sum += left * (specfun_lbeta(alpha, beta + n) - lbeta_ab);
		if (grad != NULL)
		{
			double		psi_abn = specfun_digamma(alpha + beta + n);

			ga += left * (psi_ab - psi_abn);
			gb += left * (specfun_digamma(beta + n) - psi_abn - psi_b + psi_ab);
		}
	}
	if (grad != NULL)
	{
		grad[0] = ga;
		grad[1] = gb;
	}
	return sum;
}

/* The start of a fit: alpha = beta = 1. */
static bool
sbg_start(const void *data, double *theta)
{
	theta[0] = 0.0;
	theta[1] = 0.0;
	return true;
}

/* The sBG model for the fit driver; a cohort has no customer count. */
static const FitModel sbg_model_spec = {
	.nparams = SBG_NPARAMS,
	.loglik = sbg_loglik,
	.start = sbg_start,
	.has_gradient = true,
	.counts_customers = false,
};

/*
 * The maximum log-likelihood of the homogeneous limit of sBG, one churn
 * probability theta for all: D log theta + (E - D) log(1 - theta) at
 * theta = D / E, D = n_0 - n_n the customers lost, E = sum of n_{t-1} over
 * t = 1..n the periods at risk. Needs 0 < D < E.
 */
static double
sbg_geometric_loglik(const int64 *survivors, int periods)
{
	double		lost = (double) (survivors[0] - survivors[periods]);
	double		exposure = 0.0;
	double		theta;

	for (int t = 1; t <= periods; t++)
		exposure += (double) survivors[t - 1];
	theta = lost / exposure;
	return lost * log(theta) + (exposure - lost) * log1p(-theta);
}

/* An error about the survivors array. */
static void
sbg_bad_survivors(const char *message, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s", message),
			 errdetail("%s", detail)));
}

/*
 * sbg_fit(survivors bigint[]): maximum-likelihood (alpha, beta) of a
 * cohort's survivor counts at t = 0, 1, ..., by L-BFGS on log-parameters
 * from alpha = beta = 1; the log-likelihood and whether it converged. The
 * array must be one-dimensional without NULLs, at least two long, start
 * above 0 and never increase nor go negative. The likelihood has no unique
 * maximum without any churn (all counts equal), when nobody renews
 * (survivors[2] = 0) or with a single period (two counts fix only
 * alpha / (alpha + beta)): converged is false then, and whenever
 * optim_is_minimum finds no interior optimum at the result.
 */
PG_FUNCTION_INFO_V1(sbg_fit);
Datum
sbg_fit(PG_FUNCTION_ARGS)
{
	ArrayType  *array = PG_GETARG_ARRAYTYPE_P(0);
	Datum	   *elems;
	bool	   *elem_nulls;
	int			nelems;
	int64	   *survivors;
	SbgData		data;
	FitProblem	problem;
	FitOutcome	outcome;
	double		theta[SBG_NPARAMS];

	if (ARR_NDIM(array) > 1)
		sbg_bad_survivors("survivors must be a one-dimensional array",
						  psprintf("The array has %d dimensions.", ARR_NDIM(array)));
	deconstruct_array(array, INT8OID, sizeof(int64), FLOAT8PASSBYVAL,
					  TYPALIGN_DOUBLE, &elems, &elem_nulls, &nelems);
	if (nelems < 2)
		sbg_bad_survivors("survivors must have at least two elements",
						  psprintf("The array has %d.", nelems));
	survivors = palloc(nelems * sizeof(int64));
	for (int i = 0; i < nelems; i++)
	{
		if (elem_nulls[i])
			sbg_bad_survivors("survivors must not contain NULLs",
							  psprintf("Element %d is NULL.", i + 1));
		survivors[i] = DatumGetInt64(elems[i]);
		if (survivors[i] < 0)
			sbg_bad_survivors("survivors must not be negative",
							  psprintf("Element %d is " INT64_FORMAT ".", i + 1, survivors[i]));
		if (i > 0 && survivors[i] > survivors[i - 1])
			sbg_bad_survivors("survivors must not increase",
							  psprintf("Element %d is " INT64_FORMAT " after " INT64_FORMAT ".",
									   i + 1, survivors[i], survivors[i - 1]));
	}
	if (survivors[0] == 0)
		sbg_bad_survivors("the first survivor count must be positive",
						  "Element 1 is 0.");

	data.periods = nelems - 1;
	data.survivors = survivors;
	problem.model = &sbg_model_spec;
	problem.data = &data;
	problem.customers = (double) survivors[0];
	problem.penalizer = 0.0;
	sbg_start(&data, theta);
	fit_maximize(&problem, theta, &outcome);

	/*
	 * Identified only with churn, renewals and at least two periods, and
	 * only when the fit beats the homogeneous (geometric) limit alpha, beta
	 * -> infinity: where that limit is the supremum (a geometric cohort, or
	 * retention falling with time) the optimiser stops somewhere on the way.
	 */
	outcome.converged = outcome.converged &&
		survivors[nelems - 1] < survivors[0] && survivors[1] > 0 && nelems >= 3 &&
		outcome.loglik > sbg_geometric_loglik(survivors, nelems - 1);
	PG_RETURN_DATUM(fit_result(fcinfo, &sbg_model_spec, &outcome, 0));
}

/* A period number t >= minimum. */
static void
check_period(int32 t, int32 minimum, const char *argname)
{
	if (t < minimum)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be at least %d", argname, minimum),
				 errdetail("%s is %d.", argname, t)));
}

/* Names of the inputs of the accessors, for the detail of their errors. */
static const char *const sbg_input_names[] = {
	"alpha", "beta", "t", "discount_rate"
};

/*
 * An accessor's result, checked: finite, else 22003 with the model and the
 * call's arguments in the detail.
 */
static double
sbg_result(double value, const char *quantity, const double *params,
		   double t, double d)
{
	double		inputs[4] = {params[0], params[1], t, d};

	return check_model_result(value, quantity, 4, sbg_input_names, inputs);
}

/*
 * log of the retention rate of period t, S(t) / S(t - 1) = (beta + t - 1) /
 * (alpha + beta + t - 1) (Fader & Hardie 2007), as -log1p(alpha / (beta + t
 * - 1)) so that alpha + beta may exceed the float8 range.
 */
static double
sbg_log_retention(double alpha, double beta, double t)
{
	return -log1p(alpha / (beta + (t - 1.0)));
}

/*
 * log S(t) = log B(alpha, beta + t) - log B(alpha, beta), t >= 0. The
 * difference of log-betas loses |log B| ulps, fine while the log-betas are
 * below 1e5 in size; else S(t) is the product of the t retention rates,
 * summed in log space for t up to 1e5; beyond both, an error (22003).
 */
static double
sbg_log_survival(const double *params, int32 t)
{
	double		alpha = params[0];
	double		beta = params[1];
	double		l0;
	double		l1;

	if (t == 0)
		return 0.0;
	l0 = specfun_lbeta(alpha, beta);
	l1 = specfun_lbeta(alpha, beta + t);
	if (isfinite(l0) && isfinite(l1) && fabs(l0) + fabs(l1) < 1e5)
		return l1 - l0;
	if (t <= 100000)
	{
		double		sum = 0.0;

		for (int32 j = 1; j <= t; j++)
			sum += sbg_log_retention(alpha, beta, j);
		return sum;
	}
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("survival cannot be computed accurately for t %d", t),
			 errdetail("log B(alpha, beta) is %s for alpha = %s and beta = %s, too large to subtract, and t is above 100000.",
					   float8out_internal(l0), float8out_internal(alpha),
					   float8out_internal(beta))));
	pg_unreachable();
}

/*
 * The model (argument 0) and the period t (argument 1) of sbg_survival and
 * sbg_retention: false when the model has a NULL parameter, else t must
 * be at least minimum (22023).
 */
static bool
sbg_model_at(FunctionCallInfo fcinfo, int32 minimum, double *params, int32 *t)
{
	*t = PG_GETARG_INT32(1);
	if (!model_params(PG_GETARG_HEAPTUPLEHEADER(0), SBG_NPARAMS, sbg_names, params))
		return false;
	check_period(*t, minimum, "t");
	return true;
}

/*
 * sbg_survival(sbg, t): S(t) = B(alpha, beta + t) / B(alpha, beta), the
 * share of a cohort still there after t periods (t >= 0; S(0) = 1).
 */
PG_FUNCTION_INFO_V1(sbg_survival);
Datum
sbg_survival(PG_FUNCTION_ARGS)
{
	double		params[SBG_NPARAMS];
	int32		t;

	if (!sbg_model_at(fcinfo, 0, params, &t))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(sbg_result(exp(sbg_log_survival(params, t)), "survival",
								params, t, NAN));
}

/*
 * sbg_retention(sbg, t): the retention rate of period t, S(t) / S(t - 1) =
 * (beta + t - 1) / (alpha + beta + t - 1) (Fader & Hardie 2007),
 * t >= 1; it rises with t as the cohort sorts itself.
 */
PG_FUNCTION_INFO_V1(sbg_retention);
Datum
sbg_retention(PG_FUNCTION_ARGS)
{
	double		params[SBG_NPARAMS];
	int32		t;

	if (!sbg_model_at(fcinfo, 1, params, &t))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(sbg_result(exp(sbg_log_retention(params[0], params[1], t)),
								"retention rate", params, t, NAN));
}

/*
 * sbg_derl(sbg, discount_rate, periods_alive): discounted expected
 * residual lifetime of a customer who has been active for n =
 * periods_alive periods (made n - 1 renewals), counted in payments at the
 * coming renewals, the first undiscounted (Fader & Hardie 2010):
 *   sum_{k>=0} S(n + k) / S(n - 1) / (1 + d)^k
 *   = B(alpha, beta + n) / B(alpha, beta + n - 1)
 *     2F1(1, beta + n; alpha + beta + n; 1 / (1 + d)),
 * the ratio of betas being the retention rate of period n. Multiply by the
 * margin per period for the customer's residual value. discount_rate must
 * be above 0 (at 0 the sum is infinite when alpha <= 1). The series needs
 * about 1 / d terms: below d = 1e-6 or so it is an error (22003), as it is
 * when alpha + beta + n overflows.
 */
PG_FUNCTION_INFO_V1(sbg_derl);
Datum
sbg_derl(PG_FUNCTION_ARGS)
{
	double		params[SBG_NPARAMS];
	double		d = PG_GETARG_FLOAT8(1);
	int32		n = PG_GETARG_INT32(2);
	double		alpha;
	double		beta;
	double		l;
	int			sign;

	if (!model_params(PG_GETARG_HEAPTUPLEHEADER(0), SBG_NPARAMS, sbg_names, params))
		PG_RETURN_NULL();
	check_finite(d, "discount_rate");
	if (d <= 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("discount_rate must be positive"),
				 errdetail("discount_rate is %s.", float8out_internal(d))));
	check_period(n, 1, "periods_alive");
	alpha = params[0];
	beta = params[1];
	l = specfun_log_hyp2f1(1.0, beta + n, alpha + beta + n, 1.0 / (1.0 + d), &sign);
	if (isnan(l))
	{
		CHECK_FOR_INTERRUPTS();
		if (d < 1e-3)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("discounted expected residual lifetime cannot be computed for discount_rate %s",
							float8out_internal(d)),
					 errdetail("The hypergeometric series needs about 1 / discount_rate terms, more than allowed.")));
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("discounted expected residual lifetime cannot be computed for these model parameters"),
				 errdetail("The hypergeometric series overflows for alpha = %s, beta = %s and periods_alive %d.",
						   float8out_internal(alpha), float8out_internal(beta), n)));
	}
	PG_RETURN_FLOAT8(sbg_result(exp(sbg_log_retention(alpha, beta, n) + l),
								"discounted expected residual lifetime",
								params, n, d));
}
