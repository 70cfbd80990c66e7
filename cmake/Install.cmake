# The library as a package other projects use (issue 19), and where
# `cmake --install build [--prefix P]` puts everything: Debian's layout
# (GNUInstallDirs), the same for /usr (the .deb), /usr/local and any prefix.
#
#   bin/scratchnet                              the tool
#   lib/<multiarch>/libscratchnet.a             the library (.so.0 with BUILD_SHARED_LIBS=ON)
#   include/scratchnet/...                      its public headers
#   lib/<multiarch>/cmake/scratchnet/           find_package(scratchnet): config, version, targets
#   lib/<multiarch>/pkgconfig/scratchnet.pc     pkg-config --cflags --libs scratchnet
#   share/scratchnet/{arem,digits,iris}/        the bundled data sets (src/data/data_directory.cpp)
#   share/man/man1/scratchnet.1.gz              from --help, when help2man is installed
#   share/doc/scratchnet/README.md
#   lib/python3/dist-packages/scratchnet/       the Python package (python/ installs it when built;
#                                               lib/python3.X/dist-packages for other prefixes)
#
# Nothing installed names the build or source tree: the CMake files and the
# .pc file locate the prefix from their own folder, the library finds its data
# from the folder of the file it was loaded from.

# Debian's multiarch library folder for every prefix (GNUInstallDirs picks it
# only for /usr), so a test prefix, /usr/local and the .deb share one layout.
# (A build folder configured before this file existed holds GNUInstallDirs'
# plain "lib" default, recognised by its help string; a value given by the
# user stays.)
get_property(_scratchnet_libdir_help CACHE CMAKE_INSTALL_LIBDIR PROPERTY HELPSTRING)
if(CMAKE_LIBRARY_ARCHITECTURE AND (NOT DEFINED CMAKE_INSTALL_LIBDIR OR
   (CMAKE_INSTALL_LIBDIR STREQUAL "lib" AND _scratchnet_libdir_help STREQUAL "Object code libraries (lib)")))
  set(CMAKE_INSTALL_LIBDIR "lib/${CMAKE_LIBRARY_ARCHITECTURE}" CACHE PATH
      "Object code libraries (lib/${CMAKE_LIBRARY_ARCHITECTURE})" FORCE)
endif()
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)
set(SCRATCHNET_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/scratchnet)
set(SCRATCHNET_DEB_PREFIX /usr)  # where the .deb installs (cmake/Package.cmake)

# --- The library target as consumers see it -------------------------------
# Exported as scratchnet::scratchnet (the executable owns the name scratchnet;
# the build tree has the same name as an ALIAS). Consumers compile the headers
# as C++20. Shared: libscratchnet.so.<major> exporting only SCRATCHNET_API
# (include/scratchnet/core/export.h); hidden visibility in the static library
# too, so that a program linking it into its own shared object does not
# re-export scratchnet's internals.
set_target_properties(scratchnet_lib PROPERTIES
  EXPORT_NAME scratchnet
  VERSION ${PROJECT_VERSION}
  SOVERSION ${PROJECT_VERSION_MAJOR}
  CXX_VISIBILITY_PRESET hidden
  VISIBILITY_INLINES_HIDDEN ON)
target_compile_features(scratchnet_lib PUBLIC cxx_std_20)
if(BUILD_SHARED_LIBS)
  # The installed tool finds the library next to it, wherever the prefix is.
  file(RELATIVE_PATH _scratchnet_bin_to_lib ${CMAKE_INSTALL_FULL_BINDIR} ${CMAKE_INSTALL_FULL_LIBDIR})
  set_target_properties(scratchnet PROPERTIES INSTALL_RPATH "$ORIGIN/${_scratchnet_bin_to_lib}")
endif()

# --- Bundled data: installed, and the same layout in the build tree --------
# data_directory() looks for share/scratchnet at and above the folder of the
# file holding the library; as a last resort in the folders this build
# installs into (for a program elsewhere linked with the static library).
set(_scratchnet_data_dirs "${CMAKE_INSTALL_FULL_DATADIR}/scratchnet")
if(NOT CMAKE_INSTALL_PREFIX STREQUAL SCRATCHNET_DEB_PREFIX)
  string(APPEND _scratchnet_data_dirs ":${SCRATCHNET_DEB_PREFIX}/${CMAKE_INSTALL_DATADIR}/scratchnet")
