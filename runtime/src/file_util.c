// file_util.c — whole-file reads and atomic writes.
//
// Contract:
//  - dlcrt_file_read_all reads a regular file completely or reports why not
//    (missing, a directory, unreadable, changed size while reading).
//  - dlcrt_file_write_atomic never leaves a partial file at `path`: data goes
//    to "<path>.tmp.<pid>", is flushed and fsync()ed, then rename()d over
//    path. On any failure the temporary file is removed.
//  - Messages start with the path the caller gave.
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

dlc_status dlcrt_file_read_all(const char *path, uint8_t **out_data, size_t *out_size) {
  *out_data = NULL;
  *out_size = 0;
  if (!path) return dlc_status_make("file path is NULL");
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return dlc_status_make("%s: cannot open: %s", path, strerror(errno));
  struct stat info;
  if (fstat(fd, &info) != 0) {
    int error = errno;
    close(fd);
    return dlc_status_make("%s: cannot stat: %s", path, strerror(error));
  }
  if (!S_ISREG(info.st_mode)) {
    close(fd);
    return dlc_status_make("%s: not a regular file", path);
  }
  const uint64_t size64 = (uint64_t)info.st_size;
  if (size64 > (uint64_t)(SIZE_MAX / 2)) {
    close(fd);
    return dlc_status_make("%s: file too large (%llu bytes)", path, (unsigned long long)size64);
  }
  const size_t size = (size_t)size64;
  uint8_t *data = malloc(size ? size : 1);
  if (!data) {
    close(fd);
    return dlcrt_out_of_memory();
  }
  size_t done = 0;
  while (done < size) {
    ssize_t got = read(fd, data + done, size - done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      int error = errno;
      close(fd);
      free(data);
      return dlc_status_make("%s: read error: %s", path, strerror(error));
    }
    if (got == 0) {
      close(fd);
      free(data);
      return dlc_status_make("%s: file shrank while being read", path);
    }
    done += (size_t)got;
  }
  close(fd);
  *out_data = data;
  *out_size = size;
  return NULL;
}

// Closes fd (if open), removes the temporary file and names the failure.
static dlc_status write_failed(const char *path, const char *temp, int fd, const char *what,
                               int error) {
  if (fd >= 0) close(fd);
  unlink(temp);
  return dlc_status_make("%s: %s: %s", path, what, strerror(error));
}

dlc_status dlcrt_file_write_atomic(const char *path, const dlcrt_piece *pieces,
                                   size_t num_pieces) {
  if (!path || !*path) return dlc_status_make("output path is empty");
  dlcrt_buf temp_name = {NULL, 0, 0, 0};
  dlcrt_buf_printf(&temp_name, "%s.tmp.%ld", path, (long)getpid());
  if (temp_name.failed) {
    dlcrt_buf_free(&temp_name);
    return dlcrt_out_of_memory();
  }
  const char *temp = temp_name.data;
  dlc_status status = NULL;
  int fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) {
    status = dlc_status_make("%s: cannot create: %s", path, strerror(errno));
    goto done;
  }
  for (size_t p = 0; p < num_pieces; ++p) {
    const uint8_t *bytes = pieces[p].data;
    size_t written = 0;
    while (written < pieces[p].size) {
      ssize_t wrote = write(fd, bytes + written, pieces[p].size - written);
      if (wrote < 0 && errno == EINTR) continue;
      if (wrote < 0) {
        status = write_failed(path, temp, fd, "write error", errno);
        goto done;
      }
      written += (size_t)wrote;
    }
  }
  // fsync before rename: after a crash the file is either old or complete.
  if (fsync(fd) != 0 && errno != EINVAL) {
    status = write_failed(path, temp, fd, "cannot flush", errno);
    goto done;
  }
  if (close(fd) != 0) {
    status = write_failed(path, temp, -1, "cannot close", errno);
    goto done;
  }
  if (rename(temp, path) != 0) status = write_failed(path, temp, -1, "cannot rename into place", errno);
done:
  dlcrt_buf_free(&temp_name);
  return status;
}

void *dlcrt_aligned_zalloc(size_t size) {
  // aligned_alloc wants a multiple of the alignment; at least one block so
  // that an empty tensor still has a distinct, valid pointer.
  if (size > SIZE_MAX - 63) return NULL;
  size_t rounded = size < 64 ? 64 : (size + 63) & ~(size_t)63;
  void *memory = aligned_alloc(64, rounded);
  if (memory) memset(memory, 0, rounded);
  return memory;
}
