using System.Globalization;
using System.Text;
using Roundabout.Cli.ClientSetup;

namespace Roundabout.Cli.Verify;

/// <summary>The verdict of a verify run, as text or JSON on stdout, and its history (JSON lines) when asked for or when the check failed.</summary>
internal static class VerifyReport
{
    /// <summary>Writes the verdict (and the history); returns the exit code: 0 when consistent, 1 otherwise.</summary>
    public static async Task<int> WriteAsync(VerifyOptions options, IReadOnlyList<MultiplyRecord> records, System.Numerics.BigInteger final, Verdict verdict, string? history, bool json, CancellationToken cancellationToken)
    {
        var historyPath = history ?? (verdict.Consistent ? null : $"{options.Name}-history.jsonl");
        if (historyPath is not null)
        {
            await File.WriteAllLinesAsync(historyPath, records.Select(ToJson), cancellationToken);
        }

        Console.WriteLine(json ? VerdictJson(options, verdict, historyPath) : VerdictText(options, verdict, final, historyPath));
        return verdict.Consistent ? 0 : 1;
    }

    private static string VerdictText(VerifyOptions options, Verdict v, System.Numerics.BigInteger final, string? historyPath)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(string.Create(c, $"[Verify] {v.Acknowledged + v.Unknown + v.Refused} multiplies of accumulator '{options.Name}' by distinct primes, {options.Concurrency} at a time"));
        text.AppendLine(string.Create(c, $"  acknowledged {v.Acknowledged}, unknown outcome {v.Unknown} (applied {v.UnknownApplied}), refused {v.Refused}"));
        text.AppendLine(string.Create(c, $"  final value: {final.ToString(c).Length} digits, factored over the run's primes"));
        text.AppendLine(string.Create(c, $"  lost {v.Lost.Count}, doubled {v.Doubled.Count}, applied though refused {v.AppliedThoughRefused.Count}, foreign {(v.Foreign is null ? 0 : 1)}"));
        if (!v.Consistent)
        {
            AppendList(text, "lost (acknowledged, not applied)", v.Lost);
            AppendList(text, "doubled (applied more than once)", v.Doubled);
            AppendList(text, "applied though refused", v.AppliedThoughRefused);
            if (v.Foreign is { } foreign)
            {
                text.AppendLine($"  foreign factor (no multiply of this run put it there): {(foreign.Length > 40 ? foreign[..40] + "..." : foreign)}");
            }
        }

        if (historyPath is not null)
        {
            text.AppendLine($"  history: {historyPath}");
        }

        text.Append(v.Consistent ? "[Verify] OK: every acknowledged multiply was applied exactly once." : "[Verify] FAILED: the accumulator broke its promise (see above).");
        return text.ToString();
    }

    private static void AppendList(StringBuilder text, string what, IReadOnlyList<int> primes)
    {
        if (primes.Count > 0)
        {
            text.AppendLine($"  {what}: {string.Join(", ", primes.Take(20).Select(p => p.ToString(CultureInfo.InvariantCulture)))}{(primes.Count > 20 ? ", ..." : string.Empty)}");
        }
    }

    private static string VerdictJson(VerifyOptions options, Verdict v, string? historyPath) => ClientJson.Write(w =>
    {
        w.WriteString("name", options.Name);
        w.WriteBoolean("consistent", v.Consistent);
        w.WriteNumber("acknowledged", v.Acknowledged);
        w.WriteNumber("unknown", v.Unknown);
        w.WriteNumber("unknown_applied", v.UnknownApplied);
        w.WriteNumber("refused", v.Refused);
        w.WriteNumber("lost", v.Lost.Count);
        w.WriteNumber("doubled", v.Doubled.Count);
        w.WriteNumber("applied_though_refused", v.AppliedThoughRefused.Count);
        w.WriteNumber("foreign", v.Foreign is null ? 0 : 1);
        if (historyPath is not null)
        {
            w.WriteString("history", historyPath);
        }
    });

    private static string ToJson(MultiplyRecord record) => ClientJson.Write(w =>
    {
        w.WriteNumber("prime", record.Prime);
        w.WriteString("outcome", record.Outcome.ToString().ToLowerInvariant());
        if (record.RequestId.Length > 0)
        {
            w.WriteString("request_id", record.RequestId);
        }

        if (record.Result is { } value)
        {
            w.WriteString("result", value.Length > 60 ? value[..60] + "..." : value);
        }

        if (record.Error is { } error)
        {
            w.WriteString("error", error);
        }
    });
}
