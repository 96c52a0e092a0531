using OpenTelemetry.Trace;

namespace Roundabout.Hosting.Telemetry;

/// <summary>
/// Drops the gRPC client span of a renewal that starts a trace (the registration agent's
/// heartbeat, which runs outside any request) and leaves every other decision to the configured
/// sampler. A dropped span is not recorded, so the registry, seeing an unsampled parent, records
/// nothing of it either.
/// </summary>
internal sealed class RenewalSampler : Sampler
{
    /// <summary>The tag grpc-dotnet puts on its call span before it starts: the method's full path.</summary>
    private const string GrpcMethodTag = "grpc.method";

    private static readonly SamplingResult _drop = new(SamplingDecision.Drop);

    private readonly Sampler _inner;

    public RenewalSampler(Sampler inner)
    {
        _inner = inner;
        Description = $"RenewalSampler{{{inner.Description}}}";
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.ParentContext.TraceId == default && IsRenewal(samplingParameters.Tags)
            ? _drop
            : _inner.ShouldSample(samplingParameters);

    private static bool IsRenewal(IEnumerable<KeyValuePair<string, object?>>? tags)
    {
        if (tags is null)
        {
            return false;
        }

        foreach (var (key, value) in tags)
        {
            if (key == GrpcMethodTag)
            {
                return value is string method && method == RenewalTracing.RenewPath;
            }
        }

        return false;
    }
}
