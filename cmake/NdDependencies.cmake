# Every dependency comes through pkg-config; a missing one stops configure
# with the Debian package that provides it.
find_package(PkgConfig)
if(NOT PKG_CONFIG_FOUND)
  message(FATAL_ERROR "pkg-config not found. On Debian: apt-get install pkg-config")
endif()

function(nd_require_pkg prefix module debian_package)
  pkg_check_modules(${prefix} QUIET IMPORTED_TARGET GLOBAL ${module})
  if(NOT ${prefix}_FOUND)
    message(FATAL_ERROR "Missing dependency '${module}' (looked up with pkg-config). "
                        "On Debian 12: apt-get install ${debian_package}")
  endif()
  message(STATUS "Found ${module} ${${prefix}_VERSION}")
endfunction()

nd_require_pkg(BLKID blkid libblkid-dev)
nd_require_pkg(MOUNT mount libmount-dev)
nd_require_pkg(FDISK fdisk libfdisk-dev)
nd_require_pkg(UDEV libudev libudev-dev)
nd_require_pkg(CRYPTSETUP libcryptsetup libcryptsetup-dev)
nd_require_pkg(OPENSSL "openssl>=3.0" libssl-dev)
nd_require_pkg(CRYPT libcrypt libcrypt-dev)
if(BUILD_TESTING)
  nd_require_pkg(CMOCKA cmocka libcmocka-dev)
endif()
