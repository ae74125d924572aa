/*-------------------------------------------------------------------------
 *
 * simulate.c
 *	  simulate_orders: synthetic orders drawn from the BG/NBD purchase
 *	  process with Gamma-Gamma spend, the ground truth of the
 *	  parameter-recovery tests and the demo data (doc/simulate_orders.md);
 *	  simulate_mbgnbd_orders and simulate_pareto_nbd_orders, the same
 *	  with the MBG/NBD and Pareto/NBD purchase processes, and
 *	  simulate_bgbb_histories, BG/BB histories of discrete opportunities.
 *
 * Per customer (Fader, Hardie & Lee 2005, "Counting your customers the easy
 * way", Marketing Science 24(2), assumptions i-v; Fader, Hardie & Lee 2005,
 * "RFM and CLV", JMR 42(4), for the spend):
 *
 *		lambda ~ Gamma(shape r, rate alpha)		purchase rate per week
 *		p_drop ~ Beta(a, b)						dropout after a repeat purchase
 *		nu     ~ Gamma(shape q, rate v)			spend rate
 *
 * MBG/NBD (Batislam, Denizel & Filiztekin 2007, "Empirical validation and
 * comparison of models for customer base analysis", IJRM 24(3)) drops out
 * with probability p_drop after the first purchase too. Pareto/NBD
 * (Schmittlein, Morrison & Colombo 1987, "Counting your customers",
 * Management Science 33(1)) has no dropout at purchases: the customer is
 * alive for an exponential lifetime tau with rate mu ~ Gamma(shape s, rate
 * beta) per week and buys at rate lambda while alive. BG/BB (Fader, Hardie
 * & Shang 2010, "Customer-base analysis in a discrete-time noncontractual
 * setting", Marketing Science 29(6)): p ~ Beta(alpha, beta), theta ~
 * Beta(gamma, delta); at each of n_periods opportunities after the first
 * transaction an alive customer dies with probability theta, else
 * transacts with probability p.
 *
 * The first purchase is on start + A, A = 0 for the cohort overloads and
 * A = floor(U * acquisition_days), U uniform on (0, 1), for the staggered
 * one. Inter-purchase times are exponential with rate lambda, in
 * continuous time; after each repeat purchase the customer drops out with
 * probability p_drop. Observation ends `days` days after start: repeat
 * purchases at times t (days after the first) with A + t < days give
 * orders on start + A + floor(t). Each order's amount is z ~ Gamma(p, rate
 * nu) rounded to the cent. U comes from a stream of its own, so a
 * customer's lambda, p_drop, nu and waiting times are the same draws as in
 * the cohort overload.
 *
 * The draws come from our own generators, so a seed gives the same rows on
 * every platform and PostgreSQL version: xoshiro256** (Blackman & Vigna
 * 2018) seeded per customer through splitmix64, so customer i's orders do
 * not depend on how many customers are asked for; Marsaglia & Tsang's (2000)
 * Gamma sampler on Marsaglia's polar normal; Beta as a ratio of Gammas. The
 * samplers work with logarithms so that tiny shapes cannot give 0 / 0.
 * They use only log, exp and sqrt of the C library; sqrt is exact
 * everywhere, and glibc's log and exp are correctly rounded in all but
 * rare cases, so another libm can change a row only when a value lies
 * within an ulp of a cent or day boundary or an accept/reject threshold.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/numeric.h"

#include "base/checks.h"
#include "base/composite.h"
#include "base/scaled.h"
#include "models/bgbb.h"
#include "retention.h"

/* A customer with more orders than this is an error (54000). */
#define SIMULATE_MAX_ORDERS_PER_CUSTOMER	1000000

/* The CDNOW estimates of DESIGN section 5, per week, and their window. */
#define CDNOW_R			0.243
#define CDNOW_ALPHA		4.414
#define CDNOW_A			0.793
#define CDNOW_B			2.426
#define CDNOW_P			6.25
#define CDNOW_Q			3.74
#define CDNOW_V			15.44
#define CDNOW_DAYS		273		/* 39 weeks, Fader, Hardie & Lee's calibration */

/* The purchase process of an order simulation. */
typedef enum SimulateProcess
{
	PROCESS_BGNBD,				/* dropout after each repeat purchase */
	PROCESS_MBGNBD,				/* dropout after every purchase, the first too */
	PROCESS_PARETO_NBD			/* an exponential lifetime */
} SimulateProcess;

