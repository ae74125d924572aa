/*-------------------------------------------------------------------------
 *
 * optim.c
 *	  Minimisation with NLopt: the one file that includes nlopt.h; and
 *	  Newton's method (optim_newton), our own loop, for objectives with an
 *	  analytic Hessian.
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
 * the machine's load. An objective that loops over many rows also stops
 * early for a cancel (optim_cancel_pending), so one evaluation never delays
 * it.
 *
 * optim_is_minimum is the test a fit's "converged" rests on: NLopt stops
 * on small relative changes, which also happens far out on a ray along
 * which the objective keeps falling towards a limit it never reaches.
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
	double		value = HUGE_VAL;

	/*
	 * Only a cancel (statement_timeout, pg_cancel_backend) or a terminate
	 * stops the optimiser. Other interrupts (sinval catch-up, barriers,
	 * parallel messages) arrive at random under load; stopping for them
	 * and restarting from the best point would make a fit depend on the
	 * machine's load. They wait until the fit ends.
	 */
	if (!optim_cancel_pending())
	{
		state->evaluations++;
		value = state->objective((int) n, x, grad, state->arg);
	}
	/* also when the objective abandoned its evaluation for one */
	if (optim_cancel_pending())
	{
		state->interrupted = true;
		nlopt_force_stop(state->opt);
		if (grad != NULL)
			memset(grad, 0, n * sizeof(double));
		return HUGE_VAL;
	}
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
	CHECK_FOR_INTERRUPTS();
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

/*
 * Steps of the finite differences on the log-parameters: of the analytic
 * gradient (truncation error ~ step^2, rounding ~ 1e-15 / step), and of
 * the objective alone (rounding ~ 1e-14 / step^2, as a derivative-free
 * objective such as Pareto/NBD's sums series).
 */
#define OPTIM_GRADIENT_STEP		1e-4
#define OPTIM_VALUE_STEP		1e-3

/*
 * The least curvature of a minimum: every eigenvalue of the Hessian must be
 * above this. Objectives are means per customer, so the Hessian is the
 * information per customer; below this a direction is not identified by
 * any realistic number of customers (one million give a standard error of
 * one on the log scale).
 */
#define OPTIM_MIN_CURVATURE		1e-6

/*
 * The largest Newton step -H^-1 g (each log-parameter) at a minimum. On a
 * ray towards a limit the gradient and the curvature vanish together and
 * this step stays of order one or more; at a minimum it is the distance
 * to the optimum, which the optimiser's tolerances make tiny.
 */
#define OPTIM_MAX_NEWTON_STEP	1e-2

/*
 * The step along each principal direction of the Hessian (log scale) at
 * which the objective must be higher than at the minimum: a factor of
 * about 1.1 in the parameters.
 */
#define OPTIM_PROBE_STEP		0.1

/* Sweeps of the Jacobi method: 4 x 4 converges to rounding in about 6. */
#define OPTIM_JACOBI_SWEEPS		50

/* The plane rotation (x, y) := (c x - s y, s x + c y), in place. */
static inline void
rotate(double *x, double *y, double c, double s)
{
	double		x0 = *x;
	double		y0 = *y;

	*x = c * x0 - s * y0;
	*y = s * x0 + c * y0;
}

/*
 * Eigenvalues lambda and eigenvectors (the columns of vectors) of the
 * symmetric n x n matrix a (destroyed), by the cyclic Jacobi method
 * (Golub & Van Loan, Matrix Computations, section 8.5).
 */
