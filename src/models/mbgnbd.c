/*-------------------------------------------------------------------------
 *
 * mbgnbd.c
 *	  The modified BG/NBD (MBG/NBD) model of Batislam, Denizel &
 *	  Filiztekin (2007), "Empirical validation and comparison of models for
 *	  customer base analysis", International Journal of Research in
 *	  Marketing 24(3): the mbgnbd_fit aggregate and its accessors.
 *
 * As BG/NBD (bgnbd.c), but a customer may also drop out right at the first
 * purchase, before any repeat: after each purchase, the first included,
 * the customer drops out with probability p ~ Beta(a, b). So a customer
 * without repeat purchases is not certainly alive, and every formula is
 * BG/NBD's with b + 1 for the alive customer, weighted by the chance of
 * having survived the purchases made (lifetimes' ModifiedBetaGeoFitter
 * computes the same quantities).
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
#include "models/bgnbd.h"
#include "models/btyd.h"
#include "models/btyd_population.h"
#include "models/fit.h"
#include "models/fit_state.h"
#include "models/mbgnbd.h"
#include "models/model_value.h"
#include "retention.h"

/* MBG/NBD has BG/NBD's parameters (bgnbd_names). */
#define MBGNBD_NPARAMS	BGNBD_NPARAMS

/*
 * Sum over the rows of weight * log L, Batislam et al. (2007) eq. 7 in log
 * space:
 *   log L = log Gamma(r + x) - log Gamma(r) + r log alpha
 *         + log B(a, b + x + 1) - log B(a, b)
 *         + log[ (alpha + T)^-(r + x) + a / (b + x) (alpha + t_x)^-(r + x) ],
 * the second term for every x, 0 included: BG/NBD's with b + 1 in the
 * terms of x (bgnbd_loglik_rows, modified), and its gradient with respect
 * to (r, alpha, a, b) when grad is not NULL.
 */
static double
mbgnbd_loglik(const void *data, const double *params, double *grad)
{
	return bgnbd_loglik_rows(data, params, true, grad, NULL);
}

/* The log-likelihood, its gradient and Hessian (bgnbd_loglik_rows). */
static double
mbgnbd_loglik_hessian(const void *data, const double *params, double *grad,
					  double *hess)
{
	return bgnbd_loglik_rows(data, params, true, grad, hess);
}

/* MBG/NBD for the fit driver. */
static const FitModel mbgnbd_model_spec = {
	.nparams = MBGNBD_NPARAMS,
	.loglik = mbgnbd_loglik,
	.start = btyd_fit_start_model,
	.hessian = mbgnbd_loglik_hessian,
	.has_gradient = true,
	.counts_customers = true,
};

/*
 * mbgnbd_fit(frequency, recency, t [, weight] [, penalizer]) final
 * function: the maximum-likelihood (r, alpha, a, b) through the fit
 * driver (fit.c), as bgnbd_fit_final. NULL on empty input; converged is
 * false without a verified interior optimum (no repeat purchase at all).
 */
SQL_FUNCTION(mbgnbd_fit_final, fit_aggregate_final(fcinfo, &mbgnbd_model_spec, FIT_BTYD));

/*
 * mbgnbd_fit(population btyd_population) returns mbgnbd: the fit of every
 * customer's (frequency, recency, t) but those observed for no time, as
 * mbgnbd_fit over btyd_table(population) gives it, bit for bit (the same
 * weighted rows, fit_state.h). NULL when no customer is a row. STRICT.
 */
SQL_FUNCTION(mbgnbd_fit_population, fit_rows_final(fcinfo, &mbgnbd_model_spec, btyd_population_fit_rows(PG_GETARG_BYTEA_PP(0), FIT_BTYD)));

/*
 * log of the odds P(dead) / P(alive) given the history (Batislam et al.
 * 2007 eq. 14): log[a / (b + x)] + (r + x) log[(alpha + T) / (alpha + t_x)],
 * for every x (a customer without a repeat purchase may have dropped out
 * at the first one).
 */
static double
mbgnbd_log_dead_odds(const double *params, double x, double tx, double t)
{
	double		r = params[0];
	double		alpha = params[1];
	double		a = params[2];
	double		b = params[3];

	return log(a) - log(b + x) + (r + x) * log1p((t - tx) / (alpha + tx));
}

