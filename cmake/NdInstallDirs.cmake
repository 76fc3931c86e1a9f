# Where systemd, udev and initramfs-tools look for our files. The values come
# from pkg-config (systemd.pc, udev.pc) and can be overridden. On a merged-/usr
# system (Debian 12) /lib is a symlink to usr/lib; installing below
# <prefix>/lib keeps the DESTDIR tree copyable onto such a root as is.
pkg_get_variable(_nd_unitdir systemd systemdsystemunitdir)
pkg_get_variable(_nd_udevdir udev udevdir)
if(NOT _nd_unitdir)
  set(_nd_unitdir /lib/systemd/system)
endif()
if(NOT _nd_udevdir)
  set(_nd_udevdir /lib/udev)
endif()

function(_nd_under_prefix out path)
  if(path MATCHES "^/lib/(.*)$")
    set(path "${CMAKE_INSTALL_PREFIX}/lib/${CMAKE_MATCH_1}")
  elseif(path MATCHES "^/usr/(.*)$")
    set(path "${CMAKE_INSTALL_PREFIX}/${CMAKE_MATCH_1}")
  endif()
  set(${out} "${path}" PARENT_SCOPE)
endfunction()

_nd_under_prefix(_nd_unitdir "${_nd_unitdir}")
_nd_under_prefix(_nd_udevdir "${_nd_udevdir}")
set(ND_SYSTEMD_UNIT_DIR "${_nd_unitdir}" CACHE PATH "systemd system unit directory")
set(ND_UDEV_DIR "${_nd_udevdir}" CACHE PATH "udev directory (rules.d below it)")
set(ND_INITRAMFS_TOOLS_DIR "${CMAKE_INSTALL_FULL_DATADIR}/initramfs-tools" CACHE PATH
    "initramfs-tools directory (hooks/ and scripts/ below it)")
set(ND_LIBDIR_PRIVATE "${CMAKE_INSTALL_FULL_LIBDIR}/neuraldrive" CACHE PATH "private helpers")
message(STATUS "Units: ${ND_SYSTEMD_UNIT_DIR}; udev: ${ND_UDEV_DIR}; initramfs-tools: ${ND_INITRAMFS_TOOLS_DIR}")
