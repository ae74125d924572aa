/*-------------------------------------------------------------------------
 *
 * bgnbd.c
 *	  The BG/NBD model of Fader, Hardie & Lee (2005), "'Counting your
 *	  customers' the easy way: an alternative to the Pareto/NBD model",
 *	  Marketing Science 24(2): the bgnbd_fit aggregate and its accessors.
 *
 * While active, a customer buys at Poisson rate lambda ~ Gamma(r, alpha);
 * after each purchase the customer drops out with probability
 * p ~ Beta(a, b). frequency x counts repeat purchases, recency t_x is the
 * time of the last one and t (T in the paper) the customer's age, all
 * measured from the first purchase.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "base/checks.h"
#include "math/optim.h"
#include "math/specfun.h"
#include "models/bgnbd.h"
#include "models/btyd.h"
#include "models/btyd_population.h"
#include "models/fit.h"
#include "models/fit_state.h"
#include "models/model_value.h"
#include "retention.h"

/* The names of BG/NBD's parameters, which MBG/NBD shares. */
const char *const bgnbd_names[BGNBD_NPARAMS] = {"r", "alpha", "a", "b"};

/*
 * log(alpha + y) and 1 / (alpha + y) for the ages and recencies of one
 * likelihood evaluation (alpha fixed): a direct-mapped table on the bits
 * of y. Summaries at day resolution have a few hundred distinct ages and
 * recencies among hundreds of thousands of rows, so most rows find both
 * here and the row loop is left with the one exp and log of its
 * log-sum-exp. used is false for an empty slot.
 */
#define BGNBD_CACHE_BITS	9
#define BGNBD_CACHE_SIZE	(1 << BGNBD_CACHE_BITS)

typedef struct BgnbdAgeCache
{
	double		alpha;
	bool		used[BGNBD_CACHE_SIZE];
	double		key[BGNBD_CACHE_SIZE];
	double		log_value[BGNBD_CACHE_SIZE];
	double		inverse[BGNBD_CACHE_SIZE];
} BgnbdAgeCache;

/* log(alpha + y) into *log_value, and 1 / (alpha + y), through the cache. */
static inline double
bgnbd_log_age(BgnbdAgeCache *cache, double y, double *inverse)
{
	uint64		bits;
	int			h;

	memcpy(&bits, &y, sizeof(bits));
	h = (int) ((bits * UINT64CONST(0x9E3779B97F4A7C15)) >> (64 - BGNBD_CACHE_BITS));
	if (!cache->used[h] || cache->key[h] != y)
	{
		cache->used[h] = true;
		cache->key[h] = y;
		cache->log_value[h] = log(cache->alpha + y);
		cache->inverse[h] = 1.0 / (cache->alpha + y);
	}
	*inverse = cache->inverse[h];
	return cache->log_value[h];
}

/*
 * Rows whose factors 1 + e (each in [1, 2]) bgnbd_loglik_rows multiplies
 * before it takes one log of the product: at most 2^512, far from
 * overflow.
 */
#define BGNBD_PRODUCT_TERMS	512

/*
 * Sum over the rows of weight * log L, in log space, for BG/NBD (FHL 2005)
 * and, when modified, for MBG/NBD (Batislam et al. 2007 eq. 7):
 * log L = log Gamma(r + x) - log Gamma(r) + r log alpha
 *       + log B(a, b + s + x) - log B(a, b)
 *       + log[ (alpha + T)^-(r + x)
 *            + [x > 0 or modified] a / (b + s + x - 1) (alpha + t_x)^-(r + x) ],
 * s = 1 when modified, else 0 (BG/NBD's B(a + 1, b + x - 1) / B(a, b + x)
 * is a / (b + x - 1)): MBG/NBD is BG/NBD with b + 1 in the terms of x, and
 * its second term for x = 0 too (a customer may drop out at the first
 * purchase). When grad is not NULL, the gradient with respect to (r,
 * alpha, a, b), and when hess is not NULL too, the Hessian (4 x 4,
 * row-major). The rows are sorted by x, so what depends on x alone is
 * computed once per distinct x, and log(alpha + y) once per distinct age
 * or recency y (BgnbdAgeCache). The bracket's log-sum-exp gives the two
 * shares of the bracket the derivatives need from its one exp: with
 * e = exp(lo - hi) of the smaller and larger log-term, the larger term's
 * share is 1 / (1 + e) and the smaller's e / (1 + e). The log(1 + e) of
 * rows of weight 1 are summed as the log of their product, one log per
 * BGNBD_PRODUCT_TERMS rows: the absolute error is then about that many
 * ulps of 1 per product, far below the rounding of the sum over the rows.
 * With the shares w1, w2 and the gradients d1, d2 of the two log-terms
 * t1, t2, the bracket's Hessian is w1 H(t1) + w2 H(t2)
 * + w1 w2 (d1 - d2)(d1 - d2)'. NaN when a cancel is pending
 * (optim_cancel_pending).
 */
