/*-------------------------------------------------------------------------
 *
 * optim.c
 *	  Minimisation with NLopt: the one file that includes nlopt.h.
 *
 * NLopt allocates with malloc and keeps its own state on the C stack, so an
 * ereport (a longjmp) out of an objective callback would leak it and could
 * leave it inconsistent. The callbacks therefore never raise errors: when
 * a cancel or terminate is pending (statement_timeout, pg_cancel_backend,
 * pg_terminate_backend) the callback asks NLopt to stop, and
 * CHECK_FOR_INTERRUPTS runs only after nlopt_destroy, where raising the
 * error is safe. If the cancel is held off and does not end the query, the
 * minimisation resumes from the best point so far. Other interrupts do not
 * stop the optimiser (see optim_callback), so a fit does not depend on
 * the machine's load.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>
#include <nlopt.h>

#include "miscadmin.h"

#include "math/optim.h"
#include "retention.h"

/* Evaluation budgets of a whole minimisation (all restarts together). */
#define OPTIM_GRADIENT_MAX_EVALUATIONS		5000
#define OPTIM_DERIVATIVE_FREE_MAX_EVALUATIONS	20000

/*
 * First step of the derivative-free method on the log scale: NLopt's
 * default, a quarter of the bounds, would try parameters e^15 times off.
 */
#define OPTIM_INITIAL_STEP	0.5

/* Stopping tolerances: relative changes of the objective and of x. */
#define OPTIM_FTOL_REL		1e-13
#define OPTIM_XTOL_REL		1e-11

/*
 * With the gradient method, a stop because "round-off limited progress"
 * is accepted as converged when the largest gradient component is at most
 * this (objectives are per-customer means, so this is scale-free).
 */
#define OPTIM_GRADIENT_TOLERANCE	1e-6

typedef struct CallbackState
{
	optim_objective objective;
	void	   *arg;
	nlopt_opt	opt;
	int			evaluations;
	bool		interrupted;
} CallbackState;

/*
 * The NLopt callback: stops NLopt when an interrupt is pending, else
 * evaluates the objective; a non-finite value becomes +Infinity with a zero
 * gradient, which makes every NLopt method step back.
 */
static double
optim_callback(unsigned n, const double *x, double *grad, void *data)
{
	CallbackState *state = (CallbackState *) data;
	double		value;

	/*
	 * Only a cancel (statement_timeout, pg_cancel_backend) or a terminate
	 * stops the optimiser. Other interrupts (sinval catch-up, barriers,
	 * parallel messages) arrive at random under load; stopping for them
	 * and restarting from the best point would make a fit depend on the
	 * machine's load. They wait until the fit ends.
	 */
	if (QueryCancelPending || ProcDiePending)
	{
		state->interrupted = true;
		nlopt_force_stop(state->opt);
		if (grad != NULL)
			memset(grad, 0, n * sizeof(double));
		return HUGE_VAL;
	}
	state->evaluations++;
	value = state->objective((int) n, x, grad, state->arg);
	if (!isfinite(value))
	{
		value = HUGE_VAL;
		if (grad != NULL)
			memset(grad, 0, n * sizeof(double));
	}
	else if (grad != NULL)
	{
		for (unsigned i = 0; i < n; i++)
			if (!isfinite(grad[i]))
				return HUGE_VAL;
	}
	return value;
}

/*
 * One NLopt run from x (updated in place to the best point found) with the
 * remaining evaluation budget. Only NLopt calls happen between create and
 * destroy; nothing here can longjmp.
 */
static nlopt_result
optim_run(CallbackState *state, int n, double *x, double bound,
		  OptimMethod method, int budget, double *value)
{
	nlopt_opt	opt;
	nlopt_result rc;

	opt = nlopt_create(method == OPTIM_GRADIENT ? NLOPT_LD_LBFGS : NLOPT_LN_BOBYQA,
					   (unsigned) n);
	if (opt == NULL)
		return NLOPT_OUT_OF_MEMORY;
	state->opt = opt;
	state->interrupted = false;
	rc = nlopt_set_min_objective(opt, optim_callback, state);
	if (rc > 0)
		rc = nlopt_set_lower_bounds1(opt, -bound);
	if (rc > 0)
		rc = nlopt_set_upper_bounds1(opt, bound);
	if (rc > 0)
		rc = nlopt_set_ftol_rel(opt, OPTIM_FTOL_REL);
	if (rc > 0)
		rc = nlopt_set_xtol_rel(opt, OPTIM_XTOL_REL);
	if (rc > 0)
		rc = nlopt_set_maxeval(opt, budget);
	if (rc > 0 && method == OPTIM_DERIVATIVE_FREE)
		rc = nlopt_set_initial_step1(opt, OPTIM_INITIAL_STEP);
	if (rc > 0)
		rc = nlopt_optimize(opt, x, value);
	nlopt_destroy(opt);
	state->opt = NULL;
	return rc;
}

/*
 * Minimise objective over x in [-bound, bound]^n from the starting point in
 * x, which receives the best point found. The result says whether NLopt
 * reported a local minimum at a finite value. Errors (out of memory, a
 * pending cancel) are raised only after NLopt's state is freed.
 */
void
optim_minimize(optim_objective objective, void *arg, int n, double *x,
			   double bound, OptimMethod method, OptimResult *result)
{
	CallbackState state;
	int			max_evaluations = method == OPTIM_GRADIENT ?
		OPTIM_GRADIENT_MAX_EVALUATIONS : OPTIM_DERIVATIVE_FREE_MAX_EVALUATIONS;
	double		value = HUGE_VAL;
	nlopt_result rc;

	Assert(n > 0 && n <= OPTIM_MAX_PARAMS);
	state.objective = objective;
	state.arg = arg;
	state.opt = NULL;
	state.evaluations = 0;

	for (;;)
	{
		rc = optim_run(&state, n, x, bound, method,
					   max_evaluations - state.evaluations, &value);
		if (rc == NLOPT_OUT_OF_MEMORY)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory"),
					 errdetail("The optimiser library could not allocate its state.")));
		if (!state.interrupted)
			break;
		/* safe now: NLopt's state is gone */
		CHECK_FOR_INTERRUPTS();
		/* still pending means interrupts are held off: give up */
		if (INTERRUPTS_PENDING_CONDITION() ||
			state.evaluations >= max_evaluations)
			break;
	}

	result->evaluations = state.evaluations;
	elog(DEBUG1, "optim: %d evaluations, NLopt result %d", state.evaluations, (int) rc);
	result->value = objective(n, x, NULL, arg);
	result->converged = isfinite(result->value) && !state.interrupted &&
		(rc == NLOPT_SUCCESS || rc == NLOPT_FTOL_REACHED ||
		 rc == NLOPT_XTOL_REACHED);
	if (rc == NLOPT_ROUNDOFF_LIMITED && method == OPTIM_GRADIENT &&
		isfinite(result->value))
	{
		double		grad[OPTIM_MAX_PARAMS];
		double		largest = 0.0;

		objective(n, x, grad, arg);
		for (int i = 0; i < n; i++)
			largest = fmax(largest, fabs(grad[i]));
		result->converged = largest <= OPTIM_GRADIENT_TOLERANCE;
	}
}
