/*-------------------------------------------------------------------------
 *
 * pareto_nbd_loglik.c
 *	  The log-likelihood of a Pareto/NBD fit's rows and its gradient in
 *	  (r, alpha, s, beta), in the form of Fader & Hardie (2005), "A note on
 *	  deriving the Pareto/NBD model and related expressions", eq. 22:
 *	  what pareto_nbd_fit (pareto_nbd.c) maximises.
 *
 * A row's likelihood is
 *   L = Gamma(r + x) alpha^r beta^s / Gamma(r) [e^l_t + e^l_a],
 *   l_t = -(r + x) log(alpha + T) - s log(beta + T)   (alive at T),
 *   l_a = log s + log J,  J = integral from t_x to T of
 *         (alpha + y)^-(r + x) (beta + y)^-(s + 1) dy   (death in (t_x, T]).
 * With big, small = max, min(alpha, beta) and eb, es the exponents of
 * their factors (eb = r + x, es = s + 1 when alpha >= beta, the other way
 * round otherwise), J is the integral of (big + y)^-eb (small + y)^-es,
 * and every derivative of log J is one of
 *   d/dbig = -eb E[1 / (big + y)],   d/dsmall = -es E[1 / (small + y)],
 *   d/deb = -E[log(big + y)],        d/des = -E[log(small + y)]
 * (E over y with density proportional to the integrand on (t_x, T)):
 * each piece of J below carries these four with its value. doc/clv.md
 * ("Pareto/NBD's gradient") has the formulas.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "math/optim.h"
#include "math/specfun.h"
#include "models/fit_state.h"
#include "models/pareto_nbd_loglik.h"
#include "retention.h"

/*
 * Series budget of the likelihood inside a fit: its series need about
 * max(alpha, beta) / min(alpha, beta) terms, and a fit is no place to wait
 * for millions; a point needing more is unacceptable to the optimiser.
 */
#define PNBD_FIT_MAX_TERMS	100000L

/* Relative truncation error of the series below. */
#define PNBD_SERIES_EPS		1e-17

/* The partial derivatives of a log-integral, in this order. */
#define PNBD_D_BIG		0
#define PNBD_D_SMALL	1
#define PNBD_D_EB		2
#define PNBD_D_ES		3

/*
 * log of an integral of (big + y)^-eb (small + y)^-es dy and, when the
 * gradient is asked for, its partial derivatives in big, small, eb, es;
 * for an integral from y (pareto_nbd_log_tail, pareto_nbd_log_k) or to
 * y (pareto_nbd_log_integral), log(big + y) and log(small + y).
 */
typedef struct PnbdLogInt
{
	double		value;
	double		d[4];
	double		lbig;
	double		lsmall;
} PnbdLogInt;

/* The integrand of the current x group (pareto_nbd_loglik). */
typedef struct PnbdShape
{
	double		big;
	double		small;
	double		d;				/* big - small */
	double		eb;				/* exponent of (big + y) */
	double		es;				/* exponent of (small + y) */
	bool		grad;			/* derivatives wanted */
} PnbdShape;

/*
 * log I(y), I(y) = integral from y to infinity of (big + u)^-eb
 * (small + u)^-es du, and its derivatives (when shape->grad): with
 * V = big + y, P = small + y, z = (big - small) / V and n = eb + es - 1,
 * the closed form (big + y)^-n / n 2F1(n, es; n + 1; z) of Fader & Hardie
 * (2005) after Euler's transformation (A&S 15.3.3) is
 *   I = V^-eb P^(1 - es) sum_k w_k,  w_k = (eb)_k / (n)_(k+1) z^k,
 * whose terms are positive and fall by z (eb + k) / (n + k + 1) < z, so
 * the sum converges geometrically whatever the exponents, without
 * cancellation. Differentiating each term's log,
 *   d/dbig   = (W_d (1 - z) - eb W) / (V W),
 *   d/dsmall = (1 - es) / P - W_d / (V W),
 *   d/deb    = -log V + (W_e - W_n) / W,
 *   d/des    = -log P - W_n / W,
 * W = sum w_k, W_d = sum k w_k / z, W_e = sum w_k H_k(eb), W_n = sum w_k
 * H_(k+1)(n), H_k(a) = sum_(j<k) 1 / (a + j). The sum stops when a bound on
 * the tail of W_d (the largest weights), w_k (k + 1 / (1 - z)) / (1 - z),
 * is below PNBD_SERIES_EPS of W, with or without the gradient, so that
 * the value and the gradient fail at the same points: false when
 * PNBD_FIT_MAX_TERMS terms do not get there.
 */