static void
optim_eigen(int n, double a[OPTIM_MAX_PARAMS][OPTIM_MAX_PARAMS],
			double *lambda, double vectors[OPTIM_MAX_PARAMS][OPTIM_MAX_PARAMS])
{
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			vectors[i][j] = i == j ? 1.0 : 0.0;
	for (int sweep = 0; sweep < OPTIM_JACOBI_SWEEPS; sweep++)
	{
		double		off = 0.0;

		for (int p = 0; p < n; p++)
			for (int q = p + 1; q < n; q++)
				off += a[p][q] * a[p][q];
		if (off == 0.0)
			break;
		for (int p = 0; p < n; p++)
			for (int q = p + 1; q < n; q++)
			{
				double		tau;
				double		t;
				double		c;
				double		sn;

				if (a[p][q] == 0.0)
					continue;
				/* the rotation that zeroes a[p][q] (the smaller angle) */
				tau = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
				t = (tau >= 0.0 ? 1.0 : -1.0) / (fabs(tau) + sqrt(1.0 + tau * tau));
				c = 1.0 / sqrt(1.0 + t * t);
				sn = t * c;
				/* columns p and q of a, then its rows, then the vectors */
				for (int k = 0; k < n; k++)
					rotate(&a[k][p], &a[k][q], c, sn);
				for (int k = 0; k < n; k++)
					rotate(&a[p][k], &a[q][k], c, sn);
				for (int k = 0; k < n; k++)
					rotate(&vectors[k][p], &vectors[k][q], c, sn);
			}
	}
	for (int i = 0; i < n; i++)
		lambda[i] = a[i][i];
}

/*
 * The objective at x with x[i] moved by di and x[j] by dj (i or j may be
 * -1 for none); the gradient into grad unless it is NULL. A pending cancel
 * is raised here (this runs after NLopt, where that is safe).
 */
static double
optim_probe(optim_objective objective, void *arg, int n, const double *x,
			int i, double di, int j, double dj, double *grad)
{
	double		y[OPTIM_MAX_PARAMS];
	double		value;

	memcpy(y, x, n * sizeof(double));
	if (i >= 0)
		y[i] += di;
	if (j >= 0)
		y[j] += dj;
	value = objective(n, y, grad, arg);
	CHECK_FOR_INTERRUPTS();
	return value;
}

/*
 * Whether x is a strict local minimum of objective, tested at x itself
 * rather than trusted from the optimiser's stopping rule. The Hessian on
 * the (log-)parameters, by central differences of the analytic gradient
 * (OPTIM_GRADIENT) or of the objective (OPTIM_DERIVATIVE_FREE, with the
 * gradient by central differences too), must have every eigenvalue above
 * OPTIM_MIN_CURVATURE; the Newton step H^-1 g must be at most
 * OPTIM_MAX_NEWTON_STEP in every coordinate; and the objective must be
 * higher OPTIM_PROBE_STEP away both ways along every eigenvector (a nearly
 * flat direction, such as a ray towards a limit, has a curvature below the
 * error of the differences, but a fall along it shows). With hessian
 * (not NULL) the gradient and the Hessian at x come from it in one
 * evaluation instead of the differences. False when an
 * evaluation is not finite. When it returns true and inverse is not NULL,
 * inverse (n x n, row-major) holds the inverse of that Hessian, from its
 * eigen-decomposition: what a fit's standard errors need, at no further
 * evaluation. Raises a pending cancel.
 */
