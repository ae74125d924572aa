/*-------------------------------------------------------------------------
 *
 * fit_state.h
 *	  The shared state of the model-fitting aggregates: customer rows
 *	  compressed into distinct rows with weights (fit_state.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_FIT_STATE_H
#define RETENTION_FIT_STATE_H

#include "fmgr.h"

/* What the rows of a state hold. */
typedef enum FitKind
{
	FIT_BTYD = 1,				/* (frequency, recency, t) for BG/NBD, Pareto/NBD */
	FIT_SPEND = 2,				/* (frequency, monetary_value, 0) for Gamma-Gamma */
	FIT_DISCRETE = 3			/* (frequency, recency, n_periods) for BG/BB */
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

/* A state filled by its caller (btyd_population's fits). */
typedef struct FitState FitState;

extern FitRows *fit_rows(FunctionCallInfo fcinfo, FitKind kind);
extern FitState *fit_state_create(MemoryContext context, FitKind kind);
extern void fit_state_add_values(FitState *state, const double *values, int64 weight);
extern FitRows *fit_state_rows(FitState *state);
extern bool btyd_fit_start(const FitRows *rows, double *theta, double *mean_t);
extern bool btyd_fit_start_model(const void *data, double *theta);

#endif							/* RETENTION_FIT_STATE_H */
