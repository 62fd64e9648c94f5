/*
 * SQL lexer for the PostgreSQL dialect: bytes to tokens, following
 * PostgreSQL 15's scan.l (operator splitting, numeric junk, string
 * continuation, nested comments, dollar quoting). Pure: no allocation while
 * scanning, no I/O, no globals; token values are decoded on demand by the
 * parser (alx_sql_lex_ident, alx_sql_lex_string).
 */
#ifndef ALX_SQL_LEX_H
#define ALX_SQL_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct alx_arena;

/* Keyword categories, as pg_get_keywords() reports them. */
enum alx_kw_cat {
	ALX_KWC_U = 0, /* unreserved: an identifier anywhere */
	ALX_KWC_C,     /* col_name: a column name, not a function or type */
	ALX_KWC_T,     /* type_func_name: a function or type name */
	ALX_KWC_R,     /* reserved */
};

/*
 * Every PostgreSQL 15 keyword (pg_get_keywords()), sorted: word, category,
 * and whether it may be a column label without AS (BARE_LABEL).
 */
#define ALX_KEYWORDS(ALX_KW)                                 \
	ALX_KW(ABORT, "abort", U, 1)                         \
	ALX_KW(ABSOLUTE, "absolute", U, 1)                   \
	ALX_KW(ACCESS, "access", U, 1)                       \
	ALX_KW(ACTION, "action", U, 1)                       \
	ALX_KW(ADD, "add", U, 1)                             \
	ALX_KW(ADMIN, "admin", U, 1)                         \
	ALX_KW(AFTER, "after", U, 1)                         \
	ALX_KW(AGGREGATE, "aggregate", U, 1)                 \
	ALX_KW(ALL, "all", R, 1)                             \
	ALX_KW(ALSO, "also", U, 1)                           \
	ALX_KW(ALTER, "alter", U, 1)                         \
	ALX_KW(ALWAYS, "always", U, 1)                       \
	ALX_KW(ANALYSE, "analyse", R, 1)                     \
	ALX_KW(ANALYZE, "analyze", R, 1)                     \
	ALX_KW(AND, "and", R, 1)                             \
	ALX_KW(ANY, "any", R, 1)                             \
	ALX_KW(ARRAY, "array", R, 0)                         \
	ALX_KW(AS, "as", R, 0)                               \
	ALX_KW(ASC, "asc", R, 1)                             \
	ALX_KW(ASENSITIVE, "asensitive", U, 1)               \
	ALX_KW(ASSERTION, "assertion", U, 1)                 \
	ALX_KW(ASSIGNMENT, "assignment", U, 1)               \
	ALX_KW(ASYMMETRIC, "asymmetric", R, 1)               \
	ALX_KW(AT, "at", U, 1)                               \
	ALX_KW(ATOMIC, "atomic", U, 1)                       \
	ALX_KW(ATTACH, "attach", U, 1)                       \
	ALX_KW(ATTRIBUTE, "attribute", U, 1)                 \
	ALX_KW(AUTHORIZATION, "authorization", T, 1)         \
	ALX_KW(BACKWARD, "backward", U, 1)                   \
	ALX_KW(BEFORE, "before", U, 1)                       \
	ALX_KW(BEGIN, "begin", U, 1)                         \
	ALX_KW(BETWEEN, "between", C, 1)                     \
	ALX_KW(BIGINT, "bigint", C, 1)                       \
	ALX_KW(BINARY, "binary", T, 1)                       \
	ALX_KW(BIT, "bit", C, 1)                             \
	ALX_KW(BOOLEAN, "boolean", C, 1)                     \
	ALX_KW(BOTH, "both", R, 1)                           \
	ALX_KW(BREADTH, "breadth", U, 1)                     \
	ALX_KW(BY, "by", U, 1)                               \
	ALX_KW(CACHE, "cache", U, 1)                         \
	ALX_KW(CALL, "call", U, 1)                           \
	ALX_KW(CALLED, "called", U, 1)                       \
	ALX_KW(CASCADE, "cascade", U, 1)                     \
	ALX_KW(CASCADED, "cascaded", U, 1)                   \
	ALX_KW(CASE, "case", R, 1)                           \
	ALX_KW(CAST, "cast", R, 1)                           \
	ALX_KW(CATALOG, "catalog", U, 1)                     \
	ALX_KW(CHAIN, "chain", U, 1)                         \
	ALX_KW(CHAR, "char", C, 0)                           \
	ALX_KW(CHARACTER, "character", C, 0)                 \
	ALX_KW(CHARACTERISTICS, "characteristics", U, 1)     \
	ALX_KW(CHECK, "check", R, 1)                         \
	ALX_KW(CHECKPOINT, "checkpoint", U, 1)               \
	ALX_KW(CLASS, "class", U, 1)                         \
	ALX_KW(CLOSE, "close", U, 1)                         \
	ALX_KW(CLUSTER, "cluster", U, 1)                     \
	ALX_KW(COALESCE, "coalesce", C, 1)                   \
	ALX_KW(COLLATE, "collate", R, 1)                     \
	ALX_KW(COLLATION, "collation", T, 1)                 \
	ALX_KW(COLUMN, "column", R, 1)                       \
	ALX_KW(COLUMNS, "columns", U, 1)                     \
	ALX_KW(COMMENT, "comment", U, 1)                     \
	ALX_KW(COMMENTS, "comments", U, 1)                   \
	ALX_KW(COMMIT, "commit", U, 1)                       \
	ALX_KW(COMMITTED, "committed", U, 1)                 \
	ALX_KW(COMPRESSION, "compression", U, 1)             \
	ALX_KW(CONCURRENTLY, "concurrently", T, 1)           \
	ALX_KW(CONFIGURATION, "configuration", U, 1)         \
	ALX_KW(CONFLICT, "conflict", U, 1)                   \
	ALX_KW(CONNECTION, "connection", U, 1)               \
	ALX_KW(CONSTRAINT, "constraint", R, 1)               \
	ALX_KW(CONSTRAINTS, "constraints", U, 1)             \
	ALX_KW(CONTENT, "content", U, 1)                     \
	ALX_KW(CONTINUE, "continue", U, 1)                   \
	ALX_KW(CONVERSION, "conversion", U, 1)               \
	ALX_KW(COPY, "copy", U, 1)                           \
	ALX_KW(COST, "cost", U, 1)                           \
	ALX_KW(CREATE, "create", R, 0)                       \
	ALX_KW(CROSS, "cross", T, 1)                         \
	ALX_KW(CSV, "csv", U, 1)                             \
	ALX_KW(CUBE, "cube", U, 1)                           \
	ALX_KW(CURRENT, "current", U, 1)                     \
	ALX_KW(CURRENT_CATALOG, "current_catalog", R, 1)     \
	ALX_KW(CURRENT_DATE, "current_date", R, 1)           \
	ALX_KW(CURRENT_ROLE, "current_role", R, 1)           \
	ALX_KW(CURRENT_SCHEMA, "current_schema", T, 1)       \
	ALX_KW(CURRENT_TIME, "current_time", R, 1)           \
	ALX_KW(CURRENT_TIMESTAMP, "current_timestamp", R, 1) \
	ALX_KW(CURRENT_USER, "current_user", R, 1)           \
	ALX_KW(CURSOR, "cursor", U, 1)                       \
	ALX_KW(CYCLE, "cycle", U, 1)                         \
	ALX_KW(DATA, "data", U, 1)                           \
	ALX_KW(DATABASE, "database", U, 1)                   \
	ALX_KW(DAY, "day", U, 0)                             \
	ALX_KW(DEALLOCATE, "deallocate", U, 1)               \
	ALX_KW(DEC, "dec", C, 1)                             \
	ALX_KW(DECIMAL, "decimal", C, 1)                     \
	ALX_KW(DECLARE, "declare", U, 1)                     \
	ALX_KW(DEFAULT, "default", R, 1)                     \
	ALX_KW(DEFAULTS, "defaults", U, 1)                   \
	ALX_KW(DEFERRABLE, "deferrable", R, 1)               \
	ALX_KW(DEFERRED, "deferred", U, 1)                   \
	ALX_KW(DEFINER, "definer", U, 1)                     \
	ALX_KW(DELETE, "delete", U, 1)                       \
	ALX_KW(DELIMITER, "delimiter", U, 1)                 \
	ALX_KW(DELIMITERS, "delimiters", U, 1)               \
	ALX_KW(DEPENDS, "depends", U, 1)                     \
	ALX_KW(DEPTH, "depth", U, 1)                         \
	ALX_KW(DESC, "desc", R, 1)                           \
	ALX_KW(DETACH, "detach", U, 1)                       \
	ALX_KW(DICTIONARY, "dictionary", U, 1)               \
	ALX_KW(DISABLE, "disable", U, 1)                     \
	ALX_KW(DISCARD, "discard", U, 1)                     \
	ALX_KW(DISTINCT, "distinct", R, 1)                   \
	ALX_KW(DO, "do", R, 1)                               \
	ALX_KW(DOCUMENT, "document", U, 1)                   \
	ALX_KW(DOMAIN, "domain", U, 1)                       \
	ALX_KW(DOUBLE, "double", U, 1)                       \
	ALX_KW(DROP, "drop", U, 1)                           \
	ALX_KW(EACH, "each", U, 1)                           \
	ALX_KW(ELSE, "else", R, 1)                           \
	ALX_KW(ENABLE, "enable", U, 1)                       \
	ALX_KW(ENCODING, "encoding", U, 1)                   \
	ALX_KW(ENCRYPTED, "encrypted", U, 1)                 \
	ALX_KW(END, "end", R, 1)                             \
	ALX_KW(ENUM, "enum", U, 1)                           \
	ALX_KW(ESCAPE, "escape", U, 1)                       \
	ALX_KW(EVENT, "event", U, 1)                         \
	ALX_KW(EXCEPT, "except", R, 0)                       \
	ALX_KW(EXCLUDE, "exclude", U, 1)                     \
	ALX_KW(EXCLUDING, "excluding", U, 1)                 \
	ALX_KW(EXCLUSIVE, "exclusive", U, 1)                 \
	ALX_KW(EXECUTE, "execute", U, 1)                     \
	ALX_KW(EXISTS, "exists", C, 1)                       \
	ALX_KW(EXPLAIN, "explain", U, 1)                     \
	ALX_KW(EXPRESSION, "expression", U, 1)               \
	ALX_KW(EXTENSION, "extension", U, 1)                 \
	ALX_KW(EXTERNAL, "external", U, 1)                   \
	ALX_KW(EXTRACT, "extract", C, 1)                     \
	ALX_KW(FALSE, "false", R, 1)                         \
	ALX_KW(FAMILY, "family", U, 1)                       \
	ALX_KW(FETCH, "fetch", R, 0)                         \
	ALX_KW(FILTER, "filter", U, 0)                       \
	ALX_KW(FINALIZE, "finalize", U, 1)                   \
	ALX_KW(FIRST, "first", U, 1)                         \
	ALX_KW(FLOAT, "float", C, 1)                         \
	ALX_KW(FOLLOWING, "following", U, 1)                 \
	ALX_KW(FOR, "for", R, 0)                             \
	ALX_KW(FORCE, "force", U, 1)                         \
	ALX_KW(FOREIGN, "foreign", R, 1)                     \
	ALX_KW(FORWARD, "forward", U, 1)                     \
	ALX_KW(FREEZE, "freeze", T, 1)                       \
	ALX_KW(FROM, "from", R, 0)                           \
	ALX_KW(FULL, "full", T, 1)                           \
	ALX_KW(FUNCTION, "function", U, 1)                   \
	ALX_KW(FUNCTIONS, "functions", U, 1)                 \
	ALX_KW(GENERATED, "generated", U, 1)                 \
	ALX_KW(GLOBAL, "global", U, 1)                       \
	ALX_KW(GRANT, "grant", R, 0)                         \
	ALX_KW(GRANTED, "granted", U, 1)                     \
	ALX_KW(GREATEST, "greatest", C, 1)                   \
	ALX_KW(GROUP, "group", R, 0)                         \
	ALX_KW(GROUPING, "grouping", C, 1)                   \
	ALX_KW(GROUPS, "groups", U, 1)                       \
	ALX_KW(HANDLER, "handler", U, 1)                     \
	ALX_KW(HAVING, "having", R, 0)                       \
	ALX_KW(HEADER, "header", U, 1)                       \
	ALX_KW(HOLD, "hold", U, 1)                           \
	ALX_KW(HOUR, "hour", U, 0)                           \
	ALX_KW(IDENTITY, "identity", U, 1)                   \
	ALX_KW(IF, "if", U, 1)                               \
	ALX_KW(ILIKE, "ilike", T, 1)                         \
	ALX_KW(IMMEDIATE, "immediate", U, 1)                 \
	ALX_KW(IMMUTABLE, "immutable", U, 1)                 \
	ALX_KW(IMPLICIT, "implicit", U, 1)                   \
	ALX_KW(IMPORT, "import", U, 1)                       \
	ALX_KW(IN, "in", R, 1)                               \
	ALX_KW(INCLUDE, "include", U, 1)                     \
	ALX_KW(INCLUDING, "including", U, 1)                 \
	ALX_KW(INCREMENT, "increment", U, 1)                 \
	ALX_KW(INDEX, "index", U, 1)                         \
	ALX_KW(INDEXES, "indexes", U, 1)                     \
	ALX_KW(INHERIT, "inherit", U, 1)                     \
	ALX_KW(INHERITS, "inherits", U, 1)                   \
	ALX_KW(INITIALLY, "initially", R, 1)                 \
	ALX_KW(INLINE, "inline", U, 1)                       \
	ALX_KW(INNER, "inner", T, 1)                         \
	ALX_KW(INOUT, "inout", C, 1)                         \
	ALX_KW(INPUT, "input", U, 1)                         \
	ALX_KW(INSENSITIVE, "insensitive", U, 1)             \
	ALX_KW(INSERT, "insert", U, 1)                       \
	ALX_KW(INSTEAD, "instead", U, 1)                     \
	ALX_KW(INT, "int", C, 1)                             \
	ALX_KW(INTEGER, "integer", C, 1)                     \
	ALX_KW(INTERSECT, "intersect", R, 0)                 \
	ALX_KW(INTERVAL, "interval", C, 1)                   \
	ALX_KW(INTO, "into", R, 0)                           \
	ALX_KW(INVOKER, "invoker", U, 1)                     \
	ALX_KW(IS, "is", T, 1)                               \
	ALX_KW(ISNULL, "isnull", T, 0)                       \
	ALX_KW(ISOLATION, "isolation", U, 1)                 \
	ALX_KW(JOIN, "join", T, 1)                           \
	ALX_KW(KEY, "key", U, 1)                             \
	ALX_KW(LABEL, "label", U, 1)                         \
	ALX_KW(LANGUAGE, "language", U, 1)                   \
	ALX_KW(LARGE, "large", U, 1)                         \
	ALX_KW(LAST, "last", U, 1)                           \
	ALX_KW(LATERAL, "lateral", R, 1)                     \
	ALX_KW(LEADING, "leading", R, 1)                     \
	ALX_KW(LEAKPROOF, "leakproof", U, 1)                 \
	ALX_KW(LEAST, "least", C, 1)                         \
	ALX_KW(LEFT, "left", T, 1)                           \
	ALX_KW(LEVEL, "level", U, 1)                         \
	ALX_KW(LIKE, "like", T, 1)                           \
	ALX_KW(LIMIT, "limit", R, 0)                         \
	ALX_KW(LISTEN, "listen", U, 1)                       \
	ALX_KW(LOAD, "load", U, 1)                           \
	ALX_KW(LOCAL, "local", U, 1)                         \
	ALX_KW(LOCALTIME, "localtime", R, 1)                 \
	ALX_KW(LOCALTIMESTAMP, "localtimestamp", R, 1)       \
	ALX_KW(LOCATION, "location", U, 1)                   \
	ALX_KW(LOCK, "lock", U, 1)                           \
	ALX_KW(LOCKED, "locked", U, 1)                       \
	ALX_KW(LOGGED, "logged", U, 1)                       \
	ALX_KW(MAPPING, "mapping", U, 1)                     \
	ALX_KW(MATCH, "match", U, 1)                         \
	ALX_KW(MATCHED, "matched", U, 1)                     \
	ALX_KW(MATERIALIZED, "materialized", U, 1)           \
	ALX_KW(MAXVALUE, "maxvalue", U, 1)                   \
	ALX_KW(MERGE, "merge", U, 1)                         \
	ALX_KW(METHOD, "method", U, 1)                       \
	ALX_KW(MINUTE, "minute", U, 0)                       \
	ALX_KW(MINVALUE, "minvalue", U, 1)                   \
	ALX_KW(MODE, "mode", U, 1)                           \
	ALX_KW(MONTH, "month", U, 0)                         \
	ALX_KW(MOVE, "move", U, 1)                           \
	ALX_KW(NAME, "name", U, 1)                           \
	ALX_KW(NAMES, "names", U, 1)                         \
	ALX_KW(NATIONAL, "national", C, 1)                   \
	ALX_KW(NATURAL, "natural", T, 1)                     \
	ALX_KW(NCHAR, "nchar", C, 1)                         \
	ALX_KW(NEW, "new", U, 1)                             \
	ALX_KW(NEXT, "next", U, 1)                           \
	ALX_KW(NFC, "nfc", U, 1)                             \
	ALX_KW(NFD, "nfd", U, 1)                             \
	ALX_KW(NFKC, "nfkc", U, 1)                           \
	ALX_KW(NFKD, "nfkd", U, 1)                           \
	ALX_KW(NO, "no", U, 1)                               \
	ALX_KW(NONE, "none", C, 1)                           \
	ALX_KW(NORMALIZE, "normalize", C, 1)                 \
	ALX_KW(NORMALIZED, "normalized", U, 1)               \
	ALX_KW(NOT, "not", R, 1)                             \
	ALX_KW(NOTHING, "nothing", U, 1)                     \
	ALX_KW(NOTIFY, "notify", U, 1)                       \
	ALX_KW(NOTNULL, "notnull", T, 0)                     \
	ALX_KW(NOWAIT, "nowait", U, 1)                       \
	ALX_KW(NULL, "null", R, 1)                           \
	ALX_KW(NULLIF, "nullif", C, 1)                       \
	ALX_KW(NULLS, "nulls", U, 1)                         \
	ALX_KW(NUMERIC, "numeric", C, 1)                     \
	ALX_KW(OBJECT, "object", U, 1)                       \
	ALX_KW(OF, "of", U, 1)                               \
	ALX_KW(OFF, "off", U, 1)                             \
	ALX_KW(OFFSET, "offset", R, 0)                       \
	ALX_KW(OIDS, "oids", U, 1)                           \
	ALX_KW(OLD, "old", U, 1)                             \
	ALX_KW(ON, "on", R, 0)                               \
	ALX_KW(ONLY, "only", R, 1)                           \
	ALX_KW(OPERATOR, "operator", U, 1)                   \
	ALX_KW(OPTION, "option", U, 1)                       \
	ALX_KW(OPTIONS, "options", U, 1)                     \
	ALX_KW(OR, "or", R, 1)                               \
	ALX_KW(ORDER, "order", R, 0)                         \
	ALX_KW(ORDINALITY, "ordinality", U, 1)               \
	ALX_KW(OTHERS, "others", U, 1)                       \
	ALX_KW(OUT, "out", C, 1)                             \
	ALX_KW(OUTER, "outer", T, 1)                         \
	ALX_KW(OVER, "over", U, 0)                           \
	ALX_KW(OVERLAPS, "overlaps", T, 0)                   \
	ALX_KW(OVERLAY, "overlay", C, 1)                     \
	ALX_KW(OVERRIDING, "overriding", U, 1)               \
	ALX_KW(OWNED, "owned", U, 1)                         \
	ALX_KW(OWNER, "owner", U, 1)                         \
	ALX_KW(PARALLEL, "parallel", U, 1)                   \
	ALX_KW(PARAMETER, "parameter", U, 1)                 \
	ALX_KW(PARSER, "parser", U, 1)                       \
	ALX_KW(PARTIAL, "partial", U, 1)                     \
	ALX_KW(PARTITION, "partition", U, 1)                 \
	ALX_KW(PASSING, "passing", U, 1)                     \
	ALX_KW(PASSWORD, "password", U, 1)                   \
	ALX_KW(PLACING, "placing", R, 1)                     \
	ALX_KW(PLANS, "plans", U, 1)                         \
	ALX_KW(POLICY, "policy", U, 1)                       \
	ALX_KW(POSITION, "position", C, 1)                   \
	ALX_KW(PRECEDING, "preceding", U, 1)                 \
	ALX_KW(PRECISION, "precision", C, 0)                 \
	ALX_KW(PREPARE, "prepare", U, 1)                     \
	ALX_KW(PREPARED, "prepared", U, 1)                   \
	ALX_KW(PRESERVE, "preserve", U, 1)                   \
	ALX_KW(PRIMARY, "primary", R, 1)                     \
	ALX_KW(PRIOR, "prior", U, 1)                         \
	ALX_KW(PRIVILEGES, "privileges", U, 1)               \
	ALX_KW(PROCEDURAL, "procedural", U, 1)               \
	ALX_KW(PROCEDURE, "procedure", U, 1)                 \
	ALX_KW(PROCEDURES, "procedures", U, 1)               \
	ALX_KW(PROGRAM, "program", U, 1)                     \
	ALX_KW(PUBLICATION, "publication", U, 1)             \
	ALX_KW(QUOTE, "quote", U, 1)                         \
	ALX_KW(RANGE, "range", U, 1)                         \
	ALX_KW(READ, "read", U, 1)                           \
	ALX_KW(REAL, "real", C, 1)                           \
	ALX_KW(REASSIGN, "reassign", U, 1)                   \
	ALX_KW(RECHECK, "recheck", U, 1)                     \
	ALX_KW(RECURSIVE, "recursive", U, 1)                 \
	ALX_KW(REF, "ref", U, 1)                             \
	ALX_KW(REFERENCES, "references", R, 1)               \
	ALX_KW(REFERENCING, "referencing", U, 1)             \
	ALX_KW(REFRESH, "refresh", U, 1)                     \
	ALX_KW(REINDEX, "reindex", U, 1)                     \
	ALX_KW(RELATIVE, "relative", U, 1)                   \
	ALX_KW(RELEASE, "release", U, 1)                     \
	ALX_KW(RENAME, "rename", U, 1)                       \
	ALX_KW(REPEATABLE, "repeatable", U, 1)               \
	ALX_KW(REPLACE, "replace", U, 1)                     \
	ALX_KW(REPLICA, "replica", U, 1)                     \
	ALX_KW(RESET, "reset", U, 1)                         \
	ALX_KW(RESTART, "restart", U, 1)                     \
	ALX_KW(RESTRICT, "restrict", U, 1)                   \
	ALX_KW(RETURN, "return", U, 1)                       \
	ALX_KW(RETURNING, "returning", R, 0)                 \
	ALX_KW(RETURNS, "returns", U, 1)                     \
	ALX_KW(REVOKE, "revoke", U, 1)                       \
	ALX_KW(RIGHT, "right", T, 1)                         \
	ALX_KW(ROLE, "role", U, 1)                           \
	ALX_KW(ROLLBACK, "rollback", U, 1)                   \
	ALX_KW(ROLLUP, "rollup", U, 1)                       \
	ALX_KW(ROUTINE, "routine", U, 1)                     \
	ALX_KW(ROUTINES, "routines", U, 1)                   \
	ALX_KW(ROW, "row", C, 1)                             \
	ALX_KW(ROWS, "rows", U, 1)                           \
	ALX_KW(RULE, "rule", U, 1)                           \
	ALX_KW(SAVEPOINT, "savepoint", U, 1)                 \
	ALX_KW(SCHEMA, "schema", U, 1)                       \
	ALX_KW(SCHEMAS, "schemas", U, 1)                     \
	ALX_KW(SCROLL, "scroll", U, 1)                       \
	ALX_KW(SEARCH, "search", U, 1)                       \
	ALX_KW(SECOND, "second", U, 0)                       \
	ALX_KW(SECURITY, "security", U, 1)                   \
	ALX_KW(SELECT, "select", R, 1)                       \
	ALX_KW(SEQUENCE, "sequence", U, 1)                   \
	ALX_KW(SEQUENCES, "sequences", U, 1)                 \
	ALX_KW(SERIALIZABLE, "serializable", U, 1)           \
	ALX_KW(SERVER, "server", U, 1)                       \
	ALX_KW(SESSION, "session", U, 1)                     \
	ALX_KW(SESSION_USER, "session_user", R, 1)           \
	ALX_KW(SET, "set", U, 1)                             \
	ALX_KW(SETOF, "setof", C, 1)                         \
	ALX_KW(SETS, "sets", U, 1)                           \
	ALX_KW(SHARE, "share", U, 1)                         \
	ALX_KW(SHOW, "show", U, 1)                           \
	ALX_KW(SIMILAR, "similar", T, 1)                     \
	ALX_KW(SIMPLE, "simple", U, 1)                       \
	ALX_KW(SKIP, "skip", U, 1)                           \
	ALX_KW(SMALLINT, "smallint", C, 1)                   \
	ALX_KW(SNAPSHOT, "snapshot", U, 1)                   \
	ALX_KW(SOME, "some", R, 1)                           \
	ALX_KW(SQL, "sql", U, 1)                             \
	ALX_KW(STABLE, "stable", U, 1)                       \
	ALX_KW(STANDALONE, "standalone", U, 1)               \
	ALX_KW(START, "start", U, 1)                         \
	ALX_KW(STATEMENT, "statement", U, 1)                 \
	ALX_KW(STATISTICS, "statistics", U, 1)               \
	ALX_KW(STDIN, "stdin", U, 1)                         \
	ALX_KW(STDOUT, "stdout", U, 1)                       \
	ALX_KW(STORAGE, "storage", U, 1)                     \
	ALX_KW(STORED, "stored", U, 1)                       \
	ALX_KW(STRICT, "strict", U, 1)                       \
	ALX_KW(STRIP, "strip", U, 1)                         \
	ALX_KW(SUBSCRIPTION, "subscription", U, 1)           \
	ALX_KW(SUBSTRING, "substring", C, 1)                 \
	ALX_KW(SUPPORT, "support", U, 1)                     \
	ALX_KW(SYMMETRIC, "symmetric", R, 1)                 \
	ALX_KW(SYSID, "sysid", U, 1)                         \
	ALX_KW(SYSTEM, "system", U, 1)                       \
	ALX_KW(TABLE, "table", R, 1)                         \
	ALX_KW(TABLES, "tables", U, 1)                       \
	ALX_KW(TABLESAMPLE, "tablesample", T, 1)             \
	ALX_KW(TABLESPACE, "tablespace", U, 1)               \
	ALX_KW(TEMP, "temp", U, 1)                           \
	ALX_KW(TEMPLATE, "template", U, 1)                   \
	ALX_KW(TEMPORARY, "temporary", U, 1)                 \
	ALX_KW(TEXT, "text", U, 1)                           \
	ALX_KW(THEN, "then", R, 1)                           \
	ALX_KW(TIES, "ties", U, 1)                           \
	ALX_KW(TIME, "time", C, 1)                           \
	ALX_KW(TIMESTAMP, "timestamp", C, 1)                 \
	ALX_KW(TO, "to", R, 0)                               \
	ALX_KW(TRAILING, "trailing", R, 1)                   \
	ALX_KW(TRANSACTION, "transaction", U, 1)             \
	ALX_KW(TRANSFORM, "transform", U, 1)                 \
	ALX_KW(TREAT, "treat", C, 1)                         \
	ALX_KW(TRIGGER, "trigger", U, 1)                     \
	ALX_KW(TRIM, "trim", C, 1)                           \
	ALX_KW(TRUE, "true", R, 1)                           \
	ALX_KW(TRUNCATE, "truncate", U, 1)                   \
	ALX_KW(TRUSTED, "trusted", U, 1)                     \
	ALX_KW(TYPE, "type", U, 1)                           \
	ALX_KW(TYPES, "types", U, 1)                         \
	ALX_KW(UESCAPE, "uescape", U, 1)                     \
	ALX_KW(UNBOUNDED, "unbounded", U, 1)                 \
	ALX_KW(UNCOMMITTED, "uncommitted", U, 1)             \
	ALX_KW(UNENCRYPTED, "unencrypted", U, 1)             \
	ALX_KW(UNION, "union", R, 0)                         \
	ALX_KW(UNIQUE, "unique", R, 1)                       \
	ALX_KW(UNKNOWN, "unknown", U, 1)                     \
	ALX_KW(UNLISTEN, "unlisten", U, 1)                   \
	ALX_KW(UNLOGGED, "unlogged", U, 1)                   \
	ALX_KW(UNTIL, "until", U, 1)                         \
	ALX_KW(UPDATE, "update", U, 1)                       \
	ALX_KW(USER, "user", R, 1)                           \
	ALX_KW(USING, "using", R, 1)                         \
	ALX_KW(VACUUM, "vacuum", U, 1)                       \
	ALX_KW(VALID, "valid", U, 1)                         \
	ALX_KW(VALIDATE, "validate", U, 1)                   \
	ALX_KW(VALIDATOR, "validator", U, 1)                 \
	ALX_KW(VALUE, "value", U, 1)                         \
	ALX_KW(VALUES, "values", C, 1)                       \
	ALX_KW(VARCHAR, "varchar", C, 1)                     \
	ALX_KW(VARIADIC, "variadic", R, 1)                   \
	ALX_KW(VARYING, "varying", U, 0)                     \
	ALX_KW(VERBOSE, "verbose", T, 1)                     \
	ALX_KW(VERSION, "version", U, 1)                     \
	ALX_KW(VIEW, "view", U, 1)                           \
	ALX_KW(VIEWS, "views", U, 1)                         \
	ALX_KW(VOLATILE, "volatile", U, 1)                   \
	ALX_KW(WHEN, "when", R, 1)                           \
	ALX_KW(WHERE, "where", R, 0)                         \
	ALX_KW(WHITESPACE, "whitespace", U, 1)               \
	ALX_KW(WINDOW, "window", R, 0)                       \
	ALX_KW(WITH, "with", R, 0)                           \
	ALX_KW(WITHIN, "within", U, 0)                       \
	ALX_KW(WITHOUT, "without", U, 0)                     \
	ALX_KW(WORK, "work", U, 1)                           \
	ALX_KW(WRAPPER, "wrapper", U, 1)                     \
	ALX_KW(WRITE, "write", U, 1)                         \
	ALX_KW(XML, "xml", U, 1)                             \
	ALX_KW(XMLATTRIBUTES, "xmlattributes", C, 1)         \
	ALX_KW(XMLCONCAT, "xmlconcat", C, 1)                 \
	ALX_KW(XMLELEMENT, "xmlelement", C, 1)               \
	ALX_KW(XMLEXISTS, "xmlexists", C, 1)                 \
	ALX_KW(XMLFOREST, "xmlforest", C, 1)                 \
	ALX_KW(XMLNAMESPACES, "xmlnamespaces", C, 1)         \
	ALX_KW(XMLPARSE, "xmlparse", C, 1)                   \
	ALX_KW(XMLPI, "xmlpi", C, 1)                         \
	ALX_KW(XMLROOT, "xmlroot", C, 1)                     \
	ALX_KW(XMLSERIALIZE, "xmlserialize", C, 1)           \
	ALX_KW(XMLTABLE, "xmltable", C, 1)                   \
	ALX_KW(YEAR, "year", U, 0)                           \
	ALX_KW(YES, "yes", U, 1)                             \
	ALX_KW(ZONE, "zone", U, 1)                           \
	/* end */

