/* check(): 0 for success; else prints the status's message, frees it and
 * returns 1. Shared by the C drivers of the e2e tests (the examples keep
 * their own copy so that each stays one self-contained file). */
#ifndef DLC_TEST_CHECK_STATUS_H
#define DLC_TEST_CHECK_STATUS_H

#include <dlc/runtime.h>
#include <stdio.h>

static int check(dlc_status status) {
  if (!status) return 0;
  fprintf(stderr, "error: %s\n", dlc_status_message(status));
  dlc_status_free(status);
  return 1;
}

#endif
