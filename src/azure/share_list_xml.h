// The XML body of List Shares (GET /?comp=list).
//
//   <EnumerationResults ServiceEndpoint="..">
//     <Prefix/>? <Marker/>? <MaxResults/>?
//     <Shares><Share><Name/><Snapshot/>?<Properties><Last-Modified/><Etag/><Quota/>...</Properties>
//       <Metadata><k>v</k></Metadata>?</Share></Shares>
//     <NextMarker/>
//   </EnumerationResults>
// Malformed or truncated documents give Status::Corruption. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "azure/model.h"
#include "base/status.h"

namespace arbor::azure {

Result<SharePage> ParseShareList(std::string_view xml);
std::string WriteShareList(const SharePage& page);

}  // namespace arbor::azure
