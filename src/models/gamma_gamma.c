/*-------------------------------------------------------------------------
 *
 * gamma_gamma.c
 *	  The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee
 *	  2005, "RFM and CLV: using iso-value curves for customer base
 *	  analysis", Journal of Marketing Research 42(4); Fader & Hardie 2013,
 *	  "The Gamma-Gamma model of monetary value"): gamma_gamma_fit and
 *	  gamma_gamma_expected_spend.
 *
 * A customer's transaction values are Gamma(p, nu) with nu ~ Gamma(q, v)
 * across customers; the mean zbar of x repeat transactions is then
 * Gamma(p x, nu x). The model assumes spend independent of the purchase
 * process.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "base/checks.h"
#include "math/optim.h"
#include "math/specfun.h"
#include "models/btyd.h"
#include "models/btyd_population.h"
#include "models/fit.h"
#include "models/fit_state.h"
#include "models/model_value.h"
#include "models/gamma_gamma.h"
#include "retention.h"

#define GG_NPARAMS	3

static const char *const gg_names[GG_NPARAMS] = {"p", "q", "v"};

/*
 * The rows of a fit as gamma_gamma_loglik reads them: each row's
 * log(monetary_value) into its third value (0 until then), computed once
 * rather than in every evaluation of the likelihood.
 */
static void
gamma_gamma_prepare(void *data)
{
	FitRows    *rows = (FitRows *) data;

	for (int64 i = 0; i < rows->nrows; i++)
		rows->values[2][i] = log(rows->values[1][i]);
}

/*
 * What the terms of a row need of its x alone, computed once per run of
 * rows with that x (the rows are sorted by x): x, p x, log x, the part of
 * the row's log-likelihood free of its spend, and the digamma and trigamma
 * values of its gradient and Hessian.
 */
typedef struct GgXTerms
{
	double		x;
	double		px;
	double		log_x;
	double		common;
	double		psi_pxq;
	double		psi_px;
	double		tri_pxq;
	double		tri_px;
} GgXTerms;

/* The GgXTerms of x at (p, q, v), given lgamma(q) and log(v). */
static inline void
gg_x_terms(GgXTerms *t, double x, double p, double q, double lgamma_q,
		   double log_v, bool grad, bool hess)
{
	t->x = x;
	t->px = p * x;
	t->log_x = log(x);
	t->common = specfun_lgamma(t->px + q) - specfun_lgamma(t->px) - lgamma_q +
		q * log_v + t->px * t->log_x;
	if (grad)
	{
		t->psi_pxq = specfun_digamma(t->px + q);
		t->psi_px = specfun_digamma(t->px);
	}
	if (hess)
	{
		t->tri_pxq = specfun_trigamma(t->px + q);
		t->tri_px = specfun_trigamma(t->px);
	}
}

/*
 * Sum over the rows of weight * log f(zbar | p, q, v, x), the marginal
 * density of the mean spend zbar of x transactions:
 *   log Gamma(p x + q) - log Gamma(p x) - log Gamma(q) + q log v
 *   + (p x - 1) log zbar + p x log x - (p x + q) log(v + x zbar),
 * the full log-density (the log-likelihood lifetimes reports); its
 * gradient in (p, q, v) when grad is not NULL, and when hess is not NULL
 * too its Hessian (3 x 3, row-major): with L = log(v + x zbar) and
 * D = 1 / (v + x zbar),
 *   d/dp = x [psi(p x + q) - psi(p x) + log zbar + log x - L],
 *   d/dq = psi(p x + q) - psi(q) + log v - L,
 *   d/dv = q / v - (p x + q) D,
 *   d2/dp2 = x^2 [psi'(p x + q) - psi'(p x)],  d2/dp dq = x psi'(p x + q),
 *   d2/dp dv = -x D,  d2/dq2 = psi'(p x + q) - psi'(q),  d2/dq dv = 1 / v - D,
 *   d2/dv2 = (p x + q) D^2 - q / v^2.
 * Rows are sorted by x and carry log zbar (gamma_gamma_prepare), so a row
 * costs one log. NaN when a cancel is pending (optim_cancel_pending).
 */