static bool
pareto_nbd_log_tail(const PnbdShape *shape, double y, PnbdLogInt *out)
{
	double		v = shape->big + y;
	double		p = shape->small + y;
	double		z = shape->d / v;
	double		omz = p / v;	/* 1 - z, without rounding */
	double		eb = shape->eb;
	double		n = eb + shape->es - 1.0;
	double		w = 1.0 / n;
	double		sum = 0.0;
	double		sum_d = 0.0;
	double		sum_e = 0.0;
	double		sum_n = 0.0;
	double		h_e = 0.0;
	double		h_n = 1.0 / n;
	long		k;

	for (k = 0; k < PNBD_FIT_MAX_TERMS; k++)
	{
		double		ratio;

		sum += w;
		if (shape->grad)
		{
			sum_e += w * h_e;
			sum_n += w * h_n;
		}
		if (w * (k + 1.0 / omz) <= PNBD_SERIES_EPS * omz * sum)
			break;
		/* w_(k+1) = w_k z (eb + k) / (n + k + 1) */
		ratio = (eb + k) / (n + k + 1.0);
		if (shape->grad)
		{
			sum_d += (k + 1.0) * w * ratio;
			h_e += 1.0 / (eb + k);
			h_n += 1.0 / (n + k + 1.0);
		}
		w *= ratio * z;
	}
	if (k == PNBD_FIT_MAX_TERMS)
		return false;
	out->lbig = log(v);
	out->lsmall = log(p);
	out->value = -eb * out->lbig + (1.0 - shape->es) * out->lsmall + log(sum);
	if (shape->grad)
	{
		out->d[PNBD_D_BIG] = (sum_d * omz - eb * sum) / (v * sum);
		out->d[PNBD_D_SMALL] = (1.0 - shape->es) / p - sum_d / (v * sum);
		out->d[PNBD_D_EB] = -out->lbig + (sum_e - sum_n) / sum;
		out->d[PNBD_D_ES] = -out->lsmall - sum_n / sum;
	}
	return true;
}

/*
 * The power-series form of the likelihood's integral (pareto_nbd_log_pform)
 * is used where p = min(alpha, beta) + y is at most a quarter of
 * |alpha - beta|, the exponent c of the other factor is at most
 * PNBD_PFORM_MAX_C (its alternating terms then cancel by at most
 * ((1 + 1/4) / (1 - 1/4))^c = (5/3)^c, below 4e3) and the exponent b of p
 * is below PNBD_PFORM_MAX_B (the range in which the form was checked
 * against mpmath: b up to 900, doc/clv.md "Numerics").
 */
#define PNBD_PFORM_SPLIT	4.0
#define PNBD_PFORM_MAX_C	16.0
#define PNBD_PFORM_MAX_B	1000.0
#define PNBD_PFORM_MAX_TERMS	2000

/*
 * The integral from 0 to l of u e^(e u) du, times pow1, where pow2 =
 * pow1 e^(e l) and e0 = pow1 (e^(e l) - 1) / e: (l pow2 - e0) / e, or, where
 * |e l| < 1/2 and that difference cancels, pow1 l^2 sum_m (e l)^m /
 * (m! (m + 2)).
 */
static inline double
pareto_nbd_moment1(double e, double l, double pow1, double pow2, double e0)
{
	double		el = e * l;
	double		term = 1.0;
	double		sum = 0.0;

	if (fabs(el) >= 0.5)
		return (l * pow2 - e0) / e;
	for (int m = 0; m < 30 && fabs(term) > 1e-18; m++)
	{
		sum += term / (m + 2.0);
		term *= el / (m + 1.0);
	}
	return pow1 * l * l * sum;
}

