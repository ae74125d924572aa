/*-------------------------------------------------------------------------
 *
 * fit.h
 *	  The shared state of the model-fitting aggregates: customer rows
 *	  compressed into distinct rows with weights.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_FIT_H
#define RETENTION_FIT_H

#include "access/htup.h"
#include "fmgr.h"

/* What the rows of a state hold. */
typedef enum FitKind
{
	FIT_BTYD = 1,				/* (frequency, recency, t) for BG/NBD, Pareto/NBD */
	FIT_SPEND = 2				/* (frequency, monetary_value, 0) for Gamma-Gamma */
} FitKind;

#define FIT_KEY_VALUES	3

/* The distinct rows of a state, sorted, for a model to fit. */
typedef struct FitRows
{
	int64		nrows;			/* distinct rows */
	int64		customers;		/* sum of the weights */
	double		penalizer;		/* 0 without one */
	double	   *values[FIT_KEY_VALUES];	/* column j of row i: values[j][i] */
	double	   *weight;			/* customers with that row */
} FitRows;

extern FitRows *fit_rows(FunctionCallInfo fcinfo, FitKind kind);
extern void btyd_check_summary(int32 frequency, double recency, double t);
extern void btyd_weighted_sums(const FitRows *rows, double *sum_frequency, double *sum_t);
extern bool model_params(HeapTupleHeader model, int n,
						 const char *const *names, double *params);
extern bool fit_params(const double *theta, int n, double *params);
extern Datum fit_result(FunctionCallInfo fcinfo, const double *params, int n,
						double loglik, int64 customers, bool converged);

/*
 * Log-parameters of a fit live in [-FIT_LOG_BOUND, FIT_LOG_BOUND]; a fitted
 * one beyond FIT_LOG_IDENTIFIED (a parameter outside 1e-8 .. 1e8) means the
 * likelihood has no interior maximum, and the fit reports converged = false.
 */
#define FIT_LOG_BOUND		30.0
#define FIT_LOG_IDENTIFIED	18.42

#endif							/* RETENTION_FIT_H */
