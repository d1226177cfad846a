using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using McpServers.Shared.Hosting;
using McpServers.Testing.Conformance;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Testing.Options;

/// <summary>
/// Checks that the three places a server's settings are described agree: what <c>--help</c> lists (the server's
/// <see cref="ServerIdentity.Settings"/>, the common settings, switches and environment aliases), the environment
/// variables of its <c>.mcp/server.json</c>, and the bindable properties of the options types it registers
/// (<see cref="SettingsSection"/>). Data-driven: a new setting only has to appear consistently in all three.
/// </summary>
public sealed class SettingsAgreement
{
    /// <summary>Documented by the shared host but read before any options type exists.</summary>
    private static readonly Dictionary<string, string> HostSettings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Logging:Level"] = "read by the host to set up stderr logging, before options are bound",
    };

    private readonly ServerIdentity _identity;
    private readonly List<(string Key, Type Type)> _optionKeys = [];
    private readonly Dictionary<string, string> _undocumented = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="identity">The server's identity (its <c>--help</c> settings, switches and aliases).</param>
    /// <param name="register">The server's registration, e.g. <c>(s, c) =&gt; s.AddDatabaseServer(c)</c>.</param>
    public SettingsAgreement(ServerIdentity identity, Action<IServiceCollection, IConfiguration> register)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(register);
        _identity = identity;
        var services = new ServiceCollection();
        register(services, new ConfigurationBuilder().Build());
        foreach (SettingsSection section in services.Select(d => d.ImplementationInstance).OfType<SettingsSection>())
        {
            AddKeys(section.Path, section.OptionsType, depth: 0);
        }
    }

    /// <summary>
    /// Option keys under <paramref name="prefix"/> (<c>Jira:Http:</c>) need not be listed by <c>--help</c>;
    /// <paramref name="reason"/> says where they are documented instead.
    /// </summary>
    public SettingsAgreement Undocumented(string prefix, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        _undocumented[prefix] = reason;
        return this;
    }

    /// <summary>Every disagreement, one sentence each; empty when the descriptions agree.</summary>
    /// <param name="serverJsonPath">Repository-relative path of the server's <c>.mcp/server.json</c>; null for a server without one.</param>
    /// <param name="readmePath">
    /// Repository-relative path of the server's README, whose settings table (under <c>## Settings</c> or
    /// <c>## Configuration</c>; keys in backticks in the first column, <c>Section:*</c> for a whole section) must name
    /// only real settings and every setting <c>--help</c> lists; null for a server without one.
    /// </param>
    public IReadOnlyList<string> Problems(string? serverJsonPath, string? readmePath = null)
    {
        var problems = new List<string>();
        SettingHelp[] help = [.. _identity.Settings, .. HelpText.CommonSettings];
        string[] optionKeys = [.. _optionKeys.Select(k => k.Key).Distinct(StringComparer.OrdinalIgnoreCase)];

        foreach (SettingHelp setting in help.Where(s => !HostSettings.ContainsKey(s.Key)))
        {
            if (!optionKeys.Any(k => Matches(setting.Key, k)))
            {
                problems.Add($"--help lists '{setting.Key}', which no options type binds.");
            }

            bool namedSecret = CommandLine.IsSecretSetting(setting.Key, _identity with { Settings = [] });
            if (namedSecret && !setting.Secret)
            {
                problems.Add($"--help lists '{setting.Key}' without Secret: true, but the host treats it as a secret.");
            }
        }

        // Only text can hold a secret: a number, duration or switch the host refuses on the command line is a naming accident.
        foreach ((string key, Type type) in _optionKeys.Where(k => k.Type != typeof(string) && CommandLine.IsSecretSetting(k.Key, _identity)))
        {
            problems.Add($"'{key}' holds a {type.Name}, but the host treats it as a secret (refused on the command line and in --config).");
        }

        IEnumerable<string> documentedKeys = help.Select(s => s.Key)
            .Concat(_identity.Switches.Select(s => s.ConfigKey))
            .Concat(_identity.EnvironmentAliases.Select(a => a.ConfigKey));
        foreach (string key in optionKeys.Where(k => !_undocumented.Keys.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))))
        {
            if (!documentedKeys.Any(d => Matches(d, key)))
            {
                problems.Add($"'{key}' is a setting (an options property) that --help does not list.");
            }
        }

        foreach (string key in _identity.Switches.Select(s => s.ConfigKey).Concat(_identity.EnvironmentAliases.Select(a => a.ConfigKey)))
        {
            if (!optionKeys.Any(k => Matches(key, k)))
            {
                problems.Add($"A switch or environment alias sets '{key}', which no options type binds.");
            }
        }

        if (serverJsonPath is not null)
        {
            problems.AddRange(ServerJsonProblems(Path.Combine(ManifestSnapshot.RepositoryRoot(), serverJsonPath), optionKeys));
        }

        if (readmePath is not null)
        {
            problems.AddRange(ReadmeProblems(Path.Combine(ManifestSnapshot.RepositoryRoot(), readmePath), optionKeys));
        }

        return problems;
    }

    private IEnumerable<string> ServerJsonProblems(string path, string[] optionKeys)
    {
        JsonNode document = JsonNode.Parse(File.ReadAllText(path)) ?? throw new InvalidDataException(path);
        // The MCP registry's server.schema.json: description 1 to 100 characters.
        if ((string?)document["description"] is not { Length: > 0 and <= 100 })
        {
            yield return $".mcp/server.json's description must be 1 to 100 characters (the MCP registry's limit); it is {((string?)document["description"])?.Length ?? 0}.";
        }

        foreach (JsonNode? variable in document["packages"]!.AsArray().SelectMany(p => p!["environmentVariables"]?.AsArray() ?? []))
        {
            string name = (string)variable!["name"]!;
            bool markedSecret = (bool?)variable["isSecret"] ?? false;
            string? key = name.StartsWith(_identity.EnvironmentPrefix, StringComparison.Ordinal)
                ? name[_identity.EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal)
                : _identity.EnvironmentAliases.FirstOrDefault(a => a.Variable == name)?.ConfigKey;
            if (key is null)
            {
                yield return $".mcp/server.json names {name}, which is neither {_identity.EnvironmentPrefix}<Key> nor an environment alias.";
                continue;
            }

            if (!optionKeys.Any(k => Matches(key, k)))
            {
                yield return $".mcp/server.json names {name}, but no options type binds '{key}'.";
            }

            bool secret = CommandLine.IsSecretSetting(key, _identity);
            if (secret != markedSecret)
            {
                yield return $".mcp/server.json marks {name} isSecret: {markedSecret.ToString().ToLowerInvariant()}, but '{key}' is {(secret ? "" : "not ")}a secret setting.";
            }
        }
    }

    private IEnumerable<string> ReadmeProblems(string path, string[] optionKeys)
    {
        string[] keys = [.. SettingsTableKeys(File.ReadAllLines(path))];
        if (keys.Length == 0)
        {
            yield return $"{Path.GetFileName(path)} has no settings table under '## Settings' or '## Configuration'.";
            yield break;
        }

        foreach (string key in keys.Where(k => !optionKeys.Any(o => Covers(k, o))))
        {
            yield return $"The README's settings table names '{key}', which no options type binds.";
        }

        foreach (SettingHelp setting in _identity.Settings.Where(s => !keys.Any(k => Covers(k, s.Key))))
        {
            yield return $"--help lists '{setting.Key}', which the README's settings table does not.";
        }
    }

    /// <summary>The backticked keys in the first column of the table under the settings heading.</summary>
    private static IEnumerable<string> SettingsTableKeys(string[] lines)
    {
        bool inSection = false;
        foreach (string line in lines)
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                inSection = line is "## Settings" or "## Configuration";
            }
            else if (inSection && line.StartsWith('|'))
            {
                string first = line.Split('|')[1];
                foreach (Match match in Regex.Matches(first, "`([A-Z][A-Za-z0-9]*(?::(?:[A-Za-z0-9<>|]+|\\*))*)`"))
                {
                    yield return match.Groups[1].Value;
                }
            }
        }
    }

    /// <summary>A README key covers a key when it names it, or ends in <c>:*</c> and names its section.</summary>
    private static bool Covers(string readmeKey, string key) =>
        readmeKey.EndsWith(":*", StringComparison.Ordinal)
            ? key.StartsWith(readmeKey[..^1], StringComparison.OrdinalIgnoreCase)
            : Matches(readmeKey, key) || Matches(key, readmeKey);

    /// <summary>
    /// True when the documented key (which may hold <c>&lt;name&gt;</c> for any segment and <c>a|b</c> for alternatives)
    /// names the option key (whose dictionary keys are <c>&lt;name&gt;</c>).
    /// </summary>
    private static bool Matches(string documented, string optionKey)
    {
        string[] d = documented.Split(':');
        string[] o = optionKey.Split(':');
        return d.Length == o.Length && d.Zip(o).All(p =>
            p.First.StartsWith('<') && p.Second.StartsWith('<')
            || p.First.Split('|').Contains(p.Second, StringComparer.OrdinalIgnoreCase));
    }

    private void AddKeys(string path, Type type, int depth)
    {
        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is not { IsPublic: true } || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            string key = path.Length == 0 ? property.Name : $"{path}:{property.Name}";
            Type propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                Type value = propertyType.GetGenericArguments()[1];
                if (IsComplex(value) && depth < 4)
                {
                    AddKeys($"{key}:<name>", value, depth + 1);
                }
                else
                {
                    _optionKeys.Add(($"{key}:<name>", value));
                }
            }
            else if (IsComplex(propertyType) && depth < 4)
            {
                AddKeys(key, propertyType, depth + 1);
            }
            else
            {
                _optionKeys.Add((key, propertyType));
            }
        }
    }

    private static bool IsComplex(Type type) =>
        type.IsClass && type != typeof(string) && type != typeof(Uri) && !type.IsArray
        && !(type.IsGenericType && type.GetInterfaces().Append(type).Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)));
}
