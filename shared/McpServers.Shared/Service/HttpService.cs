using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text.Json;
using McpServers.Shared.Hosting;
using McpServers.Shared.Pipeline;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using ModelContextProtocol.AspNetCore.Authentication;
using ModelContextProtocol.Authentication;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace McpServers.Shared.Service;

/// <summary>
/// HTTP mode (<c>--http &lt;url&gt;</c>): the server's own registration and call pipeline behind the MCP Streamable HTTP
/// transport, stateless so any replica answers any request, with mandatory authentication (OAuth 2.1 JWT access tokens
/// bound to this resource, or static API keys), the protected-resource metadata of RFC 9728, per-caller limits, health
/// endpoints and state shared through Redis. A build can leave all of it out (see <see cref="IsSupported"/>).
/// </summary>
internal static class HttpService
{
    /// <summary>The feature switch a stdio-only build sets to false, so the trimmer drops ASP.NET Core.</summary>
    public const string Switch = "McpServers.Shared.Service.IsSupported";

    private const string CallerScheme = "mcp-caller";

    [FeatureSwitchDefinition(Switch)]
    public static bool IsSupported => !AppContext.TryGetSwitch(Switch, out bool enabled) || enabled;

    /// <summary>
    /// Builds the web application from the services a server registered (<paramref name="services"/>) and the host's
    /// configuration. Throws <see cref="ConfigurationException"/> naming every setting to fix.
    /// </summary>
    public static WebApplication Build(IEnumerable<ServiceDescriptor> services, IConfiguration configuration, ServerIdentity identity)
    {
        ServiceOptions options = ServiceOptions.Read(configuration);
        var problems = options.Problems().ToList();
        if (problems.Count > 0)
        {
            throw new ConfigurationException(string.Join(" ", problems));
        }

        var web = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = identity.Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        ((IConfigurationBuilder)web.Configuration).AddConfiguration(configuration);
        foreach (ServiceDescriptor descriptor in services)
        {
            web.Services.Add(descriptor);
        }

        web.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = options.MaxRequestBytes;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            Listen(k, new Uri(options.Url!), options);
        });
        web.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        web.Services.AddRoutingCore();
        // The host's filters (Microsoft, ModelContextProtocol: warnings) came with its services; the API-key handler
        // logs every refusal at Information, which the audit line already records.
        web.Logging.AddFilter("McpServers.Shared.Service", LogLevel.Warning);
        web.Services.AddSingleton<StatelessService>();
        web.Services.AddSingleton<CallerLimits>();
        web.Services.AddSingleton<Readiness>();
        web.Services.AddSingleton<ClientDirectory>();
        AddBackendIdentity(web.Services, options, identity);
        if (options.RedisConnectionString is { Length: > 0 } redis)
        {
            web.Services.AddSingleton<ISharedState>(_ => RedisSharedState.Connect(redis, identity.Name));
        }

        if (options.OtlpEndpoint is { Length: > 0 } otlp)
        {
            web.Services.AddOpenTelemetry()
                .ConfigureResource(r => r.AddService(identity.Name, serviceVersion: identity.Version))
                // The HTTP request span (W3C trace context from the caller) is the parent of each tools/call span.
                .WithTracing(t => t.AddAspNetCoreInstrumentation().AddSource(CallTelemetry.Name))
                .WithMetrics(m => m.AddMeter(CallTelemetry.Name))
                .UseOtlpExporter(OtlpExportProtocol.HttpProtobuf, new Uri(otlp));
        }

        web.Services.AddMcpServer()
            .WithHttpTransport(t => t.Stateless = true)
            .WithMessageFilters(f => f.AddIncomingFilter(next => (context, cancellationToken) =>
                (context.Services ?? context.Server.Services!).GetRequiredService<ClientDirectory>().InvokeAsync(context, next, cancellationToken)));

        var resource = new ResourceAddress(options.ResourceUri);
        web.Services.AddSingleton(resource);
        string? issuer = options.Issuer is { Length: > 0 } i ? i.TrimEnd('/') : null;
        // The core services only: AddAuthentication would also set up data protection, which nothing here uses and
        // which writes key files to the service account's home folder.
        web.Services.AddAuthenticationCore(o =>
        {
            o.DefaultScheme = CallerScheme;
            o.DefaultChallengeScheme = McpAuthenticationDefaults.AuthenticationScheme;
        });
        web.Services.AddWebEncoders();
        web.Services.AddSingleton<IAuthenticationConfigurationProvider, NoAuthenticationConfiguration>();
        var auth = new AuthenticationBuilder(web.Services);
        auth.AddPolicyScheme(CallerScheme, "API key or OAuth access token", o =>
        {
            o.ForwardDefaultSelector = context =>
                issuer is null || ApiKeyAuthenticationHandler.BearerValue(context.Request.Headers.Authorization.ToString()) is not null
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : JwtBearerDefaults.AuthenticationScheme;
            // A refusal always carries the RFC 9728 challenge pointing at this resource's metadata.
            o.ForwardChallenge = McpAuthenticationDefaults.AuthenticationScheme;
            o.ForwardForbid = McpAuthenticationDefaults.AuthenticationScheme;
        });
        auth.AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        if (issuer is not null)
        {
            auth.AddJwtBearer(o =>
            {
                o.Authority = issuer;
                o.RequireHttpsMetadata = new Uri(issuer).Scheme == Uri.UriSchemeHttps;
                o.MapInboundClaims = false;
                o.SaveToken = false;
                o.RefreshOnIssuerKeyNotFound = true;
                // The issuer's metadata and keys are fetched like any backend response: no redirects, no cookies, bounded.
                o.BackchannelHttpHandler = new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    ConnectTimeout = TimeSpan.FromSeconds(10),
                    MaxResponseHeadersLength = 64,
                };
                o.BackchannelTimeout = TimeSpan.FromSeconds(15);
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuers = [issuer, issuer + "/"],
                    // Checked against the address actually bound (a test or a sidecar may listen on port 0).
                    AudienceValidator = (audiences, _, _) => audiences.Any(resource.Matches),
                    ValidateIssuer = true,
                    ValidateAudience = true,
                    ValidateLifetime = true,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ValidateIssuerSigningKey = true,
                    ClockSkew = options.ClockSkew,
                };
            });
        }

        auth.AddMcp(o => o.ResourceMetadata = new ProtectedResourceMetadata
        {
            Resource = resource.Current.ToString(),
            AuthorizationServers = issuer is null ? [] : [issuer],
            ScopesSupported = [.. Caller.KnownScopes],
            BearerMethodsSupported = ["header"],
            ResourceName = identity.Title,
        });
        web.Services.AddAuthorization();

        WebApplication app = web.Build();
        if (options.Proxies().ToList() is { Count: > 0 } proxies)
        {
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            proxies.ForEach(p => forwarded.KnownProxies.Add(IPAddress.Parse(p)));
            app.UseForwardedHeaders(forwarded);
        }

        app.UseRouting();
        app.UseAuthentication();
        string endpoint = options.EndpointPath;
        app.Use((context, next) => context.Request.Path.StartsWithSegments(endpoint, StringComparison.Ordinal)
            ? context.RequestServices.GetRequiredService<CallerLimits>().InvokeAsync(context, next)
            : next(context));
        app.UseAuthorization();
        app.MapGet("/healthz", (RequestDelegate)(context => context.Response.WriteAsync("ok", context.RequestAborted)));
        app.MapGet("/readyz", (RequestDelegate)ReadyAsync);
        if (options.PerUser)
        {
            AccountLinking.Map(app);
        }

        app.MapMcp(endpoint).RequireAuthorization(new AuthorizationPolicyBuilder(CallerScheme).RequireAuthenticatedUser().Build());
        UseBackendIdentity(app.Services, options);
        return app;
    }

    /// <summary>
    /// Whose credential reaches the backend. Shared: the server's own, as over stdio, and each audit line says so.
    /// PerUser: the OAuth user sign-ins the server declared as able to serve each caller are replaced by per-caller
    /// ones (<see cref="CallerSignIns"/>), their accounts linked through <see cref="AccountLinking"/>.
    /// </summary>
    private static void AddBackendIdentity(IServiceCollection services, ServiceOptions options, ServerIdentity identity)
    {
        if (!options.PerUser)
        {
            return;
        }

        var registrations = services.Select(d => d.ImplementationInstance).OfType<Credentials.UserSignInRegistration>().Where(r => r.PerCaller).ToList();
        if (registrations.Count == 0)
        {
            throw new ConfigurationException(
                $"Service:BackendIdentity=PerUser: {identity.Name} cannot yet call its backend with each caller's own sign-in. Set Service:BackendIdentity=Shared to serve every caller with its configured credential (audit lines say so).");
        }

        services.AddSingleton<AccountLinking>();
        foreach (Credentials.UserSignInRegistration registration in registrations)
        {
            services.AddKeyedSingleton(registration.Backend, (sp, _) => new Credentials.OAuthCredential(sp.GetRequiredService<AccountLinking>().SignIns(registration)));
        }
    }

    /// <summary>
    /// Audit lines name the mode; with PerUser, the credential the server actually uses must be the per-caller sign-in,
    /// not another kind it was configured with.
    /// </summary>
    private static void UseBackendIdentity(IServiceProvider services, ServiceOptions options)
    {
        services.GetRequiredService<Audit.AuditContext>().BackendCredential = options.PerUser ? Audit.AuditContext.PerUserCredential : Audit.AuditContext.SharedCredential;
        if (!options.PerUser)
        {
            return;
        }

        foreach (Credentials.UserSignInRegistration registration in services.GetServices<Credentials.UserSignInRegistration>().Where(r => r.PerCaller))
        {
            if (services.GetKeyedService<Credentials.CredentialSlot>(registration.HttpClientName)?.Credential is not Credentials.OAuthCredential { PerCaller: true })
            {
                throw new ConfigurationException(
                    $"Service:BackendIdentity=PerUser needs the {registration.Backend} OAuth user sign-in ({registration.Section}:ClientId and its endpoints), but this server is configured with another kind of {registration.Backend} credential.");
            }
        }
    }

    /// <summary>The <c>--check</c> lines of HTTP mode: its settings, how callers sign in, and where state lives.</summary>
    public static async Task<IReadOnlyList<CheckResult>> CheckAsync(IConfiguration configuration, CancellationToken cancellationToken)
    {
        ServiceOptions options = ServiceOptions.Read(configuration);
        var results = options.Problems().Select(p => new CheckResult("http service", CheckStatus.Failed, p)).ToList();
        if (results.Count > 0)
        {
            return results;
        }

        results.Add(new CheckResult("http service", CheckStatus.Ok,
            $"would serve {options.ResourceUri} from {options.Url} (stateless), accepting {options.Accepts(options.ResourceUri)}"));
        results.Add(new CheckResult("backend identity", CheckStatus.Ok, options.PerUser
            ? $"each caller links their own account at {options.ResourceUri.GetLeftPart(UriPartial.Authority)}{AccountLinking.PathPrefix}/<backend>; register {options.ResourceUri.GetLeftPart(UriPartial.Authority)}{AccountLinking.PathPrefix}/callback as the OAuth app's redirect URI"
            : "every caller reaches the backend with this server's one credential (Service:BackendIdentity=Shared); audit lines say so", "Service:BackendIdentity"));
        foreach (var (name, key) in options.ApiKeys.Where(k => k.Value.Expires <= DateTimeOffset.UtcNow.AddDays(14)))
        {
            results.Add(new CheckResult("api key", CheckStatus.Warning,
                key.Expires <= DateTimeOffset.UtcNow ? $"'{name}' expired on {key.Expires:yyyy-MM-dd} and is refused" : $"'{name}' expires on {key.Expires:yyyy-MM-dd}",
                $"Service:ApiKeys:{name}"));
        }

        if (options.RedisConnectionString is not { Length: > 0 } redis)
        {
            results.Add(new CheckResult("shared state", CheckStatus.Ok,
                "in this process (cursor key, confirmation tokens, rate limits): run one replica, or set Service:RedisConnectionString to run several"));
            return results;
        }

        try
        {
            using var state = RedisSharedState.Connect(redis, "check");
            await state.PingAsync().WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            results.Add(new CheckResult("shared state", CheckStatus.Ok, "Redis answers; replicas share cursor key, confirmation tokens and rate limits"));
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            results.Add(new CheckResult("shared state", CheckStatus.Failed, "Redis does not answer: " + e.Message, "Service:RedisConnectionString"));
        }

        return results;
    }

    /// <summary>Serves until stopped; the address line on stderr gives the real port when the URL asked for port 0.</summary>
    public static async Task<int> ServeAsync(IHost host, ServerIdentity identity, TextWriter err, CancellationToken cancellationToken)
    {
        if (host.Services.GetService<ISharedState>() is { } shared)
        {
            // Every replica signs cursors with the one key kept in Redis (the first replica to start creates it).
            string key = await shared.GetOrAddAsync("cursor-key", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
            Text.OpaqueCursor.UseSharedKey(Convert.FromBase64String(key));
        }

        await host.StartAsync(cancellationToken);
        var options = host.Services.GetRequiredService<IOptions<ServiceOptions>>().Value;
        ICollection<string> addresses = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        string listening = string.Join(", ", addresses);
        ResourceAddress resource = host.Services.GetRequiredService<ResourceAddress>();
        if (string.IsNullOrEmpty(options.Resource) && new Uri(options.Url!).Port == 0 && addresses.FirstOrDefault() is { } bound)
        {
            // Port 0: the resource is where the server actually listens.
            resource.Current = new Uri(bound.TrimEnd('/') + options.EndpointPath);
        }

        string state = host.Services.GetService<ISharedState>() is null
            ? "state in this process only (one replica; set Service:RedisConnectionString to run several)"
            : "state shared in Redis";
        string backend = host.Services.GetService<AccountLinking>() is { } linking
            ? $"each caller's own backend sign-in, linked at {resource.Current.GetLeftPart(UriPartial.Authority)}{AccountLinking.PathPrefix}/… and kept {linking.StoreDescription}"
            : "one shared backend credential for every caller";
        await err.WriteLineAsync($"{identity.Name}: serving MCP over HTTP at {listening} (endpoint {options.EndpointPath}, stateless; accepts {options.Accepts(resource.Current)}; {state}; {backend}).");
        await host.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    /// <summary>
    /// Binds the one address of <c>--http</c> (not through the "urls" setting, which would be written into the
    /// server's own configuration sources). https needs Service:CertificateFile and Service:CertificateKeyFile.
    /// </summary>
    private static void Listen(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel, Uri url, ServiceOptions options)
    {
        void Configure(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listen)
        {
            if (url.Scheme == Uri.UriSchemeHttps)
            {
                listen.UseHttps(System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(
                    options.CertificateFile!, options.CertificateKeyFile));
            }
        }

        string host = url.Host.Trim('[', ']');
        if (host is "localhost")
        {
            kestrel.ListenLocalhost(url.Port, Configure);
        }
        else if (host is "*" or "+" or "0.0.0.0")
        {
            kestrel.ListenAnyIP(url.Port, Configure);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(host), url.Port, Configure);
        }
    }

    /// <summary>Ready when the backend checks pass (cached briefly: a probe must not hammer the backend).</summary>
    private static async Task ReadyAsync(HttpContext context)
    {
        (bool ready, string text) = await context.RequestServices.GetRequiredService<Readiness>().CheckAsync(context.RequestAborted);
        context.Response.StatusCode = ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        await context.Response.WriteAsync(text, context.RequestAborted);
    }
}

