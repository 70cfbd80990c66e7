# Tests of the library as a package (issue 19), scripts in tests/package/ and
# tests/consumer/:
#
#   public_headers_<area>       each header under include/scratchnet/<area>/      (slow)
#                               compiles alone and includes nothing from src/
#   public_api_exported         each public declaration carries SCRATCHNET_API
#   package_install             cmake --install into a fresh prefix, checked     (slow)
#   package_consumer_cmake      the README's example against it: find_package   (slow)
#   package_consumer_pkgconfig  the same with pkg-config --cflags --libs        (slow)
#   package_deb                 cpack -G DEB, Depends, dpkg-deb -x, tool and
#                               find_package consumer run from the unpacked root (slow)
#
# The slow ones work outside the build tree (under /tmp), so that nothing the
# build tree holds (build/share/scratchnet) can stand in for what the install
# should have put there; package_cleanup removes that folder at the end.

string(MD5 _scratchnet_build_hash "${CMAKE_BINARY_DIR}")
string(SUBSTRING "${_scratchnet_build_hash}" 0 8 _scratchnet_build_hash)
set(SCRATCHNET_PACKAGE_TEST_DIR "/tmp/scratchnet-package-test-${_scratchnet_build_hash}")
get_property(_scratchnet_python_dir GLOBAL PROPERTY SCRATCHNET_PYTHON_INSTALL_DIR)  # python/
set(_scratchnet_package_env
  SCRATCHNET_SOURCE_DIR=${PROJECT_SOURCE_DIR}
  SCRATCHNET_BUILD_DIR=${CMAKE_BINARY_DIR}
  SCRATCHNET_VERSION=${PROJECT_VERSION}
  SCRATCHNET_LIBDIR=${CMAKE_INSTALL_LIBDIR}
  SCRATCHNET_MAN_PAGE=$<BOOL:${SCRATCHNET_HELP2MAN}>
  SCRATCHNET_PYTHON_DIR=${_scratchnet_python_dir}
  CXX=${CMAKE_CXX_COMPILER})
set(_scratchnet_tests ${PROJECT_SOURCE_DIR}/tests)

# Each public header alone: the compiler, C++20, the project's warnings and
# fmt's definitions and (non-system) include folders.
get_target_property(_scratchnet_fmt_defines fmt::fmt INTERFACE_COMPILE_DEFINITIONS)
get_target_property(_scratchnet_fmt_includes fmt::fmt INTERFACE_INCLUDE_DIRECTORIES)
set(_scratchnet_header_flags -std=c++20 ${SCRATCHNET_WARNINGS})
foreach(_define IN LISTS _scratchnet_fmt_defines)
  list(APPEND _scratchnet_header_flags -D${_define})
endforeach()
foreach(_dir IN LISTS _scratchnet_fmt_includes)
  if(_dir AND NOT _dir IN_LIST CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES)
    list(APPEND _scratchnet_header_flags -isystem ${_dir})
  endif()
endforeach()
list(JOIN _scratchnet_header_flags " " _scratchnet_header_flags)
file(GLOB _scratchnet_header_areas RELATIVE ${PROJECT_SOURCE_DIR}/include/scratchnet
     CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/include/scratchnet/*)
foreach(_area IN LISTS _scratchnet_header_areas)
  if(IS_DIRECTORY ${PROJECT_SOURCE_DIR}/include/scratchnet/${_area})
    add_test(NAME public_headers_${_area}
             COMMAND ${_scratchnet_tests}/package/public_headers.sh ${_area})
    set_tests_properties(public_headers_${_area} PROPERTIES LABELS slow ENVIRONMENT
      "SCRATCHNET_SOURCE_DIR=${PROJECT_SOURCE_DIR};SCRATCHNET_CXX=${CMAKE_CXX_COMPILER};SCRATCHNET_HEADER_FLAGS=${_scratchnet_header_flags}")
  endif()
endforeach()

# Every public declaration carries SCRATCHNET_API, or libscratchnet.so would
# not export it (scripts/export_macros.py adds what is missing).
add_test(NAME public_api_exported COMMAND ${PROJECT_SOURCE_DIR}/scripts/export_macros.py --check)

# Install, consumers, .deb.
set(_prefix ${SCRATCHNET_PACKAGE_TEST_DIR}/prefix)
add_test(NAME package_install
         COMMAND ${_scratchnet_tests}/package/install.sh ${_prefix} ${SCRATCHNET_PACKAGE_TEST_DIR}/install)
add_test(NAME package_consumer_cmake
         COMMAND ${_scratchnet_tests}/consumer/build_and_run.sh cmake ${_prefix} ${CMAKE_INSTALL_LIBDIR}
                 ${SCRATCHNET_PACKAGE_TEST_DIR}/consumer-cmake)
add_test(NAME package_consumer_pkgconfig
         COMMAND ${_scratchnet_tests}/consumer/build_and_run.sh pkgconfig ${_prefix} ${CMAKE_INSTALL_LIBDIR}
                 ${SCRATCHNET_PACKAGE_TEST_DIR}/consumer-pkgconfig)
add_test(NAME package_deb COMMAND ${_scratchnet_tests}/package/deb.sh ${SCRATCHNET_PACKAGE_TEST_DIR}/deb)
add_test(NAME package_cleanup COMMAND ${CMAKE_COMMAND} -E rm -rf ${SCRATCHNET_PACKAGE_TEST_DIR})
set_tests_properties(package_install package_consumer_cmake package_consumer_pkgconfig package_deb
  package_cleanup PROPERTIES LABELS slow ENVIRONMENT "${_scratchnet_package_env}" TIMEOUT 600)
set_tests_properties(package_install PROPERTIES FIXTURES_SETUP scratchnet_prefix)
set_tests_properties(package_consumer_cmake package_consumer_pkgconfig PROPERTIES
  FIXTURES_REQUIRED "scratchnet_prefix;scratchnet_package_dir")
set_tests_properties(package_install package_deb PROPERTIES FIXTURES_REQUIRED scratchnet_package_dir)
set_tests_properties(package_cleanup PROPERTIES FIXTURES_CLEANUP scratchnet_package_dir)