enum alx_kw {
	ALX_NOT_KW = 0, /* not a keyword */
#define ALX_KW_ENUM(id, word, cat, bare) ALX_KW_##id,
	ALX_KEYWORDS(ALX_KW_ENUM)
#undef ALX_KW_ENUM
		ALX_KW_COUNT_
};

/*
 * Token kinds. Single-character tokens , ( ) [ ] . ; : + - * / % ^ < > =
 * (and any other byte the grammar has no use for) are their own byte value;
 * everything else is numbered from 256.
 */
enum alx_tok_kind {
	ALX_TOK_EOF = 0,
	ALX_TOK_IDENT = 256,	/* unquoted word; kw says which keyword */
	ALX_TOK_QIDENT,		/* "quoted identifier" */
	ALX_TOK_ICONST,		/* digits only */
	ALX_TOK_FCONST,		/* decimal point or exponent */
	ALX_TOK_SCONST,		/* 'string' (standard conforming) */
	ALX_TOK_ESCONST,	/* E'string' with backslash escapes */
	ALX_TOK_DCONST,		/* $tag$string$tag$ */
	ALX_TOK_BCONST,		/* B'0101' */
	ALX_TOK_XCONST,		/* X'ff' */
	ALX_TOK_PARAM,		/* $n */
	ALX_TOK_OP,		/* any other operator: ||, ->, <->, @>, ... */
	ALX_TOK_TYPECAST,	/* :: */
	ALX_TOK_DOT_DOT,	/* .. */
	ALX_TOK_COLON_EQUALS,	/* := */
	ALX_TOK_EQUALS_GREATER, /* => */
	ALX_TOK_LESS_EQUALS,	/* <= */
	ALX_TOK_GREATER_EQUALS, /* >= */
	ALX_TOK_NOT_EQUALS,	/* <> or != */
	ALX_TOK_ERROR,		/* a lexical error; kw holds enum alx_lex_err */
};