/*
 * log of the integral from p1 to p2 (0 < p1 < p2 <= d / PNBD_PFORM_SPLIT,
 * gap = p2 - p1 given apart, so that a short interval keeps its digits)
 * of p^-b (d + p)^-c dp, by the binomial series of (d + p)^-c in p / d
 * integrated term by term:
 *   d^-c p1^(1 - b) S,  S = sum_k (-1)^k (c)_k / k! u_k,
 *   u_k = (p1 / d)^k (exp(e_k L) - 1) / e_k,
 * e_k = k + 1 - b, L = log(p2 / p1), each (exp(e_k L) - 1) / e_k positive
 * and taken through expm1 where e_k L is small (its limit L at e_k = 0), so
 * that an integer b (a logarithmic antiderivative) is no special case.
 * Since u_k = p1^(b - 1) integral from p1 to p2 of p^-b (p / d)^k dp,
 * |u_k| <= q2^k u_0 (q2 = p2 / d <= 1/4), and once k exceeds c the bounds
 * (c)_k / k! q2^k u_0 fall by at least 2 q2 <= 1/2 a term: the sum stops
 * when twice the next one is below PNBD_SERIES_EPS of it, after about
 * log(1e-17) / log(q2) terms whatever b. False when the sum is not
 * positive (rounding with cancelling terms) or does not converge within
 * PNBD_PFORM_MAX_TERMS terms.
 *
 * With shape->grad, the moments from the same terms (coef_k = (-1)^k
 * (c)_k / k!, H_k(c) = sum_(j<k) 1 / (c + j)):
 *   E[1 / (d + p)] = sum_k coef_k (c + k) u_k / (c d S),
 *   E[1 / p]       = (E_(-b) / p1 + sum_(k>=1) coef_k u_(k-1) / d) / S,
 *                    E_(-b) = (1 - e^(-b L)) / b,
 *   E[log(d + p)]  = log d - sum_k coef_k H_k(c) u_k / S,
 *   E[log p]       = log p1 + sum_k coef_k v_k / S,
 *                    v_k = (p1 / d)^k integral_0^L u e^(e_k u) du,
 * into the derivatives in big = d + small, small, eb = c and es = b.
 */
static bool
pareto_nbd_log_pform(double p1, double p2, double gap, double b, double c,
					 double d, bool grad, PnbdLogInt *out)
{
	double		lr = log1p(gap / p1);
	double		q1 = p1 / d;
	double		q2 = p2 / d;
	double		coef = 1.0;
	double		pow1 = 1.0;
	double		pow2 = exp((1.0 - b) * lr);
	double		sum = 0.0;
	double		sum_big = 0.0;
	double		sum_small = 0.0;
	double		sum_lbig = 0.0;
	double		sum_lsmall = 0.0;
	double		h_c = 0.0;
	double		prev = 0.0;
	double		bound = 0.0;	/* u_0 q2^k */
	int			k;

	if (grad)
		sum_small = -expm1(-b * lr) / b / q1;
	for (k = 0; k < PNBD_PFORM_MAX_TERMS; k++)
	{
		double		e = k + 1.0 - b;
		double		u;
		double		term;

		if (fabs(e * lr) < 0.5)
			u = e == 0.0 ? pow1 * lr : pow1 * expm1(e * lr) / e;
		else
			u = (pow2 - pow1) / e;
		if (k == 0)
			bound = u;
		term = coef * u;
		sum += term;
		if (grad)
		{
			sum_big += term * (c + k);
			sum_lbig += term * h_c;
			sum_lsmall += coef * pareto_nbd_moment1(e, lr, pow1, pow2, u);
			if (k > 0)
				sum_small += coef * prev;
			prev = u;
			h_c += 1.0 / (c + k);
		}
		coef *= -(c + k) / (k + 1.0);
		pow1 *= q1;
		pow2 *= q2;
		bound *= q2;
		if (k > c && 2.0 * fabs(coef) * bound <= PNBD_SERIES_EPS * fabs(sum))
			break;
	}
	if (!(sum > 0.0) || k == PNBD_PFORM_MAX_TERMS)
		return false;
	out->value = -c * log(d) + (1.0 - b) * log(p1) + log(sum);
	if (grad)
	{
		out->d[PNBD_D_BIG] = -sum_big / (d * sum);
		out->d[PNBD_D_SMALL] = -b * sum_small / (d * sum);
		out->d[PNBD_D_EB] = sum_lbig / sum - log(d);
		out->d[PNBD_D_ES] = -log(p1) - sum_lsmall / sum;
	}
	return true;
}

