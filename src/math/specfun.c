/*-------------------------------------------------------------------------
 *
 * specfun.c
 *	  Special functions for the probabilistic models: log-gamma, digamma,
 *	  trigamma, log-beta, log-sum-exp and the Gauss hypergeometric function 2F1 in
 *	  log space.
 *
 * Everything here is plain arithmetic: no palloc, no ereport, so the
 * optimiser callbacks of optim.c may call it. A failure (a series that does
 * not converge within its budget, an argument outside the domain, a pending
 * interrupt during a very long series) is a NaN result.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "miscadmin.h"

#include "math/specfun.h"
#include "retention.h"

/* glibc declares lgamma_r only for _DEFAULT_SOURCE; it is POSIX-2008 XSI */
extern double lgamma_r(double x, int *signp);

/* Relative size of the neglected tail of a series. */
#define HYP2F1_EPS			(DBL_EPSILON / 4.0)

/* Partial sums are rescaled by this factor to stay within double range. */
#define HYP2F1_RESCALE		1e200

/*
 * A series whose terms cancel so much that sum |t_k| / |sum t_k| exceeds
 * this is retried in the other (Euler-transformed) form.
 */
#define HYP2F1_MAX_CANCELLATION	1e3

/*
 * A 3F2 series whose terms cancel more than this (it has no second form to
 * try) is a NaN: about 4 of the 16 digits lost.
 */
#define HYP3F2_MAX_CANCELLATION	1e4

/*
 * log |Gamma(x)|, with lgamma_r so that the global signgam is not written
 * (the C library's lgamma is not thread-safe for that reason).
 */
double
specfun_lgamma(double x)
{
	int			sign;

	return lgamma_r(x, &sign);
}

/*
 * Digamma psi(x) = d/dx log Gamma(x) for x > 0 (NaN otherwise): the
 * recurrence psi(x) = psi(x + 1) - 1/x up to x >= 10, then the asymptotic
 * series (Abramowitz & Stegun 6.3.18) to x^-14, accurate to a few ulps.
 */
double
specfun_digamma(double x)
{
	double		result = 0.0;
	double		inv2;

	if (!(x > 0.0) || isinf(x))
		return isinf(x) && x > 0.0 ? x : NAN;
	while (x < 10.0)
	{
		result -= 1.0 / x;
		x += 1.0;
	}
	inv2 = 1.0 / (x * x);
	result += log(x) - 0.5 / x -
		inv2 * (1.0 / 12.0 - inv2 * (1.0 / 120.0 - inv2 * (1.0 / 252.0 -
		inv2 * (1.0 / 240.0 - inv2 * (1.0 / 132.0 - inv2 * (691.0 / 32760.0 -
		inv2 / 12.0))))));
	return result;
}

/*
 * Trigamma psi'(x) = d^2/dx^2 log Gamma(x) for x > 0 (NaN otherwise): the
 * recurrence psi'(x) = psi'(x + 1) + 1/x^2 up to x >= 10, then the
 * asymptotic series (Abramowitz & Stegun 6.4.12, Bernoulli numbers to
 * B14) to x^-15, accurate to a few ulps.
 */
double
specfun_trigamma(double x)
{
	double		result = 0.0;
	double		inv;
	double		inv2;

	if (!(x > 0.0) || isinf(x))
		return isinf(x) && x > 0.0 ? 0.0 : NAN;
	while (x < 10.0)
	{
		result += 1.0 / (x * x);
		x += 1.0;
	}
	inv = 1.0 / x;
	inv2 = inv * inv;
	result += inv + inv2 / 2.0 +
		inv * inv2 * (1.0 / 6.0 - inv2 * (1.0 / 30.0 - inv2 * (1.0 / 42.0 -
		inv2 * (1.0 / 30.0 - inv2 * (5.0 / 66.0 - inv2 * (691.0 / 2730.0 -
		inv2 * 7.0 / 6.0))))));
	return result;
}

