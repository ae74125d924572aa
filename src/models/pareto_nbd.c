/*-------------------------------------------------------------------------
 *
 * pareto_nbd.c
 *	  The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987, "Counting
 *	  your customers: who are they and what will they do next?",
 *	  Management Science 33(1)), with the likelihood and expressions of
 *	  Fader & Hardie (2005), "A note on deriving the Pareto/NBD model and
 *	  related expressions": pareto_nbd_fit and its accessors.
 *
 * While active a customer buys at Poisson rate lambda ~ Gamma(r, alpha);
 * the active lifetime is exponential with rate mu ~ Gamma(s, beta).
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
#include "models/fit.h"
#include "models/fit_state.h"
#include "models/model_value.h"
#include "models/pareto_nbd.h"
#include "retention.h"

#define PNBD_NPARAMS	4

static const char *const pnbd_names[PNBD_NPARAMS] = {"r", "alpha", "s", "beta"};

/*
 * Series budget of the likelihood inside a fit: its series need about
 * max(alpha, beta) / min(alpha, beta) terms, and a fit is no place to wait
 * for millions; a point needing more is unacceptable to the optimiser.
 */
#define PNBD_FIT_MAX_TERMS	100000L

/*
 * log F(y) at y = t_x and y = T, F(y) = 2F1(r + s + x, b2; r + s + x + 1;
 * |alpha - beta| / (big + y)), big = max(alpha, beta), b2 = s + 1 for
 * alpha >= beta and r + x otherwise: the hypergeometric part of A_0 of
 * Fader & Hardie (2005), with at most max_terms terms per series. False
 * when a series does not converge or its value is not positive.
 */
static bool
pareto_nbd_log_f(const double *params, double x, double tx, double t,
				 long max_terms, double *lf_tx, double *lf_t)
{
	double		alpha = params[1];
	double		beta = params[3];
	double		rsx = params[0] + params[2] + x;
	double		big = fmax(alpha, beta);
	double		b2 = alpha >= beta ? params[2] + 1.0 : params[0] + x;
	int			sign1;
	int			sign2;

	*lf_tx = specfun_log_hyp2f1_limited(rsx, b2, rsx + 1.0,
										fabs(alpha - beta) / (big + tx),
										max_terms, &sign1);
	*lf_t = specfun_log_hyp2f1_limited(rsx, b2, rsx + 1.0,
									   fabs(alpha - beta) / (big + t),
									   max_terms, &sign2);
	return !isnan(*lf_tx) && !isnan(*lf_t) && sign1 > 0 && sign2 > 0;
}

/*
 * The two log-terms of the likelihood bracket of Fader & Hardie (2005),
 * L = Gamma(r + x) alpha^r beta^s / Gamma(r) [e^l_t + e^l_a]:
 * l_t = log[(alpha + T)^-(r + x) (beta + T)^-s], the customer alive at T,
 * and l_a = log[s / (r + s + x) A_0], death in (t_x, T], where
 * A_0 = G(t_x) - G(T) and, for alpha >= beta,
 *   G(y) = 2F1(r + s + x, s + 1; r + s + x + 1; (alpha - beta) / (alpha + y))
 *          / (alpha + y)^(r + s + x),
 * for alpha < beta the same with (s + 1, alpha) and (r + x, beta) swapped
 * (pareto_nbd_log_f).
 * (s / (r + s + x)) A_0 = s * integral from t_x to T of
 * (alpha + y)^-(r + x) (beta + y)^-(s + 1) dy, positive. Returns false when
 * a series does not converge.
 */
static bool
pareto_nbd_terms(const double *params, double x, double tx, double t,
				 long max_terms, double *l_t, double *l_a)
{
	double		r = params[0];
	double		s = params[2];
	double		rsx = r + s + x;
	double		big = fmax(params[1], params[3]);
	double		g_tx;
	double		g_t;

	*l_t = -(r + x) * log(params[1] + t) - s * log(params[3] + t);
	if (!pareto_nbd_log_f(params, x, tx, t, max_terms, &g_tx, &g_t))
		return false;
	g_tx -= rsx * log(big + tx);
	g_t -= rsx * log(big + t);
	/* G is decreasing, so g_t <= g_tx up to rounding */
	*l_a = g_t >= g_tx ? -INFINITY :
		log(s) - log(rsx) + g_tx + specfun_log1mexp(g_t - g_tx);
	return true;
}

/*
 * Sum over the rows of weight * log L; NaN when a series fails or a cancel
 * is pending (asked on every row: one row may sum max_terms terms).
 */
