namespace Roundabout.Contracts;

/// <summary>The exercise's ports.</summary>
public static class DefaultPorts
{
    public const int Registry = 8000;
    public const int Database = 8001;
    public const int Server = 9001;

    public const string RegistryAddress = "localhost:8000";
    public const string DatabaseAddress = "localhost:8001";
}
