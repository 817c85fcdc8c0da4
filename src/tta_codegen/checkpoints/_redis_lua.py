"""Server-side scripts of the Redis saver: one round trip per operation.

Key layout (``B`` = ``{prefix}:th:{thread}:``, ``N`` = a namespace; thread and
namespace are percent-encoded, so neither contains ``:`` or a glob character):

- ``B nss``       SET   the thread's namespaces
- ``B N:idx``     ZSET  checkpoint ids, score 0, ordered by id (= by time)
- ``B N:cps``     HASH  checkpoint id -> record (parent, checkpoint, metadata)
- ``B N:wr``      HASH  "id\\0task\\0idx" -> pending write
- ``B N:widx``    ZSET  the ``wr`` fields, so one checkpoint's writes are a range
- ``B N:run``     HASH  checkpoint id -> run_id (for ``delete_for_runs``)
- ``{prefix}:threads`` ZSET thread id -> time of its last write (us)

A thread has 1 + 5 x namespaces keys whatever its length, so every write can
refresh the expiry of all of them in the same script.
"""

from __future__ import annotations

__all__ = [
    "APUT",
    "APUT_WRITES",
    "COPY",
    "DELETE_RUNS",
    "GET",
    "LIST",
    "TRIM",
]

_LIB = r"""
local function ns_keys(base, ns)
  local p = base .. ns .. ':'
  return {p .. 'idx', p .. 'cps', p .. 'wr', p .. 'widx', p .. 'run'}
end

local function writes_of(k, cid)
  return redis.call('ZRANGEBYLEX', k[4], '[' .. cid .. '\0', '(' .. cid .. '\1')
end

local function drop_checkpoints(k, cids)
  for _, cid in ipairs(cids) do
    redis.call('ZREM', k[1], cid)
    redis.call('HDEL', k[2], cid)
    redis.call('HDEL', k[5], cid)
    local ws = writes_of(k, cid)
    for _, f in ipairs(ws) do
      redis.call('HDEL', k[3], f)
      redis.call('ZREM', k[4], f)
    end
  end
end

local function trim(k, keep)
  local n = redis.call('ZCARD', k[1])
  if n > keep then
    drop_checkpoints(k, redis.call('ZRANGE', k[1], 0, n - keep - 1))
  end
end

local function touch(base, threads, thread_id, ttl_ms)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
  redis.call('ZADD', threads, string.format('%.17g', now), thread_id)
  if ttl_ms > 0 then
    local oldest = now - ttl_ms * 1000
    redis.call('ZREMRANGEBYSCORE', threads, '-inf', string.format('(%.17g', oldest))
    local nsk = base .. 'nss'
    for _, ns in ipairs(redis.call('SMEMBERS', nsk)) do
      for _, key in ipairs(ns_keys(base, ns)) do
        redis.call('PEXPIRE', key, ttl_ms)
      end
    end
    redis.call('PEXPIRE', nsk, ttl_ms)
  end
end

local function with_writes(out, k, cid, rec, counted)
  local vals = {}
  local ws = writes_of(k, cid)
  if #ws > 0 then
    for _, v in ipairs(redis.call('HMGET', k[3], unpack(ws))) do
      if v then table.insert(vals, v) end
    end
  end
  table.insert(out, cid)
  table.insert(out, rec)
  if counted then table.insert(out, #vals) end
  for _, v in ipairs(vals) do table.insert(out, v) end
end
"""

# ARGV: base, ns, cid, record, run_id, ttl_ms, keep_last, thread_id, threads_key
APUT = (
    _LIB
    + r"""
local base, ns, cid = ARGV[1], ARGV[2], ARGV[3]
local k = ns_keys(base, ns)
redis.call('SADD', base .. 'nss', ns)
redis.call('ZADD', k[1], 0, cid)
redis.call('HSET', k[2], cid, ARGV[4])
if ARGV[5] ~= '' then redis.call('HSET', k[5], cid, ARGV[5]) end
local keep = tonumber(ARGV[7])
if keep > 0 then trim(k, keep) end
touch(base, ARGV[9], ARGV[8], tonumber(ARGV[6]))
return 1
"""
)