/// <summary>This server's resource URI: the audience its access tokens must carry and the metadata's "resource".</summary>
internal sealed class ResourceAddress(Uri configured)
{
    public Uri Current { get; set; } = configured;

    public bool Matches(string audience) =>
        string.Equals(audience.TrimEnd('/'), Current.ToString().TrimEnd('/'), StringComparison.Ordinal);
}

/// <summary>Authentication reads no scheme settings from configuration: every setting is under Service.</summary>
internal sealed class NoAuthenticationConfiguration : IAuthenticationConfigurationProvider
{
    public IConfiguration AuthenticationConfiguration { get; } = new ConfigurationBuilder().Build();
}

/// <summary>
/// Per-caller bounds of HTTP mode and the audit line of requests refused before MCP sees them: a request without
/// valid credentials (401 with the RFC 9728 challenge), a write tool called without mcp:write (403 insufficient_scope),
/// or beyond the caller's concurrent-request limit (429).
/// </summary>
internal sealed class CallerLimits(IOptions<ServiceOptions> options, AuditFilter audit, ToolRegistry registry)
{
    private readonly ConcurrentDictionary<string, StrongBoxCount> _inFlight = new(StringComparer.Ordinal);

    private sealed class StrongBoxCount
    {
        public int Value;
    }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (Caller.From(context.User) is not { } caller)
        {
            // The authorization stage answers 401 with the challenge; the refusal is audited here, with the reason
            // (the handler's result is cached for the request, so asking again costs nothing).
            AuthenticateResult result = await context.AuthenticateAsync();
            audit.WriteHttpRefusal(null, AuditOutcome.Denied, "not authenticated: " + Why(result.Failure));
            await next(context);
            return;
        }

