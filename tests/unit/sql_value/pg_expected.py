#!/usr/bin/env python3
"""Regenerate pg15_cases.inc: the expected results of the SQL value tests,
taken from a real PostgreSQL 15 server (not needed to run the tests).

    tests/unit/sql_value/pg_expected.py PORT > tests/unit/sql_value/pg15_cases.inc

The server must run on 127.0.0.1:PORT with trust authentication for user
postgres. Each case is evaluated by a PL/pgSQL helper that returns
OK|<output text> or ERR|<SQLSTATE>|<message>[|<detail>], so errors are
recorded with PostgreSQL's exact SQLSTATE, message and detail.
"""
import math
import random
import struct
import subprocess
import sys

PORT = sys.argv[1] if len(sys.argv) > 1 else "25442"

HELPERS = r"""
create or replace function alx_ev(q text) returns text language plpgsql as $$
declare r text; st text; msg text; det text;
begin
  execute 'select format(''%s'', (' || q || '))' into r;
  if r is null then return 'NULL'; end if;
  return 'OK' || chr(31) || r;
exception when others then
  get stacked diagnostics st = returned_sqlstate, msg = message_text,
    det = pg_exception_detail;
  return 'ERR' || chr(31) || st || chr(31) || msg ||
    coalesce(chr(31) || nullif(det, ''), '');
end $$;
create or replace function alx_typ(q text) returns text language plpgsql as $$
declare r text; st text; msg text;
begin
  execute 'select pg_typeof(' || q || ')::text' into r;
  return 'OK' || chr(31) || r;
exception when others then
  get stacked diagnostics st = returned_sqlstate, msg = message_text;
  return 'ERR' || chr(31) || st || chr(31) || msg;
end $$;
create or replace function alx_typ2(lt text, rt text, expr text) returns text
language plpgsql as $$
declare r text; st text; msg text;
begin
  execute 'drop table if exists alx_src';
  execute 'drop table if exists alx_res';
  execute 'create temp table alx_src (x ' || lt || ', y ' || rt || ')';
  execute 'create temp table alx_res as select ' || expr || ' as r from alx_src';
  select format_type(atttypid, NULL) into r from pg_attribute
    where attrelid = 'alx_res'::regclass and attname = 'r';
  return 'OK' || chr(31) || r;
exception when others then
  get stacked diagnostics st = returned_sqlstate, msg = message_text;
  return 'ERR' || chr(31) || st || chr(31) || msg;
end $$;
create or replace function alx_asg(typ text, q text) returns text
language plpgsql as $$
declare r text; st text; msg text; det text;
begin
  execute 'drop table if exists alx_asg_t';
  execute 'create temp table alx_asg_t (v ' || typ || ')';
  execute 'insert into alx_asg_t values (' || q || ')';
  execute 'select format(''%s'', v) from alx_asg_t' into r;
  if r is null then return 'NULL'; end if;
  return 'OK' || chr(31) || r;
exception when others then
  get stacked diagnostics st = returned_sqlstate, msg = message_text,
    det = pg_exception_detail;
  return 'ERR' || chr(31) || st || chr(31) || msg ||
    coalesce(chr(31) || nullif(det, ''), '');
end $$;
create or replace function alx_cmp(q text) returns text language plpgsql as $$
declare r text; st text; msg text;
begin
  execute 'select case when x < y then ''-1'' when x = y then ''0'' '
    'when x > y then ''1'' end from (select ' || q || ') s(x, y)' into r;
  return 'OK' || chr(31) || r;
exception when others then
  get stacked diagnostics st = returned_sqlstate, msg = message_text;
  return 'ERR' || chr(31) || st || chr(31) || msg;
end $$;
"""


def psql(sql):
    out = subprocess.run(
        ["psql", "-X", "-q", "-h", "127.0.0.1", "-p", PORT, "-U", "postgres",
         "-At", "-R", "\x1e", "-v", "ON_ERROR_STOP=1", "-f", "-"],
        input=sql, capture_output=True, text=True, check=True)
    return out.stdout


def lit(s):
    return "'" + s.replace("'", "''") + "'"


def run(fn, args_list):
    """fn(args...) for each tuple of SQL text arguments, in order."""
    rows = ",".join("(%d,%s)" % (i, ",".join(
        "$alx$%s$alx$" % a for a in args)) for i, args in enumerate(args_list))
    for a in args_list:
        for x in a:
            assert "$alx$" not in x
    n = len(args_list[0])
    cols = ",".join("a%d" % i for i in range(n))
    call = "%s(%s)" % (fn, ",".join("a%d" % i for i in range(n)))
    out = psql("select %s from (values %s) v(n,%s) order by n" %
               (call, rows, cols))
    res = out.rstrip("\n").split("\x1e")
    assert len(res) == len(args_list), (len(res), len(args_list))
    return [r.rstrip("\n") for r in res]


def cstr(s):
    if s is None:
        return "NULL"
    out = '"'
    for ch in s.encode("utf-8"):
        c = chr(ch)
        if c == '"' or c == "\\":
            out += "\\" + c
        elif 32 <= ch < 127:
            out += c
        else:
            out += "\\%03o" % ch
    return out + '"'