static double
pareto_nbd_loglik(const FitRows *rows, const double *params, long max_terms)
{
	double		r = params[0];
	double		common_r = -specfun_lgamma(r) + r * log(params[1]) +
		params[2] * log(params[3]);
	const double *xs = rows->values[0];
	double		x = -1.0;
	double		common = 0.0;
	double		sum = 0.0;

	for (int64 i = 0; i < rows->nrows; i++)
	{
		double		l_t;
		double		l_a;

		if (optim_cancel_pending())
			return NAN;
		if (xs[i] != x)
		{
			x = xs[i];
			common = specfun_lgamma(r + x) + common_r;
		}
		if (!pareto_nbd_terms(params, x, rows->values[1][i], rows->values[2][i],
							  max_terms, &l_t, &l_a))
			return NAN;
		sum += rows->weight[i] * (common + specfun_logsumexp(l_t, l_a));
	}
	return sum;
}

/* The log-likelihood of a fit's rows within the fit's series budget. */
static double
pareto_nbd_fit_loglik(const void *data, const double *params, double *grad)
{
	Assert(grad == NULL);
	return pareto_nbd_loglik((const FitRows *) data, params, PNBD_FIT_MAX_TERMS);
}

/* The start of a fit: r = s = 1, alpha for the observed rate, beta = mean age. */
static bool
pareto_nbd_start(const void *data, double *theta)
{
	double		mean_t;
	bool		identified = btyd_fit_start((const FitRows *) data, theta, &mean_t);

	theta[3] = log(mean_t);
	return identified;
}

/*
 * Pareto/NBD for the fit driver: derivative-free (the gradient would need
 * derivatives of 2F1 in its parameters), polished by one restart, and its
 * series may not converge, so the neighbourhood of an optimum must
 * evaluate (an optimum pressed against the series budget, alpha / beta
 * running off as with homogeneous lifetimes, is not known to be one).
 */
static const FitModel pareto_nbd_model_spec = {
	.nparams = PNBD_NPARAMS,
	.loglik = pareto_nbd_fit_loglik,
	.start = pareto_nbd_start,
	.has_gradient = false,
	.polish_runs = 1,
	.may_fail = true,
	.counts_customers = true,
};

/*
 * pareto_nbd_fit(frequency, recency, t) final function: maximum-likelihood
 * (r, alpha, s, beta) by BOBYQA (derivative-free: the gradient would need
 * derivatives of 2F1 in its parameters) on log-parameters from a fixed
 * start, restarted once from its result to polish it (the fit driver,
 * fit.c); the log-likelihood, the number of customers and whether it
 * converged to a verified interior optimum. NULL on empty input.
 */
PG_FUNCTION_INFO_V1(pareto_nbd_fit_final);
Datum
pareto_nbd_fit_final(PG_FUNCTION_ARGS)
{
	return fit_aggregate_final(fcinfo, &pareto_nbd_model_spec, FIT_BTYD);
}

/*
 * log of the odds P(dead) / P(alive) = e^(l_a - l_t) of pareto_nbd_terms
 * (Fader & Hardie 2005), written without the large terms that cancel in
 * l_a - l_t: with big = max(alpha, beta), b2 as there, F(y) =
 * 2F1(r + s + x, b2; r + s + x + 1; |alpha - beta| / (big + y)) and
 * D = (T - t_x) / (big + t_x),
 *   log(s / (r + s + x)) + log F(t_x) + E + log(1 - exp(log F(T) -
 *   log F(t_x) - (r + s + x) log1p(D))),
 * E = (r + x) log1p((T - t_x) / (alpha + t_x)) + s log((beta + T) /
 * (alpha + t_x)) for alpha >= beta, and (r + x) log((alpha + T) / (beta +
 * t_x)) + s log1p(D) otherwise. NaN when a series does not converge or
 * would need more than about a million terms.
 */
static double
pareto_nbd_log_dead_odds(const double *params, double x, double tx, double t)
{
	double		r = params[0];
	double		alpha = params[1];
	double		s = params[2];
	double		beta = params[3];
	double		rsx = r + s + x;
	double		big = fmax(alpha, beta);
	double		lf_tx;
	double		lf_t;
	double		e;
	double		lg;

	/* the series need about (big + t_x) / (min(alpha, beta) + t_x) terms */
	if (big + tx > 1e6 * (fmin(alpha, beta) + tx))
		return NAN;
	if (!pareto_nbd_log_f(params, x, tx, t, SPECFUN_MAX_TERMS, &lf_tx, &lf_t))
		return NAN;
	if (alpha >= beta)
		e = (r + x) * log1p((t - tx) / (alpha + tx)) +
			s * (log(beta + t) - log(alpha + tx));
	else
		e = (r + x) * (log(alpha + t) - log(beta + tx)) +
			s * log1p((t - tx) / (beta + tx));
	lg = lf_t - lf_tx - rsx * log1p((t - tx) / (big + tx));
	/* G is decreasing, so lg <= 0 up to rounding */
	if (lg >= 0.0)
		return -INFINITY;
	return log(s) - log(rsx) + lf_tx + e + specfun_log1mexp(lg);
}