/* Lexical errors, worded as PostgreSQL words them. */
enum alx_lex_err {
	ALX_LEXERR_NONE = 0,
	ALX_LEXERR_UNTERMINATED_STRING,
	ALX_LEXERR_UNTERMINATED_QIDENT,
	ALX_LEXERR_UNTERMINATED_DOLLAR,
	ALX_LEXERR_UNTERMINATED_COMMENT,
	ALX_LEXERR_UNTERMINATED_BIT,
	ALX_LEXERR_UNTERMINATED_HEX,
	ALX_LEXERR_ZERO_LENGTH_IDENT,
	ALX_LEXERR_NUMERIC_JUNK,
	ALX_LEXERR_PARAM_JUNK,
	ALX_LEXERR_PARAM_TOO_LARGE,
	ALX_LEXERR_OP_TOO_LONG,
	ALX_LEXERR_UNICODE_ESCAPE,    /* \u with too few digits */
	ALX_LEXERR_UNICODE_VALUE,     /* \U0011FFFF, \u0000 */
	ALX_LEXERR_UNICODE_SURROGATE, /* lone or broken surrogate */
	ALX_LEXERR_UNICODE_STRING,    /* U&'...' (not supported) */
	ALX_LEXERR_NUL_BYTE,	      /* a zero byte in the text */
};

