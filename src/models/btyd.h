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

extern int32 btyd_check_frequency(int32 frequency);
extern int32 btyd_frequency_from_float8(double frequency);
extern void btyd_check_summary(int32 frequency, double recency, double t);
extern double btyd_check_result(double value, const char *quantity,
								const char *const *names, const double *params,
								double horizon, double x, double tx, double t);

#endif							/* RETENTION_BTYD_H */