def parse(r):
    """-> (sqlstate or None, text)"""
    if r.startswith("OK\x1f"):
        return None, r[3:]
    if r == "NULL":
        return "NULL", ""
    parts = r.split("\x1f", 3)
    msg = parts[2]
    if len(parts) > 3:
        msg += "\n" + parts[3]
    return parts[1], msg


# Type spec -> (C type id, mod, scale)
TYPES = {
    "bool": ("ALX_T_BOOL", -1, 0), "int2": ("ALX_T_INT2", -1, 0),
    "int4": ("ALX_T_INT4", -1, 0), "int8": ("ALX_T_INT8", -1, 0),
    "float4": ("ALX_T_FLOAT4", -1, 0), "float8": ("ALX_T_FLOAT8", -1, 0),
    "numeric": ("ALX_T_NUMERIC", -1, 0), "text": ("ALX_T_TEXT", -1, 0),
    "varchar": ("ALX_T_VARCHAR", -1, 0), "bpchar": ("ALX_T_BPCHAR", -1, 0),
    "bytea": ("ALX_T_BYTEA", -1, 0), "date": ("ALX_T_DATE", -1, 0),
    "timestamp": ("ALX_T_TIMESTAMP", -1, 0),
    "json": ("ALX_T_JSON", -1, 0), "jsonb": ("ALX_T_JSONB", -1, 0),
    "unknown": ("ALX_T_UNKNOWN", -1, 0),
}


def tspec(spec):
    if "(" in spec:
        base, mods = spec[:-1].split("(")
        ms = [int(x) for x in mods.split(",")]
        tid = TYPES[base][0]
        return tid, ms[0], ms[1] if len(ms) > 1 else 0
    return TYPES[spec]


def sqltype(spec):
    return "char" + spec[6:] if spec.startswith("bpchar(") else spec


# ---- input -> output cases ---------------------------------------------

IO = []
for s in ["t", "TRUE", "  yes  ", "y", "on", "o", "of", "off", "OFF", "1",
          "0", "f", "fa", "fAlSe", "no", "n", "N", "", "  ", "2", "truex",
          " t rue", "10", "ye", "yess", "tr", "of f", "\t on \n"]:
    IO.append(("bool", s))
for t in ["int2", "int4", "int8"]:
    for s in [" 42 ", "+42", "-42", "0", "-0", "00012", "1.5", "", "  ",
              "1 2", "0x10", "1e3", "--1", "+-1", "- 1", "abc", "1_000",
              "\t5\n", "+", "-", "12a", "x12"]:
        IO.append((t, s))
for s in ["32767", "-32768", "32768", "-32769", "99999", "100000000000"]:
    IO.append(("int2", s))
for s in ["2147483647", "-2147483648", "2147483648", "-2147483649",
          "99999999999999999999"]:
    IO.append(("int4", s))
for s in ["9223372036854775807", "-9223372036854775808",
          "9223372036854775808", "-9223372036854775809",
          "99999999999999999999999", "00000000000000000000009"]:
    IO.append(("int8", s))
for s in ["1e400", "-1e400", "1e-400", "4.9e-324", "2.5e-324", "2e-324",
          "1e-310", "0x10", "0x1p3", "  1.5  ", "1.5x", "NaN", "nan", "-nan",
          "+nan", "inf", "+inf", "-inf", "INFINITY", "+Infinity",
          "-infinity", "infinit", "infinityx", "", ".", ".5", "5.", "1e",
          "e5", "1.7976931348623157e308", "1.7976931348623159e308",
          "2.2250738585072014e-308", "0.1", "0.30000000000000004",
          "123456789012345678", "1e22", "1e21", "1e16", "1e15", "1e14",
          "123456789012345", "1234567890123456", "9007199254740993", "100",
          "-0", "0", "0.000001", "0.0001", "0.0001234", "0.00001234",
          "1e100", "1.5e-5", "100000", "3.141592653589793", "2.5",
          "-1.25e-10", "5e-324", "1.5e300", "123.456", "0.1e1", "1e+1",
          "   -0.0  ", "1 000", "12e", "1.2.3",
          # Decimals on a rounding midpoint are never printed (Ryu built
          # with STRICTLY_SHORTEST 0): these take more digits.
          "8.2660999999999993e+20", "8.3400999999999993e+20",
          "9007199254740993", "4.35e-322"]:
    IO.append(("float8", s))
for s in ["3.4028235e38", "3.4028236e38", "3.5e38", "1e39", "1e-39",
          "1e-45", "1e-46", "1.4e-45", "0.1", "1234567", "123456",
          "1000000", "100000", "12345678", "0.0001", "0.00001",
          "3.14159265358979", "nan", "-inf", "1e400", "x", "16777217",
          "1.17549435e-38", "-0", "2.5", "1e10", "33554431", "0.3",
          "-44215008", "38512752", "64123288", "-477857216"]:
    IO.append(("float4", s))