bool
optim_is_minimum(optim_objective objective, optim_hessian hessian, void *arg,
				 int n, const double *x, OptimMethod method, double *inverse)
{
	double		hess[OPTIM_MAX_PARAMS][OPTIM_MAX_PARAMS];
	double		grad[OPTIM_MAX_PARAMS];
	double		step[OPTIM_MAX_PARAMS] = {0.0};
	double		lambda[OPTIM_MAX_PARAMS];
	double		vectors[OPTIM_MAX_PARAMS][OPTIM_MAX_PARAMS];
	double		least_curvature = HUGE_VAL;
	double		largest_step = 0.0;
	double		f0;

	Assert(n > 0 && n <= OPTIM_MAX_PARAMS);
	if (hessian != NULL)
	{
		double		flat[OPTIM_MAX_PARAMS * OPTIM_MAX_PARAMS];

		f0 = hessian(n, x, grad, flat, arg);
		CHECK_FOR_INTERRUPTS();
		if (!isfinite(f0))
			return false;
		for (int i = 0; i < n; i++)
			for (int j = 0; j < n; j++)
			{
				hess[i][j] = flat[i * n + j];
				if (!isfinite(hess[i][j]))
					return false;
			}
	}
	else if (method == OPTIM_GRADIENT)
	{
		double		h = OPTIM_GRADIENT_STEP;

		f0 = optim_probe(objective, arg, n, x, -1, 0, -1, 0, grad);
		if (!isfinite(f0))
			return false;
		for (int i = 0; i < n; i++)
		{
			double		up[OPTIM_MAX_PARAMS];
			double		down[OPTIM_MAX_PARAMS];

			if (!isfinite(optim_probe(objective, arg, n, x, i, h, -1, 0, up)) ||
				!isfinite(optim_probe(objective, arg, n, x, i, -h, -1, 0, down)))
				return false;
			for (int j = 0; j < n; j++)
				hess[j][i] = (up[j] - down[j]) / (2.0 * h);
		}
		/* the two estimates of each mixed derivative, averaged */
		for (int i = 0; i < n; i++)
			for (int j = 0; j < i; j++)
				hess[i][j] = hess[j][i] = 0.5 * (hess[i][j] + hess[j][i]);
	}
	else
	{
		double		h = OPTIM_VALUE_STEP;

		f0 = optim_probe(objective, arg, n, x, -1, 0, -1, 0, NULL);
		if (!isfinite(f0))
			return false;
		for (int i = 0; i < n; i++)
		{
			double		up = optim_probe(objective, arg, n, x, i, h, -1, 0, NULL);
			double		down = optim_probe(objective, arg, n, x, i, -h, -1, 0, NULL);

			if (!isfinite(up) || !isfinite(down))
				return false;
			grad[i] = (up - down) / (2.0 * h);
			hess[i][i] = (up - 2.0 * f0 + down) / (h * h);
			for (int j = 0; j < i; j++)
			{
				double		pp = optim_probe(objective, arg, n, x, i, h, j, h, NULL);
				double		pm = optim_probe(objective, arg, n, x, i, h, j, -h, NULL);
				double		mp = optim_probe(objective, arg, n, x, i, -h, j, h, NULL);
				double		mm = optim_probe(objective, arg, n, x, i, -h, j, -h, NULL);

				hess[i][j] = hess[j][i] = (pp - pm - mp + mm) / (4.0 * h * h);
				if (!isfinite(hess[i][j]))
					return false;
			}
		}
	}

	optim_eigen(n, hess, lambda, vectors);
	for (int k = 0; k < n; k++)
	{
		double		gk = 0.0;

		least_curvature = fmin(least_curvature, lambda[k]);
		if (!(lambda[k] > OPTIM_MIN_CURVATURE))
		{
			elog(DEBUG1, "optim: not a minimum: curvature %g", lambda[k]);
			return false;
		}
		for (int i = 0; i < n; i++)
			gk += vectors[i][k] * grad[i];
		for (int i = 0; i < n; i++)
			step[i] += vectors[i][k] * gk / lambda[k];
	}
	for (int i = 0; i < n; i++)
		largest_step = fmax(largest_step, fabs(step[i]));
	elog(DEBUG1, "optim: least curvature %g, largest Newton step %g",
		 least_curvature, largest_step);
	if (!(largest_step <= OPTIM_MAX_NEWTON_STEP))
		return false;

	/*
	 * The curvature of a nearly flat direction is below the error of the
	 * differences, so look: the objective must rise both ways along every
	 * principal direction.
	 */
	for (int k = 0; k < n; k++)
		for (int sign = -1; sign <= 1; sign += 2)
		{
			double		y[OPTIM_MAX_PARAMS];
			double		value;

			for (int i = 0; i < n; i++)
				y[i] = x[i] + sign * OPTIM_PROBE_STEP * vectors[i][k];
			value = optim_probe(objective, arg, n, y, -1, 0, -1, 0, NULL);
			if (!(value > f0))
			{
				elog(DEBUG1, "optim: not a minimum: the objective falls by %g along direction %d",
					 f0 - value, k);
				return false;
			}
		}
	if (inverse != NULL)
		for (int i = 0; i < n; i++)
			for (int j = 0; j < n; j++)
			{
				double		sum = 0.0;

				for (int k = 0; k < n; k++)
					sum += vectors[i][k] * vectors[j][k] / lambda[k];
				inverse[i * n + j] = sum;
			}
	return true;
}