/* Identifiers longer than this are truncated (PostgreSQL NAMEDATALEN-1). */
#define ALX_SQL_NAME_MAX 63
/* $n above this is rejected: the wire protocol counts parameters in 16 bits. */
#define ALX_SQL_MAX_PARAM 65535

/*
 * A token: kind, keyword (ALX_TOK_IDENT only, else 0; for ALX_TOK_ERROR
 * the enum alx_lex_err), and its bytes [start, end) in the source. For an
 * error, [start, end) is the text PostgreSQL quotes "at or near".
 */
struct alx_sql_token {
	uint16_t kind;
	uint16_t kw;
	uint32_t start, end;
};

/*
 * Scan one token from sql[*pos..len), skipping whitespace and comments, and
 * advance *pos past it. At the end: ALX_TOK_EOF with start == end == len.
 * len must be below 4 GiB (callers enforce a much smaller limit).
 */
void alx_sql_lex_next(const char *sql, size_t len, size_t *pos,
		      struct alx_sql_token *tok);

/* The keyword for a lower-case word, or ALX_NOT_KW. */
int alx_sql_keyword(const char *word, size_t len);
/* Facts about a keyword (ALX_NOT_KW < kw < ALX_KW_COUNT_). */
const char *alx_sql_keyword_text(int kw);
int alx_sql_keyword_cat(int kw);
bool alx_sql_keyword_bare(int kw);

