/*-------------------------------------------------------------------------
 *
 * btyd_population.h
 *	  The stored btyd_population (btyd_population.c): every customer's
 *	  btyd_summary in one value, which the fits read as their rows and the
 *	  tracking functions as first purchases.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_BTYD_POPULATION_H
#define RETENTION_BTYD_POPULATION_H

#include "base/codec.h"
#include "models/fit_state.h"

/* Reads the customers of a stored value, checking each one. */
typedef struct BtydPopulationReader
{
	StateReader reader;
	int64		as_of;			/* DateADT or TimestampTz */
	bool		timestamptz;	/* the orders were timestamptz */
	uint8		unit;			/* TimeUnit: day, week or month */
	double		unit_days;		/* length of the unit in days */
	int64		count;			/* customers in the value */
	int64		done;			/* customers read so far */
	int64		last_id;
} BtydPopulationReader;

/* One customer of a stored value: its btyd_summary */
typedef struct BtydPopulationCustomer
{
	int64		id;
	int32		frequency;
	double		recency;		/* in the unit */
	double		t;				/* in the unit */
	double		monetary_value;
	int32		t_days;			/* t in days: the first purchase is as_of - t_days */
} BtydPopulationCustomer;

extern void btyd_population_begin_read(BtydPopulationReader *r, bytea *bytes);
extern bool btyd_population_next(BtydPopulationReader *r, BtydPopulationCustomer *c);
extern FitRows *btyd_population_fit_rows(bytea *bytes, FitKind kind);
extern void btyd_population_check_size(Size have, Size more, uint64 customers);

#endif							/* RETENTION_BTYD_POPULATION_H */
