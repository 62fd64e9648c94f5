# alopex_plugin(NAME <name> KIND <kind> SOURCES <files...> [DEFAULT OFF|STATIC|SHARED]
#               [PKG <pkg-config modules...>] [LIBS <libs...>])
#
# Declares the cache option ALOPEX_PLUGIN_<NAME> (OFF, STATIC or SHARED).
# STATIC: compiled into libalopex and registered from the generated list.
# SHARED: its own module alopex-<name>.so, loaded from plugin_dirs.
set_property(GLOBAL PROPERTY ALOPEX_STATIC_PLUGINS "")
set_property(GLOBAL PROPERTY ALOPEX_STATIC_PLUGIN_LIBS "")
# pkg-config modules of the static plugins: alopex.pc's Requires.private.
set_property(GLOBAL PROPERTY ALOPEX_STATIC_PLUGIN_PKGS "")
set_property(GLOBAL PROPERTY ALOPEX_SHARED_PLUGINS "")

function(alopex_plugin)
  cmake_parse_arguments(P "" "NAME;KIND;DEFAULT" "SOURCES;PKG;LIBS" ${ARGN})
  if(NOT P_DEFAULT)
    set(P_DEFAULT STATIC)
  endif()
  string(TOUPPER "${P_NAME}" upper)
  set(ALOPEX_PLUGIN_${upper} "${P_DEFAULT}" CACHE STRING
      "How to build the ${P_NAME} ${P_KIND} plugin: OFF, STATIC or SHARED")
  set_property(CACHE ALOPEX_PLUGIN_${upper} PROPERTY STRINGS OFF STATIC SHARED)
  set(mode "${ALOPEX_PLUGIN_${upper}}")
  if(mode STREQUAL "OFF")
    return()
  endif()

  set(deps "")
  foreach(pkg IN LISTS P_PKG)
    string(MAKE_C_IDENTIFIER "${pkg}" id)
    # GLOBAL: static plugins are linked into libalopex from core/.
    pkg_check_modules(PKG_${id} REQUIRED IMPORTED_TARGET GLOBAL ${pkg})
    list(APPEND deps PkgConfig::PKG_${id})
  endforeach()
  list(APPEND deps ${P_LIBS})

  set(target alopex_plugin_${P_NAME})
  if(mode STREQUAL "STATIC")
    add_library(${target} OBJECT ${P_SOURCES})
    target_include_directories(${target} PRIVATE ${CMAKE_SOURCE_DIR}/core/include)
    target_link_libraries(${target} PUBLIC ${deps})
    set_property(GLOBAL APPEND PROPERTY ALOPEX_STATIC_PLUGINS ${P_NAME})
    set_property(GLOBAL APPEND PROPERTY ALOPEX_STATIC_PLUGIN_LIBS ${deps})
    set_property(GLOBAL APPEND PROPERTY ALOPEX_STATIC_PLUGIN_PKGS ${P_PKG})
  elseif(mode STREQUAL "SHARED")
    add_library(${target} MODULE ${P_SOURCES})
    target_include_directories(${target} PRIVATE ${CMAKE_SOURCE_DIR}/core/include)
    target_compile_definitions(${target} PRIVATE ALOPEX_PLUGIN_SHARED=1)
    target_link_libraries(${target} PRIVATE ${deps})
    set_target_properties(${target} PROPERTIES PREFIX "" OUTPUT_NAME "alopex-${P_NAME}"
      LIBRARY_OUTPUT_DIRECTORY ${ALOPEX_PLUGIN_BUILD_DIR})
    # Plugins reach the core only through the host table: refuse undefined
    # symbols at link time rather than at dlopen.
    target_link_options(${target} PRIVATE -Wl,--no-undefined)
    # Relative, so that --prefix and DESTDIR are honoured.
    install(TARGETS ${target} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/alopex/plugins)
    set_property(GLOBAL APPEND PROPERTY ALOPEX_SHARED_PLUGINS ${P_NAME})
  else()
    message(FATAL_ERROR "ALOPEX_PLUGIN_${upper} must be OFF, STATIC or SHARED, not '${mode}'")
  endif()
endfunction()
