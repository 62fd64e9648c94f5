-- Settings Alopex refuses instead of accepting and ignoring: values print
-- one way only (bytea in hex, dates in ISO, MDY).
SHOW bytea_output;
SET bytea_output = 'hex';
SET bytea_output = 'escape';
SET bytea_output = 'nonsense';
SHOW bytea_output;
SELECT '\x00ff41'::bytea;
SET DateStyle = 'SQL, DMY';
SET DateStyle = 'ISO, MDY';
SHOW DateStyle;
