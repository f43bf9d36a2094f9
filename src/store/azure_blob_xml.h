// The XML documents of the Azure Blob service that the blob store reads and writes:
//
//   List Blobs response   <EnumerationResults ContainerName=".."><Prefix/><Marker/>
//                           <Blobs><Blob><Name>a/b</Name><Properties><Last-Modified>..
//                           <Content-Length>11</Content-Length><AccessTier>Hot</AccessTier>..
//                           </Properties></Blob>..</Blobs><NextMarker>..</NextMarker>
//                         </EnumerationResults>
//   Put Block List body   <?xml ..?><BlockList><Latest>id</Latest>..</BlockList>
//
// and the block ids of one upload. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace arbor::azblob {

struct BlobItem {
  std::string name;  // decoded (Encoded="true" names are percent-decoded)
  uint64_t size = 0;
  int64_t mtime_ns = 0;     // Last-Modified; 0 when absent
  std::string access_tier;  // "Hot", "Cool", "Cold", "Archive", or "" when not reported
};

struct BlobPage {
  std::vector<BlobItem> blobs;
  std::string next_marker;  // empty when the listing is complete
};

// Corruption when the document is malformed, truncated, or a blob lacks its name or size.
Result<BlobPage> ParseBlobList(std::string_view xml);

// The body of Put Block List committing `block_ids` (base64) in order, all from the
// uncommitted set of this upload ("Latest").
std::string BlockListXml(const std::vector<std::string>& block_ids);

// The id of block `index` of the upload `upload_nonce` (16 characters): base64 of a
// fixed-length text, since all ids of one blob must have the same length.
std::string BlockId(std::string_view upload_nonce, uint32_t index);

}  // namespace arbor::azblob
