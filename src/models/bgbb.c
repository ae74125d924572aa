/*-------------------------------------------------------------------------
 *
 * bgbb.c
 *	  The BG/BB model of Fader, Hardie & Shang (2010), "Customer-base
 *	  analysis in a discrete-time noncontractual setting", Marketing
 *	  Science 29(6): the bgbb_fit aggregate and its accessors.
 *
 * Customers have discrete transaction opportunities (renewals, donations,
 * events). While alive, a customer transacts at each opportunity with
 * probability p ~ Beta(alpha, beta); before each opportunity an alive
 * customer dies with probability theta ~ Beta(gamma, delta). A history is
 * frequency x (opportunities used), recency t_x (the last one used, 0
 * if none) and n_periods n (opportunities observed), 0 <= x <= t_x <= n;
 * n may differ from customer to customer.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "base/checks.h"
#include "math/optim.h"
#include "math/specfun.h"
#include "models/bgbb.h"
#include "models/btyd.h"
#include "models/fit.h"
#include "models/fit_state.h"
#include "models/model_value.h"
#include "retention.h"

#define BGBB_NPARAMS	4

static const char *const bgbb_names[BGBB_NPARAMS] = {"alpha", "beta", "gamma", "delta"};

/* The most future periods an accessor sums over. */
#define BGBB_MAX_FUTURE	10000000

/*
 * A float8 argument that must be a whole number from 0 to INT_MAX (22023
 * naming it otherwise).
 */
int32
bgbb_whole_number(double value, const char *name)
{
	check_finite(value, name);
	if (value != floor(value) || value < 0.0 || value > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a non-negative integer", name),
				 errdetail("%s is %s.", name, float8out_internal(value))));
	return (int32) value;
}

/*
 * Check one BG/BB history: 0 <= frequency <= recency <= n_periods <=
 * BGBB_MAX_PERIODS, recency 0 when frequency is 0 (and so recency >= 1
 * otherwise); 22023 naming the value, 54000 beyond the limit.
 */
void
bgbb_check_summary(int32 frequency, int32 recency, int32 n_periods)
{
	if (frequency < 0 || recency < 0 || n_periods < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("frequency, recency and n_periods must not be negative"),
				 errdetail("frequency is %d, recency %d and n_periods %d.",
						   frequency, recency, n_periods)));
	if (recency > n_periods)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("recency must not exceed n_periods"),
				 errdetail("recency is %d and n_periods is %d.", recency, n_periods)));
	if (frequency > recency)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("frequency must not exceed recency"),
				 errdetail("frequency is %d and recency is %d: the last of %d transactions cannot be before opportunity %d.",
						   frequency, recency, frequency, frequency)));
	if (frequency == 0 && recency != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("recency must be 0 when frequency is 0"),
				 errdetail("recency is %d with frequency 0.", recency)));
	if (n_periods > BGBB_MAX_PERIODS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("n_periods must be at most %d", BGBB_MAX_PERIODS),
				 errdetail("n_periods is %d.", n_periods)));
}

/* What the log-likelihood of every history at one point shares. */
typedef struct BgbbShared
{
	double		lb_ab;			/* log B(alpha, beta) */
	double		lb_gd;			/* log B(gamma, delta) */
	/* digammas, for the gradient: of alpha, beta, alpha + beta, gamma,
	 * delta, gamma + delta */
	double		psi_a;
	double		psi_b;
	double		psi_ab;
	double		psi_g;
	double		psi_d;
	double		psi_gd;
} BgbbShared;

/* The shared part at params; the digammas only when with_psi. */
static void
bgbb_shared(const double *params, bool with_psi, BgbbShared *k)
{
	k->lb_ab = specfun_lbeta(params[0], params[1]);
	k->lb_gd = specfun_lbeta(params[2], params[3]);
	if (!with_psi)
		return;
	k->psi_a = specfun_digamma(params[0]);
	k->psi_b = specfun_digamma(params[1]);
	k->psi_ab = specfun_digamma(params[0] + params[1]);
	k->psi_g = specfun_digamma(params[2]);
	k->psi_d = specfun_digamma(params[3]);
	k->psi_gd = specfun_digamma(params[2] + params[3]);
}

