/*-------------------------------------------------------------------------
 *
 * pareto_nbd_pmf.c
 *	  The Pareto/NBD conditional PMF: P(X(T, T + horizon) = n | x, t_x, T),
 *	  the probability of exactly n purchases in the next horizon time units
 *	  of a customer with this history (Fader & Hardie, "Deriving the
 *	  conditional PMF of the Pareto/NBD model", brucehardie.com note 028,
 *	  eq. 16; lifetimes' ParetoNBDFitter
 *	  conditional_probability_of_n_purchases_up_to_time): the SQL function
 *	  pareto_nbd_prob_purchases(model, n, horizon, frequency, recency, t).
 *
 * Given the history, the customer is dead at T with probability
 * 1 - P(alive); alive, the purchase rate lambda and the dropout rate mu
 * have the posterior Gamma(r + x, alpha + T) and Gamma(s, beta + T), and
 * the remaining lifetime tau is exponential with rate mu: in the
 * population, Lomax, with survival S(u) = ((beta + T) / (beta + T + u))^s
 * and density f(u) = s / (beta + T + u) S(u). The purchases in the first u
 * units of a remaining lifetime are negative binomial,
 *   NB_n(u) = Gamma(r + x + n) / (Gamma(r + x) n!)
 *             ((alpha + T) / (alpha + T + u))^(r + x) (u / (alpha + T + u))^n,
 * so
 *   P(n) = [n = 0] (1 - P(alive))
 *        + P(alive) [S(h) NB_n(h) + integral_0^h f(u) NB_n(u) du],
 * the customer outliving the horizon or dropping out at u inside it. Note
 * 028 writes the integral in closed form, a difference of 2F1 terms that
 * cancel (badly for large n or horizons); here it is integrated as it
 * stands, every term positive, which also makes the sum over n exactly
 * S(h) + (1 - S(h)) = 1 in exact arithmetic.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "utils/builtins.h"

#include "base/checks.h"
#include "math/quadrature.h"
#include "math/specfun.h"
#include "models/btyd.h"
#include "models/pareto_nbd.h"
#include "retention.h"

static const char *const pmf_names[4] = {"r", "alpha", "s", "beta"};

/*
 * The integrand after the substitution v = u / (A + u), A = alpha + T,
 * which makes NB_n a beta kernel: f(u) NB_n(u) du =
 *   C s A B^s v^n (1 - v)^(k + s - 1) (B (1 - v) + A v)^-(s + 1) dv,
 * B = beta + T, k = r + x, C the NB_n coefficient, on a part [lo, hi] of
 * [0, h / (A + h)]. The exponents may be huge (k in the billions), so the
 * log of the integrand is written about a reference point v0 of the part
 * (an end, at the kernel's peak), with d = v - v0 taken from the exact
 * distance to that end:
 *   log(C s A B^s v0^n w0^(k + s - 1) c0^-(s + 1))
 *   + n log1p(d / v0) + (k + s - 1) log1p(-d / w0)
 *   - (s + 1) log1p((A - B) d / c0),
 * w0 = 1 - v0 (kept exact), c0 = B w0 + A v0: the large constant is
 * added once, and the terms that vary are accurate to rounding of their
 * own size (small near the peak, where the integral is made), so the
 * quadrature's levels agree to its tolerance whatever the exponents.
 */
typedef struct PmfIntegrand
{
	double		log_c0;			/* the log of the integrand at v0 */
	double		n;
	double		k_s_1;			/* k + s - 1 */
	double		s1;				/* s + 1 */
	double		v0;
	double		w0;				/* 1 - v0 */
	double		slope;			/* (A - B) / c0 */
	bool		at_lo;			/* v0 = lo (else hi) */
} PmfIntegrand;

/* log of the integrand at lo + from_lo = hi - to_hi (quadrature.h). */
static double
pmf_log_integrand(double from_lo, double to_hi, void *arg)
{
	const PmfIntegrand *g = (const PmfIntegrand *) arg;
	double		d = g->at_lo ? from_lo : -to_hi;
	double		l = g->log_c0 + g->k_s_1 * log1p(-d / g->w0) -
		g->s1 * log1p(g->slope * d);

	if (g->n > 0.0)
		l += g->n * log1p(d / g->v0);
	return l;
}

/*
 * log of the integral of PmfIntegrand over [lo, hi] (length hi - lo given
 * apart, exact), about the reference v0 = lo or hi (w0 = 1 - v0 exact);
 * log_c the log of C s A B^s, a and b as A and B there.
 */
static double
pmf_log_part(double log_c, double n, double k_s_1, double s1, double a,
			 double b, double v0, double w0, bool at_lo, double length)
{
	PmfIntegrand g;
	double		c0 = b * w0 + a * v0;

	g.log_c0 = log_c + k_s_1 * log(w0) - s1 * log(c0);
	if (n > 0.0)
		g.log_c0 += n * log(v0);
	g.n = n;
	g.k_s_1 = k_s_1;
	g.s1 = s1;
	g.v0 = v0;
	g.w0 = w0;
	g.slope = (a - b) / c0;
	g.at_lo = at_lo;
	return quadrature_log_integral(pmf_log_integrand, &g, length);
}

