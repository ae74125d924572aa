/*-------------------------------------------------------------------------
 *
 * stored_state.h
 *	  The SQL-callable side of a storable aggregate state (DESIGN section
 *	  9): a type whose value is the aggregate's serialized state, read
 *	  back through the codec's checks. Each state type describes itself in
 *	  a StoredStateType; the input, receive, merge and rollup functions
 *	  are written once, here.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_STORED_STATE_H
#define RETENTION_STORED_STATE_H

#include "fmgr.h"

typedef struct StoredStateType
{
	const char *type_name;		/* the SQL type, for errors */
	/* a checked partial state from stored bytes, in CurrentMemoryContext */
	void	   *(*read) (bytea *bytes);
	bytea	   *(*write) (const void *state);
	/* an empty partial state of the same kind as src, in context */
	void	   *(*create_like) (MemoryContext context, const void *src);
	void		(*merge) (void *dst, const void *src, MemoryContext context);
} StoredStateType;

extern Datum stored_state_in(FunctionCallInfo fcinfo, const StoredStateType *type);
extern Datum stored_state_recv(FunctionCallInfo fcinfo, const StoredStateType *type);
extern Datum stored_state_merge(FunctionCallInfo fcinfo, const StoredStateType *type);
extern Datum stored_state_rollup_trans(FunctionCallInfo fcinfo, const StoredStateType *type);
extern void stored_state_check_as_of(int32 as_of, int32 latest, const char *type_name);

#endif							/* RETENTION_STORED_STATE_H */
