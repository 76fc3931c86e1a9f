# Where systemd, udev and initramfs-tools look for our files. The defaults come
# from pkg-config (systemd.pc, udev.pc) and can be overridden. Like
# GNUInstallDirs' variables they are relative to the install prefix, so the
# prefix given at install time (cmake --install --prefix /usr) applies, not
# only the one given at configure time. /lib/... and /usr/lib/... both map to
# <prefix>/lib/...: on a merged-/usr system (Debian 12) /lib is a symlink to
# usr/lib, and a DESTDIR tree with a real lib/ could not be copied onto it.
pkg_get_variable(_nd_unitdir systemd systemdsystemunitdir)
pkg_get_variable(_nd_udevdir udev udevdir)
if(NOT _nd_unitdir)
  set(_nd_unitdir /lib/systemd/system)
endif()
if(NOT _nd_udevdir)
  set(_nd_udevdir /lib/udev)
endif()

function(_nd_relative_to_prefix out path)
  if(path MATCHES "^/(usr/(local/)?)?((lib|share)/.*)$")
    set(path "${CMAKE_MATCH_3}")
  endif()
  set(${out} "${path}" PARENT_SCOPE)
endfunction()

# A value given with -D (or cached by an older configure) is normalized too.
set(_nd_default_ND_SYSTEMD_UNIT_DIR "${_nd_unitdir}")
set(_nd_default_ND_UDEV_DIR "${_nd_udevdir}")
set(_nd_default_ND_INITRAMFS_TOOLS_DIR "${CMAKE_INSTALL_DATADIR}/initramfs-tools")
foreach(_nd_var ND_SYSTEMD_UNIT_DIR ND_UDEV_DIR ND_INITRAMFS_TOOLS_DIR)
  if(DEFINED CACHE{${_nd_var}})
    set(_nd_value "$CACHE{${_nd_var}}")
  else()
    set(_nd_value "${_nd_default_${_nd_var}}")
  endif()
  _nd_relative_to_prefix(_nd_value "${_nd_value}")
  set(${_nd_var} "${_nd_value}" CACHE STRING "install directory, relative to the prefix" FORCE)
endforeach()
message(STATUS "Install below the prefix: units ${ND_SYSTEMD_UNIT_DIR}, udev ${ND_UDEV_DIR}, "
               "initramfs-tools ${ND_INITRAMFS_TOOLS_DIR}")
