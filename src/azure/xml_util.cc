#include "azure/xml_util.h"

#include <charconv>

#include "azure/url_encoding.h"

namespace arbor::azure::xml {
namespace {

// Whitespace-only text matters: a file may be named " ".
constexpr unsigned kParseOptions = pugi::parse_default | pugi::parse_ws_pcdata_single;

struct StringWriter : pugi::xml_writer {
  std::string out;
  void write(const void* data, size_t size) override { out.append(static_cast<const char*>(data), size); }
};

// Length of the UTF-8 sequence starting at s[i], or 0 when it is invalid.
size_t Utf8Length(std::string_view s, size_t i) {
  auto b = static_cast<unsigned char>(s[i]);
  size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xe ? 3 : (b >> 3) == 0x1e ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
  }
  return n;
}

}  // namespace

Status Load(std::string_view text, std::string_view root_name, pugi::xml_document* doc) {
  pugi::xml_parse_result r = doc->load_buffer(text.data(), text.size(), kParseOptions, pugi::encoding_utf8);
  if (!r) {
    return Status::Corruption("malformed XML (" + std::string(r.description()) + " at offset " +
                              std::to_string(r.offset) + ")");
  }
  int elements = 0;
  for (pugi::xml_node n : doc->children()) elements += n.type() == pugi::node_element ? 1 : 0;
  if (elements != 1) return Status::Corruption("XML document must have exactly one root element");
  pugi::xml_node root = doc->document_element();
  if (std::string_view(root.name()) != root_name) {
    return Status::Corruption("XML root is <" + std::string(root.name()) + ">, expected <" +
                              std::string(root_name) + ">");
  }
  return Status::Ok();
}

Result<std::string> Text(const pugi::xml_node& parent, const char* name, bool required) {
  pugi::xml_node n = parent.child(name);
  if (!n) {
    if (required) return Status::Corruption("XML <" + std::string(parent.name()) + "> lacks <" + name + ">");
    return std::string();
  }
  return std::string(n.child_value());
}

Result<std::string> MaybeEncodedText(const pugi::xml_node& node) {
  std::string text = node.child_value();
  if (std::string_view(node.attribute("Encoded").value()) != "true") return text;
  auto decoded = PercentDecode(text);
  if (!decoded.ok()) return Status::Corruption("bad percent-encoding in <" + std::string(node.name()) + ">");
  return decoded;
}

Result<uint64_t> ParseUint(std::string_view text) {
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    return Status::Corruption("not an unsigned integer: '" + std::string(text.substr(0, 32)) + "'");
  }
  return v;
}

Result<uint64_t> Uint(const pugi::xml_node& parent, const char* name) {
  ARBOR_ASSIGN_OR_RETURN(std::string text, Text(parent, name, true));
  auto v = ParseUint(text);
  if (!v.ok()) return v.status().Annotate(std::string("<") + name + ">");
  return v;
}

Status OptionalSmbTime(const pugi::xml_node& parent, const char* name, std::optional<FileTime>* out) {
  pugi::xml_node n = parent.child(name);
  if (!n) return Status::Ok();
  auto t = ParseSmbTime(n.child_value());
  if (!t.ok()) return Status::Corruption(std::string("<") + name + ">: " + t.status().message());
  *out = *t;
  return Status::Ok();
}

Status OptionalHttpDate(const pugi::xml_node& parent, const char* name, std::optional<FileTime>* out) {
  pugi::xml_node n = parent.child(name);
  if (!n) return Status::Ok();
  auto t = ParseHttpDate(n.child_value());
  if (!t.ok()) return Status::Corruption(std::string("<") + name + ">: " + t.status().message());
  *out = *t;
  return Status::Ok();
}

pugi::xml_node StartDocument(pugi::xml_document* doc, const char* root_name) {
  pugi::xml_node decl = doc->append_child(pugi::node_declaration);
  decl.append_attribute("version").set_value("1.0");
  decl.append_attribute("encoding").set_value("utf-8");
  return doc->append_child(root_name);
}

void AddText(pugi::xml_node parent, const char* name, std::string_view text) {
  pugi::xml_node n = parent.append_child(name);
  if (!text.empty()) n.text().set(std::string(text).c_str());
}

bool NeedsEncoding(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    size_t n = Utf8Length(text, i);
    if (n == 0) return true;
    auto b = static_cast<unsigned char>(text[i]);
    if (n == 1 && b < 0x20) return true;
    if (n == 3 && text.substr(i, 2) == "\xef\xbf" && static_cast<unsigned char>(text[i + 2]) >= 0xbe) return true;
    if (n == 3 && b == 0xed && static_cast<unsigned char>(text[i + 1]) >= 0xa0) return true;  // surrogates
    i += n;
  }
  return false;
}

void AddMaybeEncoded(pugi::xml_node parent, const char* name, std::string_view text) {
  if (!NeedsEncoding(text)) {
    AddText(parent, name, text);
    return;
  }
  pugi::xml_node n = parent.append_child(name);
  n.append_attribute("Encoded").set_value("true");
  n.text().set(EncodeQueryComponent(text).c_str());
}

std::string Serialize(const pugi::xml_document& doc) {
  StringWriter w;
  doc.save(w, "", pugi::format_raw, pugi::encoding_utf8);
  return w.out;
}

}  // namespace arbor::azure::xml
