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
#include "models/btyd_population.h"
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
 * log G(y) = log F(y) - (r + s + x) log(max(alpha, beta) + y):
 * G(y) / (r + s + x) is the integral from y to infinity of
 * (alpha + u)^-(r + x) (beta + u)^-(s + 1) du. False as pareto_nbd_log_f1.
 */
static bool
pareto_nbd_log_g(const double *params, double x, double y, long max_terms,
				 double *lg)
{
	if (!pareto_nbd_log_f1(params, x, y, max_terms, lg))
		return false;
	*lg -= (params[0] + params[2] + x) * log(fmax(params[1], params[3]) + y);
	return true;
}

/*
 * log G(y) values of one likelihood evaluation, for the x of the current
 * row group (rows come sorted by x; distinct rows share their x with
 * hundreds of others and their t_x, T with many): a direct-mapped table on
 * y, and log G at the pareto_nbd_log_integral split point. group numbers
 * the x groups, so a table entry or half of an earlier group is stale.
 */
#define PNBD_CACHE_BITS	10
#define PNBD_CACHE_SIZE	(1 << PNBD_CACHE_BITS)

typedef struct PnbdCache
{
	int64		group;
	int64		half_group;
	double		half;
	int64		stamp[PNBD_CACHE_SIZE];
	double		key[PNBD_CACHE_SIZE];
	double		value[PNBD_CACHE_SIZE];
} PnbdCache;

/* pareto_nbd_log_g through the cache of the current x group. */
static bool
pareto_nbd_cached_log_g(const double *params, double x, double y,
						long max_terms, PnbdCache *cache, double *lg)
{
	uint64		bits;
	int			h;

	memcpy(&bits, &y, sizeof(bits));
	h = (int) ((bits * UINT64CONST(0x9E3779B97F4A7C15)) >> (64 - PNBD_CACHE_BITS));
	if (cache->stamp[h] == cache->group && cache->key[h] == y)
	{
		*lg = cache->value[h];
		return true;
	}
	if (!pareto_nbd_log_g(params, x, y, max_terms, lg))
		return false;
	cache->stamp[h] = cache->group;
	cache->key[h] = y;
	cache->value[h] = *lg;
	return true;
}

/*
 * The power-series form of the likelihood's integral (pareto_nbd_log_pform)
 * is used where p = min(alpha, beta) + y is at most a quarter of
 * |alpha - beta|, the exponent c of the other factor is at most
 * PNBD_PFORM_MAX_C (its alternating terms then cancel by at most
 * ((1 + 1/4) / (1 - 1/4))^c = (5/3)^c, below 4e3) and the exponent b of p
 * is below PNBD_PFORM_MAX_B (the series needs more than b terms).
 */
#define PNBD_PFORM_SPLIT	4.0
#define PNBD_PFORM_MAX_C	16.0
#define PNBD_PFORM_MAX_B	1000.0
#define PNBD_PFORM_MAX_TERMS	2000

/*
 * log of the integral from p1 to p2 (0 < p1 < p2 <= d / PNBD_PFORM_SPLIT,
 * gap = p2 - p1 given apart, so that a short interval keeps its digits)
 * of p^-b (d + p)^-c dp, by the binomial series of (d + p)^-c in p / d
 * integrated term by term:
 *   d^-c p1^(1 - b) sum_k (-1)^k (c)_k / k! (p1 / d)^k
 *                         (exp(e_k L) - 1) / e_k,
 * e_k = k + 1 - b, L = log(p2 / p1), each (exp(e_k L) - 1) / e_k positive
 * and taken through expm1 where e_k L is small (its limit L at e_k = 0), so
 * that an integer b (a logarithmic antiderivative) is no special case.
 * Once k exceeds b and c, consecutive terms fall by at least
 * 2 p2 / d <= 1/2, so the sum stops at the first such term below 1e-17
 * of it. NaN when the sum is not positive (rounding with cancelling terms)
 * or does not converge within PNBD_PFORM_MAX_TERMS terms.
 */
