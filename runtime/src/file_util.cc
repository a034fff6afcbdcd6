// file_util.cc — whole-file reads and atomic writes.
//
// Contract:
//  - file_read_all reads a regular file completely or reports why not
//    (missing, a directory, unreadable, changed size while reading).
//  - file_write_atomic never leaves a partial file at `path`: data goes to
//    "<path>.tmp.<pid>", is flushed and fsync()ed, then rename()d over path.
//    On any failure the temporary file is removed.
//  - Messages start with the path the caller gave.
#include "internal.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dlcrt {

dlc_status file_read_all(const char *path, std::vector<uint8_t> *out) {
  if (!path) return dlc_status_make("file path is NULL");
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return dlc_status_make("%s: cannot open: %s", path, std::strerror(errno));
  struct stat info;
  if (::fstat(fd, &info) != 0) {
    int error = errno;
    ::close(fd);
    return dlc_status_make("%s: cannot stat: %s", path, std::strerror(error));
  }
  if (!S_ISREG(info.st_mode)) {
    ::close(fd);
    return dlc_status_make("%s: not a regular file", path);
  }
  const uint64_t size = static_cast<uint64_t>(info.st_size);
  if (size > static_cast<uint64_t>(SIZE_MAX / 2)) {
    ::close(fd);
    return dlc_status_make("%s: file too large (%llu bytes)", path,
                           static_cast<unsigned long long>(size));
  }
  out->resize(static_cast<size_t>(size));
  size_t done = 0;
  while (done < out->size()) {
    ssize_t got = ::read(fd, out->data() + done, out->size() - done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      int error = errno;
      ::close(fd);
      return dlc_status_make("%s: read error: %s", path, std::strerror(error));
    }
    if (got == 0) {
      ::close(fd);
      return dlc_status_make("%s: file shrank while being read", path);
    }
    done += static_cast<size_t>(got);
  }
  ::close(fd);
  return nullptr;
}

dlc_status file_write_atomic(const char *path, const std::vector<Piece> &pieces) {
  if (!path || !*path) return dlc_status_make("output path is empty");
  const std::string temp = std::string(path) + ".tmp." + std::to_string(::getpid());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return dlc_status_make("%s: cannot create: %s", path, std::strerror(errno));
  auto fail = [&](const char *what, int error) {
    if (fd >= 0) ::close(fd);
    ::unlink(temp.c_str());
    return dlc_status_make("%s: %s: %s", path, what, std::strerror(error));
  };
  for (const Piece &piece : pieces) {
    const auto *bytes = static_cast<const uint8_t *>(piece.data);
    size_t done = 0;
    while (done < piece.size) {
      ssize_t wrote = ::write(fd, bytes + done, piece.size - done);
      if (wrote < 0 && errno == EINTR) continue;
      if (wrote < 0) return fail("write error", errno);
      done += static_cast<size_t>(wrote);
    }
  }
  // fsync before rename: after a crash the file is either old or complete.
  if (::fsync(fd) != 0 && errno != EINVAL) return fail("cannot flush", errno);
  int closed = ::close(fd);
  fd = -1;
  if (closed != 0) return fail("cannot close", errno);
  if (::rename(temp.c_str(), path) != 0) return fail("cannot rename into place", errno);
  return nullptr;
}

void *aligned_zalloc(size_t size) {
  // aligned_alloc wants a multiple of the alignment; at least one block so
  // that an empty tensor still has a distinct, valid pointer.
  if (size > SIZE_MAX - 63) return nullptr;
  size_t rounded = size < 64 ? 64 : (size + 63) & ~size_t(63);
  void *memory = std::aligned_alloc(64, rounded);
  if (memory) std::memset(memory, 0, rounded);
  return memory;
}

}  // namespace dlcrt
