# jailctl: datasets and the jails made from them (issue 4). Included by CMakeLists.txt.
add_executable(jailctl jailctl.cc jailctl_dataset.cc jailctl_jail.cc jailctl_format.cc)
target_link_libraries(jailctl PRIVATE jails_storage jails_jail)
install(TARGETS jailctl DESTINATION ${CMAKE_INSTALL_SBINDIR})
