/*-------------------------------------------------------------------------
 *
 * fit.c
 *	  The one fit driver (fit.h): every model's maximum-likelihood fit is
 *	  this objective and this optimiser loop, with the model's
 *	  log-likelihood plugged in.
 *
 * The objective is the mean negative log-likelihood per customer plus
 * penalizer * sum(params^2) (lifetimes' L2 penalty), minimised over the
 * log-parameters theta = log(params), so that every parameter stays
 * positive; the chain rule turns the model's gradient in params into one in
 * theta. A model with an analytic Hessian is fitted by Newton's method
 * (optim_newton), over many rows from the optimum of a thinned sample of
 * them (fit_thinned_start); the others, and a Newton fit that does not
 * converge, by NLopt (optim_minimize). A fit converges when the optimiser
 * says so, every parameter is identified (inside 1e-8 .. 1e8),
 * optim_is_minimum verifies an interior minimum at the result, and, for a
 * model whose likelihood may fail to evaluate, the neighbourhood of the
 * result evaluates.
 *
 * A converged fit also carries the covariance of its natural parameters:
 * the inverse of the observed information, the Hessian of the objective
 * that was minimised (penalised when a penalizer was given) times the
 * number of customers, at the optimum. optim_is_minimum has the Hessian in
 * the log-parameters theta at hand (the model's analytic one where it has
 * one, else central differences of the analytic gradient, or of the
 * objective for a derivative-free model) and gives its inverse H^-1;
 * with the Jacobian diag(params) of params = exp(theta),
 *   Cov(params_i, params_j) = params_i params_j (H^-1)_ij / customers.
 * (The gradient vanishes at the optimum, so this equals the inverse of the
 * Hessian in the natural parameters.) lifetimes' summary reports the square
 * roots of this diagonal.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"

#include "base/composite.h"
#include "models/fit.h"
#include "models/fit_state.h"
#include "retention.h"

/* Log-scale step around an optimum that must stay evaluable (may_fail). */
#define FIT_PROBE_STEP		0.5

/*
 * A fit by Newton's method of at least FIT_THIN_ROWS distinct rows starts
 * from the optimum of one row in FIT_THIN of its rows of weight 1
 * (fit_thinned_start).
 */
#define FIT_THIN_ROWS		32768
#define FIT_THIN			16

/*
 * One fit in progress: the problem, and the last evaluation of the
 * objective with its Hessian (fit_objective_hessian), which the check of
 * the optimum and the final log-likelihood find again at the same point
 * instead of evaluating it once more. A fit_loglik's value does not depend
 * on whether it is asked for the gradient or Hessian, so what the memo
 * gives is what a new evaluation would, bit for bit.
 */
typedef struct FitRun
{
	const FitProblem *problem;
	bool		memo_valid;
	double		memo_theta[OPTIM_MAX_PARAMS];
	double		memo_loglik;	/* the model's, without the penalty */
	double		memo_value;		/* the objective's */
	double		memo_grad[OPTIM_MAX_PARAMS];
	double		memo_hess[OPTIM_MAX_PARAMS * OPTIM_MAX_PARAMS];
} FitRun;

/* Whether the memo of run holds the evaluation at theta. */
static bool
fit_memo_at(const FitRun *run, int n, const double *theta)
{
	return run->memo_valid &&
		memcmp(run->memo_theta, theta, n * sizeof(double)) == 0;
}

/* The objective on log-parameters (an optim_objective; arg a FitRun). */
static double
fit_objective(int n, const double *theta, double *grad, void *arg)
{
	const FitRun *run = (const FitRun *) arg;
	const FitProblem *problem = run->problem;
	double		params[OPTIM_MAX_PARAMS];
	double		g[OPTIM_MAX_PARAMS];
	double		penalty = 0.0;
	double		ll;

	if (fit_memo_at(run, n, theta))
	{
		if (grad != NULL)
			memcpy(grad, run->memo_grad, n * sizeof(double));
		return run->memo_value;
	}
	for (int i = 0; i < n; i++)
	{
		params[i] = exp(theta[i]);
		penalty += params[i] * params[i];
	}
	ll = problem->model->loglik(problem->data, params, grad != NULL ? g : NULL);
	if (isnan(ll))
		return NAN;				/* a cancel, or not evaluable: g not filled */
	if (grad != NULL)
		for (int i = 0; i < n; i++)
			grad[i] = -g[i] * params[i] / problem->customers +
				2.0 * problem->penalizer * params[i] * params[i];
	return -ll / problem->customers + problem->penalizer * penalty;
}

