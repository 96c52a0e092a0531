namespace Roundabout.Contracts;

/// <summary>
/// A shared accumulator store failed a call. Every store throws this one type, whatever its
/// engine, and the calculation service maps it to a status in one place. The message names the
/// store once: <c>the database at localhost:8001 is unreachable (...); check that ...</c>.
/// </summary>
public sealed class StoreFailureException : Exception
{
    /// <param name="store">The store that failed.</param>
    /// <param name="kind">How it failed.</param>
    /// <param name="problem">What went wrong, said after the store's name: <c>is unreachable (connection refused)</c>.</param>
    /// <param name="advice">What to do; null takes the store's own advice when it is unavailable (<see cref="StoreAddress.RunningAdvice"/>).</param>
    /// <param name="cause">The engine's own words, for lines that name the store already; null takes <paramref name="problem"/>.</param>
    /// <param name="inner">The engine client's exception.</param>
    public StoreFailureException(StoreAddress store, StoreFailureKind kind, string problem, string? advice = null, string? cause = null, Exception? inner = null)
        : base(Compose(store, problem, advice ??= kind == StoreFailureKind.Unavailable ? store.RunningAdvice : null), inner)
    {
        Store = store;
        Kind = kind;
        Problem = problem;
        Advice = advice;
        Cause = cause ?? problem;
    }

    public StoreAddress Store { get; }

    public StoreFailureKind Kind { get; }

    public string Problem { get; }

    public string? Advice { get; }

    public string Cause { get; }

    /// <summary>True when the store certainly applied nothing; false when a write in flight may or may not have been applied.</summary>
    public bool OutcomeKnown => Kind != StoreFailureKind.Unavailable;

    private static string Compose(StoreAddress store, string problem, string? advice)
    {
        var text = advice is null ? $"{store.Named} {problem}" : $"{store.Named} {problem}; {advice}";
        return text.EndsWith('.') ? text : text + ".";
    }
}
