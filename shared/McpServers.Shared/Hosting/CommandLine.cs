namespace McpServers.Shared.Hosting;

/// <summary>What the process was asked to do.</summary>
public enum HostMode
{
    Serve,
    Help,
    Version,
    PrintTools,
    Check,
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

    public HostMode Mode { get; }

    public string? ConfigFile { get; }

    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>The switches every server accepts, for <c>--help</c>.</summary>
    public static IReadOnlyList<(string Switch, string Help)> CommonSwitches { get; } =
    [
        ("--help, -h", "Show this help and exit."),
        ("--version", "Print the server name and version and exit."),
        ("--config <file.json>", "Read settings from a JSON file (command line > environment > this file > defaults)."),
        ("--print-tools", "Print the exact tools/list result as JSON (the reviewable tool manifest) and exit."),
        ("--check", "Validate the configuration, reach the backend once, print a verdict; exit code 0 (ok) or 1."),
        ("--read-only", "Serve read-only tools only (the default). Write tools are hidden and refused."),
        ("--allow-writes", "Also serve tools that change data (each still subject to rate limits and confirmation)."),
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
        string? configFile = null;
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

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
                case "--config":
                    configFile = Value();
                    break;
                case "--read-only":
                    settings["Policy:ReadOnly"] = "true";
                    break;
                case "--allow-writes":
                    settings["Policy:ReadOnly"] = "false";
                    break;
                case "--tools":
                    settings["Policy:Tools"] = Value();
                    break;
                case "--exclude-tools":
                    settings["Policy:ExcludeTools"] = Value();
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

        return new CommandLine(mode, configFile, settings);
    }

    private static string RefuseSecret(string key, ServerIdentity identity)
    {
        bool declaredSecret = identity.Settings.Any(s => s.Secret && string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase));
        if (declaredSecret || SecretNames.IsSecret(key))
        {
            string env = identity.EnvironmentPrefix + key.Replace(":", "__", StringComparison.Ordinal);
            throw new ConfigurationException(
                $"'{key}' is a secret and is not accepted on the command line (other users can read command lines). Set the environment variable {env} or {env}_FILE instead.");
        }

        return key;
    }
}