/*
 * The remainder of Stirling's series, log Gamma(x) - [(x - 1/2) log x - x +
 * log(2 pi) / 2], for x >= 10: 1/(12 x) - 1/(360 x^3) + ... to x^-9
 * (Abramowitz & Stegun 6.1.41); the neglected term is below 2e-14 / x.
 */
static double
lgamma_stirling_remainder(double x)
{
	double		inv = 1.0 / x;
	double		inv2 = inv * inv;

	return inv * (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 * (1.0 / 1260.0 -
				  inv2 * (1.0 / 1680.0 - inv2 / 1188.0))));
}

/*
 * log B(a, b) = log Gamma(a) + log Gamma(b) - log Gamma(a + b), a, b > 0.
 * When the larger argument q is 10 or more, subtracting the log-gammas
 * cancels catastrophically (sBG S(1) = B(alpha, beta + 1) / B(alpha, beta)
 * came out 0.4% off at alpha = 1e13 and 1 instead of 1e-20 at 1e20); as in
 * R's lbeta (after W. Fullerton's dlbeta), Stirling's series is taken apart
 * so that the large terms cancel exactly. With p the smaller argument,
 * rho = p / q, w = p + q and c the Stirling remainder:
 *   p >= 10: log(2 pi)/2 - log(q)/2 + (p - 1/2) (log rho - log1p(rho))
 *            - q log1p(rho) + c(p) + c(q) - c(w),
 *   p < 10:  log Gamma(p) + p - p (log q + log1p(rho))
 *            - (q - 1/2) log1p(rho) + c(q) - c(w),
 * written with rho so that w may overflow.
 */
double
specfun_lbeta(double a, double b)
{
	double		p = fmin(a, b);
	double		q = fmax(a, b);
	double		rho = p / q;
	double		log1p_rho = log1p(rho);

	if (q < 10.0)
		return specfun_lgamma(a) + specfun_lgamma(b) - specfun_lgamma(a + b);
	if (p >= 10.0)
		return 0.5 * log(2.0 * M_PI) - 0.5 * log(q) +
			(p - 0.5) * (log(rho) - log1p_rho) - q * log1p_rho +
			lgamma_stirling_remainder(p) + lgamma_stirling_remainder(q) -
			lgamma_stirling_remainder(p + q);
	return specfun_lgamma(p) + p - p * (log(q) + log1p_rho) -
		(q - 0.5) * log1p_rho + lgamma_stirling_remainder(q) -
		lgamma_stirling_remainder(p + q);
}

/* log(exp(x) + exp(y)) without overflow; -Infinity terms are fine. */
double
specfun_logsumexp(double x, double y)
{
	double		hi = fmax(x, y);
	double		lo = fmin(x, y);

	if (isinf(hi))
		return hi;
	return hi + log1p(exp(lo - hi));
}

/* log(1 - exp(x)) for x <= 0, accurate at both ends (Maechler 2012). */
double
specfun_log1mexp(double x)
{
	return x > -M_LN2 ? log(-expm1(x)) : log1p(-exp(x));
}

