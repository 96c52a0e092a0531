using System.Text.Json;
using System.Text.Json.Serialization;
using Roundabout.Dashboard.State;

namespace Roundabout.Dashboard.Web;

/// <summary>The snapshot's JSON, generated at build time.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DashboardSnapshot))]
[JsonSerializable(typeof(History.HistoryView))]
internal sealed partial class DashboardJson : JsonSerializerContext;