# ARGV: base, ns, cid, ttl_ms, thread_id, threads_key, mode, (field, record)...
APUT_WRITES = (
    _LIB
    + r"""
local base, ns, cid = ARGV[1], ARGV[2], ARGV[3]
local k = ns_keys(base, ns)
local cmd = 'HSETNX'
if ARGV[7] == 'replace' then cmd = 'HSET' end
for i = 8, #ARGV, 2 do
  local f = cid .. '\0' .. ARGV[i]
  redis.call(cmd, k[3], f, ARGV[i + 1])
  redis.call('ZADD', k[4], 0, f)
end
redis.call('SADD', base .. 'nss', ns)
touch(base, ARGV[6], ARGV[5], tonumber(ARGV[4]))
return 1
"""
)

# ARGV: base, ns, cid ('' = latest) -> {cid, record, write...} or nil
GET = (
    _LIB
    + r"""
local k = ns_keys(ARGV[1], ARGV[2])
local cid = ARGV[3]
if cid == '' then
  local last = redis.call('ZREVRANGE', k[1], 0, 0)
  if #last == 0 then return nil end
  cid = last[1]
end
local rec = redis.call('HGET', k[2], cid)
if not rec then return nil end
local out = {}
with_writes(out, k, cid, rec, false)
return out
"""
)

# ARGV: base, ns, before ('' = none), count -> {cid, record, n, write x n, ...}
LIST = (
    _LIB
    + r"""
local k = ns_keys(ARGV[1], ARGV[2])
local max = '+'
if ARGV[3] ~= '' then max = '(' .. ARGV[3] end
local cids = redis.call('ZREVRANGEBYLEX', k[1], max, '-', 'LIMIT', 0, tonumber(ARGV[4]))
local out = {}
for _, cid in ipairs(cids) do
  local rec = redis.call('HGET', k[2], cid)
  if rec then with_writes(out, k, cid, rec, true) end
end
return out
"""
)

# ARGV: base, keep -> keeps the newest `keep` checkpoints of every namespace
TRIM = (
    _LIB
    + r"""
local keep = tonumber(ARGV[2])
for _, ns in ipairs(redis.call('SMEMBERS', ARGV[1] .. 'nss')) do
  trim(ns_keys(ARGV[1], ns), keep)
end
return 1
"""
)

# ARGV: base, run_id...
DELETE_RUNS = (
    _LIB
    + r"""
local want = {}
for i = 2, #ARGV do want[ARGV[i]] = true end
for _, ns in ipairs(redis.call('SMEMBERS', ARGV[1] .. 'nss')) do
  local k = ns_keys(ARGV[1], ns)
  local kv = redis.call('HGETALL', k[5])
  local drop = {}
  for i = 1, #kv, 2 do
    if want[kv[i + 1]] then table.insert(drop, kv[i]) end
  end
  drop_checkpoints(k, drop)
end
return 1
"""
)

# ARGV: src_base, dst_base, ttl_ms, dst_thread, threads_key -> copied namespaces
COPY = (
    _LIB
    + r"""
local src, dst = ARGV[1], ARGV[2]
local copied = 0
for _, ns in ipairs(redis.call('SMEMBERS', src .. 'nss')) do
  local s, d = ns_keys(src, ns), ns_keys(dst, ns)
  for _, i in ipairs({2, 3, 5}) do
    local kv = redis.call('HGETALL', s[i])
    for j = 1, #kv, 2 do redis.call('HSET', d[i], kv[j], kv[j + 1]) end
  end
  for _, i in ipairs({1, 4}) do
    for _, m in ipairs(redis.call('ZRANGE', s[i], 0, -1)) do
      redis.call('ZADD', d[i], 0, m)
    end
  end
  redis.call('SADD', dst .. 'nss', ns)
  copied = copied + 1
end
if copied > 0 then touch(dst, ARGV[5], ARGV[4], tonumber(ARGV[3])) end
return copied
"""
)
