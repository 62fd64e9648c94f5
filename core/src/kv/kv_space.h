/*
 * Key spaces: the first byte of every engine key says what the key holds,
 * so plain KV, the SQL catalog, sequences and table data share one ordered
 * engine key space without collisions (DESIGN.md, rule 1).
 */
#ifndef ALX_KV_SPACE_H
#define ALX_KV_SPACE_H

#include "alopex.h"

enum alx_kv_space {
	ALX_SPACE_KV = ALOPEX_SPACE_KV, /* alopex_kv_*: 0x01 + user key */
	ALX_SPACE_CATALOG = 0x02,	/* schemas, tables, sequences */
	ALX_SPACE_SEQUENCE = 0x03,	/* sequence values, row ids */
	ALX_SPACE_TABLE = 0x10,		/* table rows and index entries */
};

#endif
