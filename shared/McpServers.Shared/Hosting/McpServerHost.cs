using System.Text;
using System.Text.Json;
using McpServers.Shared.Errors;
using McpServers.Shared.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;
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
/// Configuration (machine policy file &gt; command line &gt; environment &gt; <c>--config</c> file &gt; defaults),
/// stderr-only diagnostics, and
/// the common modes: serve over stdio, <c>--help</c>, <c>--version</c>, <c>--print-tools</c>, <c>--check</c>.
/// Nothing here touches the backend before a tool call or <c>--check</c>.
/// </summary>
public sealed class McpServerHostBuilder
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(60);
    private const string ApprovedToolsSetting = "Policy:ApprovedTools (--approved-tools)";
    private readonly HostApplicationBuilder _builder;
    private readonly ServerIdentity _identity;
    private readonly CommandLine? _commandLine;
    private readonly bool _checkRequested;
    private readonly Exception? _startupError;
    private readonly SignInVerb? _signInVerb;
    // What the empty host registers itself; HTTP mode moves everything else into its web application.
    private readonly HashSet<ServiceDescriptor> _hostServices;
    // The configuration sources this host reads for the user, each with how to name where a key came from.
    private readonly List<(IConfigurationProvider Provider, Func<string, string> Where)> _ownSources = [];
    // Only the non-serving modes (--help, --version, --print-tools, --check) write to stdout.
    private readonly TextWriter _out = Console.Out;
    private readonly TextWriter _err = Console.Error;

    internal McpServerHostBuilder(string[] args, ServerIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(args);
        _identity = identity ?? throw new ArgumentNullException(nameof(identity));
        (_signInVerb, args) = SignInVerb.Parse(args);
        _checkRequested = CommandLine.AsksForCheck(args);
        _builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = identity.Name,
            ContentRootPath = AppContext.BaseDirectory,
            DisableDefaults = true,
        });
        _hostServices = [.. _builder.Services];
        _builder.Logging.ClearProviders();
        try
        {
            _commandLine = CommandLine.Parse(args, identity);
            if (_commandLine.ConfigFile is { } file)
            {
                AddConfigFile(file);
            }

            AddOwnSource(new ServerEnvironmentConfigurationSource(identity),
                key => "environment variable " + identity.EnvironmentPrefix + key.Replace(":", "__", StringComparison.Ordinal));
            AddOwnSource(new MemoryConfigurationSource { InitialData = _commandLine.Settings }, _ => "--set");
            AddMachinePolicy(MachinePolicy.PathFor(identity.Name, identity.MachinePolicyDirectory));
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

    public HostMode Mode => _commandLine?.Mode ?? (_checkRequested ? HostMode.Check : HostMode.Serve);

    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        if (_startupError is not null)
        {
            // --check promises a verdict and exit code 1 for anything wrong, configuration included.
            if (_checkRequested)
            {
                return await VerdictAsync([new CheckResult("configuration", CheckStatus.Failed, Describe(_startupError))]);
            }

            await _err.WriteLineAsync($"{_identity.Name}: configuration error: {Describe(_startupError)}");
            return 2;
        }

        if (_signInVerb is { } verb && Mode == HostMode.Serve)
        {
            // The sign-in verbs need the sign-in settings, not the tool set (which may need the sign-in).
            using IHost? host = await StartUpAsync(validateOptions: false, awaitTools: false, buildTools: false);
            return host is null ? 2 : await verb.RunAsync(host.Services, _identity, _err, cancellationToken);
        }

        switch (Mode)
        {
            case HostMode.Help:
                await _out.WriteAsync(HelpText.For(_identity, SignInVerb.IsAvailable(_builder.Services)));
                return 0;
            case HostMode.Version:
                await _out.WriteLineAsync($"{_identity.Name} {_identity.Version}");
                return 0;
            case HostMode.Check:
                return await CheckAsync(cancellationToken);
            case HostMode.PrintConfig:
                (string json, IReadOnlyList<string> notes) = ClientConfig.For(_commandLine!.PrintConfigClient!, _identity, ClientConfig.CurrentCommand(),
                    ClientConfig.AbsolutePaths(_commandLine.ServeArguments, Environment.CurrentDirectory), ClientConfig.ProcessEnvironment());
                await _out.WriteLineAsync(json);
                foreach (string note in notes)
                {
                    await _err.WriteLineAsync($"{_identity.Name}: {note}");
                }

                return 0;
            case HostMode.PrintTools or HostMode.DiffTools:
                // The manifest is change control of the tool definitions: it must not need a reachable backend or
                // credentials, so options validation (backend settings) is skipped; the tool set is still built.
                _builder.Services.AddSingleton(new ToolManifestOnly());
                using (IHost? host = await StartUpAsync(validateOptions: false, awaitTools: true))
                {
                    if (host is null)
                    {
                        return 2;
                    }

                    int code = Mode == HostMode.DiffTools
                        ? await DiffToolsAsync(host.Services, _commandLine!.DiffToolsFile!)
                        : await PrintToolsAsync(host.Services);
                    if (_identity.ToolSetSettings.Count > 0)
                    {
                        await _err.WriteLineAsync($"{_identity.Name}: this tool set depends on {HelpText.ToolSetSettings(_identity, _builder.Configuration)}.");
                    }

                    return code;
                }

            default:
                if (!string.IsNullOrWhiteSpace(_builder.Configuration["Service:Url"]))
                {
                    // Only behind the feature switch itself, so a stdio-only build drops all of HTTP mode.
                    if (Service.HttpService.IsSupported)
                    {
                        return await ServeHttpAsync(cancellationToken);
                    }

                    await _err.WriteLineAsync($"{_identity.Name}: this build serves stdio only (HTTP mode was left out to keep it small). Use the framework-dependent build (dotnet tool install --framework-dependent, or dotnet run) or build with -p:McpHttp=true for --http.");
                    return 2;
                }

                _builder.Services.AddMcpServer().WithStdioServerTransport();
                // Tools a source loads in the background (a document at a URL) do not hold up serving: requests wait for
                // them. A pinned server (Policy:ApprovedTools) waits for them before serving, because it must compare
                // the complete tool set with the approved manifest first and expose nothing unapproved.
                bool pinned = !string.IsNullOrWhiteSpace(_builder.Configuration["Policy:ApprovedTools"]);
                using (IHost? host = await StartUpAsync(validateOptions: true, awaitTools: pinned))
                {
                    if (host is null)
                    {
                        return 2;
                    }

                    if (await RefuseUnapprovedToolsAsync(host.Services) is int refused)
                    {
                        return refused;
                    }

                    if (!Console.IsInputRedirected)
                    {
                        await _err.WriteLineAsync(WaitingForClient(_identity.Name, Environment.GetCommandLineArgs().Skip(1)));
                    }

                    await host.RunAsync(cancellationToken);
                    return 0;
                }
        }
    }

    /// <summary>
    /// The one line shown when stdin is a terminal: a person started the server by hand, and silence would look like
    /// a hang. Says what it waits for and how to try it with a client (the MCP Inspector, over the same command line).
    /// </summary>
    internal static string WaitingForClient(string command, IEnumerable<string> arguments)
    {
        // POSIX-shell quoting for anything beyond plain path and option characters, so the line can be pasted as is.
        static string Quote(string a) => a.Length > 0 && a.All(c => char.IsAsciiLetterOrDigit(c) || "_./:=@%+,-".Contains(c, StringComparison.Ordinal))
            ? a
            : "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
        string line = string.Join(' ', new[] { command }.Concat(arguments.Select(Quote)));
        return $"{command}: waiting for an MCP client on stdin (this is a stdio MCP server, not an interactive program). " +
            $"To try it: npx @modelcontextprotocol/inspector {line}  ·  set-up for your client: {command} --print-config claude-code  ·  {command} --help. Ctrl+C stops it.";
    }

    private async Task<int> PrintToolsAsync(IServiceProvider services)
    {
        await _out.WriteLineAsync(ToolManifest(services.GetRequiredService<ToolRegistry>()));
        return 0;
    }

    /// <summary><c>--diff-tools</c>: the difference for review, on stdout (this mode does not serve MCP).</summary>
    private async Task<int> DiffToolsAsync(IServiceProvider services, string file)
    {
        IReadOnlyList<string> differences;
        try
        {
            differences = ToolDifferences(services, file, "--diff-tools");
        }
        catch (ConfigurationException e)
        {
            await _err.WriteLineAsync($"{_identity.Name}: configuration error: {e.Message}");
            return 2;
        }

        var text = new StringBuilder();
        if (differences.Count == 0)
        {
            text.AppendLine($"{_identity.Name}: the tools are exactly those approved in '{file}'.");
        }
        else
        {
            text.AppendLine($"{_identity.Name}: {differences.Count} difference(s) from the approved tools in '{file}':");
            differences.ToList().ForEach(d => text.Append("  ").AppendLine(d));
        }

        await _out.WriteAsync(text.ToString());
        return differences.Count == 0 ? 0 : 1;
    }

    /// <summary>
    /// Pinning (<c>Policy:ApprovedTools</c>): a server whose tools differ from the approved manifest serves nothing and
    /// exits 1, naming each difference, so an upgrade that changes a tool definition cannot slip in unreviewed.
    /// Null when no manifest is set or the tools match it; otherwise the exit code.
    /// </summary>
    private async Task<int?> RefuseUnapprovedToolsAsync(IServiceProvider services)
    {
        string file;
        IReadOnlyList<string> differences;
        try
        {
            if (ApprovedToolsDifferences(services) is not { Differences.Count: > 0 } pinned)
            {
                return null;
            }

            (file, differences) = pinned;
        }
        catch (ConfigurationException e)
        {
            await _err.WriteLineAsync($"{_identity.Name}: configuration error: {e.Message}");
            return 2;
        }

        var text = new StringBuilder();
        text.AppendLine($"{_identity.Name}: refusing to start: the tools differ from the approved manifest '{file}' ({ApprovedToolsSetting}):");
        differences.ToList().ForEach(d => text.Append("  ").AppendLine(d));
        text.AppendLine($"Review them with --diff-tools '{file}'; once approved, replace the file with the output of --print-tools (same settings).");
        await _err.WriteAsync(text.ToString());
        return 1;
    }

    /// <summary>The approved manifest (<c>Policy:ApprovedTools</c>) and the differences from it; null when none is set.</summary>
    private static (string File, IReadOnlyList<string> Differences)? ApprovedToolsDifferences(IServiceProvider services) =>
        services.GetRequiredService<IOptions<PolicyOptions>>().Value.ApprovedTools is { Length: > 0 } file
            ? (file, ToolDifferences(services, file, ApprovedToolsSetting))
            : null;

    /// <summary>
    /// The one place the pinning check runs: the current tools/list, exactly as <c>--print-tools</c> prints it, against
    /// the approved manifest <paramref name="file"/>. Empty when they are equal. It needs the complete tool set: a tool
    /// source that loads after start must be ready before this runs.
    /// </summary>
    private static IReadOnlyList<string> ToolDifferences(IServiceProvider services, string file, string setting)
    {
        using JsonDocument approved = ToolPinning.ReadManifest(file, setting);
        using JsonDocument current = JsonDocument.Parse(ToolManifest(services.GetRequiredService<ToolRegistry>()));
        return ToolPinning.Compare(approved.RootElement, current.RootElement);
    }

    /// <summary>
    /// Everything that can be wrong before serving — unknown settings, option values, tool schemas, declared tools —
    /// fails here with a message naming what to fix (exit code 2), never as a stack trace after a client has connected.
    /// </summary>
    private async Task<IHost?> StartUpAsync(bool validateOptions, bool awaitTools, bool buildTools = true, Func<IHost>? build = null)
    {
        IHost? host = null;
        try
        {
            host = build is null ? _builder.Build() : build();
            List<string> unknown = UnknownSettings(host.Services);
            if (unknown.Count > 0)
            {
                host.Dispose();
                foreach (string problem in unknown)
                {
                    await _err.WriteLineAsync($"{_identity.Name}: configuration error: {problem}");
                }

                return null;
            }

            if (validateOptions)
            {
                ValidateOptions(host.Services);
            }

            if (buildTools)
            {
                ToolRegistry registry = host.Services.GetRequiredService<ToolRegistry>();
                if (awaitTools)
                {
                    await registry.WhenReadyAsync(CancellationToken.None);
                }
            }

            return host;
        }
        catch (Exception e)
        {
            // Whatever a server's registration throws at start-up is reported as a message, not a stack trace.
            host?.Dispose();
            await _err.WriteLineAsync($"{_identity.Name}: cannot start: {Describe(e)}");
            return null;
        }
    }

    /// <summary>HTTP mode (<c>--http</c>): the same start-up checks as stdio, then the web application serves.</summary>
    private async Task<int> ServeHttpAsync(CancellationToken cancellationToken)
    {
        using IHost? host = await StartUpAsync(validateOptions: true, awaitTools: true, build: BuildHttp);
        if (host is null)
        {
            return 2;
        }

        return await RefuseUnapprovedToolsAsync(host.Services) is int refused
            ? refused
            : await Service.HttpService.ServeAsync(host, _identity, _err, cancellationToken);
    }

    /// <summary>HTTP mode: the web application, holding every service this server registered (not the empty host's own).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859", Justification = "IHost keeps ASP.NET Core types out of this class, so a stdio start loads none of them.")]
    private IHost BuildHttp() =>
        Service.HttpService.Build([.. _builder.Services.Where(d => !_hostServices.Contains(d))], _builder.Configuration, _identity);

    /// <summary>The exact tools/list result, as the reviewable manifest <c>--print-tools</c> prints.</summary>
    public static string ToolManifest(ToolRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var result = new ListToolsResult { Tools = [.. registry.Visible.Select(t => t.Tool.ProtocolTool)] };
        var options = new JsonSerializerOptions(McpJsonUtilities.DefaultOptions) { WriteIndented = true };
        return JsonSerializer.Serialize(result, options.GetTypeInfo(typeof(ListToolsResult)));
    }

    /// <summary>
    /// <c>--check</c> never throws: every problem, from an unknown setting to an unreachable host, is a FAIL line
    /// naming what to fix, and the exit code is 1.
    /// </summary>
    private async Task<int> CheckAsync(CancellationToken cancellationToken)
    {
        var results = new List<CheckResult>();
        IHost? host = null;
        try
        {
            host = _builder.Build();
            results.AddRange(UnknownSettings(host.Services).Select(p => new CheckResult("configuration", CheckStatus.Failed, p)));
            if (results.Count == 0)
            {
                ValidateOptions(host.Services);
                ToolRegistry registry = host.Services.GetRequiredService<ToolRegistry>();
                await registry.WhenReadyAsync(cancellationToken);
                int visible = registry.Visible.Count();
                results.Add(new CheckResult("configuration", CheckStatus.Ok, "settings are valid"));
                string policy = MachinePolicy.PathFor(_identity.Name, _identity.MachinePolicyDirectory);
                results.Add(new CheckResult("machine policy", CheckStatus.Ok, MachinePolicyKeys.Count == 0
                    ? $"none ({policy} does not exist or sets nothing)"
                    : $"{policy} sets {string.Join(", ", MachinePolicyKeys)} (over the command line and environment)"));
                results.Add(new CheckResult("tools", CheckStatus.Ok,
                    $"{visible} of {registry.All.Count} tools served ({(registry.ReadOnlyMode ? "read-only mode" : "writes allowed")})"));
                if (ApprovedToolsCheck(host.Services) is { } pinned)
                {
                    results.Add(pinned);
                }

                if (!string.IsNullOrWhiteSpace(_builder.Configuration["Service:Url"]))
                {
                    if (Service.HttpService.IsSupported)
                    {
                        results.AddRange(await Service.HttpService.CheckAsync(_builder.Configuration, cancellationToken));
                    }
                    else
                    {
                        results.Add(new CheckResult("http service", CheckStatus.Failed,
                            "this build serves stdio only; use the framework-dependent build or build with -p:McpHttp=true", "Service:Url (--http)"));
                    }
                }
            }
        }
        catch (Exception e)
        {
            results.Add(new CheckResult("configuration", CheckStatus.Failed, Describe(e)));
        }

        try
        {
            if (host is not null && results.All(r => r.Status != CheckStatus.Failed))
            {
                await RunChecksAsync(host.Services, results, cancellationToken);
            }

            return await VerdictAsync(results);
        }
        finally
        {
            host?.Dispose();
        }
    }

    /// <summary>The pinning verdict for <c>--check</c>; null when no approved manifest is set.</summary>
    private static CheckResult? ApprovedToolsCheck(IServiceProvider services)
    {
        try
        {
            if (ApprovedToolsDifferences(services) is not var (file, differences))
            {
                return null;
            }

            return differences.Count == 0
                ? new CheckResult("approved tools", CheckStatus.Ok, $"the tools are exactly those approved in '{file}'")
                : new CheckResult("approved tools", CheckStatus.Failed,
                    $"{differences.Count} difference(s) from '{file}', the server would refuse to start; first: {differences[0]}; see --diff-tools", ApprovedToolsSetting);
        }
        catch (ConfigurationException e)
        {
            return new CheckResult("approved tools", CheckStatus.Failed, e.Message);
        }
    }

    private async Task RunChecksAsync(IServiceProvider services, List<CheckResult> results, CancellationToken cancellationToken)
    {
        IServerCheck[] checks;
        try
        {
            checks = [.. services.GetServices<IServerCheck>()];
        }
        catch (Exception e)
        {
            results.Add(new CheckResult("configuration", CheckStatus.Failed, Describe(e)));
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CheckTimeout);
        foreach (IServerCheck check in checks)
        {
            try
            {
                results.AddRange(await check.RunAsync(timeout.Token));
            }
            catch (Exception e)
            {
                // A wrong URL, an unreachable host, a refused token: what --check exists to find, so a verdict line.
                results.Add(new CheckResult("backend", CheckStatus.Failed, Failure(e, timeout.IsCancellationRequested), SettingToFix(check, e)));
            }
        }
    }

    private static string Failure(Exception e, bool timedOut) => e switch
    {
        OperationCanceledException when timedOut => $"no answer within {CheckTimeout.TotalSeconds:0} s",
        BackendException b => (b.SafeMessage ?? Words(b.Kind)) + Details(b.InnerException),
        HttpRequestException h => "could not reach the backend: " + Messages(h),
        TimeoutException or OperationCanceledException => "the backend did not answer in time" + Details(e.InnerException),
        _ => $"{Messages(e)} ({e.GetType().Name})",
    };

    private static string Words(BackendErrorKind kind) => kind switch
    {
        BackendErrorKind.NotFound => "the backend answered 'not found'",
        BackendErrorKind.Forbidden => "the backend refused access",
        BackendErrorKind.Unauthorized => "the backend refused the credentials",
        BackendErrorKind.Conflict => "the backend reported a conflict",
        BackendErrorKind.RateLimited => "the backend is rate limiting this client",
        BackendErrorKind.TimedOut => "the backend did not answer in time",
        BackendErrorKind.TooExpensive => "the backend refused the request as too expensive",
        BackendErrorKind.Invalid => "the backend refused the request as invalid",
        _ => "the backend could not be reached or failed",
    };

    /// <summary>The cause, for the administrator reading the verdict (redacted like every line).</summary>
    private static string Details(Exception? inner) => inner is null ? string.Empty : $" ({Messages(inner)})";

    private static string Messages(Exception e)
    {
        var messages = new List<string>();
        for (Exception? current = e; current is not null && messages.Count < 4; current = current.InnerException)
        {
            if (!messages.Contains(current.Message, StringComparer.Ordinal))
            {
                messages.Add(current.Message);
            }
        }

        return string.Join(": ", messages);
    }

    /// <summary>The check's own answer; otherwise, for a refused sign-in, the server's secret (credential) settings.</summary>
    private string? SettingToFix(IServerCheck check, Exception failure)
    {
        try
        {
            if (check.SettingToFix(failure) is { Length: > 0 } setting)
            {
                return setting;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The verdict must still be written; the failure line just names no setting.
        }

        bool refused = failure is BackendException { Kind: BackendErrorKind.Unauthorized or BackendErrorKind.Forbidden }
            or HttpRequestException { StatusCode: System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden };
        string[] credentials = [.. _identity.Settings.Where(s => s.Secret).Select(s => s.Key)];
        return refused && credentials.Length > 0 ? "the credentials: " + string.Join(", ", credentials) : null;
    }

    private async Task<int> VerdictAsync(IReadOnlyList<CheckResult> results)
    {
        SecretRedactor redactor = SecretRedactor.FromConfiguration(_builder.Configuration, _identity);
        var text = new StringBuilder();
        foreach (CheckResult r in results)
        {
            string status = r.Status switch { CheckStatus.Ok => "ok  ", CheckStatus.Warning => "warn", _ => "FAIL" };
            string fix = r.Status != CheckStatus.Ok && r.Setting is { Length: > 0 } setting ? $" (fix: {setting})" : string.Empty;
            text.Append(status).Append("  ").Append(r.Name).Append(": ").AppendLine(redactor.Redact(r.Message + fix));
        }

        int failed = results.Count(r => r.Status == CheckStatus.Failed);
        text.AppendLine(failed == 0 ? $"{_identity.Name}: ready." : $"{_identity.Name}: NOT ready ({failed} problem(s) above).");
        await _out.WriteAsync(text.ToString());
        return failed == 0 ? 0 : 1;
    }

    /// <summary>
    /// Keys from the command line, the server's environment variables and the <c>--config</c> file that no options
    /// type, <c>--help</c> entry, switch or alias knows: most likely typos, which would otherwise be ignored silently.
    /// Other configuration sources (a test's, a server's own) are not ours to judge.
    /// </summary>
    private List<string> UnknownSettings(IServiceProvider services)
    {
        KnownSettings known = KnownSettings.For(_identity, services.GetServices<SettingsSection>());
        var problems = new List<string>();
        foreach (var (provider, where) in _ownSources)
        {
            foreach (var (key, value) in KnownSettings.Entries(provider))
            {
                if (known.Problem(key, value is not null) is { } problem)
                {
                    problems.Add($"{where(key)}: {problem}");
                }
            }
        }

        return problems;
    }

    private void AddOwnSource(IConfigurationSource source, Func<string, string> where)
    {
        // ConfigurationManager builds (loads) each provider as its source is added.
        ((IConfigurationBuilder)_builder.Configuration).Add(source);
        _ownSources.Add((((IConfigurationRoot)_builder.Configuration).Providers.Last(), where));
    }

    private void AddConfigFile(string file)
    {
        string path = Path.GetFullPath(file);
        if (!File.Exists(path))
        {
            throw new ConfigurationException($"--config: the file '{file}' does not exist.");
        }

        AddSettingsFile(path, $"--config file '{file}'", problem => $"--config: '{file}' {problem}");
    }

    /// <summary>The keys the machine policy file sets (empty when there is none); they win over every other source.</summary>
    public IReadOnlyList<string> MachinePolicyKeys { get; private set; } = [];

    /// <summary>
    /// Added last, so its keys win. A user setting that it overrides is named once on stderr, so nobody wonders why
    /// their --allow-writes or environment variable has no effect.
    /// </summary>
    private void AddMachinePolicy(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        string where = $"machine policy file '{path}'";
        int users = _ownSources.Count;
        AddSettingsFile(path, where, problem => $"the {where} {problem} Ask the administrator who manages it.");
        var keys = KnownSettings.Entries(_ownSources[^1].Provider).Where(e => e.Value is not null).ToList();
        MachinePolicyKeys = [.. keys.Select(e => e.Key)];
        foreach (var (key, value) in keys)
        {
            foreach (var (provider, from) in _ownSources.Take(users))
            {
                if (provider.TryGet(key, out string? mine) && !string.Equals(mine, value, StringComparison.OrdinalIgnoreCase))
                {
                    _err.WriteLine($"{_identity.Name}: {key} from {from(key)} is overridden by the {where} (it sets {value}).");
                }
            }
        }
    }

    private void AddSettingsFile(string path, string where, Func<string, string> problem)
    {
        var source = new JsonConfigurationSource { Path = path, Optional = false, ReloadOnChange = false };
        source.ResolveFileProvider();
        try
        {
            AddOwnSource(source, _ => where);
        }
        catch (InvalidDataException e)
        {
            throw new ConfigurationException(problem(ConfigFileProblem(e)));
        }

        // --help promises that secrets come only from the environment or a _FILE: a settings file is copied, shared,
        // committed and backed up far more readily than a secret file with owner-only permissions.
        foreach (var (key, value) in KnownSettings.Entries(_ownSources[^1].Provider))
        {
            if (value is { Length: > 0 } && CommandLine.IsSecretSetting(key, _identity))
            {
                throw new ConfigurationException(
                    $"{where}: '{key}' is a secret and is not accepted in a settings file. Remove it and set {CommandLine.SecretSources(key, _identity)} instead.");
            }
        }
    }

    /// <summary>Where a settings file stops being JSON, as the line and position an editor shows (1-based).</summary>
    private static string ConfigFileProblem(InvalidDataException e)
    {
        for (Exception? inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is JsonException { LineNumber: long line, BytePositionInLine: long position } json)
            {
                string reason = json.Message;
                int cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
                if (reason.IndexOf(" Path:", StringComparison.Ordinal) is >= 0 and var path && (cut < 0 || path < cut))
                {
                    cut = path;
                }

                // The reader quotes the rest of a bad literal, line breaks included: keep the verdict on one line.
                string oneLine = string.Join(' ', (cut > 0 ? reason[..cut] : reason).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                return $"is not valid JSON at line {line + 1}, position {position + 1}: {oneLine}.";
            }
        }

        return $"cannot be used: {e.InnerException?.Message ?? e.Message}.";
    }

    private static void ValidateOptions(IServiceProvider services)
    {
        services.GetService<IStartupValidator>()?.Validate();
        foreach (StartupValidation validation in services.GetServices<StartupValidation>())
        {
            validation.Validate(services);
        }
    }

    private string Describe(Exception e)
    {
        string message = e switch
        {
            OptionsValidationException o => string.Join(" ", o.Failures),
            ConfigurationException or InvalidDataException or FormatException or InvalidOperationException or ToolsUnavailableException => e.Message,
            // Not a type a server throws for a setting: name it, so the message is still useful.
            _ => $"{e.Message} ({e.GetType().Name})",
        };
        if (e.InnerException is { } inner && e is not OptionsValidationException)
        {
            message += " " + inner.Message;
        }

        return SecretRedactor.FromConfiguration(_builder.Configuration, _identity).Redact(message);
    }

    private static LogLevel ParseLevel(string? value) =>
        Enum.TryParse(value, ignoreCase: true, out LogLevel level) ? level : LogLevel.Information;
}
