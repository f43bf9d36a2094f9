#include "crypto/kdf.h"

#include <argon2.h>

#include <algorithm>
#include <thread>

namespace arbor::crypto {
namespace {

uint8_t* Mutable(std::string_view s) {
  // libargon2's context takes non-const pointers but only reads password, salt, secret
  // and AD when the clear-* flags are off (ARGON2_DEFAULT_FLAGS).
  return reinterpret_cast<uint8_t*>(const_cast<char*>(s.data()));
}

}  // namespace

KdfParams KdfParams::Default() {
  KdfParams p;
  p.salt = RandomBytes(kDefaultSaltBytes);
  return p;
}

Status KdfParams::Validate() const {
  if (time_cost < 1 || time_cost > kMaxTimeCost) {
    return Status::Corruption("Argon2id time_cost " + std::to_string(time_cost) + " is outside 1.." +
                              std::to_string(kMaxTimeCost));
  }
  if (parallelism < 1 || parallelism > kMaxParallelism) {
    return Status::Corruption("Argon2id parallelism " + std::to_string(parallelism) + " is outside 1.." +
                              std::to_string(kMaxParallelism));
  }
  if (memory_kib < 8 * parallelism || memory_kib > kMaxMemoryKib) {
    return Status::Corruption("Argon2id memory_kib " + std::to_string(memory_kib) + " is outside " +
                              std::to_string(8 * parallelism) + ".." + std::to_string(kMaxMemoryKib));
  }
  if (salt.size() < kMinSaltBytes || salt.size() > kMaxSaltBytes) {
    return Status::Corruption("Argon2id salt of " + std::to_string(salt.size()) + " bytes is outside " +
                              std::to_string(kMinSaltBytes) + ".." + std::to_string(kMaxSaltBytes));
  }
  return Status::Ok();
}

Result<SecretBytes> Argon2id(std::string_view password, std::string_view salt, uint32_t time_cost,
                             uint32_t memory_kib, uint32_t parallelism, std::string_view secret,
                             std::string_view associated_data, size_t output_bytes) {
  SecretBytes out(output_bytes);
  argon2_context ctx{};
  ctx.out = reinterpret_cast<uint8_t*>(out.data());
  ctx.outlen = static_cast<uint32_t>(output_bytes);
  ctx.pwd = Mutable(password);
  ctx.pwdlen = static_cast<uint32_t>(password.size());
  ctx.salt = Mutable(salt);
  ctx.saltlen = static_cast<uint32_t>(salt.size());
  ctx.secret = secret.empty() ? nullptr : Mutable(secret);
  ctx.secretlen = static_cast<uint32_t>(secret.size());
  ctx.ad = associated_data.empty() ? nullptr : Mutable(associated_data);
  ctx.adlen = static_cast<uint32_t>(associated_data.size());
  ctx.t_cost = time_cost;
  ctx.m_cost = memory_kib;
  ctx.lanes = parallelism;
  // The lanes' result does not depend on the threads; more threads than cores would
  // only take turns.
  ctx.threads = std::clamp<uint32_t>(std::thread::hardware_concurrency(), 1, parallelism);
  ctx.version = ARGON2_VERSION_13;
  ctx.flags = ARGON2_DEFAULT_FLAGS;
  int rc = argon2_ctx(&ctx, Argon2_id);
  if (rc == ARGON2_MEMORY_ALLOCATION_ERROR) {
    return Status::NoSpace("Argon2id could not allocate " + std::to_string(memory_kib) + " KiB");
  }
  if (rc != ARGON2_OK) return Status::InvalidArgument(std::string("Argon2id: ") + argon2_error_message(rc));
  return out;
}

Result<SecretBytes> DeriveKeyEncryptionKey(std::string_view passphrase, const KdfParams& params) {
  if (passphrase.empty()) return Status::InvalidArgument("empty password");
  ARBOR_RETURN_IF_ERROR(params.Validate());
  return Argon2id(passphrase, params.salt, params.time_cost, params.memory_kib, params.parallelism, {}, {},
                  32);
}

}  // namespace arbor::crypto