/*
 * The objective with its gradient and Hessian in the log-parameters (an
 * optim_hessian; arg a FitRun, whose memo it fills), from the model's
 * Hessian H in the natural parameters params = exp(theta) by the chain
 * rule:
 *   d2/dtheta_i dtheta_j = -(H_ij p_i p_j + [i = j] g_i p_i) / customers
 *                          + [i = j] 4 penalizer p_i^2.
 */
static double
fit_objective_hessian(int n, const double *theta, double *grad, double *hess,
					  void *arg)
{
	FitRun	   *run = (FitRun *) arg;
	const FitProblem *problem = run->problem;
	double		params[OPTIM_MAX_PARAMS] = {0.0};
	double		g[OPTIM_MAX_PARAMS];
	double		h[OPTIM_MAX_PARAMS * OPTIM_MAX_PARAMS];
	double		penalty = 0.0;
	double		ll;
	double		value;

	if (!fit_memo_at(run, n, theta))
	{
		for (int i = 0; i < n; i++)
		{
			params[i] = exp(theta[i]);
			penalty += params[i] * params[i];
		}
		run->memo_valid = false;
		ll = problem->model->hessian(problem->data, params, g, h);
		if (isnan(ll))
			return NAN;
		for (int i = 0; i < n; i++)
		{
			run->memo_grad[i] = -g[i] * params[i] / problem->customers +
				2.0 * problem->penalizer * params[i] * params[i];
			for (int j = 0; j < n; j++)
				run->memo_hess[i * n + j] = -h[i * n + j] * params[i] *
					params[j] / problem->customers;
			run->memo_hess[i * n + i] += -g[i] * params[i] / problem->customers +
				4.0 * problem->penalizer * params[i] * params[i];
		}
		value = -ll / problem->customers + problem->penalizer * penalty;
		memcpy(run->memo_theta, theta, n * sizeof(double));
		run->memo_loglik = ll;
		run->memo_value = value;
		run->memo_valid = true;
	}
	memcpy(grad, run->memo_grad, n * sizeof(double));
	memcpy(hess, run->memo_hess, n * n * sizeof(double));
	return run->memo_value;
}

/*
 * Whether the objective evaluates FIT_PROBE_STEP away from theta along each
 * axis: an optimum pressed against what the likelihood can evaluate (a
 * series budget) is not known to be one.
 */
static bool
fit_neighbourhood_evaluates(const FitRun *run, const double *theta)
{
	int			n = run->problem->model->nparams;

	for (int i = 0; i < n; i++)
	{
		double		probe[OPTIM_MAX_PARAMS];

		memcpy(probe, theta, n * sizeof(double));
		for (int sign = -1; sign <= 1; sign += 2)
		{
			probe[i] = theta[i] + sign * FIT_PROBE_STEP;
			if (!isfinite(fit_objective(n, probe, NULL, (void *) run)))
				return false;
			CHECK_FOR_INTERRUPTS();
		}
	}
	return true;
}

/*
 * Maximises the penalised likelihood from the log-parameters in theta
 * (the model's start; the optimum on return) and fills outcome: the
 * parameters, the log-likelihood there without the penalty, and whether
 * the result is a verified interior optimum. A model with an analytic
 * Hessian is fitted by Newton's method (optim_newton), and by L-BFGS from
 * the same start when that does not converge; the others by L-BFGS or,
 * without a gradient, BOBYQA. A cancel raises its error.
 */
