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
#include "math/specfun.h"
#include "models/btyd.h"
#include "models/btyd_population.h"
#include "models/fit.h"
#include "models/fit_state.h"
#include "models/model_value.h"
#include "models/pareto_nbd.h"
#include "models/pareto_nbd_loglik.h"
#include "retention.h"

#define PNBD_NPARAMS	4

static const char *const pnbd_names[PNBD_NPARAMS] = {"r", "alpha", "s", "beta"};

/*
 * log F(y), F(y) = 2F1(r + s + x, b2; r + s + x + 1; |alpha - beta| /
 * (big + y)), big = max(alpha, beta), b2 = s + 1 for alpha >= beta and
 * r + x otherwise: the hypergeometric part of A_0 of Fader & Hardie (2005),
 * with at most max_terms terms. False when the series does not converge
 * or its value is not positive.
 */
static bool
pareto_nbd_log_f1(const double *params, double x, double y, long max_terms,
				  double *lf)
{
	double		alpha = params[1];
	double		beta = params[3];
	double		rsx = params[0] + params[2] + x;
	double		b2 = alpha >= beta ? params[2] + 1.0 : params[0] + x;
	int			sign;

	*lf = specfun_log_hyp2f1_limited(rsx, b2, rsx + 1.0,
									 fabs(alpha - beta) / (fmax(alpha, beta) + y),
									 max_terms, &sign);
	return !isnan(*lf) && sign > 0;
}

/* log F(y) of pareto_nbd_log_f1 at y = t_x and y = T. */
static bool
pareto_nbd_log_f(const double *params, double x, double tx, double t,
				 long max_terms, double *lf_tx, double *lf_t)
{
	return pareto_nbd_log_f1(params, x, tx, max_terms, lf_tx) &&
		pareto_nbd_log_f1(params, x, t, max_terms, lf_t);
}

/*
 * The log-likelihood of a fit's rows and its gradient
 * (pareto_nbd_loglik.c).
 */
static double
pareto_nbd_fit_loglik(const void *data, const double *params, double *grad)
{
	return pareto_nbd_loglik((const FitRows *) data, params, grad);
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
 * Pareto/NBD for the fit driver: the analytic gradient
 * (pareto_nbd_loglik.c) and L-BFGS; its series may not converge, so the
 * neighbourhood of an optimum must evaluate (an optimum pressed against
 * the series budget, alpha / beta running off as with homogeneous
 * lifetimes, is not known to be one).
 */
static const FitModel pareto_nbd_model_spec = {
	.nparams = PNBD_NPARAMS,
	.loglik = pareto_nbd_fit_loglik,
	.start = pareto_nbd_start,
	.has_gradient = true,
	.may_fail = true,
	.counts_customers = true,
};

/*
 * pareto_nbd_fit(frequency, recency, t) final function: maximum-likelihood
 * (r, alpha, s, beta) by L-BFGS with the analytic gradient on
 * log-parameters from a fixed start (the fit driver, fit.c); the log-likelihood, the number of
 * customers and whether it converged to a verified interior optimum.
 * NULL on empty input.
 */
SQL_FUNCTION(pareto_nbd_fit_final, fit_aggregate_final(fcinfo, &pareto_nbd_model_spec, FIT_BTYD));

/*
 * pareto_nbd_fit(population btyd_population) returns pareto_nbd: the fit of every customer's (frequency, recency, t) but those observed for no time, as
 * pareto_nbd_fit over btyd_table(population) gives it, bit for bit (the same
 * weighted rows, fit_state.h). NULL when no customer is a row. STRICT.
 */
SQL_FUNCTION(pareto_nbd_fit_population, fit_rows_final(fcinfo, &pareto_nbd_model_spec, btyd_population_fit_rows(PG_GETARG_BYTEA_PP(0), FIT_BTYD)));

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
double
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
	BtydAccessorArgs c;

	if (!btyd_accessor_args(fcinfo, BTYD_HISTORY, pnbd_names, &c))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(btyd_check_result(exp(pareto_nbd_log_alive(c.params, c.x, c.tx, c.t)),
									   "probability alive", pnbd_names, c.params,
									   c.horizon, c.x, c.tx, c.t));
}

/* The pareto_nbd composite's parameters; false when one is NULL. */
bool
pareto_nbd_params(HeapTupleHeader model, double *params)
{
	return model_params(model, PNBD_NPARAMS, pnbd_names, params);
}

/*
 * log of the expected purchases in (T, T + horizon] of a customer alive at
 * T after x repeat purchases (Fader & Hardie 2005, after Schmittlein et al.
 * 1987):
 *   (r + x) (beta + T) / ((alpha + T) (s - 1))
 *   [1 - ((beta + T) / (beta + T + horizon))^(s - 1)],
 * with the bracket over (s - 1) taken to its limit log(1 + horizon /
 * (beta + T)) at s = 1; -infinity when that is 0. At x = T = 0 it is a new
 * customer's E[X(horizon)] = r beta / (alpha (s - 1)) [1 - (beta / (beta +
 * horizon))^(s - 1)], since a customer is alive at the first purchase.
 */
static double
pareto_nbd_log_expected_alive(const double *params, double x, double t,
							  double horizon)
{
	double		beta = params[3];
	double		bracket = -specfun_expm1_ratio(params[2] - 1.0,
											   -log1p(horizon / (beta + t)));

	if (bracket <= 0.0)
		return -INFINITY;
	return log(params[0] + x) - log(params[1] + t) + log(beta + t) + log(bracket);
}

/*
 * Expected purchases in (T, T + horizon] of a customer with this history:
 * pareto_nbd_log_expected_alive times P(alive), the product in log space,
 * so that a large factor meeting a small one does not overflow. The
 * history and horizon are checked by the caller; a result that is not
 * finite is 22003.
 */
double
pareto_nbd_expected(const double *params, double x, double tx, double t,
					double horizon)
{
	double		l = pareto_nbd_log_expected_alive(params, x, t, horizon);

	return btyd_check_result(l == -INFINITY ? 0.0 :
							 exp(l + pareto_nbd_log_alive(params, x, tx, t)),
							 "expected purchases", pnbd_names, params,
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
	BtydAccessorArgs c;

	if (!btyd_accessor_args(fcinfo, BTYD_HORIZON_HISTORY, pnbd_names, &c))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(pareto_nbd_expected(c.params, c.x, c.tx, c.t, c.horizon));
}

/*
 * pareto_nbd_expected_purchases(pareto_nbd, horizon): expected repeat
 * purchases of a new customer in horizon time units after the first
 * purchase, E[X(horizon)] (Fader & Hardie 2005; pareto_nbd_log_expected_alive
 * at x = T = 0). NULL when the model has a NULL parameter.
 */
PG_FUNCTION_INFO_V1(pareto_nbd_expected_purchases_new);
Datum
pareto_nbd_expected_purchases_new(PG_FUNCTION_ARGS)
{
	BtydAccessorArgs c;

	if (!btyd_accessor_args(fcinfo, BTYD_HORIZON, pnbd_names, &c))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(btyd_check_result(exp(pareto_nbd_log_expected_alive(c.params, 0.0, 0.0,
																		  c.horizon)),
									   "expected purchases", pnbd_names, c.params,
									   c.horizon, c.x, c.tx, c.t));
}
