// The one error type of the project, and the one way to propagate it.
//
// A fallible function returns Result<T>. An Error carries a message that already names
// what failed ("mount(/srv/www -> /jails/web/srv, bind)") and, for a failed syscall, the
// errno, so what() reads like the kernel's words: "...: No such file or directory".
// Context is added on the way up with Error::context("web: mount.fstab line 3").
#pragma once

#include <cerrno>
#include <cstring>
#include <expected>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace jails {

struct Error {
  std::string message;  // what was being done, with its arguments
  int err = 0;          // errno of the failed call, or 0

  std::string what() const {
    if (err == 0) return message;
    if (message.empty()) return std::strerror(err);
    return message + ": " + std::strerror(err);
  }

  // Prefixes the message: Error{"mount(x)"}.context("web") -> "web: mount(x)".
  Error context(std::string_view prefix) && {
    if (!prefix.empty()) message = std::string(prefix) + (message.empty() ? "" : ": ") + message;
    return std::move(*this);
  }
};

template <class T = void>
using Result = std::expected<T, Error>;

// An error with no errno: fail("path /x: not a directory").
inline std::unexpected<Error> fail(std::string message) {
  return std::unexpected(Error{std::move(message), 0});
}

template <class... Args>
std::unexpected<Error> fail(fmt::format_string<Args...> f, Args&&... args) {
  return std::unexpected(Error{fmt::format(f, std::forward<Args>(args)...), 0});
}

// An error from the errno of the syscall that just failed: sys_fail("mkdir({})", path).
template <class... Args>
std::unexpected<Error> sys_fail(fmt::format_string<Args...> f, Args&&... args) {
  int e = errno;
  return std::unexpected(Error{fmt::format(f, std::forward<Args>(args)...), e});
}

inline std::unexpected<Error> errno_fail(int err, std::string message) {
  return std::unexpected(Error{std::move(message), err});
}

}  // namespace jails

// Propagate an error from an expression of type Result<T>, adding nothing:
//   TRY(mkdir_p(dir));           // statement form
//   auto fd = TRY(open_dir(p));  // value form (GNU statement expression)
#define TRY(expr)                                                  \
  ({                                                               \
    auto&& try_result_ = (expr);                                   \
    if (!try_result_) return std::unexpected(std::move(try_result_).error()); \
    std::move(try_result_).value();                                \
  })

// As TRY, with context: TRY_CTX(mount_devfs(p), fmt::format("{}: mount.devfs", name)).
#define TRY_CTX(expr, ctx)                                                      \
  ({                                                                            \
    auto&& try_result_ = (expr);                                                \
    if (!try_result_)                                                           \
      return std::unexpected(std::move(try_result_).error().context(ctx));      \
    std::move(try_result_).value();                                             \
  })