/*
 * Newton's method (optim_newton): at most this many iterations, each step
 * at most OPTIM_NEWTON_MAX_STEP in every coordinate (a factor of e on the
 * log scale), halved at most OPTIM_NEWTON_HALVINGS times until the
 * objective falls by a share OPTIM_NEWTON_ARMIJO of what the step
 * promises; it stops when the next step would be at most
 * OPTIM_NEWTON_XTOL in every coordinate (convergence is quadratic, so the
 * point is then that close to the minimum, or much closer).
 */
#define OPTIM_NEWTON_MAX_ITERATIONS	100
#define OPTIM_NEWTON_MAX_STEP		1.0
#define OPTIM_NEWTON_HALVINGS		30
#define OPTIM_NEWTON_ARMIJO			1e-4
#define OPTIM_NEWTON_XTOL			1e-10

/*
 * A step whose promised fall g'step is at most OPTIM_NEWTON_FLAT times
 * the objective is below what the objective's rounding (a sum over up to
 * millions of rows) lets it show, so no line search can judge it: it is
 * taken whole, as the quadratic model says, which is then exact to far
 * below that. At most OPTIM_NEWTON_FLAT_STEPS such steps are taken, after
 * which the point is the minimum as far as the objective can tell.
 */
#define OPTIM_NEWTON_FLAT			1e-10
#define OPTIM_NEWTON_FLAT_STEPS		3

/*
 * A Hessian's eigenvalue below this share of its largest in absolute
 * value is raised to it in a Newton step, so that the step always
 * descends (the modified Newton method of Gill & Murray, with the
 * eigenvalues of the Hessian).
 */
#define OPTIM_NEWTON_MIN_EIGEN		1e-8

/*
 * The modified Newton step -H'^-1 g into step, H' the Hessian hess (n x n,
 * row-major) with its eigenvalues lambda replaced by
 * max(|lambda|, OPTIM_NEWTON_MIN_EIGEN max |lambda|), so that it descends
 * also where hess is not positive definite, scaled down to at most
 * OPTIM_NEWTON_MAX_STEP in every coordinate. Returns its largest
 * coordinate in absolute value.
 */
static double
optim_newton_step(int n, const double *grad, const double *hess, double *step)
{
	double		a[OPTIM_MAX_PARAMS][OPTIM_MAX_PARAMS];
	double		lambda[OPTIM_MAX_PARAMS];
	double		vectors[OPTIM_MAX_PARAMS][OPTIM_MAX_PARAMS];
	double		largest_eigen = 0.0;
	double		largest = 0.0;

	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			a[i][j] = hess[i * n + j];
	optim_eigen(n, a, lambda, vectors);
	for (int k = 0; k < n; k++)
		largest_eigen = fmax(largest_eigen, fabs(lambda[k]));
	for (int i = 0; i < n; i++)
		step[i] = 0.0;
	for (int k = 0; k < n; k++)
	{
		double		l = fmax(fabs(lambda[k]), OPTIM_NEWTON_MIN_EIGEN * largest_eigen);
		double		gk = 0.0;

		for (int i = 0; i < n; i++)
			gk += vectors[i][k] * grad[i];
		for (int i = 0; i < n; i++)
			step[i] -= vectors[i][k] * gk / l;
	}
	for (int i = 0; i < n; i++)
		largest = fmax(largest, fabs(step[i]));
	if (largest > OPTIM_NEWTON_MAX_STEP)
	{
		for (int i = 0; i < n; i++)
			step[i] *= OPTIM_NEWTON_MAX_STEP / largest;
		largest = OPTIM_NEWTON_MAX_STEP;
	}
	return largest;
}

