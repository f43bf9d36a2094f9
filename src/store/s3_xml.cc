#include "store/s3_xml.h"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <pugixml.hpp>

namespace arbor::s3 {
namespace {

// Whitespace-only text matters: an object key may be " ".
constexpr unsigned kParseOptions = pugi::parse_default | pugi::parse_ws_pcdata_single;

// Parses `xml` into `doc` and returns its root element; Corruption for malformed XML or
// a root other than one of `roots`.
Result<pugi::xml_node> LoadRoot(std::string_view xml, std::initializer_list<std::string_view> roots,
                                pugi::xml_document* doc) {
  pugi::xml_parse_result r = doc->load_buffer(xml.data(), xml.size(), kParseOptions, pugi::encoding_utf8);
  if (!r) {
    return Status::Corruption("S3 sent malformed XML (" + std::string(r.description()) + " at offset " +
                              std::to_string(r.offset) + ")");
  }
  pugi::xml_node root = doc->document_element();
  for (std::string_view want : roots) {
    if (root.name() == want) return root;
  }
  return Status::Corruption("S3 sent an XML document <" + std::string(root.name()) + "> where <" +
                            std::string(*roots.begin()) + "> was expected");
}

Result<std::string> Required(const pugi::xml_node& parent, const char* name) {
  pugi::xml_node n = parent.child(name);
  if (!n) return Status::Corruption("S3 XML <" + std::string(parent.name()) + "> lacks <" + name + ">");
  return std::string(n.child_value());
}

Result<uint64_t> ParseUint(std::string_view text, const char* what) {
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    return Status::Corruption(std::string("S3 XML <") + what + "> is not an unsigned integer");
  }
  return v;
}

Result<bool> ParseBool(const pugi::xml_node& parent, const char* name) {
  std::string_view v = parent.child_value(name);
  if (v == "true") return true;
  if (v == "false" || (v.empty() && !parent.child(name))) return false;
  return Status::Corruption(std::string("S3 XML <") + name + "> is neither true nor false");
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// encoding-type=url: %XY escapes, '+' for a space.
Result<std::string> UrlDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] != '%') {
      out.push_back(text[i]);
    } else {
      if (i + 2 >= text.size()) return Status::Corruption("S3 key has a cut %-escape");
      int hi = HexValue(text[i + 1]);
      int lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return Status::Corruption("S3 key has a bad %-escape");
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    }
  }
  return out;
}

int64_t ToNs(std::tm* tm, int64_t frac_ns) {
  std::time_t t = ::timegm(tm);
  return static_cast<int64_t>(t) * 1000000000 + frac_ns;
}

}  // namespace

Result<ListPage> ParseListObjectsV2(std::string_view xml) {
  pugi::xml_document doc;
  ARBOR_ASSIGN_OR_RETURN(pugi::xml_node root, LoadRoot(xml, {"ListBucketResult"}, &doc));
  bool url_encoded = std::string_view(root.child_value("EncodingType")) == "url";
  ListPage page;
  ARBOR_ASSIGN_OR_RETURN(page.truncated, ParseBool(root, "IsTruncated"));
  for (pugi::xml_node c : root.children("Contents")) {
    ListedObject obj;
    ARBOR_ASSIGN_OR_RETURN(obj.key, Required(c, "Key"));
    if (url_encoded) {
      ARBOR_ASSIGN_OR_RETURN(obj.key, UrlDecode(obj.key));
    }
    if (obj.key.empty()) return Status::Corruption("S3 listed an object with an empty key");
    ARBOR_ASSIGN_OR_RETURN(std::string size, Required(c, "Size"));
    ARBOR_ASSIGN_OR_RETURN(obj.size, ParseUint(size, "Size"));
    ARBOR_ASSIGN_OR_RETURN(std::string modified, Required(c, "LastModified"));
    ARBOR_ASSIGN_OR_RETURN(obj.mtime_ns, ParseIso8601(modified));
    page.objects.push_back(std::move(obj));
  }
  if (page.truncated) {
    page.next_continuation_token = root.child_value("NextContinuationToken");
    // Without a token the listing cannot go on: stopping would hide objects.
    if (page.next_continuation_token.empty()) {
      return Status::Corruption("S3 listing is truncated but has no NextContinuationToken");
    }
  }
  return page;
}

Result<ServiceError> ParseError(std::string_view xml) {
  pugi::xml_document doc;
  ARBOR_ASSIGN_OR_RETURN(pugi::xml_node root, LoadRoot(xml, {"Error"}, &doc));
  ServiceError e;
  ARBOR_ASSIGN_OR_RETURN(e.code, Required(root, "Code"));
  if (e.code.empty()) return Status::Corruption("S3 error document has an empty <Code>");
  e.message = root.child_value("Message");
  e.region = root.child_value("Region");
  return e;
}