/*
 * The true parameters of one simulation: r, alpha and the spend's p, q, v
 * for every process; a, b for (M)BG/NBD's dropout, s, beta for
 * Pareto/NBD's lifetime.
 */
typedef struct SimulateParams
{
	SimulateProcess process;
	double		r;
	double		alpha;
	double		a;
	double		b;
	double		s;
	double		beta;
	double		p;
	double		q;
	double		v;
} SimulateParams;

/* xoshiro256** state. */
typedef struct Prng
{
	uint64		s[4];
} Prng;

/* splitmix64 step (Steele, Lea & Flood 2014): seeds xoshiro. */
static inline uint64
splitmix64(uint64 *x)
{
	uint64		z = (*x += UINT64CONST(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64CONST(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64CONST(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

static inline uint64
rotl(uint64 x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** next output (Blackman & Vigna 2018). */
static inline uint64
prng_next(Prng *g)
{
	uint64		result = rotl(g->s[1] * 5, 7) * 9;
	uint64		t = g->s[1] << 17;

	g->s[2] ^= g->s[0];
	g->s[3] ^= g->s[1];
	g->s[1] ^= g->s[2];
	g->s[0] ^= g->s[3];
	g->s[2] ^= t;
	g->s[3] = rotl(g->s[3], 45);
	return result;
}

/* The stream of customer `id` under `seed`: four splitmix64 outputs. */
static void
prng_seed(Prng *g, int32 seed, int64 id)
{
	uint64		x = (uint64) (uint32) seed;
	uint64		base = splitmix64(&x);

	x = base ^ ((uint64) id * UINT64CONST(0xD1B54A32D192ED03));
	for (int i = 0; i < 4; i++)
		g->s[i] = splitmix64(&x);
}

/* Uniform on the open interval (0, 1), 53 bits. */
static inline double
uniform_open(Prng *g)
{
	return ((double) (prng_next(g) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

/* Standard normal by Marsaglia's polar method (log and sqrt, no sin/cos). */
static double
standard_normal(Prng *g)
{
	double		u;
	double		w;
	double		s;

	do
	{
		u = 2.0 * uniform_open(g) - 1.0;
		w = 2.0 * uniform_open(g) - 1.0;
		s = u * u + w * w;
	} while (s >= 1.0 || s == 0.0);
	return u * sqrt(-2.0 * log(s) / s);
}

/*
 * log of a Gamma(shape, 1) draw: Marsaglia & Tsang (2000), "A simple method
 * for generating gamma variables", ACM TOMS 26(3), with their boost
 * Gamma(k) = Gamma(k + 1) U^(1/k) for k < 1, taken in logs.
 */
static double
log_gamma_draw(Prng *g, double shape)
{
	double		boost = 0.0;
	double		d;
	double		c;

	if (shape < 1.0)
	{
		boost = log(uniform_open(g)) / shape;
		shape += 1.0;
	}
	d = shape - 1.0 / 3.0;
	c = 1.0 / sqrt(9.0 * d);
	for (;;)
	{
		double		x;
		double		v;
		double		u;

		do
		{
			x = standard_normal(g);
			v = 1.0 + c * x;
		} while (v <= 0.0);
		v = v * v * v;
		u = uniform_open(g);
		if (u < 1.0 - 0.0331 * (x * x) * (x * x) ||
			log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
			return log(d) + log(v) + boost;
	}
}

/* Beta(a, b) as X / (X + Y), X ~ Gamma(a), Y ~ Gamma(b), from their logs. */
static double
beta_draw(Prng *g, double a, double b)
{
	double		log_x = log_gamma_draw(g, a);
	double		log_y = log_gamma_draw(g, b);
	double		result = 1.0 / (1.0 + exp(log_y - log_x));

	if (isnan(result))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("a and b are too small to simulate"),
				 errdetail("A Beta(%g, %g) draw underflowed.", a, b)));
	return result;
}

/*
 * One order's amount in cents: z = G_p / nu with G_p ~ Gamma(p, 1) and
 * nu = G_q / v, rounded half up to the cent; 22003 beyond int64 cents.
 */
static int64
amount_cents(Prng *g, double p, double log_nu)
{
	double		cents = exp(log_gamma_draw(g, p) - log_nu) * 100.0;

	cents = floor(cents + 0.5);
	if (!(cents < 9.2e18))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("simulated amount out of range"),
				 errdetail("An order amount exceeds 92,000,000,000,000,000.00."),
				 errhint("Use a larger q or v.")));
	return (int64) cents;
}

/*
 * Where simulate_orders is between calls: the arguments, and the customer
 * being drawn with its generator, so that each call draws one more order
 * (the same draws in the same order as drawing a customer in one go).
 */
typedef struct SimulateStream
{
	SimulateParams m;
	int32		seed;
	int32		customers;
	DateADT		start;
	int32		days;
	int32		acquisition_days;	/* 1: every first purchase on start */
	int64		id;				/* the current customer, 0 before the first */
	bool		buying;			/* the current customer may buy again */
	Prng		g;
	double		lambda;
	double		p_drop;			/* (M)BG/NBD: dropout probability at a purchase */
	double		lifetime;		/* Pareto/NBD: days alive after the first purchase */
	double		log_nu;
	int32		first_day;		/* the current customer's first purchase - start */
	double		time;			/* days since the current customer's first purchase */
	int32		orders;			/* the current customer's repeat orders so far */
} SimulateStream;

/* One output row. */
static Datum
order_row(TupleDesc tupdesc, int64 id, DateADT day, int64 cents)
{
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	values[0] = Int64GetDatum(id);
	values[1] = DateADTGetDatum(day);
	values[2] = NumericGetDatum(scaled_to_numeric(cents, 2));
	return HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls));
}

/*
 * The next order of the stream into *day and *cents, false when every
 * customer is done. A customer's first order is on start + first_day
 * (drawn from the customer's acquisition stream when acquisition_days >
 * 1); then come the repeat purchases before start + days: BG/NBD drops
 * out with probability p_drop after each repeat purchase, MBG/NBD after
 * the first purchase too, Pareto/NBD buys while the time is below its
 * lifetime. The BG/NBD draws are those of 0.1.0 in the same order.
 */
static bool
next_order(SimulateStream *st, DateADT *day, int64 *cents)
{
	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		if (!st->buying)
		{
			if (st->id >= st->customers)
				return false;
			st->id++;
			prng_seed(&st->g, st->seed, st->id);
			st->lambda = exp(log_gamma_draw(&st->g, st->m.r) - log(st->m.alpha));
			if (st->m.process == PROCESS_PARETO_NBD)
			{
				/* tau = E / mu weeks, E ~ Exp(1), mu = Gamma(s) / beta */
				double		log_mu = log_gamma_draw(&st->g, st->m.s) - log(st->m.beta);

				st->lifetime = 7.0 * -log(uniform_open(&st->g)) * exp(-log_mu);
				st->p_drop = 0.0;
			}
			else
			{
				st->p_drop = beta_draw(&st->g, st->m.a, st->m.b);
				st->lifetime = get_float8_infinity();
			}
			st->log_nu = log_gamma_draw(&st->g, st->m.q) - log(st->m.v);
			st->first_day = 0;
			if (st->acquisition_days > 1)
			{
				Prng		acquisition;

				/* the acquisition stream: that of customer -id, which no customer uses */
				prng_seed(&acquisition, st->seed, -st->id);
				st->first_day = (int32) floor(uniform_open(&acquisition) * st->acquisition_days);
			}
			st->time = 0.0;
			st->orders = 0;
			st->buying = true;
			*day = st->start + st->first_day;
			*cents = amount_cents(&st->g, st->m.p, st->log_nu);
			if (st->m.process == PROCESS_MBGNBD && uniform_open(&st->g) < st->p_drop)
				st->buying = false;
			return true;
		}
		/* exponential waiting time, rate lambda per week, in days */
		st->time += 7.0 * -log(uniform_open(&st->g)) / st->lambda;
		if (!(st->time < (double) (st->days - st->first_day)) ||
			!(st->time < st->lifetime))
		{
			st->buying = false;
			continue;
		}
		if (++st->orders > SIMULATE_MAX_ORDERS_PER_CUSTOMER)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("simulated customer has more than %d orders",
							SIMULATE_MAX_ORDERS_PER_CUSTOMER),
					 errdetail("Customer " INT64_FORMAT " buys at a rate of %g a week.",
							   st->id, st->lambda),
					 errhint("Use a larger alpha, a smaller r or fewer days.")));
		*day = st->start + st->first_day + (DateADT) floor(st->time);
		*cents = amount_cents(&st->g, st->m.p, st->log_nu);
		if (st->m.process != PROCESS_PARETO_NBD && uniform_open(&st->g) < st->p_drop)
			st->buying = false;
		return true;
	}
}

/* Validates the arguments of every SQL overload. */
static void
check_arguments(int32 customers, const SimulateParams *m, DateADT start, int32 days,
				int32 acquisition_days)
{
	if (customers < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("customers must not be negative"),
				 errdetail("customers is %d.", customers)));
	check_model_param(m->r, "r");
	check_model_param(m->alpha, "alpha");
	if (m->process == PROCESS_PARETO_NBD)
	{
		check_model_param(m->s, "s");
		check_model_param(m->beta, "beta");
	}
	else
	{
		check_model_param(m->a, "a");
		check_model_param(m->b, "b");
	}
	check_model_param(m->p, "p");
	check_model_param(m->q, "q");
	check_model_param(m->v, "v");
	if (DATE_NOT_FINITE(start))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("start must be a finite date")));
	if (days < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("days must not be negative"),
				 errdetail("days is %d.", days)));
	if (!IS_VALID_DATE((int64) start + days))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("start + days is out of the date range"),
				 errdetail("days is %d.", days)));
	if (acquisition_days < 1 || acquisition_days > Max(days, 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("acquisition_days must be between 1 and days"),
				 errdetail("acquisition_days is %d and days is %d.", acquisition_days, days)));
}