double
bgnbd_loglik_rows(const void *data, const double *params, bool modified,
				  double *grad, double *hess)
{
	const FitRows *rows = (const FitRows *) data;
	double		r = params[0];
	double		alpha = params[1];
	double		a = params[2];
	double		b = params[3];
	double		shift = modified ? 1.0 : 0.0;
	const double *xs = rows->values[0];
	const double *txs = rows->values[1];
	const double *ts = rows->values[2];
	double		log_alpha = log(alpha);
	double		lbeta_ab = specfun_lbeta(a, b);
	double		lgamma_r = specfun_lgamma(r);
	double		psi_r = specfun_digamma(r);
	double		psi_b = specfun_digamma(b);
	double		psi_ab = specfun_digamma(a + b);
	double		tri_r = 0.0;
	double		tri_b = 0.0;
	double		tri_ab = 0.0;
	double		log_a = log(a);
	double		r_alpha = r / alpha;	/* the loop's invariant quotients */
	double		inv_alpha = 1.0 / alpha;
	double		r_alpha2 = r / (alpha * alpha);
	double		inv_a = 1.0 / a;
	double		a2 = a * a;
	double		sum = 0.0;
	double		sum_log = 0.0;	/* of w log(1 + e) */
	double		product = 1.0;	/* of 1 + e over rows of weight 1 */
	int			factors = 0;
	double		g[BGNBD_NPARAMS] = {0.0, 0.0, 0.0, 0.0};
	double		h[BGNBD_NPARAMS][BGNBD_NPARAMS] = {{0.0}};
	double		x = -1.0;
	bool		two_terms = false;	/* whether rows of this x have two */
	double		common = 0.0;	/* log-likelihood terms of x alone */
	double		lb2 = 0.0;		/* log[a / (b + s + x - 1)] */
	double		d_r = 0.0;
	double		d_a1 = 0.0;
	double		d_b1 = 0.0;
	double		inv_b2 = 0.0;
	double		h_rr = 0.0;		/* second derivatives of the x-terms */
	double		h_ab = 0.0;
	double		h_bb = 0.0;
	BgnbdAgeCache cache;

	cache.alpha = alpha;
	memset(cache.used, 0, sizeof(cache.used));
	if (hess != NULL)
	{
		tri_r = specfun_trigamma(r);
		tri_b = specfun_trigamma(b);
		tri_ab = specfun_trigamma(a + b);
	}
	for (int64 i = 0; i < rows->nrows; i++)
	{
		double		w = rows->weight[i];
		double		inv_t;
		double		la_t;
		double		term1;

		if (i % OPTIM_CANCEL_INTERVAL == 0 && optim_cancel_pending())
			return NAN;
		if (xs[i] != x)
		{
			/* b + s + x as (b + x) + s: BG/NBD's b + x, bit for bit */
			double		bx = (b + xs[i]) + shift;

			x = xs[i];
			two_terms = x > 0.0 || modified;
			common = specfun_lgamma(r + x) - lgamma_r + r * log_alpha +
				specfun_lbeta(a, bx) - lbeta_ab;
			if (two_terms)
			{
				/* b + s + x - 1 as (b + x) + (s - 1), bit for bit too */
				double		bx1 = (b + x) + (shift - 1.0);

				lb2 = log_a - log(bx1);
				inv_b2 = 1.0 / bx1;
			}
			if (grad != NULL)
			{
				double		psi_abx = specfun_digamma(a + bx);

				d_r = specfun_digamma(r + x) - psi_r + log_alpha;
				d_a1 = psi_ab - psi_abx;
				d_b1 = specfun_digamma(bx) - psi_b + psi_ab - psi_abx;
			}
			if (hess != NULL)
			{
				double		tri_abx = specfun_trigamma(a + bx);

				h_rr = specfun_trigamma(r + x) - tri_r;
				h_ab = tri_ab - tri_abx;
				h_bb = specfun_trigamma(bx) - tri_b + tri_ab - tri_abx;
			}
		}
		la_t = bgnbd_log_age(&cache, ts[i], &inv_t);
		term1 = -(r + x) * la_t;
		if (!two_terms)
		{
			sum += w * (common + term1);
			if (grad != NULL)
			{
				g[0] += w * (d_r - la_t);
				g[1] += w * (r_alpha - r * inv_t);
				g[2] += w * d_a1;
				g[3] += w * d_b1;
			}
			if (hess != NULL)
			{
				h[0][0] += w * h_rr;
				h[0][1] += w * (inv_alpha - inv_t);
				h[1][1] += w * (r * inv_t * inv_t - r_alpha2);
				h[2][2] += w * h_ab;
				h[2][3] += w * h_ab;
				h[3][3] += w * h_bb;
			}
		}
		else
		{
			double		inv_tx;
			double		la_tx = bgnbd_log_age(&cache, txs[i], &inv_tx);
			double		term2 = lb2 - (r + x) * la_tx;
			bool		first_larger = term1 >= term2;
			double		e = exp(first_larger ? term2 - term1 : term1 - term2);

			sum += w * (common + (first_larger ? term1 : term2));
			if (w == 1.0)
			{
				product *= 1.0 + e;
				if (++factors == BGNBD_PRODUCT_TERMS)
				{
					sum_log += log(product);
					product = 1.0;
					factors = 0;
				}
			}
			else
				sum_log += w * log(1.0 + e);
			if (grad != NULL)
			{
				double		larger_share = 1.0 / (1.0 + e);
				double		w1 = first_larger ? larger_share : e * larger_share;
				double		w2 = first_larger ? e * larger_share : larger_share;

				g[0] += w * (d_r - w1 * la_t - w2 * la_tx);
				g[1] += w * (r_alpha - (r + x) * (w1 * inv_t + w2 * inv_tx));
				g[2] += w * (d_a1 + w2 / a);
				g[3] += w * (d_b1 - w2 * inv_b2);
				if (hess != NULL)
				{
					/* d1 - d2, the difference of the log-terms' gradients */
					double		dd[BGNBD_NPARAMS] = {
						la_tx - la_t, (r + x) * (inv_tx - inv_t),
						-inv_a, inv_b2
					};
					double		ww = w * w1 * w2;

					h[0][0] += w * h_rr;
					h[0][1] += w * (inv_alpha - w1 * inv_t - w2 * inv_tx);
					h[1][1] += w * ((r + x) * (w1 * inv_t * inv_t +
											   w2 * inv_tx * inv_tx) -
									r_alpha2);
					h[2][2] += w * (h_ab - w2 / a2);
					h[2][3] += w * h_ab;
					h[3][3] += w * (h_bb + w2 * inv_b2 * inv_b2);
					for (int j = 0; j < BGNBD_NPARAMS; j++)
						for (int k = j; k < BGNBD_NPARAMS; k++)
							h[j][k] += ww * dd[j] * dd[k];
				}
			}
		}
	}
	if (grad != NULL)
		memcpy(grad, g, sizeof(g));
	if (hess != NULL)
		for (int j = 0; j < BGNBD_NPARAMS; j++)
			for (int k = 0; k < BGNBD_NPARAMS; k++)
				hess[j * BGNBD_NPARAMS + k] = k >= j ? h[j][k] : h[k][j];
	return sum + (sum_log + log(product));
}