/*
 * Minimise by Newton's method with a backtracking line search from x
 * (the best point found on return), for an objective with an analytic
 * Hessian: from a start near the optimum it converges in a handful of
 * evaluations where a quasi-Newton method needs a few dozen. Every
 * evaluation is a full one (value, gradient and Hessian), so an accepted
 * step needs no other. The result says whether it stopped at a point
 * whose next step is at most OPTIM_NEWTON_XTOL, or after
 * OPTIM_NEWTON_FLAT_STEPS steps too flat to judge; it is false (x then
 * holds the best point found) when an evaluation is not finite, the
 * search leaves (-bound, bound)^n, the line search or the iteration
 * budget runs out: the caller falls back on optim_minimize. When it
 * converges, the last evaluation was at the returned x. Runs outside
 * NLopt, so a pending cancel is raised here.
 */
bool
optim_newton(optim_hessian hessian, void *arg, int n, double *x, double bound,
			 OptimResult *result)
{
	double		grad[OPTIM_MAX_PARAMS];
	double		hess[OPTIM_MAX_PARAMS * OPTIM_MAX_PARAMS];
	double		value;
	int			flat_steps = 0;

	Assert(n > 0 && n <= OPTIM_MAX_PARAMS);
	result->evaluations = 1;
	result->converged = false;
	value = hessian(n, x, grad, hess, arg);
	CHECK_FOR_INTERRUPTS();
	result->value = value;
	if (!isfinite(value))
		return false;
	for (int iteration = 0; iteration < OPTIM_NEWTON_MAX_ITERATIONS; iteration++)
	{
		double		step[OPTIM_MAX_PARAMS];
		double		slope = 0.0;
		double		t = 1.0;
		bool		flat;
		bool		accepted = false;

		for (int i = 0; i < n * n; i++)
			if (!isfinite(hess[i]))
				return false;
		if (optim_newton_step(n, grad, hess, step) <= OPTIM_NEWTON_XTOL)
		{
			result->converged = true;
			break;
		}
		for (int i = 0; i < n; i++)
			slope += grad[i] * step[i];
		flat = -slope <= OPTIM_NEWTON_FLAT * fabs(value);
		if (flat && flat_steps++ == OPTIM_NEWTON_FLAT_STEPS)
		{
			result->converged = true;
			break;
		}
		for (int halving = 0; halving <= OPTIM_NEWTON_HALVINGS && !accepted; halving++, t *= 0.5)
		{
			double		y[OPTIM_MAX_PARAMS];
			double		y_grad[OPTIM_MAX_PARAMS];
			double		y_hess[OPTIM_MAX_PARAMS * OPTIM_MAX_PARAMS];
			double		y_value;

			for (int i = 0; i < n; i++)
			{
				y[i] = x[i] + t * step[i];
				if (!(fabs(y[i]) < bound))
					return false;
			}
			y_value = hessian(n, y, y_grad, y_hess, arg);
			CHECK_FOR_INTERRUPTS();
			result->evaluations++;
			if (!isfinite(y_value))
			{
				if (flat)
					return false;
				continue;
			}
			if (flat || y_value <= value + OPTIM_NEWTON_ARMIJO * t * slope)
			{
				accepted = true;
				value = y_value;
				memcpy(x, y, n * sizeof(double));
				memcpy(grad, y_grad, n * sizeof(double));
				memcpy(hess, y_hess, n * n * sizeof(double));
			}
		}
		if (!accepted)
			return false;
	}
	result->value = value;
	elog(DEBUG1, "optim: Newton, %d evaluations, converged %d",
		 result->evaluations, (int) result->converged);
	return result->converged;
}