/*
 * The body of every SQL overload: a value-per-call set-returning function
 * that draws one order per call, in constant memory, so a caller that
 * stops early (LIMIT in the select list) stops the drawing. Customers come
 * in id order, each customer's orders in time order.
 */
static Datum
simulate_orders_common(FunctionCallInfo fcinfo, int32 customers, int32 seed,
					   const SimulateParams *m, DateADT start, int32 days,
					   int32 acquisition_days)
{
	FuncCallContext *funcctx;
	SimulateStream *st;
	DateADT		day;
	int64		cents;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext oldcontext;

		check_arguments(customers, m, start, days, acquisition_days);
		funcctx = SRF_FIRSTCALL_INIT();
		oldcontext = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		funcctx->tuple_desc = composite_result_desc(fcinfo);
		st = palloc0(sizeof(SimulateStream));
		st->m = *m;
		st->seed = seed;
		st->customers = customers;
		st->start = start;
		st->days = days;
		st->acquisition_days = acquisition_days;
		funcctx->user_fctx = st;
		MemoryContextSwitchTo(oldcontext);
	}
	funcctx = SRF_PERCALL_SETUP();
	st = (SimulateStream *) funcctx->user_fctx;
	if (!next_order(st, &day, &cents))
		SRF_RETURN_DONE(funcctx);
	SRF_RETURN_NEXT(funcctx, order_row(funcctx->tuple_desc, st->id, day, cents));
}

