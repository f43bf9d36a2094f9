#include "azure/range_list_xml.h"

#include <algorithm>

#include "azure/xml_util.h"

namespace arbor::azure {
namespace {

Result<ByteRange> ParseRange(const pugi::xml_node& node) {
  ARBOR_ASSIGN_OR_RETURN(uint64_t start, xml::Uint(node, "Start"));
  ARBOR_ASSIGN_OR_RETURN(uint64_t end, xml::Uint(node, "End"));
  if (end < start || end == UINT64_MAX) return Status::Corruption("range with End before Start");
  return ByteRange{start, end - start + 1};
}

Status CheckSortedDisjoint(const std::vector<ByteRange>& ranges) {
  for (size_t i = 1; i < ranges.size(); ++i) {
    if (ranges[i].offset < ranges[i - 1].end()) return Status::Corruption("ranges overlap or are unsorted");
  }
  return Status::Ok();
}

void AddRange(pugi::xml_node root, const char* name, const ByteRange& r) {
  pugi::xml_node n = root.append_child(name);
  xml::AddText(n, "Start", std::to_string(r.offset));
  xml::AddText(n, "End", std::to_string(r.end() - 1));
}

}  // namespace

Result<RangeList> ParseRangeList(std::string_view text) {
  pugi::xml_document doc;
  ARBOR_RETURN_IF_ERROR(xml::Load(text, "Ranges", &doc));
  RangeList out;
  for (pugi::xml_node n : doc.document_element().children()) {
    std::string_view kind = n.name();
    if (kind == "Range" || kind == "ClearRange") {
      ARBOR_ASSIGN_OR_RETURN(ByteRange r, ParseRange(n));
      (kind == "Range" ? out.ranges : out.clear_ranges).push_back(r);
    } else if (kind == "NextMarker") {
      out.next_marker = n.child_value();
    }
  }
  ARBOR_RETURN_IF_ERROR(CheckSortedDisjoint(out.ranges));
  ARBOR_RETURN_IF_ERROR(CheckSortedDisjoint(out.clear_ranges));
  return out;
}

std::string WriteRangeList(const RangeList& list) {
  pugi::xml_document doc;
  pugi::xml_node root = xml::StartDocument(&doc, "Ranges");
  size_t i = 0, j = 0;
  while (i < list.ranges.size() || j < list.clear_ranges.size()) {
    bool take_range = j == list.clear_ranges.size() ||
                      (i < list.ranges.size() && list.ranges[i].offset <= list.clear_ranges[j].offset);
    if (take_range) {
      AddRange(root, "Range", list.ranges[i++]);
    } else {
      AddRange(root, "ClearRange", list.clear_ranges[j++]);
    }
  }
  if (!list.next_marker.empty()) xml::AddText(root, "NextMarker", list.next_marker);
  return xml::Serialize(doc);
}

}  // namespace arbor::azure
