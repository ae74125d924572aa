/*-------------------------------------------------------------------------
 *
 * model_value.h
 *	  Reading a model composite's parameters and covariance (model_value.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_MODEL_VALUE_H
#define RETENTION_MODEL_VALUE_H

#include "access/htup.h"

extern bool model_params(HeapTupleHeader model, int n,
						 const char *const *names, double *params);
extern bool model_covariance(HeapTupleHeader model, int n, double *cov);

#endif							/* RETENTION_MODEL_VALUE_H */