void
fit_maximize(const FitProblem *problem, double *theta, FitOutcome *outcome)
{
	const FitModel *model = problem->model;
	int			n = model->nparams;
	OptimMethod method = model->has_gradient ? OPTIM_GRADIENT : OPTIM_DERIVATIVE_FREE;
	OptimResult result;
	FitRun		run;
	double		inverse[OPTIM_MAX_PARAMS * OPTIM_MAX_PARAMS];
	bool		identified = true;

	Assert(n <= OPTIM_MAX_PARAMS);
	memset(&run, 0, sizeof(run));
	run.problem = problem;
	result.converged = false;
	if (model->hessian != NULL)
	{
		double		start[OPTIM_MAX_PARAMS];

		memcpy(start, theta, n * sizeof(double));
		if (!optim_newton(fit_objective_hessian, &run, n, theta, FIT_LOG_BOUND,
						  &result))
			memcpy(theta, start, n * sizeof(double));
	}
	if (!result.converged)
		optim_minimize(fit_objective, &run, n, theta, FIT_LOG_BOUND,
					   method, &result);

	for (int i = 0; i < n; i++)
	{
		outcome->params[i] = exp(theta[i]);
		if (fabs(theta[i]) > FIT_LOG_IDENTIFIED)
			identified = false;
	}
	outcome->converged = identified && result.converged &&
		optim_is_minimum(fit_objective,
						 model->hessian != NULL ? fit_objective_hessian : NULL,
						 &run, n, theta, method, inverse) &&
		(!model->may_fail || fit_neighbourhood_evaluates(&run, theta));
	outcome->has_covariance = outcome->converged;
	for (int i = 0; i < n && outcome->has_covariance; i++)
		for (int j = 0; j < n; j++)
		{
			double		c = outcome->params[i] * outcome->params[j] *
				inverse[i * n + j] / problem->customers;

			outcome->covariance[i * n + j] = c;
			if (!isfinite(c) || (i == j && !(c > 0.0)))
				outcome->has_covariance = false;
		}
	outcome->loglik = fit_memo_at(&run, n, theta) ? run.memo_loglik :
		model->loglik(problem->data, outcome->params, NULL);
	CHECK_FOR_INTERRUPTS();
}

