/*-------------------------------------------------------------------------
 *
 * quadrature.h
 *	  Numerical integration of positive functions in log space
 *	  (quadrature.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_QUADRATURE_H
#define RETENTION_QUADRATURE_H

/*
 * The log of a positive integrand at the point at distance from_a after the
 * interval's start and to_b before its end (both given, so that the
 * integrand can use whichever keeps its digits); -infinity for 0.
 */
typedef double (*QuadratureLogFn) (double from_a, double to_b, void *arg);

extern double quadrature_log_integral(QuadratureLogFn log_f, void *arg,
									  double length);

#endif							/* RETENTION_QUADRATURE_H */
