/*-------------------------------------------------------------------------
 *
 * uncertainty.c
 *	  The parameter table of a fitted model (DESIGN section 6):
 *	  bgnbd_params, pareto_nbd_params, gamma_gamma_params and sbg_params in
 *	  SQL, one C function (model_params_table) for the four composites.
 *
 * A fit stores the covariance of its natural parameters (fit.c: the
 * inverse observed information of the objective it minimised); the table
 * gives each parameter with its standard error, the square root of its
 * variance, and the Wald interval estimate +- 1.96 standard errors that
 * lifetimes' summary prints.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/typcache.h"

#include "math/optim.h"
#include "models/model_value.h"
#include "retention.h"

/* The two-sided 95% normal quantile of lifetimes' intervals (its 1.96). */
#define PARAMS_Z95		1.96

/* The columns of a parameter table row. */
#define PARAMS_COLUMNS	5

/* What the rows of one call are made from. */
typedef struct ParamsTable
{
	int			n;
	bool		has_params;
	bool		has_covariance;
	char	   *names[OPTIM_MAX_PARAMS];
	double		params[OPTIM_MAX_PARAMS];
	double		cov[OPTIM_MAX_PARAMS * OPTIM_MAX_PARAMS];
} ParamsTable;

/*
 * The parameters of a model composite are its attributes before the one
 * named loglik (r, alpha, a, b for bgnbd; alpha, beta for sbg); their
 * names and count into table.
 */
static void
params_names(HeapTupleHeader model, ParamsTable *table)
{
	TupleDesc	tupdesc = lookup_rowtype_tupdesc(HeapTupleHeaderGetTypeId(model),
												 HeapTupleHeaderGetTypMod(model));
	int			n = 0;

	while (n < tupdesc->natts &&
		   strcmp(NameStr(TupleDescAttr(tupdesc, n)->attname), "loglik") != 0)
	{
		if (n == OPTIM_MAX_PARAMS || TupleDescAttr(tupdesc, n)->atttypid != FLOAT8OID)
			elog(ERROR, "composite type %s is not a model",
				 format_type_be(tupdesc->tdtypeid));
		table->names[n] = pstrdup(NameStr(TupleDescAttr(tupdesc, n)->attname));
		n++;
	}
	if (n == 0 || n == tupdesc->natts)
		elog(ERROR, "composite type %s is not a model",
			 format_type_be(tupdesc->tdtypeid));
	table->n = n;
	ReleaseTupleDesc(tupdesc);
}

/*
 * bgnbd_params(bgnbd), pareto_nbd_params(pareto_nbd),
 * gamma_gamma_params(gamma_gamma), sbg_params(sbg) returns
 * setof (parameter text, estimate float8, std_error float8,
 * lower_95 float8, upper_95 float8)
 *
 * One row per parameter, in the composite's order. std_error is the square
 * root of the covariance's diagonal, the interval estimate -+ 1.96
 * std_error; all three are NULL when the model has no covariance (built
 * from known parameters, a fit that did not converge or whose Hessian was
 * singular, a value stored by 0.1.0). A NULL parameter (a failed fit)
 * gives NULL in every column but the name. The parameters are checked as
 * every accessor checks them (22023) and so is a stored covariance
 * (model_covariance).
 */
PG_FUNCTION_INFO_V1(model_params_table);
Datum
model_params_table(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	ParamsTable *table;
	int			i;
	Datum		values[PARAMS_COLUMNS] = {0};
	bool		nulls[PARAMS_COLUMNS];

	if (SRF_IS_FIRSTCALL())
	{
		HeapTupleHeader model = PG_GETARG_HEAPTUPLEHEADER(0);
		MemoryContext oldcxt;
		TupleDesc	tupdesc;

		funcctx = SRF_FIRSTCALL_INIT();
		oldcxt = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "return type must be a row type");
		funcctx->tuple_desc = BlessTupleDesc(tupdesc);
		table = palloc0(sizeof(ParamsTable));
		params_names(model, table);
		table->has_params = model_params(model, table->n,
										 (const char *const *) table->names,
										 table->params);
		table->has_covariance = table->has_params &&
			model_covariance(model, table->n, table->cov);
		funcctx->user_fctx = table;
		funcctx->max_calls = table->n;
		MemoryContextSwitchTo(oldcxt);
	}
	funcctx = SRF_PERCALL_SETUP();
	table = (ParamsTable *) funcctx->user_fctx;
	if (funcctx->call_cntr >= funcctx->max_calls)
		SRF_RETURN_DONE(funcctx);
	i = (int) funcctx->call_cntr;
	values[0] = CStringGetTextDatum(table->names[i]);
	nulls[0] = false;
	for (int c = 1; c < PARAMS_COLUMNS; c++)
		nulls[c] = c == 1 ? !table->has_params : !table->has_covariance;
	if (table->has_params)
	{
		double		estimate = table->params[i];

		values[1] = Float8GetDatum(estimate);
		if (table->has_covariance)
		{
			double		se = sqrt(table->cov[i * table->n + i]);

			values[2] = Float8GetDatum(se);
			values[3] = Float8GetDatum(estimate - PARAMS_Z95 * se);
			values[4] = Float8GetDatum(estimate + PARAMS_Z95 * se);
		}
	}
	SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc,
															   values, nulls)));
}
