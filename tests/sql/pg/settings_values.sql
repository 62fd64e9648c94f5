-- How SET checks and SHOW prints values: integer settings round, time
-- settings print in their largest whole unit, search_path keeps quotes,
-- placeholders stay defined after RESET.
SET extra_float_digits = 1.5;
SHOW extra_float_digits;
SET extra_float_digits = 2.5;
SHOW extra_float_digits;
SET extra_float_digits = '-0.4';
SHOW extra_float_digits;
SET extra_float_digits = 'x';
SET extra_float_digits = 4;
RESET extra_float_digits;
SET statement_timeout = '1min';
SHOW statement_timeout;
SET statement_timeout = 90000;
SHOW statement_timeout;
SET statement_timeout = '1500ms';
SHOW statement_timeout;
SET statement_timeout = '2h';
SHOW statement_timeout;
SET statement_timeout = '1d';
SHOW statement_timeout;
SET statement_timeout = -1;
SET statement_timeout = '10 parsecs';
RESET statement_timeout;
SHOW statement_timeout;
SET search_path = "$user", public;
SHOW search_path;
SET search_path = 'My Schema', public;
SHOW search_path;
SET search_path = public, "Two";
SHOW search_path;
RESET search_path;
SHOW search_path;
SET DateStyle = 'nonsense';
SET alopex_probe.x = 'on';
RESET alopex_probe.x;
SHOW alopex_probe.x;
