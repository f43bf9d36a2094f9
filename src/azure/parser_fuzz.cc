#include "azure/parser_fuzz.h"

#include <string_view>

#include "azure/error_xml.h"
#include "azure/file_attributes.h"
#include "azure/listing_xml.h"
#include "azure/property_headers.h"
#include "azure/range_list_xml.h"
#include "azure/share_list_xml.h"

namespace arbor::azure {
namespace {

bool Acceptable(const Status& s) {
  return s.ok() || s.Is(StatusCode::kCorruption) || s.Is(StatusCode::kInvalidArgument);
}

}  // namespace

bool FuzzParsersOnce(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  bool ok = Acceptable(ParseDirectoryListing(in).status());
  ok &= Acceptable(ParseShareList(in).status());
  ok &= Acceptable(ParseRangeList(in).status());
  ok &= Acceptable(ParseErrorBody(in).status());
  ok &= Acceptable(ParseSmbTime(in).status());
  ok &= Acceptable(ParseHttpDate(in).status());
  ok &= Acceptable(ParseFileAttributes(in).status());
  size_t colon = in.find(':');
  if (colon != std::string_view::npos) {
    http::HeaderList headers = {{std::string(in.substr(0, colon)), std::string(in.substr(colon + 1))}};
    ok &= Acceptable(ParseItemProperties(headers, false, true).status());
  }
  return ok;
}

}  // namespace arbor::azure
