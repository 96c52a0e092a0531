// An HTTP service of your own (minimal API), registered in Roundabout as "inventory".
// Run: dotnet run --project samples/Inventory -- --urls http://127.0.0.1:5201
// The registry comes from configuration: Roundabout:Registries (or ROUNDABOUT__REGISTRIES), default 127.0.0.1:8000.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddHealthChecks();
builder.Services.AddRoundaboutRegistration("inventory", options =>
{
    options.UseRegistries(builder.Configuration["Roundabout:Registries"] ?? "127.0.0.1:8000");
    options.Metadata["sample"] = "inventory";
});

var app = builder.Build();
app.MapGet("/stock/{item}", (string item, HttpContext context) =>
    Results.Ok(new Stock(item, item.Length * 7, $"{context.Connection.LocalIpAddress}:{context.Connection.LocalPort}")));
app.MapHealthChecks("/healthz");
app.Run();

internal sealed record Stock(string Item, int Count, string Instance);