/*
 * log L of one history (FHS 2010 eq. 5):
 *   L = B(alpha + x, beta + n - x) / B(alpha, beta)
 *       * B(gamma, delta + n) / B(gamma, delta)
 *     + sum_{i=0}^{n-t_x-1} B(alpha + x, beta + t_x - x + i) / B(alpha, beta)
 *                         * B(gamma + 1, delta + t_x + i) / B(gamma, delta).
 * The terms of the sum decrease; each is the one before times
 * (beta + t_x - x + i) / (alpha + beta + t_x + i)
 * * (delta + t_x + i) / (gamma + delta + 1 + t_x + i), so the sum is its
 * first term times a sum of products c_i in (0, 1], without overflow.
 * When dlog is not NULL (k has the digammas), the gradient of log L in
 * (alpha, beta, gamma, delta) goes there: each term's is a sum of
 * digammas, those of the arguments that grow with i kept by the recurrence
 * psi(z + 1) = psi(z) + 1 / z, and log L's is the terms' weighted by their
 * share of L. NaN when a cancel is pending (the sum has up to
 * BGBB_MAX_PERIODS terms).
 */
static double
bgbb_log_lik(const double *params, const BgbbShared *k,
			 double x, double tx, double n, double *dlog)
{
	double		alpha = params[0];
	double		beta = params[1];
	double		gamma = params[2];
	double		delta = params[3];
	double		alive = specfun_lbeta(alpha + x, beta + (n - x)) - k->lb_ab +
		specfun_lbeta(gamma, delta + n) - k->lb_gd;
	double		g_alive[BGBB_NPARAMS] = {0.0, 0.0, 0.0, 0.0};
	double		psi_ax = 0.0;
	double		first;
	double		c = 1.0;
	double		sum = 0.0;
	double		p1 = 0.0;		/* psi(alpha + beta + t_x + i) */
	double		p2 = 0.0;		/* psi(beta + t_x - x + i) */
	double		p3 = 0.0;		/* psi(gamma + delta + 1 + t_x + i) */
	double		p4 = 0.0;		/* psi(delta + t_x + i) */
	double		s1 = 0.0;		/* sum of c_i p1, and so on */
	double		s2 = 0.0;
	double		s3 = 0.0;
	double		s4 = 0.0;
	double		log_sum;
	double		ll;
	int64		terms = (int64) (n - tx);

	if (dlog != NULL)
	{
		double		psi_abn = specfun_digamma(alpha + beta + n);
		double		psi_gdn = specfun_digamma(gamma + delta + n);

		psi_ax = specfun_digamma(alpha + x);
		g_alive[0] = psi_ax - psi_abn - k->psi_a + k->psi_ab;
		g_alive[1] = specfun_digamma(beta + (n - x)) - psi_abn - k->psi_b + k->psi_ab;
		g_alive[2] = k->psi_gd - psi_gdn;
		g_alive[3] = specfun_digamma(delta + n) - psi_gdn - k->psi_d + k->psi_gd;
	}
	if (terms == 0)
	{
		if (dlog != NULL)
			memcpy(dlog, g_alive, sizeof(g_alive));
		return alive;
	}
	first = specfun_lbeta(alpha + x, beta + (tx - x)) - k->lb_ab +
		specfun_lbeta(gamma + 1.0, delta + tx) - k->lb_gd;
	if (dlog != NULL)
	{
		p1 = specfun_digamma(alpha + beta + tx);
		p2 = specfun_digamma(beta + (tx - x));
		p3 = specfun_digamma(gamma + delta + 1.0 + tx);
		p4 = specfun_digamma(delta + tx);
	}
	for (int64 i = 0; i < terms; i++)
	{
		double		z1 = alpha + beta + tx + i;
		double		z2 = beta + (tx - x) + i;
		double		z3 = gamma + delta + 1.0 + tx + i;
		double		z4 = delta + tx + i;

		if (i % OPTIM_CANCEL_INTERVAL == OPTIM_CANCEL_INTERVAL - 1 &&
			optim_cancel_pending())
			return NAN;
		sum += c;
		if (dlog != NULL)
		{
			s1 += c * p1;
			s2 += c * p2;
			s3 += c * p3;
			s4 += c * p4;
			p1 += 1.0 / z1;
			p2 += 1.0 / z2;
			p3 += 1.0 / z3;
			p4 += 1.0 / z4;
		}
		c *= z2 / z1 * (z4 / z3);
	}
	log_sum = first + log(sum);
	ll = specfun_logsumexp(alive, log_sum);
	if (dlog != NULL)
	{
		double		wa = exp(alive - ll);
		double		ws = exp(log_sum - ll);
		double		g_sum[BGBB_NPARAMS];

		g_sum[0] = psi_ax - k->psi_a + k->psi_ab - s1 / sum;
		g_sum[1] = k->psi_ab - k->psi_b + (s2 - s1) / sum;
		g_sum[2] = 1.0 / gamma + k->psi_gd - s3 / sum;	/* psi(gamma + 1) - psi(gamma) = 1 / gamma */
		g_sum[3] = k->psi_gd - k->psi_d + (s4 - s3) / sum;
		for (int j = 0; j < BGBB_NPARAMS; j++)
			dlog[j] = wa * g_alive[j] + ws * g_sum[j];
	}
	return ll;
}

