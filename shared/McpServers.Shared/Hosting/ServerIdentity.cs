using System.Reflection;

namespace McpServers.Shared.Hosting;

/// <summary>
/// Who a server is and what it accepts: the name clients see, the instructions sent at initialize, the environment
/// prefix of its settings, and the server-specific switches and settings listed by <c>--help</c>.
/// </summary>
public sealed record ServerIdentity
{
    /// <summary>The command name, e.g. <c>mcp-database</c>; also the MCP serverInfo name.</summary>
    public required string Name { get; init; }

    /// <summary>A human title, e.g. "Database (read-only SQL without SQL)".</summary>
    public required string Title { get; init; }

    /// <summary>One paragraph for <c>--help</c>.</summary>
    public required string Description { get; init; }

    /// <summary>Sent to the client at initialize: how the model should use this server.</summary>
    public required string Instructions { get; init; }

    /// <summary>Environment prefix including the trailing <c>__</c>, e.g. <c>MCP_DATABASE__</c>.</summary>
    public required string EnvironmentPrefix { get; init; }

    /// <summary>The product version, normally <see cref="VersionOf"/> of the server's assembly.</summary>
    public required string Version { get; init; }

    /// <summary>The server's own settings, listed by <c>--help</c>.</summary>
    public IReadOnlyList<SettingHelp> Settings { get; init; } = [];

    /// <summary>
    /// Settings the set of tools depends on besides <c>Policy:*</c> and <c>Confirmation:*</c> (e.g. a declared-tools file,
    /// an OpenAPI document), named by <c>--help</c> and <c>--print-tools</c> so a reviewer knows what the manifest assumed.
    /// </summary>
    public IReadOnlyList<string> ToolSetSettings { get; init; } = [];

    /// <summary>The server's own command-line switches (e.g. <c>--demo</c>), each mapped to a setting.</summary>
    public IReadOnlyList<ServerSwitch> Switches { get; init; } = [];

    /// <summary>Vendor-customary environment names (e.g. <c>DATABASE_URL</c>) mapped to settings; <c>NAME_FILE</c> works too.</summary>
    public IReadOnlyList<EnvironmentAlias> EnvironmentAliases { get; init; } = [];

    /// <summary>
    /// Where this server's machine policy file lives (<see cref="MachinePolicy"/>); null: the operating system's fixed
    /// folder. Set only in code (the test kit's own server does), never from the environment or an argument.
    /// </summary>
    public string? MachinePolicyDirectory { get; init; }

    /// <summary>The informational version of an assembly without the source-revision suffix.</summary>
    public static string VersionOf(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        string? version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString();
        if (string.IsNullOrEmpty(version))
        {
            return "0.0.0";
        }

        int plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus > 0 ? version[..plus] : version;
    }
}

/// <summary>A setting documented by <c>--help</c>.</summary>
/// <param name="Key">Configuration key, e.g. <c>MaxQueryCost</c> or <c>Jira:BaseUrl</c>.</param>
/// <param name="Description">What it does, in one line.</param>
/// <param name="Default">The default, as text; null when required or computed.</param>
/// <param name="Secret">Secrets are accepted only from the environment or a <c>_FILE</c>, never the command line.</param>
public sealed record SettingHelp(string Key, string Description, string? Default = null, bool Secret = false);

/// <summary>A server-specific switch. With a <paramref name="ValueName"/> it takes a value; otherwise it sets <paramref name="FixedValue"/>.</summary>
public sealed record ServerSwitch(string Name, string ConfigKey, string Help, string? ValueName = null, string FixedValue = "true");

/// <summary>A vendor-customary environment variable, e.g. <c>DATABASE_URL</c> → <c>DatabaseUrl</c>.</summary>
public sealed record EnvironmentAlias(string Variable, string ConfigKey);
