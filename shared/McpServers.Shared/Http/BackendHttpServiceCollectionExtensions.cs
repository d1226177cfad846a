using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using McpServers.Shared.Credentials;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace McpServers.Shared.Http;

public static class BackendHttpServiceCollectionExtensions
{
    /// <summary>
    /// Registers the named <see cref="HttpClient"/> every HTTP-backed server uses: no automatic redirects and no cookies
    /// (see <see cref="BackendHttp.BaseAddress"/> and <see cref="BackendHttp.AllowCrossHostDownload"/>), response bodies
    /// capped in bytes (decompressed) and in time, per-attempt and total timeouts,
    /// retries for idempotent requests only (honouring <c>Retry-After</c>), proxy, extra CA bundle and client
    /// certificate from <paramref name="section"/>, User-Agent <c>McpServers-&lt;product&gt;/&lt;version&gt;</c>, and
    /// logging that never includes headers, query strings or bodies. Settings are validated at start.
    /// </summary>
    /// <param name="name">The client name passed to <see cref="IHttpClientFactory.CreateClient(string)"/>.</param>
    /// <param name="section">The configuration section holding <see cref="BackendHttpOptions"/>, e.g. <c>Jira:Http</c>.</param>
    /// <param name="userAgentProduct">A token such as <c>Jira</c>: becomes <c>McpServers-Jira</c>.</param>
    /// <param name="version">The server's version, e.g. <c>0.1.0</c>.</param>
    public static IHttpClientBuilder AddBackendHttpClient(this IServiceCollection services, string name, IConfiguration section,
        string userAgentProduct, string version)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(section);
        ArgumentException.ThrowIfNullOrWhiteSpace(userAgentProduct);
        ArgumentException.ThrowIfNullOrWhiteSpace(version);

        // Built here so that a product or version that is not a valid header token fails at registration.
        var userAgent = new ProductInfoHeaderValue("McpServers-" + userAgentProduct, version);

        string path = (section as IConfigurationSection)?.Path ?? "";
        // Named options, so not AddSettings; the same steps: values checked before the generated binder, lists read by SettingList.
        services.AddOptions<BackendHttpOptions>(name)
            .Configure(_ => SettingValues.ThrowIfUnreadable(typeof(BackendHttpOptions), section, path))
            .Bind(section)
            .PostConfigure(o => o.DownloadHosts = [.. SettingList.Parse(section, nameof(o.DownloadHosts)) ?? o.DownloadHosts])
            .ValidateOnStart();
        services.AddSettingsSection<BackendHttpOptions>(path);
        services.AddSingleton<IValidateOptions<BackendHttpOptions>>(new BackendHttpOptionsValidator(name, path));

        IHttpClientBuilder builder = services
            .AddHttpClient(name, (provider, client) =>
            {
                BackendHttpOptions options = provider.GetRequiredService<IOptionsMonitor<BackendHttpOptions>>().Get(name);

                // The resilience pipeline enforces the timeouts; this backstop also covers buffering the response body,
                // which happens outside the handlers. The guard handler caps the body itself (bytes and time).
                client.Timeout = options.TotalTimeout;
                client.MaxResponseContentBufferSize = Math.Min(int.MaxValue, options.MaxResponseBytes);
                client.DefaultRequestHeaders.UserAgent.Add(userAgent);
            })
            .ConfigurePrimaryHttpMessageHandler(provider =>
                CreatePrimaryHandler(provider.GetRequiredService<IOptionsMonitor<BackendHttpOptions>>().Get(name)))
            // The factory's default loggers can be configured to log header values; ours never do.
            .RemoveAllLoggers();

        // Added first, so it is the outermost handler: redirect rules, header checks, and the body's byte and time
        // caps apply to the call as a whole, retries included.
        builder.AddHttpMessageHandler(provider => new BackendResponseGuardHandler(name,
            provider.GetRequiredService<IOptionsMonitor<BackendHttpOptions>>().Get(name), userAgent,
            provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BackendHttp).FullName!)));
        builder.AddResilienceHandler("backend", (pipeline, context) => ConfigurePipeline(pipeline, context.GetOptions<BackendHttpOptions>(name)));

        // Inside the resilience handler, so every attempt is authenticated afresh (a renewed token on a retry); a
        // credential is declared with AddBackendCredential, and travels only to the backend's own origin.
        // Resolved on first use: an OAuth credential's own token requests go through this client too.
        builder.AddHttpMessageHandler(provider => new CredentialHandler(new Lazy<ICredential?>(() => provider.GetKeyedService<CredentialSlot>(name)?.Credential)));

        // Added after the resilience handler, so it sits inside it and logs every attempt.
        builder.AddHttpMessageHandler(provider => new BackendHttpLoggingHandler(name,
            provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BackendHttp).FullName!)));
        return builder;
    }

    private static void ConfigurePipeline(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, BackendHttpOptions options)
    {
        pipeline.AddTimeout(options.TotalTimeout);
        if (options.MaxRetries > 0)
        {
            pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context, options)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } response ? ServerRequestedDelay(response) : null),
            });
        }

        pipeline.AddTimeout(options.Timeout);
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context, BackendHttpOptions options)
    {
        // A POST that failed may still have been applied: sending it again could create a second ticket.
        if (context.GetRequestMessage() is not { } request || !BackendHttp.IsIdempotent(request))
        {
            return false;
        }

        if (outcome.Exception is { } exception)
        {
            return exception is TimeoutRejectedException
                || exception is HttpRequestException
                {
                    HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                        or HttpRequestError.ResponseEnded or HttpRequestError.HttpProtocolError or HttpRequestError.Unknown,
                };
        }

        if (outcome.Result is not { } response)
        {
            return false;
        }

        return response.StatusCode switch
        {
            HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable =>
                ServerRequestedDelay(response) is not { } wait || wait <= options.MaxRetryAfter,
            HttpStatusCode.RequestTimeout or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
                or HttpStatusCode.GatewayTimeout => true,
            _ => false,
        };
    }

    /// <summary>The Retry-After of a 429 or 503, which replaces our backoff; null keeps the backoff.</summary>
    private static TimeSpan? ServerRequestedDelay(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable
            ? RetryAfter.Parse(response.Headers)
            : null;

    private static SocketsHttpHandler CreatePrimaryHandler(BackendHttpOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = options.Timeout,
            // Backends are untrusted: .NET would follow up to 50 redirects to any host (keeping custom headers such as
            // X-API-Key, cookies, and 307/308 bodies). The guard handler decides about each redirect instead.
            AllowAutoRedirect = false,
            // No cookie jar: a cookie set by one response must not travel with the next request, least of all to
            // another port or host.
            UseCookies = false,
        };

        if (options.BypassProxy)
        {
            handler.UseProxy = false;
        }
        else if (options.Proxy is { } proxy)
        {
            handler.Proxy = new WebProxy(new Uri(proxy, UriKind.Absolute));
            handler.UseProxy = true;
        }

        if (options.ExtraCaBundle is { } bundle)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = BackendTls.ExtraTrust(BackendTls.LoadBundle(bundle));
        }

        if (options.ClientCertificate is { } certificate)
        {
            string? password = options.ClientCertificatePasswordVariable is { } variable
                ? Environment.GetEnvironmentVariable(variable)
                : null;
            handler.SslOptions.ClientCertificates = [BackendTls.LoadClientCertificate(certificate, password)];
        }

        return handler;
    }
}