/*
 * Sum over the rows of weight * log L (bgbb_log_lik) and, when grad is
 * not NULL, its gradient in (alpha, beta, gamma, delta); rows values[0],
 * values[1], values[2] are x, t_x, n.
 */
static double
bgbb_loglik(const void *data, const double *params, double *grad)
{
	const FitRows *rows = (const FitRows *) data;
	BgbbShared	k;
	double		sum = 0.0;
	double		g[BGBB_NPARAMS] = {0.0, 0.0, 0.0, 0.0};

	bgbb_shared(params, grad != NULL, &k);
	for (int64 i = 0; i < rows->nrows; i++)
	{
		double		dlog[BGBB_NPARAMS];
		double		w = rows->weight[i];
		double		ll = bgbb_log_lik(params, &k, rows->values[0][i],
									  rows->values[1][i], rows->values[2][i],
									  grad != NULL ? dlog : NULL);

		if (isnan(ll) || (i % OPTIM_CANCEL_INTERVAL == 0 && optim_cancel_pending()))
			return NAN;
		sum += w * ll;
		if (grad != NULL)
			for (int j = 0; j < BGBB_NPARAMS; j++)
				g[j] += w * dlog[j];
	}
	if (grad != NULL)
		memcpy(grad, g, sizeof(g));
	return sum;
}

/*
 * The start of a fit: alpha = beta = gamma = delta = 1 (log 0); false when
 * nobody transacted or everybody transacted at every opportunity (no
 * maximum then).
 */
static bool
bgbb_start(const void *data, double *theta)
{
	const FitRows *rows = (const FitRows *) data;
	bool		some = false;
	bool		not_all = false;

	for (int64 i = 0; i < rows->nrows; i++)
	{
		some |= rows->values[0][i] > 0.0;
		not_all |= rows->values[0][i] < rows->values[2][i];
	}
	for (int j = 0; j < BGBB_NPARAMS; j++)
		theta[j] = 0.0;
	return some && not_all;
}

/* BG/BB for the fit driver. */
static const FitModel bgbb_model_spec = {
	.nparams = BGBB_NPARAMS,
	.loglik = bgbb_loglik,
	.start = bgbb_start,
	.has_gradient = true,
	.counts_customers = true,
};

/*
 * bgbb_fit(frequency, recency, n_periods [, weight]) final function: the
 * maximum-likelihood (alpha, beta, gamma, delta) through the fit driver
 * (fit.c, L-BFGS with the analytic gradient). NULL on empty input; converged is false
 * without a verified interior optimum.
 */
