// test_util.h — helpers shared by the libdlcrt unit tests: a fresh temporary
// directory per test, writing raw bytes, and status assertions that print
// the message on failure.
#ifndef DLCRT_TEST_UTIL_H
#define DLCRT_TEST_UTIL_H

#include "dlc/runtime.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dlcrt_test {

// A directory removed (with its plain files) when the object dies.
class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "dlcrt_test_XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    const char *made = ::mkdtemp(buffer.data());
    path_ = made ? made : "";
  }
  ~TempDir() {
    if (DIR *dir = ::opendir(path_.c_str())) {
      while (dirent *entry = ::readdir(dir)) {
        const std::string name = entry->d_name;
        if (name != "." && name != "..") ::unlink((path_ + "/" + name).c_str());
      }
      ::closedir(dir);
    }
    ::rmdir(path_.c_str());
  }
  std::string file(const std::string &name) const { return path_ + "/" + name; }
  // Names of the files in the directory (to spot leftover temporaries).
  std::vector<std::string> list() const {
    std::vector<std::string> names;
    if (DIR *dir = ::opendir(path_.c_str())) {
      while (dirent *entry = ::readdir(dir)) {
        const std::string name = entry->d_name;
        if (name != "." && name != "..") names.push_back(name);
      }
      ::closedir(dir);
    }
    return names;
  }
  const std::string &path() const { return path_; }

 private:
  std::string path_;
};

inline void write_bytes(const std::string &path, const std::string &bytes) {
  FILE *f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  ASSERT_EQ(std::fwrite(bytes.data(), 1, bytes.size(), f), bytes.size());
  std::fclose(f);
}

inline std::string read_bytes(const std::string &path) {
  std::string bytes;
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) return bytes;
  char buffer[4096];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, f)) > 0) bytes.append(buffer, got);
  std::fclose(f);
  return bytes;
}

inline bool file_exists(const std::string &path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0;
}

// Takes ownership of a status and returns its message ("" for OK).
inline std::string take_message(dlc_status status) {
  std::string message = dlc_status_message(status);
  dlc_status_free(status);
  return message;
}

}  // namespace dlcrt_test

// Asserts success, printing the message otherwise.
#define DLC_ASSERT_OK(expr)                                                    \
  do {                                                                         \
    dlc_status status_ = (expr);                                               \
    std::string message_ = dlcrt_test::take_message(status_);                  \
    ASSERT_TRUE(status_ == nullptr) << message_;                               \
  } while (0)

// Asserts failure with a message containing `phrase`.
#define DLC_ASSERT_ERROR(expr, phrase)                                         \
  do {                                                                         \
    dlc_status status_ = (expr);                                               \
    ASSERT_TRUE(status_ != nullptr) << "expected an error containing: " << (phrase); \
    std::string message_ = dlcrt_test::take_message(status_);                  \
    EXPECT_NE(message_.find(phrase), std::string::npos)                        \
        << "message: " << message_ << "\nexpected to contain: " << (phrase);   \
  } while (0)

#endif  // DLCRT_TEST_UTIL_H