/* log(1 + exp(x)) without overflow. */
double
specfun_log1pexp(double x)
{
	return x > 0.0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

/*
 * expm1(x l) / x, continuous at x = 0 where it is l: the factor
 * (1 - q^x) / x that appears wherever a model has "a - 1" or "s - 1" in a
 * denominator.
 */
double
specfun_expm1_ratio(double x, double l)
{
	double		xl = x * l;

	if (fabs(xl) < 1e-8)
		return l * (1.0 + xl / 2.0 * (1.0 + xl / 3.0));
	return expm1(xl) / x;
}

/*
 * Sum the series sum_k (a)_k (b)_k / ((c)_k (d)_k) z^k for 0 < z < 1: with
 * d = 1 the Gauss series of 2F1(a, b; c; z), with d = 2 that of
 * 3F2(1, a, b; 2, c; z). Terms are added until a rigorous bound on the tail
 * falls below HYP2F1_EPS of the sum: the ratio of consecutive terms is
 * z (a + j)(b + j) / ((c + j)(d + j)), and once j exceeds -a, -b, -c and -d
 * the factors (a + j)/(d + j), (b + j)/(c + j), (a + j)/(c + j) and
 * (b + j)/(d + j) are monotone, so their suprema over the rest of the
 * series are their current values or 1; of the two ways to pair them the
 * smaller bound is taken. Returns false when the series needs more
 * than max_terms terms or an interrupt is pending (so that a query
 * cancel is not held up by a very long series); else sets log |F|, its sign
 * and the cancellation ratio sum |t_k| / |sum t_k|.
 */
static bool
hyp_series(double a, double b, double c, double d, double z, long max_terms,
		   double *logabs, int *sign, double *cancellation)
{
	double		sum = 1.0;
	double		abssum = 1.0;
	double		term = 1.0;
	double		logscale = 0.0;
	double		kmin = fmax(fmax(0.0, -d), fmax(-a, fmax(-b, -c)));
	bool		converged = false;

	for (long k = 0; k < max_terms; k++)
	{
		double		dk = (double) k;
		double		j = dk + 1.0;

		if ((k & 0xFFFF) == 0xFFFF && INTERRUPTS_PENDING_CONDITION())
			return false;
		term *= (a + dk) * (b + dk) / ((c + dk) * (d + dk)) * z;
		if (term == 0.0)
		{
			/* a or b is a non-positive integer: a polynomial */
			converged = true;
			break;
		}
		sum += term;
		abssum += fabs(term);
		if (abssum > HYP2F1_RESCALE)
		{
			sum /= HYP2F1_RESCALE;
			abssum /= HYP2F1_RESCALE;
			term /= HYP2F1_RESCALE;
			logscale += log(HYP2F1_RESCALE);
		}
		/*
		 * rho >= z, so the bound below cannot hold before this cheaper one
		 * does: the four divisions wait for the last terms
		 */
		if (j > kmin && fabs(term) * z <= HYP2F1_EPS * (1.0 - z) * fabs(sum))
		{
			double		rho = z * fmin(fmax((a + j) / (d + j), 1.0) *
									   fmax((b + j) / (c + j), 1.0),
									   fmax((a + j) / (c + j), 1.0) *
									   fmax((b + j) / (d + j), 1.0));

			if (rho < 1.0 &&
				fabs(term) * rho <= HYP2F1_EPS * (1.0 - rho) * fabs(sum))
			{
				converged = true;
				break;
			}
		}
	}
	if (!converged || !isfinite(sum))
		return false;
	*sign = sum > 0.0 ? 1 : (sum < 0.0 ? -1 : 0);
	*logabs = log(fabs(sum)) + logscale;
	*cancellation = sum == 0.0 ? INFINITY : abssum / fabs(sum);
	return true;
}

/*
 * log |2F1(a, b; c; z)| for 0 < z < 1, from the Gauss series or from
 * Euler's transformation 2F1(a, b; c; z) = (1 - z)^(c - a - b)
 * 2F1(c - a, c - b; c; z) (A&S 15.3.3). The terms of the first grow like
 * k^(a + b - c - 1) z^k, of the second like k^(c - a - b - 1) z^k, so the
 * one with the smaller exponent goes first; the other is tried when the
 * first fails or cancels badly, and the less cancelling result wins.
 */
static double
hyp2f1_unit(double a, double b, double c, double z, long max_terms, int *sign,
			double *cancellation)
{
	double		log1mz = log1p(-z);
	bool		euler_first = c < a + b;
	double		best = NAN;
	double		best_cancel = INFINITY;
	int			best_sign = 0;

	for (int attempt = 0; attempt < 2; attempt++)
	{
		bool		euler = (attempt == 0) == euler_first;
		double		logabs;
		double		cancel;
		int			s;
		bool		ok;

		if (euler)
			ok = hyp_series(c - a, c - b, c, 1.0, z, max_terms, &logabs, &s, &cancel);
		else
			ok = hyp_series(a, b, c, 1.0, z, max_terms, &logabs, &s, &cancel);
		if (ok && euler)
			logabs += (c - a - b) * log1mz;
		if (ok && cancel < best_cancel)
		{
			best = logabs;
			best_cancel = cancel;
			best_sign = s;
		}
		if (best_cancel <= HYP2F1_MAX_CANCELLATION)
			break;
	}
	*sign = best_sign;
	*cancellation = best_cancel;
	return best;
}

/*
 * log |2F1(a, b; c; z)| for real a, b, c (c not a non-positive integer) and
 * z < 1, with the sign of 2F1 in *sign; NaN outside that domain or when no
 * form converges. Negative z goes through Pfaff's transformations
 * 2F1(a, b; c; z) = (1 - z)^(-a) 2F1(a, c - b; c; z / (z - 1))
 *                 = (1 - z)^(-b) 2F1(c - a, b; c; z / (z - 1))
 * (A&S 15.3.4-5) to an argument in (0, 1), the less cancelling one winning.
 * Working in log space keeps the heavy-buyer values (2F1 near 1e300 and
 * beyond) finite.
 */
double
specfun_log_hyp2f1(double a, double b, double c, double z, int *sign)
{
	return specfun_log_hyp2f1_limited(a, b, c, z, SPECFUN_MAX_TERMS, sign);
}

/*
 * specfun_log_hyp2f1 with a smaller budget of max_terms terms per series,
 * for likelihoods evaluated many times, where a point needing longer series
 * is better treated as unacceptable than waited for.
 */
double
specfun_log_hyp2f1_limited(double a, double b, double c, double z,
						   long max_terms, int *sign)
{
	double		cancel;

	*sign = 0;
	if (isnan(a) || isnan(b) || isnan(c) || isnan(z) || isinf(a) ||
		isinf(b) || isinf(c) || !(z < 1.0) || (c <= 0.0 && c == floor(c)))
		return NAN;
	if (z == 0.0)
	{
		*sign = 1;
		return 0.0;
	}
	if (z > 0.0)
		return hyp2f1_unit(a, b, c, z, max_terms, sign, &cancel);
	else
	{
		double		w = z / (z - 1.0);
		double		log1mz = log1p(-z);
		double		cancel2;
		int			sign2;
		double		r1 = hyp2f1_unit(a, c - b, c, w, max_terms, sign, &cancel) -
			a * log1mz;
		double		r2;

		if (!isnan(r1) && cancel <= HYP2F1_MAX_CANCELLATION)
			return r1;
		r2 = hyp2f1_unit(c - a, b, c, w, max_terms, &sign2, &cancel2) -
			b * log1mz;
		if (isnan(r1) || (!isnan(r2) && cancel2 < cancel))
		{
			*sign = sign2;
			return r2;
		}
		return r1;
	}
}

/*
 * log |3F2(1, a, b; 2, c; z)| = log |sum_k (a)_k (b)_k / ((c)_k (k + 1)!) z^k|
 * for 0 <= z < 1 and c not a non-positive integer, with the sign in *sign;
 * NaN when the series does not converge or its terms cancel by more than
 * HYP3F2_MAX_CANCELLATION. BG/NBD's expected purchases are
 * this series after Euler's transformation has taken the (a - 1) and
 * (a + b + x - 1) singularities out of FHL (2005) eq. 10 (see bgnbd.c).
 */
double
specfun_log_hyp3f2_12(double a, double b, double c, double z, int *sign)
{
	double		logabs;
	double		cancel;

	*sign = 0;
	if (isnan(a) || isnan(b) || isnan(c) || isinf(a) || isinf(b) ||
		isinf(c) || !(z >= 0.0 && z < 1.0) || (c <= 0.0 && c == floor(c)))
		return NAN;
	if (z == 0.0)
	{
		*sign = 1;
		return 0.0;
	}
	if (!hyp_series(a, b, c, 2.0, z, SPECFUN_MAX_TERMS, &logabs, sign, &cancel) ||
		cancel > HYP3F2_MAX_CANCELLATION)
		return NAN;
	return logabs;
}

/*
 * The continued fraction of the incomplete beta function (A&S 26.5.8),
 *   I_x(a, b) = x^a y^b / (a B(a, b)) / (1 + d_1 / (1 + d_2 / (1 + ...))),
 *   d_(2m+1) = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)),
 *   d_(2m)   = m (b - m) x / ((a + 2m - 1)(a + 2m)),
 * evaluated by the modified Lentz method; it converges quickly for
 * x < (a + 1) / (a + b + 2), in O(sqrt(max(a, b))) steps. Returns the value
 * of 1 / (1 + d_1 / (1 + ...)), NaN when SPECFUN_BETAINC_MAX_STEPS do not
 * reach relative DBL_EPSILON or an interrupt is pending.
 */
static double
betainc_fraction(double a, double b, double x)
{
	const double tiny = 1e-300;
	double		c = 1.0;
	double		d = 1.0 - (a + b) * x / (a + 1.0);
	double		f;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1.0 / d;
	f = d;
	for (long m = 1; m <= SPECFUN_BETAINC_MAX_STEPS; m++)
	{
		double		dm = (double) m;
		double		coef;
		double		delta;

		if ((m & 0xFFFF) == 0 && INTERRUPTS_PENDING_CONDITION())
			return NAN;
		/* even step d_(2m), then odd step d_(2m+1) */
		for (int odd = 0; odd < 2; odd++)
		{
			coef = odd ?
				-(a + dm) * (a + b + dm) * x / ((a + 2.0 * dm) * (a + 2.0 * dm + 1.0)) :
				dm * (b - dm) * x / ((a + 2.0 * dm - 1.0) * (a + 2.0 * dm));
			d = 1.0 + coef * d;
			if (fabs(d) < tiny)
				d = tiny;
			c = 1.0 + coef / c;
			if (fabs(c) < tiny)
				c = tiny;
			d = 1.0 / d;
			delta = c * d;
			f *= delta;
		}
		if (fabs(delta - 1.0) <= DBL_EPSILON)
			return f;
	}
	return NAN;
}

/*
 * I_x(a, b) by its power series (A&S 26.5.4),
 *   x^a y^b / (a B(a, b)) [1 + sum_{n>=0} B(a + 1, n + 1) / B(a + b, n + 1)
 *                              x^(n + 1)],
 * positive terms with ratio x (a + b + n + 1) / (a + n + 2), summed to a
 * rigorous tail bound; for where the continued fraction works on the
 * complement and 1 - I_y(b, a) would cancel (b small, x near 1). lx and ly
 * are log x and log y. NaN beyond SPECFUN_BETAINC_MAX_STEPS terms or when
 * an interrupt is pending.
 */
static double
betainc_series(double a, double b, double x, double lx, double ly)
{
	double		term = (a + b) / (a + 1.0) * x;
	double		sum = 1.0 + term;

	for (long n = 1; n <= SPECFUN_BETAINC_MAX_STEPS; n++)
	{
		double		dn = (double) n;
		double		rho = x * fmax(1.0, (a + b + dn) / (a + dn + 1.0));

		if ((n & 0xFFFF) == 0 && INTERRUPTS_PENDING_CONDITION())
			return NAN;
		if (rho < 1.0 && term * rho <= HYP2F1_EPS * (1.0 - rho) * sum)
			return exp(a * lx + b * ly - log(a) - specfun_lbeta(a, b) + log(sum));
		term *= x * (a + b + dn) / (a + dn + 1.0);
		sum += term;
	}
	return NAN;
}

/*
 * The regularized incomplete beta function I_x(a, b) for a, b > 0 and
 * 0 <= x <= 1, given x and y = 1 - x separately so that neither loses
 * digits to a subtraction: the continued fraction for I_x(a, b) when
 * x < (a + 1) / (a + b + 2), else 1 - I_y(b, a) (A&S 26.5.2), or the
 * power series of I_x(a, b) where that difference would cancel; the
 * prefactor x^a y^b / B(a, b) in log space. The cost is bounded
 * independent of the size of the answer's tail (negative binomial and
 * binomial sums need no term-by-term summation). NaN when the fraction
 * does not converge (parameters beyond about 1e12).
 */
double
specfun_betainc(double a, double b, double x, double y)
{
	bool		swap;
	double		lx;
	double		ly;
	double		lfront;
	double		f;
	double		v;

	if (isnan(a) || isnan(b) || isnan(x) || isnan(y) || !(a > 0.0) ||
		!(b > 0.0) || isinf(a) || isinf(b) || x < 0.0 || y < 0.0)
		return NAN;
	if (x == 0.0)
		return 0.0;
	if (y == 0.0)
		return 1.0;
	lx = x < 0.5 ? log(x) : log1p(-y);
	ly = y < 0.5 ? log(y) : log1p(-x);
	swap = x * (a + b + 2.0) >= a + 1.0;
	if (swap)
	{
		double		tmp;

		tmp = a, a = b, b = tmp;
		tmp = x, x = y, y = tmp;
		tmp = lx, lx = ly, ly = tmp;
	}
	lfront = a * lx + b * ly - log(a) - specfun_lbeta(a, b);
	/* the fraction is at most about a + b, below e^710: no need for it */
	if (lfront < -2000.0)
		return swap ? 1.0 : 0.0;
	f = betainc_fraction(a, b, x);
	if (isnan(f))
		return NAN;
	v = exp(lfront) * f;
	if (!swap || v <= 0.5)
		return swap ? 1.0 - v : v;

	/*
	 * 1 - v loses -log10(1 - v) digits: the series for I_x(a, b) itself
	 * when it converges within budget (it needs about 40 / x terms in the
	 * swapped variables), else 1 - v while that keeps 1e-11.
	 */
	if (x * SPECFUN_BETAINC_MAX_STEPS > 40.0)
	{
		double		direct = betainc_series(b, a, y, ly, lx);

		if (!isnan(direct))
			return direct;
	}
	return 1.0 - v >= 1e-5 ? 1.0 - v : NAN;
}

/*
 * log of the integral from 0 to z of (1 - u)^(q - 1) 2F1(a, b; c; u) du
 * for a >= 0, b, c > 0, q > -1 and 0 < z < 1, a sum of positive terms
 *   sum_k (a)_k (b)_k / ((c)_k k!) B_z(k + 1, q),
 * B_z the incomplete beta integral (unregularized). The terms are summed
 * from the last one needed down to the first, with B_z(p, q) from the
 * recurrence p B_z(p, q) = (p + q) B_z(p + 1, q) + z^p (1 - z)^q (A&S
 * 26.5.16 rearranged), which is stable downwards: every step adds positive
 * numbers. Since B_z(k + 2, q) <= z B_z(k + 1, q), the tail after term k
 * is at most B_z(1, q) times the tail of the series of 2F1(a, b; c; z),
 * which fixes the last term K before the sum starts; the coefficients are
 * then divided back down from the K-th (a rounding error of about
 * sqrt(K) ulps). NaN when K would exceed max_terms, a coefficient
 * overflows or an interrupt is pending.
 */
double
specfun_log_hyp2f1_integral(double a, double b, double c, double q, double z,
							long max_terms)
{
	double		log1mz = log1p(-z);
	double		lstart;
	double		gamma_k;
	double		pow1mzq;
	double		sum;
	double		tk = 1.0;
	long		last = -1;
	int			sign;

	if (isnan(a) || isnan(b) || isnan(c) || isnan(q) || isinf(a) ||
		isinf(b) || isinf(c) || isinf(q) || a < 0.0 || !(b > 0.0) ||
		!(c > 0.0) || !(q > -1.0) || !(z > 0.0 && z < 1.0))
		return NAN;

	/* forward: the coefficients t_k z^k up to the last term needed */
	if (a == 0.0)
		last = 0;
	for (long k = 0; last < 0 && k < max_terms; k++)
	{
		double		dk = (double) k;
		/* the ratio (a + j)(b + j) / ((c + j)(j + 1)) bounded two ways */
		double		rho = z * fmin(fmax(1.0, (a + dk) / (dk + 1.0)) *
								   fmax(1.0, (b + dk) / (c + dk)),
								   fmax(1.0, (a + dk) / (c + dk)) *
								   fmax(1.0, (b + dk) / (dk + 1.0)));

		if ((k & 0xFFFF) == 0xFFFF && INTERRUPTS_PENDING_CONDITION())
			return NAN;
		if (!isfinite(tk))
			return NAN;
		if (rho < 1.0 && tk * rho <= HYP2F1_EPS * (1.0 - rho))
			last = k;
		else
			tk *= z * (a + dk) * (b + dk) / ((c + dk) * (dk + 1.0));
	}
	if (last < 0)
		return NAN;

	/*
	 * downward: gamma_k = B_z(k + 1, q) / z^(k + 1), starting from
	 * gamma_last = (1 - z)^q / (last + 1) 2F1(last + 1 + q, 1; last + 2; z)
	 * (A&S 26.5.23), then gamma_k = ((k + 1 + q) z gamma_(k+1) + (1 - z)^q)
	 * / (k + 1).
	 */
	pow1mzq = exp(q * log1mz);
	lstart = specfun_log_hyp2f1((double) last + 1.0 + q, 1.0,
								(double) last + 2.0, z, &sign);
	if (isnan(lstart) || sign <= 0)
		return NAN;
	gamma_k = exp(q * log1mz + lstart) / ((double) last + 1.0);
	sum = tk * z * gamma_k;
	for (long k = last - 1; k >= 0; k--)
	{
		double		dk = (double) k;

		if ((k & 0xFFFF) == 0xFFFF && INTERRUPTS_PENDING_CONDITION())
			return NAN;
		tk /= z * (a + dk) * (b + dk) / ((c + dk) * (dk + 1.0));
		gamma_k = ((dk + 1.0 + q) * z * gamma_k + pow1mzq) / (dk + 1.0);
		sum += tk * z * gamma_k;
	}
	if (!isfinite(sum) || !(sum > 0.0))
		return NAN;
	return log(sum);
}

/*
 * The regularized upper incomplete gamma function Q(a, x) = Gamma(a, x) /
 * Gamma(a) for a > 0, x >= 0 (NaN otherwise): the chi-square survival
 * function is Q(df / 2, chisq / 2). As in Numerical Recipes (Press et al.
 * 2007, sec. 6.2): the series of P = 1 - Q when x < a + 1, Lentz's
 * continued fraction of Q otherwise, so that neither form subtracts from 1
 * where the other is small; both converge to DBL_EPSILON relative error.
 */
double
specfun_gamma_q(double a, double x)
{
	double		log_prefix;

	if (isnan(a) || isnan(x) || a <= 0.0 || x < 0.0 || isinf(a))
		return NAN;
	if (x == 0.0)
		return 1.0;
	if (isinf(x))
		return 0.0;
	log_prefix = a * log(x) - x - specfun_lgamma(a);
	if (x < a + 1.0)
	{
		/* P(a, x) = e^-x x^a / Gamma(a + 1) sum_k x^k / ((a + 1)...(a + k)) */
		double		term = 1.0 / a;
		double		sum = term;

		for (int k = 1; k < 100000; k++)
		{
			term *= x / (a + k);
			sum += term;
			if (fabs(term) < fabs(sum) * DBL_EPSILON)
				return 1.0 - sum * exp(log_prefix);
		}
		return NAN;
	}
	else
	{
		/* Q(a, x) = e^-x x^a / Gamma(a) * 1 / (x + 1 - a - 1 (1 - a) / (x + 3 - a - ...)) */
		double		b = x + 1.0 - a;
		double		c = 1.0 / DBL_MIN;
		double		d = 1.0 / b;
		double		h = d;

		for (int k = 1; k < 100000; k++)
		{
			double		an = -k * (k - a);
			double		delta;

			b += 2.0;
			d = an * d + b;
			if (fabs(d) < DBL_MIN)
				d = DBL_MIN;
			c = b + an / c;
			if (fabs(c) < DBL_MIN)
				c = DBL_MIN;
			d = 1.0 / d;
			delta = d * c;
			h *= delta;
			if (fabs(delta - 1.0) < DBL_EPSILON)
				return exp(log_prefix) * h;
		}
		return NAN;
	}
}