/*
 * log of the integral from 0 to h of f(u) NB_n(u) du (see the file
 * header), with A, B, k as in PmfIntegrand and log_nb_coef = log C, over
 * v in [0, hi], hi = h / (A + h), 1 - hi = A / (A + h): split at the beta
 * kernel's mode n / (n + k + s - 1) when that lies inside, so that each
 * part has its peak at an end, where the tanh-sinh nodes crowd, and the
 * end at the peak is the reference. Without an inner mode the kernel
 * falls from 0 (n = 0, k + s > 1) or rises to hi. NaN when the quadrature
 * does not converge.
 */
static double
pmf_log_dropout_part(double n, double k, double s, double a, double b,
					 double h, double log_nb_coef)
{
	double		log_c = log_nb_coef + log(s) + log(a) + s * log(b);
	double		k_s_1 = k + s - 1.0;
	double		hi = 1.0 / (1.0 + a / h);	/* h / (A + h), never inf / inf */
	double		one_minus_hi = 1.0 / (1.0 + h / a);
	double		mode;
	double		one_minus_mode;
	double		left;
	double		right;

	if (n == 0.0 && k_s_1 > 0.0)
		return pmf_log_part(log_c, n, k_s_1, s + 1.0, a, b, 0.0, 1.0, true, hi);
	if (n == 0.0 || k_s_1 <= 0.0 || n / (n + k_s_1) >= hi)
		return pmf_log_part(log_c, n, k_s_1, s + 1.0, a, b, hi, one_minus_hi,
							false, hi);
	mode = n / (n + k_s_1);
	one_minus_mode = k_s_1 / (n + k_s_1);
	left = pmf_log_part(log_c, n, k_s_1, s + 1.0, a, b, mode, one_minus_mode,
						false, mode);
	right = pmf_log_part(log_c, n, k_s_1, s + 1.0, a, b, mode, one_minus_mode,
						 true, one_minus_mode - one_minus_hi);
	/* specfun_logsumexp would drop a NaN */
	if (isnan(left) || isnan(right))
		return NAN;
	return specfun_logsumexp(left, right);
}

/*
 * P(X(T, T + horizon) = n | x, t_x, T) under the parameters (r, alpha, s,
 * beta), as in the file header; NaN when the quadrature does not
 * converge. The history is checked by the caller; P(alive) errors as
 * pareto_nbd_p_alive does where its series do not converge.
 */
static double
pareto_nbd_pmf(const double *params, int32 n, double horizon, int32 x,
			   double tx, double t)
{
	double		s = params[2];
	double		k = params[0] + x;
	double		a = params[1] + t;
	double		b = params[3] + t;
	double		log_alive = pareto_nbd_log_alive(params, x, tx, t);
	double		log_nb_coef;
	double		log_survive;
	double		log_nb;
	double		log_dropout;
	double		log_given_alive;

	if (horizon == 0.0)
		return n == 0 ? 1.0 : 0.0;
	/* Gamma(k + n) / (Gamma(k) n!) = 1 / (n B(n, k)) */
	log_nb_coef = n == 0 ? 0.0 : -log((double) n) - specfun_lbeta(n, k);
	log_survive = -s * log1p(horizon / b);
	log_nb = log_nb_coef - k * log1p(horizon / a);
	if (n > 0)
		log_nb += n * (log(horizon) - log(a + horizon));
	log_dropout = pmf_log_dropout_part(n, k, s, a, b, horizon, log_nb_coef);
	if (isnan(log_dropout))
		return NAN;
	log_given_alive = specfun_logsumexp(log_survive + log_nb, log_dropout);
	return (n == 0 ? -expm1(log_alive) : 0.0) + exp(log_alive + log_given_alive);
}

/*
 * pareto_nbd_prob_purchases(pareto_nbd, n, horizon, frequency, recency,
 * t): P(exactly n purchases in the next horizon time units) of a customer
 * with this history (pareto_nbd_pmf). n must not be negative and horizon
 * must be finite and not negative (22023), the history as every accessor
 * checks it; horizon 0 gives 1 for n = 0 and 0 otherwise. NULL when the
 * model has a NULL parameter; 22003 where the value cannot be computed.
 */
PG_FUNCTION_INFO_V1(pareto_nbd_prob_purchases);
Datum
pareto_nbd_prob_purchases(PG_FUNCTION_ARGS)
{
	double		params[4];
	int32		n = PG_GETARG_INT32(1);
	double		horizon = PG_GETARG_FLOAT8(2);
	int32		x = PG_GETARG_INT32(3);
	double		tx = PG_GETARG_FLOAT8(4);
	double		t = PG_GETARG_FLOAT8(5);

	if (!pareto_nbd_params(PG_GETARG_HEAPTUPLEHEADER(0), params))
		PG_RETURN_NULL();
	check_nonnegative_int(n, "n");
	check_nonnegative(horizon, "horizon");
	btyd_check_summary(x, tx, t);
	PG_RETURN_FLOAT8(btyd_check_result(pareto_nbd_pmf(params, n, horizon, x, tx, t),
									   "purchase probability", pmf_names, params,
									   horizon, x, tx, t));
}