/*
 * log K(y) values of one likelihood evaluation (pareto_nbd_log_k), for
 * the x of the current row group (rows come sorted by x; distinct rows
 * share their x with hundreds of others and their t_x, T with many): a
 * direct-mapped table on y, and log I at the split point of
 * pareto_nbd_log_k. group numbers the x groups, so a table entry or half
 * of an earlier group is stale.
 */
#define PNBD_CACHE_BITS	10
#define PNBD_CACHE_SIZE	(1 << PNBD_CACHE_BITS)

typedef struct PnbdCache
{
	int64		group;
	int64		half_group;
	PnbdLogInt	half;
	int64		stamp[PNBD_CACHE_SIZE];
	double		key[PNBD_CACHE_SIZE];
	PnbdLogInt	value[PNBD_CACHE_SIZE];
} PnbdCache;

static bool pareto_nbd_log_k(const PnbdShape *shape, double y,
							 PnbdCache *cache, PnbdLogInt *out);

/* pareto_nbd_log_k through the cache of the current x group. */
static bool
pareto_nbd_cached_k(const PnbdShape *shape, double y, PnbdCache *cache,
					   PnbdLogInt *out)
{
	uint64		bits;
	int			h;

	memcpy(&bits, &y, sizeof(bits));
	h = (int) ((bits * UINT64CONST(0x9E3779B97F4A7C15)) >> (64 - PNBD_CACHE_BITS));
	if (cache->stamp[h] == cache->group && cache->key[h] == y)
	{
		*out = cache->value[h];
		return true;
	}
	if (!pareto_nbd_log_k(shape, y, cache, out))
		return false;
	cache->stamp[h] = cache->group;
	cache->key[h] = y;
	cache->value[h] = *out;
	return true;
}

/*
 * Whether the integral below y comes from pareto_nbd_log_pform: p = small
 * + y below d / PNBD_PFORM_SPLIT and the exponents within its limits.
 */
static inline bool
pareto_nbd_use_pform(const PnbdShape *shape, double y)
{
	return shape->eb <= PNBD_PFORM_MAX_C && shape->es < PNBD_PFORM_MAX_B &&
		shape->small + y < shape->d / PNBD_PFORM_SPLIT;
}

/*
 * log K(y), K(y) the integral from y to infinity of (big + u)^-eb
 * (small + u)^-es du, with its derivatives when shape->grad. With d =
 * big - small and p = small + u the integrand is p^-es (d + p)^-eb. The
 * argument z = d / (big + y) of the series of pareto_nbd_log_tail nears 1
 * where p is small against d, and the series needs about 1 / (1 - z)
 * terms: millions when alpha and beta differ by as much. So where
 * pareto_nbd_use_pform (z > 4/5) K(y) is pareto_nbd_log_pform's series
 * from y to the split point h = d / PNBD_PFORM_SPLIT - small, about 30
 * terms whatever the parameters, plus I(h) (cached); elsewhere it is I(y).
 */
static bool
pareto_nbd_log_k(const PnbdShape *shape, double y, PnbdCache *cache,
				 PnbdLogInt *out)
{
	double		half = shape->d / PNBD_PFORM_SPLIT;
	PnbdLogInt	low;
	double		sigma;

	if (!pareto_nbd_use_pform(shape, y))
		return pareto_nbd_log_tail(shape, y, out);
	if (!pareto_nbd_log_pform(shape->small + y, half, half - shape->small - y,
							  shape->es, shape->eb, shape->d, shape->grad, &low))
		return false;
	if (cache->half_group != cache->group)
	{
		if (!pareto_nbd_log_tail(shape, half - shape->small, &cache->half))
			return false;
		cache->half_group = cache->group;
	}
	/* low + I(h) = low (1 + sigma), sigma = I(h) / low */
	sigma = exp(cache->half.value - low.value);
	out->value = low.value + log1p(sigma);
	out->lbig = log(shape->big + y);
	out->lsmall = log(shape->small + y);
	if (shape->grad)
		for (int i = 0; i < 4; i++)
			out->d[i] = (low.d[i] + sigma * cache->half.d[i]) / (1.0 + sigma);
	return true;
}