/* The log-likelihood and its gradient (bgnbd_loglik_rows). */
static double
bgnbd_loglik(const void *data, const double *params, double *grad)
{
	return bgnbd_loglik_rows(data, params, false, grad, NULL);
}

/* The log-likelihood, its gradient and Hessian (bgnbd_loglik_rows). */
static double
bgnbd_loglik_hessian(const void *data, const double *params, double *grad,
					 double *hess)
{
	return bgnbd_loglik_rows(data, params, false, grad, hess);
}

/* BG/NBD for the fit driver. */
static const FitModel bgnbd_model_spec = {
	.nparams = BGNBD_NPARAMS,
	.loglik = bgnbd_loglik,
	.start = btyd_fit_start_model,
	.hessian = bgnbd_loglik_hessian,
	.has_gradient = true,
	.counts_customers = true,
};

/*
 * bgnbd_fit(frequency, recency, t [, penalizer]) final function: the
 * maximum-likelihood (r, alpha, a, b) by Newton's method on log-parameters from
 * r = a = b = 1 and alpha for the observed purchase rate, through the fit
 * driver (fit.c): the log-likelihood there (without the penalty), the
 * number of customers and whether the fit converged to a verified interior
 * optimum. NULL on empty input. Without any repeat purchase the likelihood
 * has no maximum: converged is false.
 */
