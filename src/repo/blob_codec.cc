#include "repo/blob_codec.h"

#include <zstd.h>

#include <memory>

#include "repo/entropy_probe.h"
#include "repo/format.h"

namespace arbor {
namespace {

struct CCtxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DCtxDeleter {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

ZSTD_CCtx* ThreadCCtx() {
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxDeleter> ctx(ZSTD_createCCtx());
  return ctx.get();
}

ZSTD_DCtx* ThreadDCtx() {
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxDeleter> ctx(ZSTD_createDCtx());
  return ctx.get();
}

std::string Raw(std::string_view raw) {
  std::string out;
  out.reserve(raw.size() + 1);
  out.push_back(static_cast<char>(format::kCodecRaw));
  out.append(raw);
  return out;
}

}  // namespace

std::optional<std::string> CompressBlob(std::string_view raw, int level) {
  if (level <= 0 || raw.size() < 64 || LooksIncompressible(raw)) return std::nullopt;
  std::string out(1 + ZSTD_compressBound(raw.size()), '\0');
  out[0] = static_cast<char>(format::kCodecZstd);
  size_t n = ZSTD_compressCCtx(ThreadCCtx(), out.data() + 1, out.size() - 1, raw.data(), raw.size(), level);
  if (ZSTD_isError(n) || n + raw.size() / 32 >= raw.size()) return std::nullopt;
  out.resize(1 + n);
  return out;
}

std::string EncodeBlob(std::string_view raw, int level) {
  auto compressed = CompressBlob(raw, level);
  return compressed ? std::move(*compressed) : Raw(raw);
}

Result<std::string> DecodeBlob(std::string_view stored, size_t raw_length) {
  if (stored.empty()) return Status::Corruption("empty blob");
  auto codec = static_cast<uint8_t>(stored[0]);
  if ((codec & format::kEncryptionMask) != 0) return Status::Unsupported("encrypted blob");
  std::string_view payload = stored.substr(1);
  switch (codec & format::kCompressionMask) {
    case format::kCodecRaw:
      if (payload.size() != raw_length) return Status::Corruption("raw blob has the wrong length");
      return std::string(payload);
    case format::kCodecZstd: {
      std::string out(raw_length, '\0');
      size_t n = ZSTD_decompressDCtx(ThreadDCtx(), out.data(), out.size(), payload.data(), payload.size());
      if (ZSTD_isError(n)) return Status::Corruption(std::string("zstd: ") + ZSTD_getErrorName(n));
      if (n != raw_length) return Status::Corruption("blob decompresses to the wrong length");
      return out;
    }
    default:
      return Status::Corruption("blob has unknown codec " + std::to_string(codec));
  }
}

Result<std::string> DecodeBlobInPlace(std::string buffer, size_t offset, size_t length, size_t raw_length) {
  std::string_view stored = std::string_view(buffer).substr(offset, length);
  // Anything but a well-formed raw blob (compressed, or an error to report) is DecodeBlob's.
  if (stored.empty() || static_cast<uint8_t>(stored[0]) != format::kCodecRaw ||
      stored.size() - 1 != raw_length) {
    return DecodeBlob(stored, raw_length);
  }
  buffer.erase(0, offset + 1);
  buffer.resize(raw_length);
  return buffer;
}

Result<size_t> DeclaredRawLength(std::string_view stored, size_t limit) {
  if (stored.empty()) return Status::Corruption("empty blob");
  std::string_view payload = stored.substr(1);
  switch (static_cast<uint8_t>(stored[0])) {
    case format::kCodecRaw:
      return payload.size();
    case format::kCodecZstd: {
      unsigned long long n = ZSTD_getFrameContentSize(payload.data(), payload.size());
      if (n == ZSTD_CONTENTSIZE_UNKNOWN || n == ZSTD_CONTENTSIZE_ERROR || n > limit) {
        return Status::Corruption("blob does not declare a usable length");
      }
      return static_cast<size_t>(n);
    }
    default:
      return Status::Corruption("blob has unknown codec " + std::to_string(static_cast<uint8_t>(stored[0])));
  }
}

}  // namespace arbor
