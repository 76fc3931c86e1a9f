# Warnings are errors everywhere; the sanitizer and fuzzer switches apply to
# every target so that libraries linked into tests and fuzz targets are
# instrumented too.
add_compile_options(-Wall -Wextra -Werror -Wformat=2 -Wshadow
                    -Wno-missing-field-initializers -Wno-unused-parameter
                    -fstack-protector-strong -D_GNU_SOURCE)
add_compile_options($<$<NOT:$<CONFIG:Debug>>:-D_FORTIFY_SOURCE=2>)

if(ND_SANITIZE)
  set(_nd_san -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_compile_options(${_nd_san})
  add_link_options(${_nd_san})
endif()

if(ND_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "ND_FUZZ needs clang (configure with CC=clang), or pass -DND_FUZZ=OFF")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
