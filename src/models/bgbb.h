/*-------------------------------------------------------------------------
 *
 * bgbb.h
 *	  What the BG/BB model (bgbb.c) exports to the fit state (fit_state.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_BGBB_H
#define RETENTION_BGBB_H

/* The most opportunities a BG/BB history may have (a sum per row costs that). */
#define BGBB_MAX_PERIODS	100000

extern int32 bgbb_whole_number(double value, const char *name);
extern void bgbb_check_summary(int32 frequency, int32 recency, int32 n_periods);

#endif							/* RETENTION_BGBB_H */