for s in ["1.50", "  -0.00 ", "-0", ".5", "5.", ".", "1e3", "1.5e-3",
          "1E+2", "1e", "1e-20", "NaN", "nan", " -Infinity ", "+inf",
          "-inF", "infinity", "Infinityx", "+NaN", "1.2.3", "0x1A",
          "00001.2300", "-.5e1", "123456789012345678901234567890.123456789",
          "1_000", "1e 5", "1e+ 5", " 12 ", "1 2", "-", "+.e1", "1e-16384",
          "1e131072", "1e2147483647", "1e-2147483647", "9.99e-5",
          "0.000000000000000000000000000001", "100000000", "10000",
          "99990000", "1.0000", "-1234.5678e2", "5e-1", "  nan  ",
          "1e1000000000x", "12345678901234567890123456789012345678901234567890"]:
    IO.append(("numeric", s))
for spec, vals in [("numeric(2,1)", ["1.5", "1.55", "-1.55", "9.95", "9.94",
                                     "0.05", "-0.04"]),
                   ("numeric(3,0)", ["99.5", "99.4", "-999.4", "-999.5"]),
                   ("numeric(1,0)", ["0.5", "-0.5", "9.4"]),
                   ("numeric(5,-2)", ["12345", "12355", "123456789",
                                      "9999949", "9999950"]),
                   ("numeric(3,5)", ["0.001234", "0.01234", "0.009995",
                                     "0.009994"]),
                   ("numeric(5,2)", ["Infinity", "-Infinity", "NaN",
                                     "123.456", "1234.5", "999.995",
                                     "0", "-0.001"]),
                   ("numeric(3,3)", ["1", "0.9995", "0.9994"]),
                   ("numeric(1,1)", ["5", "0.05", "-0.95"]),
                   ("numeric(10,4)", ["3.14159265", "-2.5e-5",
                                      "123456.00004999"]),
                   ("numeric(1000,0)", ["1e999", "1e1000"])]:
    for v in vals:
        IO.append((spec, v))
for s in ["abc", "", "héllo", "  spaced  ", "tab\there", "日本語", "a'b",
          "back\\slash"]:
    IO.append(("text", s))
    IO.append(("varchar", s))
    IO.append(("bpchar", s))
for spec, vals in [("varchar(3)", ["ab", "abc", "abc   ", "abcd", "héllo",
                                   "hé ", "日本語x", "  ", "a  b"]),
                   ("bpchar(3)", ["ab", "abc", "abc   ", "abcd", "hé",
                                  "日本語", "日本語 ", "", "a  b"]),
                   ("bpchar(1)", ["", "x", "xy", "x "])]:
    for v in vals:
        IO.append((spec, v))
for s in ["\\x0102ff", "\\x", "\\x0", "\\x 01 02", "\\x0G", "\\X01",
          "abc\\000", "a\\\\b", "a\\b", "\\134", "\\400", "\\777", "\\18",
          "\\1", "\\", "é", "", " ", "abc", "\\xDEADbeef", "\\x0 1",
          "\\x\t0a\n0B\r", "\\xé", "\\001\\377x", "\\\\x41", "\\x41\\x42"]:
    IO.append(("bytea", s))


# Random values (fixed seed): shortest float digits and NUMERIC scales on
# values nobody picked by hand.
RNG = random.Random(15)


def rand_decimal(maxd):
    nb, na = RNG.randint(0, maxd), RNG.randint(0, maxd)
    s = "-" if RNG.random() < .4 else ""
    s += (str(RNG.randint(1, 9)) + "".join(RNG.choice("0123456789")
                                           for _ in range(nb))) if nb else "0"
    if na:
        s += "." + "".join(RNG.choice("0123456789") for _ in range(na))
    if RNG.random() < .2:
        s += "e%d" % RNG.randint(-20, 20)
    return s


while len(IO) < 600:
    b = RNG.getrandbits(64)
    d = struct.unpack("<d", struct.pack("<Q", b))[0]
    if not math.isnan(d) and not math.isinf(d):
        IO.append(("float8", "%.17g" % d))
    f = struct.unpack("<f", struct.pack("<I", b & 0xffffffff))[0]
    if not math.isnan(f) and not math.isinf(f):
        IO.append(("float4", "%.9g" % f))


def io_cases():
    # Modifiers apply as INSERT applies them (what input does); an
    # explicit cast would truncate strings instead.
    res = []
    for t, s in IO:
        res.append(None)
    plain = [i for i, (t, s) in enumerate(IO) if "(" not in t]
    mods = [i for i, (t, s) in enumerate(IO) if "(" in t]
    for i, r in zip(plain, run("alx_ev", [("%s::%s" % (lit(IO[i][1]),
                                                      sqltype(IO[i][0])),)
                                            for i in plain])):
        res[i] = r
    for i, r in zip(mods, run("alx_asg", [(sqltype(IO[i][0]), lit(IO[i][1]))
                                          for i in mods])):
        res[i] = r
    lines = []
    for (t, s), r in zip(IO, res):
        st, txt = parse(r)
        tid, mod, scale = tspec(t)
        if st is None and len(txt) > 300:
            continue
        lines.append("\t{%s, %d, %d, %s, %s, %s}," % (
            tid, mod, scale, cstr(s), cstr(txt),
            cstr(st) if st else "NULL"))
    return lines


# ---- operators ------------------------------------------------------------

OPS = {"+": "ALX_OP_ADD", "-": "ALX_OP_SUB", "*": "ALX_OP_MUL",
       "/": "ALX_OP_DIV", "%": "ALX_OP_MOD", "^": "ALX_OP_POW",
       "||": "ALX_OP_CONCAT"}

