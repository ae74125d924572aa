/*-------------------------------------------------------------------------
 *
 * btyd.h
 *	  The customer summary the buy-till-you-die models share (frequency,
 *	  recency, t): its checks, one way for every fit and accessor.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_BTYD_H
#define RETENTION_BTYD_H

extern int32 btyd_check_frequency(int32 frequency);
extern int32 btyd_frequency_from_float8(double frequency);
extern void btyd_check_summary(int32 frequency, double recency, double t);

#endif							/* RETENTION_BTYD_H */
