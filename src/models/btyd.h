/*-------------------------------------------------------------------------
 *
 * btyd.h
 *	  The customer summary the buy-till-you-die models share (frequency,
 *	  recency, t): its checks, one way for every fit and accessor, and the
 *	  check of a purchase model accessor's result.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_BTYD_H
#define RETENTION_BTYD_H

#include "fmgr.h"

/* The arguments an accessor of a four-parameter purchase model takes. */
typedef enum BtydAccessorShape
{
	BTYD_HORIZON_HISTORY,		/* (model, horizon, frequency, recency, t) */
	BTYD_HORIZON,				/* (model, horizon): a new customer */
	BTYD_HISTORY,				/* (model, frequency, recency, t) */
	BTYD_COUNT_HORIZON			/* (model, n, horizon) */
} BtydAccessorShape;

/*
 * An accessor's arguments, checked: the model's four parameters, the
 * horizon (NaN when the call has none), the frequency x (n for
 * BTYD_COUNT_HORIZON), recency tx and t (0 for a new customer, NaN for
 * BTYD_COUNT_HORIZON), ready for btyd_check_result.
 */
typedef struct BtydAccessorArgs
{
	double		params[4];
	double		horizon;
	int32		x;
	double		tx;
	double		t;
} BtydAccessorArgs;

extern int32 btyd_check_frequency(int32 frequency);
extern int32 btyd_frequency_from_float8(double frequency);
extern void btyd_check_summary(int32 frequency, double recency, double t);
extern double btyd_check_model_result(double value, const char *quantity,
									  const char *const *names, const double *params,
									  const char *const *call_names, const double *call);
extern double btyd_check_result(double value, const char *quantity,
								const char *const *names, const double *params,
								double horizon, double x, double tx, double t);
extern bool btyd_accessor_args(FunctionCallInfo fcinfo, BtydAccessorShape shape,
							   const char *const *names, BtydAccessorArgs *args);

#endif							/* RETENTION_BTYD_H */