SQL_FUNCTION(bgnbd_fit_final, fit_aggregate_final(fcinfo, &bgnbd_model_spec, FIT_BTYD));

/*
 * bgnbd_fit(population btyd_population) returns bgnbd: the fit of every
 * customer's (frequency, recency, t) but those observed for no time, as
 * bgnbd_fit over btyd_table(population) gives it, bit for bit (the same
 * weighted rows, fit_state.h). NULL when no customer is a row. STRICT.
 */
SQL_FUNCTION(bgnbd_fit_population, fit_rows_final(fcinfo, &bgnbd_model_spec, btyd_population_fit_rows(PG_GETARG_BYTEA_PP(0), FIT_BTYD)));

/*
 * The expected purchases in (T, T + h] of a customer known to be alive,
 * the numerator of FHL (2005) eq. 10,
 *   (a + b + x - 1) / (a - 1) [1 - ((alpha + T) / (alpha + T + h))^(r + x)
 *                               2F1(r + x, b + x; a + b + x - 1; z)],
 * z = h / (alpha + T + h). It is E[(1 - exp(-lambda p h)) / p] over the
 * posterior lambda ~ Gamma(R, alpha + T), p ~ Beta(a, B) of an alive
 * customer, R = r + x, B = b + x; integrating out lambda and substituting
 * u = p h s / (alpha + T + p h s) gives
 *   R * integral_0^z (1 - u)^(a - 2) 2F1(a', a; a + B; u) du,
 * a' = a + B - R - 1, a sum of positive terms when a' >= 0
 * (specfun_log_hyp2f1_integral): no cancellation however large b is (the
 * closed form above subtracts two numbers of size b from each other).
 * When a' < 0 (a frequency above a + b - r) the closed form is evaluated
 * after Euler's transformation turns (1 - z)^(r + x) 2F1(r + x, b + x; c;
 * z) into (1 - z)^(a - 1) 2F1(a', a - 1; c; z), c = a + b + x - 1:
 *   c [1 - (1 - z)^(a - 1)] / (a - 1)
 *   - (1 - z)^(a - 1) a' z 3F2(1, a' + 1, a; 2, c + 1; z),
 * there b is small, and a result that cancels more than 1e4 is refused.
 * NaN when no form can be evaluated accurately.
 */
static double
bgnbd_alive_purchases(const double *params, double x, double t, double horizon)
{
	double		r = params[0];
	double		alpha = params[1];
	double		a = params[2];
	double		b = params[3];
	double		big_r = r + x;
	double		big_b = b + x;
	double		a1 = (a - 1.0) + (b - r);
	double		w = horizon / (alpha + t);
	double		z = 1.0 / (1.0 + (alpha + t) / horizon);
	double		log1mz = -log1p(w);
	double		c;
	double		first;
	double		second = 0.0;

	if (horizon == 0.0)
		return 0.0;
	/* the first-order term R w, exact when (R + 1) w is below rounding */
	if (w * (big_r + 1.0) < 1e-17)
		return big_r * w;
	/* the series would need more than about w terms: not within budget */
	if (!(z > 0.0 && z < 1.0) || w > 1e6)
		return NAN;
	if (a1 >= 0.0)
	{
		double		l = specfun_log_hyp2f1_integral(a1, a, a + big_b, a - 1.0, z,
													SPECFUN_MAX_TERMS);

		return isnan(l) ? NAN : exp(log(big_r) + l);
	}
	c = a + (big_b - 1.0);
	first = -c * specfun_expm1_ratio(a - 1.0, log1mz);
	{
		int			sign;
		double		l = specfun_log_hyp3f2_12(a1 + 1.0, a, c + 1.0, z, &sign);

		if (isnan(l))
			return NAN;
		second = sign * a1 * exp((a - 1.0) * log1mz + log(z) + l);
	}
	if (fabs(first) + fabs(second) > 1e4 * fabs(first - second))
		return NAN;
	return first - second;
}