SQL_FUNCTION(bgbb_fit_final, fit_aggregate_final(fcinfo, &bgbb_model_spec, FIT_DISCRETE));

/* The bgbb composite's parameters; false when one is NULL. */
static bool
bgbb_params(HeapTupleHeader model, double *params)
{
	return model_params(model, BGBB_NPARAMS, bgbb_names, params);
}

/*
 * A number of periods an accessor sums over, the argument name: 0 ..
 * BGBB_MAX_FUTURE (22023 when negative, 54000 beyond).
 */
static int32
bgbb_check_future(int32 periods, const char *name)
{
	if (periods < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be negative", name),
				 errdetail("%s is %d.", name, periods)));
	if (periods > BGBB_MAX_FUTURE)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s must be at most %d", name, BGBB_MAX_FUTURE),
				 errdetail("%s is %d.", name, periods)));
	return periods;
}

/*
 * sum_{k=1}^{m} B(gamma, delta + n + k) / B(gamma, delta), the factor of
 * FHS 2010 eq. 7 and 13 that counts the opportunities n + 1 .. n + m a
 * customer survives to, as a sum of positive terms: the paper's closed
 * form delta / (gamma - 1) [Gamma(..) / Gamma(..) - Gamma(..) / Gamma(..)]
 * subtracts two close numbers and is singular at gamma = 1. Each term is
 * the one before times (delta + n + k) / (gamma + delta + n + k).
 */
static double
bgbb_alive_sum(const double *params, double n, int32 m)
{
	double		gamma = params[2];
	double		delta = params[3];
	double		term;
	double		sum = 0.0;

	if (m == 0)
		return 0.0;
	term = exp(specfun_lbeta(gamma, delta + n + 1.0) - specfun_lbeta(gamma, delta));
	for (int32 k = 1; k <= m; k++)
	{
		if (k % 1000000 == 0)
			CHECK_FOR_INTERRUPTS();
		sum += term;
		term *= (delta + n + k) / (gamma + delta + n + k);
	}
	return sum;
}

/* A history's log-likelihood, checked: 22003 when it cannot be computed. */
static double
bgbb_history_log_lik(const double *params, int32 x, int32 tx, int32 n)
{
	BgbbShared	k;
	double		ll;

	bgbb_shared(params, false, &k);
	ll = bgbb_log_lik(params, &k, x, tx, n, NULL);

	if (!isfinite(ll))
	{
		CHECK_FOR_INTERRUPTS();
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("the BG/BB likelihood of this history cannot be computed for these model parameters"),
				 errdetail("alpha = %s, beta = %s, gamma = %s, delta = %s, frequency %d, recency %d, n_periods %d.",
						   float8out_internal(params[0]), float8out_internal(params[1]),
						   float8out_internal(params[2]), float8out_internal(params[3]),
						   x, tx, n)));
	}
	return ll;
}

/*
 * An accessor's result, checked (btyd_check_model_result, naming the
 * model's parameters and the call's m, frequency, recency and n_periods).
 */
static double
bgbb_result(double value, const char *quantity, const double *params,
			double m, double x, double tx, double n)
{
	static const char *const call_names[4] = {"m_periods", "frequency", "recency", "n_periods"};
	double		call[4] = {m, x, tx, n};

	return btyd_check_model_result(value, quantity, bgbb_names, params, call_names, call);
}

/*
 * The arguments (bgbb, m_periods, frequency, recency, n_periods) of a
 * BG/BB accessor of a customer's history, checked in this order: m_periods
 * (bgbb_check_future), the model's parameters, the history
 * (bgbb_check_summary). False, with the history unchecked, when the model
 * has a NULL parameter: the accessor returns NULL.
 */
