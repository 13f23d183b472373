# The cgroup-v2 lane of the rctl tests: the same rctl_tests binary, run inside Debian's
# kernel under qemu on a pure cgroup2 hierarchy (this host has v1 controllers).
# Included from tests/rctl/CMakeLists.txt, after rctl_tests exists.
if(TARGET rctl_tests)
  set(lane_bins $<TARGET_FILE:rctl> $<TARGET_FILE:rctl_workload>)
  if(TARGET jail AND TARGET jail-init)
    list(APPEND lane_bins $<TARGET_FILE:jail> $<TARGET_FILE:jail-init>)
  endif()
  add_test(NAME rctl.qemu_v2
    COMMAND ${CMAKE_CURRENT_LIST_DIR}/run-lane.sh ${CMAKE_CURRENT_BINARY_DIR}/qemu-lane
            $<TARGET_FILE:rctl_tests> ${lane_bins})
  set_tests_properties(rctl.qemu_v2 PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300 RUN_SERIAL TRUE)
endif()
