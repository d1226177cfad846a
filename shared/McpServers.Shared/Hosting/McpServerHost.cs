using System.Text;
using System.Text.Json;
using McpServers.Shared.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpServers.Shared.Hosting;

/// <summary>The one way a server starts (DESIGN §2).</summary>
public static class McpServerHost
{
    public static McpServerHostBuilder CreateBuilder(string[] args, ServerIdentity identity) => new(args, identity);
}

/// <summary>
/// Configuration (command line &gt; environment &gt; <c>--config</c> file &gt; defaults), stderr-only diagnostics, and
/// the common modes: serve over stdio, <c>--help</c>, <c>--version</c>, <c>--print-tools</c>, <c>--check</c>.
/// Nothing here touches the backend before a tool call or <c>--check</c>.
/// </summary>
public sealed class McpServerHostBuilder
{
    private readonly HostApplicationBuilder _builder;
    private readonly ServerIdentity _identity;
    private readonly CommandLine? _commandLine;
    private readonly Exception? _startupError;
    // Only the non-serving modes (--help, --version, --print-tools, --check) write to stdout.
    private readonly TextWriter _out = Console.Out;
    private readonly TextWriter _err = Console.Error;

    internal McpServerHostBuilder(string[] args, ServerIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(args);
        _identity = identity ?? throw new ArgumentNullException(nameof(identity));
        _builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = identity.Name,
            ContentRootPath = AppContext.BaseDirectory,
            DisableDefaults = true,
        });
        _builder.Logging.ClearProviders();
        try
        {
            _commandLine = CommandLine.Parse(args, identity);
            if (_commandLine.ConfigFile is { } file)
            {
                string path = Path.GetFullPath(file);
                if (!File.Exists(path))
                {
                    throw new ConfigurationException($"--config: the file '{file}' does not exist.");
                }

                _builder.Configuration.AddJsonFile(path, optional: false, reloadOnChange: false);
            }

            ((IConfigurationBuilder)_builder.Configuration).Add(new ServerEnvironmentConfigurationSource(identity));
            _builder.Configuration.AddInMemoryCollection(_commandLine.Settings);
            _builder.Logging.SetMinimumLevel(ParseLevel(_builder.Configuration["Logging:Level"]));
            _builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
            _builder.Logging.AddFilter("ModelContextProtocol", LogLevel.Warning);
        }
        catch (Exception e) when (e is ConfigurationException or InvalidDataException or FormatException)
        {
            _startupError = e;
        }
    }

    public IConfigurationManager Configuration => _builder.Configuration;

    public IServiceCollection Services => _builder.Services;

    public ILoggingBuilder Logging => _builder.Logging;

    public HostMode Mode => _commandLine?.Mode ?? HostMode.Serve;

    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        if (_startupError is not null)
        {
            await _err.WriteLineAsync($"{_identity.Name}: configuration error: {Describe(_startupError)}");
            return 2;
        }

        switch (Mode)
        {
            case HostMode.Help:
                await _out.WriteAsync(HelpText.For(_identity));
                return 0;
            case HostMode.Version:
                await _out.WriteLineAsync($"{_identity.Name} {_identity.Version}");
                return 0;
            case HostMode.Check:
                using (IHost host = _builder.Build())
                {
                    return await CheckAsync(host.Services, cancellationToken);
                }

            case HostMode.PrintTools:
                using (IHost? host = await StartUpAsync())
                {
                    if (host is null)
                    {
                        return 2;
                    }

                    await _out.WriteLineAsync(ToolManifest(host.Services.GetRequiredService<ToolRegistry>()));
                    return 0;
                }

            default:
                _builder.Services.AddMcpServer().WithStdioServerTransport();
                using (IHost? host = await StartUpAsync())
                {
                    if (host is null)
                    {
                        return 2;
                    }

                    await host.RunAsync(cancellationToken);
                    return 0;
                }
        }
    }

    /// <summary>
    /// Everything that can be wrong before serving — settings, tool schemas, declared tools — fails here with a
    /// message naming what to fix (exit code 2), never as a stack trace after a client has connected.
    /// </summary>
    private async Task<IHost?> StartUpAsync()
    {
        IHost? host = null;
        try
        {
            host = _builder.Build();
            ValidateOptions(host.Services);
            _ = host.Services.GetRequiredService<ToolRegistry>();
            return host;
        }
        catch (Exception e) when (e is OptionsValidationException or ConfigurationException or InvalidDataException
            or FormatException or InvalidOperationException)
        {
            host?.Dispose();
            await _err.WriteLineAsync($"{_identity.Name}: cannot start: {Describe(e)}");
            return null;
        }
    }

    /// <summary>The exact tools/list result, as the reviewable manifest <c>--print-tools</c> prints.</summary>
    public static string ToolManifest(ToolRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var result = new ListToolsResult { Tools = [.. registry.Visible.Select(t => t.Tool.ProtocolTool)] };
        var options = new JsonSerializerOptions(McpJsonUtilities.DefaultOptions) { WriteIndented = true };
        return JsonSerializer.Serialize(result, options.GetTypeInfo(typeof(ListToolsResult)));
    }

    private async Task<int> CheckAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var results = new List<CheckResult>();
        try
        {
            ValidateOptions(services);
            ToolRegistry registry = services.GetRequiredService<ToolRegistry>();
            int visible = registry.Visible.Count();
            results.Add(new CheckResult("configuration", CheckStatus.Ok, "settings are valid"));
            results.Add(new CheckResult("tools", CheckStatus.Ok,
                $"{visible} of {registry.All.Count} tools served ({(registry.ReadOnlyMode ? "read-only mode" : "writes allowed")})"));
        }
        catch (Exception e) when (e is OptionsValidationException or ConfigurationException or InvalidOperationException)
        {
            results.Add(new CheckResult("configuration", CheckStatus.Failed, Describe(e)));
        }

        if (results.All(r => r.Status != CheckStatus.Failed))
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            foreach (IServerCheck check in services.GetServices<IServerCheck>())
            {
                try
                {
                    results.AddRange(await check.RunAsync(timeout.Token));
                }
                catch (OperationCanceledException)
                {
                    results.Add(new CheckResult("backend", CheckStatus.Failed, "no answer within 60 s"));
                }
            }
        }

        SecretRedactor redactor = services.GetRequiredService<SecretRedactor>();
        var text = new StringBuilder();
        foreach (CheckResult r in results)
        {
            string status = r.Status switch { CheckStatus.Ok => "ok  ", CheckStatus.Warning => "warn", _ => "FAIL" };
            text.Append(status).Append("  ").Append(r.Name).Append(": ").AppendLine(redactor.Redact(r.Message));
        }

        int failed = results.Count(r => r.Status == CheckStatus.Failed);
        text.AppendLine(failed == 0 ? $"{_identity.Name}: ready." : $"{_identity.Name}: NOT ready ({failed} problem(s) above).");
        await _out.WriteAsync(text.ToString());
        return failed == 0 ? 0 : 1;
    }

    private static void ValidateOptions(IServiceProvider services) => services.GetService<IStartupValidator>()?.Validate();

    private string Describe(Exception e)
    {
        string message = e is OptionsValidationException o ? string.Join(" ", o.Failures) : e.Message;
        if (e.InnerException is { } inner && e is not OptionsValidationException)
        {
            message += " " + inner.Message;
        }

        return SecretRedactor.FromConfiguration(_builder.Configuration, _identity).Redact(message);
    }

    private static LogLevel ParseLevel(string? value) =>
        Enum.TryParse(value, ignoreCase: true, out LogLevel level) ? level : LogLevel.Information;
}
