// The XML body of List Ranges (GET ...?comp=rangelist).
//
//   <Ranges><Range><Start>0</Start><End>1023</End></Range>...
//           <ClearRange><Start/><End/></ClearRange>...<NextMarker/>?</Ranges>
// End is inclusive on the wire; ByteRange holds offset and length. Ranges must be sorted
// and non-overlapping: anything else, or a malformed document, is Status::Corruption.
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "azure/model.h"
#include "base/status.h"

namespace arbor::azure {

Result<RangeList> ParseRangeList(std::string_view xml);
// Range and ClearRange elements are written in offset order, interleaved.
std::string WriteRangeList(const RangeList& list);

}  // namespace arbor::azure