/* The covariance of a fit as a float8[] of nparams x nparams. */
static Datum
fit_covariance_array(int n, const double *covariance)
{
	Datum		elems[OPTIM_MAX_PARAMS * OPTIM_MAX_PARAMS];
	int			dims[2] = {n, n};
	int			lbs[2] = {1, 1};

	for (int i = 0; i < n * n; i++)
		elems[i] = Float8GetDatum(covariance[i]);
	return PointerGetDatum(construct_md_array(elems, NULL, 2, dims, lbs,
											  FLOAT8OID, sizeof(float8),
											  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * The fitted model composite of the function's declared result type: the
 * parameters, loglik (NULL, and converged false, when it is not finite),
 * the customer count when the model's composite has one, converged, and
 * the covariance of the parameters (NULL unless the fit converged with a
 * finite, positive-definite one) when the type has that attribute: a
 * database still on 0.1.0, whose types end at converged, gets 0.1.0's
 * composite from this library.
 */
Datum
fit_result(FunctionCallInfo fcinfo, const FitModel *model,
		   const FitOutcome *outcome, int64 customers)
{
	Datum		values[OPTIM_MAX_PARAMS + 4];
	bool		nulls[OPTIM_MAX_PARAMS + 4];
	int			k = 0;
	bool		converged = outcome->converged && isfinite(outcome->loglik);

	for (int i = 0; i < model->nparams; i++)
	{
		nulls[k] = false;
		values[k++] = Float8GetDatum(outcome->params[i]);
	}
	nulls[k] = !isfinite(outcome->loglik);
	values[k++] = Float8GetDatum(outcome->loglik);
	if (model->counts_customers)
	{
		nulls[k] = false;
		values[k++] = Int64GetDatum(customers);
	}
	nulls[k] = false;
	values[k++] = BoolGetDatum(converged);
	if (composite_result_natts(fcinfo) > k)
	{
		nulls[k] = !(converged && outcome->has_covariance);
		values[k] = nulls[k] ? (Datum) 0 :
			fit_covariance_array(model->nparams, outcome->covariance);
		k++;
	}
	return composite_result(fcinfo, k, values, nulls);
}

/*
 * The final function of a fit aggregate whose state holds rows of the
 * given FitKind: fit_rows_final of the state's rows.
 */
Datum
fit_aggregate_final(FunctionCallInfo fcinfo, const FitModel *model, int kind)
{
	return fit_rows_final(fcinfo, model, fit_rows(fcinfo, (FitKind) kind));
}

/*
 * A better start for a fit by Newton's method of many rows: the optimum of
 * the thinned rows, every row of weight above 1 as it is and one in
 * FIT_THIN of the rows of weight 1 (the first of every FIT_THIN, in the
 * rows' order) with weight FIT_THIN. Their log-likelihood estimates the
 * whole one at a FIT_THIN-th of the cost, so its optimum is close to the
 * whole one's, where Newton's method needs a step or two, against the
 * half dozen from the model's start. theta (the model's start) becomes
 * that optimum when the thinned fit converges, and is left as it is when
 * it does not. Deterministic: the thinned rows depend on the rows alone.
 */
static void
fit_thinned_start(const FitModel *model, const FitRows *rows, double *theta)
{
	FitRows		thin;
	FitProblem	problem;
	FitRun		run;
	OptimResult result;
	double		x[OPTIM_MAX_PARAMS];
	int64		n = 0;
	int64		ones = 0;
	double		customers = 0.0;

	thin = *rows;
	for (int j = 0; j < FIT_KEY_VALUES; j++)
		thin.values[j] = palloc_extended(mul_size(rows->nrows, sizeof(double)),
										 MCXT_ALLOC_HUGE);
	thin.weight = palloc_extended(mul_size(rows->nrows, sizeof(double)),
								  MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < rows->nrows; i++)
	{
		double		w = rows->weight[i];

		if (w == 1.0 && ones++ % FIT_THIN != 0)
			continue;
		for (int j = 0; j < FIT_KEY_VALUES; j++)
			thin.values[j][n] = rows->values[j][i];
		thin.weight[n] = w == 1.0 ? FIT_THIN : w;
		customers += thin.weight[n];
		n++;
	}
	thin.nrows = n;
	thin.customers = (int64) customers;
	problem.model = model;
	problem.data = &thin;
	problem.customers = customers;
	problem.penalizer = rows->penalizer;
	memset(&run, 0, sizeof(run));
	run.problem = &problem;
	memcpy(x, theta, model->nparams * sizeof(double));
	if (optim_newton(fit_objective_hessian, &run, model->nparams, x,
					 FIT_LOG_BOUND, &result))
		memcpy(theta, x, model->nparams * sizeof(double));
	for (int j = 0; j < FIT_KEY_VALUES; j++)
		pfree(thin.values[j]);
	pfree(thin.weight);
}

/*
 * The model fitted to rows (fit_state.h; prepared by the model's prepare,
 * when it has one) from its start, as the function's composite; NULL when
 * rows is NULL (no row). The fit of a
 * population (btyd_population.c) and the fit aggregates' final functions
 * both end here, so the same rows give the same fit, bit for bit.
 */
Datum
fit_rows_final(FunctionCallInfo fcinfo, const FitModel *model, FitRows *rows)
{
	FitProblem	problem;
	FitOutcome	outcome;
	double		theta[OPTIM_MAX_PARAMS];
	bool		identified;

	if (rows == NULL)
		PG_RETURN_NULL();
	if (model->prepare != NULL)
		model->prepare(rows);
	identified = model->start(rows, theta);
	if (identified && model->hessian != NULL && rows->nrows >= FIT_THIN_ROWS)
		fit_thinned_start(model, rows, theta);
	problem.model = model;
	problem.data = rows;
	problem.customers = (double) rows->customers;
	problem.penalizer = rows->penalizer;
	fit_maximize(&problem, theta, &outcome);
	outcome.converged = outcome.converged && identified;
	PG_RETURN_DATUM(fit_result(fcinfo, model, &outcome, rows->customers));
}
