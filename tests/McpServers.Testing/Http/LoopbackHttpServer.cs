using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpServers.Testing.Http;

/// <summary>
/// A real HTTP server on 127.0.0.1 and a free port, for tests and vendor fakes (a fake Jira, a fake OpenAPI
/// service). Map routes on <see cref="Routes"/>, then <see cref="StartAsync"/>; every request is recorded in
/// <see cref="Requests"/> before its handler runs, including ones the client later abandons.
/// </summary>
public sealed partial class LoopbackHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly bool _https;
    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _requests = [];
    private Uri? _baseAddress;

    public LoopbackHttpServer(LoopbackHttpServerOptions? options = null)
    {
        options ??= new LoopbackHttpServerOptions();
        _https = options.Certificate is not null;

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            EnvironmentName = "Testing",
            ApplicationName = typeof(LoopbackHttpServer).Assembly.GetName().Name,
        });

        // Test output belongs to the test runner; a server writing to stdout would also break stdio MCP tests.
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (options.Certificate is { } certificate)
            {
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = certificate;
                    https.ClientCertificateMode = options.ClientCertificateMode;
                    if (options.AllowAnyClientCertificate)
                    {
                        https.AllowAnyClientCertificate();
                    }
                });
            }
        }));
        options.ConfigureBuilder?.Invoke(builder);

        _app = builder.Build();
        _app.Use(RecordAsync);
    }

    /// <summary>Where routes are mapped (<c>MapGet</c>, <c>MapPost</c>, <c>Map</c>…); map them before <see cref="StartAsync"/>.</summary>
    public IEndpointRouteBuilder Routes => _app;

    /// <summary>The underlying application, for middleware a fake needs beyond routes.</summary>
    public WebApplication App => _app;

    /// <summary><c>http(s)://127.0.0.1:port/</c>; available after <see cref="StartAsync"/>.</summary>
    public Uri BaseAddress => _baseAddress ?? throw new InvalidOperationException("Call StartAsync first.");

    /// <summary>A snapshot of the requests received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _app.StartAsync(cancellationToken);
        string address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.Single();
        int port = new Uri(address).Port;
        _baseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"{(_https ? "https" : "http")}://127.0.0.1:{port}/"));
    }

    public async ValueTask DisposeAsync()
    {
        // Handlers still waiting (a delayed response the client abandoned) must not hold up the test run.
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(stopping.Token);
        }
        catch (OperationCanceledException)
        {
        }

        await _app.DisposeAsync();
    }

    private async Task RecordAsync(HttpContext context, RequestDelegate next)
    {
        DateTimeOffset receivedAt = DateTimeOffset.UtcNow;
        HttpRequest request = context.Request;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> header in request.Headers)
        {
            headers[header.Key] = header.Value.ToString();
        }

        // Buffer the body so that the route handler can still read it.
        request.EnableBuffering();
        string body;
        using (var reader = new StreamReader(request.Body, leaveOpen: true))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        request.Body.Position = 0;

        lock (_gate)
        {
            _requests.Add(new RecordedRequest(request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "", headers,
                body, receivedAt, context.Connection.ClientCertificate?.Subject));
        }

        await next(context);
    }
}