/*
 * J, the integral from t_x to T of (big + y)^-eb (small + y)^-es dy (the
 * death-in-(t_x, T] part of the likelihood over s), as e^result->value
 * times *factor (in [0, 1]: the row's likelihood needs no log of it), with
 * the derivatives of log J when shape->grad, and log(big + T), log(small
 * + T): K(t_x) - K(T) of pareto_nbd_log_k, whose values depend on x and
 * one end only and are cached for the current x group in *cache, or,
 * where T too is below the split point of pareto_nbd_log_k,
 * pareto_nbd_log_pform's series from t_x to T. False when a series does
 * not converge.
 */
static bool
pareto_nbd_log_integral(const PnbdShape *shape, double tx, double t,
						PnbdCache *cache, PnbdLogInt *result, double *factor)
{
	PnbdLogInt	k_tx;
	PnbdLogInt	k_t;
	double		m;
	double		ratio;

	if (pareto_nbd_use_pform(shape, t))
	{
		*factor = 1.0;
		result->lbig = log(shape->big + t);
		result->lsmall = log(shape->small + t);
		return pareto_nbd_log_pform(shape->small + tx, shape->small + t, t - tx,
									shape->es, shape->eb, shape->d,
									shape->grad, result);
	}
	if (!pareto_nbd_cached_k(shape, tx, cache, &k_tx) ||
		!pareto_nbd_cached_k(shape, t, cache, &k_t))
		return false;

	/*
	 * J = K(t_x) (1 - rho), rho = K(T) / K(t_x) <= 1 (K is decreasing;
	 * equality means the interval is lost to rounding), 1 - rho by expm1
	 * so that a short interval keeps its digits; the derivatives
	 * (d_tx - rho d_T) / (1 - rho)
	 */
	m = expm1(k_t.value - k_tx.value);
	result->value = k_tx.value;
	result->lbig = k_t.lbig;
	result->lsmall = k_t.lsmall;
	*factor = m < 0.0 ? -m : 0.0;
	if (shape->grad && m < 0.0)
	{
		ratio = (1.0 + m) / m;
		for (int i = 0; i < 4; i++)
			result->d[i] = ratio * k_t.d[i] - k_tx.d[i] / m;
	}
	return true;
}

/*
 * Sum over the rows of weight * log L (Fader & Hardie 2005 eq. 22), and,
 * when grad is not NULL, its gradient in (r, alpha, s, beta) into grad:
 * per row, with the shares w_t = e^(l_t - log(e^l_t + e^l_a)) and
 * w_a = 1 - w_t,
 *   d/dr     = psi(r + x) - psi(r) + log alpha - w_t log(alpha + T)
 *              + w_a dlogJ/dr,
 *   d/dalpha = r / alpha - w_t (r + x) / (alpha + T) + w_a dlogJ/dalpha,
 *   d/ds     = log beta - w_t log(beta + T) + w_a (1 / s + dlogJ/ds),
 *   d/dbeta  = s / beta - w_t s / (beta + T) + w_a dlogJ/dbeta,
 * the derivatives of log J those of pareto_nbd_log_integral in big,
 * small, eb, es mapped to the parameters. NaN when a series fails (the
 * same points with and without the gradient) or a cancel is pending
 * (asked on every row: one row may sum many terms).
 */
