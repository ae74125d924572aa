/*-------------------------------------------------------------------------
 *
 * aggstate.h
 *	  Helpers for the serialized form of internal aggregate states: a
 *	  format-version byte first, every length checked on the way back.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_AGGSTATE_H
#define RETENTION_AGGSTATE_H

#include "fmgr.h"
#include "lib/stringinfo.h"

extern void aggstate_begin_read(StringInfo buf, bytea *bytes, int version,
								const char *state_name);
extern void aggstate_corrupt(const char *state_name, const char *problem) pg_attribute_noreturn();

#endif							/* RETENTION_AGGSTATE_H */
