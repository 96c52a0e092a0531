using System.Buffers;
using Google.Protobuf.Collections;
using Grpc.Core;
using Roundabout.Contracts;
using Roundabout.Registry.Membership;

namespace Roundabout.Registry.Grpc;

/// <summary>
/// Validates and normalises what callers send, so a backend only ever sees well-formed input.
/// Every refusal is an InvalidArgument whose message says what to send instead.
/// </summary>
internal static class RequestRules
{
    public const int MaxServiceLength = 63;
    public const int MaxMetadataEntries = 16;
    public const int MaxMetadataKeyLength = 63;
    public const int MaxMetadataValueLength = 256;

    private static readonly SearchValues<char> _nameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");

    /// <summary>The service name, lower-cased; empty means <see cref="ServiceNames.Calculator"/>.</summary>
    public static string Service(string? service)
    {
        var name = ServiceNames.OrDefault(service).Trim();
        if (name.Length > MaxServiceLength || name.AsSpan().ContainsAnyExcept(_nameChars))
        {
            throw Invalid($"service must be 1 to {MaxServiceLength} letters, digits, '.', '_' or '-', for example \"calculator\"");
        }

        return name.ToLowerInvariant();
    }

    /// <summary>The address as <c>host:port</c> with a lower-case host, so one server has one spelling.</summary>
    public static string Address(string? address)
    {
        if (!EndpointAddress.TryParse(address, out var parsed, out var error))
        {
            throw Invalid($"address: {error}");
        }

        return (parsed with { Host = parsed.Host.ToLowerInvariant() }).ToString();
    }

    public static IReadOnlyDictionary<string, string> Metadata(MapField<string, string> metadata)
    {
        if (metadata.Count > MaxMetadataEntries)
        {
            throw Invalid($"metadata has {metadata.Count} entries; at most {MaxMetadataEntries} are allowed");
        }

        var copy = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in metadata)
        {
            if (key.Length is 0 or > MaxMetadataKeyLength || key.AsSpan().ContainsAnyExcept(_nameChars))
            {
                throw Invalid($"metadata key '{Shorten(key)}' must be 1 to {MaxMetadataKeyLength} letters, digits, '.', '_' or '-'");
            }

            if (value.Length > MaxMetadataValueLength)
            {
                throw Invalid($"metadata value of '{key}' is longer than {MaxMetadataValueLength} characters");
            }

            copy[key] = value;
        }

        return copy;
    }

    public static InstanceRegistration Registration(Contracts.Registry.V1.RegisterRequest request) =>
        new(Service(request.Service), Address(request.Address), Metadata(request.Metadata));

    public static string LeaseId(string? leaseId)
    {
        if (string.IsNullOrEmpty(leaseId))
        {
            throw Invalid("lease_id is required: send the lease id that Register returned");
        }

        if (leaseId.Length > LeaseIds.MaxLength)
        {
            throw Invalid($"lease_id is longer than {LeaseIds.MaxLength} characters; send the lease id that Register returned");
        }

        return leaseId;
    }

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    private static string Shorten(string text) => PrintableText.Escape(text.Length <= 40 ? text : text[..37] + "...");
}
