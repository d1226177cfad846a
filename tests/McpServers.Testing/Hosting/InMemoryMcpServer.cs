using System.IO.Pipelines;
using System.Text.Json;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Testing.Hosting;

/// <summary>
/// A server's own registration (<c>AddXServer</c>) served over in-memory pipes, with its audit log in a temp folder
/// and its diagnostic log captured through the real redacting stderr logger. One instance = one MCP session.
/// </summary>
public sealed class InMemoryMcpServer : IAsyncDisposable
{
    private readonly Pipe _clientToServer = new();
    private readonly Pipe _serverToClient = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ServiceProvider _services;
    private readonly Task _run;
    private readonly StringWriter _log = new();
    private readonly List<McpClient> _clients = [];

    public InMemoryMcpServer(Func<IServiceCollection, IConfiguration, IMcpServerBuilder> register,
        IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(register);
        AuditDirectory = Directory.CreateTempSubdirectory("mcp-audit-").FullName;
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Audit:Path"] = Path.Combine(AuditDirectory, "audit-.jsonl"),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        Configuration = new ConfigurationBuilder().AddInMemoryCollection(all).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, StderrLoggerProvider>(
            sp => new StderrLoggerProvider(sp.GetRequiredService<SecretRedactor>(), TextWriter.Synchronized(_log))));
        register(services, Configuration).WithStreamServerTransport(_clientToServer.Reader.AsStream(), _serverToClient.Writer.AsStream());
        configureServices?.Invoke(services);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });
        Server = _services.GetRequiredService<McpServer>();
        _run = Server.RunAsync(_stop.Token);
    }

    public McpServer Server { get; }

    public IServiceProvider Services => _services;

    public IConfiguration Configuration { get; }

    public string AuditDirectory { get; }

    /// <summary>Everything the diagnostic logger wrote (as it would appear on stderr).</summary>
    public string DiagnosticLog => _log.ToString();

    /// <summary>Connects the session's one client (2025-11-25 by default; pass options for another version or handlers).</summary>
    public async Task<McpClient> ConnectAsync(McpClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new McpClientOptions { ProtocolVersion = "2025-11-25" };
        var transport = new StreamClientTransport(_clientToServer.Writer.AsStream(), _serverToClient.Reader.AsStream());
        McpClient client = await McpClient.CreateAsync(transport, options, cancellationToken: cancellationToken);
        _clients.Add(client);
        return client;
    }

    /// <summary>The audit events written so far, one parsed JSON object per line.</summary>
    public IReadOnlyList<JsonElement> AuditEvents() => AuditFiles.Read(AuditDirectory);

    public async ValueTask DisposeAsync()
    {
        foreach (McpClient client in _clients)
        {
            await client.DisposeAsync();
        }

        await _stop.CancelAsync();
        _clientToServer.Writer.Complete();
        _serverToClient.Writer.Complete();
        try
        {
            await _run;
        }
        catch (OperationCanceledException)
        {
        }

        await _services.DisposeAsync();
        _stop.Dispose();
        try
        {
            Directory.Delete(AuditDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Reads audit files (Serilog adds the date to the file name when rolling).</summary>
public static class AuditFiles
{
    public static IReadOnlyList<JsonElement> Read(string directory)
    {
        var events = new List<JsonElement>();
        foreach (string file in Directory.GetFiles(directory, "*.jsonl").Order(StringComparer.Ordinal))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.Length > 0)
                {
                    using JsonDocument document = JsonDocument.Parse(line);
                    events.Add(document.RootElement.Clone());
                }
            }
        }

        return events;
    }

    /// <summary>Every file's raw text, for "the secret appears nowhere" assertions.</summary>
    public static string RawText(string directory) =>
        string.Concat(Directory.GetFiles(directory, "*", SearchOption.AllDirectories).Select(f =>
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }));
}