/*
 * log P(alive | x, t_x, T) = -log(1 + odds) (Fader & Hardie 2005); errors
 * when a series does not converge.
 */
static double
pareto_nbd_log_alive(const double *params, int32 x, double tx, double t)
{
	double		l = pareto_nbd_log_dead_odds(params, x, tx, t);

	if (isnan(l))
	{
		CHECK_FOR_INTERRUPTS();
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("Pareto/NBD probability alive cannot be computed for these parameters"),
				 errdetail("The hypergeometric series does not converge fast enough when alpha and beta differ by a factor of more than about a million, or overflows for r = %s, alpha = %s, s = %s, beta = %s.",
						   float8out_internal(params[0]),
						   float8out_internal(params[1]),
						   float8out_internal(params[2]),
						   float8out_internal(params[3]))));
	}
	return l > 0.0 ? -l - log1p(exp(-l)) : -log1p(exp(l));
}

/*
 * pareto_nbd_p_alive(pareto_nbd, frequency, recency, t): probability the
 * customer is still active. NULL when the model has a NULL parameter.
 */
PG_FUNCTION_INFO_V1(pareto_nbd_p_alive);
Datum
pareto_nbd_p_alive(PG_FUNCTION_ARGS)
{
	double		params[PNBD_NPARAMS];
	int32		x = PG_GETARG_INT32(1);
	double		tx = PG_GETARG_FLOAT8(2);
	double		t = PG_GETARG_FLOAT8(3);

	if (!model_params(PG_GETARG_HEAPTUPLEHEADER(0), PNBD_NPARAMS, pnbd_names, params))
		PG_RETURN_NULL();
	btyd_check_summary(x, tx, t);
	PG_RETURN_FLOAT8(btyd_check_result(exp(pareto_nbd_log_alive(params, x, tx, t)),
									   "probability alive", pnbd_names, params, NAN, x, tx, t));
}

/* The pareto_nbd composite's parameters; false when one is NULL. */
bool
pareto_nbd_params(HeapTupleHeader model, double *params)
{
	return model_params(model, PNBD_NPARAMS, pnbd_names, params);
}

/*
 * Expected purchases in (T, T + horizon] of a customer with this history
 * (Fader & Hardie 2005, after Schmittlein et al. 1987):
 *   (r + x) (beta + T) / ((alpha + T) (s - 1))
 *   [1 - ((beta + T) / (beta + T + horizon))^(s - 1)] P(alive),
 * with the bracket over (s - 1) taken to its limit log(1 + horizon /
 * (beta + T)) at s = 1; the product in log space, so that a large factor
 * meeting a small one does not overflow. With x = t_x = T = 0 it is the
 * new customer's E[X(horizon)] = r beta / (alpha (s - 1)) [1 - (beta /
 * (beta + horizon))^(s - 1)]. The history and horizon are checked by the
 * caller; a result that is not finite is 22003.
 */
double
pareto_nbd_expected(const double *params, double x, double tx, double t,
					double horizon)
{
	double		r = params[0];
	double		alpha = params[1];
	double		s = params[2];
	double		beta = params[3];
	double		bracket;
	double		value;

	bracket = -specfun_expm1_ratio(s - 1.0, -log1p(horizon / (beta + t)));
	value = bracket <= 0.0 ? 0.0 :
		exp(log(r + x) - log(alpha + t) + log(beta + t) + log(bracket) +
			pareto_nbd_log_alive(params, x, tx, t));
	return btyd_check_result(value, "expected purchases", pnbd_names, params,
							 horizon, x, tx, t);
}

/*
 * pareto_nbd_expected_purchases(pareto_nbd, horizon, frequency, recency,
 * t): expected purchases in (T, T + horizon] (pareto_nbd_expected). NULL
 * when the model has a NULL parameter.
 */
PG_FUNCTION_INFO_V1(pareto_nbd_expected_purchases);
Datum
pareto_nbd_expected_purchases(PG_FUNCTION_ARGS)
{
	double		params[PNBD_NPARAMS];
	double		horizon = PG_GETARG_FLOAT8(1);
	int32		x = PG_GETARG_INT32(2);
	double		tx = PG_GETARG_FLOAT8(3);
	double		t = PG_GETARG_FLOAT8(4);

	check_nonnegative(horizon, "horizon");
	if (!pareto_nbd_params(PG_GETARG_HEAPTUPLEHEADER(0), params))
		PG_RETURN_NULL();
	btyd_check_summary(x, tx, t);
	PG_RETURN_FLOAT8(pareto_nbd_expected(params, x, tx, t, horizon));
}
