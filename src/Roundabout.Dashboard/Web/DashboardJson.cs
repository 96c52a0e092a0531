using System.Text.Json;
using System.Text.Json.Serialization;
using Roundabout.Dashboard.State;

namespace Roundabout.Dashboard.Web;

/// <summary>The snapshot's JSON, generated at build time.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DashboardSnapshot))]
internal sealed partial class DashboardJson : JsonSerializerContext;