/*
 * log of the odds P(dead) / P(alive) given the history (FHL 2005 eq. 10's
 * denominator minus 1; Fader, Hardie & Lee, "Computing P(alive) using the
 * BG/NBD model", brucehardie.com note 021): for x > 0,
 * log[a / (b + x - 1)] + (r + x) log[(alpha + T) / (alpha + t_x)];
 * -Infinity for x = 0, whom the model treats as alive. Written so that no
 * sum of two parameters is formed where one may be near the float8 limit
 * or below its resolution.
 */
static double
bgnbd_log_dead_odds(const double *params, double x, double tx, double t)
{
	double		r = params[0];
	double		alpha = params[1];
	double		a = params[2];
	double		b = params[3];

	if (x == 0.0)
		return -INFINITY;
	return log(a) - log(b + (x - 1.0)) +
		(r + x) * log1p((t - tx) / (alpha + tx));
}

/*
 * The expected purchases in (T, T + horizon] of a customer known to be
 * alive (bgnbd_alive_purchases) under the BG/NBD parameters with b
 * replaced by b + b_shift: b_shift 0 for BG/NBD, 1 for MBG/NBD, whose
 * alive customer's expectation is BG/NBD's with b + 1 (Batislam et al.
 * 2007 eq. 13 against FHL 2005 eq. 10). An error (22003) names the cause
 * when the value cannot be computed to about 1e-10: a horizon so long
 * against alpha + t that the series would need more than
 * SPECFUN_MAX_TERMS terms, or parameters whose series overflow or cancel.
 */
double
bgnbd_alive_expected(const double *params, double b_shift, double x,
					 double t, double horizon)
{
	double		shifted[BGNBD_NPARAMS] = {params[0], params[1], params[2],
	params[3] + b_shift};
	double		numerator = bgnbd_alive_purchases(shifted, x, t, horizon);

	if (isnan(numerator))
	{
		double		ratio = horizon / (params[1] + t);

		CHECK_FOR_INTERRUPTS();
		if (!(ratio < 1e6))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("expected purchases cannot be computed for horizon %s",
							float8out_internal(horizon)),
					 errdetail("The horizon is %s times alpha + t; the hypergeometric series needs more terms than allowed when that ratio is above about a million.",
							   float8out_internal(ratio))));
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("expected purchases cannot be computed accurately for these model parameters"),
				 errdetail("The hypergeometric series overflows or cancels for r = %s, alpha = %s, a = %s, b = %s and frequency %s.",
						   float8out_internal(params[0]),
						   float8out_internal(params[1]),
						   float8out_internal(params[2]),
						   float8out_internal(params[3]),
						   float8out_internal(x))));
	}
	return numerator;
}

/*
 * Conditional expected purchases in (t, t + horizon] (FHL 2005 eq. 10);
 * with frequency = recency = t = 0 it is the new customer's E[X(horizon)]
 * of FHL (2005). The history and horizon are checked by the caller; errors
 * as bgnbd_alive_expected's.
 */
double
bgnbd_expected(const double *params, double x, double tx, double t,
			   double horizon)
{
	double		numerator = bgnbd_alive_expected(params, 0.0, x, t, horizon);

	if (numerator <= 0.0)
		return 0.0;
	return btyd_check_result(exp(log(numerator) -
								 specfun_log1pexp(bgnbd_log_dead_odds(params, x, tx, t))),
							 "expected purchases", bgnbd_names, params, horizon,
							 x, tx, t);
}

/* The bgnbd composite's parameters; false when one is NULL. */
bool
bgnbd_params(HeapTupleHeader model, double *params)
{
	return model_params(model, BGNBD_NPARAMS, bgnbd_names, params);
}

/*
 * bgnbd_expected_purchases(bgnbd, horizon, frequency, recency, t):
 * expected purchases in the next horizon time units of a customer with this
 * history (FHL 2005 eq. 10). NULL when the model has a NULL parameter.
 */
PG_FUNCTION_INFO_V1(bgnbd_expected_purchases);
Datum
bgnbd_expected_purchases(PG_FUNCTION_ARGS)
{
	BtydAccessorArgs c;

	if (!btyd_accessor_args(fcinfo, BTYD_HORIZON_HISTORY, bgnbd_names, &c))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(bgnbd_expected(c.params, c.x, c.tx, c.t, c.horizon));
}