Result<std::string> ParseInitiateMultipartUpload(std::string_view xml) {
  pugi::xml_document doc;
  ARBOR_ASSIGN_OR_RETURN(pugi::xml_node root, LoadRoot(xml, {"InitiateMultipartUploadResult"}, &doc));
  ARBOR_ASSIGN_OR_RETURN(std::string id, Required(root, "UploadId"));
  if (id.empty()) return Status::Corruption("S3 multipart upload has an empty <UploadId>");
  return id;
}

Result<std::optional<ServiceError>> ParseCompleteMultipartUpload(std::string_view xml) {
  pugi::xml_document doc;
  ARBOR_ASSIGN_OR_RETURN(pugi::xml_node root,
                         LoadRoot(xml, {"CompleteMultipartUploadResult", "Error"}, &doc));
  if (std::string_view(root.name()) == "CompleteMultipartUploadResult") return std::optional<ServiceError>();
  ARBOR_ASSIGN_OR_RETURN(ServiceError e, ParseError(xml));
  return std::optional<ServiceError>(std::move(e));
}

Result<UploadsPage> ParseListMultipartUploads(std::string_view xml) {
  pugi::xml_document doc;
  ARBOR_ASSIGN_OR_RETURN(pugi::xml_node root, LoadRoot(xml, {"ListMultipartUploadsResult"}, &doc));
  bool url_encoded = std::string_view(root.child_value("EncodingType")) == "url";
  UploadsPage page;
  ARBOR_ASSIGN_OR_RETURN(page.truncated, ParseBool(root, "IsTruncated"));
  for (pugi::xml_node u : root.children("Upload")) {
    PendingUpload up;
    ARBOR_ASSIGN_OR_RETURN(up.key, Required(u, "Key"));
    if (url_encoded) {
      ARBOR_ASSIGN_OR_RETURN(up.key, UrlDecode(up.key));
    }
    ARBOR_ASSIGN_OR_RETURN(up.upload_id, Required(u, "UploadId"));
    if (up.key.empty() || up.upload_id.empty())
      return Status::Corruption("S3 listed an upload without key or id");
    ARBOR_ASSIGN_OR_RETURN(std::string initiated, Required(u, "Initiated"));
    ARBOR_ASSIGN_OR_RETURN(up.initiated_ns, ParseIso8601(initiated));
    page.uploads.push_back(std::move(up));
  }
  if (page.truncated) {
    page.next_key_marker = root.child_value("NextKeyMarker");
    if (url_encoded) {
      ARBOR_ASSIGN_OR_RETURN(page.next_key_marker, UrlDecode(page.next_key_marker));
    }
    page.next_upload_id_marker = root.child_value("NextUploadIdMarker");
    if (page.next_key_marker.empty()) {
      return Status::Corruption("S3 upload listing is truncated but has no NextKeyMarker");
    }
  }
  return page;
}

std::string CompleteMultipartUploadBody(const std::vector<CompletedPart>& parts) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("CompleteMultipartUpload");
  root.append_attribute("xmlns") = "http://s3.amazonaws.com/doc/2006-03-01/";
  for (const auto& p : parts) {
    pugi::xml_node part = root.append_child("Part");
    part.append_child("PartNumber").text().set(p.number);
    part.append_child("ETag").text().set(p.etag.c_str());
  }
  struct Writer : pugi::xml_writer {
    std::string out;
    void write(const void* data, size_t size) override { out.append(static_cast<const char*>(data), size); }
  } writer;
  doc.save(writer, "", pugi::format_raw | pugi::format_no_declaration);
  return writer.out;
}

Result<int64_t> ParseIso8601(std::string_view text) {
  std::tm tm{};
  int consumed = 0;
  std::string s(text);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &consumed) != 6 ||
      consumed != 19) {
    return Status::Corruption("S3 sent a malformed time '" + s.substr(0, 40) + "'");
  }
  int64_t frac_ns = 0;
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    int64_t scale = 100000000;
    for (++i; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) != 0; ++i, scale /= 10) {
      frac_ns += (s[i] - '0') * scale;
    }
  }
  if (i + 1 != s.size() || s[i] != 'Z' || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
      tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60) {
    return Status::Corruption("S3 sent a malformed time '" + s.substr(0, 40) + "'");
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return ToNs(&tm, frac_ns);
}

Result<int64_t> ParseHttpDate(std::string_view text) {
  std::tm tm{};
  std::string s(text);
  const char* end = ::strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0')
    return Status::Corruption("S3 sent a malformed date '" + s.substr(0, 40) + "'");
  return ToNs(&tm, 0);
}

}  // namespace arbor::s3