/*
 * An identifier token's name: unquoted words folded to lower case (ASCII
 * only, as PostgreSQL does for UTF-8), quoted ones with "" undoubled; both
 * truncated to ALX_SQL_NAME_MAX bytes on a character boundary. Also takes
 * keyword tokens. NUL-terminated copy in the arena; NULL when out of memory.
 */
char *alx_sql_lex_ident(struct alx_arena *a, const char *sql,
			const struct alx_sql_token *tok, uint32_t *len);

/*
 * A string constant token's value (SCONST, ESCONST, DCONST; BCONST and
 * XCONST give their digits), with continuation lines joined and escapes
 * decoded. NUL-terminated copy in the arena. Returns 0, ALOPEX_ENOMEM, or
 * ALOPEX_ESQL when the decoded bytes contain NUL or are not UTF-8; then
 * bad holds the offending bytes as PostgreSQL prints them ("0xc3 0x28")
 * for its 22021 message.
 */
int alx_sql_lex_string(struct alx_arena *a, const char *sql,
		       const struct alx_sql_token *tok, char **out,
		       uint32_t *len, char bad[32]);

/* Error message (without "at or near") and SQLSTATE for a lexical error. */
const char *alx_sql_lex_err_message(int err);
const char *alx_sql_lex_err_sqlstate(int err);
/* Hint for a lexical error, or NULL. */
const char *alx_sql_lex_err_hint(int err);
/* Whether the message quotes the token ("... at or near \"x\""). */
bool alx_sql_lex_err_at_or_near(int err);

/* 1-based character position of byte offset off (UTF-8 aware). */
uint32_t alx_sql_char_position(const char *sql, size_t len, size_t off);

#endif
