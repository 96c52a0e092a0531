namespace Roundabout.Client.Retries;

/// <summary>
/// How many retries of store failures a session may still send (gRPC's retry throttling, gRFC A6,
/// and Finagle's retry budget): every logical call saves <see cref="RetryBudgetOptions.Ratio"/> of
/// a retry, up to <see cref="RetryBudgetOptions.MaxSaved"/>, and every retry spends one. Time also
/// refills the balance, at <see cref="RetryBudgetOptions.MinPerSecond"/>, but only up to
/// <see cref="RetryBudgetOptions.Reserve"/> (a fresh session starts there), so a quiet client
/// still retries a blip after an earlier outage drained it. While a store stays down for T seconds,
/// retries are at most Reserve + MinPerSecond × T + Ratio × calls: retries cannot multiply an
/// outage's load. The balance is kept in thousandths in one long, changed with compare-and-swap,
/// so the call path (<see cref="Deposit"/>) takes no lock.
/// </summary>
internal sealed class RetryBudget
{
    private const long One = 1000;

    private readonly RetryBudgetOptions _options;
    private readonly TimeProvider _time;
    private readonly long _deposit;
    private readonly long _max;
    private readonly long _reserve;
    private readonly Lock _refillLock = new();
    private long _balance;
    private long _refilledAt;

    public RetryBudget(RetryBudgetOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _deposit = (long)Math.Round(options.Ratio * One);
        _max = Math.Max(options.MaxSaved, options.Reserve) * One;
        _reserve = options.Reserve * One;
        _balance = _reserve;
        _refilledAt = time.GetTimestamp();
    }

    /// <summary>Retries that could be spent now, before any refill (tests, metrics).</summary>
    public double Available => Volatile.Read(ref _balance) / (double)One;

    /// <summary>A logical call started: save its share of a retry.</summary>
    public void Deposit() => Add(_deposit, _max);

    /// <summary>Spends one retry; false when the budget is spent.</summary>
    public bool TryWithdraw()
    {
        Refill();
        var balance = Volatile.Read(ref _balance);
        while (balance >= One)
        {
            var seen = Interlocked.CompareExchange(ref _balance, balance - One, balance);
            if (seen == balance)
            {
                return true;
            }

            balance = seen;
        }

        return false;
    }

    /// <summary>Adds the time-based refill since the last one, lifting the balance at most to the reserve.</summary>
    private void Refill()
    {
        long amount;
        lock (_refillLock)
        {
            var now = _time.GetTimestamp();
            var elapsed = _time.GetElapsedTime(_refilledAt, now);
            amount = (long)(elapsed.TotalSeconds * _options.MinPerSecond * One);
            if (amount <= 0)
            {
                return;
            }

            _refilledAt = now;
        }

        Add(amount, _reserve);
    }

    private void Add(long amount, long ceiling)
    {
        var balance = Volatile.Read(ref _balance);
        while (balance < ceiling)
        {
            var seen = Interlocked.CompareExchange(ref _balance, Math.Min(ceiling, balance + amount), balance);
            if (seen == balance)
            {
                return;
            }

            balance = seen;
        }
    }
}