static double
gamma_gamma_loglik_sums(const void *data, const double *params, double *grad,
						double *hess)
{
	const FitRows *rows = (const FitRows *) data;
	double		p = params[0];
	double		q = params[1];
	double		v = params[2];
	const double *xs = rows->values[0];
	const double *ms = rows->values[1];
	const double *log_ms = rows->values[2];
	double		lgamma_q = specfun_lgamma(q);
	double		psi_q = specfun_digamma(q);
	double		tri_q = hess != NULL ? specfun_trigamma(q) : 0.0;
	double		log_v = log(v);
	double		sum = 0.0;
	double		g[GG_NPARAMS] = {0.0, 0.0, 0.0};
	double		h[GG_NPARAMS][GG_NPARAMS] = {{0.0}};
	GgXTerms	t = {.x = -1.0};

	for (int64 i = 0; i < rows->nrows; i++)
	{
		double		w = rows->weight[i];
		double		log_m = log_ms[i];
		double		log_vxm;

		if (i % OPTIM_CANCEL_INTERVAL == 0 && optim_cancel_pending())
			return NAN;
		if (xs[i] != t.x)
			gg_x_terms(&t, xs[i], p, q, lgamma_q, log_v, grad != NULL, hess != NULL);
		log_vxm = log(v + t.x * ms[i]);
		sum += w * (t.common + (t.px - 1.0) * log_m - (t.px + q) * log_vxm);
		if (grad != NULL)
		{
			g[0] += w * t.x * (t.psi_pxq - t.psi_px + log_m + t.log_x - log_vxm);
			g[1] += w * (t.psi_pxq - psi_q + log_v - log_vxm);
			g[2] += w * (q / v - (t.px + q) / (v + t.x * ms[i]));
			if (hess != NULL)
			{
				double		d = 1.0 / (v + t.x * ms[i]);

				h[0][0] += w * t.x * t.x * (t.tri_pxq - t.tri_px);
				h[0][1] += w * t.x * t.tri_pxq;
				h[0][2] -= w * t.x * d;
				h[1][1] += w * (t.tri_pxq - tri_q);
				h[1][2] += w * (1.0 / v - d);
				h[2][2] += w * ((t.px + q) * d * d - q / (v * v));
			}
		}
	}
	if (grad != NULL)
		memcpy(grad, g, sizeof(g));
	if (hess != NULL)
		for (int j = 0; j < GG_NPARAMS; j++)
			for (int k = 0; k < GG_NPARAMS; k++)
				hess[j * GG_NPARAMS + k] = k >= j ? h[j][k] : h[k][j];
	return sum;
}

/* The log-likelihood and its gradient (gamma_gamma_loglik_sums). */
static double
gamma_gamma_loglik(const void *data, const double *params, double *grad)
{
	return gamma_gamma_loglik_sums(data, params, grad, NULL);
}

/* The log-likelihood, its gradient and Hessian (gamma_gamma_loglik_sums). */
static double
gamma_gamma_loglik_hessian(const void *data, const double *params,
						   double *grad, double *hess)
{
	return gamma_gamma_loglik_sums(data, params, grad, hess);
}

/* The start of a fit: p = q = 1, v = the mean spend. */
static bool
gamma_gamma_start(const void *data, double *theta)
{
	const FitRows *rows = (const FitRows *) data;
	double		sum_m = 0.0;

	for (int64 i = 0; i < rows->nrows; i++)
		sum_m += rows->weight[i] * rows->values[1][i];
	theta[0] = 0.0;
	theta[1] = 0.0;
	theta[2] = log(sum_m / (double) rows->customers);
	return true;
}

/* Gamma-Gamma for the fit driver. */
static const FitModel gamma_gamma_model_spec = {
	.nparams = GG_NPARAMS,
	.loglik = gamma_gamma_loglik,
	.start = gamma_gamma_start,
	.prepare = gamma_gamma_prepare,
	.hessian = gamma_gamma_loglik_hessian,
	.has_gradient = true,
	.counts_customers = true,
};

