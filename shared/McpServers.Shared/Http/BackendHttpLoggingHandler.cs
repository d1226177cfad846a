using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace McpServers.Shared.Http;

/// <summary>
/// Logs each attempt (it sits inside the retry handler) in place of IHttpClientFactory's default loggers, which are
/// removed because they can be configured to log header values.
/// </summary>
internal sealed class BackendHttpLoggingHandler(string clientName, ILogger logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        string host = request.RequestUri?.IsAbsoluteUri == true ? request.RequestUri.Authority : "";
        string path = request.RequestUri?.IsAbsoluteUri == true ? request.RequestUri.AbsolutePath : "";
        try
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
            long elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (response.IsSuccessStatusCode)
            {
                Log.Response(logger, clientName, request.Method.Method, host, path, (int)response.StatusCode, elapsed);
            }
            else
            {
                Log.ErrorResponse(logger, clientName, request.Method.Method, host, path, (int)response.StatusCode, elapsed);
            }

            return response;
        }
        catch (HttpRequestException ex)
        {
            // The error category only: messages can quote proxy URIs, and the caller logs the exception itself.
            long elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Log.Failed(logger, clientName, request.Method.Method, host, path, elapsed, ex.HttpRequestError);
            throw;
        }
        catch (OperationCanceledException)
        {
            // Per-attempt timeouts and the caller's cancellation both arrive here.
            long elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Log.Cancelled(logger, clientName, request.Method.Method, host, path, elapsed);
            throw;
        }
    }
}
