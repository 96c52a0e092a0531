namespace Roundabout.Testing.Fakes;

/// <summary>Where a hung <see cref="FakeCalculator"/> holds a Multiply.</summary>
public enum HangPoint
{
    /// <summary>Before applying, giving up when the client does: nothing is applied.</summary>
    BeforeApplying,

    /// <summary>After applying: the work is done, the answer never comes.</summary>
    AfterApplying,

    /// <summary>Before applying, without noticing the client gave up: applied when released, after the client moved on.</summary>
    PastCancellation,
}
