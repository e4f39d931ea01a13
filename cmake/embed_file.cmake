# Writes OUTPUT, a C++ source that defines `std::string_view SYMBOL()` in
# namespace onshi::service returning the bytes of INPUT. Run at build time
# (cmake -P), so the binary serves the very file in the source tree: the
# served /openapi.json is docs/openapi.json. Bytes, not a string literal:
# -Wpedantic refuses literals over 64 KiB.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
# Line breaks every 32 bytes keep the file readable to compilers and editors.
string(REGEX REPLACE "(('[^']*',){32})" "\\1\n" bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} by cmake/embed_file.cmake; do not edit.\n"
  "#include <string_view>\n"
  "namespace onshi::service {\n"
  "namespace {\n"
  "constexpr char kBytes[] = {\n${bytes}\n};\n"
  "}  // namespace\n"
  "std::string_view ${SYMBOL}() { return {kBytes, ${size}}; }\n"
  "}  // namespace onshi::service\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
