# The kiosk that is installed (and packed into the .deb) must not read the environment hooks the UI
# tests drive it by: none of their names may be in the binary. The hooked build must hold every one of
# them, which shows that this search sees a hook when one is there.
# cmake -DRELEASE=path/medkiosk [-DHOOKED=path/medkiosk-test-hooks] [-DHOOKS=a;b] -P no_test_hooks.cmake
if(HOOKS)
  set(hooks ${HOOKS})
else()
  set(hooks MEDKIOSK_STAFF_PIN MEDKIOSK_TECHNICIAN_PIN MEDKIOSK_BENCH_FRAMES MEDKIOSK_TEST_EXPIRY_PROPOSAL
      MEDKIOSK_LOG_LAYOUT)
endif()
if(NOT EXISTS "${RELEASE}")
  message(FATAL_ERROR "no binary at '${RELEASE}'")
endif()
foreach(hook IN LISTS hooks)
  file(STRINGS "${RELEASE}" found REGEX "${hook}")
  if(found)
    message(FATAL_ERROR "${RELEASE} reads the test hook ${hook}: an installed program must be built "
                        "with MEDKIOSK_TEST_HOOKS=0 (kiosk/app/CMakeLists.txt)")
  endif()
  if(HOOKED)
    file(STRINGS "${HOOKED}" found REGEX "${hook}")
    if(NOT found)
      message(FATAL_ERROR "${HOOKED} does not hold ${hook}: this check would not see the hook either")
    endif()
  endif()
endforeach()
message(STATUS "${RELEASE}: no test hooks (checked: ${hooks})")