ARITH = []


def ar(lt, lv, op, rt, rv):
    ARITH.append((lt, lv, op, rt, rv))


for lt, lv, op, rt, rv in [
        ("int4", "2147483647", "+", "int4", "1"),
        ("int4", "-2147483648", "-", "int4", "1"),
        ("int4", "-2147483648", "/", "int4", "-1"),
        ("int4", "-2147483648", "%", "int4", "-1"),
        ("int4", "-2147483648", "*", "int4", "-1"),
        ("int2", "32767", "+", "int2", "1"),
        ("int2", "-32768", "/", "int2", "-1"),
        ("int2", "-32768", "%", "int2", "-1"),
        ("int2", "200", "*", "int2", "200"),
        ("int2", "200", "*", "int4", "200"),
        ("int8", "-9223372036854775808", "/", "int8", "-1"),
        ("int8", "-9223372036854775808", "%", "int8", "-1"),
        ("int8", "9223372036854775807", "*", "int8", "2"),
        ("int8", "9223372036854775807", "+", "int2", "1"),
        ("int8", "-9223372036854775807", "-", "int8", "2"),
        ("int4", "7", "/", "int4", "2"), ("int4", "-7", "/", "int4", "2"),
        ("int4", "7", "/", "int4", "-2"), ("int4", "-7", "%", "int4", "3"),
        ("int4", "7", "%", "int4", "-3"), ("int4", "1", "/", "int4", "0"),
        ("int4", "1", "%", "int4", "0"), ("int8", "1", "/", "int8", "0"),
        ("int2", "1", "/", "int2", "0"), ("int2", "0", "%", "int2", "0"),
        ("int2", "1", "+", "int4", "1"), ("int2", "1", "+", "int8", "1"),
        ("int4", "3", "-", "int2", "5"), ("int4", "6", "*", "int8", "7"),
        ("int4", "2", "^", "int4", "10"), ("int2", "2", "^", "int2", "3"),
        ("int4", "1", "+", "float4", "1.5"),
        ("int8", "1", "+", "float4", "1.5"),
        ("int4", "1", "+", "float8", "0.1"),
        ("int4", "1", "+", "numeric", "1.50"),
        ("numeric", "1", "+", "float4", "0.5"),
        ("numeric", "0.1", "+", "float8", "0.2"),
        ("float4", "0.1", "+", "float4", "0.2"),
        ("float4", "0.1", "+", "float8", "0.2"),
        ("float8", "0.1", "+", "float8", "0.2"),
        ("float8", "1e308", "*", "float8", "10"),
        ("float8", "1e-308", "*", "float8", "1e-308"),
        ("float8", "1", "/", "float8", "0"), ("float8", "0", "/", "float8", "0"),
        ("float8", "nan", "/", "float8", "0"),
        ("float8", "inf", "/", "float8", "0"),
        ("float8", "inf", "*", "float8", "0"),
        ("float8", "inf", "-", "float8", "inf"),
        ("float8", "nan", "+", "float8", "1"),
        ("float8", "1e308", "+", "float8", "1e308"),
        ("float8", "inf", "+", "float8", "1"),
        ("float8", "1", "/", "float8", "3"),
        ("float8", "1e-300", "/", "float8", "1e300"),
        ("float8", "1e300", "/", "float8", "1e-300"),
        ("float8", "-0", "+", "float8", "0"),
        ("float8", "-0", "*", "float8", "1"),
        ("float4", "1e38", "*", "float4", "10"),
        ("float4", "1e-38", "*", "float4", "1e-38"),
        ("float4", "1", "/", "float4", "0"),
        ("float4", "1", "/", "float4", "3"),
        ("float4", "16777216", "+", "float4", "1"),
        ("float8", "2", "^", "float8", "0.5"),
        ("float8", "-8", "^", "float8", "0.3333333333333333"),
        ("float8", "0", "^", "float8", "-1"),
        ("float8", "10", "^", "float8", "400"),
        ("float8", "10", "^", "float8", "-400"),
        ("float8", "nan", "^", "float8", "0"),
        ("float8", "1", "^", "float8", "nan"),
        ("float8", "-1", "^", "float8", "inf"),
        ("float8", "2", "^", "float8", "inf"),
        ("float8", "0.5", "^", "float8", "inf"),
        ("float8", "2", "^", "float8", "-inf"),
        ("float8", "-2", "^", "float8", "3"),
        ("float8", "-inf", "^", "float8", "3"),
        ("float8", "-inf", "^", "float8", "-3"),
        ("float8", "-inf", "^", "float8", "2"),
        ("float8", "inf", "^", "float8", "-2"),
        ("float8", "0", "^", "float8", "0"),
        ("float8", "1.5", "%", "float8", "1"),
        ("float8", "1.5", "%", "int4", "1"),
        ("numeric", "1", "%", "float8", "1.5"),
        ("numeric", "2", "^", "float4", "0.5"),
        ("numeric", "1", "/", "numeric", "3.0"),
        ("numeric", "10", "/", "numeric", "4.0"),
        ("numeric", "1.000", "/", "numeric", "3"),
        ("numeric", "2", "/", "numeric", "3"),
        ("numeric", "1e20", "/", "numeric", "3"),
        ("numeric", "1", "/", "numeric", "7e10"),
        ("numeric", "12345678901234567890", "/", "numeric", "0.0003"),
        ("numeric", "1", "/", "numeric", "0"),
        ("numeric", "1.0", "%", "numeric", "0"),
        ("numeric", "0.0", "/", "numeric", "0"),
        ("numeric", "inf", "/", "numeric", "0"),
        ("numeric", "inf", "%", "numeric", "1"),
        ("numeric", "5.5", "%", "numeric", "inf"),
        ("numeric", "inf", "-", "numeric", "inf"),
        ("numeric", "inf", "+", "numeric", "inf"),
        ("numeric", "-inf", "+", "numeric", "5"),
        ("numeric", "5", "-", "numeric", "inf"),
        ("numeric", "inf", "*", "numeric", "0"),
        ("numeric", "-inf", "*", "numeric", "-2"),
        ("numeric", "inf", "/", "numeric", "inf"),
        ("numeric", "7", "/", "numeric", "-inf"),
        ("numeric", "nan", "+", "numeric", "1"),
        ("numeric", "nan", "/", "numeric", "0"),
        ("numeric", "5.5", "%", "numeric", "2"),
        ("numeric", "-5.5", "%", "numeric", "2"),
        ("numeric", "5.5", "%", "numeric", "-2.25"),
        ("numeric", "10", "%", "numeric", "3.0000"),
        ("numeric", "1.0", "*", "numeric", "1.00"),
        ("numeric", "1.5", "+", "numeric", "1.25"),
        ("numeric", "1.5", "-", "numeric", "1.50"),
        ("numeric", "-1.5", "+", "numeric", "1.5"),
        ("numeric", "0.1", "*", "numeric", "0.1"),
        ("numeric", "99999999999999999999", "*", "numeric",
         "99999999999999999999"),
        ("numeric", "1e-8", "*", "numeric", "1e-8"),
        ("numeric", "123.456", "-", "numeric", "123.456000001"),
        ("numeric", "9999.9999", "+", "numeric", "0.0001"),
        ("numeric", "-9999.9999", "-", "numeric", "0.0001"),
        ("numeric", "2", "/", "numeric", "0.000000000000000000000001"),
        ("numeric", "1e-30", "/", "numeric", "3"),
        ("numeric", "1", "/", "numeric", "98765432109876543210"),
        ("numeric", "22", "/", "numeric", "7"),
        ("numeric", "-22", "/", "numeric", "7"),
        ("numeric", "0.5", "/", "numeric", "-0.25"),
        ("numeric", "100", "/", "numeric", "3.333"),
        ("numeric", "123456789.123456789", "%", "numeric", "0.0007"),
        ("numeric", "2.0", "^", "numeric", "3"),
        ("numeric", "2.0", "^", "numeric", "0.5"),
        ("numeric", "1.1", "^", "numeric", "10"),
        ("numeric", "10.0", "^", "numeric", "-2"),
        ("numeric", "0.0", "^", "numeric", "0"),
        ("numeric", "1.5", "^", "numeric", "2.5"),
        ("numeric", "3", "^", "numeric", "0.5"),
        ("numeric", "2.0", "^", "numeric", "-3"),
        ("numeric", "7.0", "^", "numeric", "20"),
        ("numeric", "0.5", "^", "numeric", "100"),
        ("numeric", "0", "^", "numeric", "-1"),
        ("numeric", "0.0", "^", "numeric", "-1.5"),
        ("numeric", "-2.0", "^", "numeric", "2.5"),
        ("numeric", "-2.0", "^", "numeric", "3"),
        ("numeric", "-2", "^", "numeric", "4.0"),
        ("numeric", "2.0", "^", "numeric", "-10000"),
        ("numeric", "10.0", "^", "numeric", "131072"),
        ("numeric", "9999.0", "^", "numeric", "40000"),
        ("numeric", "1.000001", "^", "numeric", "1000000"),
        ("numeric", "0.0", "^", "numeric", "0.5"),
        ("numeric", "100.0", "^", "numeric", "0.5"),
        ("numeric", "8", "^", "numeric", "0.333333333333333333333"),
        ("numeric", "2", "^", "numeric", "100"),
        ("numeric", "1.23456789", "^", "numeric", "7.5"),
        ("numeric", "0.001", "^", "numeric", "3.3"),
        ("numeric", "12.5", "^", "numeric", "-1.75"),
        ("numeric", "nan", "^", "numeric", "0"),
        ("numeric", "1", "^", "numeric", "nan"),
        ("numeric", "inf", "^", "numeric", "-2"),
        ("numeric", "-inf", "^", "numeric", "3"),
        ("numeric", "-inf", "^", "numeric", "2"),
        ("numeric", "0.5", "^", "numeric", "-inf"),
        ("numeric", "2", "^", "numeric", "inf"),
        ("numeric", "-1", "^", "numeric", "inf"),
        ("numeric", "1.5", "^", "numeric", "1e-20"),
        ("numeric", "1e-50", "^", "numeric", "0.5"),
        ("numeric", "2.5", "^", "numeric", "1000"),
        ("int4", "1", "+", "unknown", "1"),
        ("unknown", "1", "+", "numeric", "1"),
        ("unknown", "1", "+", "unknown", "2"),
        ("int2", "1", "+", "unknown", "70000"),
        ("unknown", "1", "^", "int4", "2"),
        ("int4", "2", "^", "unknown", "1"),
        ("text", "a", "||", "int4", "1"),
        ("int4", "1", "||", "text", "a"),
        ("varchar", "a", "||", "varchar", "b"),
        ("bpchar(3)", "a", "||", "bpchar(2)", "b"),
        ("bpchar(3)", "a", "||", "unknown", "|"),
        ("text", "a", "||", "bool", "true"),
        ("text", "a", "||", "numeric", "1.50"),
        ("text", "a", "||", "float8", "1.5"),
        ("text", "a", "||", "bytea", "\\x01"),
        ("bytea", "\\x01", "||", "bytea", "\\x02ff"),
        ("unknown", "\\x01", "||", "bytea", "\\x02"),
        ("unknown", "a", "||", "unknown", "b"),
        ("int4", "1", "||", "int4", "2"),
        ("int4", "1", "+", "bool", "true"),
        ("text", "a", "+", "int4", "1"),
        ("json", "[1]", "||", "json", "[2]"),
        ("json", "[1]", "||", "text", "x"),
        ("date", "2020-01-01", "+", "int4", "1"),
        ("date", "2020-01-01", "-", "int4", "1"),
        ("date", "2020-01-01", "-", "date", "2019-01-01"),
        ("int4", "1", "+", "date", "2020-01-01"),
        ("date", "2020-01-01", "+", "int8", "1"),
        ("date", "2020-01-01", "+", "int2", "1"),
        ("date", "2020-01-01", "+", "unknown", "1"),
        ("date", "infinity", "+", "int4", "1"),
        ("date", "infinity", "-", "date", "2020-01-01"),
        ("date", "5874897-12-31", "+", "int4", "1"),
        ("date", "2020-03-01", "-", "int4", "-400"),
]:
    ar(lt, lv, op, rt, rv)


