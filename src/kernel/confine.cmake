# The confinement of a jail: capabilities, seccomp filter, /dev and the device cgroup.
# Included by CMakeLists.txt of this directory.
target_sources(jails_kernel PRIVATE caps.cc seccomp.cc seccomp_rules.cc devfs.cc device_cgroup.cc confine.cc)
target_link_libraries(jails_kernel PUBLIC PkgConfig::SECCOMP)
