namespace McpServers.Shared.Hosting;

/// <summary>What the process was asked to do.</summary>
public enum HostMode
{
    Serve,
    Help,
    Version,
    PrintTools,
    Check,
    DiffTools,
    PrintConfig,
}

/// <summary>
/// The common switches every server accepts, plus the server's own (<see cref="ServerIdentity.Switches"/>).
/// Each switch maps to a configuration key, so the command line is simply the highest-precedence configuration
/// source. Secret settings are refused here: command lines are visible to every user of the machine.
/// </summary>
public sealed class CommandLine
{
    private CommandLine(HostMode mode, string? configFile, IReadOnlyDictionary<string, string?> settings)
    {
        Mode = mode;
        ConfigFile = configFile;
        Settings = settings;
    }

    /// <summary>The approved manifest <c>--diff-tools</c> compares with (mode <see cref="HostMode.DiffTools"/>).</summary>
    public string? DiffToolsFile { get; private init; }

    /// <summary>The client <c>--print-config</c> prints an entry for (mode <see cref="HostMode.PrintConfig"/>).</summary>
    public string? PrintConfigClient { get; private init; }

    /// <summary>The arguments as given, without <c>--print-config</c> and its value: what a client entry starts the server with.</summary>
    public IReadOnlyList<string> ServeArguments { get; private init; } = [];

    public HostMode Mode { get; }

    public string? ConfigFile { get; }

    public IReadOnlyDictionary<string, string?> Settings { get; }

    private static readonly string[] ReferenceSuffixes = ["File", "Path", "Variable", "Name", "In", "Mode", "Endpoint", "Lifetime", "Bytes"];

