// The admission ledger's Lua scripts. Each runs atomically in Redis and touches
// only the eight keys of one region (declared in KEYS, all sharing one hash
// tag), so the ledger works unchanged on a Redis Cluster.
//
// KEYS: 1 holds    HASH  backup id -> {n, v, c, d}: snapshots held, their volumes,
//                        confirmedAt (0 while only granted), deployment id
//       2 expiry   ZSET  backup id -> when the hold lapses (ms, Redis clock)
//       3 waiters  HASH  backup id -> {n, v, d}: what a queued backup asks for
//       4 queue    ZSET  backup id -> fair-order score (round * ROUND + seq)
//       5 rounds   HASH  tenant id -> the next round that tenant's waiter gets
//       6 volPend  HASH  volume id -> snapshots of it held
//       7 volLast  HASH  volume id -> when we last asked EC2 to snapshot it (ms)
//       8 meta     HASH  used, round, seq, ready
//
// Fair order: a tenant's k-th waiting backup gets round max(its next round,
// current round + 1), and the queue is served by round, so tenants take turns
// however many deployments each has waiting; within a tenant it is FIFO.

export const LEDGER_KEY_NAMES = [
  'holds',
  'expiry',
  'waiters',
  'queue',
  'rounds',
  'vol-pending',
  'vol-last',
  'meta',
] as const;

const PRELUDE = `
local HOLDS, EXPIRY, WAITERS, QUEUE, ROUNDS, VOLPEND, VOLLAST, META =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local ROUND = 1000000
local rcall = redis.call

local function nowMs()
  local t = rcall('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function used()
  return tonumber(rcall('HGET', META, 'used') or '0')
end

local function drop(b)
  local raw = rcall('HGET', HOLDS, b)
  if not raw then return end
  local rec = cjson.decode(raw)
  rcall('HINCRBY', META, 'used', -rec.n)
  for _, v in ipairs(rec.v) do
    if rcall('HINCRBY', VOLPEND, v, -1) <= 0 then rcall('HDEL', VOLPEND, v) end
  end
  rcall('HDEL', HOLDS, b)
  rcall('ZREM', EXPIRY, b)
end

local function put(b, rec, expiresAt)
  drop(b)
  rcall('HSET', HOLDS, b, cjson.encode(rec))
  rcall('ZADD', EXPIRY, expiresAt, b)
  rcall('HINCRBY', META, 'used', rec.n)
  for _, v in ipairs(rec.v) do rcall('HINCRBY', VOLPEND, v, 1) end
end

-- Holds whose time ran out: a granted backup that never came (its worker died
-- and the lease passed), or a confirmed one no poller has vouched for lately.
local function purge(now)
  for _, b in ipairs(rcall('ZRANGEBYSCORE', EXPIRY, '-inf', now)) do drop(b) end
end

local function unqueue(b)
  rcall('HDEL', WAITERS, b)
  rcall('ZREM', QUEUE, b)
end

-- Grants capacity to waiters in fair order while it lasts. A backup bigger than
-- the whole cap still gets its turn once nothing else is held. Returns
-- {backupId, deploymentId, ...} of the granted, for the caller to wake.
local function dispatch(now, cap, grantTtl)
  local granted = {}
  for _ = 1, 10000 do
    local head = rcall('ZRANGE', QUEUE, 0, 0, 'WITHSCORES')
    if #head == 0 then break end
    local b = head[1]
    local raw = rcall('HGET', WAITERS, b)
    if not raw then
      rcall('ZREM', QUEUE, b)
    else
      local w = cjson.decode(raw)
      local u = used()
      if u > 0 and u + w.n > cap then break end
      unqueue(b)
      put(b, {n = w.n, v = w.v, c = 0, d = w.d}, now + grantTtl)
      rcall('HSET', META, 'round', math.floor(tonumber(head[2]) / ROUND))
      table.insert(granted, b)
      table.insert(granted, w.d)
    end
  end
  return granted
end
`;

/**
 * ARGV: backupId, n, volumes (JSON array), deploymentId, tenantId, cap, grantMs
 * (a grant, to this backup or a waiter, lasts one operation lease), perVolumeMax,
 * spacingMs, retryMs.
 * Returns {verdict, waitMs, granted}: verdict is granted | queued | later | rebuild.
 */