double
pareto_nbd_loglik(const FitRows *rows, const double *params, double *grad)
{
	double		r = params[0];
	double		alpha = params[1];
	double		s = params[2];
	double		beta = params[3];
	double		common_r = -specfun_lgamma(r) + r * log(alpha) + s * log(beta);
	double		log_s = log(s);
	bool		alpha_big = alpha >= beta;
	const double *xs = rows->values[0];
	double		x = -1.0;
	double		common = 0.0;
	double		psi_rx = 0.0;
	double		total_weight = 0.0;
	double		g[4] = {0.0, 0.0, 0.0, 0.0};
	PnbdShape	shape;
	PnbdCache	cache_data;
	PnbdCache  *cache = &cache_data;
	double		sum = 0.0;

	/* group 0 is never current: the first row starts group 1 */
	memset(cache, 0, sizeof(PnbdCache));
	shape.big = fmax(alpha, beta);
	shape.small = fmin(alpha, beta);
	shape.d = shape.big - shape.small;
	shape.grad = grad != NULL;

	for (int64 i = 0; i < rows->nrows; i++)
	{
		double		tx = rows->values[1][i];
		double		t = rows->values[2][i];
		double		w = rows->weight[i];
		double		log_at;
		double		log_bt;
		double		l_t;
		double		ea = 0.0;	/* e^(l_a - l_t) */
		double		lse;
		double		w_t;
		PnbdLogInt	j = {0.0, {0.0, 0.0, 0.0, 0.0}, 0.0, 0.0};

		if (optim_cancel_pending())
			return NAN;
		if (xs[i] != x)
		{
			x = xs[i];
			common = specfun_lgamma(r + x) + common_r;
			if (grad != NULL)
				psi_rx = specfun_digamma(r + x);
			shape.eb = alpha_big ? r + x : s + 1.0;
			shape.es = alpha_big ? s + 1.0 : r + x;
			cache->group++;
		}
		if (tx >= t)
		{
			log_at = log(alpha + t);
			log_bt = log(beta + t);
			l_t = -(r + x) * log_at - s * log_bt;
			lse = l_t;
		}
		else
		{
			double		factor;
			double		delta;

			if (!pareto_nbd_log_integral(&shape, tx, t, cache, &j, &factor))
				return NAN;
			log_at = alpha_big ? j.lbig : j.lsmall;
			log_bt = alpha_big ? j.lsmall : j.lbig;
			l_t = -(r + x) * log_at - s * log_bt;
			/* l_a = log s + j.value + log(factor) */
			delta = log_s + j.value - l_t;
			if (factor == 0.0)
				lse = l_t;
			else if (delta < 700.0)
			{
				ea = exp(delta) * factor;
				lse = l_t + log1p(ea);
			}
			else
			{
				/* e^l_t is negligible: log(e^l_t + e^l_a) = l_a + log1p(1/ea) */
				double		l_a = log_s + j.value + log(factor);

				ea = exp(l_a - l_t);
				lse = l_a + log1p(exp(l_t - l_a));
			}
		}
		sum += w * (common + lse);
		if (grad != NULL)
		{
			/* the shares of the two terms: w_t = 1 / (1 + ea), w_a = 1 - w_t */
			w_t = 1.0 / (1.0 + ea);
			total_weight += w;
			g[0] += w * (psi_rx - w_t * log_at);
			g[1] -= w * w_t * (r + x) / (alpha + t);
			g[2] -= w * w_t * log_bt;
			g[3] -= w * w_t * s / (beta + t);
			if (ea > 0.0)
			{
				double		w_a = w * (1.0 - w_t);

				g[0] += w_a * j.d[alpha_big ? PNBD_D_EB : PNBD_D_ES];
				g[1] += w_a * j.d[alpha_big ? PNBD_D_BIG : PNBD_D_SMALL];
				g[2] += w_a * (1.0 / s + j.d[alpha_big ? PNBD_D_ES : PNBD_D_EB]);
				g[3] += w_a * j.d[alpha_big ? PNBD_D_SMALL : PNBD_D_BIG];
			}
		}
	}
	if (grad != NULL)
	{
		grad[0] = g[0] + total_weight * (log(alpha) - specfun_digamma(r));
		grad[1] = g[1] + total_weight * r / alpha;
		grad[2] = g[2] + total_weight * log(beta);
		grad[3] = g[3] + total_weight * s / beta;
	}
	return sum;
}

/*
 * pareto_nbd_loglik of n rows given as arrays (x sorted or not), the way
 * into the likelihood for the test module (test/modules/retention_test),
 * which checks the gradient against differences and mpmath.
 */
double
pareto_nbd_loglik_arrays(int64 n, const double *x, const double *tx,
						 const double *t, const double *weight,
						 const double *params, double *grad)
{
	FitRows		rows;

	rows.nrows = n;
	rows.customers = n;
	rows.penalizer = 0.0;
	rows.values[0] = (double *) x;
	rows.values[1] = (double *) tx;
	rows.values[2] = (double *) t;
	rows.weight = (double *) weight;
	return pareto_nbd_loglik(&rows, params, grad);
}
