// A gRPC service of your own, registered in Roundabout as "orders".
// Run: dotnet run --project samples/Orders -- --urls http://127.0.0.1:5101
// The registry comes from configuration: Roundabout:Registries (or ROUNDABOUT__REGISTRIES), default 127.0.0.1:8000.
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Samples.Orders;

var builder = WebApplication.CreateBuilder(args);
// Cleartext gRPC needs HTTP/2 without TLS negotiation.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2));
builder.Services.AddGrpc();
builder.Services.AddHealthChecks();
builder.Services.AddRoundaboutRegistration("orders", options =>
{
    options.UseRegistries(builder.Configuration["Roundabout:Registries"] ?? "127.0.0.1:8000");
    options.Metadata["sample"] = "orders";
});

var app = builder.Build();
app.MapGrpcService<OrdersService>();
app.Run();

internal sealed class OrdersService : Orders.OrdersBase
{
    public override Task<PlaceReply> Place(PlaceRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.OrderId) || string.IsNullOrWhiteSpace(request.Item) || request.Quantity <= 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "give an order id, an item and a quantity above 0"));
        }

        // A real service would store the order under its id (a second Place with that id changes nothing).
        var http = context.GetHttpContext();
        return Task.FromResult(new PlaceReply
        {
            OrderId = request.OrderId,
            Instance = $"{http.Connection.LocalIpAddress}:{http.Connection.LocalPort}",
        });
    }
}
