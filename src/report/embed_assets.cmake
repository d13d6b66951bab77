# Embeds the report's page template, style sheet and script (src/report/assets/) into a C++ source file, so that
# the afbench binary needs no files at run time. Run at build time:
#   cmake -DOUTPUT=<file.cpp> -DHTML=<report.html> -DCSS=<report.css> -DJS=<report.js> -P embed_assets.cmake
set(source "// Generated from src/report/assets/ by src/report/embed_assets.cmake. Do not edit.\n")
string(APPEND source "#include \"report_assets.h\"\n\nnamespace afbench::report {\nnamespace {\n")
foreach(name HTML CSS JS)
  file(READ "${${name}}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  # Break the byte list into lines of 24 bytes (120 characters) for readable diffs of the generated file.
  string(REPEAT "0x..," 24 line)
  string(REGEX REPLACE "(${line})" "\\1\n" bytes "${bytes}")
  string(APPEND source "const unsigned char k${name}[] = {\n${bytes}};\n")
endforeach()
string(APPEND source "std::string_view View(const unsigned char* bytes, size_t size) {\n")
string(APPEND source "  return {reinterpret_cast<const char*>(bytes), size};\n}\n}  // namespace\n\n")
string(APPEND source "std::string_view PageTemplate() { return View(kHTML, sizeof(kHTML)); }\n")
string(APPEND source "std::string_view PageStyle() { return View(kCSS, sizeof(kCSS)); }\n")
string(APPEND source "std::string_view PageScript() { return View(kJS, sizeof(kJS)); }\n")
string(APPEND source "\n}  // namespace afbench::report\n")
# Write only when changed, so that an unchanged asset does not recompile anything.
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
  if(old STREQUAL source)
    return()
  endif()
endif()
file(WRITE "${OUTPUT}" "${source}")