        RegisteredTool? tool;
        try
        {
            tool = !caller.Scopes.Contains(Caller.WriteScope) && HttpMethods.IsPost(context.Request.Method) ? await CalledToolAsync(context) : null;
        }
        catch (BadHttpRequestException e)
        {
            // Over Service:MaxRequestBytes (413) or cut off: Kestrel's own answer, without an "unhandled exception" log.
            context.Response.StatusCode = e.StatusCode;
            return;
        }

        if (tool is { IsReadOnly: false } && registry.Refusal(tool) is null)
        {
            // Step-up (MCP authorization): 403 with insufficient_scope tells the client which scope to ask for. The
            // policy stage would refuse the call too; this answers it at the HTTP level, where clients look.
            audit.WriteHttpRefusal(caller, AuditOutcome.Denied, "missing scope " + Caller.WriteScope, tool.Name);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.Headers.WWWAuthenticate =
                $"Bearer error=\"insufficient_scope\", scope=\"{Caller.WriteScope}\", resource_metadata=\"{context.Request.Scheme}://{context.Request.Host}/.well-known/oauth-protected-resource{context.Request.Path}\"";
            await context.Response.WriteAsync($"'{tool.Name}' changes data and needs the scope {Caller.WriteScope}, which this access token does not carry.", context.RequestAborted);
            return;
        }