for _ in range(200):
    op = RNG.choice(["+", "-", "*", "/", "%", "/", "%"])
    ar("numeric", rand_decimal(25), op, "numeric", rand_decimal(25))
for _ in range(60):
    ar("numeric", rand_decimal(4).lstrip("-"), "^", "numeric",
       rand_decimal(3) if RNG.random() < .7 else str(RNG.randint(-30, 30)))


def value_sql(t, v):
    if t == "unknown":
        return lit(v)
    return "%s::%s" % (lit(v), sqltype(t))


def arith_cases():
    exprs = [("(%s %s %s)" % (value_sql(lt, lv), op, value_sql(rt, rv)),)
             for lt, lv, op, rt, rv in ARITH]
    vals = run("alx_ev", exprs)

    def side(t, v, col):
        return lit(v) if t == "unknown" else col
    # Types from an empty table: resolution without evaluation.
    typs = run("alx_typ2", [
        (sqltype(lt if lt != "unknown" else "int4"),
         sqltype(rt if rt != "unknown" else "int4"),
         "%s %s %s" % (side(lt, lv, "x"), op, side(rt, rv, "y")))
        for lt, lv, op, rt, rv in ARITH])
    lines = []
    for (lt, lv, op, rt, rv), r, ty in zip(ARITH, vals, typs):
        st, txt = parse(r)
        lid, lm, ls = tspec(lt)
        rid, rm, rs = tspec(rt)
        tst, ttxt = parse(ty)
        if st is None and len(txt) > 300:
            txt = txt[:40]
            st = "PREFIX"
        lines.append("\t{%s, %d, %s, %s, %s, %d, %s, %s, %s, %s}," % (
            lid, lm, cstr(lv), OPS[op], rid, rm, cstr(rv),
            cstr(txt), cstr(st) if st else "NULL",
            cstr(ttxt if tst is None else "ERR " + tst)))
    return lines


