#include "storage/template_source.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

#include "base/text.h"
#include "storage/fs_tree.h"
#include "storage/stream.h"

namespace jails::storage {
namespace {

// The applets a jail's shell scripts and the tests need; busybox answers to its name.
constexpr const char* kApplets[] = {
    "sh", "ash", "cat", "echo", "ls", "sleep", "ps", "id", "hostname", "mkdir", "rm", "cp",
    "mv", "ln", "touch", "true", "false", "test", "[", "env", "grep", "sed", "awk", "head",
    "tail", "wc", "uname", "kill", "mount", "umount", "ip", "ifconfig", "ping", "nc", "wget",
    "vi", "chmod", "chown", "date", "df", "du", "find", "pwd", "printf", "stat", "sync", "init"};

Result<void> copy_contents(const std::string& src, const std::string& dst) {
  DIR* d = ::opendir(src.c_str());
  if (!d) return sys_fail("opendir({})", src);
  std::vector<std::string> names;
  while (auto* e = ::readdir(d))
    if (std::string n = e->d_name; n != "." && n != "..") names.push_back(n);
  ::closedir(d);
  for (const auto& n : names) TRY(copy_tree(src + "/" + n, dst + "/" + n));
  return {};
}

Result<void> busybox_root(const std::string& busybox, const std::string& dir) {
  for (const char* sub : {"/bin", "/sbin", "/etc", "/dev", "/proc", "/sys", "/tmp", "/root",
                          "/var", "/var/run", "/usr", "/usr/bin", "/usr/sbin"})
    TRY(make_dirs(dir + sub));
  if (::chmod((dir + "/tmp").c_str(), 01777) != 0) return sys_fail("chmod({}/tmp)", dir);
  TRY(copy_tree(busybox, dir + "/bin/busybox"));
  for (const char* applet : kApplets) {
    std::string link = dir + "/bin/" + applet;
    if (::symlink("busybox", link.c_str()) != 0) return sys_fail("symlink({})", link);
  }
  TRY(write_file_atomic(dir + "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"));
  TRY(write_file_atomic(dir + "/etc/group", "root:x:0:\nnogroup:x:65534:\n"));
  return {};
}

// debootstrap is run as a program because a Debian root cannot be made any other way;
// it is the user's request, like an exec.* hook.
Result<void> debootstrap(const std::string& suite, const std::string& mirror, const std::string& dir) {
  std::vector<std::string> args{"debootstrap", "--variant=minbase", suite, dir};
  if (!mirror.empty()) args.push_back(mirror);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return sys_fail("fork for debootstrap");
  if (pid == 0) {
    ::dup2(2, 1);  // its progress goes to stderr: stdout carries results only
    ::execvp("debootstrap", argv.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return fail("debootstrap {} {}: failed (exit status {}{})", suite, dir,
                WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                WIFEXITED(status) && WEXITSTATUS(status) == 127 ? ", not installed" : "");
  return {};
}

}  // namespace

Result<Populate> template_source(const std::string& source) {
  if (source == "busybox" || starts_with(source, "busybox:")) {
    std::string bin = source == "busybox" ? "/bin/busybox" : source.substr(8);
    struct stat st;
    if (::stat(bin.c_str(), &st) != 0) return sys_fail("template source {}: busybox binary {}", source, bin);
    return Populate([bin](const std::string& dir) { return busybox_root(bin, dir); });
  }
  if (starts_with(source, "debootstrap:")) {
    auto parts = split(source.substr(12), ':');
    if (parts.empty() || parts[0].empty()) return fail("template source {}: name a suite (debootstrap:bookworm)", source);
    std::string suite = parts[0];
    std::string mirror = parts.size() > 1 ? source.substr(12 + suite.size() + 1) : "";
    return Populate([suite, mirror](const std::string& dir) { return debootstrap(suite, mirror, dir); });
  }
  struct stat st;
  if (::stat(source.c_str(), &st) != 0) return sys_fail("template source {}", source);
  if (S_ISDIR(st.st_mode))
    return Populate([source](const std::string& dir) { return copy_contents(source, dir); });
  if (S_ISREG(st.st_mode))
    return Populate([source](const std::string& dir) { return extract_archive_file(source, dir); });
  return fail("template source {}: neither a directory, an archive, busybox nor debootstrap:SUITE", source);
}

}  // namespace jails::storage