/*
 * The model parameters r, alpha, a, b (s, beta for Pareto/NBD), p, q, v of
 * a process: arguments 2 to 8.
 */
static SimulateParams
params_of(FunctionCallInfo fcinfo, SimulateProcess process)
{
	SimulateParams m = {0};

	m.process = process;
	m.r = PG_GETARG_FLOAT8(2);
	m.alpha = PG_GETARG_FLOAT8(3);
	if (process == PROCESS_PARETO_NBD)
	{
		m.s = PG_GETARG_FLOAT8(4);
		m.beta = PG_GETARG_FLOAT8(5);
	}
	else
	{
		m.a = PG_GETARG_FLOAT8(4);
		m.b = PG_GETARG_FLOAT8(5);
	}
	m.p = PG_GETARG_FLOAT8(6);
	m.q = PG_GETARG_FLOAT8(7);
	m.v = PG_GETARG_FLOAT8(8);
	return m;
}

/*
 * The body of the order overloads of one process: the parameters from
 * arguments 2 to 8, start and days from 9 and 10, and acquisition_days
 * from 11 when staggered (else 1, the cohort).
 */
static Datum
simulate_process(FunctionCallInfo fcinfo, SimulateProcess process, bool staggered)
{
	SimulateParams m = params_of(fcinfo, process);

	return simulate_orders_common(fcinfo, PG_GETARG_INT32(0), PG_GETARG_INT32(1), &m,
								  PG_GETARG_DATEADT(9), PG_GETARG_INT32(10),
								  staggered ? PG_GETARG_INT32(11) : 1);
}

