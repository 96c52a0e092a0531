using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Roundabout.Contracts;

namespace Roundabout.Server.Accumulators;

/// <summary>
/// The Lua script that applies a batch of multiplies inside Redis, as the embedded database's
/// atomic op does: in order, each with its dedupe record, in one step no other client can
/// interleave with, so replicas never conflict and nothing is read first. Lua numbers are
/// doubles, so products are computed exactly on decimal strings (schoolbook multiplication in
/// base 10^7 limbs, whose partial sums stay below 2^53); small products take the native path.
/// No Redis command multiplies big integers, which is why this is written by hand.
/// </summary>
internal static class RedisMultiplyScript
{
    // Reply statuses, the first element of the script's reply.
    public const long Overflow = 0;
    public const long Applied = 1;
    public const long NotAnInteger = 2;

    /// <summary>
    /// KEYS[1] the accumulator; KEYS[2..] dedupe records. ARGV[1] the dedupe window in ms,
    /// ARGV[2] the cap (2^4096 in decimal); then for each multiply its factor and the index in
    /// KEYS of its dedupe record (0: none). Replies {1, value1, replayed1, value2, replayed2, ...},
    /// or {0} when a product would reach the cap and {2} when the stored value is not a decimal
    /// integer; in both cases nothing was written.
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

        local value = redis.call('GET', KEYS[1])
        if not value then
          value = '1'
        elseif not string.match(value, '^%-?%d+$') then
          return { 2 }
        end
        local changed, firsts, reply = false, {}, { 1 }
        for k = 1, (#ARGV - 2) / 2 do
          local factor, record = ARGV[1 + 2 * k], tonumber(ARGV[2 + 2 * k])
          local first = false
          if record > 0 then first = firsts[record] or redis.call('GET', KEYS[record]) end
          if first then
            reply[#reply + 1] = first
            reply[#reply + 1] = 1
          else
            value = mul(value, factor)
            local magnitude = value
            if string.sub(magnitude, 1, 1) == '-' then magnitude = string.sub(magnitude, 2) end
            if not below(magnitude, ARGV[2]) then return { 0 } end
            changed = true
            if record > 0 then firsts[record] = value end
            reply[#reply + 1] = value
            reply[#reply + 1] = 0
          end
        end
        if changed then redis.call('SET', KEYS[1], value) end
        for record, first in pairs(firsts) do redis.call('SET', KEYS[record], first, 'PX', ARGV[1]) end
        return reply
        """;

    /// <summary>The script's SHA-1, for EVALSHA: Redis names cached scripts by it (an identifier, not a security measure).</summary>
#pragma warning disable CA5350
    public static readonly byte[] Hash = SHA1.HashData(Encoding.UTF8.GetBytes(Source));
#pragma warning restore CA5350

    /// <summary>The cap as the script compares it: 2^4096 in decimal.</summary>
    public static readonly string Cap = ExactInteger.Limit.ToString(CultureInfo.InvariantCulture);
}
