/*-------------------------------------------------------------------------
 *
 * fit.h
 *	  The one fit driver (fit.c): maximum likelihood on log-parameters
 *	  with an optional L2 penalty, for every model. A model supplies its
 *	  log-likelihood (and its gradient where it has one) and a start; the
 *	  driver runs the optimiser, checks that the result is an interior
 *	  optimum and builds the fitted model composite.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_FIT_H
#define RETENTION_FIT_H

#include "fmgr.h"

#include "math/optim.h"

/*
 * The weighted log-likelihood of a model's data at its natural
 * parameters, and, when grad is not NULL, its gradient in them. NaN when a
 * cancel is pending (optim_cancel_pending) or the value cannot be
 * evaluated there. It runs inside the optimiser: no ereport, palloc or
 * CHECK_FOR_INTERRUPTS.
 */
typedef double (*fit_loglik) (const void *data, const double *params,
							  double *grad);

/*
 * The weighted log-likelihood as fit_loglik, with its gradient into grad
 * and its Hessian (nparams x nparams, row-major) in the natural parameters
 * into hess, in one pass over the data: what Newton's method, the driver's
 * check of an optimum and the covariance need, instead of differences of
 * gradients. Its value and gradient are fit_loglik's at the same point,
 * bit for bit (the driver reuses them for either).
 */
typedef double (*fit_loglik_hessian) (const void *data, const double *params,
									  double *grad, double *hess);

/*
 * The log-parameters a fit of the data starts from, into theta; false when
 * the data cannot identify the model (no maximum exists: the fit then
 * reports converged = false).
 */
typedef bool (*fit_start) (const void *data, double *theta);

/*
 * What a model's log-likelihood reads of its data that does not depend on
 * the parameters, computed once before a fit into the data (the fit's own
 * copy of the rows): it may palloc and raise errors. NULL for none.
 */
typedef void (*fit_prepare) (void *data);

/* A model as the driver sees it: one static const per model. */
typedef struct FitModel
{
	int			nparams;
	fit_loglik	loglik;
	fit_start	start;
	fit_prepare prepare;		/* or NULL */
	fit_loglik_hessian hessian; /* or NULL: differences of the gradient */
	bool		has_gradient;	/* else the optimiser is derivative-free */
	bool		may_fail;		/* loglik may be NaN near an optimum: check
								 * that its neighbourhood evaluates */
	bool		counts_customers;	/* the composite has n */
} FitModel;

/* What the driver fits: a model, its data and the objective's weights. */
typedef struct FitProblem
{
	const FitModel *model;
	const void *data;
	double		customers;		/* the log-likelihood is a mean over them */
	double		penalizer;		/* times the sum of squared parameters */
} FitProblem;

/* The driver's answer. */
typedef struct FitOutcome
{
	double		params[OPTIM_MAX_PARAMS];
	double		loglik;			/* without the penalty, at params */
	bool		converged;		/* an interior optimum, verified */
	bool		has_covariance; /* covariance holds a finite matrix */
	/* of params (row-major nparams x nparams): the inverse observed information */
	double		covariance[OPTIM_MAX_PARAMS * OPTIM_MAX_PARAMS];
} FitOutcome;

/*
 * Log-parameters of a fit live in [-FIT_LOG_BOUND, FIT_LOG_BOUND]; a fitted
 * one beyond FIT_LOG_IDENTIFIED (a parameter outside 1e-8 .. 1e8) means the
 * likelihood has no interior maximum, and the fit reports converged = false.
 */
#define FIT_LOG_BOUND		30.0
#define FIT_LOG_IDENTIFIED	18.42

extern void fit_maximize(const FitProblem *problem, double *theta,
						 FitOutcome *outcome);
extern Datum fit_result(FunctionCallInfo fcinfo, const FitModel *model,
						const FitOutcome *outcome, int64 customers);

extern Datum fit_aggregate_final(FunctionCallInfo fcinfo, const FitModel *model,
								int kind);

struct FitRows;
extern Datum fit_rows_final(FunctionCallInfo fcinfo, const FitModel *model,
							struct FitRows *rows);

#endif							/* RETENTION_FIT_H */