# ---- casts --------------------------------------------------------------------

CASTS = []


def cs(ft, v, tt):
    CASTS.append((ft, v, tt))


for ft, v, tt in [
        ("float8", "2.5", "int4"), ("float8", "3.5", "int4"),
        ("float8", "-2.5", "int4"), ("float8", "-3.5", "int4"),
        ("float8", "0.5", "int2"), ("float8", "1.5", "int8"),
        ("numeric", "2.5", "int4"), ("numeric", "-2.5", "int4"),
        ("numeric", "0.49999", "int8"), ("numeric", "-0.5", "int2"),
        ("float8", "2147483647.5", "int4"), ("float8", "2147483647.4", "int4"),
        ("float8", "-2147483648.5", "int4"), ("float8", "-2147483648.4", "int4"),
        ("float8", "nan", "int4"), ("float8", "inf", "int8"),
        ("numeric", "nan", "int4"), ("numeric", "inf", "int2"),
        ("numeric", "-inf", "int8"), ("numeric", "nan", "int8"),
        ("numeric", "32767.5", "int2"), ("numeric", "32767.4", "int2"),
        ("numeric", "9223372036854775807.5", "int8"),
        ("numeric", "-9223372036854775808.4", "int8"),
        ("numeric", "-9223372036854775808.5", "int8"),
        ("float4", "nan", "int2"), ("float4", "32767.5", "int2"),
        ("float4", "2.5", "int4"),
        ("float8", "9223372036854775807", "int8"),
        ("float8", "-9223372036854775808", "int8"),
        ("float8", "0.1", "numeric"), ("float4", "0.1", "numeric"),
        ("float8", "123456789.123456789", "numeric"),
        ("float8", "1.5e-10", "numeric"), ("float8", "1e300", "numeric(1000,0)"),
        ("float8", "inf", "numeric"), ("float4", "nan", "numeric"),
        ("float8", "-inf", "numeric"), ("float8", "-0", "numeric"),
        ("float4", "3.14159265", "numeric"),
        ("float8", "1.005", "numeric(5,2)"),
        ("numeric", "1e39", "float4"), ("numeric", "1e400", "float8"),
        ("numeric", "0.1", "float4"),
        ("numeric", "123456789012345678901234567890", "float8"),
        ("numeric", "nan", "float8"), ("numeric", "-inf", "float4"),
        ("numeric", "1e-50", "float4"),
        ("bool", "true", "int4"), ("bool", "false", "int4"),
        ("int4", "0", "bool"), ("int4", "5", "bool"), ("int4", "-1", "bool"),
        ("int8", "1", "bool"), ("int2", "1", "bool"), ("bool", "t", "int8"),
        ("bool", "true", "text"), ("bool", "false", "varchar"),
        ("bool", "true", "bpchar(2)"), ("bool", "true", "bpchar"),
        ("int4", "12345", "varchar(3)"), ("int4", "12345", "text"),
        ("int4", "-7", "bpchar(4)"), ("numeric", "1.50", "text"),
        ("numeric", "1.50", "numeric(10,1)"), ("float8", "0.1", "text"),
        ("float4", "0.1", "text"), ("float4", "0.1", "float8"),
        ("bpchar(4)", "ab", "text"), ("bpchar(4)", "ab", "varchar(10)"),
        ("varchar(4)", "ab  ", "bpchar(2)"), ("text", "abcd", "varchar(3)"),
        ("text", "abc   ", "varchar(3)"), ("text", "ab", "bpchar(4)"),
        ("text", "abcd", "bpchar(2)"), ("text", "héllo", "varchar(2)"),
        ("text", "日本語テキスト", "bpchar(3)"),
        ("bool", "true", "date"), ("int4", "1", "date"),
        ("date", "2020-01-01", "int4"), ("int4", "1", "bytea"),
        ("text", "abc", "bytea"), ("bytea", "\\x61", "text"),
        ("float8", "1e300", "float4"), ("float8", "1e-300", "float4"),
        ("float8", "nan", "float4"), ("float8", "123456.5", "float4"),
        ("float8", "0.1", "float4"), ("float8", "-inf", "float4"),
        ("int8", "9223372036854775807", "float4"),
        ("int8", "9007199254740993", "float8"),
        ("int4", "70000", "int2"), ("int8", "2147483648", "int4"),
        ("int8", "-2147483648", "int4"), ("int2", "-5", "int8"),
        ("int4", "1", "numeric(3,2)"), ("int4", "10", "numeric(3,2)"),
        ("int8", "-9223372036854775808", "numeric"),
        ("numeric", "12.345", "numeric(4,2)"),
        ("numeric", "99.995", "numeric(4,2)"),
        ("text", "12", "int4"), ("text", " 12 ", "int2"),
        ("text", "1.5", "int4"), ("text", "1.5", "numeric"),
        ("text", "t", "bool"), ("text", "nan", "float8"),
        ("text", "abc", "int8"), ("varchar", "42", "int8"),
        ("bpchar(5)", "42", "int4"), ("bpchar(5)", "1.5", "numeric(3,1)"),
        ("unknown", "abcd", "varchar(3)"), ("unknown", "ab", "bpchar(4)"),
        ("unknown", "1.555", "numeric(3,2)"), ("unknown", "x", "int4"),
        ("unknown", "2020-02-30", "date"),
        ("json", "{\"a\":1}", "jsonb"), ("jsonb", "{\"b\":1, \"a\":2}", "json"),
        ("jsonb", "1.5", "numeric"), ("jsonb", "1.5", "int4"),
        ("jsonb", "\"x\"", "int4"), ("jsonb", "true", "bool"),
        ("jsonb", "null", "int4"), ("jsonb", "[1]", "float8"),
        ("jsonb", "{}", "bool"), ("jsonb", "1", "bool"),
        ("jsonb", "1e400", "float8"), ("jsonb", "-12.5", "int2"),
        ("json", "3", "int4"), ("int4", "1", "json"),
        ("jsonb", "{\"a\": [1, 2]}", "text"), ("json", " [1, 2] ", "text"),
        ("date", "2020-01-01", "timestamp"),
        ("timestamp", "2020-01-01 10:00", "date"),
        ("timestamp", "1999-12-31 23:59:59.5", "date"),
        ("date", "infinity", "timestamp"),
        ("timestamp", "-infinity", "date"),
        ("date", "2020-01-01", "text"),
        ("timestamp", "2020-01-01 10:00:00.123456", "timestamp(2)"),
        ("bytea", "\\x00ff", "varchar"),
        ("numeric", "nan", "text"),
]:
    cs(ft, v, tt)


