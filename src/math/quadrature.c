/*-------------------------------------------------------------------------
 *
 * quadrature.c
 *	  The log of the integral of a positive function over an interval, by
 *	  tanh-sinh (double exponential) quadrature (Takahasi & Mori 1974;
 *	  Bailey, Jeyabalan & Li 2005, "A comparison of three high-precision
 *	  quadrature schemes", Experimental Mathematics 14(3)).
 *
 * The substitution x = c + d tanh(pi/2 sinh t) moves the ends of the
 * interval to infinity and makes the integrand decay double exponentially
 * there, so the trapezoidal rule in t converges about twice as many
 * digits per halving of the step for an integrand analytic inside the
 * interval, whatever it does at the ends (steep or near-singular ends
 * included). The nodes crowd at the ends; a sharp peak inside the
 * interval is the caller's to split at.
 *
 * Like specfun.c, plain arithmetic: no palloc, no ereport. Sums are kept
 * in log space with a running maximum, so integrands of any magnitude
 * (1e-300 or 1e300) keep their digits.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "math/quadrature.h"
#include "retention.h"

/*
 * Nodes run over |t| <= QUADRATURE_T_MAX: at t = 6.1 the node lies within
 * exp(-2 (pi/2) sinh 6.1) = 1e-300 of the interval's length from its end,
 * as close as a double can say.
 */
#define QUADRATURE_T_MAX		6.1

/*
 * Levels halve the step from 1: the sum stops once two levels agree to
 * QUADRATURE_EPS (relative), when the error of the last is far smaller,
 * at the earliest at level QUADRATURE_MIN_LEVEL and at the latest at
 * QUADRATURE_MAX_LEVEL (about 100,000 evaluations).
 */
#define QUADRATURE_EPS			1e-13
#define QUADRATURE_MIN_LEVEL	3
#define QUADRATURE_MAX_LEVEL	13

/* A sum of exp(terms), kept as exp(max) * scaled. */
typedef struct LogSum
{
	double		max;
	double		scaled;
} LogSum;

/* Adds exp(term) to the sum. */
static inline void
log_sum_add(LogSum *sum, double term)
{
	if (term == -INFINITY)
		return;
	if (term > sum->max)
	{
		sum->scaled = sum->scaled * exp(sum->max - term) + 1.0;
		sum->max = term;
	}
	else
		sum->scaled += exp(term - sum->max);
}

/*
 * Adds the two nodes at +-t: the weight d (pi/2) cosh t / cosh^2 v,
 * v = (pi/2) sinh t, times the integrand at distance d (1 - tanh v) from
 * one end, written through e = exp(-2 v) so that nothing overflows.
 */
static void
quadrature_add_pair(QuadratureLogFn log_f, void *arg, double length,
					double t, LogSum *sum)
{
	double		v = M_PI_2 * sinh(t);
	double		e = exp(-2.0 * v);
	double		near = length * e / (1.0 + e);
	double		far = length / (1.0 + e);
	double		log_w = log(0.5 * length * M_PI_2 * cosh(t)) + log(4.0) -
		2.0 * v - 2.0 * log1p(e);

	if (near <= 0.0)
		return;
	log_sum_add(sum, log_w + log_f(far, near, arg));
	if (t > 0.0)
		log_sum_add(sum, log_w + log_f(near, far, arg));
}

/*
 * log of the integral over an interval of the given length (> 0) of
 * exp(log_f(from_a, to_b, arg)); NaN when the levels do not agree to
 * QUADRATURE_EPS by QUADRATURE_MAX_LEVEL, or when log_f gives NaN. A zero
 * integrand gives -infinity.
 */
double
quadrature_log_integral(QuadratureLogFn log_f, void *arg, double length)
{
	LogSum		sum = {-INFINITY, 0.0};
	double		previous = NAN;

	for (int level = 0; level <= QUADRATURE_MAX_LEVEL; level++)
	{
		double		h = ldexp(1.0, -level);
		double		current;

		/* level 0 takes every integer t, later levels the odd multiples of h */
		for (double k = level == 0 ? 0.0 : 1.0; k * h <= QUADRATURE_T_MAX;
			 k += level == 0 ? 1.0 : 2.0)
			quadrature_add_pair(log_f, arg, length, k * h, &sum);
		if (isnan(sum.max) || isnan(sum.scaled))
			return NAN;
		current = sum.max == -INFINITY ? -INFINITY : sum.max + log(sum.scaled * h);
		if (level >= QUADRATURE_MIN_LEVEL &&
			(current == previous || fabs(current - previous) <= QUADRATURE_EPS))
			return current;
		previous = current;
	}
	return NAN;
}
