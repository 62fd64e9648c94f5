# Write IN (config/alopex.yaml) to OUT as the C string alx_default_config_yaml.
# Run by core/CMakeLists.txt at build time whenever IN changes, so the
# embedded default is always the documented file, byte for byte.
# Every byte becomes a \xNN escape: exact for any content (quotes,
# backslashes, "??" trigraphs, UTF-8) without escaping rules to get wrong.
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" escaped "${hex}")
# 24 bytes (96 characters of escapes) per line of output.
string(REPEAT "." 96 line)
string(REGEX REPLACE "(${line})" "\\1\"\n\t\"" escaped "${escaped}")
file(WRITE "${OUT}.tmp"
"/* Generated from config/alopex.yaml by core/src/config/cfg_embed.cmake;
 * do not edit. */
#include \"config/alx_config.h\"

const char alx_default_config_yaml[] =
\t\"${escaped}\";
")
# Touch OUT only when the text changed, so nothing recompiles needlessly.
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