static double
pareto_nbd_log_pform(double p1, double p2, double gap, double b, double c,
					 double d)
{
	double		lr = log1p(gap / p1);
	double		q1 = p1 / d;
	double		q2 = p2 / d;
	double		coef = 1.0;
	double		pow1 = 1.0;
	double		pow2 = exp((1.0 - b) * lr);
	double		sum = 0.0;
	int			k;

	for (k = 0; k < PNBD_PFORM_MAX_TERMS; k++)
	{
		double		e = k + 1.0 - b;
		double		term;

		if (fabs(e * lr) < 0.5)
			term = e == 0.0 ? pow1 * lr : pow1 * expm1(e * lr) / e;
		else
			term = (pow2 - pow1) / e;
		term *= coef;
		sum += term;
		if (k > b && k > c && fabs(term) <= 1e-17 * fabs(sum))
			break;
		coef *= -(c + k) / (k + 1.0);
		pow1 *= q1;
		pow2 *= q2;
	}
	if (!(sum > 0.0) || k == PNBD_PFORM_MAX_TERMS)
		return NAN;
	return -c * log(d) + (1.0 - b) * log(p1) + log(sum);
}

/*
 * log of the integral from t_x to T of (alpha + y)^-(r + x) (beta +
 * y)^-(s + 1) dy, the death-in-(t_x, T] part of the likelihood over s
 * (Fader & Hardie 2005: (s / (r + s + x)) A_0). With small, big = min,
 * max(alpha, beta), b, c their factors' exponents, d = big - small and
 * p = small + y, the integrand is p^-b (d + p)^-c. The hypergeometric
 * argument z = d / (big + y) of the closed form nears 1 where p is small
 * against d, and its series needs about 1 / (1 - z) terms: millions when
 * alpha and beta differ by as much. So where p < d / PNBD_PFORM_SPLIT
 * (z > 4/5) the part of the interval below that split is
 * pareto_nbd_log_pform's series, about 30 terms whatever the parameters
 * (b and c within its limits); the rest, and everything else, is
 * (G(t_x) - G(T)) / (r + s + x) with G of pareto_nbd_log_g, where
 * z <= 4/5. G depends on x and one end only, so its values are cached for
 * the current x group in *cache. False when a series does not converge
 * within max_terms.
 */
static bool
pareto_nbd_log_integral(const double *params, double x, double tx, double t,
						long max_terms, PnbdCache *cache, double *result)
{
	double		alpha = params[1];
	double		beta = params[3];
	double		rsx = params[0] + params[2] + x;
	double		small = fmin(alpha, beta);
	double		big = fmax(alpha, beta);
	double		b = alpha >= beta ? params[2] + 1.0 : params[0] + x;
	double		c = rsx + 1.0 - b;
	double		d = big - small;
	double		half = d / PNBD_PFORM_SPLIT;
	double		low = NAN;
	double		g_lo;
	double		g_t;

	if (c <= PNBD_PFORM_MAX_C && b < PNBD_PFORM_MAX_B && small + tx < half)
	{
		low = pareto_nbd_log_pform(small + tx, fmin(small + t, half),
								   fmin(t, half - small) - tx, b, c, d);
		if (isnan(low))
			return false;
		if (small + t <= half)
		{
			*result = low;
			return true;
		}
		if (cache->half_group != cache->group)
		{
			if (!pareto_nbd_log_g(params, x, half - small, max_terms, &cache->half))
				return false;
			cache->half_group = cache->group;
		}
		g_lo = cache->half;
	}
	else if (!pareto_nbd_cached_log_g(params, x, tx, max_terms, cache, &g_lo))
		return false;
	if (!pareto_nbd_cached_log_g(params, x, t, max_terms, cache, &g_t))
		return false;
	/* G is decreasing, so g_t <= g_lo up to rounding */
	g_lo = g_t >= g_lo ? -INFINITY :
		g_lo - log(rsx) + specfun_log1mexp(g_t - g_lo);
	*result = isnan(low) ? g_lo : specfun_logsumexp(low, g_lo);
	return true;
}

