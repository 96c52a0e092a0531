namespace Roundabout.Client.Balancing;

/// <summary>A picker that says which servers it balances over.</summary>
internal interface IServerPicker
{
    IReadOnlyList<string> Servers { get; }
}