def cast_cases():
    exp = [("(%s)::%s" % (value_sql(ft, v), sqltype(tt)),)
           for ft, v, tt in CASTS]
    vals = run("alx_ev", exp)
    asg = run("alx_asg", [(sqltype(tt), value_sql(ft, v))
                          for ft, v, tt in CASTS])
    lines = []
    for (ft, v, tt), r, a in zip(CASTS, vals, asg):
        fid, fm, fs = tspec(ft)
        tid, tm, ts = tspec(tt)
        for explicit, res in ((1, r), (0, a)):
            st, txt = parse(res)
            if st == "42804":
                # INSERT's "column is of type x but expression is of type
                # y": the binder's message; the cast itself is 42846.
                continue
            lines.append("\t{%s, %d, %d, %s, %s, %d, %d, %d, %s, %s}," % (
                fid, fm, fs, cstr(v), tid, tm, ts, explicit, cstr(txt),
                cstr(st) if st else "NULL"))
    return lines


# ---- comparisons --------------------------------------------------------------

CMPS = []
for a, b in [
        (("int4", "1"), ("numeric", "1.0")),
        (("int4", "1"), ("float8", "1")),
        (("int8", "9007199254740993"), ("float8", "9007199254740992")),
        (("int8", "9007199254740993"), ("numeric", "9007199254740992")),
        (("float8", "nan"), ("float8", "nan")),
        (("float8", "nan"), ("float8", "inf")),
        (("float8", "-inf"), ("float8", "-1e308")),
        (("numeric", "nan"), ("numeric", "inf")),
        (("numeric", "nan"), ("numeric", "nan")),
        (("numeric", "-inf"), ("numeric", "-1e100")),
        (("numeric", "inf"), ("float8", "inf")),
        (("numeric", "nan"), ("float8", "nan")),
        (("numeric", "0.1"), ("float8", "0.1")),
        (("float4", "0.1"), ("float8", "0.1")),
        (("float4", "0.1"), ("numeric", "0.1")),
        (("float8", "-0"), ("float8", "0")),
        (("numeric", "-0.00"), ("numeric", "0")),
        (("numeric", "1.50"), ("numeric", "1.5")),
        (("numeric", "-1.5"), ("numeric", "-1.49")),
        (("numeric", "12345678901234567890.1"), ("int8", "9223372036854775807")),
        (("int2", "-32768"), ("int8", "-32768")),
        (("bool", "true"), ("bool", "false")),
        (("text", "abc"), ("text", "abd")),
        (("text", "abc"), ("text", "ab")),
        (("text", "é"), ("text", "z")),
        (("text", "a "), ("text", "a")),
        (("varchar", "a "), ("bpchar(3)", "a")),
        (("text", "a "), ("bpchar(3)", "a")),
        (("text", "a"), ("bpchar(3)", "a  ")),
        (("bpchar(2)", "a "), ("bpchar(1)", "a")),
        (("bpchar(3)", "a"), ("text", "a")),
        (("bpchar(3)", "ab"), ("varchar", "ab ")),
        (("bytea", "\\x00"), ("bytea", "\\x0000")),
        (("bytea", "\\xff"), ("bytea", "\\x0000")),
        (("bytea", ""), ("bytea", "\\x00")),
        (("date", "2020-01-01"), ("date", "2019-12-31")),
        (("date", "2020-01-01"), ("timestamp", "2020-01-01 00:00")),
        (("date", "infinity"), ("timestamp", "294276-12-31 23:59")),
        (("int4", "1"), ("text", "1")),
        (("bool", "true"), ("int4", "1")),
        (("json", "1"), ("json", "1")),
        (("bytea", "\\x01"), ("text", "a")),
        (("jsonb", "{\"a\":1}"), ("jsonb", "{\"a\": 1}")),
]:
    CMPS.append((a, b))


