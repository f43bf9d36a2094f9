#include "store/azure_blob_xml.h"

#include <cstdio>

#include "azure/crypto.h"
#include "azure/xml_util.h"

namespace arbor::azblob {

namespace xml = azure::xml;

Result<BlobPage> ParseBlobList(std::string_view text) {
  pugi::xml_document doc;
  ARBOR_RETURN_IF_ERROR(xml::Load(text, "EnumerationResults", &doc));
  pugi::xml_node root = doc.child("EnumerationResults");
  BlobPage page;
  for (pugi::xml_node blob : root.child("Blobs").children("Blob")) {
    BlobItem item;
    pugi::xml_node name = blob.child("Name");
    if (!name) return Status::Corruption("blob listing entry without <Name>");
    ARBOR_ASSIGN_OR_RETURN(item.name, xml::MaybeEncodedText(name));
    pugi::xml_node props = blob.child("Properties");
    if (!props) return Status::Corruption("blob '" + item.name + "' listed without <Properties>");
    auto size = xml::Uint(props, "Content-Length");
    if (!size.ok()) return size.status().Annotate("blob '" + item.name + "'");
    item.size = *size;
    std::optional<azure::FileTime> modified;
    ARBOR_RETURN_IF_ERROR(
        xml::OptionalHttpDate(props, "Last-Modified", &modified).Annotate("blob '" + item.name + "'"));
    if (modified) item.mtime_ns = modified->UnixNanos();
    item.access_tier = props.child_value("AccessTier");
    page.blobs.push_back(std::move(item));
  }
  page.next_marker = root.child_value("NextMarker");
  return page;
}

std::string BlockListXml(const std::vector<std::string>& block_ids) {
  // Block ids are base64: nothing in them needs XML escaping.
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>";
  for (const std::string& id : block_ids) out += "<Latest>" + id + "</Latest>";
  out += "</BlockList>";
  return out;
}

std::string BlockId(std::string_view upload_nonce, uint32_t index) {
  char suffix[16];
  std::snprintf(suffix, sizeof(suffix), "-%08u", index);
  return azure::Base64Encode(std::string(upload_nonce) + suffix);
}

}  // namespace arbor::azblob
