# rctl(8), owned with src/rctl (included by src/cli/CMakeLists.txt).
add_executable(rctl ${CMAKE_CURRENT_LIST_DIR}/rctl_main.cc)
target_link_libraries(rctl PRIVATE jails_rctl)
install(TARGETS rctl DESTINATION ${CMAKE_INSTALL_SBINDIR})