/*
 * Conditional expected purchases in (t, t + horizon] (Batislam et al. 2007
 * eq. 13): the alive customer's expectation, BG/NBD's with b + 1
 * (bgnbd_alive_expected), times P(alive). With frequency = recency = t = 0
 * it is the new customer's E[X(horizon)] (eq. 10): the odds are then
 * a / b, P(alive) = b / (a + b). The history and horizon are checked
 * by the caller; a result that is not finite is 22003.
 */
double
mbgnbd_expected(const double *params, double x, double tx, double t,
				double horizon)
{
	double		numerator = bgnbd_alive_expected(params, 1.0, x, t, horizon);

	if (numerator <= 0.0)
		return 0.0;
	return btyd_check_result(exp(log(numerator) -
								 specfun_log1pexp(mbgnbd_log_dead_odds(params, x, tx, t))),
							 "expected purchases", bgnbd_names, params, horizon,
							 x, tx, t);
}

/*
 * mbgnbd_expected_purchases(mbgnbd, horizon, frequency, recency, t):
 * expected purchases in the next horizon time units of a customer with
 * this history. NULL when the model has a NULL parameter.
 */
PG_FUNCTION_INFO_V1(mbgnbd_expected_purchases);
Datum
mbgnbd_expected_purchases(PG_FUNCTION_ARGS)
{
	BtydAccessorArgs c;

	if (!btyd_accessor_args(fcinfo, BTYD_HORIZON_HISTORY, bgnbd_names, &c))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(mbgnbd_expected(c.params, c.x, c.tx, c.t, c.horizon));
}

/*
 * mbgnbd_expected_purchases(mbgnbd, horizon): expected repeat purchases of
 * a new customer in horizon time units after the first purchase
 * (Batislam et al. 2007 eq. 10).
 */
PG_FUNCTION_INFO_V1(mbgnbd_expected_purchases_new);
Datum
mbgnbd_expected_purchases_new(PG_FUNCTION_ARGS)
{
	BtydAccessorArgs c;

	if (!btyd_accessor_args(fcinfo, BTYD_HORIZON, bgnbd_names, &c))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(mbgnbd_expected(c.params, 0.0, 0.0, 0.0, c.horizon));
}

/*
 * mbgnbd_p_alive(mbgnbd, frequency, recency, t): probability that the
 * customer is still active, 1 / (1 + odds) with the odds of
 * mbgnbd_log_dead_odds; below 1 for frequency 0 too.
 */
PG_FUNCTION_INFO_V1(mbgnbd_p_alive);
Datum
mbgnbd_p_alive(PG_FUNCTION_ARGS)
{
	BtydAccessorArgs c;

	if (!btyd_accessor_args(fcinfo, BTYD_HISTORY, bgnbd_names, &c))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(btyd_check_result(exp(-specfun_log1pexp(mbgnbd_log_dead_odds(c.params, c.x, c.tx, c.t))),
									   "probability alive", bgnbd_names, c.params,
									   c.horizon, c.x, c.tx, c.t));
}

/*
 * mbgnbd_prob_purchases(mbgnbd, n, horizon): P(X(horizon) = n) of a new
 * customer (Batislam et al. 2007 eq. 9),
 *   B(a, b + n + 1) / B(a, b) NB(n) + B(a + 1, b + n) / B(a, b) P(NB >= n),
 * which is b / (a + b) times BG/NBD's with b + 1 (bgnbd_pmf), plus
 * a / (a + b) for n = 0: the customer who drops out at the first purchase.
 * NULL when the model has a NULL parameter; 22003 where the incomplete
 * beta function does not converge.
 */
PG_FUNCTION_INFO_V1(mbgnbd_prob_purchases);
Datum
mbgnbd_prob_purchases(PG_FUNCTION_ARGS)
{
	BtydAccessorArgs c;
	double		shifted[MBGNBD_NPARAMS];
	double		a;
	double		b;
	double		result;

	if (!btyd_accessor_args(fcinfo, BTYD_COUNT_HORIZON, bgnbd_names, &c))
		PG_RETURN_NULL();
	a = c.params[2];
	b = c.params[3];
	memcpy(shifted, c.params, sizeof(shifted));
	shifted[3] = b + 1.0;
	result = bgnbd_pmf(shifted, c.x, c.horizon);
	/* b / (a + b) and a / (a + b) without overflow for huge a or b */
	result = result / (1.0 + a / b) + (c.x == 0 ? 1.0 / (1.0 + b / a) : 0.0);
	PG_RETURN_FLOAT8(btyd_check_result(result, "purchase probability",
									   bgnbd_names, c.params, c.horizon,
									   c.x, c.tx, c.t));
}