/*
 * The two log-terms of the likelihood bracket of Fader & Hardie (2005),
 * L = Gamma(r + x) alpha^r beta^s / Gamma(r) [e^l_t + e^l_a]:
 * l_t = log[(alpha + T)^-(r + x) (beta + T)^-s], the customer alive at T,
 * and l_a = log[s / (r + s + x) A_0], death in (t_x, T], where
 * (s / (r + s + x)) A_0 = s * integral from t_x to T of
 * (alpha + y)^-(r + x) (beta + y)^-(s + 1) dy (pareto_nbd_log_integral).
 * cache as there. Returns false when a series does not converge.
 */
static bool
pareto_nbd_terms(const double *params, double x, double tx, double t,
				 long max_terms, PnbdCache *cache, double *l_t, double *l_a)
{
	double		r = params[0];
	double		s = params[2];
	double		integral;

	*l_t = -(r + x) * log(params[1] + t) - s * log(params[3] + t);
	if (tx >= t)
	{
		*l_a = -INFINITY;
		return true;
	}
	if (!pareto_nbd_log_integral(params, x, tx, t, max_terms, cache, &integral))
		return false;
	*l_a = log(s) + integral;
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
	PnbdCache	cache;
	double		sum = 0.0;

	/* group 0 is never current: the first row starts group 1 */
	memset(&cache, 0, sizeof(cache));

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
			cache.group++;
		}
		if (!pareto_nbd_terms(params, x, rows->values[1][i], rows->values[2][i],
							  max_terms, &cache, &l_t, &l_a))
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
 * derivatives of 2F1 in its parameters), without a polishing restart (on
 * CDNOW and the 100k hash summaries a restart moved the parameters by
 * 1e-6 to 5e-6, less than the Newton step of 3e-5 to 5e-5 left after it
 * too, for 44 evaluations: test/t/295_pareto_nbd_fit_optimum.pl checks
 * the unpolished optimum against mpmath), and its series may not
 * converge, so the neighbourhood of an optimum must evaluate (an optimum
 * pressed against the series budget, alpha / beta running off as with
 * homogeneous lifetimes, is not known to be one).
 */
static const FitModel pareto_nbd_model_spec = {
	.nparams = PNBD_NPARAMS,
	.loglik = pareto_nbd_fit_loglik,
	.start = pareto_nbd_start,
	.has_gradient = false,
	.may_fail = true,
	.counts_customers = true,
};

/*
 * pareto_nbd_fit(frequency, recency, t) final function: maximum-likelihood
 * (r, alpha, s, beta) by BOBYQA (derivative-free: the gradient would need
 * derivatives of 2F1 in its parameters) on log-parameters from a fixed
 * start (the fit driver, fit.c); the log-likelihood, the number of
 * customers and whether it converged to a verified interior optimum.
 * NULL on empty input.
 */
PG_FUNCTION_INFO_V1(pareto_nbd_fit_final);
Datum
pareto_nbd_fit_final(PG_FUNCTION_ARGS)
{
	return fit_aggregate_final(fcinfo, &pareto_nbd_model_spec, FIT_BTYD);
}

/*
 * pareto_nbd_fit(population btyd_population) returns pareto_nbd: the fit of every customer's (frequency, recency, t) but those observed for no time, as
 * pareto_nbd_fit over btyd_table(population) gives it, bit for bit (the same
 * weighted rows, fit_state.h). NULL when no customer is a row. STRICT.
 */
PG_FUNCTION_INFO_V1(pareto_nbd_fit_population);
Datum
pareto_nbd_fit_population(PG_FUNCTION_ARGS)
{
	return fit_rows_final(fcinfo, &pareto_nbd_model_spec,
						  btyd_population_fit_rows(PG_GETARG_BYTEA_PP(0), FIT_BTYD));
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