/*
 * bgnbd_expected_purchases(bgnbd, horizon): expected repeat purchases of a
 * new customer in horizon time units after the first purchase, E[X(t)] of
 * FHL (2005).
 */
PG_FUNCTION_INFO_V1(bgnbd_expected_purchases_new);
Datum
bgnbd_expected_purchases_new(PG_FUNCTION_ARGS)
{
	BtydAccessorArgs c;

	if (!btyd_accessor_args(fcinfo, BTYD_HORIZON, bgnbd_names, &c))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(bgnbd_expected(c.params, 0.0, 0.0, 0.0, c.horizon));
}

/*
 * bgnbd_p_alive(bgnbd, frequency, recency, t): probability that the
 * customer is still active, 1 / (1 + odds) with the odds of
 * bgnbd_log_dead_odds; exactly 1 for frequency 0, since in BG/NBD a
 * customer can only drop out right after a repeat purchase.
 */
PG_FUNCTION_INFO_V1(bgnbd_p_alive);
Datum
bgnbd_p_alive(PG_FUNCTION_ARGS)
{
	BtydAccessorArgs c;

	if (!btyd_accessor_args(fcinfo, BTYD_HISTORY, bgnbd_names, &c))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(btyd_check_result(exp(-specfun_log1pexp(bgnbd_log_dead_odds(c.params, c.x, c.tx, c.t))),
									   "probability alive", bgnbd_names, c.params,
									   c.horizon, c.x, c.tx, c.t));
}

/*
 * P(X(horizon) = n) of a new customer, n >= 0 (FHL 2005 eq. 8):
 *   B(a, b + n) / B(a, b) NB(n)
 *   + [n > 0] B(a + 1, b + n - 1) / B(a, b) P(NB >= n),
 * NB the negative binomial with Gamma(r + j) / (Gamma(r) j!) p^r q^j,
 * p = alpha / (alpha + horizon), q = 1 - p. The tail is the regularized
 * incomplete beta function P(NB >= n) = I_q(n, r) (A&S 26.5.26 with the
 * roles of the binomial's), a continued fraction whose cost does not
 * depend on the horizon; log NB(n) = r log p + n log q - log n - log B(r,
 * n) for n > 0 avoids the difference of two large log-gammas. 22003 when
 * the incomplete beta function does not converge.
 */
double
bgnbd_pmf(const double *params, int32 n, double horizon)
{
	double		r = params[0];
	double		alpha = params[1];
	double		a = params[2];
	double		b = params[3];
	double		lbeta_ab = specfun_lbeta(a, b);
	/* log_q is -inf at horizon 0, which returns before using it */
	double		log_p = -log1p(horizon / alpha);
	double		log_q = -log1p(alpha / horizon);
	double		log_pmf_n;
	double		result;

	if (horizon == 0.0)
		return n == 0 ? 1.0 : 0.0;
	if (n == 0)
		log_pmf_n = r * log_p;
	else
		log_pmf_n = r * log_p + n * log_q - log((double) n) -
			specfun_lbeta(r, (double) n);
	result = exp(specfun_lbeta(a, b + n) - lbeta_ab + log_pmf_n);
	if (n > 0)
	{
		double		tail = specfun_betainc((double) n, r, exp(log_q), exp(log_p));

		if (isnan(tail))
		{
			CHECK_FOR_INTERRUPTS();
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("purchase probability cannot be computed for these model parameters"),
					 errdetail("The incomplete beta function I_q(n, r) does not converge for n = %d, r = %s and q = %s.",
							   n, float8out_internal(r),
							   float8out_internal(horizon / (alpha + horizon)))));
		}
		result += exp(specfun_lbeta(a + 1.0, b + (n - 1.0)) - lbeta_ab) * tail;
	}
	return result;
}

/*
 * bgnbd_prob_purchases(bgnbd, n, horizon): bgnbd_pmf, checked. NULL when
 * the model has a NULL parameter; 22003 where it cannot be computed.
 */
PG_FUNCTION_INFO_V1(bgnbd_prob_purchases);
Datum
bgnbd_prob_purchases(PG_FUNCTION_ARGS)
{
	BtydAccessorArgs c;

	if (!btyd_accessor_args(fcinfo, BTYD_COUNT_HORIZON, bgnbd_names, &c))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(btyd_check_result(bgnbd_pmf(c.params, c.x, c.horizon),
									   "purchase probability", bgnbd_names,
									   c.params, c.horizon, c.x, c.tx, c.t));
}