static bool
bgbb_history_args(FunctionCallInfo fcinfo, double *params, int32 *m,
				  int32 *x, int32 *tx, int32 *n)
{
	*m = bgbb_check_future(PG_GETARG_INT32(1), "m_periods");
	*x = PG_GETARG_INT32(2);
	*tx = PG_GETARG_INT32(3);
	*n = PG_GETARG_INT32(4);
	if (!bgbb_params(PG_GETARG_HEAPTUPLEHEADER(0), params))
		return false;
	bgbb_check_summary(*x, *tx, *n);
	return true;
}

/*
 * bgbb_p_alive(bgbb, m_periods, frequency, recency, n_periods):
 * probability that the customer is alive at opportunity n_periods +
 * m_periods (FHS 2010 eq. 11),
 *   B(alpha + x, beta + n - x) / B(alpha, beta)
 *   * B(gamma, delta + n + m) / B(gamma, delta) / L.
 * NULL when the model has a NULL parameter.
 */
PG_FUNCTION_INFO_V1(bgbb_p_alive);
Datum
bgbb_p_alive(PG_FUNCTION_ARGS)
{
	double		params[BGBB_NPARAMS];
	int32		m;
	int32		x;
	int32		tx;
	int32		n;
	double		log_p;

	if (!bgbb_history_args(fcinfo, params, &m, &x, &tx, &n))
		PG_RETURN_NULL();
	log_p = specfun_lbeta(params[0] + x, params[1] + (n - x)) -
		specfun_lbeta(params[0], params[1]) +
		specfun_lbeta(params[2], params[3] + ((double) n + m)) -
		specfun_lbeta(params[2], params[3]) -
		bgbb_history_log_lik(params, x, tx, n);
	PG_RETURN_FLOAT8(bgbb_result(fmin(1.0, exp(log_p)), "probability alive",
								 params, m, x, tx, n));
}

/*
 * bgbb_expected_purchases(bgbb, m_periods, frequency, recency, n_periods):
 * expected transactions in the next m_periods opportunities (FHS 2010
 * eq. 13),
 *   B(alpha + x + 1, beta + n - x) / B(alpha, beta) / L
 *   * sum_{k=1}^{m} B(gamma, delta + n + k) / B(gamma, delta).
 */
PG_FUNCTION_INFO_V1(bgbb_expected_purchases);
Datum
bgbb_expected_purchases(PG_FUNCTION_ARGS)
{
	double		params[BGBB_NPARAMS];
	int32		m;
	int32		x;
	int32		tx;
	int32		n;
	double		sum;
	double		log_front;

	if (!bgbb_history_args(fcinfo, params, &m, &x, &tx, &n))
		PG_RETURN_NULL();
	sum = bgbb_alive_sum(params, n, m);
	if (sum == 0.0)
		PG_RETURN_FLOAT8(0.0);
	log_front = specfun_lbeta(params[0] + x + 1.0, params[1] + (n - x)) -
		specfun_lbeta(params[0], params[1]) -
		bgbb_history_log_lik(params, x, tx, n);
	PG_RETURN_FLOAT8(bgbb_result(exp(log_front + log(sum)), "expected purchases",
								 params, m, x, tx, n));
}

/*
 * bgbb_expected_purchases(bgbb, n_periods): expected transactions of a new
 * customer in the first n_periods opportunities (FHS 2010 eq. 7),
 *   alpha / (alpha + beta) * sum_{k=1}^{n} B(gamma, delta + k) / B(gamma, delta).
 */
PG_FUNCTION_INFO_V1(bgbb_expected_purchases_new);
Datum
bgbb_expected_purchases_new(PG_FUNCTION_ARGS)
{
	double		params[BGBB_NPARAMS];
	int32		n = PG_GETARG_INT32(1);

	if (!bgbb_params(PG_GETARG_HEAPTUPLEHEADER(0), params))
		PG_RETURN_NULL();
	bgbb_check_future(n, "n_periods");
	PG_RETURN_FLOAT8(bgbb_result(bgbb_alive_sum(params, 0.0, n) / (1.0 + params[1] / params[0]),
								 "expected purchases", params, n, 0, 0, 0));
}
