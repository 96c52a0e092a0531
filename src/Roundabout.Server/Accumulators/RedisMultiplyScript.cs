using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Roundabout.Contracts;
using Roundabout.Contracts.Sessions;

namespace Roundabout.Server.Accumulators;

/// <summary>
/// The Lua script that applies a batch of multiplies inside Redis, as the embedded database's
/// atomic op does: in order, each with its dedupe record or its session record, in one step no
/// other client can interleave with, so replicas never conflict and nothing is read first. Lua
/// numbers are doubles, so products are computed exactly on decimal strings (schoolbook
/// multiplication in base 10^7 limbs, whose partial sums stay below 2^53); small products take the
/// native path. No Redis command multiplies big integers, which is why this is written by hand.
/// Session records follow <see cref="SessionRecord"/> line by line (<c>decide</c> is its
/// <c>Decide</c>), in the same ASCII form; sequences are exact as doubles up to 2^53.
/// </summary>
internal static class RedisMultiplyScript
{
    // Reply statuses, the first element of the script's reply.
    public const long Overflow = 0;
    public const long Applied = 1;
    public const long NotAnInteger = 2;
    public const long NotASessionRecord = 3;

    // Each multiply's status in the reply: applied, replayed, or refused by its session.
    public const long OpApplied = 0;
    public const long OpReplayed = 1;
    public const long OpAlreadyConfirmed = 2;
    public const long OpUnknownSession = 3;
    public const long OpTooManyInFlight = 4;

    /// <summary>The ARGV entries before the multiplies', and how many each multiply has.</summary>
    public const int HeaderArgs = 4;
    public const int ArgsPerOp = 4;

