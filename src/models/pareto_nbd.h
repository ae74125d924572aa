/*-------------------------------------------------------------------------
 *
 * pareto_nbd.h
 *	  What the Pareto/NBD model exports to the tracking aggregate
 *	  (tracking.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_PARETO_NBD_H
#define RETENTION_PARETO_NBD_H

#include "access/htup.h"

extern bool pareto_nbd_params(HeapTupleHeader model, double *params);
extern double pareto_nbd_expected(const double *params, double x, double tx,
								  double t, double horizon);

#endif							/* RETENTION_PARETO_NBD_H */
