# Writes OUTPUT: a C++ fragment with every docs/checks/*.md page under DOCS
# as a raw string literal, `{"id", R"gocxxdoc(...)gocxxdoc"},` per page, so
# that SARIF's rule help (and the language server's hover on a code) carries
# the page the binary was built with. Run by CMake (`cmake -P`) whenever a
# page changes.
file(GLOB pages "${DOCS}/*.md")
list(SORT pages)
set(out "// Generated from docs/checks/*.md by tool/embed_check_docs.cmake. Do not edit.\n")
foreach(page IN LISTS pages)
  get_filename_component(id "${page}" NAME_WE)
  file(READ "${page}" text)
  string(FIND "${text}" ")gocxxdoc\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${page} contains the raw string delimiter )gocxxdoc\"")
  endif()
  string(APPEND out "{\"${id}\", R\"gocxxdoc(${text})gocxxdoc\"},\n")
endforeach()
# Only a changed fragment is written, so an unchanged page set rebuilds nothing.
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
endif()
if(NOT "${old}" STREQUAL "${out}")
  file(WRITE "${OUTPUT}" "${out}")
endif()
