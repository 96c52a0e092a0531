namespace Roundabout.Registry.Membership;

/// <summary>The registry refuses to grow past a configured bound (instances or watches).</summary>
public sealed class MembershipLimitException : Exception
{
    public MembershipLimitException()
    {
    }

    public MembershipLimitException(string message)
        : base(message)
    {
    }

    public MembershipLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
