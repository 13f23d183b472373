// One binary, three FreeBSD commands: jail(8), jls(8) and jexec(8), chosen by argv[0].
#include <cstring>
#include <string_view>

int jail_main(int argc, char** argv);
int jls_main(int argc, char** argv);
int jexec_main(int argc, char** argv);

int main(int argc, char** argv) {
  std::string_view self = argc > 0 ? argv[0] : "jail";
  if (auto slash = self.rfind('/'); slash != std::string_view::npos) self.remove_prefix(slash + 1);
  if (self == "jls") return jls_main(argc, argv);
  if (self == "jexec") return jexec_main(argc, argv);
  return jail_main(argc, argv);
}