        StrongBoxCount count = _inFlight.GetOrAdd(caller.Subject, _ => new StrongBoxCount());
        if (Interlocked.Increment(ref count.Value) > options.Value.MaxRequestsPerCaller)
        {
            Interlocked.Decrement(ref count.Value);
            audit.WriteHttpRefusal(caller, AuditOutcome.Busy, $"more than {options.Value.MaxRequestsPerCaller} requests in flight (Service:MaxRequestsPerCaller)");
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "1";
            await context.Response.WriteAsync($"Too many requests in flight for this caller (at most {options.Value.MaxRequestsPerCaller}); retry shortly.", context.RequestAborted);
            return;
        }

        try
        {
            await next(context);
        }
        finally
        {
            // An idle caller's counter goes, so the table holds callers in flight, not every caller ever seen.
            if (Interlocked.Decrement(ref count.Value) == 0)
            {
                _inFlight.TryRemove(KeyValuePair.Create(caller.Subject, count));
            }
        }
    }

    /// <summary>The tool a tools/call request names (the body is kept for MCP to read); null for anything else.</summary>
    private async Task<RegisteredTool?> CalledToolAsync(HttpContext context)
    {
        // In memory, never a temp file: the body is already capped at Service:MaxRequestBytes.
        context.Request.EnableBuffering((int)Math.Min(options.Value.MaxRequestBytes, int.MaxValue), options.Value.MaxRequestBytes);
        try
        {
            using JsonDocument message = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
            return message.RootElement is { ValueKind: JsonValueKind.Object } root
                && root.TryGetProperty("method", out JsonElement method) && method.ValueEquals("tools/call")
                && root.TryGetProperty("params", out JsonElement parameters) && parameters.ValueKind == JsonValueKind.Object
                && parameters.TryGetProperty("name", out JsonElement name) && name.ValueKind == JsonValueKind.String
                && registry.TryGet(name.GetString()!, out RegisteredTool? tool) ? tool : null;
        }
        catch (JsonException)
        {
            return null;    // MCP answers the parse error itself.
        }
        finally
        {
            context.Request.Body.Position = 0;
        }
    }

    /// <summary>Why a credential was refused, in words for the audit line (never the token).</summary>
    internal static string Why(Exception? failure) => failure switch
    {
        null => "no credentials",
        SecurityTokenExpiredException => "access token expired",
        SecurityTokenInvalidAudienceException => "access token is for another resource (audience)",
        SecurityTokenInvalidIssuerException => "access token from an issuer this server does not trust",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "access token signature does not verify",
        SecurityTokenMalformedException => "malformed access token",
        SecurityTokenException => "access token refused",
        _ when failure.Message.Contains("API key", StringComparison.Ordinal) => failure.Message,
        _ => "credentials refused",
    };
}

