# llama.cpp as a subproject: the engine behind the llama/ backend and the llama-server used by the
# e2e tests (docs/llama.md). scripts/llama.sh fetches the pinned source into third_party/llama.cpp;
# without it afbench builds as before and AFBENCH_HAVE_LLAMA is OFF.
#
# Defines, for the rest of the build:
#   AFBENCH_HAVE_LLAMA   CMake variable, ON when llama.cpp is part of this build.
#   afbench_llama_deps   INTERFACE target, always present. With llama.cpp it links `llama` and
#                        `ggml` and defines AFBENCH_HAVE_LLAMA=1; without it, it is empty, so code
#                        may link it unconditionally and test `#ifdef AFBENCH_HAVE_LLAMA`.
#   llama-server         the server executable (built only when something depends on it), written
#                        to ${CMAKE_BINARY_DIR}/bin/ because llama.cpp sets its output directory.

option(AFBENCH_LLAMA "Build the llama.cpp engine (scripts/llama.sh fetches its source)" ON)
option(AFBENCH_NATIVE "Optimise llama.cpp for this machine's CPU (binaries are then not portable)"
       OFF)
option(AFBENCH_CUDA "Build llama.cpp's CUDA backend (needs the CUDA toolkit)" OFF)
set(AFBENCH_LLAMA_SOURCE_DIR "${CMAKE_CURRENT_SOURCE_DIR}/third_party/llama.cpp"
    CACHE PATH "llama.cpp source tree, as checked out by scripts/llama.sh")

set(AFBENCH_HAVE_LLAMA OFF)
add_library(afbench_llama_deps INTERFACE)

# A function so that every variable below is local: add_subdirectory() hands the calling scope to
# llama.cpp, and none of these settings reach afbench's own targets.
function(afbench_add_llama_cpp)
  # llama.cpp must compile with its own language standard (C++17 via target_compile_features);
  # afbench's C++20 would otherwise be inherited and bring dozens of warnings (issue 3).
  unset(CMAKE_CXX_STANDARD)
  unset(CMAKE_CXX_STANDARD_REQUIRED)
  unset(CMAKE_CXX_EXTENSIONS)
  # Line tables for third-party code cost build time and ccache space and are rarely read;
  # symbols stay, so stack traces still name llama.cpp's functions.
  foreach(lang C CXX)
    string(REGEX REPLACE "(^| )-g($| )" " " CMAKE_${lang}_FLAGS_RELWITHDEBINFO
                         "${CMAKE_${lang}_FLAGS_RELWITHDEBINFO}")
  endforeach()

  # A static library linked into afbench, plus llama-server for the tests; nothing else.
  set(BUILD_SHARED_LIBS OFF)
  set(LLAMA_BUILD_COMMON ON)  # llama-server needs common/
  set(LLAMA_BUILD_TOOLS ON)
  set(LLAMA_BUILD_SERVER ON)
  set(LLAMA_BUILD_TESTS OFF)
  set(LLAMA_BUILD_EXAMPLES OFF)
  set(LLAMA_BUILD_APP OFF)
  # The server's web UI: ON would download prebuilt assets on every build, and this machine may be
  # offline. The API works without it.
  set(LLAMA_BUILD_UI OFF)
  set(LLAMA_USE_PREBUILT_UI OFF)
  # No HTTPS in the server or model downloads: tests talk to loopback, models are local files.
  set(LLAMA_OPENSSL OFF)
  set(LLAMA_CURL OFF)
  set(LLAMA_TOOLS_INSTALL OFF)
  # GGML_NATIVE defaults to -march=native: binaries that crash on older CPUs, and ccache entries
  # that are wrong when the cache is shared between machines. OFF still enables AVX2/FMA/F16C.
  set(GGML_NATIVE ${AFBENCH_NATIVE})
  set(GGML_CUDA ${AFBENCH_CUDA})

  add_subdirectory(${AFBENCH_LLAMA_SOURCE_DIR} ${CMAKE_BINARY_DIR}/third_party/llama.cpp
                   EXCLUDE_FROM_ALL SYSTEM)
endfunction()

if(NOT AFBENCH_LLAMA)
  message(STATUS "afbench: llama.cpp engine disabled (AFBENCH_LLAMA=OFF)")
elseif(NOT EXISTS "${AFBENCH_LLAMA_SOURCE_DIR}/CMakeLists.txt")
  message(STATUS "afbench: llama.cpp not found at ${AFBENCH_LLAMA_SOURCE_DIR}; run scripts/llama.sh "
                 "to fetch it. Building without the llama.cpp engine and skipping its tests.")
else()
  message(STATUS "afbench: building llama.cpp from ${AFBENCH_LLAMA_SOURCE_DIR} "
                 "(native=${AFBENCH_NATIVE}, cuda=${AFBENCH_CUDA})")
  afbench_add_llama_cpp()
  set(AFBENCH_HAVE_LLAMA ON)
  target_link_libraries(afbench_llama_deps INTERFACE llama ggml)
  target_compile_definitions(afbench_llama_deps INTERFACE AFBENCH_HAVE_LLAMA=1)
endif()
