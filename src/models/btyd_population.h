/*-------------------------------------------------------------------------
 *
 * btyd_population.h
 *	  The stored btyd_population (btyd_population.c): every customer's
 *	  btyd_summary in one value, which the fits read as their rows.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_BTYD_POPULATION_H
#define RETENTION_BTYD_POPULATION_H

#include "models/fit_state.h"

extern FitRows *btyd_population_fit_rows(bytea *bytes, FitKind kind);
extern void btyd_population_check_size(Size have, Size more, uint64 customers);

#endif							/* RETENTION_BTYD_POPULATION_H */
