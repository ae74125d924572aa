/*-------------------------------------------------------------------------
 *
 * specfun.h
 *	  Special functions for the probabilistic models: log-gamma, digamma,
 *	  trigamma, log-beta, log-sum-exp, the Gauss hypergeometric function 2F1, the
 *	  incomplete beta function and the regularized incomplete gamma
 *	  function.
 *
 * None of these raises an error or allocates memory, so they may run inside
 * an optimiser callback (see optim.c): failure is a NaN result, which the
 * caller turns into an error or into "not converged".
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_SPECFUN_H
#define RETENTION_SPECFUN_H

/*
 * Budget of one hypergeometric series. Its terms decay roughly like z^k, so
 * this covers 1 - z down to about 1e-6 (a horizon a million times longer
 * than the customer's age in BG/NBD); a series needing more gives NaN.
 */
#define SPECFUN_MAX_TERMS	20000000L

/* Budget of the continued fraction of the incomplete beta function. */
#define SPECFUN_BETAINC_MAX_STEPS	10000000L

extern double specfun_lgamma(double x);
extern double specfun_digamma(double x);
extern double specfun_trigamma(double x);
extern double specfun_lbeta(double a, double b);
extern double specfun_logsumexp(double x, double y);
extern double specfun_log1mexp(double x);
extern double specfun_log1pexp(double x);
extern double specfun_expm1_ratio(double x, double l);
extern double specfun_log_hyp2f1(double a, double b, double c, double z,
								 int *sign);
extern double specfun_log_hyp2f1_limited(double a, double b, double c,
										 double z, long max_terms, int *sign);
extern double specfun_log_hyp3f2_12(double a, double b, double c, double z,
									int *sign);
extern double specfun_betainc(double a, double b, double x, double y);
extern double specfun_log_hyp2f1_integral(double a, double b, double c,
										  double q, double z, long max_terms);
extern double specfun_gamma_q(double a, double x);

#endif							/* RETENTION_SPECFUN_H */
