/* System catalog internals shared by sql_syscat*.c. */
#ifndef ALX_SQL_SYSCAT_INT_H
#define ALX_SQL_SYSCAT_INT_H

#include <stdint.h>

#include "sql/sql_syscat.h"

enum alx_syscat_kind {
	ALX_SYSCAT_EMPTY = 0,
	ALX_SYSCAT_CLASS,
	ALX_SYSCAT_NAMESPACE,
	ALX_SYSCAT_ATTRIBUTE,
	ALX_SYSCAT_TYPE,
	ALX_SYSCAT_INDEX,
	ALX_SYSCAT_DATABASE,
	ALX_SYSCAT_ROLES,
	ALX_SYSCAT_AUTHID,
	ALX_SYSCAT_USER,
	ALX_SYSCAT_SETTINGS,
	ALX_SYSCAT_AM,
	ALX_SYSCAT_ATTRDEF,
	ALX_SYSCAT_CONSTRAINT,
	ALX_SYSCAT_COLLATION,
	ALX_SYSCAT_TABLESPACE,
	ALX_SYSCAT_SEQUENCE,
	ALX_SYSCAT_DEPEND,
	ALX_SYSCAT_INFO_TABLES,
	ALX_SYSCAT_INFO_COLUMNS,
	ALX_SYSCAT_INFO_SCHEMATA,
};

struct alx_syscat_def {
	const char *schema, *name;
	uint32_t oid;
	char relkind; /* as pg_class shows it: 'r' table, 'v' view */
	int kind;     /* enum alx_syscat_kind */
	const char *spec;
};

/* The table of virtual tables, ended by a zeroed entry. */
extern const struct alx_syscat_def alx_syscat_defs[];

struct alx_syscat_cols {
	char **names;
	char *letters;
	uint32_t n;
};
int alx_syscat_spec_parse(struct alx_arena *a, const char *spec,
			  struct alx_syscat_cols *out);
/* Our type id and pg_type OID of a spec letter. */
int alx_syscat_spec_type(char letter);
uint32_t alx_syscat_spec_typoid(char letter);

/* Access method OIDs (pg_am). */
#define ALX_AM_HEAP 2
#define ALX_AM_BTREE 403
#define ALX_AM_HNSW 16001
#define ALX_AM_FLAT 16002
uint32_t alx_syscat_am_oid(const char *method);

#endif
