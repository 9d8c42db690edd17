# write_if_changed(PATH CONTENT): writes CONTENT to PATH only when it differs, so that an
# unchanged generated file does not trigger a rebuild.
function(write_if_changed path content)
  if(EXISTS "${path}")
    file(READ "${path}" old)
    if(old STREQUAL content)
      return()
    endif()
  endif()
  file(WRITE "${path}" "${content}")
endfunction()