endif()
set_property(SOURCE src/data/data_directory.cpp APPEND PROPERTY
  COMPILE_DEFINITIONS SCRATCHNET_INSTALL_DATA_DIRS="${_scratchnet_data_dirs}")
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/share)
file(CREATE_LINK ${PROJECT_SOURCE_DIR}/data ${CMAKE_BINARY_DIR}/share/scratchnet SYMBOLIC)
install(DIRECTORY data/arem data/digits data/iris
        DESTINATION ${CMAKE_INSTALL_DATADIR}/scratchnet)  # = SCRATCHNET_DATA_INSTALL_DIR

# --- Tool, library, headers, docs ------------------------------------------
install(TARGETS scratchnet RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS scratchnet_lib EXPORT scratchnetTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/scratchnet DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# --- find_package(scratchnet) ----------------------------------------------
# What a consumer's link needs besides the library: fmt always (the headers
# include it); with the static library also its own dependencies.
if(BUILD_SHARED_LIBS)
  set(SCRATCHNET_STATIC OFF)
else()
  set(SCRATCHNET_STATIC ON)
endif()
if(MPI_CXX_FOUND)
  set(SCRATCHNET_WITH_MPI ON)
else()
  set(SCRATCHNET_WITH_MPI OFF)
endif()
install(EXPORT scratchnetTargets NAMESPACE scratchnet:: DESTINATION ${SCRATCHNET_CMAKE_DIR})
set(SCRATCHNET_DATA_INSTALL_DIR ${CMAKE_INSTALL_DATADIR}/scratchnet)
configure_package_config_file(cmake/scratchnetConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/scratchnetConfig.cmake INSTALL_DESTINATION ${SCRATCHNET_CMAKE_DIR}
  PATH_VARS SCRATCHNET_DATA_INSTALL_DIR)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/scratchnetConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/scratchnetConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/scratchnetConfigVersion.cmake DESTINATION ${SCRATCHNET_CMAKE_DIR})

# --- pkg-config --------------------------------------------------------------
# A static library has no private link dependencies: what it needs goes in
# Requires/Libs, so that `pkg-config --libs scratchnet` (without --static)
# links. The shared library keeps them in Requires.private.
set(_scratchnet_pc_deps openblas zlib spng libturbojpeg)
if(MPI_CXX_FOUND)
  list(APPEND _scratchnet_pc_deps mpi-cxx)
endif()
list(JOIN _scratchnet_pc_deps " " _scratchnet_pc_deps)
if(BUILD_SHARED_LIBS)
  set(SCRATCHNET_PC_REQUIRES "fmt")
  set(SCRATCHNET_PC_REQUIRES_PRIVATE "${_scratchnet_pc_deps}")
  set(SCRATCHNET_PC_LIBS "")
  set(SCRATCHNET_PC_LIBS_PRIVATE "${CMAKE_THREAD_LIBS_INIT}")
else()
  set(SCRATCHNET_PC_REQUIRES "fmt ${_scratchnet_pc_deps}")
  set(SCRATCHNET_PC_REQUIRES_PRIVATE "")
  set(SCRATCHNET_PC_LIBS "${CMAKE_THREAD_LIBS_INIT}")
  set(SCRATCHNET_PC_LIBS_PRIVATE "")
endif()
file(RELATIVE_PATH SCRATCHNET_PC_TO_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" SCRATCHNET_PC_TO_PREFIX "${SCRATCHNET_PC_TO_PREFIX}")
configure_file(cmake/scratchnet.pc.in ${CMAKE_CURRENT_BINARY_DIR}/scratchnet.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/scratchnet.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# --- Man page ----------------------------------------------------------------
# Generated from the tool's --help by Debian's help2man, gzipped as Debian
# installs man pages (-n: no time stamp, the same bytes every build).
find_program(SCRATCHNET_HELP2MAN help2man)
if(SCRATCHNET_HELP2MAN)
  set(_scratchnet_man ${CMAKE_CURRENT_BINARY_DIR}/man/scratchnet.1)
  add_custom_command(OUTPUT ${_scratchnet_man}.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/man
    COMMAND ${SCRATCHNET_HELP2MAN} --no-info --version-string=${PROJECT_VERSION}
            "--name=build, train and compare neural networks layer by layer"
            --output=${_scratchnet_man} $<TARGET_FILE:scratchnet>
    COMMAND gzip -9nf ${_scratchnet_man}
    DEPENDS scratchnet
    COMMENT "Man page scratchnet.1 from scratchnet --help (help2man)"
    VERBATIM)
  add_custom_target(scratchnet_man ALL DEPENDS ${_scratchnet_man}.gz)
  install(FILES ${_scratchnet_man}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(STATUS "scratchnet: help2man not found, no man page (apt-get install help2man)")
endif()
