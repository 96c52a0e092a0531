using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Roundabout.Dashboard.State;

namespace Roundabout.Dashboard.Web;

/// <summary>
/// The page's live feed, as Server-Sent Events: the whole snapshot at once, then again after
/// every change (changes that land while one is being written are sent as one), and a comment
/// line every 15 s so that idle proxies keep the connection. The browser's EventSource
/// reconnects by itself when the stream breaks.
/// </summary>
internal static class EventStream
{
    private static readonly TimeSpan _keepAlive = TimeSpan.FromSeconds(15);

    public static async Task StreamAsync(HttpContext context, DashboardState state, IHostApplicationLifetime lifetime)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            await response.WriteAsync("retry: 1000\n\n", stop.Token);
            long seen = -1;
            while (!stop.IsCancellationRequested)
            {
                var snapshot = state.Snapshot();
                if (snapshot.Version != seen)
                {
                    seen = snapshot.Version;
                    await response.WriteAsync("event: state\ndata: ", stop.Token);
                    await JsonSerializer.SerializeAsync(response.Body, snapshot, DashboardJson.Default.DashboardSnapshot, stop.Token);
                    await response.WriteAsync("\n\n", stop.Token);
                    await response.Body.FlushAsync(stop.Token);
                }

                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                wait.CancelAfter(_keepAlive);
                try
                {
                    await state.WaitForChangeAsync(seen, wait.Token);
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    await response.WriteAsync(": keep-alive\n\n", stop.Token);
                    await response.Body.FlushAsync(stop.Token);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The page closed, or the dashboard is stopping.
        }
        catch (IOException)
        {
            // The connection broke mid-write.
        }
    }
}
