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
 * theta. A fit converges when the optimiser says so, every parameter is
 * identified (inside 1e-8 .. 1e8), optim_is_minimum verifies an interior
 * minimum at the result, and, for a model whose likelihood may fail to
 * evaluate, the neighbourhood of the result evaluates.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"

#include "base/composite.h"
#include "models/fit.h"
#include "models/fit_state.h"
#include "retention.h"

/* Log-scale step around an optimum that must stay evaluable (may_fail). */
#define FIT_PROBE_STEP		0.5

/* The objective on log-parameters (an optim_objective). */
static double
fit_objective(int n, const double *theta, double *grad, void *arg)
{
	const FitProblem *problem = (const FitProblem *) arg;
	double		params[OPTIM_MAX_PARAMS];
	double		g[OPTIM_MAX_PARAMS];
	double		penalty = 0.0;
	double		ll;

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
 * Whether the objective evaluates FIT_PROBE_STEP away from theta along each
 * axis: an optimum pressed against what the likelihood can evaluate (a
 * series budget) is not known to be one.
 */
static bool
fit_neighbourhood_evaluates(const FitProblem *problem, const double *theta)
{
	int			n = problem->model->nparams;

	for (int i = 0; i < n; i++)
	{
		double		probe[OPTIM_MAX_PARAMS];

		memcpy(probe, theta, n * sizeof(double));
		for (int sign = -1; sign <= 1; sign += 2)
		{
			probe[i] = theta[i] + sign * FIT_PROBE_STEP;
			if (!isfinite(fit_objective(n, probe, NULL, (void *) problem)))
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
 * the result is a verified interior optimum. A cancel raises its error.
 */
void
fit_maximize(const FitProblem *problem, double *theta, FitOutcome *outcome)
{
	const FitModel *model = problem->model;
	int			n = model->nparams;
	OptimMethod method = model->has_gradient ? OPTIM_GRADIENT : OPTIM_DERIVATIVE_FREE;
	OptimResult result;
	bool		identified = true;

	Assert(n <= OPTIM_MAX_PARAMS);
	optim_minimize(fit_objective, (void *) problem, n, theta, FIT_LOG_BOUND,
				   method, &result);
	for (int k = 0; k < model->polish_runs && result.converged; k++)
		optim_minimize(fit_objective, (void *) problem, n, theta, FIT_LOG_BOUND,
					   method, &result);

	for (int i = 0; i < n; i++)
	{
		outcome->params[i] = exp(theta[i]);
		if (fabs(theta[i]) > FIT_LOG_IDENTIFIED)
			identified = false;
	}
	outcome->converged = identified && result.converged &&
		optim_is_minimum(fit_objective, (void *) problem, n, theta, method) &&
		(!model->may_fail || fit_neighbourhood_evaluates(problem, theta));
	outcome->loglik = model->loglik(problem->data, outcome->params, NULL);
	CHECK_FOR_INTERRUPTS();
}

/*
 * The fitted model composite of the function's declared result type: the
 * parameters, loglik (NULL, and converged false, when it is not finite),
 * the customer count when the model's composite has one, converged.
 */
Datum
fit_result(FunctionCallInfo fcinfo, const FitModel *model,
		   const FitOutcome *outcome, int64 customers)
{
	Datum		values[OPTIM_MAX_PARAMS + 3];
	bool		nulls[OPTIM_MAX_PARAMS + 3];
	int			k = 0;

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
	values[k++] = BoolGetDatum(outcome->converged && isfinite(outcome->loglik));
	return composite_result(fcinfo, k, values, nulls);
}

/*
 * The final function of a fit aggregate whose state holds rows of the
 * given FitKind: the model fitted to the rows from its start, as its
 * composite; NULL when the state holds no row.
 */
Datum
fit_aggregate_final(FunctionCallInfo fcinfo, const FitModel *model, int kind)
{
	FitRows    *rows = fit_rows(fcinfo, (FitKind) kind);
	FitProblem	problem;
	FitOutcome	outcome;
	double		theta[OPTIM_MAX_PARAMS];
	bool		identified;

	if (rows == NULL)
		PG_RETURN_NULL();
	identified = model->start(rows, theta);
	problem.model = model;
	problem.data = rows;
	problem.customers = (double) rows->customers;
	problem.penalizer = rows->penalizer;
	fit_maximize(&problem, theta, &outcome);
	outcome.converged = outcome.converged && identified;
	PG_RETURN_DATUM(fit_result(fcinfo, model, &outcome, rows->customers));
}