/*
 * simulate_orders(customers integer, seed integer, r, alpha, a, b, p, q,
 * v float8, start date, days integer) returns table (customer_id bigint,
 * order_at date, amount numeric)
 *
 * Customers 1 .. customers, each with a first order on start and the BG/NBD
 * repeat orders of the next `days` days (r and alpha per week). STRICT: a
 * NULL argument gives no rows. Zero customers give no rows.
 */
SQL_FUNCTION(simulate_orders, simulate_process(fcinfo, PROCESS_BGNBD, false));

/*
 * simulate_orders(customers integer, seed integer, r, alpha, a, b, p, q,
 * v float8, start date, days integer, acquisition_days integer) returns
 * table (customer_id bigint, order_at date, amount numeric)
 *
 * Staggered acquisition: customer i's first order is on start + A_i, A_i
 * uniform on 0 .. acquisition_days - 1 (1 <= acquisition_days <= days, or
 * 22023), and its repeat orders those of the cohort overload shifted by
 * A_i, up to the common end start + days. acquisition_days = 1 gives the
 * cohort overload's rows. STRICT: a NULL argument gives no rows.
 */
SQL_FUNCTION(simulate_orders_staggered, simulate_process(fcinfo, PROCESS_BGNBD, true));

/*
 * simulate_orders(customers integer, seed integer) returns table
 * (customer_id bigint, order_at date, amount numeric)
 *
 * The same with the CDNOW estimates of DESIGN section 5 from 2024-01-01
 * over 273 days (39 weeks): summarize as of 2024-09-30.
 */
PG_FUNCTION_INFO_V1(simulate_orders_cdnow);
Datum
simulate_orders_cdnow(PG_FUNCTION_ARGS)
{
	SimulateParams m = {.process = PROCESS_BGNBD, .r = CDNOW_R, .alpha = CDNOW_ALPHA,
	.a = CDNOW_A, .b = CDNOW_B, .p = CDNOW_P, .q = CDNOW_Q, .v = CDNOW_V};
	DateADT		start = date2j(2024, 1, 1) - POSTGRES_EPOCH_JDATE;

	return simulate_orders_common(fcinfo, PG_GETARG_INT32(0), PG_GETARG_INT32(1), &m,
								  start, CDNOW_DAYS, 1);
}

/*
 * simulate_mbgnbd_orders(customers integer, seed integer, r, alpha, a, b,
 * p, q, v float8, start date, days integer) returns table (customer_id
 * bigint, order_at date, amount numeric)
 *
 * simulate_orders with the MBG/NBD process (Batislam, Denizel &
 * Filiztekin 2007, assumptions of section 3): the customer drops out with
 * probability p_drop after every purchase, the first included, so a
 * customer can be gone at time 0. STRICT: a NULL argument gives no rows.
 */
SQL_FUNCTION(simulate_mbgnbd_orders, simulate_process(fcinfo, PROCESS_MBGNBD, false));

/*
 * simulate_mbgnbd_orders(..., start date, days integer, acquisition_days
 * integer): the same with staggered acquisition, as the simulate_orders
 * overload with acquisition_days (1 <= acquisition_days <= days, or
 * 22023). STRICT: a NULL argument gives no rows.
 */
SQL_FUNCTION(simulate_mbgnbd_orders_staggered, simulate_process(fcinfo, PROCESS_MBGNBD, true));

/*
 * simulate_pareto_nbd_orders(customers integer, seed integer, r, alpha, s,
 * beta, p, q, v float8, start date, days integer) returns table
 * (customer_id bigint, order_at date, amount numeric)
 *
 * simulate_orders with the Pareto/NBD process (Schmittlein, Morrison &
 * Colombo 1987, assumptions of section 2): purchases at rate lambda ~
 * Gamma(r, alpha) per week during a lifetime tau ~ Exp(mu), mu ~ Gamma(s,
 * beta) per week, counted from the first purchase. STRICT: a NULL argument
 * gives no rows.
 */
SQL_FUNCTION(simulate_pareto_nbd_orders, simulate_process(fcinfo, PROCESS_PARETO_NBD, false));

/*
 * simulate_pareto_nbd_orders(..., start date, days integer,
 * acquisition_days integer): the same with staggered acquisition, as the
 * simulate_orders overload with acquisition_days (1 <= acquisition_days <=
 * days, or 22023); the lifetime counts from the first purchase. STRICT: a
 * NULL argument gives no rows.
 */