    /// <summary>The switches every server accepts, for <c>--help</c>.</summary>
    public static IReadOnlyList<(string Switch, string Help)> CommonSwitches { get; } =
    [
        ("--help, -h", "Show this help and exit."),
        ("--version", "Print the server name and version and exit."),
        ("--config <file.json>", "Read settings from a JSON file (command line > environment > this file > defaults); no secrets in it."),
        ("--print-tools", "Print the exact tools/list result as JSON (the reviewable tool manifest) and exit; needs no backend or credentials."),
        ("--approved-tools <file>", "Refuse to start (exit code 1, each difference on stderr) when the tools differ from this approved --print-tools manifest (Policy:ApprovedTools)."),
        ("--diff-tools <file>", "Print how the tools differ from an approved --print-tools manifest and exit: 0 when equal, 1 when different."),
        ("--print-config <client>", "Print a ready-to-paste entry for claude-code, claude-desktop, vscode or managed: this executable's absolute path, these arguments and the settings set now (secrets as references, never values)."),
        ("--http <url>", "Serve MCP over Streamable HTTP at this address (e.g. http://127.0.0.1:8080, endpoint /mcp) instead of stdio: stateless, and only to callers with an OAuth access token (Service:Issuer) or an API key (Service:ApiKeys)."),
        ("--check", "Validate the configuration, reach the backend once, print a verdict; exit code 0 (ready) or 1 (any problem)."),
        ("--read-only", "Serve read-only tools only (the default). Write tools are hidden and refused."),
        ("--allow-writes", "Also serve tools that change data (each still subject to rate limits and confirmation). Not with --read-only."),
        ("--tools <a,b>", "Serve only these tools (Policy:Tools)."),
        ("--exclude-tools <c,d>", "Never serve these tools (Policy:ExcludeTools). Read-only > exclude > include."),
        ("--audit-log <path|->", "Audit log file, rolled daily and by size, with the date put before the extension (X.jsonl is written as X20261130.jsonl); '-' writes it to stderr. Default: the user's local app-data folder."),
        ("--set <Key=Value>", "Set any non-secret setting, e.g. --set RateLimits:ReadPerMinute=60."),
    ];

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ConfigurationException"/> with a message for the user.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args, ServerIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(identity);
        var mode = HostMode.Serve;
        string? configFile = null, diffToolsFile = null, printConfigClient = null;
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        bool readOnly = false, allowWrites = false;

        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string? inlineValue = null;
            int eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 2)
            {
                inlineValue = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string Value()
            {
                if (inlineValue is not null)
                {
                    return inlineValue;
                }

                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new ConfigurationException($"{arg} needs a value. See --help.");
                }

                return args[++i];
            }

            switch (arg)
            {
                case "--help" or "-h" or "-?":
                    mode = HostMode.Help;
                    break;
                case "--version":
                    mode = mode == HostMode.Help ? mode : HostMode.Version;
                    break;
                case "--print-tools":
                    mode = HostMode.PrintTools;
                    break;
                case "--check":
                    mode = HostMode.Check;
                    break;
                case "--print-config":
                    mode = HostMode.PrintConfig;
                    printConfigClient = Value();
                    if (!ClientConfig.Clients.Contains(printConfigClient))
                    {
                        throw new ConfigurationException($"--print-config takes one of: {string.Join(", ", ClientConfig.Clients)}.");
                    }

                    break;
                case "--diff-tools":
                    mode = HostMode.DiffTools;
                    diffToolsFile = Value();
                    break;
                case "--approved-tools":
                    settings["Policy:ApprovedTools"] = Value();
                    break;
                case "--config":
                    configFile = Value();
                    break;
                case "--read-only":
                    readOnly = true;
                    settings["Policy:ReadOnly"] = "true";
                    break;
                case "--allow-writes":
                    allowWrites = true;
                    settings["Policy:ReadOnly"] = "false";
                    break;
                case "--tools":
                    settings["Policy:Tools"] = Value();
                    break;
                case "--exclude-tools":
                    settings["Policy:ExcludeTools"] = Value();
                    break;
                case "--http":
                    settings["Service:Url"] = Value();
                    break;
                case "--audit-log":
                    settings["Audit:Path"] = Value();
                    break;
                case "--set":
                    string pair = Value();
                    int split = pair.IndexOf('=', StringComparison.Ordinal);
                    if (split <= 0)
                    {
                        throw new ConfigurationException($"--set takes Key=Value (got '{pair}').");
                    }

                    settings[RefuseSecret(pair[..split], identity)] = pair[(split + 1)..];
                    break;
                default:
                    ServerSwitch? own = identity.Switches.FirstOrDefault(s => s.Name == arg);
                    if (own is null)
                    {
                        throw new ConfigurationException($"Unknown option '{arg}'. Run {identity.Name} --help for the list of options.");
                    }

                    settings[RefuseSecret(own.ConfigKey, identity)] = own.ValueName is null ? own.FixedValue : Value();
                    break;
            }
        }

        // Whichever came last used to win, so a wrapper script adding --allow-writes silently overrode --read-only.
        if (readOnly && allowWrites)
        {
            throw new ConfigurationException("--read-only and --allow-writes contradict each other: give one of them (read-only is the default).");
        }

        return new CommandLine(mode, configFile, settings)
        {
            DiffToolsFile = diffToolsFile,
            PrintConfigClient = printConfigClient,
            ServeArguments = WithoutPrintConfig(args),
        };
    }

    /// <summary>True when <paramref name="args"/> ask for <c>--check</c>, even if they cannot be parsed.</summary>
    internal static bool AsksForCheck(IReadOnlyList<string> args) => args.Contains("--check", StringComparer.Ordinal);

    /// <summary>
    /// Secret settings: declared secret by the server, or named like one (password, token, connection string…) unless
    /// the name says it holds where a secret is, how it is sent or a limit on it rather than the secret itself
    /// (<c>Jira:OAuth:TokenFile</c>, <c>Auth:ApiKeyName</c>, <c>Http:ClientCertificatePasswordVariable</c>,
    /// <c>Confirmation:TokenLifetime</c>, <c>Http:MaxTokenResponseBytes</c>).
    /// </summary>
    private static List<string> WithoutPrintConfig(IReadOnlyList<string> args)
    {
        var kept = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == "--print-config")
            {
                i++;
            }
            else if (!args[i].StartsWith("--print-config=", StringComparison.Ordinal))
            {
                kept.Add(args[i]);
            }
        }

        return kept;
    }

    internal static bool IsSecretSetting(string key, ServerIdentity identity)
    {
        if (identity.Settings.Any(s => s.Secret && string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        string last = key[(key.LastIndexOf(':') + 1)..];
        return SecretNames.IsSecret(key) && !ReferenceSuffixes.Any(suffix => last.EndsWith(suffix, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Where a secret setting may come from: <c>MCP_X__Key</c>, a vendor name such as <c>PGPASSWORD</c>, or their <c>_FILE</c>.</summary>
    internal static string SecretSources(string key, ServerIdentity identity)
    {
        string env = identity.EnvironmentPrefix + key.Replace(":", "__", StringComparison.Ordinal);
        string sources = $"the environment variable {env} or {env}_FILE";
        foreach (EnvironmentAlias alias in identity.EnvironmentAliases.Where(a => string.Equals(a.ConfigKey, key, StringComparison.OrdinalIgnoreCase)))
        {
            sources += $" (or {alias.Variable} / {alias.Variable}_FILE)";
        }

        return sources;
    }

    private static string RefuseSecret(string key, ServerIdentity identity) =>
        IsSecretSetting(key, identity)
            ? throw new ConfigurationException(
                $"'{key}' is a secret and is not accepted on the command line (other users can read command lines). Set {SecretSources(key, identity)} instead.")
            : key;
}
