# The Debian package (issue 19): `cpack -G DEB` in the build folder makes
# scratchnet_<version>_amd64.deb, one package holding what `cmake --install`
# installs (cmake/Install.cmake), under /usr.
#
# Depends: the tool's run-time libraries (dpkg-shlibdeps reads them from the
# binaries), plus what a consumer of the library needs to compile and link
# against it with find_package(scratchnet) or pkg-config: the -dev packages of
# fmt (public headers) and, for the static library, of its own dependencies.
# Other parts add theirs before this file is included, from any folder:
#   set_property(GLOBAL APPEND PROPERTY SCRATCHNET_DEB_DEPENDS python3-numpy)

set(_scratchnet_deb_depends libfmt-dev)
if(NOT BUILD_SHARED_LIBS)  # scratchnetConfig.cmake finds three of them with pkg-config
  list(APPEND _scratchnet_deb_depends "pkgconf | pkg-config" libopenblas-dev zlib1g-dev libspng-dev
       libturbojpeg0-dev)
  if(MPI_CXX_FOUND)
    list(APPEND _scratchnet_deb_depends libopenmpi-dev)
  endif()
endif()
get_property(_scratchnet_more_depends GLOBAL PROPERTY SCRATCHNET_DEB_DEPENDS)
list(APPEND _scratchnet_deb_depends ${_scratchnet_more_depends})
list(JOIN _scratchnet_deb_depends ", " CPACK_DEBIAN_PACKAGE_DEPENDS)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME scratchnet)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "scratchnet maintainers <maintainers@users.noreply.b-seed-1dcae219.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "deep-learning training system written from scratch (tool and C++ library)")
set(CPACK_PACKAGE_DESCRIPTION
    "scratchnet builds, trains, evaluates and compares neural networks (dense, \
convolutional, batch normalisation, dropout, residual blocks; SGD to AdamW) \
written from scratch in C++20 on OpenBLAS. The scratchnet tool trains from \
the command line or TOML files and writes run folders, plots and reports; \
the library (find_package(scratchnet) or pkg-config scratchnet) does \
everything the tool does. Includes the AReM, digits and iris data sets.")
set(CPACK_PACKAGING_INSTALL_PREFIX ${SCRATCHNET_DEB_PREFIX})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # scratchnet_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "gnuplot-nox")  # plots of runs and experiments
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
