/*-------------------------------------------------------------------------
 *
 * pareto_nbd_loglik.h
 *	  The Pareto/NBD log-likelihood of a fit's rows and its gradient
 *	  (pareto_nbd_loglik.c), for pareto_nbd_fit (pareto_nbd.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_PARETO_NBD_LOGLIK_H
#define RETENTION_PARETO_NBD_LOGLIK_H

struct FitRows;

extern double pareto_nbd_loglik(const struct FitRows *rows,
								const double *params, double *grad);
extern double pareto_nbd_loglik_arrays(int64 n, const double *x,
									   const double *tx, const double *t,
									   const double *weight,
									   const double *params, double *grad);

#endif							/* RETENTION_PARETO_NBD_LOGLIK_H */
