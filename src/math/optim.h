/*-------------------------------------------------------------------------
 *
 * optim.h
 *	  Minimisation of a smooth function of a few variables: the one place
 *	  that talks to the optimiser library (NLopt).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_OPTIM_H
#define RETENTION_OPTIM_H

#include "miscadmin.h"

/* The most parameters any model has. */
#define OPTIM_MAX_PARAMS	4

/*
 * Objective: the value at x, and the gradient into grad unless grad is NULL.
 * It runs inside the optimiser, so it must not raise an error, allocate
 * with palloc or call CHECK_FOR_INTERRUPTS; a non-finite value means "x is
 * not acceptable". A loop over many rows asks optim_cancel_pending now and
 * then and returns NaN when it is true: the optimiser then stops, and the
 * cancel is raised once its state is freed.
 */
typedef double (*optim_objective) (int n, const double *x, double *grad,
								   void *arg);

/*
 * The objective's value at x, its gradient into grad and its Hessian
 * (n x n, row-major) into hess, in one evaluation; the rules of
 * optim_objective apply.
 */
typedef double (*optim_hessian) (int n, const double *x, double *grad,
								 double *hess, void *arg);

typedef enum OptimMethod
{
	OPTIM_GRADIENT,				/* L-BFGS with the analytic gradient */
	OPTIM_DERIVATIVE_FREE		/* BOBYQA, for objectives without one */
} OptimMethod;

typedef struct OptimResult
{
	double		value;			/* objective at the returned x */
	int			evaluations;	/* objective evaluations */
	bool		converged;		/* a local minimum was reached */
} OptimResult;

/*
 * Whether a cancel (statement_timeout, pg_cancel_backend) or a terminate is
 * pending: an objective abandons its evaluation then (cheap: two flags).
 */
static inline bool
optim_cancel_pending(void)
{
	return QueryCancelPending || ProcDiePending;
}

/* Rows an objective may go through between two optim_cancel_pending calls. */
#define OPTIM_CANCEL_INTERVAL	1024

extern void optim_minimize(optim_objective objective, void *arg, int n,
						   double *x, double bound, OptimMethod method,
						   OptimResult *result);
extern bool optim_newton(optim_hessian hessian, void *arg, int n, double *x,
						 double bound, OptimResult *result);
extern bool optim_is_minimum(optim_objective objective, optim_hessian hessian,
							 void *arg, int n, const double *x,
							 OptimMethod method, double *inverse);

#endif							/* RETENTION_OPTIM_H */
