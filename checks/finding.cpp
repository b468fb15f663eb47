// Severities by name (finding.hpp): no Clang headers, so that the driver's
// readers and their fuzz targets (test/fuzz/) link without the checks.
#include "finding.hpp"

namespace gocxx {

const char* severity_name(severity s) {
  switch (s) {
    case severity::remark: return "remark";
    case severity::note: return "note";
    case severity::warning: return "warning";
    case severity::error: return "error";
  }
  return "warning";
}

bool parse_severity(const std::string& name, severity& out) {
  for (severity s : {severity::remark, severity::note, severity::warning, severity::error}) {
    if (name == severity_name(s)) {
      out = s;
      return true;
    }
  }
  return false;
}

std::string one_line(const std::string& text) {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else if (u < 0x20 || u == 0x7f)
      out += std::string("\\x") + hex[u >> 4] + hex[u & 15];
    else
      out += c;
  }
  return out;
}

}  // namespace gocxx