export const RESERVE = `${PRELUDE}
if rcall('HGET', META, 'ready') ~= '1' then return {'rebuild', 0, {}} end
local b, n, vols, d, t = ARGV[1], tonumber(ARGV[2]), cjson.decode(ARGV[3]), ARGV[4], ARGV[5]
local cap, grantMs = tonumber(ARGV[6]), tonumber(ARGV[7])
local perVolume, spacing, retryMs = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local now = nowMs()
purge(now)
local granted = dispatch(now, cap, grantMs)

local raw = rcall('HGET', HOLDS, b)
if raw then
  -- Granted earlier (by us or while queued): keep it for the lease of this attempt.
  if cjson.decode(raw).c == 0 then rcall('ZADD', EXPIRY, now + grantMs, b) end
  return {'granted', 0, granted}
end

-- EBS's per-volume rules: a few pending snapshots of one volume, spaced apart.
local wait = 0
for _, v in ipairs(vols) do
  local last = tonumber(rcall('HGET', VOLLAST, v) or '0')
  if last + spacing > now then wait = math.max(wait, last + spacing - now) end
  if tonumber(rcall('HGET', VOLPEND, v) or '0') >= perVolume then wait = math.max(wait, retryMs) end
end
if wait > 0 then return {'later', wait, granted} end

if rcall('HEXISTS', WAITERS, b) == 1 then return {'queued', 0, granted} end
local u = used()
if rcall('ZCARD', QUEUE) == 0 and (u == 0 or u + n <= cap) then
  put(b, {n = n, v = vols, c = 0, d = d}, now + grantMs)
  return {'granted', 0, granted}
end

local round = tonumber(rcall('HGET', META, 'round') or '0')
local r = math.max(tonumber(rcall('HGET', ROUNDS, t) or '0'), round + 1)
rcall('HSET', ROUNDS, t, r + 1)
local seq = rcall('HINCRBY', META, 'seq', 1) % ROUND
rcall('ZADD', QUEUE, r * ROUND + seq, b)
rcall('HSET', WAITERS, b, cjson.encode({n = n, v = vols, d = d}))
return {'queued', 0, granted}
`;

/**
 * Before CreateSnapshots: the hold becomes the snapshots' own, outliving the
 * worker's lease; pollers renew it until the snapshots leave pending.
 * ARGV: backupId, n, volumes (JSON), deploymentId, holdMs. Returns now.
 */
export const CONFIRM = `${PRELUDE}
local b, n, vols, d, holdMs = ARGV[1], tonumber(ARGV[2]), cjson.decode(ARGV[3]), ARGV[4], tonumber(ARGV[5])
local now = nowMs()
unqueue(b)
put(b, {n = n, v = vols, c = now, d = d}, now + holdMs)
for _, v in ipairs(vols) do rcall('HSET', VOLLAST, v, now) end
return now
`;

/** ARGV: backupId, cap, grantMs. Gives back a hold (or a place in the queue); returns the granted. */
export const RELEASE = `${PRELUDE}
local now = nowMs()
unqueue(ARGV[1])
drop(ARGV[1])
purge(now)
return dispatch(now, tonumber(ARGV[2]), tonumber(ARGV[3]))
`;

/**
 * The poller's tick: the snapshots Postgres has in flight become the holds.
 * ARGV: entries (JSON [{b, n, v, d}]; n = 0 releases), wasReady ('1' when the
 * ledger was ready before Postgres was read), readStartedAt (Redis ms), holdMs,
 * cap, grantMs, spacingMs.
 * Confirmed holds Postgres no longer lists are dropped if they were confirmed
 * before the read began (later ones were not visible to it yet). When the
 * ledger was lost (no 'ready'), a read made after the loss rebuilds it.
 * Returns {used, granted}.
 */
export const SYNC = `${PRELUDE}
local entries, wasReady, readStartedAt = cjson.decode(ARGV[1]), ARGV[2], tonumber(ARGV[3])
local holdMs, cap, grantMs, spacing = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local now = nowMs()
purge(now)
local listed = {}
for _, e in ipairs(entries) do
  listed[e.b] = true
  if e.n == 0 then
    drop(e.b)
  else
    local c = readStartedAt
    local raw = rcall('HGET', HOLDS, e.b)
    if raw then
      local old = cjson.decode(raw).c
      if old > 0 then c = old end
    end
    put(e.b, {n = e.n, v = e.v, c = c, d = e.d}, now + holdMs)
  end
end
local all = rcall('HGETALL', HOLDS)
for i = 1, #all, 2 do
  if not listed[all[i]] then
    local c = cjson.decode(all[i + 1]).c
    if c > 0 and c < readStartedAt then drop(all[i]) end
  end
end
local last = rcall('HGETALL', VOLLAST)
for i = 1, #last, 2 do
  if tonumber(last[i + 1]) + spacing <= now then rcall('HDEL', VOLLAST, last[i]) end
end
local round = tonumber(rcall('HGET', META, 'round') or '0')
local rounds = rcall('HGETALL', ROUNDS)
for i = 1, #rounds, 2 do
  if tonumber(rounds[i + 1]) <= round + 1 then rcall('HDEL', ROUNDS, rounds[i]) end
end
if rcall('HGET', META, 'ready') ~= '1' and wasReady == '0' then rcall('HSET', META, 'ready', '1') end
local granted = dispatch(now, cap, grantMs)
return {used(), granted}
`;

/** Redis's clock (ms) and whether the ledger is ready: read by the poller before Postgres. */
export const READ_STATE = `
local t = redis.call('TIME')
local ready = redis.call('HGET', KEYS[8], 'ready') == '1' and '1' or '0'
return {tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), ready}
`;

/** For metrics and tests: {used, waiting}. */
export const STATUS = `
return {tonumber(redis.call('HGET', KEYS[8], 'used') or '0'), redis.call('ZCARD', KEYS[4])}
`;