def cmp_cases():
    res = run("alx_cmp", [("%s, %s" % (value_sql(*a), value_sql(*b)),)
                          for a, b in CMPS])
    lines = []
    for (a, b), r in zip(CMPS, res):
        st, txt = parse(r)
        aid, am, _ = tspec(a[0])
        bid, bm, _ = tspec(b[0])
        lines.append("\t{%s, %d, %s, %s, %d, %s, %s, %s}," % (
            aid, am, cstr(a[1]), bid, bm, cstr(b[1]),
            txt if st is None else "99",
            cstr(txt) if st else "NULL"))
    return lines


def main():
    psql(HELPERS)
    print("/* clang-format off */")
    print("/*\n * Generated by pg_expected.py from PostgreSQL %s; do not edit.\n"
          " * Every expected output, SQLSTATE and message below was checked"
          " against\n * a real PostgreSQL 15 server.\n */" %
          psql("show server_version").strip("\x1e\n"))
    print("\nstatic const struct io_case pg_io_cases[] = {")
    print("\n".join(io_cases()))
    print("};\n\nstatic const struct arith_case pg_arith_cases[] = {")
    print("\n".join(arith_cases()))
    print("};\n\nstatic const struct cast_case pg_cast_cases[] = {")
    print("\n".join(cast_cases()))
    print("};\n\nstatic const struct cmp_case pg_cmp_cases[] = {")
    print("\n".join(cmp_cases()))
    print("};")


if __name__ == "__main__":
    main()