/// <summary>
/// <c>/readyz</c>: Redis (when configured) and the server's own backend checks, the verdict cached 10 s so a probe
/// cannot hammer the backend. Names what failed, never why: the endpoint needs no credentials.
/// </summary>
internal sealed class Readiness(IServiceProvider services) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (DateTimeOffset At, bool Ready, string Text) _last;

    public void Dispose() => _gate.Dispose();

    public async Task<(bool Ready, string Text)> CheckAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (DateTimeOffset.UtcNow - _last.At < TimeSpan.FromSeconds(10))
            {
                return (_last.Ready, _last.Text);
            }

            var lines = new List<string>();
            bool ready = true;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            if (services.GetService<ISharedState>() is { } shared)
            {
                try
                {
                    await shared.PingAsync().WaitAsync(timeout.Token);
                    lines.Add("ok redis");
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    ready = false;
                    lines.Add("FAIL redis");
                }
            }

            // Per-user sign-in: the backend is reached with each caller's own account, so there is no account to
            // check it with here; each caller's calls say what is wrong with theirs.
            bool perUser = services.GetService<AccountLinking>() is not null;
            if (perUser)
            {
                lines.Add("ok backend (per-user sign-in: checked on each caller's calls)");
            }

            foreach (IServerCheck check in services.GetServices<IServerCheck>().Where(c => !perUser || c is Audit.AuditCheck))
            {
                try
                {
                    foreach (CheckResult r in await check.RunAsync(timeout.Token))
                    {
                        ready &= r.Status != CheckStatus.Failed;
                        lines.Add($"{(r.Status == CheckStatus.Failed ? "FAIL" : "ok")} {r.Name}");
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    ready = false;
                    lines.Add("FAIL backend");
                }
            }

            _last = (DateTimeOffset.UtcNow, ready, string.Join('\n', lines.Append(ready ? "ready" : "not ready")) + "\n");
            return (ready, _last.Text);
        }
        finally
        {
            _gate.Release();
        }
    }
}