    /// <summary>
    /// KEYS[1] the accumulator; KEYS[2..] dedupe and session records. ARGV[1] the dedupe window in
    /// ms, ARGV[2] the cap (2^4096 in decimal), ARGV[3] the session TTL in ms, ARGV[4] the most
    /// answers a session record keeps; then for each multiply its factor, the index in KEYS of its
    /// record (0: none), its session sequence (0: the record is a request's dedupe record) and its
    /// session's confirmation floor. Replies {1, value1, status1, value2, status2, ...} with the
    /// Op* statuses (the value is the first one when replayed, empty when refused); or {0} when a
    /// product would reach the cap, {2} when the stored value is not a decimal integer and
    /// {3, index} when KEYS[index] holds no session record; nothing was written in those three
    /// cases. Each changed session record is written once, at the end, with the session TTL.
    /// </summary>
    public const string Source = """
        local function below(a, b)
          if #a ~= #b then return #a < #b end
          return a < b
        end
        local function limbs(s)
          local t = {}
          for i = #s, 1, -7 do t[#t + 1] = tonumber(string.sub(s, math.max(1, i - 6), i)) end
          return t
        end
        local function mul(a, b)
          local negative = false
          if string.sub(a, 1, 1) == '-' then negative = not negative; a = string.sub(a, 2) end
          if string.sub(b, 1, 1) == '-' then negative = not negative; b = string.sub(b, 2) end
          if a == '0' or b == '0' then return '0' end
          local sign = negative and '-' or ''
          if #a + #b <= 15 then return sign .. string.format('%.0f', tonumber(a) * tonumber(b)) end
          local x, y, r = limbs(a), limbs(b), {}
          for i = 1, #x + #y do r[i] = 0 end
          for i = 1, #x do
            local carry, xi = 0, x[i]
            for j = 1, #y do
              local t = r[i + j - 1] + xi * y[j] + carry
              carry = math.floor(t / 10000000)
              r[i + j - 1] = t - carry * 10000000
            end
            local k = i + #y
            while carry > 0 do
              local t = r[k] + carry
              carry = math.floor(t / 10000000)
              r[k] = t - carry * 10000000
              k = k + 1
            end
          end
          local n = #r
          while n > 1 and r[n] == 0 do n = n - 1 end
          local parts = { string.format('%d', r[n]) }
          for i = n - 1, 1, -1 do parts[#parts + 1] = string.format('%07d', r[i]) end
          return sign .. table.concat(parts)
        end

        local function encode(s)
          local sequences = {}
          for sequence in pairs(s.answers) do sequences[#sequences + 1] = sequence end
          table.sort(sequences)
          local parts = { string.format('%.0f', s.floor) }
          for _, sequence in ipairs(sequences) do
            parts[#parts + 1] = string.format('%.0f', sequence) .. '=' .. s.answers[sequence]
          end
          return table.concat(parts, ' ')
        end
        local function decode(text)
          local s = { floor = tonumber(string.match(text, '^%d+')), answers = {}, count = 0 }
          if not s.floor or s.floor < 1 then return nil end
          for sequence, answer in string.gmatch(text, ' (%d+)=(%-?%d+)') do
            sequence = tonumber(sequence)
            if sequence < s.floor then return nil end
            s.answers[sequence] = answer
            s.count = s.count + 1
          end
          -- Anything the pattern skipped, or a sequence twice, does not encode back to the text.
          if encode(s) ~= text then return nil end
          return s
        end
        local sessions = {}
        local function decide(key, sequence, confirmed)
          local s = sessions[key]
          if not s then
            -- The client has answers below its floor, so the record expired or was lost:
            -- whether this sequence was applied cannot be known, so nothing is applied.
            if confirmed > 1 then return 3 end
            s = { floor = 1, answers = {}, count = 0 }
            sessions[key] = s
          end
          if confirmed > s.floor then
            s.floor, s.changed = confirmed, true
            for kept in pairs(s.answers) do
              if kept < confirmed then s.answers[kept] = nil; s.count = s.count - 1 end
            end
          end
          if sequence < s.floor then return 2 end
          if s.answers[sequence] then return 1, s.answers[sequence] end
          if s.count >= tonumber(ARGV[4]) then return 4 end
          return 0
        end

        local value = redis.call('GET', KEYS[1])
        if not value then
          value = '1'
        elseif not string.match(value, '^%-?%d+$') then
          return { 2 }
        end
        local changed, firsts, reply = false, {}, { 1 }
        for k = 0, (#ARGV - 4) / 4 - 1 do
          local factor, key = ARGV[5 + 4 * k], tonumber(ARGV[6 + 4 * k])
          local sequence, confirmed = tonumber(ARGV[7 + 4 * k]), tonumber(ARGV[8 + 4 * k])
          local status, first = 0, false
          if key > 0 and sequence == 0 then
            first = firsts[key] or redis.call('GET', KEYS[key])
            if first then status = 1 end
          elseif key > 0 then
            if sessions[key] == nil then
              local text = redis.call('GET', KEYS[key])
              sessions[key] = text and decode(text) or false
              if text and not sessions[key] then return { 3, key } end
            end
            status, first = decide(key, sequence, confirmed)
          end
          if status == 0 then
            value = mul(value, factor)
            local magnitude = value
            if string.sub(magnitude, 1, 1) == '-' then magnitude = string.sub(magnitude, 2) end
            if not below(magnitude, ARGV[2]) then return { 0 } end
            changed, first = true, value
            if key > 0 and sequence == 0 then
              firsts[key] = value
            elseif key > 0 then
              local s = sessions[key]
              s.answers[sequence], s.count, s.changed = value, s.count + 1, true
            end
          end
          reply[#reply + 1] = first or ''
          reply[#reply + 1] = status
        end
        if changed then redis.call('SET', KEYS[1], value) end
        for key, first in pairs(firsts) do redis.call('SET', KEYS[key], first, 'PX', ARGV[1]) end
        for key, s in pairs(sessions) do
          if s and s.changed then redis.call('SET', KEYS[key], encode(s), 'PX', ARGV[3]) end
        end
        return reply
        """;

    /// <summary>The script's SHA-1, for EVALSHA: Redis names cached scripts by it (an identifier, not a security measure).</summary>
#pragma warning disable CA5350
    public static readonly byte[] Hash = SHA1.HashData(Encoding.UTF8.GetBytes(Source));
#pragma warning restore CA5350

    /// <summary>The cap as the script compares it: 2^4096 in decimal.</summary>
    public static readonly string Cap = ExactInteger.Limit.ToString(CultureInfo.InvariantCulture);
}
