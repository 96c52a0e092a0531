using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Roundabout.Dashboard.State;

namespace Roundabout.Dashboard.Web;

/// <summary>
/// The page's live feed, as Server-Sent Events: the whole snapshot at once, then again after
/// every change (changes that land while one is being written are sent as one), and a comment
/// line every 15 s so that idle proxies keep the connection. The browser's EventSource
/// reconnects by itself when the stream breaks. Past <see cref="DashboardOptions.MaxEventStreams"/>
/// open streams a new one is refused with 503 and a Retry-After, so idle streams cannot exhaust the dashboard.
/// </summary>
internal static class EventStream
{
    private static readonly TimeSpan _keepAlive = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The shortest gap between two snapshots on one stream: the samplers each change the state
    /// once a second, so without it a page would get one snapshot per sampler; changes meanwhile are sent together.
    /// </summary>
    private static readonly TimeSpan _coalesce = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a refused page is asked to wait before it tries again.</summary>
    private const int RetryAfterSeconds = 5;

    public static async Task StreamAsync(HttpContext context, DashboardState state, EventStreamSlots slots, IHostApplicationLifetime lifetime)
    {
        if (!slots.TryTake())
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await context.Response.WriteAsync(
                $"This dashboard already serves {slots.Limit} live event streams, its limit (--max-event-streams); " +
                $"try again in {RetryAfterSeconds} s, close another page, or start the dashboard with a higher --max-event-streams.\n",
                context.RequestAborted);
            return;
        }

        try
        {
            await StreamTakenAsync(context, state, lifetime);
        }
        finally
        {
            slots.Release();
        }
    }

    private static async Task StreamTakenAsync(HttpContext context, DashboardState state, IHostApplicationLifetime lifetime)
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
                    await Task.Delay(_coalesce, stop.Token);
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