/*
 * gamma_gamma_fit(frequency, monetary_value [, penalizer]) final function:
 * maximum-likelihood (p, q, v) over the repeat customers, by Newton's
 * method on log-parameters from p = q = 1, v = mean spend; the log-likelihood
 * (without the penalty), the number of repeat customers and whether the fit
 * converged to a verified interior optimum (the fit driver, fit.c). NULL
 * when there is no repeat customer.
 */
SQL_FUNCTION(gamma_gamma_fit_final, fit_aggregate_final(fcinfo, &gamma_gamma_model_spec, FIT_SPEND));

/*
 * gamma_gamma_fit(population btyd_population) returns gamma_gamma: the fit of the repeat customers with a positive monetary_value, as
 * gamma_gamma_fit over btyd_table(population) gives it, bit for bit (the same
 * weighted rows, fit_state.h). NULL when no customer is a row. STRICT.
 */
SQL_FUNCTION(gamma_gamma_fit_population, fit_rows_final(fcinfo, &gamma_gamma_model_spec, btyd_population_fit_rows(PG_GETARG_BYTEA_PP(0), FIT_SPEND)));

/* The gamma_gamma composite's parameters; false when one is NULL. */
bool
gamma_gamma_params(HeapTupleHeader model, double *params)
{
	return model_params(model, GG_NPARAMS, gg_names, params);
}

/* Names of the inputs of the accessors, for the detail of their errors. */
static const char *const gg_input_names[] = {
	"p", "q", "v", "frequency", "monetary_value"
};

/*
 * Conditional expected spend per transaction, E[Z | p, q, v, x, zbar] =
 * p (v + x zbar) / (p x + q - 1) (Fader & Hardie 2013), a weighted
 * mean of the population mean p v / (q - 1) and the customer's own zbar;
 * for x = 0 the population mean (zbar is not used). It is infinite when
 * p x + q <= 1 (error 22003). monetary_value must be finite and, for
 * x > 0, not negative (0 is allowed here, unlike in the fit). Where the
 * direct formula overflows (p and q near the float8 limit) it is
 * v / D + (x / D) zbar with D = x + (q - 1) / p, which does not where the
 * result does not; a result that does overflow is 22003.
 */
double
gamma_gamma_spend(const double *params, int32 frequency, double monetary_value)
{
	double		p = params[0];
	double		q = params[1];
	double		v = params[2];
	double		x = frequency;
	double		d;
	double		inputs[5] = {p, q, v, x, monetary_value};

	btyd_check_frequency(frequency);
	check_finite(monetary_value, "monetary_value");
	if (frequency > 0 && monetary_value < 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("monetary_value must not be negative"),
				 errdetail("monetary_value is %s.", float8out_internal(monetary_value))));
	d = x + (q - 1.0) / p;
	if (d <= 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("expected spend is infinite"),
				 errdetail("p * frequency + q is %s, and the expectation needs more than 1.",
						   float8out_internal(p * x + q))));
	if (frequency == 0)
	{
		double		mean = p * v / (q - 1.0);

		return check_model_result(isfinite(mean) ? mean : v / d,
								  "expected spend", 5, gg_input_names, inputs);
	}
	else
	{
		double		mean = p * (v + x * monetary_value) / (p * x + q - 1.0);

		return check_model_result(isfinite(mean) ? mean :
								  v / d + (x / d) * monetary_value,
								  "expected spend", 5, gg_input_names, inputs);
	}
}

/*
 * gamma_gamma_expected_spend(gamma_gamma, frequency, monetary_value): see
 * gamma_gamma_spend. NULL when the model has a NULL parameter.
 */
PG_FUNCTION_INFO_V1(gamma_gamma_expected_spend);
Datum
gamma_gamma_expected_spend(PG_FUNCTION_ARGS)
{
	double		params[GG_NPARAMS];

	if (!gamma_gamma_params(PG_GETARG_HEAPTUPLEHEADER(0), params))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(gamma_gamma_spend(params, PG_GETARG_INT32(1),
									   PG_GETARG_FLOAT8(2)));
}
