/*-------------------------------------------------------------------------
 *
 * time_unit.h
 *	  The time_unit enum argument ('day', 'week', 'month', 'quarter',
 *	  'year') of btyd_summary, cohort_retention and the probabilistic cltv.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_TIME_UNIT_H
#define RETENTION_TIME_UNIT_H

#include "fmgr.h"

extern const char *time_unit_label(Datum value);

#endif							/* RETENTION_TIME_UNIT_H */
