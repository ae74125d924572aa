/*-------------------------------------------------------------------------
 *
 * model_value.c
 *	  The model composites (bgnbd, pareto_nbd, gamma_gamma, sbg) as values:
 *	  reading their parameters for an accessor (model_params) and their
 *	  covariance (model_covariance), and the
 *	  constructors from known parameters (DESIGN section 6): bgnbd_model,
 *	  pareto_nbd_model, gamma_gamma_model and sbg_model, one C function
 *	  (model_value). The constructors
 *	  validate each parameter as every accessor does, so that a model built
 *	  here is one the accessors take, and fill every attribute after the
 *	  parameters (loglik, n, converged, and whatever a later version adds)
 *	  with NULL: no fit ran. Fitted composites come from the fit driver
 *	  (fit_result in fit.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "base/checks.h"
#include "base/composite.h"
#include "models/model_value.h"
#include "retention.h"

/*
 * The first n float8 fields of a model composite (bgnbd, pareto_nbd,
 * gamma_gamma, sbg) into params; false when one is NULL (a model whose fit
 * failed), else each must be finite and positive (error 22023 naming the
 * field, whose names the caller gives).
 */
bool
model_params(HeapTupleHeader model, int n, const char *const *names,
			 double *params)
{
	for (int i = 0; i < n; i++)
	{
		bool		isnull;
		Datum		d = GetAttributeByNum(model, (AttrNumber) (i + 1), &isnull);

		if (isnull)
			return false;
		params[i] = DatumGetFloat8(d);
		check_model_param(params[i], names[i]);
	}
	return true;
}

/* An error about a model's covariance attribute. */
static void
model_bad_covariance(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid covariance in model"),
			 errdetail("%s", detail)));
}

/*
 * The covariance attribute of a model composite into cov (n x n,
 * row-major); false when it is NULL (a model built from known parameters,
 * a fit without a covariance, a value stored by 0.1.0). A stored value may
 * have been written by hand, so it must be a two-dimensional n x n array
 * without NULLs, of finite numbers whose diagonal is not negative, else
 * 22023 naming what is wrong.
 */
bool
model_covariance(HeapTupleHeader model, int n, double *cov)
{
	bool		isnull;
	Datum		d = GetAttributeByName(model, "covariance", &isnull);
	ArrayType  *array;
	Datum	   *elems;
	bool	   *elem_nulls;
	int			nelems;

	if (isnull)
		return false;
	array = DatumGetArrayTypeP(d);
	if (ARR_ELEMTYPE(array) != FLOAT8OID)
		elog(ERROR, "model covariance is not a float8 array");
	if (ARR_NDIM(array) != 2 || ARR_DIMS(array)[0] != n || ARR_DIMS(array)[1] != n)
		model_bad_covariance(psprintf("The covariance must be a %d x %d matrix; it has %d dimensions%s.",
									  n, n, ARR_NDIM(array),
									  ARR_NDIM(array) == 2 ?
									  psprintf(" of %d x %d", ARR_DIMS(array)[0],
											   ARR_DIMS(array)[1]) : ""));
	deconstruct_array(array, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL,
					  TYPALIGN_DOUBLE, &elems, &elem_nulls, &nelems);
	for (int i = 0; i < nelems; i++)
	{
		if (elem_nulls[i])
			model_bad_covariance(psprintf("Element %d of the covariance is NULL.", i + 1));
		cov[i] = DatumGetFloat8(elems[i]);
		if (!isfinite(cov[i]))
			model_bad_covariance(psprintf("Element %d of the covariance is %s.",
										  i + 1, float8out_internal(cov[i])));
		if (i % (n + 1) == 0 && cov[i] < 0.0)
			model_bad_covariance(psprintf("Variance %d on the diagonal is %s, a variance cannot be negative.",
										  i / (n + 1) + 1, float8out_internal(cov[i])));
	}
	return true;
}

/*
 * bgnbd_model(r, alpha, a, b), pareto_nbd_model(r, alpha, s, beta),
 * gamma_gamma_model(p, q, v) and sbg_model(alpha, beta): one C function
 * for the four constructors. The composite of the function's declared
 * result type whose first PG_NARGS() attributes are the float8 arguments,
 * each checked to be a positive finite number (22023 naming the
 * attribute), the rest NULL. The arguments are never NULL (the functions
 * are STRICT).
 */
PG_FUNCTION_INFO_V1(model_value);
Datum
model_value(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc = (TupleDesc) fcinfo->flinfo->fn_extra;
	Datum	   *values;
	bool	   *nulls;
	int			nargs = PG_NARGS();

	if (tupdesc == NULL)
		fcinfo->flinfo->fn_extra = tupdesc = composite_result_desc(fcinfo);
	if (tupdesc->natts < nargs)
		elog(ERROR, "model composite has %d fields, expected at least %d",
			 tupdesc->natts, nargs);
	values = palloc0(tupdesc->natts * sizeof(Datum));
	nulls = palloc(tupdesc->natts * sizeof(bool));
	for (int i = 0; i < tupdesc->natts; i++)
	{
		Form_pg_attribute attr = TupleDescAttr(tupdesc, i);

		nulls[i] = i >= nargs;
		if (i < nargs)
		{
			if (attr->atttypid != FLOAT8OID)
				elog(ERROR, "model composite field %d is not float8", i + 1);
			check_model_param(PG_GETARG_FLOAT8(i), NameStr(attr->attname));
			values[i] = PG_GETARG_DATUM(i);
		}
	}
	return composite_result(fcinfo, tupdesc->natts, values, nulls);
}
