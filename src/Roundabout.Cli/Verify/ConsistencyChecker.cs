using System.Numerics;

namespace Roundabout.Cli.Verify;

/// <summary>
/// The exact check for a product accumulator (as Jepsen checks a history): every multiply was by a
/// distinct prime, so factoring the final value shows which were applied and how often. An
/// acknowledged multiply must appear exactly once, an unknown one at most once, a refused one never,
/// and nothing else may divide the value.
/// </summary>
internal static class ConsistencyChecker
{
    public static Verdict Check(IReadOnlyList<MultiplyRecord> history, BigInteger finalValue)
    {
        var remaining = BigInteger.Abs(finalValue);
        var lost = new List<int>();
        var doubled = new List<int>();
        var appliedThoughRefused = new List<int>();
        var unknownApplied = 0;
        foreach (var record in history)
        {
            var times = 0;
            while (!remaining.IsZero && remaining % record.Prime == 0)
            {
                remaining /= record.Prime;
                times++;
            }

            switch (record.Outcome)
            {
                case MultiplyOutcomeKind.Acknowledged when times == 0:
                    lost.Add(record.Prime);
                    break;
                case MultiplyOutcomeKind.Refused when times > 0:
                    appliedThoughRefused.Add(record.Prime);
                    break;
                case MultiplyOutcomeKind.Unknown when times == 1:
                    unknownApplied++;
                    break;
            }

            if (times > 1)
            {
                doubled.Add(record.Prime);
            }
        }

        // A zero value, or a factor that no multiply of this run put there, is foreign.
        var foreign = finalValue.IsZero ? "0" : remaining == BigInteger.One ? null : remaining.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new Verdict(
            Acknowledged: history.Count(r => r.Outcome == MultiplyOutcomeKind.Acknowledged),
            Unknown: history.Count(r => r.Outcome == MultiplyOutcomeKind.Unknown),
            UnknownApplied: unknownApplied,
            Refused: history.Count(r => r.Outcome == MultiplyOutcomeKind.Refused),
            Lost: lost,
            Doubled: doubled,
            AppliedThoughRefused: appliedThoughRefused,
            Foreign: foreign);
    }
}

/// <summary>What the factoring found.</summary>
/// <param name="Foreign">What is left of the final value after dividing out every prime of the run, when it is not 1.</param>
internal sealed record Verdict(
    int Acknowledged,
    int Unknown,
    int UnknownApplied,
    int Refused,
    IReadOnlyList<int> Lost,
    IReadOnlyList<int> Doubled,
    IReadOnlyList<int> AppliedThoughRefused,
    string? Foreign)
{
    public bool Consistent => Lost.Count == 0 && Doubled.Count == 0 && AppliedThoughRefused.Count == 0 && Foreign is null;
}