SQL_FUNCTION(simulate_pareto_nbd_orders_staggered, simulate_process(fcinfo, PROCESS_PARETO_NBD, true));

/* Where simulate_bgbb_histories is between calls. */
typedef struct BgbbStream
{
	int32		seed;
	int32		customers;
	double		alpha;
	double		beta;
	double		gamma;
	double		delta;
	int32		n_periods;
	int64		id;				/* the last customer drawn, 0 before the first */
} BgbbStream;

/*
 * One BG/BB customer's history (Fader, Hardie & Shang 2010, section 2):
 * p ~ Beta(alpha, beta), theta ~ Beta(gamma, delta) from the customer's
 * stream; at each opportunity 1 .. n_periods an alive customer first dies
 * with probability theta, else transacts with probability p. *frequency
 * counts the transactions, *recency is the opportunity of the last one (0
 * with none).
 */
static void
bgbb_history(const BgbbStream *st, int64 id, int32 *frequency, int32 *recency)
{
	Prng		g;
	double		p;
	double		theta;

	prng_seed(&g, st->seed, id);
	p = beta_draw(&g, st->alpha, st->beta);
	theta = beta_draw(&g, st->gamma, st->delta);
	*frequency = 0;
	*recency = 0;
	for (int32 j = 1; j <= st->n_periods; j++)
	{
		if (uniform_open(&g) < theta)
			break;
		if (uniform_open(&g) < p)
		{
			(*frequency)++;
			*recency = j;
		}
	}
}

/*
 * simulate_bgbb_histories(customers integer, seed integer, alpha, beta,
 * gamma, delta float8, n_periods integer) returns table (customer_id
 * bigint, frequency integer, recency integer, n_periods integer)
 *
 * Customers 1 .. customers of the BG/BB process, each observed for
 * n_periods opportunities after its first transaction (0 .. 100,000:
 * 22023 when negative, 54000 beyond): one row per customer, the history
 * bgbb_fit reads. Zero customers give no rows; STRICT: a NULL argument
 * gives no rows. Value per call, one customer per call.
 */
PG_FUNCTION_INFO_V1(simulate_bgbb_histories);
Datum
simulate_bgbb_histories(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	BgbbStream *st;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};
	int32		frequency;
	int32		recency;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext oldcontext;
		int32		customers = PG_GETARG_INT32(0);
		int32		n_periods = PG_GETARG_INT32(6);

		if (customers < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("customers must not be negative"),
					 errdetail("customers is %d.", customers)));
		check_model_param(PG_GETARG_FLOAT8(2), "alpha");
		check_model_param(PG_GETARG_FLOAT8(3), "beta");
		check_model_param(PG_GETARG_FLOAT8(4), "gamma");
		check_model_param(PG_GETARG_FLOAT8(5), "delta");
		if (n_periods < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("n_periods must not be negative"),
					 errdetail("n_periods is %d.", n_periods)));
		if (n_periods > BGBB_MAX_PERIODS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("n_periods must be at most %d", BGBB_MAX_PERIODS),
					 errdetail("n_periods is %d.", n_periods)));
		funcctx = SRF_FIRSTCALL_INIT();
		oldcontext = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		funcctx->tuple_desc = composite_result_desc(fcinfo);
		st = palloc0(sizeof(BgbbStream));
		st->seed = PG_GETARG_INT32(1);
		st->customers = customers;
		st->alpha = PG_GETARG_FLOAT8(2);
		st->beta = PG_GETARG_FLOAT8(3);
		st->gamma = PG_GETARG_FLOAT8(4);
		st->delta = PG_GETARG_FLOAT8(5);
		st->n_periods = n_periods;
		funcctx->user_fctx = st;
		MemoryContextSwitchTo(oldcontext);
	}
	funcctx = SRF_PERCALL_SETUP();
	st = (BgbbStream *) funcctx->user_fctx;
	CHECK_FOR_INTERRUPTS();
	if (st->id >= st->customers)
		SRF_RETURN_DONE(funcctx);
	st->id++;
	bgbb_history(st, st->id, &frequency, &recency);
	values[0] = Int64GetDatum(st->id);
	values[1] = Int32GetDatum(frequency);
	values[2] = Int32GetDatum(recency);
	values[3] = Int32GetDatum(st->n_periods);
	SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc, values, nulls)));
}
